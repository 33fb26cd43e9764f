//! Managing the sales department: targets (including sales plans per channel and partner),
//! recruiting, training, commission plans, performance evaluations, sales costs and budgets.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::channel::{ChannelId, PartnerId};
use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::error::Invalid;
use crate::field::{FieldError, LongText, Scalar};
use crate::market::SegmentId;
use crate::money::Money;
use crate::org::{OrgUnitId, PersonId, TerritoryId};
use crate::product::{ProductCategoryId, ProductId};
use crate::record::Validate;
use crate::validate::{check_ref, looks_like_email, require_ref, require_text};
use crate::{define_id, nested, record, scalar_field, string_enum};

define_id!(TargetId);
define_id!(CandidateId);
define_id!(TrainingId);
define_id!(CommissionPlanId);
define_id!(TierId);
define_id!(EvaluationId);
define_id!(CostId);
define_id!(BudgetId);

/// Who or what a target (or a plan) is set for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, serde::Serialize, serde::Deserialize)]
pub enum Subject {
    /// The whole company.
    #[default]
    Company,
    Person(PersonId),
    Unit(OrgUnitId),
    Territory(TerritoryId),
    Channel(ChannelId),
    Partner(PartnerId),
    Product(ProductId),
    Category(ProductCategoryId),
    Segment(SegmentId),
}

impl Subject {
    /// The kind as stored: `person`, `channel`...
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Company => "company",
            Subject::Person(_) => "person",
            Subject::Unit(_) => "unit",
            Subject::Territory(_) => "territory",
            Subject::Channel(_) => "channel",
            Subject::Partner(_) => "partner",
            Subject::Product(_) => "product",
            Subject::Category(_) => "category",
            Subject::Segment(_) => "segment",
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Company => f.write_str("company"),
            Subject::Person(id) => write!(f, "person:{id}"),
            Subject::Unit(id) => write!(f, "unit:{id}"),
            Subject::Territory(id) => write!(f, "territory:{id}"),
            Subject::Channel(id) => write!(f, "channel:{id}"),
            Subject::Partner(id) => write!(f, "partner:{id}"),
            Subject::Product(id) => write!(f, "product:{id}"),
            Subject::Category(id) => write!(f, "category:{id}"),
            Subject::Segment(id) => write!(f, "segment:{id}"),
        }
    }
}

impl FromStr for Subject {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || FieldError::Invalid(format!("invalid target subject {s:?}"));
        if s == "company" {
            return Ok(Subject::Company);
        }
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        let raw: crate::id::RawId = id.parse().map_err(|_| bad())?;
        Ok(match kind {
            "person" => Subject::Person(PersonId(raw)),
            "unit" => Subject::Unit(OrgUnitId(raw)),
            "territory" => Subject::Territory(TerritoryId(raw)),
            "channel" => Subject::Channel(ChannelId(raw)),
            "partner" => Subject::Partner(PartnerId(raw)),
            "product" => Subject::Product(ProductId(raw)),
            "category" => Subject::Category(ProductCategoryId(raw)),
            "segment" => Subject::Segment(SegmentId(raw)),
            _ => return Err(bad()),
        })
    }
}

impl Scalar for Subject {
    fn to_scalar(&self) -> automerge::ScalarValue {
        automerge::ScalarValue::Str(self.to_string().into())
    }

    fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, FieldError> {
        match value {
            automerge::ScalarValue::Str(s) => s.parse(),
            other => Err(FieldError::wrong_type("target subject", other)),
        }
    }
}

scalar_field!(Subject);

/// Whether a subject names a record that exists.
pub fn subject_exists(subject: Subject, data: &Tables) -> bool {
    match subject {
        Subject::Company => true,
        Subject::Person(id) => data.people.contains(id),
        Subject::Unit(id) => data.org_units.contains(id),
        Subject::Territory(id) => data.territories.contains(id),
        Subject::Channel(id) => data.channels.contains(id),
        Subject::Partner(id) => data.partners.contains(id),
        Subject::Product(id) => data.products.contains(id),
        Subject::Category(id) => data.product_categories.contains(id),
        Subject::Segment(id) => data.segments.contains(id),
    }
}

string_enum! {
    /// What a target counts.
    pub enum Metric {
        Revenue = "revenue" / "Revenue (won deals)",
        WonDeals = "won-deals" / "Deals won",
        Activities = "activities" / "Activities completed",
        NewAccounts = "new-accounts" / "New customers",
    }
}

