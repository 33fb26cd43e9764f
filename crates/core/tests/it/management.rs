//! Managing the sales department: recruiting, onboarding, training, targets, assignments, costs,
//! budgets and evaluations, with the forecast, commission and cost-of-sales reports checked by
//! hand on one small company, and concurrent edits of each record merging.

use std::collections::BTreeMap;
use std::fmt::Debug;

use quota_core::account::{Account, AccountId};
use quota_core::channel::{Channel, ChannelId};
use quota_core::commands::people::{
    Hire, NotCopied, Reassigned, Responsibility, STANDARD_ONBOARDING, add_checklist_item, assign, complete_training,
    copy_targets, end_assignment, hire_candidate, move_candidate, reassign_territory, record_cost, record_evaluation,
    record_training, reopen_candidate, set_budget, set_checklist_item, set_target,
};
use quota_core::date::{Date, Period};
use quota_core::deal::{Deal, DealId, DealStatus, LineItem, LossReason};
use quota_core::error::{Error, Problem, Result};
use quota_core::management::{
    Budget, BudgetId, Candidate, CandidateId, CommissionPlan, CostCategory, CostEntry, Evaluation, HiringStage, Metric,
    PayPeriod, Subject, Target, TargetId, Tier, Training, TrainingId,
};
use quota_core::market::{Segment, SegmentId};
use quota_core::money::{Currency, Money};
use quota_core::org::{
    Assignment, AssignmentId, ChecklistItemId, OrgUnit, OrgUnitId, Person, PersonId, Role, Territory, TerritoryId,
    UnitKind,
};
use quota_core::product::{Product, ProductCategory, ProductCategoryId, ProductId};
use quota_core::record::Record;
use quota_core::reports::commission::{Calculation, calculate, commission_summary, payout};
use quota_core::reports::costs::{CostOptions, CostReport, cost_of_sales};
use quota_core::reports::forecast::{
    Basis, Forecast, company_forecast, forecast, forecast_by_channel, forecast_by_person, forecast_by_product,
    forecast_by_territory, forecast_by_unit,
};
use quota_core::settings::{Pipeline, Settings, SettingsId, Stage, StageId, StageKind};
use quota_core::{DocName, HasTable, Tables};

use crate::support::Fx;

const EUR: Currency = Currency::EUR;

fn eur(units: i64) -> Money {
    Money::units(units, EUR)
}

fn usd(units: i64) -> Money {
    Money::units(units, Currency::USD)
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

fn period(text: &str) -> Period {
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
            let problems: Vec<(&str, &str)> =
                invalid.0.iter().map(|p: &Problem| (p.field, p.message.as_str())).collect();
            assert_eq!(problems, vec![(field, message)]);
        }
        other => panic!("expected {field}: {message:?}, got {other:?}"),
    }
}

/// The ids of a small company, built by [`world`].
///
/// Units: Sales (department) with the North and South teams. Territories: France with North and
/// South. Accounts: Acme (North, Ana), Bolt (South, Ben), Cora (France itself, Cleo).
/// People, monthly salaries in EUR:
/// - Ana Lima, rep, North team, 4,000, hired 2025-06-01;
/// - Ben Okafor, rep, North team, 3,000, hired 2025-09-01;
/// - Cleo Diaz, manager, South team, 5,000, hired 2024-01-01;
/// - Dora Novak, support, South team, 2,800, hired 2026-02-15;
/// - Eve Marsh, rep, South team, 3,100, hired 2025-01-01, left 2026-01-10 (inactive).
///
/// Deals (pipeline stages: Lead 10%, Proposal 50%, Won, Lost):
/// - d1 Ana/Acme, won 2026-02-10, 10,000, Direct;
/// - d2 Ana/Acme, open at Proposal (50%), expected 2026-03-20, 8,000, Direct;
/// - d3 Ben/Bolt, won 2026-01-15, lines 5 Widgets × 1,000 + 1 Service plan 2,000 less 10% =
///   6,800, Dealers;
/// - d4 Ben/Bolt, open at Lead with its own 30%, expected 2026-02-28, 5,000, Dealers;
/// - d5 Cleo/Cora, won 2025-12-20, 7,000 (before 2026-Q1);
/// - d6 Cleo/Cora, open at Lead, expected 2026-04-10, 9,000 (after 2026-Q1);
/// - d7 Ana/Acme, lost 2026-03-01, 4,000;
/// - d8 Cleo/Cora, won 2026-03-05, 3,000, Direct;
/// - d9 Cleo/Cora, won 2026-02-01, 1,000 USD (another currency);
/// - d10 nobody's, Cora, open at Proposal, expected 2026-03-31, 2,000.
struct World {
    sales: OrgUnitId,
    north_team: OrgUnitId,
    south_team: OrgUnitId,
    ana: PersonId,
    ben: PersonId,
    cleo: PersonId,
    dora: PersonId,
    eve: PersonId,
    france: TerritoryId,
    north: TerritoryId,
    south: TerritoryId,
    acme: AccountId,
    bolt: AccountId,
    cora: AccountId,
    direct: ChannelId,
    dealers: ChannelId,
    hardware: ProductCategoryId,
    services: ProductCategoryId,
    widget: ProductId,
    service_plan: ProductId,
    retail: SegmentId,
    deals: Vec<DealId>,
}

fn world(fx: &mut Fx) -> World {
    put(
        fx,
        Settings {
            id: SettingsId::SINGLETON,
            name: "Quota test".into(),
            currency: EUR,
            fiscal_year_start: 1,
            stale_after_days: 30,
        },
    );
    let (lead, proposal, won, lost): (StageId, StageId, StageId, StageId) = (fx.id(), fx.id(), fx.id(), fx.id());
    let stage = |name: &str, order, probability, kind| Stage { name: name.into(), order, probability, kind };
    let pipeline = add(fx, |id| Pipeline {
        id,
        name: "Sales".into(),
        stages: BTreeMap::from([
            (lead, stage("Lead", 10, 10, StageKind::Open)),
            (proposal, stage("Proposal", 20, 50, StageKind::Open)),
            (won, stage("Won", 30, 100, StageKind::Won)),
            (lost, stage("Lost", 40, 0, StageKind::Lost)),
        ]),
        is_default: true,
    });
    let unit = |fx: &mut Fx, name: &str, kind, parent| {
        let id = fx.id();
        put(fx, OrgUnit { id, name: name.into(), kind, parent, ..Default::default() })
    };
    let sales = unit(fx, "Sales", UnitKind::Department, None);
    let north_team = unit(fx, "North team", UnitKind::Team, Some(sales));
    let south_team = unit(fx, "South team", UnitKind::Team, Some(sales));
    let person = |fx: &mut Fx, name: &str, role, unit, salary, hired: &str, left: Option<&str>| {
        let id = fx.id();
        put(
            fx,
            Person {
                id,
                name: name.into(),
                role,
                unit: Some(unit),
                salary: Some(eur(salary)),
                hired: Some(day(hired)),
                left: left.map(day),
                active: left.is_none(),
                ..Default::default()
            },
        )
    };
    let ana = person(fx, "Ana Lima", Role::Rep, north_team, 4_000, "2025-06-01", None);
    let ben = person(fx, "Ben Okafor", Role::Rep, north_team, 3_000, "2025-09-01", None);
    let cleo = person(fx, "Cleo Diaz", Role::Manager, south_team, 5_000, "2024-01-01", None);
    let dora = person(fx, "Dora Novak", Role::Support, south_team, 2_800, "2026-02-15", None);
    let eve = person(fx, "Eve Marsh", Role::Rep, south_team, 3_100, "2025-01-01", Some("2026-01-10"));
    let territory = |fx: &mut Fx, name: &str, parent| {
        let id = fx.id();
        put(fx, Territory { id, name: name.into(), parent, ..Default::default() })
    };
    let france = territory(fx, "France", None);
    let north = territory(fx, "North", Some(france));
    let south = territory(fx, "South", Some(france));
    let retail = add(fx, |id| Segment { id, name: "Retail".into(), ..Default::default() });
    let account = |fx: &mut Fx, name: &str, territory, owner| {
        let id = fx.id();
        put(fx, Account { id, name: name.into(), territory: Some(territory), owner: Some(owner), ..Default::default() })
    };
    let acme = account(fx, "Acme", north, ana);
    let bolt = account(fx, "Bolt", south, ben);
    let cora = account(fx, "Cora", france, cleo);
    let direct = add(fx, |id| Channel { id, name: "Direct".into(), ..Default::default() });
    let dealers = add(fx, |id| Channel { id, name: "Dealers".into(), ..Default::default() });
    let hardware = add(fx, |id| ProductCategory { id, name: "Hardware".into(), priority: 1, ..Default::default() });
    let services = add(fx, |id| ProductCategory { id, name: "Services".into(), priority: 2, ..Default::default() });
    let widget = add(fx, |id| Product {
        id,
        name: "Widget".into(),
        category: Some(hardware),
        price: eur(1_000),
        ..Default::default()
    });
    let service_plan = add(fx, |id| Product {
        id,
        name: "Service plan".into(),
        category: Some(services),
        price: eur(2_000),
        ..Default::default()
    });

    struct D {
        owner: Option<PersonId>,
        account: AccountId,
        status: DealStatus,
        stage: StageId,
        amount: Money,
        date: &'static str,
        channel: Option<ChannelId>,
        probability: Option<u32>,
    }
    let d = |owner, account, status, stage, amount, date, channel| D {
        owner,
        account,
        status,
        stage,
        amount,
        date,
        channel,
        probability: None,
    };
    let specs = [
        d(Some(ana), acme, DealStatus::Won, won, eur(10_000), "2026-02-10", Some(direct)),
        d(Some(ana), acme, DealStatus::Open, proposal, eur(8_000), "2026-03-20", Some(direct)),
        d(Some(ben), bolt, DealStatus::Won, won, eur(0), "2026-01-15", Some(dealers)),
        D {
            probability: Some(30),
            ..d(Some(ben), bolt, DealStatus::Open, lead, eur(5_000), "2026-02-28", Some(dealers))
        },
        d(Some(cleo), cora, DealStatus::Won, won, eur(7_000), "2025-12-20", None),
        d(Some(cleo), cora, DealStatus::Open, lead, eur(9_000), "2026-04-10", None),
        d(Some(ana), acme, DealStatus::Lost, lost, eur(4_000), "2026-03-01", None),
        d(Some(cleo), cora, DealStatus::Won, won, eur(3_000), "2026-03-05", Some(direct)),
        d(Some(cleo), cora, DealStatus::Won, won, usd(1_000), "2026-02-01", None),
        d(None, cora, DealStatus::Open, proposal, eur(2_000), "2026-03-31", None),
    ];
    let mut deals = Vec::new();
    for (i, spec) in specs.into_iter().enumerate() {
        let id = fx.id();
        let closed = spec.status != DealStatus::Open;
        let mut lines = BTreeMap::new();
        if i == 2 {
            lines.insert(fx.id(), LineItem { product: widget, quantity: 5, unit_price: eur(1_000), discount_bp: 0 });
            lines.insert(
                fx.id(),
                LineItem { product: service_plan, quantity: 1, unit_price: eur(2_000), discount_bp: 1_000 },
            );
        }
        let deal = Deal {
            id,
            name: format!("d{}", i + 1),
            account: spec.account,
            pipeline,
            stage: spec.stage,
            status: spec.status,
            amount: spec.amount,
            lines,
            probability: spec.probability,
            expected_close: day(spec.date),
            owner: spec.owner,
            channel: spec.channel,
            closed_on: closed.then(|| day(spec.date)),
            loss_reason: (spec.status == DealStatus::Lost).then_some(LossReason::Price),
            ..Default::default()
        };
        deals.push(put(fx, deal));
    }
    World {
        sales,
        north_team,
        south_team,
        ana,
        ben,
        cleo,
        dora,
        eve,
        france,
        north,
        south,
        acme,
        bolt,
        cora,
        direct,
        dealers,
        hardware,
        services,
        widget,
        service_plan,
        retail,
        deals,
    }
}

