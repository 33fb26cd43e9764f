//! The annual review and workspace files: plan versions drafted on forks of the plan documents,
//! compared with the year's actuals and with each other, adopted by merging or discarded; and
//! exchange files that carry a workspace, or its recent changes, between devices with no server.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use automerge::ReadDoc;
use quota_core::account::{Account, AccountId};
use quota_core::channel::{Channel, ChannelId, Partner, PartnerId};
use quota_core::commands::review::{
    NotSeeded, adopt, discard, draft_names, remove_draft_budget, remove_draft_target, review, seed_budgets_from_spend,
    seed_targets_from_actuals, set_draft_budget, set_draft_target, start_version,
};
use quota_core::date::{Date, Period, Timestamp};
use quota_core::deal::{Deal, DealStatus, LineItem};
use quota_core::error::{Error, Result};
use quota_core::exchange::{ExchangeError, export, import};
use quota_core::management::{Budget, BudgetId, CostCategory, CostEntry, Metric, Subject, Target, TargetId};
use quota_core::market::{Segment, SegmentId};
use quota_core::money::{Currency, Money};
use quota_core::org::{OrgUnit, OrgUnitId, Person, PersonId, Territory, TerritoryId, UnitKind};
use quota_core::product::{Product, ProductId};
use quota_core::record::Record;
use quota_core::reports::forecast::Basis;
use quota_core::reports::review::{AnnualReview, Proposal, review_subjects};
use quota_core::review::{PlanVersion, PlanVersionId, VersionStatus};
use quota_core::settings::{MemberId, Pipeline, Settings, SettingsId, Stage, StageId, StageKind};
use quota_core::workspace::Op;
use quota_core::{Collection, DocName, HasTable, Stamp, Tables, Workspace, WorkspaceKey};
use sha2::{Digest, Sha256};

use crate::support::{Fx, KEY};

const EUR: Currency = Currency::EUR;

fn eur(units: i64) -> Money {
    Money::units(units, EUR)
}

fn period(text: &str) -> Period {
    text.parse().unwrap()
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

/// Creates a record, failing the test if it is refused.
fn put<R: Record + Debug>(fx: &mut Fx, record: R) -> R::Id
where
    Tables: HasTable<R>,
{
    let id = record.id();
    let stamp = fx.stamp();
    fx.ws.create(record, stamp).unwrap();
    id
}

/// Creates a record with a fresh id.
fn add<R: Record + Debug>(fx: &mut Fx, make: impl FnOnce(R::Id) -> R) -> R::Id
where
    Tables: HasTable<R>,
{
    let id = fx.id();
    put(fx, make(id))
}

fn target(id: TargetId, subject: Subject, when: &str, amount: Money) -> Target {
    Target { id, subject, period: period(when), metric: Metric::Revenue, amount, ..Default::default() }
}

fn budget(id: BudgetId, when: &str, category: CostCategory, amount: Money) -> Budget {
    Budget { id, period: period(when), category, amount, unit: None, notes: Default::default() }
}

#[track_caller]
fn assert_rejected<T: Debug>(result: Result<T>, message: &str) {
    match result {
        Err(Error::Rejected(m)) => assert_eq!(m, message),
        other => panic!("expected the rejection {message:?}, got {other:?}"),
    }
}

#[track_caller]
fn assert_invalid<T: Debug>(result: Result<T>, field: &str, message: &str) {
    match result {
        Err(Error::Invalid(invalid)) => {
            let problems: Vec<(&str, &str)> = invalid.0.iter().map(|p| (p.field, p.message.as_str())).collect();
            assert_eq!(problems, vec![(field, message)]);
        }
        other => panic!("expected {field}: {message:?}, got {other:?}"),
    }
}

/// A small company reviewing 2026 and planning 2027.
///
/// Sales (department) holds the North team; Ana is in the North team, Ben directly in Sales.
/// France holds the North territory. Acme (North, Retail segment) and Bolt (France, no segment).
/// Channels Direct, Dealers and Online; the partner Dealer One sells through Dealers.
///
/// Deals won in 2026, in EUR unless said:
/// - Ana, Acme, Direct, 2026-03-10: 40,000;
/// - Ben, Bolt, Dealers through Dealer One, 2026-06-20: 10 Widgets at 1,000 = 10,000;
/// - Ana, Bolt, Direct, 2026-11-02: 20,000;
/// - Ana, Acme, 2026-08-08: 1,000 USD (another currency, left out).
///
/// Not counted for 2026: Ben, Acme, Dealers, won 2025-05-05, 5,000; Ana, Acme, Direct, open,
/// expected 2026-12-15, 8,000.
///
/// Live revenue targets for 2026: company 80,000; Direct 50,000; Dealers 5,000 a quarter;
/// Ana 48,000; France 100,000; Retail 30,000; Widget 12,000. For 2027, set early: company
/// 85,000. Budgets for 2026: travel 10,000, marketing 5,000. Costs in 2026: travel 4,000 and
/// 2,500, marketing 6,000, training 1,000. Nobody has a salary or a commission plan, so nothing
/// is computed on top of the recorded costs.
struct World {
    ana: PersonId,
    ben: PersonId,
    sales: OrgUnitId,
    north_team: OrgUnitId,
    france: TerritoryId,
    north: TerritoryId,
    retail: SegmentId,
    direct: ChannelId,
    dealers: ChannelId,
    online: ChannelId,
    dealer_one: PartnerId,
    widget: ProductId,
    acme: AccountId,
    company_2027: TargetId,
}

fn world(fx: &mut Fx) -> World {
    put(
        fx,
        Settings {
            id: SettingsId::SINGLETON,
            name: "Review test".into(),
            currency: EUR,
            fiscal_year_start: 1,
            stale_after_days: 30,
        },
    );
    let (open, won): (StageId, StageId) = (fx.id(), fx.id());
    let pipeline = add(fx, |id| Pipeline {
        id,
        name: "Sales".into(),
        stages: BTreeMap::from([
            (open, Stage { name: "Proposal".into(), order: 10, probability: 50, kind: StageKind::Open }),
            (won, Stage { name: "Won".into(), order: 20, probability: 100, kind: StageKind::Won }),
        ]),
        is_default: true,
    });
    let sales = add(fx, |id| OrgUnit { id, name: "Sales".into(), kind: UnitKind::Department, ..Default::default() });
    let north_team = add(fx, |id| OrgUnit {
        id,
        name: "North team".into(),
        kind: UnitKind::Team,
        parent: Some(sales),
        ..Default::default()
    });
    let ana = add(fx, |id| Person {
        id,
        name: "Ana Lima".into(),
        unit: Some(north_team),
        active: true,
        ..Default::default()
    });
    let ben =
        add(fx, |id| Person { id, name: "Ben Okafor".into(), unit: Some(sales), active: true, ..Default::default() });
    let france = add(fx, |id| Territory { id, name: "France".into(), ..Default::default() });
    let north = add(fx, |id| Territory { id, name: "North".into(), parent: Some(france), ..Default::default() });
    let retail = add(fx, |id| Segment { id, name: "Retail".into(), ..Default::default() });
    let direct = add(fx, |id| Channel { id, name: "Direct".into(), ..Default::default() });
    let dealers = add(fx, |id| Channel { id, name: "Dealers".into(), ..Default::default() });
    let online = add(fx, |id| Channel { id, name: "Online".into(), ..Default::default() });
    let dealer_one =
        add(fx, |id| Partner { id, name: "Dealer One".into(), channel: Some(dealers), ..Default::default() });
    let widget = add(fx, |id| Product { id, name: "Widget".into(), price: eur(1_000), ..Default::default() });
    let acme = add(fx, |id| Account {
        id,
        name: "Acme".into(),
        territory: Some(north),
        segment: Some(retail),
        ..Default::default()
    });
    let bolt = add(fx, |id| Account { id, name: "Bolt".into(), territory: Some(france), ..Default::default() });

    let deal = |fx: &mut Fx, owner, account, channel, amount: Money, on: &str, status| {
        let id = fx.id();
        let closed = status == DealStatus::Won;
        let deal = Deal {
            id,
            name: format!("Deal {on}"),
            account,
            pipeline,
            stage: if closed { won } else { open },
            status,
            amount,
            expected_close: day(on),
            owner: Some(owner),
            channel,
            closed_on: closed.then(|| day(on)),
            ..Default::default()
        };
        put(fx, deal)
    };
    deal(fx, ana, acme, Some(direct), eur(40_000), "2026-03-10", DealStatus::Won);
    let widgets = deal(fx, ben, bolt, Some(dealers), eur(0), "2026-06-20", DealStatus::Won);
    let line = fx.id();
    let s = fx.stamp();
    fx.ws
        .modify::<Deal>(widgets, s, |d| {
            d.partner = Some(dealer_one);
            d.lines.insert(line, LineItem { product: widget, quantity: 10, unit_price: eur(1_000), discount_bp: 0 });
        })
        .unwrap();
    deal(fx, ana, bolt, Some(direct), eur(20_000), "2026-11-02", DealStatus::Won);
    deal(fx, ana, acme, None, Money::units(1_000, Currency::USD), "2026-08-08", DealStatus::Won);
    deal(fx, ben, acme, Some(dealers), eur(5_000), "2025-05-05", DealStatus::Won);
    deal(fx, ana, acme, Some(direct), eur(8_000), "2026-12-15", DealStatus::Open);

    add(fx, |id| target(id, Subject::Company, "2026", eur(80_000)));
    add(fx, |id| target(id, Subject::Channel(direct), "2026", eur(50_000)));
    for quarter in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] {
        add(fx, |id| target(id, Subject::Channel(dealers), quarter, eur(5_000)));
    }
    add(fx, |id| target(id, Subject::Person(ana), "2026", eur(48_000)));
    add(fx, |id| target(id, Subject::Territory(france), "2026", eur(100_000)));
    add(fx, |id| target(id, Subject::Segment(retail), "2026", eur(30_000)));
    add(fx, |id| target(id, Subject::Product(widget), "2026", eur(12_000)));
    let company_2027 = add(fx, |id| target(id, Subject::Company, "2027", eur(85_000)));

    add(fx, |id| budget(id, "2026", CostCategory::Travel, eur(10_000)));
    add(fx, |id| budget(id, "2026", CostCategory::Marketing, eur(5_000)));
    let cost = |fx: &mut Fx, on: &str, category, amount| {
        add(fx, |id| CostEntry { id, date: day(on), category, amount, ..Default::default() });
    };
    cost(fx, "2026-02-01", CostCategory::Travel, eur(4_000));
    cost(fx, "2026-09-01", CostCategory::Travel, eur(2_500));
    cost(fx, "2026-05-01", CostCategory::Marketing, eur(6_000));
    cost(fx, "2026-04-01", CostCategory::Training, eur(1_000));

    World {
        ana,
        ben,
        sales,
        north_team,
        france,
        north,
        retail,
        direct,
        dealers,
        online,
        dealer_one,
        widget,
        acme,
        company_2027,
    }
}

