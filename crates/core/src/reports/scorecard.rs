//! Report: partner scorecards for a period: sales against plan, invoices, payments and overdue
//! amounts, service quality and cost, incentive cost and return, the latest evaluation and the
//! communication log.
//!
//! Flows (sales, invoices, payments, ratings, communications) count within the period; standing
//! facts (overdue invoices, the latest evaluation, the last contact) are taken as of a date.

use std::cmp::Ordering;

use crate::channel::{
    ChannelId, PartnerDecision, PartnerEvaluationId, PartnerId, PartnerKind, PartnerStatus, PartnerTier,
};
use crate::collection::Tables;
use crate::commands::channels::InvoicePayments;
use crate::date::{Date, Period};
use crate::error::{Error, Result};
use crate::management::Subject;
use crate::money::{Currency, Money, mul_div_round};
use crate::reports::basis_points;
use crate::reports::forecast::{revenue_targets, workspace_currency};
use crate::reports::plan_actual::{IdMap, plan_of, targets_in_other_currency};
use crate::reports::won_on;

/// The latest evaluation of a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvaluationSummary {
    pub id: PartnerEvaluationId,
    pub period: Period,
    pub decision: PartnerDecision,
    /// The average of its four scores, in hundredths (350 = 3.50).
    pub overall_hundredths: u32,
}

/// One partner's scorecard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scorecard {
    pub partner: PartnerId,
    pub name: String,
    pub kind: PartnerKind,
    pub tier: PartnerTier,
    pub status: PartnerStatus,
    pub channel: Option<ChannelId>,
    /// Revenue of deals won through the partner in the period.
    pub sales: Money,
    pub deals_won: usize,
    /// The partner's sales plan for the period (see [`plan_of`]).
    pub plan: Money,
    /// Sales as a share of plan, in basis points; zero without a plan.
    pub attainment_bp: i64,
    /// Invoices issued in the period: their number and total.
    pub invoices_issued: usize,
    pub invoiced: Money,
    /// Payments dated in the period: their number and total.
    pub payments_received: usize,
    pub paid: Money,
    /// What is open on invoices overdue as of the date, on how many, and the most days overdue.
    pub overdue: Money,
    pub overdue_invoices: usize,
    pub oldest_overdue_days: i32,
    /// The average service-quality score of ratings dated in the period, in hundredths (1 to 5
    /// becomes 100 to 500); `None` without ratings.
    pub service_score_hundredths: Option<u32>,
    pub service_ratings: usize,
    /// The service cost recorded on those ratings.
    pub service_cost: Money,
    /// The incentive programs running during the period that the partner takes part in.
    pub incentives: usize,
    /// The partner's share of those programs' cost: each program's cost split evenly among its
    /// participants.
    pub incentive_cost: Money,
    /// Revenue won through the partner while at least one of those programs ran (each deal
    /// counted once, even when programs overlap), whether or not inside the period.
    pub incentive_revenue: Money,
    /// Incentive revenue per unit of incentive cost, in basis points (30,000 = three times the
    /// cost); zero without cost.
    pub incentive_return_bp: i64,
    /// The evaluation with the latest period that started on or before the date.
    pub latest_evaluation: Option<EvaluationSummary>,
    /// Communications logged in the period.
    pub communications: usize,
    /// The day of the last communication on or before the date.
    pub last_contact: Option<Date>,
}

/// Scorecards for every partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scorecards {
    pub period: Period,
    pub as_of: Date,
    pub currency: Currency,
    /// By name, until sorted otherwise with [`Scorecards::sort`].
    pub rows: Vec<Scorecard>,
    /// Records in another currency, left out.
    pub other_currency: usize,
}

/// What a list of scorecards can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScorecardOrder {
    Name,
    Sales,
    Attainment,
    Overdue,
    OldestOverdue,
    ServiceScore,
    IncentiveReturn,
    LastContact,
}