fn revenue_target(fx: &mut Fx, subject: Subject, when: &str, amount: Money) -> TargetId {
    let id = fx.id();
    let s = fx.stamp();
    set_target(
        &mut fx.ws,
        Target { id, subject, period: period(when), metric: Metric::Revenue, amount, ..Default::default() },
        s,
    )
    .unwrap();
    id
}

/// The revenue targets the reports are checked against:
/// Ana 20,000 for 2026-Q1; Ben 36,500 for 2026 (so 9,000 for the 90 days of Q1); Cleo 1,000,
/// 1,000 and 2,000 for January to March (so 4,000 for Q1); the North team 30,000 for Q1;
/// France 109,500 for 2026 (so 27,000 for Q1); the company 50,000 for Q1.
fn targets(fx: &mut Fx, w: &World) {
    revenue_target(fx, Subject::Person(w.ana), "2026-Q1", eur(20_000));
    revenue_target(fx, Subject::Person(w.ben), "2026", eur(36_500));
    revenue_target(fx, Subject::Person(w.cleo), "2026-01", eur(1_000));
    revenue_target(fx, Subject::Person(w.cleo), "2026-02", eur(1_000));
    revenue_target(fx, Subject::Person(w.cleo), "2026-03", eur(2_000));
    revenue_target(fx, Subject::Unit(w.north_team), "2026-Q1", eur(30_000));
    revenue_target(fx, Subject::Territory(w.france), "2026", eur(109_500));
    revenue_target(fx, Subject::Company, "2026-Q1", eur(50_000));
}

/// One forecast row as text: won, open, weighted open, forecast, best case, target, gap,
/// attainment and forecast attainment in basis points.
fn forecast_line(f: &Forecast, subject: Subject) -> String {
    let r = f.row(subject).unwrap();
    let opt = |m: Option<Money>| m.map_or("-".to_string(), |m| m.amount_text());
    let bp = |b: Option<i64>| b.map_or("-".to_string(), |b| b.to_string());
    format!(
        "won {} ({}) open {} ({}) weighted {} forecast {} best {} target {} gap {} att {} fatt {}",
        r.won.amount_text(),
        r.won_deals,
        r.open.amount_text(),
        r.open_deals,
        r.weighted_open.amount_text(),
        r.forecast.amount_text(),
        r.best_case.amount_text(),
        opt(r.target),
        opt(r.gap),
        bp(r.attainment_bp),
        bp(r.forecast_attainment_bp),
    )
}

#[track_caller]
fn check_forecast(f: &Forecast, subject: Subject, expect: &str) {
    assert_eq!(forecast_line(f, subject), expect, "{subject}");
}

#[test]
fn the_forecast_weighs_open_deals_and_compares_with_targets() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    targets(&mut fx, &w);
    let q1 = period("2026-Q1");
    let subjects = [
        Subject::Person(w.ana),
        Subject::Person(w.ben),
        Subject::Person(w.cleo),
        Subject::Unit(w.north_team),
        Subject::Unit(w.south_team),
        Subject::Unit(w.sales),
        Subject::Territory(w.north),
        Subject::Territory(w.south),
        Subject::Territory(w.france),
        Subject::Channel(w.direct),
        Subject::Channel(w.dealers),
        Subject::Product(w.widget),
        Subject::Product(w.service_plan),
        Subject::Category(w.hardware),
        Subject::Category(w.services),
        Subject::Company,
    ];
    let f = forecast(&fx.ws.data, q1, &subjects);
    assert_eq!(f.rows.iter().map(|r| r.subject).collect::<Vec<_>>(), subjects);
    // Only d9 is in another currency; d5 closed and d6 is expected outside Q1, d7 was lost.
    assert_eq!(f.other_currency, 1);

    // Ana: won d1 10,000; open d2 8,000 at 50% = 4,000; forecast 14,000; best 18,000.
    // Target 20,000: gap 6,000; won 50%, forecast 70%.
    check_forecast(
        &f,
        Subject::Person(w.ana),
        "won 10000.00 (1) open 8000.00 (1) weighted 4000.00 forecast 14000.00 best 18000.00 \
         target 20000.00 gap 6000.00 att 5000 fatt 7000",
    );
    // Ben: won d3 6,800; open d4 5,000 at its own 30% = 1,500; forecast 8,300. The year's 36,500
    // pro-rated to Q1's 90 of 365 days is 9,000: gap 700; 6,800/9,000 = 75.56%,
    // 8,300/9,000 = 92.22%.
    check_forecast(
        &f,
        Subject::Person(w.ben),
        "won 6800.00 (1) open 5000.00 (1) weighted 1500.00 forecast 8300.00 best 11800.00 \
         target 9000.00 gap 700.00 att 7556 fatt 9222",
    );
    assert_eq!(f.row(Subject::Person(w.ben)).unwrap().target_basis, Some(Basis::ProRated { from: period("2026") }));
    // Cleo: d8 3,000 only (d9 is in USD). Her three monthly targets sum to 4,000: 75%.
    check_forecast(
        &f,
        Subject::Person(w.cleo),
        "won 3000.00 (1) open 0.00 (0) weighted 0.00 forecast 3000.00 best 3000.00 \
         target 4000.00 gap 1000.00 att 7500 fatt 7500",
    );
    assert_eq!(f.row(Subject::Person(w.cleo)).unwrap().target_basis, Some(Basis::Summed));
    // North team = Ana + Ben: won 16,800, weighted 5,500, forecast 22,300, best 29,800.
    // Target 30,000: gap 7,700; 56%, 74.33%.
    check_forecast(
        &f,
        Subject::Unit(w.north_team),
        "won 16800.00 (2) open 13000.00 (2) weighted 5500.00 forecast 22300.00 best 29800.00 \
         target 30000.00 gap 7700.00 att 5600 fatt 7433",
    );
    check_forecast(
        &f,
        Subject::Unit(w.south_team),
        "won 3000.00 (1) open 0.00 (0) weighted 0.00 forecast 3000.00 best 3000.00 target - gap - att - fatt -",
    );
    // The department holds both teams; d10 has no owner, so no unit counts it.
    check_forecast(
        &f,
        Subject::Unit(w.sales),
        "won 19800.00 (3) open 13000.00 (2) weighted 5500.00 forecast 25300.00 best 32800.00 \
         target - gap - att - fatt -",
    );
    check_forecast(
        &f,
        Subject::Territory(w.north),
        "won 10000.00 (1) open 8000.00 (1) weighted 4000.00 forecast 14000.00 best 18000.00 \
         target - gap - att - fatt -",
    );
    check_forecast(
        &f,
        Subject::Territory(w.south),
        "won 6800.00 (1) open 5000.00 (1) weighted 1500.00 forecast 8300.00 best 11800.00 \
         target - gap - att - fatt -",
    );
    // France holds North, South and Cora: won 10,000 + 6,800 + 3,000 = 19,800; open d2, d4 and
    // d10 (2,000 at 50% = 1,000): 15,000, weighted 6,500; forecast 26,300. Its year target
    // 109,500 × 90/365 = 27,000: gap 700; 73.33%, 97.41%.
    check_forecast(
        &f,
        Subject::Territory(w.france),
        "won 19800.00 (3) open 15000.00 (3) weighted 6500.00 forecast 26300.00 best 34800.00 \
         target 27000.00 gap 700.00 att 7333 fatt 9741",
    );
    check_forecast(
        &f,
        Subject::Channel(w.direct),
        "won 13000.00 (2) open 8000.00 (1) weighted 4000.00 forecast 17000.00 best 21000.00 \
         target - gap - att - fatt -",
    );
    check_forecast(
        &f,
        Subject::Channel(w.dealers),
        "won 6800.00 (1) open 5000.00 (1) weighted 1500.00 forecast 8300.00 best 11800.00 \
         target - gap - att - fatt -",
    );
    // Products count line items only: d3's 5 widgets (5,000) and its discounted plan (1,800).
    check_forecast(
        &f,
        Subject::Product(w.widget),
        "won 5000.00 (1) open 0.00 (0) weighted 0.00 forecast 5000.00 best 5000.00 target - gap - att - fatt -",
    );
    check_forecast(
        &f,
        Subject::Product(w.service_plan),
        "won 1800.00 (1) open 0.00 (0) weighted 0.00 forecast 1800.00 best 1800.00 target - gap - att - fatt -",
    );
    check_forecast(
        &f,
        Subject::Category(w.hardware),
        "won 5000.00 (1) open 0.00 (0) weighted 0.00 forecast 5000.00 best 5000.00 target - gap - att - fatt -",
    );
    check_forecast(
        &f,
        Subject::Category(w.services),
        "won 1800.00 (1) open 0.00 (0) weighted 0.00 forecast 1800.00 best 1800.00 target - gap - att - fatt -",
    );
    // The company: everything in EUR; target 50,000: gap 23,700; 39.6%, 52.6%.
    check_forecast(
        &f,
        Subject::Company,
        "won 19800.00 (3) open 15000.00 (3) weighted 6500.00 forecast 26300.00 best 34800.00 \
         target 50000.00 gap 23700.00 att 3960 fatt 5260",
    );
}