/// Starts a plan version for 2027.
fn start(fx: &mut Fx, name: &str) -> PlanVersionId {
    let id = fx.id();
    let s = fx.stamp();
    start_version(&mut fx.ws, id, name, period("2027"), s).unwrap();
    id
}

fn draft(fx: &Fx, version: PlanVersionId) -> &Tables {
    fx.ws.draft_data(version).expect("the version's drafts are loaded")
}

fn version(fx: &Fx, id: PlanVersionId) -> &PlanVersion {
    fx.ws.data.plan_versions.get(id).unwrap()
}

#[test]
fn a_plan_version_forks_the_plan_documents_and_its_edits_stay_out_of_the_live_plan() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let live_before = fx.ws.data.targets.clone();
    let v = start(&mut fx, "2027 plan");

    let record = version(&fx, v);
    assert_eq!(
        (record.name.as_str(), record.period, record.status),
        ("2027 plan", period("2027"), VersionStatus::Draft)
    );
    let drafts: BTreeSet<DocName> = fx.ws.drafts_of(v).collect();
    assert_eq!(drafts, draft_names(v).into_iter().collect());
    assert_eq!(
        drafts.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        [format!("plan/{v}/targets/0"), format!("plan/{v}/budgets/0")]
    );
    // A fork, not a copy: the draft holds the live document's changes themselves.
    for name in &drafts {
        let live = fx.ws.doc(DocName { draft: None, ..*name }).unwrap();
        let fork = fx.ws.doc(*name).unwrap();
        assert_eq!(fork.get_heads(), live.get_heads());
    }
    assert_eq!(draft(&fx, v).targets, live_before, "the draft starts from the live plan");
    assert_eq!(draft(&fx, v).budgets, fx.ws.data.budgets);

    let s = fx.stamp();
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    set_draft_target(&mut fx.ws, v, Target { amount: eur(90_000), ..company.clone() }, s).unwrap();
    let online = fx.id();
    let s = fx.stamp();
    set_draft_target(&mut fx.ws, v, target(online, Subject::Channel(w.online), "2027", eur(5_000)), s).unwrap();
    let travel = fx.id();
    let s = fx.stamp();
    set_draft_budget(&mut fx.ws, v, budget(travel, "2027", CostCategory::Travel, eur(7_000)), s).unwrap();

    assert_eq!(draft(&fx, v).targets.get(w.company_2027).unwrap().amount, eur(90_000));
    assert_eq!(draft(&fx, v).targets.get(online).unwrap().amount, eur(5_000));
    assert!(draft(&fx, v).budgets.contains(travel));
    assert_eq!(fx.ws.data.targets, live_before, "live targets are untouched by the draft");
    assert!(!fx.ws.data.budgets.contains(travel));
    assert!(draft(&fx, v).accounts.is_empty(), "a draft holds only the plan");
    assert_eq!(fx.ws.history_in::<Target>(Some(v), w.company_2027).len(), 2);
    assert_eq!(fx.ws.history::<Target>(w.company_2027).len(), 1);

    // Edits to the draft of one version do not reach another version's draft.
    let other = start(&mut fx, "Other");
    assert_eq!(draft(&fx, other).targets.get(w.company_2027).unwrap().amount, eur(85_000));
    assert!(!draft(&fx, other).targets.contains(online));
}

