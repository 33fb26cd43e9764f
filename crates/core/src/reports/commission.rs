//! Report: commission payouts per person and pay period, computed from won deals under the
//! person's [`CommissionPlan`].
//!
//! # Who and what counts
//! A person is paid under the first active plan (in id order) that lists them as a member.
//! Their **revenue** for a pay period is the value of the deals they own that were won (closed)
//! within it, in the workspace currency. Their **target** is their revenue target for the pay
//! period, found as the forecast finds targets: set for the period, else summed from finer
//! periods, else pro-rated by days from the enclosing one (see
//! [`PeriodAmounts::resolve`](crate::reports::forecast::PeriodAmounts::resolve)).
//! **Attainment** = revenue / target.
//!
//! # The formula
//! Let R be the revenue, T the target, and the plan's tiers sorted by threshold
//! t₁ < t₂ < … (percent of target) with rates r₁, r₂, … (basis points). The thresholds cut the
//! revenue into bands: [0, T·t₁) at the base rate, [T·t₁, T·t₂) at r₁, …, [T·tₙ, ∞) at rₙ
//! (a threshold at 0% leaves no base band). Each band earns its rate on the part of R that falls
//! inside it — marginal tiers, like income tax brackets, so crossing a threshold never lowers
//! what was already earned:
//!
//! - **tier amount** = revenue in the band × rate / 10,000;
//! - **accelerator extra** = for the revenue above 100% of target (R − T when positive),
//!   its band's rate × (accelerator − 1). An accelerator of 0 means none (1×);
//! - **bonus** = the plan's bonus when attainment ≥ `bonus_attainment` percent;
//! - **total** = Σ tier amounts + accelerator extra + bonus;
//! - **payout** = min(total, cap); the part cut off is shown.
//!
//! Each tier amount and each band's accelerator extra is rounded to the minor unit, half away
//! from zero. With **no target** (none set, none to pro-rate from) attainment cannot be
//! measured: all revenue earns the base rate, with no tiers, accelerator or bonus; the cap still
//! applies. A bonus or cap in another currency than the workspace's is ignored.
//!
//! # Worked example
//! Plan: base 2%, tiers 50% → 4% and 100% → 6%, accelerator 1.5×, bonus 500.00 at 100%,
//! cap 3,000.00. Target 20,000.00; revenue 30,000.00, so attainment is 150%.
//!
//! | band              | revenue   | rate | amount |
//! |-------------------|-----------|------|--------|
//! | base, 0–50%       | 10,000.00 | 2%   | 200.00 |
//! | tier 50–100%      | 10,000.00 | 4%   | 400.00 |
//! | tier 100% and up  | 10,000.00 | 6%   | 600.00 |
//!
//! Accelerator extra: 10,000.00 above target × 6% × 0.5 = 300.00. Bonus: 150% ≥ 100%, so
//! 500.00. Total 2,000.00, under the cap: the payout is 2,000.00. At 60,000.00 of revenue the
//! top band holds 40,000.00 (2,400.00), the extra is 1,200.00, the total 4,700.00, and the cap
//! cuts 1,700.00 to pay 3,000.00.
//!
//! # Pay periods
//! A plan settles monthly, quarterly or yearly. The report for a period lists, for every member,
//! each pay period of their plan that ends within it: a quarterly plan in a yearly report shows
//! four payouts; in a monthly report it shows one only in the quarter's last month.

use std::collections::HashMap;

use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::deal::DealStatus;
use crate::management::{CommissionPlan, CommissionPlanId, PayPeriod, Subject};
use crate::money::{Currency, Money, mul_div_round};
use crate::org::PersonId;
use crate::reports::basis_points;
use crate::reports::forecast::{Basis, revenue_targets, workspace_currency};

/// One band of revenue and what it earned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierLine {
    /// Where the band starts, in percent of target (0 for the base band).
    pub from_attainment: u32,
    /// Where the next band starts; `None` for the top band.
    pub to_attainment: Option<u32>,
    /// The band's rate in basis points.
    pub rate_bp: i64,
    /// The revenue that fell in the band.
    pub revenue: Money,
    /// Revenue × rate.
    pub amount: Money,
}

/// A commission computed for one revenue figure under one plan, with its breakdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calculation {
    pub revenue: Money,
    pub target: Option<Money>,
    /// Revenue / target in basis points; `None` without a target.
    pub attainment_bp: Option<i64>,
    /// The bands, lowest first; a single base band without a target.
    pub tiers: Vec<TierLine>,
    /// The sum of the bands' amounts.
    pub commission: Money,
    /// What the accelerator adds on revenue above target.
    pub accelerator_extra: Money,
    pub bonus: Money,
    /// Commission + accelerator extra + bonus.
    pub total: Money,
    /// What the cap cut off (zero when under the cap).
    pub capped_by: Money,
    /// What is paid: the total, at most the cap.
    pub payout: Money,
}

