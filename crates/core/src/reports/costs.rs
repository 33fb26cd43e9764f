//! Report: the cost of sales for a period — costs by category, their ratio to won revenue,
//! budget versus spend per category and unit, costs and revenue per month, and each person's
//! cost against the revenue they brought.
//!
//! # What counts as a cost
//! Recorded [`CostEntry`] records dated within the period, by category. Two categories can also
//! be computed, so a team that does not book salaries or commissions still sees them:
//! - **salaries**: each person's monthly salary for every month they were employed, pro-rated
//!   by days in the months they joined or left (employed from `hired`, or always when unknown,
//!   until `left`; a person marked inactive with no leaving date counts nothing);
//! - **commissions**: the payouts of [`commission_summary`] for the period, each counted in the
//!   month its pay period ends.
//!
//! To avoid counting anything twice, the choice is made **per month and category**: a month that
//! has any recorded entry in the salaries category (in any currency) takes its salaries from the
//! entries only, and nothing is computed for it; the same holds for commissions. So a team can
//! start booking payroll in March and the months before still show computed salaries.
//!
//! # Attribution
//! A cost belongs to a person when its entry names one (computed salaries and commissions always
//! do), and to that person's unit and every unit above it, for unit budgets. Entries without a
//! person count for the company only.
//!
//! # Ratios and budgets
//! **Cost-of-sales ratio** = total cost / won revenue, in basis points (10,000 = 100%).
//! A budget for the period is found as targets are: set for the period, summed from finer
//! periods, or pro-rated by days from the enclosing one (see
//! [`PeriodAmounts::resolve`](crate::reports::forecast::PeriodAmounts::resolve)).
//! **Variance** = budget − spent: positive is under budget, negative over.

use std::collections::{HashMap, HashSet};

use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::deal::DealStatus;
use crate::management::{CostCategory, CostEntry};
use crate::money::{Currency, Money, mul_div_round};
use crate::org::{OrgUnitId, Person, PersonId};
use crate::reports::basis_points;
use crate::reports::commission::commission_summary;
use crate::reports::forecast::{Basis, PeriodAmounts, days_in, unit_chains, workspace_currency};

/// Which costs the report may compute when none are recorded for a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostOptions {
    pub computed_salaries: bool,
    pub computed_commissions: bool,
}

impl Default for CostOptions {
    fn default() -> Self {
        CostOptions { computed_salaries: true, computed_commissions: true }
    }
}

/// One category's cost, and its budget when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryCost {
    pub category: CostCategory,
    /// From cost entries.
    pub recorded: Money,
    /// Computed salaries or commissions, for months with no entries of the category.
    pub computed: Money,
    pub total: Money,
    /// The company-wide budget of the category for the period.
    pub budget: Option<Money>,
    pub budget_basis: Option<Basis>,
    /// Budget − total.
    pub variance: Option<Money>,
    /// Total / budget in basis points.
    pub used_bp: Option<i64>,
}

/// A budget for the period, company-wide or for one unit, against what was spent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetLine {
    pub category: CostCategory,
    /// `None` for the company-wide budget.
    pub unit: Option<OrgUnitId>,
    pub budget: Money,
    pub basis: Basis,
    pub spent: Money,
    /// Budget − spent.
    pub variance: Money,
    /// Spent / budget in basis points.
    pub used_bp: i64,
}

/// One month's cost and revenue, for charts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthCost {
    pub month: Period,
    pub cost: Money,
    pub revenue: Money,
    pub ratio_bp: i64,
}

/// What one person cost and what they brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonCost {
    pub person: PersonId,
    pub salaries: Money,
    pub commissions: Money,
    /// Every other category of entry naming the person (travel, training...).
    pub other: Money,
    pub total: Money,
    /// Deals they own that were won in the period.
    pub revenue: Money,
    pub ratio_bp: i64,
}