#[test]
fn the_forecast_per_dimension_lists_every_record_of_it() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    targets(&mut fx, &w);
    let data = &fx.ws.data;
    let q1 = period("2026-Q1");
    let people: Vec<Subject> = forecast_by_person(data, q1).rows.iter().map(|r| r.subject).collect();
    let expected: Vec<Subject> = [w.ana, w.ben, w.cleo, w.dora, w.eve].map(Subject::Person).into();
    assert_eq!(people, expected);
    assert_eq!(forecast_by_unit(data, q1).rows.len(), 3);
    assert_eq!(forecast_by_territory(data, q1).row(Subject::Territory(w.france)).unwrap().won, eur(19_800));
    assert_eq!(forecast_by_channel(data, q1).row(Subject::Channel(w.dealers)).unwrap().forecast, eur(8_300));
    assert_eq!(forecast_by_product(data, q1).row(Subject::Product(w.widget)).unwrap().won, eur(5_000));
    let company = company_forecast(data, q1);
    assert_eq!((company.forecast, company.target), (eur(26_300), Some(eur(50_000))));
    // February alone: d1 won (10,000) and d4 open (5,000 at 30%); the company's Q1 target of
    // 50,000 pro-rated to February's 28 of 90 days is 15,555.56.
    let feb = company_forecast(data, period("2026-02"));
    assert_eq!((feb.won, feb.weighted_open), (eur(10_000), eur(1_500)));
    assert_eq!(feb.target, Some(Money::new(1_555_556, EUR)));
    // The year: no year target for the company and no full set of quarters or months.
    assert_eq!(company_forecast(data, period("2026")).target, None);
}

/// The plan of the commission worked example: base 2%, tiers 50% → 4% and 100% → 6%,
/// accelerator 1.5×, bonus 500 at 100%, cap 3,000, paid quarterly.
fn reps_plan(fx: &mut Fx, members: &[PersonId]) -> CommissionPlan {
    let tiers = BTreeMap::from([
        (fx.id(), Tier { from_attainment: 50, rate_bp: 400 }),
        (fx.id(), Tier { from_attainment: 100, rate_bp: 600 }),
    ]);
    CommissionPlan {
        id: fx.id(),
        name: "Reps".into(),
        pay_period: PayPeriod::Quarterly,
        base_rate_bp: 200,
        tiers,
        accelerator_bp: 15_000,
        cap: Some(eur(3_000)),
        bonus: Some(eur(500)),
        bonus_attainment: 100,
        members: members.iter().copied().collect(),
        active: true,
    }
}

/// A calculation as text: each band's revenue × rate = amount, the accelerator extra, the bonus,
/// the total, what the cap cut and the payout.
fn calculation_line(c: &Calculation) -> String {
    let bands: Vec<String> = c
        .tiers
        .iter()
        .map(|t| format!("{}×{}={}", t.revenue.amount_text(), t.rate_bp, t.amount.amount_text()))
        .collect();
    format!(
        "{} extra {} bonus {} total {} cut {} pay {}",
        bands.join(" "),
        c.accelerator_extra.amount_text(),
        c.bonus.amount_text(),
        c.total.amount_text(),
        c.capped_by.amount_text(),
        c.payout.amount_text()
    )
}

#[track_caller]
fn check_commission(plan: &CommissionPlan, revenue: i64, target: Option<i64>, expect: &str) {
    let c = calculate(plan, eur(revenue), target.map(eur));
    assert_eq!(calculation_line(&c), expect, "revenue {revenue}, target {target:?}");
}

#[test]
fn commissions_follow_marginal_tiers_with_accelerator_bonus_and_cap() {
    let mut fx = Fx::new();
    let plan = reps_plan(&mut fx, &[]);
    // 150% of 20,000: bands 0–10,000 at 2% = 200, 10,000–20,000 at 4% = 400, 20,000–30,000 at 6%
    // = 600; the 10,000 above target earn 6% × 0.5 more = 300; the bonus 500: 2,000 in all.
    check_commission(
        &plan,
        30_000,
        Some(20_000),
        "10000.00×200=200.00 10000.00×400=400.00 10000.00×600=600.00 \
        extra 300.00 bonus 500.00 total 2000.00 cut 0.00 pay 2000.00",
    );
    // 300%: the top band holds 40,000 (2,400), the extra is 40,000 × 3% = 1,200; 200 + 400 +
    // 2,400 + 1,200 + 500 = 4,700, capped at 3,000.
    check_commission(
        &plan,
        60_000,
        Some(20_000),
        "10000.00×200=200.00 10000.00×400=400.00 40000.00×600=2400.00 \
        extra 1200.00 bonus 500.00 total 4700.00 cut 1700.00 pay 3000.00",
    );
    // Exactly 100%: nothing above target to accelerate, but the bonus is reached.
    check_commission(
        &plan,
        20_000,
        Some(20_000),
        "10000.00×200=200.00 10000.00×400=400.00 0.00×600=0.00 \
        extra 0.00 bonus 500.00 total 1100.00 cut 0.00 pay 1100.00",
    );
    // 40%: all of it below the first tier, at the base rate: 8,000 × 2% = 160.
    check_commission(
        &plan,
        8_000,
        Some(20_000),
        "8000.00×200=160.00 0.00×400=0.00 0.00×600=0.00 extra 0.00 bonus 0.00 total 160.00 cut 0.00 pay 160.00",
    );
    // No target: the base rate on everything, no tiers, accelerator or bonus: 30,000 × 2% = 600.
    check_commission(&plan, 30_000, None, "30000.00×200=600.00 extra 0.00 bonus 0.00 total 600.00 cut 0.00 pay 600.00");
    // The cap holds without a target too: 200,000 × 2% = 4,000, capped at 3,000.
    check_commission(
        &plan,
        200_000,
        None,
        "200000.00×200=4000.00 extra 0.00 bonus 0.00 total 4000.00 cut 1000.00 pay 3000.00",
    );

    // A tier that spans 100%: with only the 50% tier at 4% and a 2× accelerator, 30,000 against
    // 20,000 earns 200 + 20,000 × 4% = 800, and the 10,000 above target 4% × 1 more = 400.
    let mut spanning = plan.clone();
    spanning.tiers.retain(|_, t| t.from_attainment == 50);
    spanning.accelerator_bp = 20_000;
    spanning.bonus = None;
    check_commission(
        &spanning,
        30_000,
        Some(20_000),
        "10000.00×200=200.00 20000.00×400=800.00 extra 400.00 bonus 0.00 total 1400.00 cut 0.00 pay 1400.00",
    );
    // A first tier at 0% leaves no base band; an accelerator of 0 means none: 10,000 × 3% +
    // 2,000 × 5% = 400.
    let mut from_zero = plan.clone();
    from_zero.tiers = BTreeMap::from([
        (fx.id(), Tier { from_attainment: 0, rate_bp: 300 }),
        (fx.id(), Tier { from_attainment: 100, rate_bp: 500 }),
    ]);
    from_zero.accelerator_bp = 0;
    from_zero.bonus = None;
    check_commission(
        &from_zero,
        12_000,
        Some(10_000),
        "10000.00×300=300.00 2000.00×500=100.00 extra 0.00 bonus 0.00 total 400.00 cut 0.00 pay 400.00",
    );
}

