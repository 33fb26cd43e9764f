//! Commands: organising and managing the sales department — recruiting and onboarding, training,
//! targets, assignments of people to territories and customer groups, sales costs, budgets and
//! performance evaluations.
//!
//! Every command takes the ids of the records it creates and a [`Stamp`]: the core has no clock
//! and no randomness. "Today", where a rule needs it, is the date of the stamp. Problems with a
//! field come back as [`Error::Invalid`] naming the field, so a form can show them in place;
//! a request that breaks a business rule comes back as [`Error::Rejected`] with a sentence a
//! user can act on. Nothing is written when a command fails its checks.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::account::AccountId;
use crate::collection::{HasTable, Tables};
use crate::date::{Date, Period};
use crate::deal::{Deal, DealId, DealStatus};
use crate::error::{Error, Invalid, Result};
use crate::management::{
    Budget, BudgetId, Candidate, CandidateId, CostCategory, CostEntry, Evaluation, HiringStage, Metric, Subject,
    Target, TargetId, Training, TrainingId, subject_exists,
};
use crate::market::SegmentId;
use crate::money::{Currency, Money, mul_div_round};
use crate::org::{
    Assignment, AssignmentId, ChecklistItem, ChecklistItemId, OrgUnitId, Person, PersonId, Role, TerritoryId,
};
use crate::product::ProductCategoryId;
use crate::record::{Record, Validate};
use crate::reports::territory_within;
use crate::settings::SettingsId;
use crate::workspace::{Stamp, Workspace};

/// The workspace's currency: targets, salaries and budgets are kept in it.
fn currency(data: &Tables) -> Currency {
    data.settings.get(SettingsId::SINGLETON).map(|s| s.currency).unwrap_or_default()
}

fn not_found<R: Record>(id: R::Id) -> Error {
    Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() }
}

fn get<R: Record>(data: &Tables, id: R::Id) -> Result<R>
where
    Tables: HasTable<R>,
{
    data.table().get(id).cloned().ok_or_else(|| not_found::<R>(id))
}

fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    let mut inv = Invalid::new();
    inv.add(field, message);
    Error::Invalid(inv)
}

/// Rejects money in another currency than the workspace's.
fn check_currency(data: &Tables, field: &'static str, money: Money) -> Result<()> {
    let currency = currency(data);
    if money.currency == currency {
        Ok(())
    } else {
        Err(invalid(field, format!("Enter the amount in {currency}, the workspace currency")))
    }
}

/// A subject's name as people read it: a person's or unit's name, "the company"...
pub fn subject_label(data: &Tables, subject: Subject) -> String {
    let name = match subject {
        Subject::Company => return "The company".into(),
        Subject::Person(id) => data.people.get(id).map(|r| r.name.clone()),
        Subject::Unit(id) => data.org_units.get(id).map(|r| r.name.clone()),
        Subject::Territory(id) => data.territories.get(id).map(|r| r.name.clone()),
        Subject::Channel(id) => data.channels.get(id).map(|r| r.name.clone()),
        Subject::Partner(id) => data.partners.get(id).map(|r| r.name.clone()),
        Subject::Product(id) => data.products.get(id).map(|r| r.name.clone()),
        Subject::Category(id) => data.product_categories.get(id).map(|r| r.name.clone()),
        Subject::Segment(id) => data.segments.get(id).map(|r| r.name.clone()),
    };
    name.unwrap_or_else(|| format!("An unknown {}", subject.kind()))
}

/// Whether a candidate has left the pipeline: hired, rejected or withdrawn.
pub fn is_closed(stage: HiringStage) -> bool {
    matches!(stage, HiringStage::Hired | HiringStage::Rejected | HiringStage::Withdrawn)
}

/// Moves a candidate to another stage of the recruiting pipeline.
///
/// Open stages (applied, screening, interview, offer) may be visited in any order, since
/// interviews get repeated. Moving to Hired goes through [`hire_candidate`], which creates the
/// person; a candidate who is hired, rejected or withdrawn stays there until
/// [`reopen_candidate`].
pub fn move_candidate(ws: &mut Workspace, id: CandidateId, to: HiringStage, stamp: Stamp) -> Result<()> {
    let candidate: Candidate = get(&ws.data, id)?;
    if candidate.stage == to {
        return Ok(());
    }
    if to == HiringStage::Hired {
        return Err(Error::Rejected(format!(
            "Hire {} to move them to Hired: hiring creates their person record",
            candidate.name
        )));
    }
    if is_closed(candidate.stage) {
        return Err(Error::Rejected(format!(
            "{} is {}; reopen the candidate to move them again",
            candidate.name,
            candidate.stage.label().to_lowercase()
        )));
    }
    ws.modify::<Candidate>(id, stamp, |c| c.stage = to)?;
    Ok(())
}