record! {
    /// A target for a subject over a period. Sales plans per channel and per partner are
    /// targets with a channel or partner subject.
    pub struct Target: TargetId in Targets {
        subject: Subject,
        period: Period,
        metric: Metric,
        /// The goal for revenue targets.
        amount: Money,
        /// The goal for counted metrics.
        count: i64,
        notes: LongText,
    }
}

impl Validate for Target {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(!subject_exists(self.subject, data), "subject", "The target's subject does not exist");
        match self.metric {
            Metric::Revenue => inv.check(self.amount.minor <= 0, "amount", "Enter an amount above zero"),
            _ => inv.check(self.count <= 0, "count", "Enter a number above zero"),
        }
        let duplicate = data.targets.iter().any(|t| {
            t.id != self.id && t.subject == self.subject && t.period == self.period && t.metric == self.metric
        });
        inv.check(duplicate, "period", "This subject already has a target of this kind for the period");
        inv.finish()
    }
}

string_enum! {
    /// The steps of the recruiting pipeline.
    pub enum HiringStage {
        Applied = "applied" / "Applied",
        Screening = "screening" / "Screening",
        Interview = "interview" / "Interview",
        Offer = "offer" / "Offer",
        Hired = "hired" / "Hired",
        Rejected = "rejected" / "Rejected",
        Withdrawn = "withdrawn" / "Withdrawn",
    }
}

record! {
    /// A candidate in the recruiting pipeline.
    pub struct Candidate: CandidateId in Candidates {
        name: String,
        email: String,
        phone: String,
        position: String,
        stage: HiringStage,
        source: String,
        applied: Date,
        /// The hiring manager.
        owner: Option<PersonId>,
        expected_salary: Option<Money>,
        notes: LongText,
        /// The person record created when the candidate was hired.
        hired_as: Option<PersonId>,
    }
}

impl Validate for Candidate {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the candidate's name");
        require_text(&mut inv, "position", &self.position, "Enter the position applied for");
        inv.check(
            !self.email.is_empty() && !looks_like_email(&self.email),
            "email",
            "Enter an email address such as ana@example.com",
        );
        check_ref(&mut inv, "owner", self.owner, &data.people, "person");
        check_ref(&mut inv, "hired_as", self.hired_as, &data.people, "person");
        inv.finish()
    }
}

string_enum! {
    /// The form a training took.
    pub enum TrainingKind {
        Course = "course" / "Course",
        Workshop = "workshop" / "Workshop",
        Certification = "certification" / "Certification",
        Coaching = "coaching" / "Coaching",
        Shadowing = "shadowing" / "Shadowing",
    }
}

record! {
    /// A training a person took or will take.
    pub struct Training: TrainingId in Trainings {
        person: PersonId,
        title: String,
        kind: TrainingKind,
        date: Date,
        hours: u32,
        cost: Money,
        completed: bool,
        /// Result in percent, when the training was assessed.
        score: Option<u32>,
        notes: LongText,
    }
}

impl Validate for Training {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "person", self.person, &data.people, "person");
        require_text(&mut inv, "title", &self.title, "Enter the training's title");
        inv.check(self.hours > 1_000, "hours", "Enter at most 1000 hours");
        inv.check(self.cost.minor < 0, "cost", "The cost cannot be negative");
        inv.check(self.score.is_some_and(|s| s > 100), "score", "A score is from 0 to 100%");
        inv.finish()
    }
}

string_enum! {
    /// How often commissions are settled.
    pub enum PayPeriod {
        Monthly = "monthly" / "Monthly",
        Quarterly = "quarterly" / "Quarterly",
        Yearly = "yearly" / "Yearly",
    }
}

nested! {
    /// From `from_attainment` percent of target upward, revenue earns `rate_bp`.
    pub struct Tier: TierId {
        from_attainment: u32,
        /// Commission rate in basis points of revenue (1% = 100).
        rate_bp: i64,
    }
}

record! {
    /// A commission and bonus plan: rates, tiers by target attainment, an accelerator above
    /// target, a cap, and a bonus for reaching a threshold.
    pub struct CommissionPlan: CommissionPlanId in CommissionPlans {
        name: String,
        pay_period: PayPeriod,
        /// The rate below the first tier, in basis points of won revenue.
        base_rate_bp: i64,
        tiers: BTreeMap<TierId, Tier>,
        /// Multiplies the rate on revenue above 100% of target, in basis points (15000 = 1.5x).
        accelerator_bp: i64,
        /// The most one person can earn from the plan in one pay period.
        cap: Option<Money>,
        /// Paid once the person reaches `bonus_attainment` percent of target.
        bonus: Option<Money>,
        bonus_attainment: u32,
        members: BTreeSet<PersonId>,
        active: bool,
    }
}