#[test]
fn commission_payouts_come_from_won_deals_under_each_persons_plan() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    targets(&mut fx, &w);
    let reps = reps_plan(&mut fx, &[w.ana, w.ben]);
    let reps = put(&mut fx, reps);
    let managers = CommissionPlan {
        id: fx.id(),
        name: "Managers".into(),
        pay_period: PayPeriod::Monthly,
        base_rate_bp: 100,
        bonus: Some(eur(200)),
        bonus_attainment: 100,
        members: [w.cleo].into(),
        active: true,
        ..Default::default()
    };
    let managers = put(&mut fx, managers);
    // An inactive plan pays nothing, even to members of an active one.
    let old = CommissionPlan {
        id: fx.id(),
        name: "Old".into(),
        base_rate_bp: 5_000,
        members: [w.ana, w.dora].into(),
        active: false,
        ..Default::default()
    };
    put(&mut fx, old);

    let summary = commission_summary(&fx.ws.data, period("2026-Q1"));
    let lines: Vec<String> = summary
        .payouts
        .iter()
        .map(|p| {
            let name = &fx.ws.data.people.get(p.person).unwrap().name;
            format!("{name} {} {}", p.pay_period, calculation_line(&p.calculation))
        })
        .collect();
    assert_eq!(
        lines,
        [
            // Ana, Q1: d1 10,000 against 20,000 is exactly 50%, so all of it is in the base band.
            "Ana Lima 2026-Q1 10000.00×200=200.00 0.00×400=0.00 0.00×600=0.00 \
            extra 0.00 bonus 0.00 total 200.00 cut 0.00 pay 200.00",
            // Ben, Q1: d3 6,800 against the pro-rated 9,000: 4,500 × 2% = 90, 2,300 × 4% = 92.
            "Ben Okafor 2026-Q1 4500.00×200=90.00 2300.00×400=92.00 0.00×600=0.00 \
            extra 0.00 bonus 0.00 total 182.00 cut 0.00 pay 182.00",
            // Cleo, monthly: nothing in January, and February's d9 is in USD. In March d8 3,000
            // against 2,000 is 150%: 1% = 30 plus the 200 bonus.
            "Cleo Diaz 2026-01 0.00×100=0.00 extra 0.00 bonus 0.00 total 0.00 cut 0.00 pay 0.00",
            "Cleo Diaz 2026-02 0.00×100=0.00 extra 0.00 bonus 0.00 total 0.00 cut 0.00 pay 0.00",
            "Cleo Diaz 2026-03 3000.00×100=30.00 extra 0.00 bonus 200.00 total 230.00 cut 0.00 pay 230.00",
        ]
    );
    assert_eq!(summary.payouts[0].plan, reps);
    assert_eq!(summary.payouts[4].plan, managers);
    assert_eq!(summary.payouts[4].calculation.attainment_bp, Some(15_000));
    assert_eq!(summary.payouts[1].calculation.attainment_bp, Some(7_556));
    assert_eq!(summary.payouts[1].target_basis, Some(Basis::ProRated { from: period("2026") }));
    // 200 + 182 + 30 commission, 200 bonus.
    assert_eq!(summary.revenue, eur(19_800));
    assert_eq!((summary.commission, summary.bonus, summary.payout), (eur(412), eur(200), eur(612)));
    assert_eq!(summary.other_currency, 1);

    // A monthly report shows a quarterly payout only in the quarter's last month.
    let february = commission_summary(&fx.ws.data, period("2026-02"));
    assert_eq!(february.payouts.iter().map(|p| p.person).collect::<Vec<_>>(), vec![w.cleo]);
    let march = commission_summary(&fx.ws.data, period("2026-03"));
    assert_eq!(march.payout, eur(612));

    let one = payout(&fx.ws.data, w.ben, period("2026-Q1")).unwrap();
    assert_eq!((one.deals, one.calculation.payout), (1, eur(182)));
    assert!(payout(&fx.ws.data, w.dora, period("2026-Q1")).is_none(), "Dora is only in an inactive plan");
}

/// Costs for the cost report: travel 500 (Ana, January) and 300 (Ben, February); marketing
/// 1,000 (March, nobody's); the March payroll 12,000 booked as one salaries entry; training 250
/// (Dora, January); travel 100 USD (Cleo, February) in another currency; travel 400 (Ana,
/// April) after the quarter. Budgets: travel 3,650 for 2026 and 600 for the North team in Q1;
/// salaries 36,000 for Q1 and 40,000 for the department in Q1; marketing 500 for each month of
/// Q1. Commission plans as in the commission test.
fn costs(fx: &mut Fx, w: &World) {
    let entries = [
        ("2026-01-20", CostCategory::Travel, eur(500), Some(w.ana)),
        ("2026-02-11", CostCategory::Travel, eur(300), Some(w.ben)),
        ("2026-03-02", CostCategory::Marketing, eur(1_000), None),
        ("2026-03-31", CostCategory::Salaries, eur(12_000), None),
        ("2026-01-25", CostCategory::Training, eur(250), Some(w.dora)),
        ("2026-02-05", CostCategory::Travel, usd(100), Some(w.cleo)),
        ("2026-04-02", CostCategory::Travel, eur(400), Some(w.ana)),
    ];
    for (date, category, amount, person) in entries {
        let cost = CostEntry { id: fx.id(), date: day(date), category, amount, person, ..Default::default() };
        let s = fx.stamp();
        record_cost(&mut fx.ws, cost, s).unwrap();
    }
    let budgets = [
        ("2026", CostCategory::Travel, None, 3_650),
        ("2026-Q1", CostCategory::Travel, Some(w.north_team), 600),
        ("2026-Q1", CostCategory::Salaries, None, 36_000),
        ("2026-Q1", CostCategory::Salaries, Some(w.sales), 40_000),
        ("2026-01", CostCategory::Marketing, None, 500),
        ("2026-02", CostCategory::Marketing, None, 500),
        ("2026-03", CostCategory::Marketing, None, 500),
    ];
    for (when, category, unit, amount) in budgets {
        let (id, s) = (fx.id(), fx.stamp());
        set_budget(&mut fx.ws, id, period(when), category, unit, eur(amount), s).unwrap();
    }
    let reps = reps_plan(fx, &[w.ana, w.ben]);
    put(fx, reps);
    let managers = CommissionPlan {
        id: fx.id(),
        name: "Managers".into(),
        pay_period: PayPeriod::Monthly,
        base_rate_bp: 100,
        bonus: Some(eur(200)),
        bonus_attainment: 100,
        members: [w.cleo].into(),
        active: true,
        ..Default::default()
    };
    put(fx, managers);
}

fn category_line(report: &CostReport, category: CostCategory) -> String {
    let c = report.category(category);
    let opt = |m: Option<Money>| m.map_or("-".to_string(), |m| m.amount_text());
    format!(
        "recorded {} computed {} total {} budget {} variance {} used {}",
        c.recorded.amount_text(),
        c.computed.amount_text(),
        c.total.amount_text(),
        opt(c.budget),
        opt(c.variance),
        c.used_bp.map_or("-".to_string(), |b| b.to_string())
    )
}

#[test]
fn the_cost_of_sales_counts_entries_computed_salaries_and_commissions_once() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    targets(&mut fx, &w);
    costs(&mut fx, &w);
    let r = cost_of_sales(&fx.ws.data, period("2026-Q1"), CostOptions::default());

    // Salaries. March has a booked payroll (12,000), so only January and February are computed:
    // January (31 days): Ana 4,000 + Ben 3,000 + Cleo 5,000 + Eve 3,100 × 10/31 = 1,000 → 13,000;
    // February (28 days): 4,000 + 3,000 + 5,000 + Dora 2,800 × 14/28 = 1,400 → 13,400.
    // Total 38,400 against the Q1 budget of 36,000: 2,400 over, 106.67% used.
    assert_eq!(
        category_line(&r, CostCategory::Salaries),
        "recorded 12000.00 computed 26400.00 total 38400.00 budget 36000.00 variance -2400.00 used 10667"
    );
    // Commissions: none booked, so the payouts of the commission test: 200 + 182 + 230 = 612.
    assert_eq!(
        category_line(&r, CostCategory::Commissions),
        "recorded 0.00 computed 612.00 total 612.00 budget - variance - used -"
    );
    // Travel: 500 + 300 in EUR; the year's budget 3,650 × 90/365 = 900: 100 left, 88.89% used.
    assert_eq!(
        category_line(&r, CostCategory::Travel),
        "recorded 800.00 computed 0.00 total 800.00 budget 900.00 variance 100.00 used 8889"
    );
    assert_eq!(r.category(CostCategory::Travel).budget_basis, Some(Basis::ProRated { from: period("2026") }));
    // Marketing: 1,000 against the three monthly budgets summed to 1,500.
    assert_eq!(
        category_line(&r, CostCategory::Marketing),
        "recorded 1000.00 computed 0.00 total 1000.00 budget 1500.00 variance 500.00 used 6667"
    );
    assert_eq!(r.category(CostCategory::Training).total, eur(250));

    // 38,400 + 612 + 800 + 1,000 + 250 = 41,062 against 19,800 of revenue: 207.38%.
    assert_eq!((r.total, r.revenue, r.ratio_bp), (eur(41_062), eur(19_800), 20_738));
    // The USD travel entry and the USD deal.
    assert_eq!(r.other_currency, 2);

    // Unit budgets count the costs of the unit's people: the North team's travel is Ana's 500
    // and Ben's 300 against 600; the department's salaries are the computed 26,400 (the booked
    // payroll names nobody) against 40,000.
    let budgets: Vec<String> = r
        .budgets
        .iter()
        .map(|b| {
            let unit = b.unit.map_or("company", |u| fx.ws.data.org_units.get(u).unwrap().name.as_str()).to_string();
            format!(
                "{} {unit}: {} spent {} variance {} used {}",
                b.category.as_str(),
                b.budget.amount_text(),
                b.spent.amount_text(),
                b.variance.amount_text(),
                b.used_bp
            )
        })
        .collect();
    assert_eq!(
        budgets,
        [
            "salaries company: 36000.00 spent 38400.00 variance -2400.00 used 10667",
            "salaries Sales: 40000.00 spent 26400.00 variance 13600.00 used 6600",
            "travel company: 900.00 spent 800.00 variance 100.00 used 8889",
            "travel North team: 600.00 spent 800.00 variance -200.00 used 13333",
            "marketing company: 1500.00 spent 1000.00 variance 500.00 used 6667",
        ]
    );

    // Per month: January 13,000 + 500 + 250 = 13,750 against d3's 6,800 (202.21%); February
    // 13,400 + 300 = 13,700 against d1's 10,000; March 12,000 + 1,000 + 612 = 13,612 against
    // d8's 3,000 (453.73%).
    let months: Vec<(String, i64, i64, i64)> =
        r.months.iter().map(|m| (m.month.to_string(), m.cost.minor / 100, m.revenue.minor / 100, m.ratio_bp)).collect();
    assert_eq!(
        months,
        [
            ("2026-01".to_string(), 13_750, 6_800, 20_221),
            ("2026-02".to_string(), 13_700, 10_000, 13_700),
            ("2026-03".to_string(), 13_612, 3_000, 45_373),
        ]
    );

    // Per person: Ana's two computed salaries 8,000 + commission 200 + travel 500 = 8,700
    // against 10,000; Ben 6,000 + 182 + 300 = 6,482 against 6,800 (95.32%); Cleo 10,000 + 230
    // against 3,000; Dora 1,400 + 250 training; Eve 1,000.
    let people: Vec<(PersonId, [i64; 6])> = r
        .people
        .iter()
        .map(|p| {
            let m = [p.salaries, p.commissions, p.other, p.total, p.revenue].map(|m| m.minor / 100);
            (p.person, [m[0], m[1], m[2], m[3], m[4], p.ratio_bp])
        })
        .collect();
    assert_eq!(
        people,
        [
            (w.ana, [8_000, 200, 500, 8_700, 10_000, 8_700]),
            (w.ben, [6_000, 182, 300, 6_482, 6_800, 9_532]),
            (w.cleo, [10_000, 230, 0, 10_230, 3_000, 34_100]),
            (w.dora, [1_400, 0, 250, 1_650, 0, 0]),
            (w.eve, [1_000, 0, 0, 1_000, 0, 0]),
        ]
    );
}

