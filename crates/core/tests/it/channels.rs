//! Channel management: the commands for payments, the communication log, incentives, partner
//! evaluations, conditions and sales plans; the plan-versus-actual, partner scorecard and
//! segment reports on a hand-checked scenario; and concurrent edits of the records they touch.

use std::collections::BTreeMap;

use quota_core::account::{Account, AccountId, AccountStatus};
use quota_core::channel::{
    Channel, ChannelId, Communication, CommunicationId, CommunicationKind, Condition, ConditionId, Incentive,
    IncentiveId, Invoice, InvoiceId, Partner, PartnerDecision, PartnerEvaluation, PartnerEvaluationId, PartnerId,
    PartnerStatus, PartnerTier, Payment, PaymentId, ServiceRating,
};
use quota_core::commands::channels::{
    Adjustment, PaymentEntry, add_incentive_participant, condition_for, evaluate_partner, follow_ups_due,
    invoice_balance, log_communication, overdue_invoices, record_incentive_cost, record_payment,
    remove_incentive_participant, set_condition, set_follow_up, set_sales_plan,
};
use quota_core::deal::{Deal, DealId, DealStatus, LossReason};
use quota_core::error::{Error, Result};
use quota_core::management::{Metric, Subject, Target, TargetId};
use quota_core::market::{EntryPlan, Niche, NicheId, NicheRole, PlanStatus, PriceCategory, Segment, SegmentId};
use quota_core::record::Record;
use quota_core::reports::forecast::revenue_targets;
use quota_core::reports::plan_actual::{Figures, plan_actual, plan_of, targets_in_other_currency};
use quota_core::reports::scorecard::{ScorecardOrder, scorecard, scorecards};
use quota_core::reports::segments::segment_performance;
use quota_core::settings::{Pipeline, PipelineId, Stage, StageId, StageKind};
use quota_core::{Currency, Date, DocName, HasTable, LongText, Money, Period, Stamp, Tables};

use crate::support::Fx;

const EUR: Currency = Currency::EUR;
const USD: Currency = Currency::USD;

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

fn period(text: &str) -> Period {
    text.parse().unwrap()
}

fn eur(units: i64) -> Money {
    Money::units(units, EUR)
}

fn cents(minor: i64) -> Money {
    Money::new(minor, EUR)
}

/// The error's text, which is what a user reads.
#[track_caller]
fn rejected<T: std::fmt::Debug>(result: Result<T>) -> String {
    result.unwrap_err().to_string()
}

/// A workspace with one pipeline, and shortcuts to add the records the tests need.
struct World {
    fx: Fx,
    pipeline: PipelineId,
    open: StageId,
    won: StageId,
    lost: StageId,
}

impl World {
    fn new() -> World {
        let mut fx = Fx::new();
        let (pipeline, open, won, lost) = (fx.id(), fx.id(), fx.id(), fx.id());
        let stage = |name: &str, order, kind| Stage { name: name.into(), order, probability: 50, kind };
        let stages = BTreeMap::from([
            (open, stage("Proposal", 1, StageKind::Open)),
            (won, stage("Won", 2, StageKind::Won)),
            (lost, stage("Lost", 3, StageKind::Lost)),
        ]);
        let s = fx.stamp();
        fx.ws.create(Pipeline { id: pipeline, name: "Sales".into(), stages, is_default: true }, s).unwrap();
        World { fx, pipeline, open, won, lost }
    }

    fn stamp(&mut self) -> Stamp {
        self.fx.stamp()
    }

    fn add<R: Record>(&mut self, record: R) -> R::Id
    where
        Tables: HasTable<R>,
    {
        let id = record.id();
        let s = self.stamp();
        self.fx.ws.create(record, s).unwrap();
        id
    }

    fn channel(&mut self, name: &str) -> ChannelId {
        let id = self.fx.id();
        self.add(Channel { id, name: name.into(), active: true, ..Default::default() })
    }

    fn partner(&mut self, name: &str, channel: Option<ChannelId>) -> PartnerId {
        let id = self.fx.id();
        self.add(Partner { id, name: name.into(), channel, status: PartnerStatus::Active, ..Default::default() })
    }

    fn account(
        &mut self,
        name: &str,
        segment: Option<SegmentId>,
        niche: Option<NicheId>,
        status: AccountStatus,
    ) -> AccountId {
        let id = self.fx.id();
        self.add(Account { id, name: name.into(), segment, niche, status, ..Default::default() })
    }

    /// A deal closed (won or lost) on `closed`, or open when `status` is open.
    fn deal(
        &mut self,
        account: AccountId,
        status: DealStatus,
        closed: &str,
        amount: Money,
        via: (Option<ChannelId>, Option<PartnerId>),
    ) -> DealId {
        let id = self.fx.id();
        let stage = match status {
            DealStatus::Open => self.open,
            DealStatus::Won => self.won,
            DealStatus::Lost => self.lost,
        };
        self.add(Deal {
            id,
            name: format!("Deal {closed}"),
            account,
            pipeline: self.pipeline,
            stage,
            status,
            amount,
            channel: via.0,
            partner: via.1,
            closed_on: (status != DealStatus::Open).then(|| day(closed)),
            loss_reason: (status == DealStatus::Lost).then_some(LossReason::Price),
            ..Default::default()
        })
    }

    fn invoice(&mut self, partner: PartnerId, number: &str, issued: &str, due: &str, amount: Money) -> InvoiceId {
        let id = self.fx.id();
        self.add(Invoice {
            id,
            partner,
            number: number.into(),
            issued: day(issued),
            due: day(due),
            amount,
            ..Default::default()
        })
    }

    fn pay(&mut self, invoice: InvoiceId, date: &str, amount: Money) -> PaymentId {
        let id = self.fx.id();
        let s = self.stamp();
        let entry =
            PaymentEntry { invoice, date: day(date), amount, reference: String::new(), allow_overpayment: false };
        record_payment(&mut self.fx.ws, id, entry, s).unwrap();
        id
    }

    fn plan(&mut self, subject: Subject, period_text: &str, amount: Money) -> TargetId {
        let id = self.fx.id();
        let s = self.stamp();
        set_sales_plan(&mut self.fx.ws, id, subject, period(period_text), amount, s).unwrap()
    }

    fn incentive(
        &mut self,
        name: &str,
        start: &str,
        end: &str,
        cost: Money,
        participants: &[PartnerId],
    ) -> IncentiveId {
        let id = self.fx.id();
        self.add(Incentive {
            id,
            name: name.into(),
            start: day(start),
            end: day(end),
            budget: cost,
            cost,
            participants: participants.iter().copied().collect(),
            ..Default::default()
        })
    }

    fn rating(&mut self, partner: PartnerId, date: &str, score: u32, cost: Option<Money>) {
        let id = self.fx.id();
        self.add(ServiceRating { id, partner, date: day(date), score, cost, ..Default::default() });
    }

    fn evaluation(&mut self, partner: PartnerId, period_text: &str, scores: [u32; 4], decision: PartnerDecision) {
        let id = self.fx.id();
        self.add(evaluation(id, partner, period_text, scores, decision));
    }

    fn communication(&mut self, partner: PartnerId, date: &str, subject: &str) -> CommunicationId {
        let id = self.fx.id();
        self.add(Communication {
            id,
            partner,
            at: day(date).start(),
            kind: CommunicationKind::Call,
            subject: subject.into(),
            ..Default::default()
        })
    }

    fn data(&self) -> &Tables {
        &self.fx.ws.data
    }
}

fn evaluation(
    id: PartnerEvaluationId,
    partner: PartnerId,
    period_text: &str,
    [sales, payment, service, cooperation]: [u32; 4],
    decision: PartnerDecision,
) -> PartnerEvaluation {
    PartnerEvaluation {
        id,
        partner,
        period: period(period_text),
        sales_score: sales,
        payment_score: payment,
        service_score: service,
        cooperation_score: cooperation,
        decision,
        ..Default::default()
    }
}