impl Scorecards {
    /// Sorts the rows, ties broken by name; `descending` puts the largest (or latest) first.
    pub fn sort(&mut self, order: ScorecardOrder, descending: bool) {
        let key = |a: &Scorecard, b: &Scorecard| -> Ordering {
            match order {
                ScorecardOrder::Name => Ordering::Equal,
                ScorecardOrder::Sales => a.sales.minor.cmp(&b.sales.minor),
                ScorecardOrder::Attainment => a.attainment_bp.cmp(&b.attainment_bp),
                ScorecardOrder::Overdue => a.overdue.minor.cmp(&b.overdue.minor),
                ScorecardOrder::OldestOverdue => a.oldest_overdue_days.cmp(&b.oldest_overdue_days),
                ScorecardOrder::ServiceScore => a.service_score_hundredths.cmp(&b.service_score_hundredths),
                ScorecardOrder::IncentiveReturn => a.incentive_return_bp.cmp(&b.incentive_return_bp),
                ScorecardOrder::LastContact => a.last_contact.cmp(&b.last_contact),
            }
        };
        self.rows.sort_by(|a, b| {
            let primary = if descending { key(b, a) } else { key(a, b) };
            let by_name = a.name.cmp(&b.name).then(a.partner.cmp(&b.partner));
            match order {
                ScorecardOrder::Name if descending => by_name.reverse(),
                _ => primary.then(by_name),
            }
        })
    }
}

/// The scorecard of one partner for `period`, with standing facts as of `as_of`.
pub fn scorecard(data: &Tables, partner: PartnerId, period: Period, as_of: Date) -> Result<Scorecard> {
    if !data.partners.contains(partner) {
        return Err(Error::NotFound { collection: "partners", id: partner.to_string() });
    }
    let mut built = build(data, period, as_of, Some(partner));
    Ok(built.rows.remove(0))
}

/// The scorecards of every partner for `period`, with standing facts as of `as_of`.
pub fn scorecards(data: &Tables, period: Period, as_of: Date) -> Scorecards {
    build(data, period, as_of, None)
}

#[derive(Default)]
struct Acc {
    sales: i64,
    deals_won: usize,
    invoices_issued: usize,
    invoiced: i64,
    payments_received: usize,
    paid: i64,
    overdue: i64,
    overdue_invoices: usize,
    oldest_overdue_days: i32,
    score_sum: u32,
    ratings: usize,
    service_cost: i64,
    incentives: usize,
    incentive_cost: i64,
    windows: Vec<(Date, Date)>,
    incentive_revenue: i64,
    evaluation: Option<(Date, PartnerEvaluationId)>,
    communications: usize,
    last_contact: Option<Date>,
}