#[test]
fn booked_commissions_replace_computed_ones_for_their_month_and_options_turn_computing_off() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    targets(&mut fx, &w);
    costs(&mut fx, &w);
    let cost = CostEntry {
        id: fx.id(),
        date: day("2026-03-31"),
        category: CostCategory::Commissions,
        amount: eur(700),
        ..Default::default()
    };
    let s = fx.stamp();
    record_cost(&mut fx.ws, cost, s).unwrap();
    let r = cost_of_sales(&fx.ws.data, period("2026-Q1"), CostOptions::default());
    // Every payout falls in March, which now has a booked 700: nothing is computed.
    assert_eq!(
        category_line(&r, CostCategory::Commissions),
        "recorded 700.00 computed 0.00 total 700.00 budget - variance - used -"
    );
    // January's computed salaries still count: only March has a booked payroll.
    assert_eq!(r.category(CostCategory::Salaries).computed, eur(26_400));

    let none = CostOptions { computed_salaries: false, computed_commissions: false };
    let r = cost_of_sales(&fx.ws.data, period("2026-Q1"), none);
    // 12,000 payroll + 700 commissions + 800 travel + 1,000 marketing + 250 training.
    assert_eq!(r.total, eur(14_750));
}

// Commands

fn candidate(fx: &mut Fx, name: &str) -> CandidateId {
    let id = fx.id();
    put(
        fx,
        Candidate {
            id,
            name: name.into(),
            email: "fay@example.com".into(),
            position: "Sales rep".into(),
            applied: day("2026-04-01"),
            ..Default::default()
        },
    )
}

fn stage_of(fx: &Fx, id: CandidateId) -> HiringStage {
    fx.ws.data.candidates.get(id).unwrap().stage
}

fn hire(fx: &mut Fx, w: &World) -> Hire {
    Hire {
        person: fx.id(),
        role: Role::Rep,
        title: String::new(),
        unit: Some(w.north_team),
        manager: Some(w.cleo),
        hired: day("2026-06-01"),
        salary: Some(eur(3_200)),
    }
}

#[test]
fn candidates_move_between_open_stages_but_not_out_of_closed_ones() {
    let mut fx = Fx::new();
    let fay = candidate(&mut fx, "Fay Moreau");
    for to in [HiringStage::Screening, HiringStage::Interview, HiringStage::Screening, HiringStage::Offer] {
        let s = fx.stamp();
        move_candidate(&mut fx.ws, fay, to, s).unwrap();
        assert_eq!(stage_of(&fx, fay), to);
    }
    let s = fx.stamp();
    assert_rejected(
        move_candidate(&mut fx.ws, fay, HiringStage::Hired, s),
        "Hire Fay Moreau to move them to Hired: hiring creates their person record",
    );
    let s = fx.stamp();
    move_candidate(&mut fx.ws, fay, HiringStage::Rejected, s).unwrap();
    let s = fx.stamp();
    assert_rejected(
        move_candidate(&mut fx.ws, fay, HiringStage::Interview, s),
        "Fay Moreau is rejected; reopen the candidate to move them again",
    );
    let s = fx.stamp();
    assert_rejected(
        reopen_candidate(&mut fx.ws, fay, HiringStage::Withdrawn, s),
        "Reopen to an open stage: applied, screening, interview or offer",
    );
    let s = fx.stamp();
    reopen_candidate(&mut fx.ws, fay, HiringStage::Interview, s).unwrap();
    assert_eq!(stage_of(&fx, fay), HiringStage::Interview);
    let s = fx.stamp();
    assert_rejected(
        reopen_candidate(&mut fx.ws, fay, HiringStage::Applied, s),
        "Fay Moreau is still in the pipeline; move them instead",
    );
    let missing: CandidateId = fx.id();
    let s = fx.stamp();
    let err = move_candidate(&mut fx.ws, missing, HiringStage::Offer, s).unwrap_err();
    assert_eq!(err.to_string(), format!("candidates record {missing} does not exist"));
}

#[test]
fn hiring_creates_the_person_with_the_standard_onboarding_checklist() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let fay = candidate(&mut fx, "Fay Moreau");
    let h = hire(&mut fx, &w);
    let mut item_ids = Vec::new();
    let s = fx.stamp();
    let person = hire_candidate(&mut fx.ws, fay, h.clone(), || recorded_id(&mut item_ids), s).unwrap();
    assert_eq!(person, h.person);
    let c = fx.ws.data.candidates.get(fay).unwrap();
    assert_eq!((c.stage, c.hired_as), (HiringStage::Hired, Some(person)));
    let p = fx.ws.data.people.get(person).unwrap();
    assert_eq!(
        (p.name.as_str(), p.email.as_str(), p.title.as_str(), p.role, p.unit, p.manager, p.salary, p.active),
        (
            "Fay Moreau",
            "fay@example.com",
            "Sales rep",
            Role::Rep,
            Some(w.north_team),
            Some(w.cleo),
            Some(eur(3_200)),
            true
        )
    );
    assert_eq!(p.hired, Some(day("2026-06-01")));
    assert_eq!(p.onboarding_progress(), (0, STANDARD_ONBOARDING.len()));
    // The items carry the ids handed in, in the standard order, due counted from the hiring date.
    let steps: Vec<_> = item_ids.iter().map(|id| p.onboarding.get(id).unwrap()).collect();
    assert_eq!(steps[0].title, "Contract signed and paperwork filed");
    assert_eq!(steps[0].due, Some(day("2026-06-01")));
    assert_eq!(steps.last().unwrap().title, "Probation review");
    assert_eq!(steps.last().unwrap().due, Some(day("2026-08-30")));
    assert!(steps.windows(2).all(|pair| pair[0].order < pair[1].order));

    let again = hire(&mut fx, &w);
    let s = fx.stamp();
    assert_rejected(hire_candidate(&mut fx.ws, fay, again, checklist_ids(), s), "Fay Moreau is already hired");
}

/// Checklist item ids drawn from a counter; they need only be unique within one person.
fn checklist_ids() -> impl FnMut() -> ChecklistItemId {
    let mut n = 0;
    move || {
        n += 1;
        ChecklistItemId::new(1, n)
    }
}

/// A fresh checklist item id, remembered in `ids`.
fn recorded_id(ids: &mut Vec<ChecklistItemId>) -> ChecklistItemId {
    let id = ChecklistItemId::new(2, ids.len() as u128 + 1);
    ids.push(id);
    id
}

#[test]
fn hiring_refuses_closed_candidates_and_salaries_in_another_currency_without_writing() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let fay = candidate(&mut fx, "Fay Moreau");
    let people_before = fx.ws.data.people.len();
    let mut h = hire(&mut fx, &w);
    h.salary = Some(usd(3_200));
    let s = fx.stamp();
    assert_invalid(
        hire_candidate(&mut fx.ws, fay, h, checklist_ids(), s),
        "salary",
        "Enter the amount in EUR, the workspace currency",
    );
    assert_eq!(fx.ws.data.people.len(), people_before);
    assert_eq!(stage_of(&fx, fay), HiringStage::Applied);

    let s = fx.stamp();
    move_candidate(&mut fx.ws, fay, HiringStage::Withdrawn, s).unwrap();
    let h = hire(&mut fx, &w);
    let s = fx.stamp();
    assert_rejected(
        hire_candidate(&mut fx.ws, fay, h, checklist_ids(), s),
        "Fay Moreau is withdrawn; reopen the candidate before hiring them",
    );
    assert_eq!(fx.ws.data.people.len(), people_before);
}

#[test]
fn reopening_a_hired_candidate_deactivates_the_person_and_unlinks_them() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let fay = candidate(&mut fx, "Fay Moreau");
    let h = hire(&mut fx, &w);
    let s = fx.stamp();
    let person = hire_candidate(&mut fx.ws, fay, h, checklist_ids(), s).unwrap();
    let s = fx.stamp();
    reopen_candidate(&mut fx.ws, fay, HiringStage::Offer, s).unwrap();
    let c = fx.ws.data.candidates.get(fay).unwrap();
    assert_eq!((c.stage, c.hired_as), (HiringStage::Offer, None));
    assert!(!fx.ws.data.people.get(person).unwrap().active);
}

#[test]
fn onboarding_steps_are_ticked_unticked_and_added() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let fay = candidate(&mut fx, "Fay Moreau");
    let h = hire(&mut fx, &w);
    let s = fx.stamp();
    let person = hire_candidate(&mut fx.ws, fay, h, checklist_ids(), s).unwrap();
    let items: Vec<_> = fx.ws.data.people.get(person).unwrap().onboarding.keys().copied().collect();
    let s = fx.stamp();
    set_checklist_item(&mut fx.ws, person, items[0], true, s).unwrap();
    let s = fx.stamp();
    set_checklist_item(&mut fx.ws, person, items[1], true, s).unwrap();
    let s = fx.stamp();
    set_checklist_item(&mut fx.ws, person, items[0], false, s).unwrap();
    let p = fx.ws.data.people.get(person).unwrap();
    assert_eq!(p.onboarding_progress(), (1, 9));
    assert!(p.onboarding[&items[1]].done && !p.onboarding[&items[0]].done);

    let unknown = ChecklistItemId::new(9, 9);
    let s = fx.stamp();
    let err = set_checklist_item(&mut fx.ws, person, unknown, true, s).unwrap_err();
    assert_eq!(err.to_string(), format!("onboarding record {unknown} does not exist"));

    let s = fx.stamp();
    add_checklist_item(&mut fx.ws, person, unknown, "Meet the key accounts", Some(day("2026-07-01")), s).unwrap();
    let p = fx.ws.data.people.get(person).unwrap();
    assert_eq!(p.onboarding_progress(), (1, 10));
    assert!(p.onboarding.values().all(|i| i.order <= p.onboarding[&unknown].order), "added steps come last");
    let s = fx.stamp();
    assert_invalid(
        add_checklist_item(&mut fx.ws, person, ChecklistItemId::new(9, 10), "  ", None, s),
        "onboarding",
        "Every checklist step needs a title",
    );
}

