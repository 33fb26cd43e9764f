//! The sales organisation and its management: units, people, territories, assignments,
//! targets, commission plans, recruiting, training, evaluations, costs and budgets.

use leptos::prelude::*;
use quota_core::management::{
    Budget, Candidate, CommissionPlan, CostCategory, CostEntry, Evaluation, HiringStage, Metric, PayPeriod, Subject,
    Target, Training, TrainingKind,
};
use quota_core::org::{Assignment, OrgUnit, Person, Role, Territory, UnitKind};
use quota_core::{Collection, Tables};

use crate::components::form::{FieldSpec, Input};
use crate::components::table::Column;
use crate::crud::{self, RecordUi};
use crate::ids;
use crate::names;
use crate::options;
use crate::pages::{Tab, tabbed};
use crate::route::{Area, Route};

crate::choices!(UnitKind, Role, Metric, HiringStage, TrainingKind, PayPeriod, CostCategory);

fn today() -> quota_core::Date {
    ids::now().date()
}

fn currency(d: &Tables) -> quota_core::Currency {
    d.settings.iter().next().map(|s| s.currency).unwrap_or_default()
}

pub fn organisation(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "people", label: "People", page: crud::page::<Person> },
            Tab { slug: "units", label: "Departments & teams", page: crud::page::<OrgUnit> },
            Tab { slug: "territories", label: "Territories", page: crud::page::<Territory> },
            Tab { slug: "assignments", label: "Assignments", page: crud::page::<Assignment> },
        ],
    )
}

pub fn recruiting(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "candidates", label: "Candidates", page: crud::page::<Candidate> },
            Tab {
                slug: "onboarding",
                label: "Onboarding",
                page: |_, _| view! { <crate::pages::nested::OnboardingOverview/> }.into_any(),
            },
            Tab { slug: "training", label: "Training", page: crud::page::<Training> },
            Tab { slug: "evaluations", label: "Evaluations", page: crud::page::<Evaluation> },
        ],
    )
}

pub fn costs(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "costs", label: "Costs", page: crud::page::<CostEntry> },
            Tab { slug: "budgets", label: "Budgets", page: crud::page::<Budget> },
        ],
    )
}