/// The multiplier on revenue above target, in basis points; 0 stands for "no accelerator".
fn accelerator(plan: &CommissionPlan) -> i64 {
    if plan.accelerator_bp == 0 { 10_000 } else { plan.accelerator_bp }
}

/// Computes the commission on `revenue` against `target` under `plan` (see the module docs).
pub fn calculate(plan: &CommissionPlan, revenue: Money, target: Option<Money>) -> Calculation {
    let currency = revenue.currency;
    let money = |minor| Money::new(minor, currency);
    let r = revenue.minor.max(0);
    let t = target.filter(|t| t.currency == currency && t.minor > 0).map(|t| t.minor);
    let mut tiers = Vec::new();
    let mut extra = 0i64;
    match t {
        None => tiers.push(TierLine {
            from_attainment: 0,
            to_attainment: None,
            rate_bp: plan.base_rate_bp,
            revenue: money(r),
            amount: money(mul_div_round(r, plan.base_rate_bp, 10_000)),
        }),
        Some(t) => {
            // Bands as (from %, to %, rate), the base band first when the first tier starts above 0%.
            let ordered = plan.ordered_tiers();
            let mut bands: Vec<(u32, Option<u32>, i64)> = Vec::new();
            let first = ordered.first().map(|tier| tier.from_attainment);
            if first != Some(0) {
                bands.push((0, first, plan.base_rate_bp));
            }
            for (i, tier) in ordered.iter().enumerate() {
                bands.push((tier.from_attainment, ordered.get(i + 1).map(|n| n.from_attainment), tier.rate_bp));
            }
            let at = |percent: u32| mul_div_round(t, i64::from(percent), 100);
            let boost = accelerator(plan) - 10_000;
            for (from, to, rate) in bands {
                let lo = at(from);
                let hi = to.map_or(i64::MAX, at);
                let in_band = (r.min(hi) - lo).max(0);
                let above_target = (r.min(hi) - lo.max(t)).max(0);
                extra += mul_div_round(above_target, rate * boost, 100_000_000);
                tiers.push(TierLine {
                    from_attainment: from,
                    to_attainment: to,
                    rate_bp: rate,
                    revenue: money(in_band),
                    amount: money(mul_div_round(in_band, rate, 10_000)),
                });
            }
        }
    }
    let attainment_bp = t.map(|t| basis_points(r, t));
    let reached = attainment_bp.is_some_and(|a| a >= i64::from(plan.bonus_attainment) * 100);
    let bonus = plan.bonus.filter(|b| reached && b.currency == currency).map_or(0, |b| b.minor);
    let commission: i64 = tiers.iter().map(|l| l.amount.minor).sum();
    let total = commission + extra + bonus;
    let payout = match plan.cap.filter(|c| c.currency == currency) {
        Some(cap) => total.min(cap.minor),
        None => total,
    };
    Calculation {
        revenue: money(r),
        target: t.map(money),
        attainment_bp,
        tiers,
        commission: money(commission),
        accelerator_extra: money(extra),
        bonus: money(bonus),
        total: money(total),
        capped_by: money(total - payout),
        payout: money(payout),
    }
}

/// The pay period of a plan's kind that contains `date`.
pub fn pay_period_of(kind: PayPeriod, date: Date) -> Period {
    match kind {
        PayPeriod::Monthly => Period::month_of(date),
        PayPeriod::Quarterly => Period::quarter_of(date),
        PayPeriod::Yearly => Period::year_of(date),
    }
}

/// The pay periods of a plan's kind that end within `period`, in order.
pub fn pay_periods_in(kind: PayPeriod, period: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut current = pay_period_of(kind, period.first_day());
    while current.first_day() <= period.last_day() {
        if period.contains(current.last_day()) {
            out.push(current);
        }
        current = current.next();
    }
    out
}

/// The plan a person is paid under: the first active plan, by id, listing them.
pub fn plan_of(data: &Tables, person: PersonId) -> Option<&CommissionPlan> {
    data.commission_plans.iter().find(|p| p.active && p.members.contains(&person))
}

/// One person's payout for one pay period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payout {
    pub person: PersonId,
    pub plan: CommissionPlanId,
    pub pay_period: Period,
    /// How many won deals make up the revenue.
    pub deals: usize,
    /// How the target was found, when there is one.
    pub target_basis: Option<Basis>,
    pub calculation: Calculation,
}

/// Won revenue (minor units) and the number of deals, per person and pay period.
type WonByPayPeriod = HashMap<(PersonId, Period), (i64, usize)>;