fn training(fx: &mut Fx, person: PersonId, date: &str) -> Training {
    Training {
        id: fx.id(),
        person,
        title: "Negotiation".into(),
        date: day(date),
        hours: 8,
        cost: eur(400),
        ..Default::default()
    }
}

#[test]
fn trainings_are_recorded_and_completed_with_a_score_once_they_have_happened() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    // The fixture's clock reads late May 2026.
    let past = training(&mut fx, w.ana, "2026-03-10");
    let future = training(&mut fx, w.ana, "2026-09-10");
    let (past_id, future_id): (TrainingId, TrainingId) = (past.id, future.id);
    for t in [past, future] {
        let s = fx.stamp();
        record_training(&mut fx.ws, t, s).unwrap();
    }
    let s = fx.stamp();
    complete_training(&mut fx.ws, past_id, Some(85), s).unwrap();
    let t = fx.ws.data.trainings.get(past_id).unwrap();
    assert_eq!((t.completed, t.score), (true, Some(85)));

    let s = fx.stamp();
    assert_rejected(
        complete_training(&mut fx.ws, future_id, None, s),
        "\"Negotiation\" takes place on 2026-09-10; it cannot be completed before then",
    );
    let s = fx.stamp();
    assert_invalid(complete_training(&mut fx.ws, past_id, Some(120), s), "score", "A score is from 0 to 100%");
    assert_eq!(fx.ws.data.trainings.get(past_id).unwrap().score, Some(85));

    let mut scored = training(&mut fx, w.ben, "2026-03-10");
    scored.score = Some(70);
    let s = fx.stamp();
    assert_invalid(record_training(&mut fx.ws, scored, s), "score", "Only a completed training has a score");
    let nobody = training(&mut fx, PersonId::default(), "2026-03-10");
    let s = fx.stamp();
    assert_invalid(record_training(&mut fx.ws, nobody, s), "person", "Choose a person");
}

#[test]
fn a_subject_has_one_target_per_metric_and_period() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let id = revenue_target(&mut fx, Subject::Person(w.ana), "2026-Q1", eur(20_000));
    let duplicate = Target {
        id: fx.id(),
        subject: Subject::Person(w.ana),
        period: period("2026-Q1"),
        metric: Metric::Revenue,
        amount: eur(25_000),
        ..Default::default()
    };
    let s = fx.stamp();
    assert_invalid(
        set_target(&mut fx.ws, duplicate.clone(), s),
        "period",
        "Ana Lima already has a revenue (won deals) target for 2026-Q1",
    );
    // Another metric for the same subject and period is fine.
    let deals = Target { metric: Metric::WonDeals, count: 4, amount: eur(0), ..duplicate.clone() };
    let s = fx.stamp();
    set_target(&mut fx.ws, deals, s).unwrap();
    // Setting a target with an existing id changes it.
    let s = fx.stamp();
    set_target(&mut fx.ws, Target { id, ..duplicate.clone() }, s).unwrap();
    assert_eq!(fx.ws.data.targets.get(id).unwrap().amount, eur(25_000));

    let q2 = Target { id: fx.id(), period: period("2026-Q2"), ..duplicate };
    let s = fx.stamp();
    assert_invalid(
        set_target(&mut fx.ws, Target { amount: usd(1_000), ..q2.clone() }, s),
        "amount",
        "Enter the amount in EUR, the workspace currency",
    );
    let s = fx.stamp();
    assert_invalid(set_target(&mut fx.ws, Target { amount: eur(0), ..q2 }, s), "amount", "Enter an amount above zero");
    assert_eq!(fx.ws.data.targets.len(), 2);
}

#[test]
fn targets_copy_to_the_next_period_with_growth() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    revenue_target(&mut fx, Subject::Person(w.ana), "2026-Q1", eur(20_000));
    revenue_target(&mut fx, Subject::Person(w.ben), "2026-Q1", Money::new(1_000_005, EUR));
    let eve = revenue_target(&mut fx, Subject::Person(w.eve), "2026-Q1", eur(5_000));
    let activities = Target {
        id: fx.id(),
        subject: Subject::Person(w.cleo),
        period: period("2026-Q1"),
        metric: Metric::Activities,
        count: 45,
        ..Default::default()
    };
    let s = fx.stamp();
    set_target(&mut fx.ws, activities, s).unwrap();
    let team = revenue_target(&mut fx, Subject::Unit(w.north_team), "2026-Q1", eur(30_000));
    // The North team already has its Q2 target; Eve has left and her record is gone.
    let team_q2 = revenue_target(&mut fx, Subject::Unit(w.north_team), "2026-Q2", eur(31_000));
    let s = fx.stamp();
    fx.ws.delete::<Person>(w.eve, s).unwrap();

    let mut new_ids = Vec::new();
    let next_id = || {
        let id = TargetId::new(3, new_ids.len() as u128 + 1);
        new_ids.push(id);
        id
    };
    let s = fx.stamp();
    let copied = copy_targets(&mut fx.ws, period("2026-Q1"), 1_000, next_id, s).unwrap();
    assert_eq!(copied.to, period("2026-Q2"));
    assert_eq!(copied.created, new_ids);
    assert_eq!(copied.skipped, vec![(eve, NotCopied::SubjectGone), (team, NotCopied::AlreadySet(team_q2))]);
    let grown: Vec<(Subject, Metric, Money, i64)> = copied
        .created
        .iter()
        .map(|id| {
            let t = fx.ws.data.targets.get(*id).unwrap();
            assert_eq!(t.period, period("2026-Q2"));
            (t.subject, t.metric, t.amount, t.count)
        })
        .collect();
    // +10%: 20,000 → 22,000; 10,000.05 → 11,000.055, rounded half away to 11,000.06;
    // 45 activities → 49.5, rounded to 50.
    assert_eq!(
        grown,
        vec![
            (Subject::Person(w.ana), Metric::Revenue, eur(22_000), 0),
            (Subject::Person(w.ben), Metric::Revenue, Money::new(1_100_006, EUR), 0),
            (Subject::Person(w.cleo), Metric::Activities, Money::default(), 50),
        ]
    );

    let s = fx.stamp();
    assert_rejected(
        copy_targets(&mut fx.ws, period("2026-Q1"), -10_000, || TargetId::new(4, 1), s),
        "The growth must be above -100%",
    );
    let s = fx.stamp();
    assert_rejected(
        copy_targets(&mut fx.ws, period("2025-Q1"), 0, || TargetId::new(4, 1), s),
        "There are no targets for 2025-Q1 to copy",
    );
}

#[test]
fn people_are_assigned_to_territories_categories_and_customer_groups() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let mut n = 0u128;
    let mut next = || {
        n += 1;
        AssignmentId::new(5, n)
    };
    let to = [
        Responsibility::Territory(w.north),
        Responsibility::Category(w.hardware),
        Responsibility::Segment(w.retail),
        Responsibility::Territory(w.north),
    ];
    let s = fx.stamp();
    let ids = assign(&mut fx.ws, w.ana, &to, Some(day("2026-01-01")), &mut next, s).unwrap();
    assert_eq!(ids.len(), 3, "a repeated territory counts once");
    let a: Vec<&Assignment> = ids.iter().map(|id| fx.ws.data.assignments.get(*id).unwrap()).collect();
    assert_eq!((a[0].person, a[0].territory, a[0].from), (w.ana, Some(w.north), Some(day("2026-01-01"))));
    assert_eq!(a[1].product_category, Some(w.hardware));
    assert_eq!(a[2].segment, Some(w.retail));

    let s = fx.stamp();
    assert_rejected(
        assign(&mut fx.ws, w.ana, &[Responsibility::Territory(w.north)], None, &mut next, s),
        "Ana Lima is already assigned to North",
    );
    // Once the assignment ends, a new one may start after it.
    let s = fx.stamp();
    end_assignment(&mut fx.ws, ids[0], day("2026-06-30"), s).unwrap();
    let s = fx.stamp();
    assert_rejected(
        assign(&mut fx.ws, w.ana, &[Responsibility::Territory(w.north)], Some(day("2026-06-30")), &mut next, s),
        "Ana Lima is already assigned to North",
    );
    let s = fx.stamp();
    assign(&mut fx.ws, w.ana, &[Responsibility::Territory(w.north)], Some(day("2026-07-01")), &mut next, s).unwrap();
    let s = fx.stamp();
    assert_invalid(end_assignment(&mut fx.ws, ids[1], day("2025-12-31"), s), "to", "The end is before the start");

    let s = fx.stamp();
    assert_rejected(
        assign(&mut fx.ws, w.ben, &[], None, &mut next, s),
        "Choose at least one territory, product category or customer group",
    );
    let nowhere: TerritoryId = fx.id();
    let s = fx.stamp();
    assert_invalid(
        assign(&mut fx.ws, w.ben, &[Responsibility::Territory(nowhere)], None, &mut next, s),
        "territory",
        "That territory does not exist",
    );
    let nobody: PersonId = fx.id();
    let s = fx.stamp();
    let err = assign(&mut fx.ws, nobody, &[Responsibility::Territory(w.north)], None, &mut next, s).unwrap_err();
    assert_eq!(err.to_string(), format!("people record {nobody} does not exist"));
}