/// Brings a hired, rejected or withdrawn candidate back to an open stage.
///
/// Reopening a hired candidate undoes the hire: the person record stays (it may already carry
/// deals and history) but is marked inactive, and the candidate no longer points at it, so a
/// later hire creates a fresh person.
pub fn reopen_candidate(ws: &mut Workspace, id: CandidateId, to: HiringStage, stamp: Stamp) -> Result<()> {
    let candidate: Candidate = get(&ws.data, id)?;
    if !is_closed(candidate.stage) {
        return Err(Error::Rejected(format!("{} is still in the pipeline; move them instead", candidate.name)));
    }
    if is_closed(to) {
        return Err(Error::Rejected("Reopen to an open stage: applied, screening, interview or offer".into()));
    }
    if let Some(person) = candidate.hired_as.filter(|p| ws.data.people.contains(*p)) {
        ws.modify::<Person>(person, stamp, |p| p.active = false)?;
    }
    ws.modify::<Candidate>(id, stamp, |c| {
        c.stage = to;
        c.hired_as = None;
    })?;
    Ok(())
}

/// The standard onboarding checklist every new hire starts with: each step's title and how many
/// days after the hiring date it is due.
pub const STANDARD_ONBOARDING: &[(&str, i32)] = &[
    ("Contract signed and paperwork filed", 0),
    ("Laptop, email and system access set up", 0),
    ("Welcome meeting with the manager and the team", 1),
    ("Product and pricing training", 10),
    ("Shadow an experienced colleague on customer calls", 14),
    ("Territory, accounts and targets handed over", 21),
    ("Commission plan explained and signed", 30),
    ("First pipeline review with the manager", 30),
    ("Probation review", 90),
];

/// What a hire decides about the new person.
#[derive(Clone, Debug, PartialEq)]
pub struct Hire {
    /// The id of the person record to create.
    pub person: PersonId,
    pub role: Role,
    /// The job title; the position applied for when blank.
    pub title: String,
    pub unit: Option<OrgUnitId>,
    pub manager: Option<PersonId>,
    pub hired: Date,
    /// Monthly base salary, in the workspace currency.
    pub salary: Option<Money>,
}

/// Hires a candidate: creates their person record (active, with name, email and phone from the
/// candidate and the [`STANDARD_ONBOARDING`] checklist, due dates counted from the hiring
/// date), links it from the candidate and moves the candidate to Hired. `new_item` supplies the
/// checklist items' ids, one per step in order.
pub fn hire_candidate(
    ws: &mut Workspace,
    id: CandidateId,
    hire: Hire,
    mut new_item: impl FnMut() -> ChecklistItemId,
    stamp: Stamp,
) -> Result<PersonId> {
    let candidate: Candidate = get(&ws.data, id)?;
    if candidate.stage == HiringStage::Hired {
        return Err(Error::Rejected(format!("{} is already hired", candidate.name)));
    }
    if is_closed(candidate.stage) {
        return Err(Error::Rejected(format!(
            "{} is {}; reopen the candidate before hiring them",
            candidate.name,
            candidate.stage.label().to_lowercase()
        )));
    }
    if let Some(salary) = hire.salary {
        check_currency(&ws.data, "salary", salary)?;
    }
    let onboarding = STANDARD_ONBOARDING
        .iter()
        .enumerate()
        .map(|(i, (title, days))| {
            let item = ChecklistItem {
                title: (*title).into(),
                order: (i as i64 + 1) * 10,
                due: Some(hire.hired.add_days(*days)),
                done: false,
            };
            (new_item(), item)
        })
        .collect();
    let title = if hire.title.trim().is_empty() { candidate.position.clone() } else { hire.title };
    let person = Person {
        id: hire.person,
        name: candidate.name.clone(),
        email: candidate.email.clone(),
        phone: candidate.phone.clone(),
        role: hire.role,
        title,
        unit: hire.unit,
        manager: hire.manager,
        hired: Some(hire.hired),
        left: None,
        active: true,
        salary: hire.salary,
        onboarding,
        notes: Default::default(),
    };
    ws.create(person, stamp)?;
    ws.modify::<Candidate>(id, stamp, |c| {
        c.stage = HiringStage::Hired;
        c.hired_as = Some(hire.person);
    })?;
    Ok(hire.person)
}

