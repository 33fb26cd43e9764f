//! Commands: the annual review's plan versions. A version forks the live plan documents
//! (targets and budgets) with Automerge's `fork`, so its draft shares their history; it is edited
//! apart from live work, can start from last period's actuals, and is finally adopted by merging
//! each draft document into its live document, or discarded.
//!
//! Draft documents are named `plan/<version>/targets/0` and so on ([`draft_names`]); they are
//! stored and synced like any other document, and their records are read into the draft's own
//! tables ([`Workspace::draft_data`]), never into the live ones. Adoption merges rather than
//! copies: live edits made meanwhile survive, the draft's change messages join the live
//! document's history, and a target edited both live and in the draft keeps both values as a
//! conflict ([`Workspace::conflicts`]) with Automerge's usual winner shown. Merged changes keep
//! the time they were made in the draft, so [`Workspace::as_of`] a moment between a draft edit
//! and the adoption already shows the edit in the live plan.
//!
//! Every draft is written by an actor of its own (see `Workspace::actor_for`): a draft and its
//! live document share history, and one actor writing different changes to both would make them
//! impossible to merge.

use std::collections::{BTreeMap, BTreeSet};

use crate::collection::{Collection, DocName, HasTable, Tables};
use crate::date::Period;
use crate::error::{Error, Invalid, Result};
use crate::management::{Budget, BudgetId, CostCategory, Metric, Subject, Target, TargetId};
use crate::money::Money;
use crate::record::Record;
use crate::reports::costs::{CostOptions, cost_of_sales};
use crate::reports::forecast::{forecast, workspace_currency};
use crate::reports::review::{AnnualReview, PlanDraft, annual_review};
use crate::review::{PlanVersion, PlanVersionId, VersionStatus};
use crate::workspace::{Stamp, Workspace};

use super::people::{grow, subject_label};

/// The collections a plan version drafts: sales plans and targets, and budgets.
pub const PLAN_COLLECTIONS: [Collection; 2] = [Collection::Targets, Collection::Budgets];

/// The live documents a plan version forks.
pub fn plan_docs() -> Vec<DocName> {
    PLAN_COLLECTIONS.iter().flat_map(|&c| (0..c.shards()).map(move |s| DocName::live(c, s))).collect()
}

/// The draft documents of a plan version, one per live plan document.
pub fn draft_names(version: PlanVersionId) -> Vec<DocName> {
    plan_docs().into_iter().map(|live| DocName { draft: Some(version), ..live }).collect()
}

fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    let mut inv = Invalid::new();
    inv.add(field, message);
    Error::Invalid(inv)
}

fn not_found<R: Record>(id: R::Id) -> Error {
    Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() }
}

/// Fails unless every document in `names` is loaded.
fn require_loaded(ws: &Workspace, names: &[DocName]) -> Result<()> {
    match names.iter().find(|n| !ws.is_loaded(**n)) {
        Some(missing) => Err(Error::NotLoaded(missing.to_string())),
        None => Ok(()),
    }
}

/// The version, if it may still change: it exists, is a draft, and its drafts are loaded.
fn open_version(ws: &Workspace, version: PlanVersionId) -> Result<PlanVersion> {
    let record = ws.data.plan_versions.get(version).cloned().ok_or_else(|| not_found::<PlanVersion>(version))?;
    match record.status {
        VersionStatus::Draft => {}
        VersionStatus::Adopted => {
            let when = record.adopted_at.map(|t| format!(" on {}", t.date())).unwrap_or_default();
            return Err(Error::Rejected(format!(
                "The plan version \"{}\" was adopted{when}; start a new version to change the plan",
                record.name
            )));
        }
        VersionStatus::Discarded => {
            return Err(Error::Rejected(format!("The plan version \"{}\" was discarded", record.name)));
        }
    }
    require_loaded(ws, &draft_names(version))?;
    Ok(record)
}

/// Whether the version's draft holds a record with this id.
fn in_draft<R: Record>(ws: &Workspace, version: PlanVersionId, id: R::Id) -> Option<&R>
where
    Tables: HasTable<R>,
{
    ws.draft_data(version)?.table().get(id)
}

