//! The sales department's organisation: departments and teams in a hierarchy, people with roles,
//! territories in a hierarchy, and assignments of people by product category, customer group and
//! territory.

use std::collections::BTreeMap;

use crate::collection::Tables;
use crate::date::Date;
use crate::error::Invalid;
use crate::field::LongText;
use crate::market::SegmentId;
use crate::money::Money;
use crate::product::ProductCategoryId;
use crate::record::Validate;
use crate::validate::{check_ref, looks_like_email, require_ref, require_text};
use crate::{define_id, nested, record, string_enum};

define_id!(OrgUnitId);
define_id!(PersonId);
define_id!(TerritoryId);
define_id!(AssignmentId);
define_id!(ChecklistItemId);

string_enum! {
    /// A level of the sales organisation.
    pub enum UnitKind {
        Department = "department" / "Department",
        Team = "team" / "Team",
    }
}

record! {
    /// A department or team, with its tasks and functions.
    pub struct OrgUnit: OrgUnitId in OrgUnits {
        name: String,
        kind: UnitKind,
        parent: Option<OrgUnitId>,
        lead: Option<PersonId>,
        /// What the unit is for: its tasks and functions.
        functions: LongText,
    }
}

/// Whether following `parent` links from `start` ever comes back to `start`.
fn has_cycle<Id: Copy + Ord>(start: Id, parent_of: impl Fn(Id) -> Option<Id>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    let mut current = parent_of(start);
    while let Some(id) = current {
        if id == start || !seen.insert(id) {
            return true;
        }
        current = parent_of(id);
    }
    false
}

impl Validate for OrgUnit {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the unit's name");
        check_ref(&mut inv, "parent", self.parent, &data.org_units, "unit");
        check_ref(&mut inv, "lead", self.lead, &data.people, "person");
        let parent_of =
            |id: OrgUnitId| if id == self.id { self.parent } else { data.org_units.get(id).and_then(|u| u.parent) };
        inv.check(has_cycle(self.id, parent_of), "parent", "A unit cannot sit inside itself");
        inv.finish()
    }
}

string_enum! {
    /// A person's role in the sales organisation.
    pub enum Role {
        Rep = "rep" / "Sales rep",
        KeyAccount = "key-account" / "Key account manager",
        Manager = "manager" / "Sales manager",
        Head = "head" / "Head of sales",
        Support = "support" / "Sales support",
        Service = "service" / "After-sales service",
    }
}

nested! {
    /// One step of a new hire's onboarding.
    pub struct ChecklistItem: ChecklistItemId {
        title: String,
        order: i64,
        due: Option<Date>,
        done: bool,
    }
}

record! {
    /// A member of the sales organisation.
    pub struct Person: PersonId in People {
        name: String,
        email: String,
        phone: String,
        role: Role,
        title: String,
        unit: Option<OrgUnitId>,
        manager: Option<PersonId>,
        hired: Option<Date>,
        /// The last day of employment, once the person has left; salaries stop after it.
        left: Option<Date>,
        active: bool,
        /// Monthly base salary, for the cost of sales.
        salary: Option<Money>,
        onboarding: BTreeMap<ChecklistItemId, ChecklistItem>,
        notes: LongText,
    }
}

impl Person {
    /// Onboarding progress: (done, total).
    pub fn onboarding_progress(&self) -> (usize, usize) {
        (self.onboarding.values().filter(|i| i.done).count(), self.onboarding.len())
    }
}

impl Validate for Person {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the person's name");
        inv.check(
            !self.email.is_empty() && !looks_like_email(&self.email),
            "email",
            "Enter an email address such as ana@example.com",
        );
        check_ref(&mut inv, "unit", self.unit, &data.org_units, "unit");
        check_ref(&mut inv, "manager", self.manager, &data.people, "person");
        inv.check(self.manager == Some(self.id), "manager", "A person cannot manage themselves");
        inv.check(self.salary.is_some_and(|s| s.minor < 0), "salary", "The salary cannot be negative");
        if let (Some(hired), Some(left)) = (self.hired, self.left) {
            inv.check(left < hired, "left", "The leaving date is before the hiring date");
        }
        inv.check(
            self.onboarding.values().any(|i| i.title.trim().is_empty()),
            "onboarding",
            "Every checklist step needs a title",
        );
        inv.finish()
    }
}

record! {
    /// A sales territory; territories nest (country, region, city).
    pub struct Territory: TerritoryId in Territories {
        name: String,
        code: String,
        parent: Option<TerritoryId>,
        notes: LongText,
    }
}

impl Validate for Territory {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the territory's name");
        check_ref(&mut inv, "parent", self.parent, &data.territories, "territory");
        let parent_of =
            |id: TerritoryId| if id == self.id { self.parent } else { data.territories.get(id).and_then(|t| t.parent) };
        inv.check(has_cycle(self.id, parent_of), "parent", "A territory cannot sit inside itself");
        inv.finish()
    }
}

record! {
    /// What a person is responsible for: a territory, a product category, a customer group.
    pub struct Assignment: AssignmentId in Assignments {
        person: PersonId,
        territory: Option<TerritoryId>,
        product_category: Option<ProductCategoryId>,
        segment: Option<SegmentId>,
        from: Option<Date>,
        to: Option<Date>,
    }
}

impl Validate for Assignment {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "person", self.person, &data.people, "person");
        check_ref(&mut inv, "territory", self.territory, &data.territories, "territory");
        check_ref(&mut inv, "product_category", self.product_category, &data.product_categories, "product category");
        check_ref(&mut inv, "segment", self.segment, &data.segments, "segment");
        inv.check(
            self.territory.is_none() && self.product_category.is_none() && self.segment.is_none(),
            "territory",
            "Assign at least a territory, a product category or a customer group",
        );
        if let (Some(from), Some(to)) = (self.from, self.to) {
            inv.check(to < from, "to", "The end is before the start");
        }
        inv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_loops_are_found() {
        let parents = [(1, Some(2)), (2, Some(3)), (3, Some(1)), (4, Some(5)), (5, None)];
        let parent_of = |id: i32| parents.iter().find(|(i, _)| *i == id).and_then(|(_, p)| *p);
        assert!(has_cycle(1, parent_of));
        assert!(!has_cycle(4, parent_of));
    }
}