/// Ticks (`done`) or unticks one step of a person's onboarding checklist.
pub fn set_checklist_item(
    ws: &mut Workspace,
    person: PersonId,
    item: ChecklistItemId,
    done: bool,
    stamp: Stamp,
) -> Result<()> {
    let found: Person = get(&ws.data, person)?;
    if !found.onboarding.contains_key(&item) {
        return Err(Error::NotFound { collection: "onboarding", id: item.to_string() });
    }
    ws.modify::<Person>(person, stamp, |p| {
        if let Some(step) = p.onboarding.get_mut(&item) {
            step.done = done;
        }
    })?;
    Ok(())
}

/// Adds a step to a person's onboarding checklist, after the existing ones.
pub fn add_checklist_item(
    ws: &mut Workspace,
    person: PersonId,
    item: ChecklistItemId,
    title: &str,
    due: Option<Date>,
    stamp: Stamp,
) -> Result<()> {
    let found: Person = get(&ws.data, person)?;
    if title.trim().is_empty() {
        return Err(invalid("onboarding", "Every checklist step needs a title"));
    }
    if found.onboarding.contains_key(&item) {
        return Err(Error::AlreadyExists { collection: "onboarding", id: item.to_string() });
    }
    let order = found.onboarding.values().map(|i| i.order).max().unwrap_or(0) + 10;
    ws.modify::<Person>(person, stamp, |p| {
        p.onboarding.insert(item, ChecklistItem { title: title.trim().into(), order, due, done: false });
    })?;
    Ok(())
}

/// Records a training a person took or will take. A score belongs to a completed training.
pub fn record_training(ws: &mut Workspace, training: Training, stamp: Stamp) -> Result<()> {
    if training.score.is_some() && !training.completed {
        return Err(invalid("score", "Only a completed training has a score"));
    }
    ws.create(training, stamp)
}

/// Marks a training completed, with its score in percent when it was assessed. A training cannot
/// be completed before its date; completing it again replaces the score.
pub fn complete_training(ws: &mut Workspace, id: TrainingId, score: Option<u32>, stamp: Stamp) -> Result<()> {
    let training: Training = get(&ws.data, id)?;
    let today = stamp.at.date();
    if training.date > today {
        return Err(Error::Rejected(format!(
            "\"{}\" takes place on {}; it cannot be completed before then",
            training.title, training.date
        )));
    }
    ws.modify::<Training>(id, stamp, |t| {
        t.completed = true;
        t.score = score;
    })?;
    Ok(())
}

/// Sets a target: creates it, or changes it when a target with its id exists. A subject has at
/// most one target per metric and period; revenue targets are in the workspace currency.
pub fn set_target(ws: &mut Workspace, target: Target, stamp: Stamp) -> Result<()> {
    if target.metric == Metric::Revenue {
        check_currency(&ws.data, "amount", target.amount)?;
    }
    let duplicate = ws.data.targets.iter().any(|t| {
        t.id != target.id && t.subject == target.subject && t.period == target.period && t.metric == target.metric
    });
    if duplicate {
        return Err(invalid(
            "period",
            format!(
                "{} already has a {} target for {}",
                subject_label(&ws.data, target.subject),
                target.metric.label().to_lowercase(),
                target.period
            ),
        ));
    }
    if ws.data.targets.contains(target.id) {
        ws.update(target, stamp)?;
        Ok(())
    } else {
        ws.create(target, stamp)
    }
}

/// Why a target was not copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotCopied {
    /// The subject already has a target of that metric for the new period (its id).
    AlreadySet(TargetId),
    /// The subject no longer exists.
    SubjectGone,
}

/// What [`copy_targets`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopiedTargets {
    /// The period the targets were copied into.
    pub to: Period,
    /// The new targets, in the order of their sources.
    pub created: Vec<TargetId>,
    /// The source targets left alone, and why.
    pub skipped: Vec<(TargetId, NotCopied)>,
}

/// Applies a growth in basis points (500 = +5%) to an amount, rounding half away from zero.
pub fn grow(minor: i64, growth_bp: i64) -> i64 {
    mul_div_round(minor, 10_000 + growth_bp, 10_000)
}