/// Won revenue and deal counts per person and pay period, for the people in `plans`, from deals
/// closed between `first` and `last`; also how many were in another currency.
fn won_by_pay_period(
    data: &Tables,
    currency: Currency,
    plans: &HashMap<PersonId, &CommissionPlan>,
    (first, last): (Date, Date),
) -> (WonByPayPeriod, usize) {
    let mut out = WonByPayPeriod::new();
    let mut other_currency = 0;
    for deal in data.deals.iter() {
        let (DealStatus::Won, Some(closed), Some(owner)) = (deal.status, deal.closed_on, deal.owner) else { continue };
        if closed < first || closed > last {
            continue;
        }
        let Some(plan) = plans.get(&owner) else { continue };
        if deal.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        let slot = out.entry((owner, pay_period_of(plan.pay_period, closed))).or_default();
        slot.0 += deal.value().minor;
        slot.1 += 1;
    }
    (out, other_currency)
}

/// One person's payout for one pay period, or `None` when they are in no active plan.
pub fn payout(data: &Tables, person: PersonId, pay_period: Period) -> Option<Payout> {
    let plan = plan_of(data, person)?;
    let currency = workspace_currency(data);
    let plans = HashMap::from([(person, plan)]);
    let (won, _) = won_by_pay_period(data, currency, &plans, (pay_period.first_day(), pay_period.last_day()));
    let (revenue, deals) = won.get(&(person, pay_period)).copied().unwrap_or_default();
    let target = revenue_targets(data, currency).resolve(Subject::Person(person), pay_period);
    Some(Payout {
        person,
        plan: plan.id,
        pay_period,
        deals,
        target_basis: target.map(|(_, b)| b),
        calculation: calculate(plan, Money::new(revenue, currency), target.map(|(t, _)| Money::new(t, currency))),
    })
}

/// Every payout settled within a period, and their totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommissionSummary {
    pub period: Period,
    pub currency: Currency,
    /// By person (id order), then pay period.
    pub payouts: Vec<Payout>,
    pub revenue: Money,
    pub commission: Money,
    pub accelerator_extra: Money,
    pub bonus: Money,
    /// What the caps cut off in all.
    pub capped_by: Money,
    /// What is paid in all.
    pub payout: Money,
    /// Won deals of plan members left out because they are in another currency.
    pub other_currency: usize,
}

/// The payouts of every member of an active plan for the pay periods that end within `period`.
pub fn commission_summary(data: &Tables, period: Period) -> CommissionSummary {
    let currency = workspace_currency(data);
    let mut plans: HashMap<PersonId, &CommissionPlan> = HashMap::new();
    for plan in data.commission_plans.iter().filter(|p| p.active) {
        for member in &plan.members {
            plans.entry(*member).or_insert(plan);
        }
    }
    // A pay period that ends within the period may start before it (a quarter in a monthly
    // report), so deals count from the start of the earliest such pay period.
    let first = plans
        .values()
        .filter_map(|p| pay_periods_in(p.pay_period, period).first().map(|pp| pp.first_day()))
        .min()
        .map_or(period.first_day(), |d| d.min(period.first_day()));
    let (won, other_currency) = won_by_pay_period(data, currency, &plans, (first, period.last_day()));
    let targets = revenue_targets(data, currency);
    let money = |minor| Money::new(minor, currency);
    let mut people: Vec<PersonId> = plans.keys().copied().collect();
    people.sort();
    let mut summary = CommissionSummary {
        period,
        currency,
        payouts: Vec::new(),
        revenue: money(0),
        commission: money(0),
        accelerator_extra: money(0),
        bonus: money(0),
        capped_by: money(0),
        payout: money(0),
        other_currency,
    };
    for person in people {
        let plan = plans[&person];
        for pay_period in pay_periods_in(plan.pay_period, period) {
            let (revenue, deals) = won.get(&(person, pay_period)).copied().unwrap_or_default();
            let target = targets.resolve(Subject::Person(person), pay_period);
            let calculation = calculate(plan, money(revenue), target.map(|(t, _)| money(t)));
            summary.revenue.minor += calculation.revenue.minor;
            summary.commission.minor += calculation.commission.minor;
            summary.accelerator_extra.minor += calculation.accelerator_extra.minor;
            summary.bonus.minor += calculation.bonus.minor;
            summary.capped_by.minor += calculation.capped_by.minor;
            summary.payout.minor += calculation.payout.minor;
            summary.payouts.push(Payout {
                person,
                plan: plan.id,
                pay_period,
                deals,
                target_basis: target.map(|(_, b)| b),
                calculation,
            });
        }
    }
    summary
}