#[test]
fn a_territorys_accounts_and_open_deals_move_to_a_person_in_bulk() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    // France holds North (Acme, Ana's) and South (Bolt, already Ben's) and Cora (Cleo's).
    let s = fx.stamp();
    let moved = reassign_territory(&mut fx.ws, w.france, w.ben, true, s).unwrap();
    // The open deals of those accounts not already Ben's: d2 (Ana), d6 (Cleo), d10 (nobody's).
    let d = &w.deals;
    assert_eq!(moved, Reassigned { accounts: vec![w.acme, w.cora], deals: vec![d[1], d[5], d[9]] });
    for account in [w.acme, w.bolt, w.cora] {
        assert_eq!(fx.ws.data.accounts.get(account).unwrap().owner, Some(w.ben));
    }
    assert_eq!(fx.ws.data.deals.get(d[0]).unwrap().owner, Some(w.ana), "won deals keep their owner");
    assert_eq!(fx.ws.data.deals.get(d[6]).unwrap().owner, Some(w.ana), "lost deals keep their owner");
    assert_eq!(fx.ws.history::<Account>(w.acme).len(), 2, "one commit per account");

    let s = fx.stamp();
    let moved = reassign_territory(&mut fx.ws, w.north, w.cleo, false, s).unwrap();
    assert_eq!(moved, Reassigned { accounts: vec![w.acme], deals: vec![] });
    assert_eq!(fx.ws.data.deals.get(d[1]).unwrap().owner, Some(w.ben));

    let s = fx.stamp();
    assert_rejected(
        reassign_territory(&mut fx.ws, w.south, w.eve, false, s),
        "Eve Marsh is not active; choose an active person",
    );
    let nowhere: TerritoryId = fx.id();
    let s = fx.stamp();
    let err = reassign_territory(&mut fx.ws, nowhere, w.ben, false, s).unwrap_err();
    assert_eq!(err.to_string(), format!("territories record {nowhere} does not exist"));
}

#[test]
fn costs_are_recorded_and_budgets_set_once_per_category_period_and_unit() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let zero = CostEntry { id: fx.id(), date: day("2026-02-01"), amount: eur(0), ..Default::default() };
    let s = fx.stamp();
    assert_invalid(record_cost(&mut fx.ws, zero, s), "amount", "Enter an amount above zero");
    let travel = CostEntry {
        id: fx.id(),
        date: day("2026-02-01"),
        category: CostCategory::Travel,
        amount: eur(120),
        person: Some(w.ana),
        ..Default::default()
    };
    let s = fx.stamp();
    record_cost(&mut fx.ws, travel, s).unwrap();
    assert_eq!(fx.ws.data.costs.len(), 1);

    let q1 = period("2026-Q1");
    let (first, second): (BudgetId, BudgetId) = (fx.id(), fx.id());
    let s = fx.stamp();
    assert_eq!(set_budget(&mut fx.ws, first, q1, CostCategory::Travel, None, eur(900), s).unwrap(), first);
    // Setting it again changes the same budget instead of adding a second one.
    let s = fx.stamp();
    assert_eq!(set_budget(&mut fx.ws, second, q1, CostCategory::Travel, None, eur(1_200), s).unwrap(), first);
    assert_eq!(fx.ws.data.budgets.len(), 1);
    assert_eq!(fx.ws.data.budgets.get(first).unwrap().amount, eur(1_200));
    // A unit's budget is its own.
    let s = fx.stamp();
    assert_eq!(
        set_budget(&mut fx.ws, second, q1, CostCategory::Travel, Some(w.north_team), eur(500), s).unwrap(),
        second
    );
    let s = fx.stamp();
    let third: BudgetId = fx.id();
    assert_invalid(
        set_budget(&mut fx.ws, third, q1, CostCategory::Marketing, None, usd(500), s),
        "amount",
        "Enter the amount in EUR, the workspace currency",
    );
    let s = fx.stamp();
    assert_invalid(
        set_budget(&mut fx.ws, third, q1, CostCategory::Marketing, None, eur(-5), s),
        "amount",
        "A budget cannot be negative",
    );
    let ghost: OrgUnitId = fx.id();
    let s = fx.stamp();
    assert_invalid(
        set_budget(&mut fx.ws, third, q1, CostCategory::Marketing, Some(ghost), eur(5), s),
        "unit",
        "That unit does not exist",
    );
}

fn evaluation(fx: &mut Fx, person: PersonId, reviewer: PersonId, when: &str) -> Evaluation {
    Evaluation {
        id: fx.id(),
        person,
        period: period(when),
        reviewer: Some(reviewer),
        results_score: 4,
        activity_score: 3,
        skills_score: 4,
        teamwork_score: 5,
        ..Default::default()
    }
}

#[test]
fn evaluations_are_one_per_person_and_period_by_someone_else_once_the_period_began() {
    let mut fx = Fx::new();
    let w = world(&mut fx);
    let first = evaluation(&mut fx, w.ana, w.cleo, "2026-Q1");
    let first_id = first.id;
    let s = fx.stamp();
    record_evaluation(&mut fx.ws, first, s).unwrap();
    assert_eq!(fx.ws.data.evaluations.get(first_id).unwrap().overall_hundredths(), 400);

    let again = evaluation(&mut fx, w.ana, w.cleo, "2026-Q1");
    let s = fx.stamp();
    assert_invalid(record_evaluation(&mut fx.ws, again, s), "period", "Ana Lima already has an evaluation for 2026-Q1");
    let own = evaluation(&mut fx, w.ben, w.ben, "2026-Q1");
    let s = fx.stamp();
    assert_invalid(record_evaluation(&mut fx.ws, own, s), "reviewer", "A person cannot review themselves");
    let early = evaluation(&mut fx, w.ben, w.cleo, "2026-Q3");
    let s = fx.stamp();
    assert_rejected(record_evaluation(&mut fx.ws, early, s), "2026-Q3 has not begun; evaluate it once it has");
    let mut unscored = evaluation(&mut fx, w.ben, w.cleo, "2026-Q1");
    unscored.results_score = 0;
    let s = fx.stamp();
    assert_invalid(record_evaluation(&mut fx.ws, unscored, s), "results_score", "Score from 1 to 5");
}

// Concurrent edits

/// Copies every document of `from` into `to` by merging, as sync would.
fn merge_all(to: &mut Fx, from: &Fx) {
    let names: Vec<DocName> = from.ws.loaded().collect();
    for name in names {
        let mut theirs = from.ws.doc(name).unwrap().clone();
        to.ws.apply(name, |doc| doc.merge(&mut theirs).unwrap()).unwrap();
    }
}

/// Merges both ways, as two devices syncing.
fn sync(a: &mut Fx, b: &mut Fx) {
    merge_all(a, b);
    merge_all(b, a);
}

/// Two copies of the company: `a` built it, `b` received it.
fn two_copies() -> (Fx, Fx, World) {
    let mut a = Fx::with_actor(1);
    let w = world(&mut a);
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &a);
    (a, b, w)
}

/// The record as both copies hold it, after checking that they hold the same.
#[track_caller]
fn agreed<R: Record + Debug>(a: &Fx, b: &Fx, id: R::Id) -> R
where
    Tables: HasTable<R>,
{
    let ours = a.ws.data.table().get(id).cloned().expect("present in the first copy");
    let theirs = b.ws.data.table().get(id).cloned().expect("present in the second copy");
    assert_eq!(ours, theirs, "both copies agree");
    ours
}

#[test]
fn concurrent_candidate_moves_and_edits_merge() {
    let (mut a, mut b, _) = two_copies();
    let fay = candidate(&mut a, "Fay Moreau");
    merge_all(&mut b, &a);
    let s = a.stamp();
    move_candidate(&mut a.ws, fay, HiringStage::Screening, s).unwrap();
    let s = b.stamp();
    b.ws.modify::<Candidate>(fay, s, |c| c.phone = "+33 6 12".into()).unwrap();
    sync(&mut a, &mut b);
    let c = agreed::<Candidate>(&a, &b, fay);
    assert_eq!((c.stage, c.phone.as_str()), (HiringStage::Screening, "+33 6 12"));

    let s = a.stamp();
    move_candidate(&mut a.ws, fay, HiringStage::Interview, s).unwrap();
    let s = b.stamp();
    move_candidate(&mut b.ws, fay, HiringStage::Rejected, s).unwrap();
    sync(&mut a, &mut b);
    let c = agreed::<Candidate>(&a, &b, fay);
    assert!(matches!(c.stage, HiringStage::Interview | HiringStage::Rejected), "{:?}", c.stage);
}

#[test]
fn concurrent_onboarding_ticks_merge() {
    let (mut a, mut b, w) = two_copies();
    let fay = candidate(&mut a, "Fay Moreau");
    let h = hire(&mut a, &w);
    let s = a.stamp();
    let person = hire_candidate(&mut a.ws, fay, h, checklist_ids(), s).unwrap();
    merge_all(&mut b, &a);
    let items: Vec<_> = a.ws.data.people.get(person).unwrap().onboarding.keys().copied().collect();
    // Different steps, and a different field of the person.
    let s = a.stamp();
    set_checklist_item(&mut a.ws, person, items[0], true, s).unwrap();
    let s = b.stamp();
    set_checklist_item(&mut b.ws, person, items[1], true, s).unwrap();
    let s = b.stamp();
    b.ws.modify::<Person>(person, s, |p| p.phone = "+33 6 99".into()).unwrap();
    sync(&mut a, &mut b);
    let p = agreed::<Person>(&a, &b, person);
    assert_eq!(p.onboarding_progress(), (2, 9));
    assert_eq!(p.phone, "+33 6 99");
    // The same step, ticked on one side and left on the other, then ticked on both.
    let s = a.stamp();
    set_checklist_item(&mut a.ws, person, items[2], true, s).unwrap();
    let s = b.stamp();
    set_checklist_item(&mut b.ws, person, items[2], true, s).unwrap();
    let s = a.stamp();
    a.ws.modify::<Person>(person, s, |p| p.title = "Senior rep".into()).unwrap();
    let s = b.stamp();
    b.ws.modify::<Person>(person, s, |p| p.title = "Key account rep".into()).unwrap();
    sync(&mut a, &mut b);
    let p = agreed::<Person>(&a, &b, person);
    assert!(p.onboarding[&items[2]].done);
    assert!(["Senior rep", "Key account rep"].contains(&p.title.as_str()), "{}", p.title);
}