impl CommissionPlan {
    /// Tiers by ascending threshold.
    pub fn ordered_tiers(&self) -> Vec<Tier> {
        let mut tiers: Vec<Tier> = self.tiers.values().cloned().collect();
        tiers.sort_by_key(|t| t.from_attainment);
        tiers
    }
}

impl Validate for CommissionPlan {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_text(&mut inv, "name", &self.name, "Enter the plan's name");
        inv.check(!(0..=10_000).contains(&self.base_rate_bp), "base_rate_bp", "A rate is between 0% and 100%");
        inv.check(
            self.tiers.values().any(|t| !(0..=10_000).contains(&t.rate_bp)),
            "tiers",
            "A tier's rate is between 0% and 100%",
        );
        inv.check(
            !(0..=50_000).contains(&self.accelerator_bp),
            "accelerator_bp",
            "An accelerator is between 0x and 5x",
        );
        inv.check(self.cap.is_some_and(|c| c.minor <= 0), "cap", "A cap must be above zero");
        inv.check(self.bonus.is_some_and(|b| b.minor < 0), "bonus", "A bonus cannot be negative");
        inv.check(self.members.iter().any(|p| !data.people.contains(*p)), "members", "A member does not exist");
        inv.finish()
    }
}

record! {
    /// A performance evaluation of one person for a period.
    pub struct Evaluation: EvaluationId in Evaluations {
        person: PersonId,
        period: Period,
        reviewer: Option<PersonId>,
        /// Scores from 1 to 5.
        results_score: u32,
        activity_score: u32,
        skills_score: u32,
        teamwork_score: u32,
        strengths: LongText,
        improvements: LongText,
    }
}

impl Evaluation {
    /// The average score, in hundredths (350 = 3.50).
    pub fn overall_hundredths(&self) -> u32 {
        (self.results_score + self.activity_score + self.skills_score + self.teamwork_score) * 100 / 4
    }
}

impl Validate for Evaluation {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        require_ref(&mut inv, "person", self.person, &data.people, "person");
        check_ref(&mut inv, "reviewer", self.reviewer, &data.people, "person");
        for (field, score) in [
            ("results_score", self.results_score),
            ("activity_score", self.activity_score),
            ("skills_score", self.skills_score),
            ("teamwork_score", self.teamwork_score),
        ] {
            inv.check(!(1..=5).contains(&score), field, "Score from 1 to 5");
        }
        inv.finish()
    }
}

string_enum! {
    /// What a sales cost was spent on.
    pub enum CostCategory {
        Salaries = "salaries" / "Salaries",
        Commissions = "commissions" / "Commissions",
        Incentives = "incentives" / "Channel incentives",
        Travel = "travel" / "Travel",
        Marketing = "marketing" / "Marketing",
        Training = "training" / "Training",
        Hiring = "hiring" / "Hiring",
        Tools = "tools" / "Tools and software",
        Other = "other" / "Other",
    }
}

record! {
    /// One sales cost.
    pub struct CostEntry: CostId in Costs {
        date: Date,
        category: CostCategory,
        amount: Money,
        person: Option<PersonId>,
        channel: Option<ChannelId>,
        territory: Option<TerritoryId>,
        description: String,
    }
}

impl Validate for CostEntry {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(self.amount.minor <= 0, "amount", "Enter an amount above zero");
        check_ref(&mut inv, "person", self.person, &data.people, "person");
        check_ref(&mut inv, "channel", self.channel, &data.channels, "channel");
        check_ref(&mut inv, "territory", self.territory, &data.territories, "territory");
        inv.finish()
    }
}

record! {
    /// The budget for one cost category over a period, optionally for one unit.
    pub struct Budget: BudgetId in Budgets {
        period: Period,
        category: CostCategory,
        amount: Money,
        unit: Option<OrgUnitId>,
        notes: LongText,
    }
}

impl Validate for Budget {
    fn validate(&self, data: &Tables) -> Result<(), Invalid> {
        let mut inv = Invalid::new();
        inv.check(self.amount.minor < 0, "amount", "A budget cannot be negative");
        check_ref(&mut inv, "unit", self.unit, &data.org_units, "unit");
        let duplicate = data
            .budgets
            .iter()
            .any(|b| b.id != self.id && b.period == self.period && b.category == self.category && b.unit == self.unit);
        inv.check(duplicate, "period", "There is already a budget for this category and period");
        inv.finish()
    }
}