/// Starts a plan version for `period`: records it (authored by the stamp's member) and forks
/// every live plan document into its draft. Every live plan document must be loaded.
pub fn start_version(
    ws: &mut Workspace,
    id: PlanVersionId,
    name: &str,
    period: Period,
    stamp: Stamp,
) -> Result<PlanVersion> {
    if ws.data.plan_versions.contains(id) {
        return Err(Error::AlreadyExists { collection: Collection::PlanVersions.name(), id: id.to_string() });
    }
    let live = plan_docs();
    require_loaded(ws, &live)?;
    let version = PlanVersion {
        id,
        name: name.trim().to_string(),
        period,
        status: VersionStatus::Draft,
        author: stamp.by,
        notes: Default::default(),
        adopted_at: None,
    };
    ws.create(version.clone(), stamp)?;
    for name in live {
        let fork = ws.doc(name).expect("checked loaded").fork();
        ws.insert_doc(DocName { draft: Some(id), ..name }, fork);
    }
    Ok(version)
}

/// Rejects money in another currency than the workspace's.
fn check_currency(data: &Tables, field: &'static str, money: Money) -> Result<()> {
    let currency = workspace_currency(data);
    if money.currency == currency {
        Ok(())
    } else {
        Err(invalid(field, format!("Enter the amount in {currency}, the workspace currency")))
    }
}

/// Rejects a plan record for a period outside the version's.
fn check_period(version: &PlanVersion, period: Period) -> Result<()> {
    if period.within(version.period) {
        Ok(())
    } else {
        Err(invalid(
            "period",
            format!("This plan version plans {}: choose {} or a part of it", version.period, version.period),
        ))
    }
}

/// Creates or changes a target (a sales plan for a channel or partner, or any other target) in a
/// plan version's draft. The target must fall within the version's period; the live plan is not
/// touched.
pub fn set_draft_target(ws: &mut Workspace, version: PlanVersionId, target: Target, stamp: Stamp) -> Result<()> {
    let record = open_version(ws, version)?;
    check_period(&record, target.period)?;
    if target.metric == Metric::Revenue {
        check_currency(&ws.data, "amount", target.amount)?;
    }
    if in_draft::<Target>(ws, version, target.id).is_some() {
        ws.update_in(Some(version), target, stamp)?;
        Ok(())
    } else {
        ws.create_in(Some(version), target, stamp)
    }
}

/// Creates or changes a budget in a plan version's draft, within the version's period.
pub fn set_draft_budget(ws: &mut Workspace, version: PlanVersionId, budget: Budget, stamp: Stamp) -> Result<()> {
    let record = open_version(ws, version)?;
    check_period(&record, budget.period)?;
    check_currency(&ws.data, "amount", budget.amount)?;
    if in_draft::<Budget>(ws, version, budget.id).is_some() {
        ws.update_in(Some(version), budget, stamp)?;
        Ok(())
    } else {
        ws.create_in(Some(version), budget, stamp)
    }
}

/// Removes a plan record of the version's period from its draft and returns it.
fn remove_from_draft<R: Record>(
    ws: &mut Workspace,
    version: PlanVersionId,
    id: R::Id,
    period_of: impl Fn(&R) -> Period,
    stamp: Stamp,
) -> Result<R>
where
    Tables: HasTable<R>,
{
    let record = open_version(ws, version)?;
    let existing = in_draft::<R>(ws, version, id).ok_or_else(|| not_found::<R>(id))?;
    check_period(&record, period_of(existing))?;
    ws.delete_in(Some(version), id, stamp)
}

/// Removes a target of the version's period from its draft and returns it.
pub fn remove_draft_target(ws: &mut Workspace, version: PlanVersionId, id: TargetId, stamp: Stamp) -> Result<Target> {
    remove_from_draft(ws, version, id, |t: &Target| t.period, stamp)
}

/// Removes a budget of the version's period from its draft and returns it.
pub fn remove_draft_budget(ws: &mut Workspace, version: PlanVersionId, id: BudgetId, stamp: Stamp) -> Result<Budget> {
    remove_from_draft(ws, version, id, |b: &Budget| b.period, stamp)
}

/// Why a subject or category got no starting figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSeeded {
    /// The draft already plans it for the version's period (the target or budget's id).
    AlreadyPlanned,
    /// Nothing was won (or spent) in the period copied from.
    NothingActual,
}

/// What seeding a draft created and what it left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seeded<Id, Key> {
    pub created: Vec<Id>,
    pub skipped: Vec<(Key, NotSeeded)>,
}

fn check_growth(growth_bp: i64) -> Result<()> {
    if growth_bp <= -10_000 {
        return Err(Error::Rejected("The growth must be above -100%".into()));
    }
    Ok(())
}