/// Copies every target of `from` to the period after it, grown by `growth_bp` basis points
/// (500 = +5%, -1000 = -10%). Amounts and counts are rounded to the nearest unit and never drop
/// below one. Targets whose subject already has a target of that metric in the new period, or
/// whose subject no longer exists, are skipped and listed. `new_id` supplies the new targets' ids.
pub fn copy_targets(
    ws: &mut Workspace,
    from: Period,
    growth_bp: i64,
    mut new_id: impl FnMut() -> TargetId,
    stamp: Stamp,
) -> Result<CopiedTargets> {
    if growth_bp <= -10_000 {
        return Err(Error::Rejected("The growth must be above -100%".into()));
    }
    let to = from.next();
    let sources: Vec<Target> = ws.data.targets.iter().filter(|t| t.period == from).cloned().collect();
    if sources.is_empty() {
        return Err(Error::Rejected(format!("There are no targets for {from} to copy")));
    }
    // Copies join the existing targets as they are made, so two sources for one subject (left
    // by concurrent edits) yield one copy.
    let mut existing: HashMap<(Subject, Metric), TargetId> =
        ws.data.targets.iter().filter(|t| t.period == to).map(|t| ((t.subject, t.metric), t.id)).collect();
    let mut out = CopiedTargets { to, created: Vec::new(), skipped: Vec::new() };
    for source in sources {
        if let Some(&already) = existing.get(&(source.subject, source.metric)) {
            out.skipped.push((source.id, NotCopied::AlreadySet(already)));
            continue;
        }
        if !subject_exists(source.subject, &ws.data) {
            out.skipped.push((source.id, NotCopied::SubjectGone));
            continue;
        }
        let id = new_id();
        let mut copy = Target { id, period: to, notes: Default::default(), ..source };
        match copy.metric {
            Metric::Revenue => copy.amount.minor = grow(copy.amount.minor, growth_bp).max(1),
            _ => copy.count = grow(copy.count, growth_bp).max(1),
        }
        existing.insert((copy.subject, copy.metric), id);
        ws.create(copy, stamp)?;
        out.created.push(id);
    }
    Ok(out)
}

/// Something a person can be made responsible for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Responsibility {
    Territory(TerritoryId),
    Category(ProductCategoryId),
    /// A customer group.
    Segment(SegmentId),
}

impl Responsibility {
    fn matches(self, a: &Assignment) -> bool {
        match self {
            Responsibility::Territory(t) => a.territory == Some(t),
            Responsibility::Category(c) => a.product_category == Some(c),
            Responsibility::Segment(s) => a.segment == Some(s),
        }
    }

    fn name(self, data: &Tables) -> Option<String> {
        match self {
            Responsibility::Territory(t) => data.territories.get(t).map(|r| r.name.clone()),
            Responsibility::Category(c) => data.product_categories.get(c).map(|r| r.name.clone()),
            Responsibility::Segment(s) => data.segments.get(s).map(|r| r.name.clone()),
        }
    }

    fn field(self) -> &'static str {
        match self {
            Responsibility::Territory(_) => "territory",
            Responsibility::Category(_) => "product_category",
            Responsibility::Segment(_) => "segment",
        }
    }
}

/// Makes a person responsible for territories, product categories and customer groups from
/// `from` on (open-ended), one assignment each. Refused when the person already holds one of
/// them for that time (an assignment with no end, or ending on or after the start); repeats in
/// `to` count once. `new_id` supplies the assignments' ids. Returns them in the order given.
pub fn assign(
    ws: &mut Workspace,
    person: PersonId,
    to: &[Responsibility],
    from: Option<Date>,
    mut new_id: impl FnMut() -> AssignmentId,
    stamp: Stamp,
) -> Result<Vec<AssignmentId>> {
    let who: Person = get(&ws.data, person)?;
    if to.is_empty() {
        return Err(Error::Rejected("Choose at least one territory, product category or customer group".into()));
    }
    let start = from.unwrap_or_else(|| stamp.at.date());
    let mut seen = BTreeSet::new();
    let mut wanted = Vec::new();
    for &r in to {
        if !seen.insert(r) {
            continue;
        }
        let Some(name) = r.name(&ws.data) else {
            return Err(invalid(r.field(), format!("That {} does not exist", r.field().replace('_', " "))));
        };
        let held = ws
            .data
            .assignments
            .iter()
            .any(|a| a.person == person && r.matches(a) && a.to.is_none_or(|end| end >= start));
        if held {
            return Err(Error::Rejected(format!("{} is already assigned to {name}", who.name)));
        }
        wanted.push(r);
    }
    let mut ids = Vec::new();
    for r in wanted {
        let id = new_id();
        let mut a = Assignment { id, person, from, ..Default::default() };
        match r {
            Responsibility::Territory(t) => a.territory = Some(t),
            Responsibility::Category(c) => a.product_category = Some(c),
            Responsibility::Segment(s) => a.segment = Some(s),
        }
        ws.create(a, stamp)?;
        ids.push(id);
    }
    Ok(ids)
}