/// The cost of sales for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostReport {
    pub period: Period,
    pub currency: Currency,
    /// Every category, in the order of [`CostCategory::ALL`].
    pub categories: Vec<CategoryCost>,
    pub total: Money,
    /// Won revenue in the period.
    pub revenue: Money,
    /// Total cost / revenue in basis points.
    pub ratio_bp: i64,
    /// Every budget that applies to the period, by category, company-wide first, then by unit.
    pub budgets: Vec<BudgetLine>,
    pub months: Vec<MonthCost>,
    /// Everyone with a cost or revenue in the period, by id.
    pub people: Vec<PersonCost>,
    /// Entries, salaries, budgets and won deals left out because they are in another currency.
    pub other_currency: usize,
}

impl CostReport {
    pub fn category(&self, category: CostCategory) -> &CategoryCost {
        &self.categories[category as usize]
    }

    pub fn person(&self, person: PersonId) -> Option<&PersonCost> {
        self.people.iter().find(|p| p.person == person)
    }

    pub fn budget(&self, category: CostCategory, unit: Option<OrgUnitId>) -> Option<&BudgetLine> {
        self.budgets.iter().find(|b| b.category == category && b.unit == unit)
    }
}

/// How many days of `first..=last` a person was employed.
pub fn employed_days(person: &Person, first: Date, last: Date) -> i64 {
    let start = person.hired.map_or(first, |h| h.max(first));
    let end = match person.left {
        Some(left) => left.min(last),
        None if person.active => last,
        None => return 0,
    };
    if end < start { 0 } else { i64::from(start.days_until(end)) + 1 }
}

#[derive(Default)]
struct PersonSums {
    salaries: i64,
    commissions: i64,
    other: i64,
    revenue: i64,
}

/// Running sums while costs are attributed.
struct Ledger {
    months: HashMap<Period, usize>,
    recorded: [i64; CostCategory::ALL.len()],
    computed: [i64; CostCategory::ALL.len()],
    month_cost: Vec<i64>,
    month_revenue: Vec<i64>,
    people: HashMap<PersonId, PersonSums>,
    units_of: HashMap<PersonId, Vec<OrgUnitId>>,
    unit_spend: HashMap<(CostCategory, OrgUnitId), i64>,
}

impl Ledger {
    fn add(&mut self, category: CostCategory, month: Period, person: Option<PersonId>, minor: i64, computed: bool) {
        let Some(&m) = self.months.get(&month) else { return };
        let sums = if computed { &mut self.computed } else { &mut self.recorded };
        sums[category as usize] += minor;
        self.month_cost[m] += minor;
        let Some(person) = person else { return };
        let p = self.people.entry(person).or_default();
        match category {
            CostCategory::Salaries => p.salaries += minor,
            CostCategory::Commissions => p.commissions += minor,
            _ => p.other += minor,
        }
        if let Some(units) = self.units_of.get(&person) {
            for unit in units {
                *self.unit_spend.entry((category, *unit)).or_default() += minor;
            }
        }
    }
}