#[test]
fn draft_edits_are_checked_against_the_draft_plan_and_the_versions_period() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "2027 plan");

    let (id, s) = (fx.id(), fx.stamp());
    assert_invalid(
        set_draft_target(&mut fx.ws, v, target(id, Subject::Company, "2027", eur(1)), s),
        "period",
        "This subject already has a target of this kind for the period",
    );
    let (id, s) = (fx.id(), fx.stamp());
    assert_invalid(
        set_draft_target(&mut fx.ws, v, target(id, Subject::Channel(w.direct), "2026-Q4", eur(1)), s),
        "period",
        "This plan version plans 2027: choose 2027 or a part of it",
    );
    let (id, s) = (fx.id(), fx.stamp());
    assert_invalid(
        set_draft_target(
            &mut fx.ws,
            v,
            target(id, Subject::Channel(w.direct), "2027", Money::units(5, Currency::USD)),
            s,
        ),
        "amount",
        "Enter the amount in EUR, the workspace currency",
    );
    let (id, gone, s) = (fx.id(), fx.id(), fx.stamp());
    assert_invalid(
        set_draft_target(&mut fx.ws, v, target(id, Subject::Person(gone), "2027", eur(1)), s),
        "subject",
        "The target's subject does not exist",
    );
    let (id, s) = (fx.id(), fx.stamp());
    assert_invalid(
        set_draft_budget(&mut fx.ws, v, budget(id, "2028", CostCategory::Travel, eur(1)), s),
        "period",
        "This plan version plans 2027: choose 2027 or a part of it",
    );
    // Last year's targets forked into the draft stay as they are.
    let last_year = fx.ws.data.targets.iter().find(|t| t.period == period("2026")).unwrap().id;
    let s = fx.stamp();
    assert_invalid(
        remove_draft_target(&mut fx.ws, v, last_year, s),
        "period",
        "This plan version plans 2027: choose 2027 or a part of it",
    );

    // A target the live plan gains after the fork does not block the same one in the draft:
    // each document has one. Quarters of the version's year are part of it.
    let (live, s) = (fx.id(), fx.stamp());
    fx.ws.create(target(live, Subject::Channel(w.direct), "2027-Q1", eur(15_000)), s).unwrap();
    let (drafted, s) = (fx.id(), fx.stamp());
    set_draft_target(&mut fx.ws, v, target(drafted, Subject::Channel(w.direct), "2027-Q1", eur(18_000)), s).unwrap();
    assert_eq!(fx.ws.data.targets.get(live).unwrap().amount, eur(15_000));
    assert_eq!(draft(&fx, v).targets.get(drafted).unwrap().amount, eur(18_000));
    let s = fx.stamp();
    assert_eq!(remove_draft_target(&mut fx.ws, v, drafted, s).unwrap().id, drafted);
    assert!(!draft(&fx, v).targets.contains(drafted));
    let (missing, s) = (fx.id(), fx.stamp());
    assert!(matches!(remove_draft_budget(&mut fx.ws, v, missing, s), Err(Error::NotFound { .. })));
    assert!(fx.ws.data.targets.contains(live), "removing from the draft leaves the live plan alone");
}

#[test]
fn a_draft_starts_from_last_years_actuals_grown_by_a_percentage() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "Steady");
    let subjects = review_subjects(&fx.ws.data);
    let pool: Vec<TargetId> = (0..20).map(|_| fx.id()).collect();
    let mut ids = pool.iter().copied();
    let s = fx.stamp();
    let seeded =
        seed_targets_from_actuals(&mut fx.ws, v, period("2026"), 1_000, &subjects, || ids.next().unwrap(), s).unwrap();
    assert_eq!(seeded.created, pool[..11]);
    assert_eq!(
        seeded.skipped,
        vec![(Subject::Company, NotSeeded::AlreadyPlanned), (Subject::Channel(w.online), NotSeeded::NothingActual)]
    );
    // Each subject's 2026 won revenue plus 10%.
    let proposed: Vec<(Subject, Money)> = seeded
        .created
        .iter()
        .map(|id| {
            let t = draft(&fx, v).targets.get(*id).unwrap();
            assert_eq!((t.period, t.metric), (period("2027"), Metric::Revenue));
            (t.subject, t.amount)
        })
        .collect();
    assert_eq!(
        proposed,
        vec![
            (Subject::Channel(w.direct), eur(66_000)),
            (Subject::Channel(w.dealers), eur(11_000)),
            (Subject::Partner(w.dealer_one), eur(11_000)),
            (Subject::Segment(w.retail), eur(44_000)),
            (Subject::Territory(w.france), eur(77_000)),
            (Subject::Territory(w.north), eur(44_000)),
            (Subject::Product(w.widget), eur(11_000)),
            (Subject::Unit(w.sales), eur(77_000)),
            (Subject::Unit(w.north_team), eur(66_000)),
            (Subject::Person(w.ana), eur(66_000)),
            (Subject::Person(w.ben), eur(11_000)),
        ]
    );
    assert!(fx.ws.data.targets.iter().all(|t| t.period != period("2027") || t.id == w.company_2027));

    let mut budget_ids = (0..10).map(|_| fx.id::<BudgetId>()).collect::<Vec<_>>().into_iter();
    let s = fx.stamp();
    let seeded =
        seed_budgets_from_spend(&mut fx.ws, v, period("2026"), 1_000, || budget_ids.next().unwrap(), s).unwrap();
    let budgets: Vec<(CostCategory, Money)> = seeded
        .created
        .iter()
        .map(|id| {
            let b = draft(&fx, v).budgets.get(*id).unwrap();
            (b.category, b.amount)
        })
        .collect();
    // Spend in 2026 plus 10%: travel 6,500, marketing 6,000, training 1,000.
    assert_eq!(
        budgets,
        vec![
            (CostCategory::Travel, eur(7_150)),
            (CostCategory::Marketing, eur(6_600)),
            (CostCategory::Training, eur(1_100))
        ]
    );
    assert_eq!(seeded.skipped.len(), 6);
    assert!(seeded.skipped.iter().all(|(_, why)| *why == NotSeeded::NothingActual));

    // Seeding again plans nothing twice.
    let s = fx.stamp();
    let again = seed_budgets_from_spend(&mut fx.ws, v, period("2026"), 1_000, || unreachable!(), s).unwrap();
    assert!(again.created.is_empty());
    assert_eq!(again.skipped.iter().filter(|(_, why)| *why == NotSeeded::AlreadyPlanned).count(), 3);
    let s = fx.stamp();
    assert_rejected(
        seed_targets_from_actuals(&mut fx.ws, v, period("2026"), -10_000, &subjects, || unreachable!(), s),
        "The growth must be above -100%",
    );
}