/// Ends an assignment on a date (its last day).
pub fn end_assignment(ws: &mut Workspace, id: AssignmentId, on: Date, stamp: Stamp) -> Result<()> {
    get::<Assignment>(&ws.data, id)?;
    ws.modify::<Assignment>(id, stamp, |a| a.to = Some(on))?;
    Ok(())
}

/// What [`reassign_territory`] changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reassigned {
    pub accounts: Vec<AccountId>,
    pub deals: Vec<DealId>,
}

/// Hands every account of a territory and its sub-territories to an active person, one commit
/// per account; with `open_deals`, their open deals move to the person too. Records the person
/// already owns are left alone.
pub fn reassign_territory(
    ws: &mut Workspace,
    territory: TerritoryId,
    to: PersonId,
    open_deals: bool,
    stamp: Stamp,
) -> Result<Reassigned> {
    get::<crate::org::Territory>(&ws.data, territory)?;
    let person: Person = get(&ws.data, to)?;
    if !person.active {
        return Err(Error::Rejected(format!("{} is not active; choose an active person", person.name)));
    }
    let within: HashSet<TerritoryId> =
        ws.data.territories.ids().filter(|t| territory_within(&ws.data, *t, territory)).collect();
    let in_territory: HashSet<AccountId> =
        ws.data.accounts.iter().filter(|a| a.territory.is_some_and(|t| within.contains(&t))).map(|a| a.id).collect();
    let mut out = Reassigned::default();
    let mut accounts: Vec<AccountId> = in_territory.iter().copied().collect();
    accounts.sort();
    for id in accounts {
        if ws.data.accounts.get(id).is_some_and(|a| a.owner != Some(to)) {
            ws.modify::<crate::account::Account>(id, stamp, |a| a.owner = Some(to))?;
            out.accounts.push(id);
        }
    }
    if open_deals {
        let deals: Vec<DealId> = ws
            .data
            .deals
            .iter()
            .filter(|d| d.status == DealStatus::Open && d.owner != Some(to) && in_territory.contains(&d.account))
            .map(|d| d.id)
            .collect();
        for id in deals {
            ws.modify::<Deal>(id, stamp, |d| d.owner = Some(to))?;
            out.deals.push(id);
        }
    }
    Ok(out)
}

/// Records one sales cost.
pub fn record_cost(ws: &mut Workspace, cost: CostEntry, stamp: Stamp) -> Result<()> {
    ws.create(cost, stamp)
}

/// Sets the budget of a cost category for a period, company-wide or for one unit: changes the
/// existing budget for that category, period and unit, or creates one with `id`. Returns the id
/// of the budget set.
pub fn set_budget(
    ws: &mut Workspace,
    id: BudgetId,
    period: Period,
    category: CostCategory,
    unit: Option<OrgUnitId>,
    amount: Money,
    stamp: Stamp,
) -> Result<BudgetId> {
    check_currency(&ws.data, "amount", amount)?;
    let existing =
        ws.data.budgets.iter().find(|b| b.period == period && b.category == category && b.unit == unit).map(|b| b.id);
    match existing {
        Some(found) => {
            ws.modify::<Budget>(found, stamp, |b| b.amount = amount)?;
            Ok(found)
        }
        None => {
            ws.create(Budget { id, period, category, amount, unit, notes: Default::default() }, stamp)?;
            Ok(id)
        }
    }
}

/// Records a performance evaluation. One evaluation per person and period; nobody reviews
/// themselves; the period must have begun.
pub fn record_evaluation(ws: &mut Workspace, evaluation: Evaluation, stamp: Stamp) -> Result<()> {
    evaluation.validate(&ws.data)?;
    if evaluation.reviewer == Some(evaluation.person) {
        return Err(invalid("reviewer", "A person cannot review themselves"));
    }
    if let Some(other) = ws
        .data
        .evaluations
        .iter()
        .find(|e| e.id != evaluation.id && e.person == evaluation.person && e.period == evaluation.period)
    {
        let name = ws.data.people.get(other.person).map_or("This person", |p| p.name.as_str());
        return Err(invalid("period", format!("{name} already has an evaluation for {}", evaluation.period)));
    }
    if evaluation.period.first_day() > stamp.at.date() {
        return Err(Error::Rejected(format!("{} has not begun; evaluate it once it has", evaluation.period)));
    }
    ws.create(evaluation, stamp)
}