impl RecordUi for Person {
    const SINGULAR: &'static str = "person";
    const PLURAL: &'static str = "People";
    const READS: &'static [Collection] = &[Collection::OrgUnits];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Organisation, &["people"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Person>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice("role", "Role", Role::ALL, |r| r.role, |r, v| r.role = v),
            F::text("title", "Job title", |r| &r.title, |r| &mut r.title),
            F::reference(
                "unit",
                "Department or team",
                &[Collection::OrgUnits],
                options::units,
                |r| r.unit,
                |r, v| r.unit = v,
            ),
            F::reference(
                "manager",
                "Manager",
                &[Collection::People],
                options::people,
                |r| r.manager,
                |r, v| r.manager = v,
            ),
            F::text("email", "Email", |r| &r.email, |r| &mut r.email).typed(Input::Email),
            F::text("phone", "Phone", |r| &r.phone, |r| &mut r.phone).typed(Input::Tel),
            F::optional_date("hired", "Hired", |r| r.hired, |r, v| r.hired = v),
            F::check("active", "Active", |r| r.active, |r, v| r.active = v),
            F::optional_money("salary", "Monthly salary", |r| r.salary, |r, v| r.salary = v),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Role"),
            Column::wide("Team"),
            Column::wide("Manager"),
            Column::wide("Onboarding"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let (done, total) = self.onboarding_progress();
        vec![
            self.name.clone(),
            self.role.label().into(),
            names::unit(d, self.unit),
            names::person(d, self.manager),
            if total == 0 { String::new() } else { format!("{done}/{total}") },
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Person { id: ids::new_id(), active: true, hired: Some(today()), ..Default::default() }
    }

    fn related(id: Self::Id) -> Option<AnyView> {
        Some(view! { <crate::pages::nested::Checklist id/> }.into_any())
    }
}

impl RecordUi for OrgUnit {
    const SINGULAR: &'static str = "unit";
    const PLURAL: &'static str = "Departments & teams";
    const READS: &'static [Collection] = &[Collection::People];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Organisation, &["units"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<OrgUnit>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice("kind", "Kind", UnitKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::reference(
                "parent",
                "Part of",
                &[Collection::OrgUnits],
                options::units,
                |r| r.parent,
                |r, v| r.parent = v,
            ),
            F::reference("lead", "Led by", &[Collection::People], options::people, |r| r.lead, |r, v| r.lead = v),
            F::long_text("functions", "Tasks and functions", |r| &r.functions, |r| &mut r.functions),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Kind"),
            Column::wide("Part of"),
            Column::wide("Led by"),
            Column::number("People"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let people = d.people.iter().filter(|p| p.unit == Some(self.id)).count();
        vec![
            self.name.clone(),
            self.kind.label().into(),
            names::unit(d, self.parent),
            names::person(d, self.lead),
            people.to_string(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        OrgUnit { id: ids::new_id(), ..Default::default() }
    }
}

impl RecordUi for Territory {
    const SINGULAR: &'static str = "territory";
    const PLURAL: &'static str = "Territories";
    const READS: &'static [Collection] = &[];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Organisation, &["territories"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Territory>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::text("code", "Code", |r| &r.code, |r| &mut r.code),
            F::reference(
                "parent",
                "Part of",
                &[Collection::Territories],
                options::territories,
                |r| r.parent,
                |r, v| r.parent = v,
            ),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Name"), Column::new("Code"), Column::wide("Part of")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![self.name.clone(), self.code.clone(), names::territory(d, self.parent)]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Territory { id: ids::new_id(), ..Default::default() }
    }
}

impl RecordUi for Assignment {
    const SINGULAR: &'static str = "assignment";
    const PLURAL: &'static str = "Assignments";
    const READS: &'static [Collection] =
        &[Collection::People, Collection::Territories, Collection::ProductCategories, Collection::Segments];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Organisation, &["assignments"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Assignment>;
        vec![
            F::required_reference(
                "person",
                "Person",
                &[Collection::People],
                options::people,
                |r| r.person,
                |r, v| r.person = v,
            ),
            F::reference(
                "territory",
                "Territory",
                &[Collection::Territories],
                options::territories,
                |r| r.territory,
                |r, v| r.territory = v,
            ),
            F::reference(
                "product_category",
                "Product category",
                &[Collection::ProductCategories],
                options::categories,
                |r| r.product_category,
                |r, v| r.product_category = v,
            ),
            F::reference(
                "segment",
                "Customer group",
                &[Collection::Segments],
                options::segments,
                |r| r.segment,
                |r, v| r.segment = v,
            ),
            F::optional_date("from", "From", |r| r.from, |r, v| r.from = v),
            F::optional_date("to", "To", |r| r.to, |r, v| r.to = v),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Person"), Column::new("Territory"), Column::wide("Products"), Column::wide("Customers")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            names::person(d, Some(self.person)),
            names::territory(d, self.territory),
            names::category(d, self.product_category),
            self.segment.and_then(|s| d.segments.get(s)).map(|s| s.name.clone()).unwrap_or_default(),
        ]
    }

    fn title(&self) -> String {
        "Assignment".into()
    }