/// The hand-checked scenario that every report test reads; the figures quoted in the tests
/// follow from the records below.
struct Scenario {
    w: World,
    dealers: ChannelId,
    online: ChannelId,
    alpha: PartnerId,
    beta: PartnerId,
    gamma: PartnerId,
    industry: SegmentId,
    retail: SegmentId,
    food: NicheId,
    warehouses: NicheId,
    franchise: NicheId,
}

fn scenario() -> Scenario {
    let mut w = World::new();
    let dealers = w.channel("Dealers");
    let online = w.channel("Online");
    let alpha = w.partner("Alpha", Some(dealers));
    let beta = w.partner("Beta", Some(dealers));
    let gamma = w.partner("Gamma", None);

    // Plans. Dealers: a year of 365,000. Online: a quarter of 60,000 and a year of 100,000.
    // Alpha: January 10,000, February 10,000, March 12,000 and a year of 120,000. Gamma: Q1
    // 20,000 and Q2 30,000. Beta's only plan is in dollars, so reports leave it out.
    w.plan(Subject::Channel(dealers), "2026", eur(365_000));
    w.plan(Subject::Channel(online), "2026-Q1", eur(60_000));
    w.plan(Subject::Channel(online), "2026", eur(100_000));
    w.plan(Subject::Partner(alpha), "2026-01", eur(10_000));
    w.plan(Subject::Partner(alpha), "2026-02", eur(10_000));
    w.plan(Subject::Partner(alpha), "2026-03", eur(12_000));
    w.plan(Subject::Partner(alpha), "2026", eur(120_000));
    w.plan(Subject::Partner(gamma), "2026-Q1", eur(20_000));
    w.plan(Subject::Partner(gamma), "2026-Q2", eur(30_000));
    let id = w.fx.id();
    w.add(Target {
        id,
        subject: Subject::Partner(beta),
        period: period("2026"),
        metric: Metric::Revenue,
        amount: Money::units(50_000, USD),
        ..Default::default()
    });

    // Segments, niches and accounts.
    let id = w.fx.id();
    let industry =
        w.add(Segment { id, name: "Industry".into(), price_category: PriceCategory::Premium, ..Default::default() });
    let id = w.fx.id();
    let retail = w.add(Segment { id, name: "Retail chains".into(), ..Default::default() });
    let id = w.fx.id();
    let food = w.add(Niche {
        id,
        name: "Food plants".into(),
        segment: Some(industry),
        role: NicheRole::Strategic,
        estimated_size: Some(eur(400_000)),
        ..Default::default()
    });
    let id = w.fx.id();
    let warehouses = w.add(Niche {
        id,
        name: "Warehouses".into(),
        segment: Some(industry),
        role: NicheRole::Supporting,
        ..Default::default()
    });
    let id = w.fx.id();
    let franchise = w.add(Niche {
        id,
        name: "Franchise stores".into(),
        segment: Some(retail),
        role: NicheRole::Strategic,
        estimated_size: Some(Money::units(100_000, USD)),
        ..Default::default()
    });
    for (niche, status) in [(food, PlanStatus::Active), (food, PlanStatus::Done), (warehouses, PlanStatus::Draft)] {
        let id = w.fx.id();
        w.add(EntryPlan { id, niche, title: "Enter".into(), status, ..Default::default() });
    }
    use AccountStatus::{Customer, Prospect};
    let nordmill = w.account("Nordmill", Some(industry), Some(food), Customer);
    let fjord = w.account("Fjord Foods", Some(industry), Some(food), Prospect);
    let cold = w.account("Cold Store", Some(industry), Some(warehouses), Customer);
    let shopline = w.account("Shopline", Some(retail), Some(franchise), Customer);
    let loose = w.account("Loose Ltd", None, None, Prospect);

    // Deals.
    use DealStatus::{Lost, Open, Won};
    w.deal(nordmill, Won, "2026-01-15", eur(40_000), (Some(dealers), Some(alpha)));
    w.deal(cold, Won, "2026-02-10", eur(25_000), (Some(dealers), Some(beta)));
    w.deal(shopline, Won, "2026-03-03", eur(50_000), (Some(online), None));
    w.deal(nordmill, Won, "2026-03-31", eur(12_000), (Some(dealers), Some(alpha)));
    w.deal(fjord, Won, "2026-04-02", eur(99_000), (Some(online), None));
    w.deal(loose, Won, "2026-01-01", eur(7_000), (None, None));
    w.deal(fjord, Won, "2026-02-12", Money::units(5_000, USD), (Some(dealers), Some(alpha)));
    w.deal(fjord, Lost, "2026-02-20", eur(30_000), (Some(dealers), None));
    w.deal(fjord, Open, "", eur(20_000), (Some(dealers), None));
    w.deal(shopline, Open, "", eur(15_000), (Some(online), None));
    w.deal(nordmill, Won, "2025-12-10", eur(8_000), (Some(dealers), Some(alpha)));
    w.deal(nordmill, Won, "2025-10-01", eur(1_000), (Some(dealers), Some(alpha)));
    w.deal(shopline, Lost, "2026-03-15", eur(5_000), (Some(online), None));

    // Alpha's invoices and payments.
    let i1 = w.invoice(alpha, "A-1", "2026-01-20", "2026-02-19", eur(40_000));
    w.pay(i1, "2026-02-15", eur(30_000));
    w.pay(i1, "2026-04-20", eur(10_000));
    w.invoice(alpha, "A-2", "2026-03-25", "2026-04-24", eur(12_000));
    w.invoice(alpha, "A-0", "2025-12-01", "2025-12-31", eur(5_000));
    let i4 = w.invoice(alpha, "A-3", "2026-02-01", "2026-03-01", eur(3_000));
    w.pay(i4, "2026-03-05", eur(3_000));
    w.invoice(alpha, "A-4", "2026-03-16", "2026-04-15", eur(2_000));
    w.invoice(beta, "B-1", "2026-03-02", "2026-04-01", eur(8_000));

    // Service ratings of Alpha: three in the first quarter, one before it.
    w.rating(alpha, "2026-01-10", 4, Some(eur(200)));
    w.rating(alpha, "2026-02-02", 4, Some(eur(100)));
    w.rating(alpha, "2026-03-01", 5, None);
    w.rating(alpha, "2025-12-01", 1, Some(eur(900)));

    // Incentive programs.
    w.incentive("Spring promotion", "2026-02-01", "2026-03-31", eur(9_000), &[alpha, beta, gamma]);
    w.incentive("Dealer bonus", "2025-11-01", "2026-01-31", eur(2_000), &[alpha, beta]);
    w.incentive("Summer training", "2026-06-01", "2026-06-30", eur(5_000), &[alpha]);

    // Evaluations of Alpha, and its communication log.
    w.evaluation(alpha, "2025-Q4", [4, 4, 4, 4], PartnerDecision::Develop);
    w.evaluation(alpha, "2026-Q1", [3, 2, 4, 3], PartnerDecision::Warn);
    w.evaluation(alpha, "2026-Q3", [5, 5, 5, 5], PartnerDecision::Keep);
    w.communication(alpha, "2026-01-05", "Kick-off call");
    w.communication(alpha, "2026-03-30", "Quarterly review");
    w.communication(alpha, "2026-04-10", "Price list");
    w.communication(alpha, "2026-04-20", "Order follow-up");

    Scenario { w, dealers, online, alpha, beta, gamma, industry, retail, food, warehouses, franchise }
}

// ---------------------------------------------------------------------------------------------
// Payments and invoices

fn alpha_invoice(s: &Scenario, number: &str) -> InvoiceId {
    s.w.data().invoices.iter().find(|i| i.number == number).unwrap().id
}