fn build(data: &Tables, period: Period, as_of: Date, only: Option<PartnerId>) -> Scorecards {
    let currency = workspace_currency(data);
    let plans = revenue_targets(data, currency);
    let mut other_currency = targets_in_other_currency(data, currency);
    let partners: Vec<_> = data.partners.iter().filter(|p| only.is_none_or(|o| o == p.id)).collect();
    let index: IdMap<PartnerId, usize> = partners.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut accs: Vec<Acc> = partners.iter().map(|_| Acc::default()).collect();
    let (first, last) = (period.first_day(), period.last_day());
    let in_period = |day: Date| first <= day && day <= last;
    let slot = |partner: PartnerId| index.get(&partner).copied();

    for incentive in data.incentives.iter() {
        let runs_in_period = incentive.start <= last && first <= incentive.end;
        let participants = incentive.participants.len() as i64;
        if !runs_in_period || participants == 0 {
            continue;
        }
        let counts = incentive.cost.currency == currency;
        if !counts && !incentive.cost.is_zero() {
            other_currency += 1;
        }
        let share = if counts { mul_div_round(incentive.cost.minor, 1, participants) } else { 0 };
        for partner in &incentive.participants {
            if let Some(i) = slot(*partner) {
                accs[i].incentives += 1;
                accs[i].incentive_cost += share;
                accs[i].windows.push((incentive.start, incentive.end));
            }
        }
    }

    for deal in data.deals.iter() {
        let (Some(partner), Some(day)) = (deal.partner, won_on(deal)) else { continue };
        let Some(i) = slot(partner) else { continue };
        if deal.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        let value = deal.value().minor;
        let acc = &mut accs[i];
        if in_period(day) {
            acc.sales += value;
            acc.deals_won += 1;
        }
        if acc.windows.iter().any(|(start, end)| *start <= day && day <= *end) {
            acc.incentive_revenue += value;
        }
    }

    let payments = InvoicePayments::new(data, Some(as_of));
    for invoice in data.invoices.iter() {
        let Some(i) = slot(invoice.partner) else { continue };
        if invoice.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        let acc = &mut accs[i];
        if in_period(invoice.issued) {
            acc.invoices_issued += 1;
            acc.invoiced += invoice.amount.minor;
        }
        let open = payments.open(invoice).minor;
        if invoice.due < as_of && open > 0 {
            acc.overdue += open;
            acc.overdue_invoices += 1;
            acc.oldest_overdue_days = acc.oldest_overdue_days.max(invoice.due.days_until(as_of));
        }
    }

    for payment in data.payments.iter().filter(|p| in_period(p.date)) {
        let Some(i) = slot(payment.partner) else { continue };
        if payment.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        accs[i].payments_received += 1;
        accs[i].paid += payment.amount.minor;
    }

    for rating in data.service_ratings.iter().filter(|r| in_period(r.date)) {
        let Some(i) = slot(rating.partner) else { continue };
        accs[i].score_sum += rating.score;
        accs[i].ratings += 1;
        match rating.cost {
            Some(cost) if cost.currency == currency => accs[i].service_cost += cost.minor,
            Some(cost) if !cost.is_zero() => other_currency += 1,
            _ => {}
        }
    }

    for evaluation in data.partner_evaluations.iter().filter(|e| e.period.first_day() <= as_of) {
        let Some(i) = slot(evaluation.partner) else { continue };
        let key = (evaluation.period.last_day(), evaluation.id);
        if accs[i].evaluation.is_none_or(|current| key > current) {
            accs[i].evaluation = Some(key);
        }
    }

    for communication in data.communications.iter() {
        let Some(i) = slot(communication.partner) else { continue };
        let day = communication.at.date();
        if in_period(day) {
            accs[i].communications += 1;
        }
        if day <= as_of && accs[i].last_contact.is_none_or(|last| day > last) {
            accs[i].last_contact = Some(day);
        }
    }

    let money = |minor: i64| Money::new(minor, currency);
    let mut rows: Vec<Scorecard> = partners
        .iter()
        .zip(accs)
        .map(|(partner, acc)| {
            let plan = plan_of(&plans, Subject::Partner(partner.id), period, currency);
            let latest_evaluation =
                acc.evaluation.and_then(|(_, id)| data.partner_evaluations.get(id)).map(|e| EvaluationSummary {
                    id: e.id,
                    period: e.period,
                    decision: e.decision,
                    overall_hundredths: e.overall_hundredths(),
                });
            Scorecard {
                partner: partner.id,
                name: partner.name.clone(),
                kind: partner.kind,
                tier: partner.tier,
                status: partner.status,
                channel: partner.channel,
                sales: money(acc.sales),
                deals_won: acc.deals_won,
                plan,
                attainment_bp: basis_points(acc.sales, plan.minor),
                invoices_issued: acc.invoices_issued,
                invoiced: money(acc.invoiced),
                payments_received: acc.payments_received,
                paid: money(acc.paid),
                overdue: money(acc.overdue),
                overdue_invoices: acc.overdue_invoices,
                oldest_overdue_days: acc.oldest_overdue_days,
                service_score_hundredths: (acc.ratings > 0)
                    .then(|| mul_div_round(i64::from(acc.score_sum) * 100, 1, acc.ratings as i64) as u32),
                service_ratings: acc.ratings,
                service_cost: money(acc.service_cost),
                incentives: acc.incentives,
                incentive_cost: money(acc.incentive_cost),
                incentive_revenue: money(acc.incentive_revenue),
                incentive_return_bp: basis_points(acc.incentive_revenue, acc.incentive_cost),
                latest_evaluation,
                communications: acc.communications,
                last_contact: acc.last_contact,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.partner.cmp(&b.partner)));
    Scorecards { period, as_of, currency, rows, other_currency }
}