    fn blank(_: &Tables) -> Self {
        Assignment { id: ids::new_id(), from: Some(today()), ..Default::default() }
    }
}

/// The name of a target's subject.
pub fn subject_name(d: &Tables, subject: Subject) -> String {
    match subject {
        Subject::Company => "Whole company".into(),
        Subject::Person(id) => names::person(d, Some(id)),
        Subject::Unit(id) => names::unit(d, Some(id)),
        Subject::Territory(id) => names::territory(d, Some(id)),
        Subject::Channel(id) => names::channel(d, Some(id)),
        Subject::Partner(id) => names::partner(d, Some(id)),
        Subject::Product(id) => names::product(d, Some(id)),
        Subject::Category(id) => names::category(d, Some(id)),
        Subject::Segment(id) => d.segments.get(id).map(|s| s.name.clone()).unwrap_or_default(),
    }
}

/// Every possible target subject, grouped by kind in the labels.
fn subjects(d: &Tables) -> Vec<(String, String)> {
    let mut out = vec![(Subject::Company.to_string(), "Whole company".to_string())];
    let mut add = |kind: &str, items: Vec<(Subject, String)>| {
        let mut items = items;
        items.sort_by(|a, b| a.1.cmp(&b.1));
        out.extend(items.into_iter().map(|(s, n)| (s.to_string(), format!("{kind}: {n}"))));
    };
    add("Person", d.people.iter().map(|p| (Subject::Person(p.id), p.name.clone())).collect());
    add("Team", d.org_units.iter().map(|u| (Subject::Unit(u.id), u.name.clone())).collect());
    add("Territory", d.territories.iter().map(|t| (Subject::Territory(t.id), t.name.clone())).collect());
    add("Channel", d.channels.iter().map(|c| (Subject::Channel(c.id), c.name.clone())).collect());
    add("Partner", d.partners.iter().map(|p| (Subject::Partner(p.id), p.name.clone())).collect());
    add("Product", d.products.iter().map(|p| (Subject::Product(p.id), p.name.clone())).collect());
    add("Category", d.product_categories.iter().map(|c| (Subject::Category(c.id), c.name.clone())).collect());
    add("Segment", d.segments.iter().map(|s| (Subject::Segment(s.id), s.name.clone())).collect());
    out
}

const SUBJECT_SOURCES: &[Collection] = &[
    Collection::People,
    Collection::OrgUnits,
    Collection::Territories,
    Collection::Channels,
    Collection::Partners,
    Collection::Products,
    Collection::ProductCategories,
    Collection::Segments,
];

impl RecordUi for Target {
    const SINGULAR: &'static str = "target";
    const PLURAL: &'static str = "Targets";
    const READS: &'static [Collection] = SUBJECT_SOURCES;
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Targets, &["list"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Target>;
        vec![
            F::reference(
                "subject",
                "For",
                SUBJECT_SOURCES,
                subjects,
                |r| Some(r.subject),
                |r, v| r.subject = v.unwrap_or_default(),
            ),
            F::period("period", "Period", |r| r.period, |r, v| r.period = v),
            F::choice("metric", "Measure", Metric::ALL, |r| r.metric, |r, v| r.metric = v),
            F::money("amount", "Revenue goal", |r| r.amount, |r, v| r.amount = v),
            F::number("count", "Count goal (deals, activities, customers)", |r| r.count, |r, v| r.count = v),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("For"), Column::new("Period"), Column::wide("Measure"), Column::number("Goal")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let goal = if self.metric == Metric::Revenue { self.amount.display() } else { self.count.to_string() };
        vec![subject_name(d, self.subject), self.period.to_string(), self.metric.label().into(), goal]
    }

    fn title(&self) -> String {
        format!("Target {}", self.period)
    }

    fn blank(d: &Tables) -> Self {
        Target {
            id: ids::new_id(),
            period: quota_core::Period::year_of(today()),
            amount: quota_core::Money::zero(currency(d)),
            ..Default::default()
        }
    }
}

impl RecordUi for CommissionPlan {
    const SINGULAR: &'static str = "commission plan";
    const PLURAL: &'static str = "Commission plans";
    const READS: &'static [Collection] = &[Collection::People];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Commissions, &["plans"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<CommissionPlan>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::choice("pay_period", "Paid", PayPeriod::ALL, |r| r.pay_period, |r, v| r.pay_period = v),
            F::basis_points("base_rate_bp", "Base rate (%)", |r| r.base_rate_bp, |r, v| r.base_rate_bp = v),
            F::basis_points(
                "accelerator_bp",
                "Above-target multiplier (%, 150 = 1.5×)",
                |r| r.accelerator_bp,
                |r, v| r.accelerator_bp = v,
            ),
            F::optional_money("cap", "Cap per period", |r| r.cap, |r, v| r.cap = v),
            F::optional_money("bonus", "Bonus", |r| r.bonus, |r, v| r.bonus = v),
            F::number(
                "bonus_attainment",
                "Bonus from attainment (%)",
                |r| r.bonus_attainment,
                |r, v| r.bonus_attainment = v,
            ),
            F::check("active", "Active", |r| r.active, |r, v| r.active = v),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Paid"),
            Column::number("Base rate"),
            Column::number("Tiers"),
            Column::number("Members"),
        ]
    }