#[test]
fn a_payment_is_recorded_against_the_invoice_for_its_partner() {
    let mut s = scenario();
    let invoice = alpha_invoice(&s, "A-2");
    let id = s.w.pay(invoice, "2026-04-01", eur(5_000));
    let payment = s.w.data().payments.get(id).unwrap();
    assert_eq!((payment.partner, payment.invoice, payment.amount), (s.alpha, Some(invoice), eur(5_000)));
    assert_eq!(invoice_balance(s.w.data(), invoice).unwrap(), (eur(5_000), eur(7_000)));
}

#[test]
fn a_payment_above_the_open_balance_is_refused_unless_allowed() {
    let mut s = scenario();
    // A-2 is 12,000; after 9,000 is paid, 3,000 is open.
    let invoice = alpha_invoice(&s, "A-2");
    s.w.pay(invoice, "2026-04-01", eur(9_000));
    let entry = |amount, allow_overpayment| PaymentEntry {
        invoice,
        date: day("2026-04-02"),
        amount,
        reference: "Wire 77".into(),
        allow_overpayment,
    };
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    assert_eq!(
        rejected(record_payment(&mut s.w.fx.ws, id, entry(eur(3_001), false), stamp)),
        "invalid record: amount: That is more than the open balance of 3,000.00 EUR"
    );
    assert!(!s.w.data().payments.contains(id));
    record_payment(&mut s.w.fx.ws, id, entry(eur(3_001), true), stamp).unwrap();
    assert_eq!(
        invoice_balance(s.w.data(), invoice).unwrap(),
        (cents(1_200_100), eur(0)),
        "open never drops below zero"
    );
}

#[test]
fn a_payment_in_another_currency_or_not_above_zero_is_refused() {
    let mut s = scenario();
    let invoice = alpha_invoice(&s, "A-2");
    let mut attempt = |amount: Money| {
        let (id, stamp) = (s.w.fx.id(), s.w.stamp());
        let entry = PaymentEntry {
            invoice,
            date: day("2026-04-02"),
            amount,
            reference: String::new(),
            allow_overpayment: true,
        };
        rejected(record_payment(&mut s.w.fx.ws, id, entry, stamp))
    };
    assert_eq!(
        attempt(Money::units(100, USD)),
        "invalid record: amount: The payment is in USD but the invoice is in EUR"
    );
    assert_eq!(attempt(eur(0)), "invalid record: amount: The amount must be above zero");
    assert_eq!(attempt(eur(-5)), "invalid record: amount: The amount must be above zero");
}

#[test]
fn a_payment_against_a_missing_invoice_is_refused() {
    let mut s = scenario();
    let (missing, id, stamp): (InvoiceId, PaymentId, Stamp) = (s.w.fx.id(), s.w.fx.id(), s.w.stamp());
    let entry = PaymentEntry {
        invoice: missing,
        date: day("2026-04-02"),
        amount: eur(1),
        reference: String::new(),
        allow_overpayment: false,
    };
    let err = record_payment(&mut s.w.fx.ws, id, entry, stamp).unwrap_err();
    assert!(matches!(&err, Error::NotFound { collection: "invoices", id } if *id == missing.to_string()), "{err}");
    assert!(matches!(invoice_balance(s.w.data(), missing), Err(Error::NotFound { collection: "invoices", .. })));
}

#[track_caller]
fn check_overdue(s: &Scenario, as_of: &str, expect: &[(&str, i32, Money)]) {
    let found: Vec<(String, i32, Money)> =
        overdue_invoices(s.w.data(), day(as_of)).into_iter().map(|o| (o.number, o.days_overdue, o.open)).collect();
    let expect: Vec<(String, i32, Money)> = expect.iter().map(|(n, d, m)| (n.to_string(), *d, *m)).collect();
    assert_eq!(found, expect, "as of {as_of}");
}

#[test]
fn overdue_invoices_count_payments_made_up_to_the_date_and_the_days_since_due() {
    let s = scenario();
    // A-0 (due 2025-12-31, unpaid): 31 + 28 + 31 + 15 = 105 days by 2026-04-15. A-1 (due
    // 2026-02-19, 30,000 of 40,000 paid by then): 9 + 31 + 15 = 55 days. B-1 (due 2026-04-01): 14.
    // A-3 was paid in full, A-2 is not due yet and A-4 is due that very day.
    check_overdue(&s, "2026-04-15", &[("A-0", 105, eur(5_000)), ("A-1", 55, eur(10_000)), ("B-1", 14, eur(8_000))]);
    // On its due date B-1 is not overdue yet; the day after, it is one day overdue.
    check_overdue(&s, "2026-04-01", &[("A-0", 91, eur(5_000)), ("A-1", 41, eur(10_000))]);
    check_overdue(&s, "2026-04-02", &[("A-0", 92, eur(5_000)), ("A-1", 42, eur(10_000)), ("B-1", 1, eur(8_000))]);
    // The last 10,000 of A-1 arrives on 2026-04-20.
    check_overdue(&s, "2026-04-20", &[("A-0", 110, eur(5_000)), ("B-1", 19, eur(8_000)), ("A-4", 5, eur(2_000))]);
    // Before 2026-02-15 nothing of A-1 was paid, but it was not due either.
    check_overdue(&s, "2026-02-01", &[("A-0", 32, eur(5_000))]);
}

// ---------------------------------------------------------------------------------------------
// The communication log

fn call(id: CommunicationId, partner: PartnerId, date: &str, follow_up: Option<&str>) -> Communication {
    Communication {
        id,
        partner,
        at: day(date).start(),
        kind: CommunicationKind::Meeting,
        subject: "Stock levels".into(),
        follow_up: follow_up.map(day),
        ..Default::default()
    }
}

#[test]
fn a_logged_communication_appears_with_its_follow_up() {
    let mut s = scenario();
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    log_communication(&mut s.w.fx.ws, call(id, s.beta, "2026-04-03", Some("2026-04-10")), stamp).unwrap();
    assert_eq!(s.w.data().communications.get(id).unwrap().follow_up, Some(day("2026-04-10")));
    let due: Vec<CommunicationId> = follow_ups_due(s.w.data(), day("2026-04-10")).iter().map(|c| c.id).collect();
    assert_eq!(due, vec![id]);
    assert!(follow_ups_due(s.w.data(), day("2026-04-09")).is_empty());
}

#[test]
fn a_communication_with_a_follow_up_before_it_or_without_partner_or_subject_is_refused() {
    let mut s = scenario();
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    assert_eq!(
        rejected(log_communication(&mut s.w.fx.ws, call(id, s.beta, "2026-04-03", Some("2026-04-02")), stamp)),
        "invalid record: follow_up: The follow-up is before the conversation on 2026-04-03"
    );
    let missing: PartnerId = s.w.fx.id();
    let mut bad = call(id, missing, "2026-04-03", None);
    bad.subject = " ".into();
    assert_eq!(
        rejected(log_communication(&mut s.w.fx.ws, bad, stamp)),
        "invalid record: partner: That partner does not exist; subject: Enter a subject"
    );
    assert!(!s.w.data().communications.contains(id));
}