#[test]
fn concurrent_training_edits_merge() {
    let (mut a, mut b, w) = two_copies();
    let t = training(&mut a, w.ana, "2026-03-10");
    let id = t.id;
    let s = a.stamp();
    record_training(&mut a.ws, t, s).unwrap();
    merge_all(&mut b, &a);
    let s = a.stamp();
    complete_training(&mut a.ws, id, Some(90), s).unwrap();
    let s = b.stamp();
    b.ws.modify::<Training>(id, s, |t| t.hours = 12).unwrap();
    sync(&mut a, &mut b);
    let t = agreed::<Training>(&a, &b, id);
    assert_eq!((t.completed, t.score, t.hours), (true, Some(90), 12));

    let s = a.stamp();
    complete_training(&mut a.ws, id, Some(70), s).unwrap();
    let s = b.stamp();
    complete_training(&mut b.ws, id, Some(75), s).unwrap();
    sync(&mut a, &mut b);
    let t = agreed::<Training>(&a, &b, id);
    assert!(matches!(t.score, Some(70 | 75)), "{:?}", t.score);
}

#[test]
fn concurrent_target_edits_merge() {
    let (mut a, mut b, w) = two_copies();
    let id = revenue_target(&mut a, Subject::Person(w.ana), "2026-Q1", eur(20_000));
    merge_all(&mut b, &a);
    let target = a.ws.data.targets.get(id).unwrap().clone();
    let s = a.stamp();
    set_target(&mut a.ws, Target { amount: eur(22_000), ..target.clone() }, s).unwrap();
    let s = b.stamp();
    set_target(&mut b.ws, Target { notes: "Includes the Acme renewal".into(), ..target.clone() }, s).unwrap();
    sync(&mut a, &mut b);
    let t = agreed::<Target>(&a, &b, id);
    assert_eq!((t.amount, t.notes.as_str()), (eur(22_000), "Includes the Acme renewal"));

    let s = a.stamp();
    set_target(&mut a.ws, Target { amount: eur(23_000), ..t.clone() }, s).unwrap();
    let s = b.stamp();
    set_target(&mut b.ws, Target { amount: eur(24_000), ..t }, s).unwrap();
    sync(&mut a, &mut b);
    let t = agreed::<Target>(&a, &b, id);
    assert!([eur(23_000), eur(24_000)].contains(&t.amount), "{:?}", t.amount);
}

#[test]
fn concurrent_assignment_edits_merge() {
    let (mut a, mut b, w) = two_copies();
    let s = a.stamp();
    let ids = assign(
        &mut a.ws,
        w.ana,
        &[Responsibility::Territory(w.north)],
        Some(day("2026-01-01")),
        || AssignmentId::new(6, 1),
        s,
    )
    .unwrap();
    merge_all(&mut b, &a);
    let id = ids[0];
    let s = a.stamp();
    end_assignment(&mut a.ws, id, day("2026-12-31"), s).unwrap();
    let s = b.stamp();
    b.ws.modify::<Assignment>(id, s, |x| x.segment = Some(w.retail)).unwrap();
    sync(&mut a, &mut b);
    let x = agreed::<Assignment>(&a, &b, id);
    assert_eq!((x.to, x.segment, x.territory), (Some(day("2026-12-31")), Some(w.retail), Some(w.north)));

    let s = a.stamp();
    end_assignment(&mut a.ws, id, day("2026-09-30"), s).unwrap();
    let s = b.stamp();
    end_assignment(&mut b.ws, id, day("2026-10-31"), s).unwrap();
    sync(&mut a, &mut b);
    let x = agreed::<Assignment>(&a, &b, id);
    assert!([Some(day("2026-09-30")), Some(day("2026-10-31"))].contains(&x.to), "{:?}", x.to);
}

#[test]
fn concurrent_reassignments_and_account_edits_merge() {
    let (mut a, mut b, w) = two_copies();
    let s = a.stamp();
    reassign_territory(&mut a.ws, w.north, w.ben, true, s).unwrap();
    let s = b.stamp();
    b.ws.modify::<Account>(w.acme, s, |x| x.city = "Lille".into()).unwrap();
    let s = b.stamp();
    b.ws.modify::<Deal>(w.deals[1], s, |d| d.probability = Some(60)).unwrap();
    sync(&mut a, &mut b);
    let acme = agreed::<Account>(&a, &b, w.acme);
    assert_eq!((acme.owner, acme.city.as_str()), (Some(w.ben), "Lille"));
    let d2 = agreed::<Deal>(&a, &b, w.deals[1]);
    assert_eq!((d2.owner, d2.probability), (Some(w.ben), Some(60)));

    // Both hand the South territory to different people at once: one wins, everywhere.
    let s = a.stamp();
    reassign_territory(&mut a.ws, w.south, w.ana, true, s).unwrap();
    let s = b.stamp();
    reassign_territory(&mut b.ws, w.south, w.cleo, true, s).unwrap();
    sync(&mut a, &mut b);
    let bolt = agreed::<Account>(&a, &b, w.bolt);
    assert!([Some(w.ana), Some(w.cleo)].contains(&bolt.owner), "{:?}", bolt.owner);
    let d4 = agreed::<Deal>(&a, &b, w.deals[3]);
    assert!([Some(w.ana), Some(w.cleo)].contains(&d4.owner), "{:?}", d4.owner);
}

#[test]
fn concurrent_cost_and_budget_edits_merge() {
    let (mut a, mut b, w) = two_copies();
    let cost = CostEntry {
        id: a.id(),
        date: day("2026-02-01"),
        category: CostCategory::Travel,
        amount: eur(120),
        ..Default::default()
    };
    let cost_id = cost.id;
    let s = a.stamp();
    record_cost(&mut a.ws, cost, s).unwrap();
    let (budget, s) = (a.id(), a.stamp());
    set_budget(&mut a.ws, budget, period("2026-Q1"), CostCategory::Travel, None, eur(900), s).unwrap();
    merge_all(&mut b, &a);

    let s = a.stamp();
    a.ws.modify::<CostEntry>(cost_id, s, |c| c.person = Some(w.ana)).unwrap();
    let s = b.stamp();
    b.ws.modify::<CostEntry>(cost_id, s, |c| c.description = "Train to Lille".into()).unwrap();
    let s = a.stamp();
    set_budget(&mut a.ws, BudgetId::default(), period("2026-Q1"), CostCategory::Travel, None, eur(1_000), s).unwrap();
    let s = b.stamp();
    b.ws.modify::<Budget>(budget, s, |x| x.notes = "Two fairs".into()).unwrap();
    sync(&mut a, &mut b);
    let c = agreed::<CostEntry>(&a, &b, cost_id);
    assert_eq!((c.person, c.description.as_str()), (Some(w.ana), "Train to Lille"));
    let x = agreed::<Budget>(&a, &b, budget);
    assert_eq!((x.amount, x.notes.as_str()), (eur(1_000), "Two fairs"));

    let s = a.stamp();
    a.ws.modify::<CostEntry>(cost_id, s, |c| c.amount = eur(130)).unwrap();
    let s = b.stamp();
    b.ws.modify::<CostEntry>(cost_id, s, |c| c.amount = eur(140)).unwrap();
    let s = a.stamp();
    set_budget(&mut a.ws, BudgetId::default(), period("2026-Q1"), CostCategory::Travel, None, eur(1_100), s).unwrap();
    let s = b.stamp();
    set_budget(&mut b.ws, BudgetId::default(), period("2026-Q1"), CostCategory::Travel, None, eur(1_200), s).unwrap();
    sync(&mut a, &mut b);
    let c = agreed::<CostEntry>(&a, &b, cost_id);
    assert!([eur(130), eur(140)].contains(&c.amount), "{:?}", c.amount);
    let x = agreed::<Budget>(&a, &b, budget);
    assert!([eur(1_100), eur(1_200)].contains(&x.amount), "{:?}", x.amount);
}

#[test]
fn concurrent_evaluation_edits_merge() {
    let (mut a, mut b, w) = two_copies();
    let e = evaluation(&mut a, w.ana, w.cleo, "2026-Q1");
    let id = e.id;
    let s = a.stamp();
    record_evaluation(&mut a.ws, e, s).unwrap();
    merge_all(&mut b, &a);
    let s = a.stamp();
    a.ws.modify::<Evaluation>(id, s, |e| e.skills_score = 5).unwrap();
    let s = b.stamp();
    b.ws.modify::<Evaluation>(id, s, |e| e.strengths = "Closes well".into()).unwrap();
    sync(&mut a, &mut b);
    let e = agreed::<Evaluation>(&a, &b, id);
    assert_eq!((e.skills_score, e.strengths.as_str()), (5, "Closes well"));

    let s = a.stamp();
    a.ws.modify::<Evaluation>(id, s, |e| e.results_score = 2).unwrap();
    let s = b.stamp();
    b.ws.modify::<Evaluation>(id, s, |e| e.results_score = 3).unwrap();
    sync(&mut a, &mut b);
    let e = agreed::<Evaluation>(&a, &b, id);
    assert!([2, 3].contains(&e.results_score), "{}", e.results_score);
}

#[test]
fn targets_set_twice_on_two_devices_copy_once() {
    let (mut a, mut b, w) = two_copies();
    // Offline, each device sets Ana's Q1 target; after syncing she has two.
    revenue_target(&mut a, Subject::Person(w.ana), "2026-Q1", eur(20_000));
    revenue_target(&mut b, Subject::Person(w.ana), "2026-Q1", eur(21_000));
    sync(&mut a, &mut b);
    assert_eq!(a.ws.data.targets.len(), 2);
    let sources: Vec<TargetId> = a.ws.data.targets.ids().collect();
    let s = a.stamp();
    let copied = copy_targets(&mut a.ws, period("2026-Q1"), 0, || TargetId::new(7, 1), s).unwrap();
    assert_eq!(copied.created, vec![TargetId::new(7, 1)]);
    assert_eq!(copied.skipped, vec![(sources[1], NotCopied::AlreadySet(TargetId::new(7, 1)))]);
}