    fn cells(&self, _: &Tables, _: &()) -> Vec<String> {
        vec![
            self.name.clone(),
            self.pay_period.label().into(),
            crate::format::percent_bp(self.base_rate_bp),
            self.tiers.len().to_string(),
            self.members.len().to_string(),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        CommissionPlan {
            id: ids::new_id(),
            active: true,
            accelerator_bp: 10_000,
            bonus_attainment: 100,
            ..Default::default()
        }
    }

    fn related(id: Self::Id) -> Option<AnyView> {
        Some(view! { <crate::pages::nested::PlanTiers id/><crate::pages::nested::PlanMembers id/> }.into_any())
    }
}

impl RecordUi for Candidate {
    const SINGULAR: &'static str = "candidate";
    const PLURAL: &'static str = "Candidates";
    const READS: &'static [Collection] = &[Collection::People];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Recruiting, &["candidates"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Candidate>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::text("position", "Position", |r| &r.position, |r| &mut r.position).required(),
            F::choice("stage", "Stage", HiringStage::ALL, |r| r.stage, |r, v| r.stage = v),
            F::text("email", "Email", |r| &r.email, |r| &mut r.email).typed(Input::Email),
            F::text("phone", "Phone", |r| &r.phone, |r| &mut r.phone).typed(Input::Tel),
            F::text("source", "Source", |r| &r.source, |r| &mut r.source),
            F::date("applied", "Applied", |r| r.applied, |r, v| r.applied = v),
            F::reference(
                "owner",
                "Hiring manager",
                &[Collection::People],
                options::people,
                |r| r.owner,
                |r, v| r.owner = v,
            ),
            F::optional_money(
                "expected_salary",
                "Expected monthly salary",
                |r| r.expected_salary,
                |r, v| r.expected_salary = v,
            ),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Name"),
            Column::new("Stage"),
            Column::wide("Position"),
            Column::wide("Applied"),
            Column::wide("Manager"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            self.name.clone(),
            self.stage.label().into(),
            self.position.clone(),
            self.applied.to_string(),
            names::person(d, self.owner),
        ]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Candidate { id: ids::new_id(), applied: today(), ..Default::default() }
    }
}