fn money_text(m: Option<Money>) -> String {
    m.map_or("-".into(), |m| m.amount_text())
}

fn basis_text(b: Option<Basis>) -> &'static str {
    match b {
        None => "",
        Some(Basis::Set) => " set",
        Some(Basis::Summed) => " summed",
        Some(Basis::ProRated { .. }) => " pro-rated",
    }
}

fn bp_text(b: Option<i64>) -> String {
    b.map_or("-".into(), |b| format!("{b:+}"))
}

fn proposal_text(p: &Proposal) -> String {
    format!("{}{} {}", money_text(p.amount), basis_text(p.basis), bp_text(p.growth_bp))
}

/// One subject's review line: plan, actual (won deals), variance, attainment, then each
/// version's proposal and implied growth.
#[track_caller]
fn check_row(review: &AnnualReview, subject: Subject, expect: &str) {
    let r = review.row(subject).unwrap();
    let mut line = format!(
        "plan {}{} | actual {} ({}) | var {} | att {}",
        money_text(r.plan),
        basis_text(r.plan_basis),
        r.actual.amount_text(),
        r.won_deals,
        money_text(r.variance),
        r.attainment_bp.map_or("-".into(), |b| b.to_string()),
    );
    for p in &r.proposals {
        line.push_str(" | ");
        line.push_str(&proposal_text(p));
    }
    assert_eq!(line, expect, "{subject}");
}

#[track_caller]
fn check_budget(review: &AnnualReview, category: CostCategory, expect: &str) {
    let b = review.budget(category);
    let mut line = format!(
        "budget {}{} | spent {} | var {} | used {}",
        money_text(b.budget),
        basis_text(b.budget_basis),
        b.spent.amount_text(),
        money_text(b.variance),
        b.used_bp.map_or("-".into(), |b| b.to_string()),
    );
    for p in &b.proposals {
        line.push_str(" | ");
        line.push_str(&proposal_text(p));
    }
    assert_eq!(line, expect, "{category}");
}

#[test]
fn the_annual_review_compares_plans_with_actuals_and_versions_side_by_side() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let steady = start(&mut fx, "Steady");
    let subjects = review_subjects(&fx.ws.data);
    let s = fx.stamp();
    let mut ids = (0..20).map(|_| fx.id::<TargetId>()).collect::<Vec<_>>().into_iter();
    seed_targets_from_actuals(&mut fx.ws, steady, period("2026"), 1_000, &subjects, || ids.next().unwrap(), s).unwrap();
    let mut ids = (0..10).map(|_| fx.id::<BudgetId>()).collect::<Vec<_>>().into_iter();
    let s = fx.stamp();
    seed_budgets_from_spend(&mut fx.ws, steady, period("2026"), 1_000, || ids.next().unwrap(), s).unwrap();

    let ambitious = start(&mut fx, "Ambitious");
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    let s = fx.stamp();
    set_draft_target(&mut fx.ws, ambitious, Target { amount: eur(91_000), ..company }, s).unwrap();
    for (quarter, amount) in [("2027-Q1", 20_000), ("2027-Q2", 20_000), ("2027-Q3", 20_000), ("2027-Q4", 24_000)] {
        let (id, s) = (fx.id(), fx.stamp());
        set_draft_target(&mut fx.ws, ambitious, target(id, Subject::Channel(w.direct), quarter, eur(amount)), s)
            .unwrap();
    }
    let (id, s) = (fx.id(), fx.stamp());
    set_draft_target(&mut fx.ws, ambitious, target(id, Subject::Channel(w.online), "2027", eur(5_000)), s).unwrap();
    let (id, s) = (fx.id(), fx.stamp());
    set_draft_budget(&mut fx.ws, ambitious, budget(id, "2027", CostCategory::Travel, eur(8_000)), s).unwrap();

    let r = review(&fx.ws, period("2026"), &[steady, ambitious]).unwrap();
    assert_eq!(r.versions.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["Steady", "Ambitious"]);
    assert_eq!((r.other_currency_deals, r.other_currency_costs), (1, 1), "the USD deal is left out");

    // Actuals: 40,000 + 10,000 + 20,000 = 70,000 won by the company; Direct 40,000 + 20,000;
    // Ana the same two; Dealers, Dealer One, Ben and the Widget the 10,000 of widgets; Acme's
    // 40,000 for Retail and North; France and Sales everything.
    // Variance = actual - plan; attainment = actual / plan: 70,000 / 80,000 = 8,750 bp.
    // Steady proposes 2026 + 10% (growth +1,000 bp) except for the company, whose 85,000 was
    // already set live before the fork: (85,000 - 70,000) / 70,000 = +2,143 bp. Ambitious sets
    // the company at 91,000 (+3,000 bp), Direct at 20,000 × 3 + 24,000 = 84,000 summed from
    // quarters (+4,000 bp against 60,000), and Online at 5,000 with no actual to grow from.
    check_row(
        &r,
        Subject::Company,
        "plan 80000.00 set | actual 70000.00 (3) | var -10000.00 | att 8750 | 85000.00 set +2143 | 91000.00 set +3000",
    );
    check_row(
        &r,
        Subject::Channel(w.direct),
        "plan 50000.00 set | actual 60000.00 (2) | var 10000.00 | att 12000 | 66000.00 set +1000 | 84000.00 summed +4000",
    );
    // Dealers' plan is its four quarters: 4 × 5,000 = 20,000.
    check_row(
        &r,
        Subject::Channel(w.dealers),
        "plan 20000.00 summed | actual 10000.00 (1) | var -10000.00 | att 5000 | 11000.00 set +1000 | - -",
    );
    check_row(&r, Subject::Channel(w.online), "plan - | actual 0.00 (0) | var - | att - | - - | 5000.00 set -");
    check_row(
        &r,
        Subject::Partner(w.dealer_one),
        "plan - | actual 10000.00 (1) | var - | att - | 11000.00 set +1000 | - -",
    );
    // 40,000 / 30,000 = 13,333 bp.
    check_row(
        &r,
        Subject::Segment(w.retail),
        "plan 30000.00 set | actual 40000.00 (1) | var 10000.00 | att 13333 | 44000.00 set +1000 | - -",
    );
    check_row(
        &r,
        Subject::Territory(w.france),
        "plan 100000.00 set | actual 70000.00 (3) | var -30000.00 | att 7000 | 77000.00 set +1000 | - -",
    );
    check_row(
        &r,
        Subject::Territory(w.north),
        "plan - | actual 40000.00 (1) | var - | att - | 44000.00 set +1000 | - -",
    );
    // 10,000 / 12,000 = 8,333 bp.
    check_row(
        &r,
        Subject::Product(w.widget),
        "plan 12000.00 set | actual 10000.00 (1) | var -2000.00 | att 8333 | 11000.00 set +1000 | - -",
    );
    check_row(&r, Subject::Unit(w.sales), "plan - | actual 70000.00 (3) | var - | att - | 77000.00 set +1000 | - -");
    check_row(
        &r,
        Subject::Unit(w.north_team),
        "plan - | actual 60000.00 (2) | var - | att - | 66000.00 set +1000 | - -",
    );
    check_row(
        &r,
        Subject::Person(w.ana),
        "plan 48000.00 set | actual 60000.00 (2) | var 12000.00 | att 12500 | 66000.00 set +1000 | - -",
    );
    check_row(&r, Subject::Person(w.ben), "plan - | actual 10000.00 (1) | var - | att - | 11000.00 set +1000 | - -");

    // Budgets: travel 4,000 + 2,500 = 6,500 of 10,000 (3,500 left, 6,500 bp used); marketing
    // 6,000 of 5,000 (1,000 over, 12,000 bp). Steady proposes spend + 10%; Ambitious 8,000 for
    // travel: (8,000 - 6,500) / 6,500 = +2,308 bp.
    check_budget(
        &r,
        CostCategory::Travel,
        "budget 10000.00 set | spent 6500.00 | var 3500.00 | used 6500 | 7150.00 set +1000 | 8000.00 set +2308",
    );
    check_budget(
        &r,
        CostCategory::Marketing,
        "budget 5000.00 set | spent 6000.00 | var -1000.00 | used 12000 | 6600.00 set +1000 | - -",
    );
    check_budget(&r, CostCategory::Training, "budget - | spent 1000.00 | var - | used - | 1100.00 set +1000 | - -");
    check_budget(&r, CostCategory::Salaries, "budget - | spent 0.00 | var - | used - | - - | - -");

    let people: Vec<Subject> =
        r.dimension(quota_core::reports::review::Dimension::Person).rows.iter().map(|r| r.subject).collect();
    assert_eq!(people, vec![Subject::Person(w.ana), Subject::Person(w.ben)]);
    let missing = fx.id();
    assert!(matches!(review(&fx.ws, period("2026"), &[missing]), Err(Error::NotFound { .. })));
}

