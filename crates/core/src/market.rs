//! Target customers: segments with their needs and price category, niches marked strategic or
//! supporting, and plans for entering new niches.

use crate::collection::Tables;
use crate::date::Date;
use crate::error::Invalid;
use crate::field::LongText;
use crate::money::Money;
use crate::org::PersonId;
use crate::record::Validate;
use crate::validate::{check_ref, require_ref, require_text};
use crate::{define_id, record, string_enum};

define_id!(SegmentId);
define_id!(NicheId);
define_id!(EntryPlanId);

string_enum! {
    /// The price level a segment buys at; price lists are kept per price category.
    pub enum PriceCategory {
        Economy = "economy" / "Economy",
        Standard = "standard" / "Standard",
        Premium = "premium" / "Premium",
    }
}

record! {
    /// A group of buyers with shared needs and a price category.
    pub struct Segment: SegmentId in Segments {
        name: String,
        needs: LongText,
        price_category: PriceCategory,
        description: LongText,
    }
}

impl Validate for Segment {
    fn validate(&self, _: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the segment's name");
        inv.finish()
    }
}

string_enum! {
    /// How a niche matters to the business.
    pub enum NicheRole {
        Strategic = "strategic" / "Strategic",
        Supporting = "supporting" / "Supporting",
    }
}

record! {
    /// A market niche within a segment.
    pub struct Niche: NicheId in Niches {
        name: String,
        segment: Option<SegmentId>,
        role: NicheRole,
        /// Estimated yearly sales potential.
        estimated_size: Option<Money>,
        notes: LongText,
    }
}

impl Validate for Niche {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the niche's name");
        check_ref(&mut inv, "segment", self.segment, &data.segments, "segment");
        inv.check(self.estimated_size.is_some_and(|m| m.minor < 0), "estimated_size", "The size cannot be negative");
        inv.finish()
    }
}

string_enum! {
    /// Where a plan stands.
    pub enum PlanStatus {
        Draft = "draft" / "Draft",
        Active = "active" / "Active",
        Done = "done" / "Done",
        Dropped = "dropped" / "Dropped",
    }
}

record! {
    /// How the company will enter a new niche: strategy, tactics, owner and status.
    pub struct EntryPlan: EntryPlanId in EntryPlans {
        niche: NicheId,
        title: String,
        strategy: LongText,
        tactics: LongText,
        owner: Option<PersonId>,
        status: PlanStatus,
        start: Option<Date>,
        due: Option<Date>,
    }
}

impl Validate for EntryPlan {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "niche", self.niche, &data.niches, "niche");
        require_text(&mut inv, "title", &self.title, "Enter a title for the plan");
        check_ref(&mut inv, "owner", self.owner, &data.people, "person");
        if let (Some(start), Some(due)) = (self.start, self.due) {
            inv.check(due < start, "due", "The due date is before the start");
        }
        inv.finish()
    }
}