#[test]
fn a_follow_up_can_be_set_moved_and_cleared_but_not_before_the_conversation() {
    let mut s = scenario();
    let id = s.w.communication(s.beta, "2026-04-03", "Catalogue");
    let stamp = s.w.stamp();
    set_follow_up(&mut s.w.fx.ws, id, Some(day("2026-04-03")), stamp).unwrap();
    assert_eq!(s.w.data().communications.get(id).unwrap().follow_up, Some(day("2026-04-03")));
    assert_eq!(
        rejected(set_follow_up(&mut s.w.fx.ws, id, Some(day("2026-04-01")), stamp)),
        "invalid record: follow_up: The follow-up is before the conversation on 2026-04-03"
    );
    set_follow_up(&mut s.w.fx.ws, id, None, stamp).unwrap();
    assert_eq!(s.w.data().communications.get(id).unwrap().follow_up, None);
    let missing: CommunicationId = s.w.fx.id();
    assert!(matches!(
        set_follow_up(&mut s.w.fx.ws, missing, None, stamp),
        Err(Error::NotFound { collection: "communications", .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Incentive programs

#[test]
fn participants_are_added_and_removed() {
    let mut s = scenario();
    let program = s.w.incentive("Autumn contest", "2026-09-01", "2026-10-31", eur(0), &[]);
    let stamp = s.w.stamp();
    add_incentive_participant(&mut s.w.fx.ws, program, s.beta, stamp).unwrap();
    add_incentive_participant(&mut s.w.fx.ws, program, s.gamma, stamp).unwrap();
    remove_incentive_participant(&mut s.w.fx.ws, program, s.beta, stamp).unwrap();
    let participants: Vec<PartnerId> =
        s.w.data().incentives.get(program).unwrap().participants.iter().copied().collect();
    assert_eq!(participants, vec![s.gamma]);
}

#[test]
fn a_participant_who_is_already_in_ended_or_outside_the_channel_is_refused() {
    let mut s = scenario();
    let program = s.w.incentive("Dealer days", "2026-09-01", "2026-10-31", eur(0), &[s.alpha]);
    let stamp = s.w.stamp();
    s.w.fx.ws.modify::<Incentive>(program, stamp, |i| i.channel = Some(s.dealers)).unwrap();
    let ended = s.w.partner("Omega", Some(s.dealers));
    s.w.fx.ws.modify::<Partner>(ended, stamp, |p| p.status = PartnerStatus::Ended).unwrap();
    let mut add = |partner| rejected(add_incentive_participant(&mut s.w.fx.ws, program, partner, stamp));
    assert_eq!(add(s.alpha), "invalid record: participants: Alpha already takes part in this program");
    assert_eq!(add(ended), "invalid record: participants: Cooperation with Omega has ended");
    assert_eq!(add(s.gamma), "invalid record: participants: Gamma is not in the program's channel");
    let missing: PartnerId = s.w.fx.id();
    assert!(matches!(
        add_incentive_participant(&mut s.w.fx.ws, program, missing, stamp),
        Err(Error::NotFound { collection: "partners", .. })
    ));
    assert_eq!(
        rejected(remove_incentive_participant(&mut s.w.fx.ws, program, s.beta, stamp)),
        "invalid record: participants: Beta does not take part in this program"
    );
    let no_program: IncentiveId = s.w.fx.id();
    assert!(matches!(
        add_incentive_participant(&mut s.w.fx.ws, no_program, s.beta, stamp),
        Err(Error::NotFound { collection: "incentives", .. })
    ));
}

#[test]
fn an_incentive_cost_is_recorded_in_the_budget_currency_and_never_negative() {
    let mut s = scenario();
    let program = s.w.incentive("Dealer days", "2026-09-01", "2026-10-31", eur(4_000), &[s.alpha]);
    let stamp = s.w.stamp();
    record_incentive_cost(&mut s.w.fx.ws, program, eur(4_250), stamp).unwrap();
    assert_eq!(s.w.data().incentives.get(program).unwrap().cost, eur(4_250));
    assert_eq!(
        rejected(record_incentive_cost(&mut s.w.fx.ws, program, eur(-1), stamp)),
        "invalid record: cost: The cost cannot be negative"
    );
    assert_eq!(
        rejected(record_incentive_cost(&mut s.w.fx.ws, program, Money::units(10, USD), stamp)),
        "invalid record: cost: The cost is in USD but the budget is in EUR"
    );
    assert_eq!(s.w.data().incentives.get(program).unwrap().cost, eur(4_250));
}

// ---------------------------------------------------------------------------------------------
// Partner evaluations

#[track_caller]
fn check_decision(
    decision: PartnerDecision,
    before: (PartnerTier, PartnerStatus),
    after: (PartnerTier, PartnerStatus),
    adjustment: Adjustment,
) {
    let mut w = World::new();
    let partner = w.partner("Delta", None);
    let stamp = w.stamp();
    w.fx.ws.modify::<Partner>(partner, stamp, |p| (p.tier, p.status) = before).unwrap();
    let id = w.fx.id();
    let done = evaluate_partner(&mut w.fx.ws, evaluation(id, partner, "2026-Q1", [3, 3, 3, 3], decision), stamp);
    assert_eq!(done.unwrap(), adjustment, "{decision:?}");
    let p = w.data().partners.get(partner).unwrap();
    assert_eq!((p.tier, p.status), after, "{decision:?}");
    assert_eq!(w.data().partner_evaluations.get(id).unwrap().decision, decision);
}

#[test]
fn each_decision_adjusts_the_partner_by_its_rule() {
    use PartnerDecision::*;
    use PartnerStatus::{Active, Ended, Probation, Prospect};
    use PartnerTier::{Gold, Platinum, Silver, Standard};
    let none = Adjustment::default();
    check_decision(Keep, (Silver, Active), (Silver, Active), none);
    check_decision(Adjust, (Silver, Probation), (Silver, Probation), none);
    check_decision(
        Develop,
        (Standard, Active),
        (Silver, Active),
        Adjustment { tier: Some((Standard, Silver)), status: None },
    );
    check_decision(
        Develop,
        (Gold, Probation),
        (Platinum, Active),
        Adjustment { tier: Some((Gold, Platinum)), status: Some((Probation, Active)) },
    );
    check_decision(
        Develop,
        (Platinum, Prospect),
        (Platinum, Active),
        Adjustment { tier: None, status: Some((Prospect, Active)) },
    );
    check_decision(
        Warn,
        (Gold, Active),
        (Gold, Probation),
        Adjustment { tier: None, status: Some((Active, Probation)) },
    );
    check_decision(Warn, (Gold, Probation), (Gold, Probation), none);
    check_decision(
        End,
        (Silver, Probation),
        (Silver, Ended),
        Adjustment { tier: None, status: Some((Probation, Ended)) },
    );
}

#[test]
fn a_second_evaluation_for_a_period_bad_scores_and_ended_partners_are_refused() {
    let mut s = scenario();
    let stamp = s.w.stamp();
    let id = s.w.fx.id();
    assert_eq!(
        rejected(evaluate_partner(
            &mut s.w.fx.ws,
            evaluation(id, s.alpha, "2026-Q1", [0, 3, 3, 6], PartnerDecision::Keep),
            stamp
        )),
        "invalid record: sales_score: Score from 1 to 5; cooperation_score: Score from 1 to 5; \
         period: Alpha already has an evaluation for 2026-Q1"
    );
    assert!(!s.w.data().partner_evaluations.contains(id));
    evaluate_partner(&mut s.w.fx.ws, evaluation(id, s.beta, "2026-Q1", [1, 1, 1, 1], PartnerDecision::End), stamp)
        .unwrap();
    let again = s.w.fx.id();
    assert_eq!(
        rejected(evaluate_partner(
            &mut s.w.fx.ws,
            evaluation(again, s.beta, "2026-Q2", [3, 3, 3, 3], PartnerDecision::Develop),
            stamp
        )),
        "Cooperation with Beta has ended; it is not evaluated"
    );
    assert_eq!(s.w.data().partners.get(s.beta).unwrap().tier, PartnerTier::Standard);
    let missing: PartnerId = s.w.fx.id();
    assert!(matches!(
        evaluate_partner(
            &mut s.w.fx.ws,
            evaluation(again, missing, "2026-Q2", [3, 3, 3, 3], PartnerDecision::Keep),
            stamp
        ),
        Err(Error::NotFound { collection: "partners", .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Conditions

fn condition(id: ConditionId, channel: ChannelId, tier: Option<PartnerTier>, from: &str, to: &str) -> Condition {
    let date = |text: &str| (!text.is_empty()).then(|| day(text));
    Condition {
        id,
        channel,
        tier,
        discount_bp: 1_500,
        payment_terms_days: 30,
        valid_from: date(from),
        valid_to: date(to),
        ..Default::default()
    }
}

#[test]
fn conditions_may_not_overlap_for_one_channel_and_tier() {
    let mut s = scenario();
    let gold = Some(PartnerTier::Gold);
    let stamp = s.w.stamp();
    let set = |w: &mut World, tier, from: &str, to: &str| {
        let id = w.fx.id();
        set_condition(&mut w.fx.ws, condition(id, s.dealers, tier, from, to), stamp).map(|_| id)
    };
    let year = set(&mut s.w, gold, "2026-01-01", "2026-12-31").unwrap();
    assert_eq!(
        rejected(set(&mut s.w, gold, "2026-12-31", "")),
        "invalid record: valid_from: Dealers already has conditions for Gold partners from 2026-01-01 to 2026-12-31"
    );
    assert_eq!(
        rejected(set(&mut s.w, gold, "", "2026-01-01")),
        "invalid record: valid_from: Dealers already has conditions for Gold partners from 2026-01-01 to 2026-12-31"
    );
    // The day after, another tier, and conditions for every tier are all free.
    set(&mut s.w, gold, "2027-01-01", "").unwrap();
    set(&mut s.w, Some(PartnerTier::Silver), "2026-06-01", "2026-06-30").unwrap();
    let every = set(&mut s.w, None, "", "").unwrap();
    assert_eq!(
        rejected(set(&mut s.w, None, "2030-01-01", "2030-12-31")),
        "invalid record: valid_from: Dealers already has conditions for every tier with no end date"
    );
    // Changing a condition's own window does not clash with itself.
    let mut longer = s.w.data().conditions.get(year).unwrap().clone();
    longer.valid_from = Some(day("2025-07-01"));
    longer.discount_bp = 2_000;
    set_condition(&mut s.w.fx.ws, longer, stamp).unwrap();
    assert_eq!(s.w.data().conditions.get(year).unwrap().discount_bp, 2_000);

    let found = |tier, date| condition_for(s.w.data(), s.dealers, tier, day(date)).map(|c| c.id);
    assert_eq!(found(PartnerTier::Gold, "2026-03-01"), Some(year));
    assert_eq!(found(PartnerTier::Standard, "2026-03-01"), Some(every));
    assert_eq!(condition_for(s.w.data(), s.online, PartnerTier::Gold, day("2026-03-01")), None);
}

#[test]
fn conditions_with_bad_values_are_refused_with_every_problem() {
    let mut s = scenario();
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    let mut bad = condition(id, s.dealers, None, "2026-05-01", "2026-04-01");
    bad.discount_bp = 12_000;
    assert_eq!(
        rejected(set_condition(&mut s.w.fx.ws, bad, stamp)),
        "invalid record: discount_bp: A discount is between 0% and 100%; valid_to: The end is before the start"
    );
    assert!(s.w.data().conditions.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Sales plans

#[test]
fn a_sales_plan_is_created_once_per_subject_and_period_and_then_changed() {
    let mut s = scenario();
    let first = s.w.plan(Subject::Partner(s.beta), "2026-Q3", eur(15_000));
    let second = s.w.plan(Subject::Partner(s.beta), "2026-Q3", eur(18_000));
    assert_eq!(first, second, "the existing plan is changed, not duplicated");
    let target = s.w.data().targets.get(first).unwrap();
    assert_eq!((target.metric, target.amount), (Metric::Revenue, eur(18_000)));
}

#[test]
fn a_sales_plan_for_another_subject_currency_or_amount_is_refused() {
    let mut s = scenario();
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    let q3 = period("2026-Q3");
    let missing: ChannelId = s.w.fx.id();
    let mut set = |subject, amount| rejected(set_sales_plan(&mut s.w.fx.ws, id, subject, q3, amount, stamp));
    assert_eq!(
        set(Subject::Company, eur(1)),
        "invalid record: subject: A sales plan is set for a channel or a partner"
    );
    assert_eq!(
        set(Subject::Channel(s.online), Money::units(1, USD)),
        "invalid record: amount: Plans are in the workspace currency, EUR"
    );
    assert_eq!(set(Subject::Channel(s.online), eur(0)), "invalid record: amount: Enter an amount above zero");
    assert_eq!(set(Subject::Channel(missing), eur(10)), "invalid record: subject: The target's subject does not exist");
}

// ---------------------------------------------------------------------------------------------
// Report: plan versus actual

#[track_caller]
fn check_plan(data: &Tables, subject: Subject, period_text: &str, minor: i64) {
    let plans = revenue_targets(data, EUR);
    assert_eq!(plan_of(&plans, subject, period(period_text), EUR), cents(minor), "{subject} {period_text}");
}

#[test]
fn plans_count_exact_targets_then_all_their_parts_then_a_pro_rated_share_of_a_longer_one() {
    let s = scenario();
    let data = s.w.data();
    assert_eq!(targets_in_other_currency(data, EUR), 1, "Beta's dollar plan");
    let (dealers, online) = (Subject::Channel(s.dealers), Subject::Channel(s.online));
    let (alpha, beta, gamma) = (Subject::Partner(s.alpha), Subject::Partner(s.beta), Subject::Partner(s.gamma));
    // Dealers has only a year of 365,000.00: a 90-day quarter gets 90,000.00, February 28,000.00.
    check_plan(data, dealers, "2026", 36_500_000);
    check_plan(data, dealers, "2026-Q1", 9_000_000);
    check_plan(data, dealers, "2026-02", 2_800_000);
    // Online's own Q1 counts; its months share it by days (60,000.00 x 31/90 = 20,666.67); Q2
    // takes 91/365 of the year's 100,000.00 = 24,931.51.
    check_plan(data, online, "2026-Q1", 6_000_000);
    check_plan(data, online, "2026-01", 2_066_667);
    check_plan(data, online, "2026-02", 1_866_667);
    check_plan(data, online, "2026-Q2", 2_493_151);
    check_plan(data, online, "2026", 10_000_000);
    // Alpha's Q1 is the sum of its three months, 10,000 + 10,000 + 12,000; its Q2, without
    // months, is 91/365 of its year's 120,000.00 = 29,917.81.
    check_plan(data, alpha, "2026-Q1", 3_200_000);
    check_plan(data, alpha, "2026-Q2", 2_991_781);
    check_plan(data, alpha, "2026", 12_000_000);
    check_plan(data, gamma, "2026-Q3", 0);
    check_plan(data, beta, "2026", 0);
}

fn figures(plan: i64, actual: i64, attainment_bp: i64) -> Figures {
    Figures { plan: cents(plan), actual: cents(actual), variance: cents(actual - plan), attainment_bp }
}

#[test]
fn plan_versus_actual_per_channel_and_partner_for_a_quarter() {
    let s = scenario();
    let report = plan_actual(s.w.data(), period("2026-Q1"));
    assert_eq!(report.currency, EUR);
    // The dollar deal of Alpha and Beta's dollar plan are left out.
    assert_eq!(report.other_currency, 2);

    // Dealers won 40,000 (Jan 15) + 25,000 (Feb 10) + 12,000 (Mar 31) = 77,000 against 90,000:
    // 8,556 bp. Online won 50,000 (Mar 3) against its own 60,000: 8,333 bp.
    let channels = &report.channels;
    let names: Vec<&str> = channels.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["Dealers", "Online"]);
    let (dealers, online) = (&channels.rows[0], &channels.rows[1]);
    assert_eq!((dealers.subject, dealers.deals_won), (Subject::Channel(s.dealers), 3));
    assert_eq!(dealers.figures, figures(9_000_000, 7_700_000, 8_556));
    assert_eq!(online.figures, figures(6_000_000, 5_000_000, 8_333));
    // Months: Dealers' plan is the year's share by days, Online's the quarter's share.
    let month_figures = |row: &quota_core::reports::plan_actual::PlanActualRow| -> Vec<Figures> {
        row.months.iter().map(|m| m.figures).collect()
    };
    assert_eq!(
        month_figures(dealers),
        vec![
            figures(3_100_000, 4_000_000, 12_903),
            figures(2_800_000, 2_500_000, 8_929),
            figures(3_100_000, 1_200_000, 3_871)
        ]
    );
    assert_eq!(
        month_figures(online),
        vec![figures(2_066_667, 0, 0), figures(1_866_667, 0, 0), figures(2_066_667, 5_000_000, 24_194)]
    );
    // Totals: 150,000 planned, 127,000 won: 8,467 bp. The 7,000 won through no channel is apart.
    assert_eq!(channels.total, figures(15_000_000, 12_700_000, 8_467));
    let month_totals: Vec<Figures> = channels.months.iter().map(|m| m.figures).collect();
    assert_eq!(
        month_totals,
        vec![
            figures(5_166_667, 4_000_000, 7_742),
            figures(4_666_667, 2_500_000, 5_357),
            figures(5_166_667, 6_200_000, 12_000)
        ]
    );
    assert_eq!(channels.months[2].month, period("2026-03"));
    assert_eq!(channels.unattributed, eur(7_000));

    // Partners: Alpha 52,000 against 32,000 (16,250 bp); Beta 25,000 without a plan; Gamma
    // nothing against 20,000. Won through no partner: 50,000 + 7,000.
    let partners = &report.partners;
    let rows: Vec<(&str, Figures, usize)> =
        partners.rows.iter().map(|r| (r.name.as_str(), r.figures, r.deals_won)).collect();
    assert_eq!(
        rows,
        vec![
            ("Alpha", figures(3_200_000, 5_200_000, 16_250), 2),
            ("Beta", figures(0, 2_500_000, 0), 1),
            ("Gamma", figures(2_000_000, 0, 0), 0),
        ]
    );
    // 77,000 against 52,000: 14,808 bp.
    assert_eq!(partners.total, figures(5_200_000, 7_700_000, 14_808));
    let alpha_months: Vec<Figures> = partners.rows[0].months.iter().map(|m| m.figures).collect();
    assert_eq!(
        alpha_months,
        vec![figures(1_000_000, 4_000_000, 40_000), figures(1_000_000, 0, 0), figures(1_200_000, 1_200_000, 10_000)]
    );
    assert_eq!(partners.unattributed, eur(57_000));
    // Gamma's quarter shared by days: 20,000.00 x 31/90 = 6,888.89 in January.
    assert_eq!(partners.rows[2].months[0].figures, figures(688_889, 0, 0));
}

#[test]
fn a_plan_versus_actual_for_a_month_of_a_channel_without_deals_shows_the_plan() {
    let s = scenario();
    let report = plan_actual(s.w.data(), period("2026-05"));
    // May: Dealers 365,000 x 31/365 = 31,000; Online 100,000 x 31/365 = 8,493.15; nothing won.
    let rows: Vec<Figures> = report.channels.rows.iter().map(|r| r.figures).collect();
    assert_eq!(rows, vec![figures(3_100_000, 0, 0), figures(849_315, 0, 0)]);
    // Alpha's May is its year's share (120,000 x 31/365 = 10,191.78); Gamma's is Q2's 30,000
    // x 31/91 = 10,219.78.
    let partners: Vec<(&str, i64)> =
        report.partners.rows.iter().map(|r| (r.name.as_str(), r.figures.plan.minor)).collect();
    assert_eq!(partners, vec![("Alpha", 1_019_178), ("Gamma", 1_021_978)]);
    assert_eq!(report.channels.months.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Report: partner scorecards

#[test]
fn a_partner_scorecard_for_a_quarter() {
    let s = scenario();
    let card = scorecard(s.w.data(), s.alpha, period("2026-Q1"), day("2026-04-15")).unwrap();
    assert_eq!((card.name.as_str(), card.channel), ("Alpha", Some(s.dealers)));
    // Won Jan 15 (40,000) and Mar 31 (12,000); the dollar deal is left out. Plan 10,000 +
    // 10,000 + 12,000 for the three months.
    assert_eq!((card.sales, card.deals_won, card.plan, card.attainment_bp), (eur(52_000), 2, eur(32_000), 16_250));
    // Issued in Q1: A-1 (40,000), A-3 (3,000), A-4 (2,000), A-2 (12,000). Paid in Q1: 30,000
    // and 3,000.
    assert_eq!((card.invoices_issued, card.invoiced), (4, eur(57_000)));
    assert_eq!((card.payments_received, card.paid), (2, eur(33_000)));
    // As of Apr 15: A-0 (5,000, 105 days) and the rest of A-1 (10,000, 55 days); A-4 falls due
    // that day.
    assert_eq!((card.overdue, card.overdue_invoices, card.oldest_overdue_days), (eur(15_000), 2, 105));
    // Ratings in Q1: 4, 4 and 5, averaging 4.33; cost 200 + 100. December's 1 is outside.
    assert_eq!((card.service_score_hundredths, card.service_ratings, card.service_cost), (Some(433), 3, eur(300)));
    // Programs running in Q1: the spring promotion (9,000 / 3 = 3,000) and the dealer bonus
    // (2,000 / 2 = 1,000); the summer training runs later. Revenue while they ran: Dec 10
    // (8,000), Jan 15 (40,000) and Mar 31 (12,000, the promotion's last day) = 60,000, 15 times the cost.
    assert_eq!((card.incentives, card.incentive_cost, card.incentive_revenue), (2, eur(4_000), eur(60_000)));
    assert_eq!(card.incentive_return_bp, 150_000);
    // The Q3 evaluation has not started by Apr 15; Q1's is the latest: (3+2+4+3)/4 = 3.00.
    let latest = card.latest_evaluation.unwrap();
    assert_eq!(
        (latest.period, latest.decision, latest.overall_hundredths),
        (period("2026-Q1"), PartnerDecision::Warn, 300)
    );
    // Two calls in Q1; the last contact by Apr 15 was Apr 10.
    assert_eq!((card.communications, card.last_contact), (2, Some(day("2026-04-10"))));
}

#[test]
fn scorecards_cover_every_partner_and_sort_by_any_column() {
    let s = scenario();
    let mut cards = scorecards(s.w.data(), period("2026-Q1"), day("2026-04-15"));
    let names = |cards: &quota_core::reports::scorecard::Scorecards| -> Vec<String> {
        cards.rows.iter().map(|c| c.name.clone()).collect()
    };
    assert_eq!(names(&cards), vec!["Alpha", "Beta", "Gamma"]);
    // Beta's dollar plan and Alpha's dollar deal.
    assert_eq!(cards.other_currency, 2);
    let beta = &cards.rows[1];
    // Beta: 25,000 won on Feb 10 during the spring promotion; its share of the programs is
    // 3,000 + 1,000, so the return is 6.25 times. B-1 (8,000) is 14 days overdue.
    assert_eq!((beta.sales, beta.plan, beta.attainment_bp), (eur(25_000), eur(0), 0));
    assert_eq!((beta.incentive_cost, beta.incentive_return_bp), (eur(4_000), 62_500));
    assert_eq!((beta.overdue, beta.overdue_invoices, beta.oldest_overdue_days), (eur(8_000), 1, 14));
    assert_eq!((beta.service_score_hundredths, beta.last_contact, beta.latest_evaluation), (None, None, None));
    let gamma = &cards.rows[2];
    assert_eq!((gamma.incentive_cost, gamma.incentive_revenue, gamma.incentive_return_bp), (eur(3_000), eur(0), 0));

    cards.sort(ScorecardOrder::Overdue, true);
    assert_eq!(names(&cards), vec!["Alpha", "Beta", "Gamma"]);
    cards.sort(ScorecardOrder::Sales, false);
    assert_eq!(names(&cards), vec!["Gamma", "Beta", "Alpha"]);
    cards.sort(ScorecardOrder::IncentiveReturn, true);
    assert_eq!(names(&cards), vec!["Alpha", "Beta", "Gamma"]);
    cards.sort(ScorecardOrder::Name, true);
    assert_eq!(names(&cards), vec!["Gamma", "Beta", "Alpha"]);
    // Ties (no contact for Beta and Gamma) fall back to the name.
    cards.sort(ScorecardOrder::LastContact, false);
    assert_eq!(names(&cards), vec!["Beta", "Gamma", "Alpha"]);
}

#[test]
fn a_scorecard_for_a_missing_partner_is_refused() {
    let mut s = scenario();
    let missing: PartnerId = s.w.fx.id();
    assert!(matches!(
        scorecard(s.w.data(), missing, period("2026-Q1"), day("2026-04-15")),
        Err(Error::NotFound { collection: "partners", .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Report: segments and niches

#[test]
fn segment_and_niche_performance_for_a_quarter() {
    let s = scenario();
    let report = segment_performance(s.w.data(), period("2026-Q1"));
    // The dollar deal won in February and the dollar size of Franchise stores.
    assert_eq!(report.other_currency, 2);

    // Industry: Nordmill, Fjord Foods, Cold Store (two customers). Won in Q1: Nordmill 40,000 and
    // 12,000, Cold Store 25,000 = 77,000 from two buying accounts; lost: Fjord's 30,000 in Feb;
    // open: Fjord's 20,000. Win rate 3 of 4; average 77,000 / 3 = 25,666.67.
    let industry = &report.segments[0];
    assert_eq!((industry.segment, industry.name.as_str()), (s.industry, "Industry"));
    assert_eq!(industry.price_category, PriceCategory::Premium);
    let p = industry.performance;
    assert_eq!((p.accounts, p.customers, p.buying_accounts), (3, 2, 2));
    assert_eq!((p.revenue, p.deals_won, p.deals_lost), (eur(77_000), 3, 1));
    assert_eq!(
        (p.open_pipeline, p.open_deals, p.win_rate_bp, p.average_deal),
        (eur(20_000), 1, 7_500, cents(2_566_667))
    );
    // Retail chains: Shopline won 50,000 and lost 5,000 in Q1, with 15,000 open.
    let retail = &report.segments[1];
    assert_eq!(retail.segment, s.retail);
    let p = retail.performance;
    assert_eq!(
        (p.accounts, p.customers, p.buying_accounts, p.revenue, p.deals_won, p.deals_lost),
        (1, 1, 1, eur(50_000), 1, 1)
    );
    assert_eq!((p.open_pipeline, p.win_rate_bp, p.average_deal), (eur(15_000), 5_000, eur(50_000)));
    // Loose Ltd has no segment and no niche: 7,000 won on Jan 1.
    for p in [report.without_segment, report.without_niche] {
        assert_eq!(
            (p.accounts, p.customers, p.buying_accounts, p.revenue, p.win_rate_bp),
            (1, 0, 1, eur(7_000), 10_000)
        );
    }

    // Niches: the strategic ones first.
    let order: Vec<NicheId> = report.niches.iter().map(|n| n.niche).collect();
    assert_eq!(order, vec![s.food, s.franchise, s.warehouses]);
    // Food plants (Nordmill, Fjord Foods): 52,000 won, one lost, 20,000 open; win rate 2 of 3.
    // Its 400,000 a year is 400,000 x 90/365 = 98,630.14 for the quarter: 5,272 bp reached.
    let food = &report.niches[0];
    assert_eq!(
        (food.role, food.segment, food.estimated_size),
        (NicheRole::Strategic, Some(s.industry), Some(eur(400_000)))
    );
    assert_eq!((food.period_potential, food.penetration_bp), (Some(cents(9_863_014)), Some(5_272)));
    let p = food.performance;
    assert_eq!((p.accounts, p.customers, p.buying_accounts, p.revenue, p.deals_won), (2, 1, 1, eur(52_000), 2));
    assert_eq!((p.deals_lost, p.open_pipeline, p.win_rate_bp, p.average_deal), (1, eur(20_000), 6_667, eur(26_000)));
    use PlanStatus::{Active, Done, Draft, Dropped};
    assert_eq!(food.entry_plans, vec![(Draft, 0), (Active, 1), (Done, 1), (Dropped, 0)]);
    // Franchise stores has its size in dollars, so no penetration.
    let franchise = &report.niches[1];
    assert_eq!((franchise.period_potential, franchise.penetration_bp), (None, None));
    assert_eq!(franchise.performance.revenue, eur(50_000));
    // Warehouses: Cold Store's 25,000, no size, one draft plan.
    let warehouses = &report.niches[2];
    assert_eq!(
        (warehouses.role, warehouses.performance.revenue, warehouses.penetration_bp),
        (NicheRole::Supporting, eur(25_000), None)
    );
    assert_eq!(warehouses.entry_plans, vec![(Draft, 1), (Active, 0), (Done, 0), (Dropped, 0)]);
}

#[test]
fn over_a_year_a_niche_is_measured_against_its_whole_estimated_size() {
    let s = scenario();
    let report = segment_performance(s.w.data(), period("2026"));
    let food = report.niches.iter().find(|n| n.niche == s.food).unwrap();
    // 2026 adds Fjord's 99,000 won on Apr 2: 151,000 of 400,000 = 3,775 bp.
    assert_eq!(
        (food.period_potential, food.performance.revenue, food.penetration_bp),
        (Some(eur(400_000)), eur(151_000), Some(3_775))
    );
}

// ---------------------------------------------------------------------------------------------
// Concurrent edits

/// Copies every document of `from` into `to` by merging, as sync would.
fn merge_all(to: &mut Fx, from: &Fx) {
    let names: Vec<DocName> = from.ws.loaded().collect();
    for name in names {
        let mut theirs = from.ws.doc(name).unwrap().clone();
        to.ws.apply(name, |doc| doc.merge(&mut theirs).unwrap()).unwrap();
    }
}

/// The scenario on one device, and a second device that has synced it.
fn two_devices() -> (Scenario, Fx) {
    let s = scenario();
    let mut b = Fx::with_actor(2);
    merge_all(&mut b, &s.w.fx);
    (s, b)
}

/// Syncs both ways and returns the record, checking that both devices see the same.
fn merged<R: Record + std::fmt::Debug>(a: &mut Fx, b: &mut Fx, id: R::Id) -> R
where
    Tables: HasTable<R>,
{
    merge_all(a, b);
    merge_all(b, a);
    let mine: &R = HasTable::<R>::table(&a.ws.data).get(id).unwrap();
    let theirs: &R = HasTable::<R>::table(&b.ws.data).get(id).unwrap();
    assert_eq!(mine, theirs, "both devices agree");
    mine.clone()
}

#[test]
fn concurrent_payment_edits_of_different_fields_both_survive_and_of_one_field_agree() {
    let (mut s, mut b) = two_devices();
    let id = s.w.data().payments.iter().next().unwrap().id;
    let stamp = s.w.stamp();
    s.w.fx.ws.modify::<Payment>(id, stamp, |p| p.reference = "Wire 12".into()).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<Payment>(id, stamp, |p| p.date = day("2026-02-16")).unwrap();
    let payment: Payment = merged(&mut s.w.fx, &mut b, id);
    assert_eq!((payment.reference.as_str(), payment.date), ("Wire 12", day("2026-02-16")));

    let stamp = s.w.stamp();
    s.w.fx.ws.modify::<Payment>(id, stamp, |p| p.amount = eur(29_000)).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<Payment>(id, stamp, |p| p.amount = eur(28_000)).unwrap();
    let payment: Payment = merged(&mut s.w.fx, &mut b, id);
    assert!([eur(29_000), eur(28_000)].contains(&payment.amount));
}

#[test]
fn concurrent_communication_edits_of_different_fields_both_survive_and_of_one_field_agree() {
    let (mut s, mut b) = two_devices();
    let id = s.w.data().communications.iter().next().unwrap().id;
    let stamp = s.w.stamp();
    set_follow_up(&mut s.w.fx.ws, id, Some(day("2026-01-12")), stamp).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<Communication>(id, stamp, |c| c.notes = LongText::from("Wants a demo unit.")).unwrap();
    let c: Communication = merged(&mut s.w.fx, &mut b, id);
    assert_eq!((c.follow_up, c.notes.as_str()), (Some(day("2026-01-12")), "Wants a demo unit."));

    let stamp = s.w.stamp();
    set_follow_up(&mut s.w.fx.ws, id, Some(day("2026-01-20")), stamp).unwrap();
    let stamp = b.stamp();
    set_follow_up(&mut b.ws, id, Some(day("2026-01-21")), stamp).unwrap();
    let c: Communication = merged(&mut s.w.fx, &mut b, id);
    assert!([Some(day("2026-01-20")), Some(day("2026-01-21"))].contains(&c.follow_up));
}

#[test]
fn concurrent_incentive_edits_keep_both_new_participants_and_agree_on_the_cost() {
    let (mut s, mut b) = two_devices();
    let id = s.w.data().incentives.iter().find(|i| i.name == "Summer training").unwrap().id;
    let stamp = s.w.stamp();
    add_incentive_participant(&mut s.w.fx.ws, id, s.beta, stamp).unwrap();
    let stamp = b.stamp();
    add_incentive_participant(&mut b.ws, id, s.gamma, stamp).unwrap();
    record_incentive_cost(&mut b.ws, id, eur(4_800), stamp).unwrap();
    let program: Incentive = merged(&mut s.w.fx, &mut b, id);
    let participants: Vec<PartnerId> = program.participants.iter().copied().collect();
    let mut expect = vec![s.alpha, s.beta, s.gamma];
    expect.sort();
    assert_eq!((participants, program.cost), (expect, eur(4_800)));

    let stamp = s.w.stamp();
    record_incentive_cost(&mut s.w.fx.ws, id, eur(5_100), stamp).unwrap();
    let stamp = b.stamp();
    record_incentive_cost(&mut b.ws, id, eur(5_200), stamp).unwrap();
    let program: Incentive = merged(&mut s.w.fx, &mut b, id);
    assert!([eur(5_100), eur(5_200)].contains(&program.cost));
}

#[test]
fn concurrent_partner_edits_keep_an_evaluation_s_adjustment_and_agree_on_the_tier() {
    let (mut s, mut b) = two_devices();
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    evaluate_partner(&mut s.w.fx.ws, evaluation(id, s.beta, "2026-Q1", [2, 2, 2, 2], PartnerDecision::Warn), stamp)
        .unwrap();
    let stamp = b.stamp();
    b.ws.modify::<Partner>(s.beta, stamp, |p| p.phone = "+47 22 00 00 00".into()).unwrap();
    let beta: Partner = merged(&mut s.w.fx, &mut b, s.beta);
    assert_eq!((beta.status, beta.phone.as_str()), (PartnerStatus::Probation, "+47 22 00 00 00"));

    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    evaluate_partner(&mut s.w.fx.ws, evaluation(id, s.gamma, "2026-Q1", [5, 5, 5, 5], PartnerDecision::Develop), stamp)
        .unwrap();
    let stamp = b.stamp();
    b.ws.modify::<Partner>(s.gamma, stamp, |p| p.tier = PartnerTier::Gold).unwrap();
    let gamma: Partner = merged(&mut s.w.fx, &mut b, s.gamma);
    assert!([PartnerTier::Silver, PartnerTier::Gold].contains(&gamma.tier));
}

#[test]
fn concurrent_evaluation_edits_of_different_fields_both_survive_and_of_one_field_agree() {
    let (mut s, mut b) = two_devices();
    let id = s.w.data().partner_evaluations.iter().next().unwrap().id;
    let stamp = s.w.stamp();
    s.w.fx.ws.modify::<PartnerEvaluation>(id, stamp, |e| e.adjustments = LongText::from("Extra training.")).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<PartnerEvaluation>(id, stamp, |e| e.sales_score = 5).unwrap();
    let e: PartnerEvaluation = merged(&mut s.w.fx, &mut b, id);
    assert_eq!((e.adjustments.as_str(), e.sales_score), ("Extra training.", 5));

    let stamp = s.w.stamp();
    s.w.fx.ws.modify::<PartnerEvaluation>(id, stamp, |e| e.decision = PartnerDecision::Adjust).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<PartnerEvaluation>(id, stamp, |e| e.decision = PartnerDecision::Keep).unwrap();
    let e: PartnerEvaluation = merged(&mut s.w.fx, &mut b, id);
    assert!([PartnerDecision::Adjust, PartnerDecision::Keep].contains(&e.decision));
}

#[test]
fn concurrent_condition_edits_of_different_fields_both_survive_and_of_one_field_agree() {
    let (mut s, mut b) = two_devices();
    let (id, stamp) = (s.w.fx.id(), s.w.stamp());
    set_condition(&mut s.w.fx.ws, condition(id, s.online, None, "2026-01-01", ""), stamp).unwrap();
    merge_all(&mut b, &s.w.fx);
    let mut mine = s.w.data().conditions.get(id).unwrap().clone();
    let mut theirs = mine.clone();
    mine.discount_bp = 2_500;
    theirs.payment_terms_days = 60;
    set_condition(&mut s.w.fx.ws, mine.clone(), stamp).unwrap();
    let stamp = b.stamp();
    set_condition(&mut b.ws, theirs.clone(), stamp).unwrap();
    let c: Condition = merged(&mut s.w.fx, &mut b, id);
    assert_eq!((c.discount_bp, c.payment_terms_days), (2_500, 60));

    mine = c.clone();
    theirs = c;
    mine.discount_bp = 1_000;
    theirs.discount_bp = 1_200;
    let stamp = s.w.stamp();
    set_condition(&mut s.w.fx.ws, mine, stamp).unwrap();
    let stamp = b.stamp();
    set_condition(&mut b.ws, theirs, stamp).unwrap();
    let c: Condition = merged(&mut s.w.fx, &mut b, id);
    assert!([1_000, 1_200].contains(&c.discount_bp));
}

#[test]
fn concurrent_sales_plan_edits_of_different_fields_both_survive_and_of_one_field_agree() {
    let (mut s, mut b) = two_devices();
    let id = s.w.data().targets.iter().find(|t| t.subject == Subject::Channel(s.dealers)).unwrap().id;
    let year = period("2026");
    let (new_id, stamp) = (s.w.fx.id(), s.w.stamp());
    set_sales_plan(&mut s.w.fx.ws, new_id, Subject::Channel(s.dealers), year, eur(400_000), stamp).unwrap();
    let stamp = b.stamp();
    b.ws.modify::<Target>(id, stamp, |t| t.notes = LongText::from("Includes the new dealers.")).unwrap();
    let plan: Target = merged(&mut s.w.fx, &mut b, id);
    assert_eq!((plan.amount, plan.notes.as_str()), (eur(400_000), "Includes the new dealers."));

    let stamp = s.w.stamp();
    set_sales_plan(&mut s.w.fx.ws, new_id, Subject::Channel(s.dealers), year, eur(410_000), stamp).unwrap();
    let (other_id, stamp): (TargetId, Stamp) = (b.id(), b.stamp());
    set_sales_plan(&mut b.ws, other_id, Subject::Channel(s.dealers), year, eur(420_000), stamp).unwrap();
    let plan: Target = merged(&mut s.w.fx, &mut b, id);
    assert!([eur(410_000), eur(420_000)].contains(&plan.amount));
    assert_eq!(s.w.data().targets.len(), b.ws.data.targets.len(), "no second plan was created");
}