impl RecordUi for Training {
    const SINGULAR: &'static str = "training";
    const PLURAL: &'static str = "Training";
    const READS: &'static [Collection] = &[Collection::People];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Recruiting, &["training"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Training>;
        vec![
            F::required_reference(
                "person",
                "Person",
                &[Collection::People],
                options::people,
                |r| r.person,
                |r, v| r.person = v,
            ),
            F::text("title", "Title", |r| &r.title, |r| &mut r.title).required(),
            F::choice("kind", "Kind", TrainingKind::ALL, |r| r.kind, |r, v| r.kind = v),
            F::date("date", "Date", |r| r.date, |r, v| r.date = v),
            F::number("hours", "Hours", |r| r.hours, |r, v| r.hours = v),
            F::money("cost", "Cost", |r| r.cost, |r, v| r.cost = v),
            F::check("completed", "Completed", |r| r.completed, |r, v| r.completed = v),
            F::optional_number("score", "Score (%)", |r| r.score, |r, v| r.score = v),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Title"),
            Column::new("Person"),
            Column::wide("Date"),
            Column::wide("Kind"),
            Column::wide("Completed"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![
            self.title.clone(),
            names::person(d, Some(self.person)),
            self.date.to_string(),
            self.kind.label().into(),
            if self.completed { "Yes".into() } else { "No".into() },
        ]
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn blank(d: &Tables) -> Self {
        Training { id: ids::new_id(), date: today(), cost: quota_core::Money::zero(currency(d)), ..Default::default() }
    }
}

impl RecordUi for Evaluation {
    const SINGULAR: &'static str = "evaluation";
    const PLURAL: &'static str = "Performance evaluations";
    const READS: &'static [Collection] = &[Collection::People];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Recruiting, &["evaluations"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Evaluation>;
        vec![
            F::required_reference(
                "person",
                "Person",
                &[Collection::People],
                options::people,
                |r| r.person,
                |r, v| r.person = v,
            ),
            F::period("period", "Period", |r| r.period, |r, v| r.period = v),
            F::reference(
                "reviewer",
                "Reviewer",
                &[Collection::People],
                options::people,
                |r| r.reviewer,
                |r, v| r.reviewer = v,
            ),
            F::number("results_score", "Results (1-5)", |r| r.results_score, |r, v| r.results_score = v),
            F::number("activity_score", "Activity (1-5)", |r| r.activity_score, |r, v| r.activity_score = v),
            F::number("skills_score", "Selling skills (1-5)", |r| r.skills_score, |r, v| r.skills_score = v),
            F::number("teamwork_score", "Teamwork (1-5)", |r| r.teamwork_score, |r, v| r.teamwork_score = v),
            F::long_text("strengths", "Strengths", |r| &r.strengths, |r| &mut r.strengths),
            F::long_text("improvements", "To improve", |r| &r.improvements, |r| &mut r.improvements),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Person"), Column::new("Period"), Column::number("Overall"), Column::wide("Reviewer")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let overall = self.overall_hundredths();
        vec![
            names::person(d, Some(self.person)),
            self.period.to_string(),
            format!("{}.{:02}", overall / 100, overall % 100),
            names::person(d, self.reviewer),
        ]
    }

    fn title(&self) -> String {
        format!("Evaluation {}", self.period)
    }

    fn blank(_: &Tables) -> Self {
        Evaluation {
            id: ids::new_id(),
            period: quota_core::Period::quarter_of(today()),
            results_score: 3,
            activity_score: 3,
            skills_score: 3,
            teamwork_score: 3,
            ..Default::default()
        }
    }
}

impl RecordUi for CostEntry {
    const SINGULAR: &'static str = "cost";
    const PLURAL: &'static str = "Sales costs";
    const READS: &'static [Collection] = &[Collection::People, Collection::Channels, Collection::Territories];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Costs, &["costs"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<CostEntry>;
        vec![
            F::date("date", "Date", |r| r.date, |r, v| r.date = v),
            F::choice("category", "Category", CostCategory::ALL, |r| r.category, |r, v| r.category = v),
            F::money("amount", "Amount", |r| r.amount, |r, v| r.amount = v).required(),
            F::text("description", "Description", |r| &r.description, |r| &mut r.description),
            F::reference("person", "Person", &[Collection::People], options::people, |r| r.person, |r, v| r.person = v),
            F::reference(
                "channel",
                "Channel",
                &[Collection::Channels],
                options::channels,
                |r| r.channel,
                |r, v| r.channel = v,
            ),
            F::reference(
                "territory",
                "Territory",
                &[Collection::Territories],
                options::territories,
                |r| r.territory,
                |r, v| r.territory = v,
            ),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("Description"),
            Column::date("Date"),
            Column::wide("Category"),
            Column::number("Amount"),
            Column::wide("Person"),
        ]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        let description =
            if self.description.is_empty() { self.category.label().to_string() } else { self.description.clone() };
        vec![
            description,
            self.date.to_string(),
            self.category.label().into(),
            self.amount.display(),
            names::person(d, self.person),
        ]
    }

    fn title(&self) -> String {
        format!("{} {}", self.category.label(), self.amount.display())
    }

    fn blank(d: &Tables) -> Self {
        CostEntry {
            id: ids::new_id(),
            date: today(),
            amount: quota_core::Money::zero(currency(d)),
            ..Default::default()
        }
    }
}

impl RecordUi for Budget {
    const SINGULAR: &'static str = "budget";
    const PLURAL: &'static str = "Budgets";
    const READS: &'static [Collection] = &[Collection::OrgUnits];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Costs, &["budgets"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Budget>;
        vec![
            F::period("period", "Period", |r| r.period, |r, v| r.period = v),
            F::choice("category", "Category", CostCategory::ALL, |r| r.category, |r, v| r.category = v),
            F::money("amount", "Amount", |r| r.amount, |r, v| r.amount = v),
            F::reference(
                "unit",
                "Department or team",
                &[Collection::OrgUnits],
                options::units,
                |r| r.unit,
                |r, v| r.unit = v,
            ),
            F::long_text("notes", "Notes", |r| &r.notes, |r| &mut r.notes),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Category"), Column::new("Period"), Column::number("Amount"), Column::wide("Unit")]
    }

    fn cells(&self, d: &Tables, _: &()) -> Vec<String> {
        vec![self.category.label().into(), self.period.to_string(), self.amount.display(), names::unit(d, self.unit)]
    }

    fn title(&self) -> String {
        format!("{} budget {}", self.category.label(), self.period)
    }

    fn blank(d: &Tables) -> Self {
        Budget {
            id: ids::new_id(),
            period: quota_core::Period::year_of(today()),
            amount: quota_core::Money::zero(currency(d)),
            ..Default::default()
        }
    }
}