/// The cost of sales for `period` (see the module docs for every rule).
pub fn cost_of_sales(data: &Tables, period: Period, options: CostOptions) -> CostReport {
    let currency = workspace_currency(data);
    let money = |minor| Money::new(minor, currency);
    let months = period.months();
    let mut ledger = Ledger {
        months: months.iter().enumerate().map(|(i, m)| (*m, i)).collect(),
        recorded: Default::default(),
        computed: Default::default(),
        month_cost: vec![0; months.len()],
        month_revenue: vec![0; months.len()],
        people: HashMap::new(),
        units_of: unit_chains(data),
        unit_spend: HashMap::new(),
    };
    let mut other_currency = 0;

    let entries: Vec<&CostEntry> = data.costs.iter().filter(|c| period.contains(c.date)).collect();
    let booked: HashSet<(Period, CostCategory)> =
        entries.iter().map(|c| (Period::month_of(c.date), c.category)).collect();
    for entry in &entries {
        if entry.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        ledger.add(entry.category, Period::month_of(entry.date), entry.person, entry.amount.minor, false);
    }

    if options.computed_salaries {
        for person in data.people.iter() {
            let Some(salary) = person.salary.filter(|s| s.minor != 0) else { continue };
            if salary.currency != currency {
                other_currency += 1;
                continue;
            }
            for &month in months.iter().filter(|m| !booked.contains(&(**m, CostCategory::Salaries))) {
                let days = employed_days(person, month.first_day(), month.last_day());
                if days > 0 {
                    let minor = mul_div_round(salary.minor, days, days_in(month));
                    ledger.add(CostCategory::Salaries, month, Some(person.id), minor, true);
                }
            }
        }
    }

    if options.computed_commissions {
        for payout in commission_summary(data, period).payouts {
            let month = Period::month_of(payout.pay_period.last_day());
            let minor = payout.calculation.payout.minor;
            if minor != 0 && !booked.contains(&(month, CostCategory::Commissions)) {
                ledger.add(CostCategory::Commissions, month, Some(payout.person), minor, true);
            }
        }
    }

    let mut revenue = 0;
    for deal in data.deals.iter() {
        let (DealStatus::Won, Some(closed)) = (deal.status, deal.closed_on) else { continue };
        let Some(&m) = ledger.months.get(&Period::month_of(closed)) else { continue };
        if deal.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        let value = deal.value().minor;
        revenue += value;
        ledger.month_revenue[m] += value;
        if let Some(owner) = deal.owner {
            ledger.people.entry(owner).or_default().revenue += value;
        }
    }

    let mut budgets: PeriodAmounts<(CostCategory, Option<OrgUnitId>)> = PeriodAmounts::default();
    let mut budget_keys = Vec::new();
    for b in data.budgets.iter() {
        if b.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        budgets.add((b.category, b.unit), b.period, b.amount.minor);
        budget_keys.push((b.category, b.unit));
    }
    budget_keys.sort();
    budget_keys.dedup();

    let categories: Vec<CategoryCost> = CostCategory::ALL
        .iter()
        .map(|&category| {
            let (recorded, computed) = (ledger.recorded[category as usize], ledger.computed[category as usize]);
            let total = recorded + computed;
            let budget = budgets.resolve((category, None), period);
            CategoryCost {
                category,
                recorded: money(recorded),
                computed: money(computed),
                total: money(total),
                budget: budget.map(|(b, _)| money(b)),
                budget_basis: budget.map(|(_, basis)| basis),
                variance: budget.map(|(b, _)| money(b - total)),
                used_bp: budget.map(|(b, _)| basis_points(total, b)),
            }
        })
        .collect();
    let total: i64 = categories.iter().map(|c| c.total.minor).sum();

    let budget_lines = budget_keys
        .into_iter()
        .filter_map(|(category, unit)| {
            let (amount, basis) = budgets.resolve((category, unit), period)?;
            let spent = match unit {
                None => categories[category as usize].total.minor,
                Some(u) => ledger.unit_spend.get(&(category, u)).copied().unwrap_or(0),
            };
            Some(BudgetLine {
                category,
                unit,
                budget: money(amount),
                basis,
                spent: money(spent),
                variance: money(amount - spent),
                used_bp: basis_points(spent, amount),
            })
        })
        .collect();

    let month_rows = months
        .iter()
        .enumerate()
        .map(|(i, &month)| MonthCost {
            month,
            cost: money(ledger.month_cost[i]),
            revenue: money(ledger.month_revenue[i]),
            ratio_bp: basis_points(ledger.month_cost[i], ledger.month_revenue[i]),
        })
        .collect();

    let mut people: Vec<PersonCost> = ledger
        .people
        .iter()
        .map(|(&person, s)| {
            let total = s.salaries + s.commissions + s.other;
            PersonCost {
                person,
                salaries: money(s.salaries),
                commissions: money(s.commissions),
                other: money(s.other),
                total: money(total),
                revenue: money(s.revenue),
                ratio_bp: basis_points(total, s.revenue),
            }
        })
        .collect();
    people.sort_by_key(|p| p.person);

    CostReport {
        period,
        currency,
        categories,
        total: money(total),
        revenue: money(revenue),
        ratio_bp: basis_points(total, revenue),
        budgets: budget_lines,
        months: month_rows,
        people,
        other_currency,
    }
}