#[test]
fn adopting_merges_the_draft_and_live_edits_made_meanwhile_survive() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let (dealers_2027, s) = (fx.id(), fx.stamp());
    fx.ws.create(target(dealers_2027, Subject::Channel(w.dealers), "2027", eur(12_000)), s).unwrap();
    let v = start(&mut fx, "2027 plan");

    // In the draft: raise the company's target, add Direct's, drop Dealers', budget travel.
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    let s = fx.stamp();
    set_draft_target(&mut fx.ws, v, Target { amount: eur(90_000), ..company }, s).unwrap();
    let (direct_2027, s) = (fx.id(), fx.stamp());
    set_draft_target(&mut fx.ws, v, target(direct_2027, Subject::Channel(w.direct), "2027", eur(66_000)), s).unwrap();
    let s = fx.stamp();
    remove_draft_target(&mut fx.ws, v, dealers_2027, s).unwrap();
    let (travel, s) = (fx.id(), fx.stamp());
    set_draft_budget(&mut fx.ws, v, budget(travel, "2027", CostCategory::Travel, eur(7_000)), s).unwrap();

    // Meanwhile, live: a note on the company's target, Online's target, an account edit.
    let s = fx.stamp();
    fx.ws.modify::<Target>(w.company_2027, s, |t| t.notes = "Board wants a stretch".into()).unwrap();
    let (online_2027, s) = (fx.id(), fx.stamp());
    fx.ws.create(target(online_2027, Subject::Channel(w.online), "2027", eur(4_000)), s).unwrap();
    let s = fx.stamp();
    fx.ws.modify::<Account>(w.acme, s, |a| a.city = "Lille".into()).unwrap();

    let s = fx.stamp();
    let adopted = adopt(&mut fx.ws, v, s).unwrap();
    assert_eq!(adopted.merged_changes, 4, "the four draft edits");
    assert!(adopted.conflicted_targets.is_empty() && adopted.conflicted_budgets.is_empty());

    let company = fx.ws.data.targets.get(w.company_2027).unwrap();
    assert_eq!((company.amount, company.notes.as_str()), (eur(90_000), "Board wants a stretch"));
    assert_eq!(fx.ws.data.targets.get(direct_2027).unwrap().amount, eur(66_000));
    assert!(!fx.ws.data.targets.contains(dealers_2027));
    assert_eq!(fx.ws.data.targets.get(online_2027).unwrap().amount, eur(4_000));
    assert_eq!(fx.ws.data.budgets.get(travel).unwrap().amount, eur(7_000));
    assert_eq!(fx.ws.data.accounts.get(w.acme).unwrap().city, "Lille");
    let record = version(&fx, v);
    assert_eq!((record.status, record.adopted_at), (VersionStatus::Adopted, Some(s.at)));
    // The live plan now holds the draft's history.
    for name in draft_names(v) {
        let draft_heads = fx.ws.doc(name).unwrap().get_heads();
        let live = fx.ws.doc(DocName { draft: None, ..name }).unwrap();
        assert!(draft_heads.iter().all(|h| live.get_change_by_hash(h).is_some()), "{name}");
    }
}

#[test]
fn a_target_edited_both_live_and_in_the_draft_shows_the_conflict_after_adoption() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "2027 plan");
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    let s = fx.stamp();
    set_draft_target(&mut fx.ws, v, Target { amount: eur(90_000), ..company }, s).unwrap();
    let s = fx.stamp();
    fx.ws.modify::<Target>(w.company_2027, s, |t| t.amount = eur(88_000)).unwrap();

    let s = fx.stamp();
    let adopted = adopt(&mut fx.ws, v, s).unwrap();
    assert_eq!(adopted.conflicted_targets, vec![w.company_2027]);
    let conflicts = fx.ws.conflicts::<Target>(w.company_2027);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "amount");
    let mut values = conflicts[0].values.clone();
    values.sort();
    assert_eq!(values, ["8800000 EUR", "9000000 EUR"]);
    let shown = fx.ws.data.targets.get(w.company_2027).unwrap().amount;
    assert_eq!(conflicts[0].values[0], format!("{} EUR", shown.minor), "the shown value comes first");

    // The manager settles it the usual way.
    let other = conflicts[0].values.iter().position(|v| *v != conflicts[0].values[0]).unwrap();
    let s = fx.stamp();
    fx.ws.resolve::<Target>(w.company_2027, "amount", other, s).unwrap();
    assert!(fx.ws.conflicts::<Target>(w.company_2027).is_empty());
}