/// Seeds a draft with revenue targets for the version's period: each subject's won revenue in
/// `from` (usually the same period a year earlier), grown by `growth_bp` basis points
/// (500 = +5%) and rounded to the nearest minor unit. Subjects that won nothing, or already
/// have a revenue target for the version's period in the draft, are skipped and listed.
/// `subjects` is often [`review_subjects`](crate::reports::review::review_subjects).
pub fn seed_targets_from_actuals(
    ws: &mut Workspace,
    version: PlanVersionId,
    from: Period,
    growth_bp: i64,
    subjects: &[Subject],
    mut new_id: impl FnMut() -> TargetId,
    stamp: Stamp,
) -> Result<Seeded<TargetId, Subject>> {
    let record = open_version(ws, version)?;
    check_growth(growth_bp)?;
    let actuals = forecast(&ws.data, from, subjects);
    let planned: BTreeSet<Subject> = ws
        .draft_data(version)
        .iter()
        .flat_map(|d| d.targets.iter())
        .filter(|t| t.period == record.period && t.metric == Metric::Revenue)
        .map(|t| t.subject)
        .collect();
    let mut out = Seeded { created: Vec::new(), skipped: Vec::new() };
    for row in actuals.rows {
        if planned.contains(&row.subject) {
            out.skipped.push((row.subject, NotSeeded::AlreadyPlanned));
            continue;
        }
        if row.won.minor <= 0 {
            out.skipped.push((row.subject, NotSeeded::NothingActual));
            continue;
        }
        let id = new_id();
        let target = Target {
            id,
            subject: row.subject,
            period: record.period,
            metric: Metric::Revenue,
            amount: Money::new(grow(row.won.minor, growth_bp).max(1), row.won.currency),
            count: 0,
            notes: Default::default(),
        };
        ws.create_in(Some(version), target, stamp)?;
        out.created.push(id);
    }
    Ok(out)
}

/// Seeds a draft with company-wide budgets for the version's period: each cost category's spend
/// in `from` (as the cost of sales report counts it), grown by `growth_bp` basis points.
/// Categories with no spend, or already budgeted company-wide in the draft, are skipped.
pub fn seed_budgets_from_spend(
    ws: &mut Workspace,
    version: PlanVersionId,
    from: Period,
    growth_bp: i64,
    mut new_id: impl FnMut() -> BudgetId,
    stamp: Stamp,
) -> Result<Seeded<BudgetId, CostCategory>> {
    let record = open_version(ws, version)?;
    check_growth(growth_bp)?;
    let spend = cost_of_sales(&ws.data, from, CostOptions::default());
    let planned: BTreeSet<CostCategory> = ws
        .draft_data(version)
        .iter()
        .flat_map(|d| d.budgets.iter())
        .filter(|b| b.period == record.period && b.unit.is_none())
        .map(|b| b.category)
        .collect();
    let mut out = Seeded { created: Vec::new(), skipped: Vec::new() };
    for cost in &spend.categories {
        if planned.contains(&cost.category) {
            out.skipped.push((cost.category, NotSeeded::AlreadyPlanned));
            continue;
        }
        if cost.total.minor <= 0 {
            out.skipped.push((cost.category, NotSeeded::NothingActual));
            continue;
        }
        let id = new_id();
        let budget = Budget {
            id,
            period: record.period,
            category: cost.category,
            amount: Money::new(grow(cost.total.minor, growth_bp), cost.total.currency),
            unit: None,
            notes: Default::default(),
        };
        ws.create_in(Some(version), budget, stamp)?;
        out.created.push(id);
    }
    Ok(out)
}

/// What adopting a plan version did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adopted {
    /// Changes of the draft that the live documents did not have.
    pub merged_changes: usize,
    /// Targets of the draft that now hold concurrent values (edited both live and in the draft).
    pub conflicted_targets: Vec<TargetId>,
    pub conflicted_budgets: Vec<BudgetId>,
}

/// The plan the live documents would hold after merging the version's drafts into them.
fn merged_plan(ws: &Workspace, version: PlanVersionId) -> Result<Tables> {
    let mut scratch = Workspace::new(ws.key(), [0; 16]);
    for live in plan_docs() {
        let draft = DocName { draft: Some(version), ..live };
        let mut merged = ws.doc(live).expect("checked loaded").clone();
        merged.merge(&mut ws.doc(draft).expect("checked loaded").clone())?;
        scratch.insert_doc(live, merged);
    }
    Ok(std::mem::take(&mut scratch.data))
}