#[test]
fn adopted_and_discarded_versions_can_no_longer_change() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "2027 plan");
    let s = fx.stamp();
    adopt(&mut fx.ws, v, s).unwrap();
    let adopted_on = s.at.date();
    let adopted =
        format!("The plan version \"2027 plan\" was adopted on {adopted_on}; start a new version to change the plan");
    let s = fx.stamp();
    assert_rejected(adopt(&mut fx.ws, v, s), &adopted);
    let s = fx.stamp();
    assert_rejected(discard(&mut fx.ws, v, s), &adopted);
    let (id, s) = (fx.id(), fx.stamp());
    assert_rejected(
        set_draft_target(&mut fx.ws, v, target(id, Subject::Channel(w.direct), "2027", eur(1)), s),
        &adopted,
    );
    let s = fx.stamp();
    assert_rejected(remove_draft_target(&mut fx.ws, v, w.company_2027, s), &adopted);
    let s = fx.stamp();
    assert_rejected(
        seed_targets_from_actuals(&mut fx.ws, v, period("2026"), 0, &[Subject::Company], || unreachable!(), s),
        &adopted,
    );

    let live_before = fx.ws.data.targets.clone();
    let other = start(&mut fx, "Too bold");
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    let s = fx.stamp();
    set_draft_target(&mut fx.ws, other, Target { amount: eur(500_000), ..company }, s).unwrap();
    let s = fx.stamp();
    discard(&mut fx.ws, other, s).unwrap();
    assert_eq!(version(&fx, other).status, VersionStatus::Discarded);
    assert_eq!(fx.ws.data.targets, live_before, "discarding leaves the live plan alone");
    let discarded = "The plan version \"Too bold\" was discarded";
    let s = fx.stamp();
    assert_rejected(adopt(&mut fx.ws, other, s), discarded);
    let (id, s) = (fx.id(), fx.stamp());
    assert_rejected(
        set_draft_budget(&mut fx.ws, other, budget(id, "2027", CostCategory::Travel, eur(1)), s),
        discarded,
    );

    let (id, s) = (fx.id(), fx.stamp());
    assert_invalid(
        start_version(&mut fx.ws, id, "  ", period("2027"), s),
        "name",
        "Enter a name for this plan version",
    );
    assert!(fx.ws.drafts_of(id).next().is_none(), "a refused version forks nothing");
    let s = fx.stamp();
    assert!(matches!(start_version(&mut fx.ws, v, "Again", period("2027"), s), Err(Error::AlreadyExists { .. })));
    let (missing, s) = (fx.id(), fx.stamp());
    assert!(matches!(adopt(&mut fx.ws, missing, s), Err(Error::NotFound { .. })));
}

#[test]
fn adoption_is_refused_whole_when_the_draft_and_the_live_plan_each_added_the_same_target() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "2027 plan");
    let (drafted, s) = (fx.id(), fx.stamp());
    set_draft_target(&mut fx.ws, v, target(drafted, Subject::Channel(w.direct), "2027", eur(66_000)), s).unwrap();
    let (travel, s) = (fx.id(), fx.stamp());
    set_draft_budget(&mut fx.ws, v, budget(travel, "2027", CostCategory::Travel, eur(7_000)), s).unwrap();
    let (live, s) = (fx.id(), fx.stamp());
    fx.ws.create(target(live, Subject::Channel(w.direct), "2027", eur(60_000)), s).unwrap();
    let (live_travel, s) = (fx.id(), fx.stamp());
    fx.ws.create(budget(live_travel, "2027", CostCategory::Travel, eur(6_000)), s).unwrap();
    let live_heads: Vec<_> = [Collection::Targets, Collection::Budgets]
        .iter()
        .map(|c| fx.ws.doc(DocName::live(*c, 0)).unwrap().get_heads())
        .collect();

    let s = fx.stamp();
    assert_rejected(
        adopt(&mut fx.ws, v, s),
        "Adopting \"2027 plan\" would leave duplicate plans (Direct: 2 revenue (won deals) targets for 2027; The \
         company: 2 travel budgets for 2027): remove one of each from the draft or from the live plan first",
    );
    assert!(!fx.ws.data.targets.contains(drafted) && !fx.ws.data.budgets.contains(travel), "nothing was merged");
    let heads_after: Vec<_> = [Collection::Targets, Collection::Budgets]
        .iter()
        .map(|c| fx.ws.doc(DocName::live(*c, 0)).unwrap().get_heads())
        .collect();
    assert_eq!(heads_after, live_heads);
    assert_eq!(version(&fx, v).status, VersionStatus::Draft);

    // Once the draft gives way, the version adopts.
    let s = fx.stamp();
    remove_draft_target(&mut fx.ws, v, drafted, s).unwrap();
    let s = fx.stamp();
    remove_draft_budget(&mut fx.ws, v, travel, s).unwrap();
    let s = fx.stamp();
    adopt(&mut fx.ws, v, s).unwrap();
    assert_eq!(fx.ws.data.targets.get(live).unwrap().amount, eur(60_000));
}

#[test]
fn history_follows_a_target_from_its_draft_into_the_live_plan() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "2027 plan");
    let before_edit = fx.now;
    let maria: MemberId = fx.id();
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    let edit = Stamp::new(fx.stamp().at, Some(maria));
    set_draft_target(&mut fx.ws, v, Target { amount: eur(90_000), ..company }, edit).unwrap();

    let drafted = fx.ws.history_in::<Target>(Some(v), w.company_2027);
    let ops: Vec<(Op, Option<MemberId>, Vec<String>)> =
        drafted.iter().map(|e| (e.op, e.by, e.fields.clone())).collect();
    assert_eq!(
        ops,
        vec![
            (Op::Create, None, Target::FIELDS.iter().map(|f| f.to_string()).collect()),
            (Op::Update, Some(maria), vec!["amount".to_string()])
        ]
    );
    assert_eq!(drafted[1].at, edit.at);
    assert_ne!(drafted[1].device, drafted[0].device, "drafts are written by an actor of their own");
    assert_eq!(fx.ws.history::<Target>(w.company_2027).len(), 1, "the live history has not seen the draft yet");

    // The draft can be looked at as it was too.
    let past = fx.ws.as_of(before_edit).unwrap();
    assert_eq!(past.draft_data(v).unwrap().targets.get(w.company_2027).unwrap().amount, eur(85_000));
    assert!(past.data.plan_versions.contains(v));
    let now = fx.ws.as_of(edit.at).unwrap();
    assert_eq!(now.draft_data(v).unwrap().targets.get(w.company_2027).unwrap().amount, eur(90_000));
    assert_eq!(now.data.targets.get(w.company_2027).unwrap().amount, eur(85_000));

    let s = fx.stamp();
    adopt(&mut fx.ws, v, s).unwrap();
    let live = fx.ws.history::<Target>(w.company_2027);
    assert_eq!(live, drafted, "adoption brings the draft's changes, with their authors and times");
    assert_eq!(fx.ws.as_of(before_edit).unwrap().data.targets.get(w.company_2027).unwrap().amount, eur(85_000));
    assert_eq!(fx.ws.as_of(s.at).unwrap().data.targets.get(w.company_2027).unwrap().amount, eur(90_000));
    // Merged changes keep the time they were made, so a view of the live plan between the draft
    // edit and the adoption already shows the edit.
    assert_eq!(fx.ws.as_of(edit.at).unwrap().data.targets.get(w.company_2027).unwrap().amount, eur(90_000));
}