/// Names every subject (or budget holder) that would end up with two plans of one kind for one
/// period, where at least one of them comes from the draft.
fn clashes(live: &Tables, merged: &Tables) -> Vec<String> {
    let mut out = Vec::new();
    let mut targets: BTreeMap<(Subject, Period, Metric), Vec<&Target>> = BTreeMap::new();
    for t in merged.targets.iter() {
        targets.entry((t.subject, t.period, t.metric)).or_default().push(t);
    }
    for ((subject, period, metric), group) in targets {
        if group.len() > 1 && group.iter().any(|t| live.targets.get(t.id) != Some(*t)) {
            out.push(format!(
                "{}: {} {} targets for {period}",
                subject_label(live, subject),
                group.len(),
                metric.label().to_lowercase()
            ));
        }
    }
    let mut budgets: BTreeMap<(Period, CostCategory, Option<crate::org::OrgUnitId>), Vec<&Budget>> = BTreeMap::new();
    for b in merged.budgets.iter() {
        budgets.entry((b.period, b.category, b.unit)).or_default().push(b);
    }
    for ((period, category, unit), group) in budgets {
        if group.len() > 1 && group.iter().any(|b| live.budgets.get(b.id) != Some(*b)) {
            let whose = unit.and_then(|u| live.org_units.get(u)).map_or("The company".to_string(), |u| u.name.clone());
            out.push(format!("{whose}: {} {} budgets for {period}", group.len(), category.label().to_lowercase()));
        }
    }
    out
}

/// Adopts a plan version: merges each draft document into its live document and marks the
/// version adopted at the stamp's time. Refused, with nothing merged, when the version is not a
/// draft, or when the merge would leave a subject with two targets of one kind for a period (or
/// a category with two budgets) because the draft and the live plan each added one: remove one
/// of them first.
pub fn adopt(ws: &mut Workspace, version: PlanVersionId, stamp: Stamp) -> Result<Adopted> {
    let record = open_version(ws, version)?;
    require_loaded(ws, &plan_docs())?;
    let clashing = clashes(&ws.data, &merged_plan(ws, version)?);
    if !clashing.is_empty() {
        return Err(Error::Rejected(format!(
            "Adopting \"{}\" would leave duplicate plans ({}): remove one of each from the draft or from the live \
             plan first",
            record.name,
            clashing.join("; ")
        )));
    }
    let mut merged_changes = 0;
    for live in plan_docs() {
        let mut theirs = ws.doc(DocName { draft: Some(version), ..live }).expect("checked loaded").clone();
        merged_changes += ws.apply(live, |doc| -> Result<usize> {
            let before = doc.get_heads();
            doc.merge(&mut theirs)?;
            Ok(doc.get_changes_meta(&before).len())
        })??;
    }
    ws.update(PlanVersion { status: VersionStatus::Adopted, adopted_at: Some(stamp.at), ..record }, stamp)?;
    let draft = ws.draft_data(version);
    let conflicted_targets =
        draft.iter().flat_map(|d| d.targets.ids()).filter(|id| !ws.conflicts::<Target>(*id).is_empty()).collect();
    let conflicted_budgets =
        draft.iter().flat_map(|d| d.budgets.ids()).filter(|id| !ws.conflicts::<Budget>(*id).is_empty()).collect();
    Ok(Adopted { merged_changes, conflicted_targets, conflicted_budgets })
}

/// Discards a plan version: it stays on record, marked discarded, and can no longer change or be
/// adopted. The live plan is not touched.
pub fn discard(ws: &mut Workspace, version: PlanVersionId, stamp: Stamp) -> Result<()> {
    let record = open_version(ws, version)?;
    ws.update(PlanVersion { status: VersionStatus::Discarded, ..record }, stamp)?;
    Ok(())
}

/// The annual review of `period` with the given plan versions side by side. Every version's
/// drafts must be loaded.
pub fn review(ws: &Workspace, period: Period, versions: &[PlanVersionId]) -> Result<AnnualReview> {
    let empty = Tables::default();
    let mut drafts = Vec::with_capacity(versions.len());
    for &id in versions {
        let version = ws.data.plan_versions.get(id).ok_or_else(|| not_found::<PlanVersion>(id))?;
        require_loaded(ws, &draft_names(id))?;
        drafts.push(PlanDraft { version, data: ws.draft_data(id).unwrap_or(&empty) });
    }
    Ok(annual_review(&ws.data, period, &drafts))
}