#[test]
fn drafts_are_stored_cached_and_loaded_apart_from_the_live_plan() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let v = start(&mut fx, "2027 plan");
    let company = fx.ws.data.targets.get(w.company_2027).unwrap().clone();
    let s = fx.stamp();
    set_draft_target(&mut fx.ws, v, Target { amount: eur(90_000), ..company }, s).unwrap();
    let (online, s) = (fx.id(), fx.stamp());
    set_draft_target(&mut fx.ws, v, target(online, Subject::Channel(w.online), "2027", eur(5_000)), s).unwrap();
    assert!(fx.ws.unsaved().any(|d| d.draft == Some(v)), "drafts are saved like any document");

    // Loaded from storage, in any order: drafts fill the draft's tables, never the live ones.
    let mut names: Vec<DocName> = fx.ws.loaded().collect();
    names.reverse();
    let mut reopened = Workspace::new(KEY, [1; 16]);
    for name in &names {
        let (bytes, _) = fx.ws.snapshot(*name).unwrap();
        let report = reopened.load(*name, [("snapshot", bytes.as_slice())], true);
        assert!(report.skipped.is_empty() && report.unreadable.is_empty());
    }
    assert_eq!(reopened.data.targets, fx.ws.data.targets);
    assert_eq!(reopened.draft_data(v).unwrap().targets, draft(&fx, v).targets);

    // The start-up cache of a draft fills the draft's tables too.
    let mut cached = Workspace::new(KEY, [3; 16]);
    for name in &names {
        cached.load_projection(*name, &fx.ws.projection(*name)).unwrap();
    }
    assert_eq!(cached.data.targets, fx.ws.data.targets);
    assert_eq!(cached.draft_data(v).unwrap().targets, draft(&fx, v).targets);
    assert!(!cached.data.targets.contains(online));

    // Reopened with the same actor, live and draft edits still merge cleanly on adoption.
    let s = Stamp::new(Timestamp(fx.now.0 + 1_000), None);
    reopened.modify::<Target>(w.company_2027, s, |t| t.notes = "Checked".into()).unwrap();
    let (direct, s) = (fx.id(), Stamp::new(Timestamp(fx.now.0 + 2_000), None));
    set_draft_target(&mut reopened, v, target(direct, Subject::Channel(w.direct), "2027", eur(66_000)), s).unwrap();
    let s = Stamp::new(Timestamp(fx.now.0 + 3_000), None);
    adopt(&mut reopened, v, s).unwrap();
    let company = reopened.data.targets.get(w.company_2027).unwrap();
    assert_eq!((company.amount, company.notes.as_str()), (eur(90_000), "Checked"));
    assert!(reopened.data.targets.contains(direct) && reopened.data.targets.contains(online));
}

#[test]
fn two_devices_can_draft_the_same_version_and_merge_their_drafts() {
    let mut a = Fx::with_actor(1);
    let w = world(&mut a);
    let v = start(&mut a, "2027 plan");
    let mut b = Fx::with_actor(2);
    import(&mut b.ws, &export(&a.ws, None)).unwrap();
    assert_eq!(b.ws.draft_data(v).unwrap().targets, draft(&a, v).targets);

    let (online, s) = (a.id(), a.stamp());
    set_draft_target(&mut a.ws, v, target(online, Subject::Channel(w.online), "2027", eur(5_000)), s).unwrap();
    let (direct, s) = (b.id(), b.stamp());
    set_draft_target(&mut b.ws, v, target(direct, Subject::Channel(w.direct), "2027", eur(66_000)), s).unwrap();
    import(&mut a.ws, &export(&b.ws, None)).unwrap();
    import(&mut b.ws, &export(&a.ws, None)).unwrap();
    assert_eq!(b.ws.draft_data(v).unwrap().targets, draft(&a, v).targets);
    assert!(draft(&a, v).targets.contains(online) && draft(&a, v).targets.contains(direct));
    assert!(!a.ws.data.targets.contains(online) && !b.ws.data.targets.contains(direct));

    let s = b.stamp();
    adopt(&mut b.ws, v, s).unwrap();
    assert!(b.ws.data.targets.contains(online) && b.ws.data.targets.contains(direct));
}

/// Every table of the workspace, to compare two devices.
fn same_data(a: &Fx, b: &Fx) {
    assert_eq!(a.ws.data, b.ws.data);
}

#[test]
fn devices_that_diverged_offline_converge_by_exchanging_files() {
    let mut a = Fx::with_actor(1);
    let shared = a.account("Acme");
    let mut b = Fx::with_actor(2);
    let first = import(&mut b.ws, &export(&a.ws, None)).unwrap();
    assert_eq!(first.new_changes(), 1);
    assert_eq!(first.changed, BTreeSet::from([Collection::Accounts]));
    same_data(&a, &b);

    // Offline: both edit the shared account and each adds one.
    let s = a.stamp();
    a.ws.modify::<Account>(shared, s, |r| r.city = "Paris".into()).unwrap();
    let bolt = a.account("Bolt");
    let s = b.stamp();
    b.ws.modify::<Account>(shared, s, |r| r.phone = "+33 1 23 45".into()).unwrap();
    let cora = b.account("Cora");

    let from_a = export(&a.ws, None);
    let from_b = export(&b.ws, None);
    let into_b = import(&mut b.ws, &from_a).unwrap();
    let into_a = import(&mut a.ws, &from_b).unwrap();
    assert_eq!((into_b.new_changes(), into_a.new_changes()), (2, 2));
    same_data(&a, &b);
    let acme = a.ws.data.accounts.get(shared).unwrap();
    assert_eq!((acme.city.as_str(), acme.phone.as_str()), ("Paris", "+33 1 23 45"));
    assert!(a.ws.data.accounts.contains(bolt) && a.ws.data.accounts.contains(cora));
    for name in a.ws.loaded() {
        assert_eq!(a.ws.doc(name).unwrap().get_heads(), b.ws.doc(name).unwrap().get_heads(), "{name}");
    }
}

#[test]
fn a_file_of_changes_since_a_point_carries_only_later_changes_and_still_merges() {
    let mut a = Fx::with_actor(1);
    for name in ["Acme", "Bolt", "Cora", "Dune"] {
        a.account(name);
    }
    let mut b = Fx::with_actor(2);
    import(&mut b.ws, &export(&a.ws, None)).unwrap();
    let point = a.now;
    let late = a.account("Late");
    let s = a.stamp();
    a.ws.modify::<Account>(late, s, |r| r.city = "Nantes".into()).unwrap();

    let since = export(&a.ws, Some(point));
    let whole = export(&a.ws, None);
    assert!(since.len() < whole.len());
    let report = import(&mut b.ws, &since).unwrap();
    assert_eq!(report.since, Some(point));
    assert_eq!(report.docs.len(), 1, "only the document that changed is in the file");
    assert_eq!(report.docs[0].name, Workspace::doc_of::<Account>(late));
    assert_eq!((report.docs[0].new_changes, report.docs[0].waiting, report.docs[0].started), (2, 0, false));
    same_data(&a, &b);

    // A device that lacks the earlier changes keeps the later ones waiting until they arrive.
    let mut c = Workspace::new(KEY, [3; 16]);
    let report = import(&mut c, &since).unwrap();
    assert_eq!((report.new_changes(), report.docs[0].started), (0, true));
    assert!(report.waiting() > 0);
    assert!(c.data.accounts.is_empty());
    let report = import(&mut c, &whole).unwrap();
    assert_eq!(report.waiting(), 0);
    assert_eq!(c.data.accounts, a.ws.data.accounts);
}

#[test]
fn a_file_of_another_workspace_is_refused() {
    let mut other = Workspace::new(WorkspaceKey([8; 32]), [5; 16]);
    for name in DocName::all_live() {
        other.start_empty(name);
    }
    let id: AccountId = AccountId::new(1, 1);
    other
        .create(Account { id, name: "Stranger".into(), ..Default::default() }, Stamp::new(Timestamp(1), None))
        .unwrap();
    let mut fx = Fx::new();
    fx.account("Acme");
    let before = fx.ws.data.clone();
    let err = import(&mut fx.ws, &export(&other, None)).unwrap_err();
    assert_eq!(
        err,
        ExchangeError::OtherWorkspace { file: other.key().workspace_id(), this: fx.ws.key().workspace_id() }
    );
    assert!(err.to_string().starts_with("the workspace file belongs to another workspace ("));
    assert_eq!(fx.ws.data, before);
}

/// A file of three accounts, and where its first Automerge document starts.
fn sample_file() -> (Vec<u8>, usize) {
    let mut fx = Fx::new();
    for name in ["Acme", "Bolt", "Cora"] {
        fx.account(name);
    }
    let file = export(&fx.ws, None);
    let automerge_magic = [0x85, 0x6f, 0x4a, 0x83];
    let first_doc = file.windows(4).position(|w| w == automerge_magic).unwrap();
    (file, first_doc)
}

/// Replaces a file's checksum with the right one for its (changed) content.
fn reseal(mut file: Vec<u8>) -> Vec<u8> {
    let body = file.len() - 32;
    let checksum = Sha256::digest(&file[..body]);
    file[body..].copy_from_slice(&checksum);
    file
}

#[track_caller]
fn check_refused(file: &[u8], expect: &str) {
    let mut fx = Fx::with_actor(2);
    let keep = fx.account("Kept");
    let before = fx.ws.data.clone();
    let loaded = fx.ws.loaded().count();
    let heads: Vec<_> = fx.ws.docs().map(|(_, d)| d.get_heads()).collect();
    let err = import(&mut fx.ws, file).unwrap_err();
    assert_eq!(err.to_string(), expect);
    assert_eq!(fx.ws.data, before, "nothing was applied");
    assert_eq!(fx.ws.loaded().count(), loaded);
    assert_eq!(fx.ws.docs().map(|(_, d)| d.get_heads()).collect::<Vec<_>>(), heads);
    assert!(fx.ws.data.accounts.contains(keep));
}

#[test]
fn a_damaged_truncated_or_foreign_file_is_refused_whole() {
    let (file, first_doc) = sample_file();
    let damaged = "the workspace file is damaged (its checksum does not match its content); nothing was imported";

    check_refused(&file[..file.len() - 1], damaged);
    check_refused(&file[..file.len() / 2], damaged);
    let mut flipped = file.clone();
    flipped[file.len() / 2] ^= 0x10;
    check_refused(&flipped, damaged);
    let mut flipped = file.clone();
    flipped[first_doc + 20] ^= 0x01;
    check_refused(&flipped, damaged);

    check_refused(b"", "this is not a Quota workspace file");
    check_refused(b"PK\x03\x04 a zip file", "this is not a Quota workspace file");
    let mut newer = file.clone();
    newer[8] = 2;
    check_refused(
        &newer,
        "this workspace file was written by a newer version of Quota (format 2); update Quota to import it",
    );
    check_refused(&file[..9], "the workspace file is damaged (it is too short); nothing was imported");

    // Damage that the file's checksum does not catch (the file was written wrong) is still found
    // before anything is applied, whichever document holds it.
    let mut bad_doc = file.clone();
    bad_doc[first_doc] = 0;
    let err = {
        let mut fx = Fx::with_actor(2);
        import(&mut fx.ws, &reseal(bad_doc)).unwrap_err()
    };
    assert!(matches!(&err, ExchangeError::Damaged(reason) if reason.starts_with("document ")), "{err}");
    let mut last_doc = file.clone();
    let last = file.windows(4).rposition(|w| w == [0x85, 0x6f, 0x4a, 0x83]).unwrap();
    last_doc[last + 1] = 0;
    let mut fx = Fx::with_actor(2);
    let before = fx.ws.data.clone();
    assert!(matches!(import(&mut fx.ws, &reseal(last_doc)), Err(ExchangeError::Damaged(_))));
    assert_eq!(fx.ws.data, before, "earlier documents of the file were not applied either");
}

#[test]
fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let mut a = Fx::with_actor(1);
    a.account("Acme");
    a.account("Bolt");
    let file = export(&a.ws, None);
    let mut b = Fx::with_actor(2);
    let first = import(&mut b.ws, &file).unwrap();
    assert_eq!(first.new_changes(), 2);
    let names: Vec<DocName> = b.ws.unsaved().collect();
    for name in names {
        let (_, heads) = b.ws.pending_chunk(name).unwrap();
        b.ws.mark_saved(name, heads);
    }
    let tables = b.ws.data.clone();

    let second = import(&mut b.ws, &file).unwrap();
    assert_eq!(second.new_changes(), 0);
    assert!(second.changed.is_empty());
    assert!(b.ws.unsaved().next().is_none(), "nothing new to save");
    assert_eq!(b.ws.data, tables);
}

#[test]
fn a_seed_holds_every_document_and_a_cache_that_rebuilds_its_tables() {
    use quota_core::exchange::{export_seed, read_seed};
    use quota_core::{Workspace, workspace::chunk_key};
    let mut fx = crate::support::Fx::new();
    for i in 0..20 {
        fx.account(&format!("Seeded {i}"));
    }
    let seed = read_seed(&export_seed(&fx.ws)).unwrap();
    assert_eq!(seed.workspace, crate::support::KEY.workspace_id());
    let mut restored = Workspace::new(crate::support::KEY, [5; 16]);
    for doc in &seed.docs {
        restored.load_projection(doc.name, &doc.cache).unwrap();
    }
    assert_eq!(restored.data.accounts, fx.ws.data.accounts, "the caches alone fill the tables");
    let mut loaded = Workspace::new(crate::support::KEY, [6; 16]);
    for doc in &seed.docs {
        let key = chunk_key(&doc.chunk);
        assert!(loaded.load(doc.name, [(key.as_str(), doc.chunk.as_slice())], true).skipped.is_empty());
    }
    assert_eq!(loaded.data.accounts, fx.ws.data.accounts, "the documents alone fill the tables");
    let mut damaged = export_seed(&fx.ws);
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    assert!(read_seed(&damaged).is_err());
}
