//! Report: the weighted forecast against target for a period, per person, team, territory,
//! channel, product or any other [`Subject`], and for the company.
//!
//! For each subject and period, counting only deals in the workspace currency:
//! - **won**: the value of deals won (closed) within the period;
//! - **open**: the value of open deals whose expected close falls within the period;
//! - **weighted open**: each of those open values times its win probability
//!   ([`Deal::probability`]: the deal's own, else its stage's), rounded per deal;
//! - **forecast** = won + weighted open; **best case** = won + open;
//! - **target**: the subject's revenue target for the period (see [`PeriodAmounts::resolve`] for
//!   how a missing quarter target is pro-rated from the year's);
//! - **gap** = target − forecast (positive when short of target, negative when ahead);
//! - **attainment** = won / target and **forecast attainment** = forecast / target, in basis
//!   points (10,000 = 100%).
//!
//! Which deals count for a subject follows [`deal_value_for`](crate::reports::deal_value_for):
//! a team counts its members' deals and those of its sub-units, a territory its accounts' deals
//! and those of its sub-territories, a product or category only the matching line items.
//!
//! Each deal is looked at once: the subjects it counts for are derived from indexes built at the
//! start (a person's chain of units, a territory's chain of parents), so the cost grows with the
//! number of deals plus the number of subjects, not their product.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::deal::{Deal, DealId, DealStatus};
use crate::management::{Metric, Subject};
use crate::money::{Currency, Money, mul_div_round};
use crate::org::{OrgUnitId, PersonId, TerritoryId};
use crate::product::{ProductCategoryId, ProductId};

pub use crate::commands::selling::workspace_currency;

/// How many days a period spans.
pub fn days_in(period: Period) -> i64 {
    i64::from(period.first_day().days_until(period.last_day())) + 1
}

/// Where a period's amount (a target, a budget) came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Set for exactly this period.
    Set,
    /// The sum of amounts set for every finer period inside it (four quarters, twelve or three
    /// months).
    Summed,
    /// A share of the amount set for the enclosing period, by days.
    ProRated { from: Period },
}

/// Amounts in minor units set per key and period (targets per subject, budgets per category),
/// with the rule for periods that have none of their own.
#[derive(Clone, Debug)]
pub struct PeriodAmounts<K> {
    amounts: HashMap<(K, Period), i64>,
}

impl<K> Default for PeriodAmounts<K> {
    fn default() -> Self {
        PeriodAmounts { amounts: HashMap::new() }
    }
}

impl<K: Copy + Eq + Hash> PeriodAmounts<K> {
    /// Adds an amount; two amounts for one key and period add up.
    pub fn add(&mut self, key: K, period: Period, minor: i64) {
        let slot = self.amounts.entry((key, period)).or_insert(0);
        *slot = slot.saturating_add(minor);
    }

    fn exact(&self, key: K, period: Period) -> Option<i64> {
        self.amounts.get(&(key, period)).copied()
    }

    /// The sum over `parts` when every one of them has an amount.
    fn all_of(&self, key: K, parts: impl IntoIterator<Item = Period>) -> Option<i64> {
        parts.into_iter().try_fold(0i64, |sum, p| self.exact(key, p).map(|m| sum.saturating_add(m)))
    }

    /// The amount for `key` over `period`, in this order:
    /// 1. the amount set for exactly that period;
    /// 2. the sum of its finer periods when every one of them has an amount (a year from its four
    ///    quarters, else its twelve months; a quarter from its three months);
    /// 3. a share of the enclosing period's amount by days (a quarter of 90 days gets 90/365 of
    ///    its year's; a month gets a share of its quarter's, else of its year's);
    /// 4. none.
    pub fn resolve(&self, key: K, period: Period) -> Option<(i64, Basis)> {
        if let Some(m) = self.exact(key, period) {
            return Some((m, Basis::Set));
        }
        let finer = match period {
            Period::Year { year } => self
                .all_of(key, (1..=4).map(|quarter| Period::Quarter { year, quarter }))
                .or_else(|| self.all_of(key, period.months())),
            Period::Quarter { .. } => self.all_of(key, period.months()),
            Period::Month { .. } => None,
        };
        if let Some(m) = finer {
            return Some((m, Basis::Summed));
        }
        let day = period.first_day();
        let enclosing = match period {
            Period::Month { .. } => vec![Period::quarter_of(day), Period::year_of(day)],
            Period::Quarter { .. } => vec![Period::year_of(day)],
            Period::Year { .. } => vec![],
        };
        enclosing.into_iter().find_map(|outer| {
            self.exact(key, outer)
                .map(|m| (mul_div_round(m, days_in(period), days_in(outer)), Basis::ProRated { from: outer }))
        })
    }
}

/// The revenue targets of every subject, in the workspace currency.
pub fn revenue_targets(data: &Tables, currency: Currency) -> PeriodAmounts<Subject> {
    let mut out = PeriodAmounts::default();
    for t in data.targets.iter().filter(|t| t.metric == Metric::Revenue && t.amount.currency == currency) {
        out.add(t.subject, t.period, t.amount.minor);
    }
    out
}

/// One subject's line of the forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastRow {
    pub subject: Subject,
    pub won: Money,
    pub won_deals: usize,
    /// Open deals expected to close in the period, at full value.
    pub open: Money,
    pub open_deals: usize,
    pub weighted_open: Money,
    /// Won + weighted open.
    pub forecast: Money,
    /// Won + all open.
    pub best_case: Money,
    /// The revenue target, if the subject has one for the period.
    pub target: Option<Money>,
    pub target_basis: Option<Basis>,
    /// Target − forecast: what is still missing (negative when ahead of target).
    pub gap: Option<Money>,
    /// Won / target in basis points.
    pub attainment_bp: Option<i64>,
    /// Forecast / target in basis points.
    pub forecast_attainment_bp: Option<i64>,
}

/// The forecast for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    pub period: Period,
    pub currency: Currency,
    /// One row per subject asked for, in the order asked.
    pub rows: Vec<ForecastRow>,
    /// Deals in the period left out because they are in another currency.
    pub other_currency: usize,
}

impl Forecast {
    /// The row of one subject.
    pub fn row(&self, subject: Subject) -> Option<&ForecastRow> {
        self.rows.iter().find(|r| r.subject == subject)
    }
}

/// Which kinds of subject are asked for, so only the indexes they need are built.
#[derive(Default)]
struct Kinds {
    company: bool,
    person: bool,
    unit: bool,
    territory: bool,
    segment: bool,
    channel: bool,
    partner: bool,
    product: bool,
    category: bool,
}

/// Maps a deal to the subjects it counts for, from indexes built once.
struct Attribution<'a> {
    data: &'a Tables,
    kinds: Kinds,
    /// Each person's unit and the units above it.
    units_of: HashMap<PersonId, Vec<OrgUnitId>>,
    /// Each territory and the territories above it.
    territories_above: HashMap<TerritoryId, Vec<TerritoryId>>,
    category_of: HashMap<ProductId, ProductCategoryId>,
}

/// The chain from `start` up through `parent`, stopping at loops.
fn chain<Id: Copy + Eq + Hash>(start: Id, parent: impl Fn(Id) -> Option<Id>) -> Vec<Id> {
    let mut out = vec![start];
    let mut seen: HashSet<Id> = HashSet::from([start]);
    let mut current = parent(start);
    while let Some(id) = current {
        if !seen.insert(id) {
            break;
        }
        out.push(id);
        current = parent(id);
    }
    out
}

/// Each person's unit and every unit above it.
pub(crate) fn unit_chains(data: &Tables) -> HashMap<PersonId, Vec<OrgUnitId>> {
    let of_unit: HashMap<OrgUnitId, Vec<OrgUnitId>> =
        data.org_units.ids().map(|u| (u, chain(u, |id| data.org_units.get(id).and_then(|x| x.parent)))).collect();
    data.people
        .iter()
        .filter_map(|p| {
            let unit = p.unit?;
            Some((p.id, of_unit.get(&unit).cloned().unwrap_or_else(|| vec![unit])))
        })
        .collect()
}

impl<'a> Attribution<'a> {
    fn new(data: &'a Tables, subjects: &[Subject]) -> Attribution<'a> {
        let mut kinds = Kinds::default();
        for s in subjects {
            match s {
                Subject::Company => kinds.company = true,
                Subject::Person(_) => kinds.person = true,
                Subject::Unit(_) => kinds.unit = true,
                Subject::Territory(_) => kinds.territory = true,
                Subject::Segment(_) => kinds.segment = true,
                Subject::Channel(_) => kinds.channel = true,
                Subject::Partner(_) => kinds.partner = true,
                Subject::Product(_) => kinds.product = true,
                Subject::Category(_) => kinds.category = true,
            }
        }
        let units_of = if kinds.unit { unit_chains(data) } else { HashMap::new() };
        let territories_above = if kinds.territory {
            data.territories
                .ids()
                .map(|t| (t, chain(t, |id| data.territories.get(id).and_then(|x| x.parent))))
                .collect()
        } else {
            HashMap::new()
        };
        let category_of = if kinds.category {
            data.products.iter().filter_map(|p| Some((p.id, p.category?))).collect()
        } else {
            HashMap::new()
        };
        Attribution { data, kinds, units_of, territories_above, category_of }
    }

    /// Pushes every (subject, minor units) the deal counts for onto `out`.
    fn credit(&self, deal: &Deal, out: &mut Vec<(Subject, i64)>) {
        let k = &self.kinds;
        let whole = deal.value().minor;
        if k.company {
            out.push((Subject::Company, whole));
        }
        if let Some(owner) = deal.owner {
            if k.person {
                out.push((Subject::Person(owner), whole));
            }
            if let Some(units) = self.units_of.get(&owner) {
                out.extend(units.iter().map(|u| (Subject::Unit(*u), whole)));
            }
        }
        if k.territory || k.segment {
            let account = self.data.accounts.get(deal.account);
            if let Some(t) = account.and_then(|a| a.territory) {
                match self.territories_above.get(&t) {
                    Some(above) => out.extend(above.iter().map(|t| (Subject::Territory(*t), whole))),
                    None if k.territory => out.push((Subject::Territory(t), whole)),
                    None => {}
                }
            }
            if let Some(s) = account.and_then(|a| a.segment).filter(|_| k.segment) {
                out.push((Subject::Segment(s), whole));
            }
        }
        if let Some(c) = deal.channel.filter(|_| k.channel) {
            out.push((Subject::Channel(c), whole));
        }
        if let Some(p) = deal.partner.filter(|_| k.partner) {
            out.push((Subject::Partner(p), whole));
        }
        if k.product || k.category {
            for line in deal.lines.values() {
                let value = line.total().minor;
                if k.product {
                    out.push((Subject::Product(line.product), value));
                }
                if let Some(c) = self.category_of.get(&line.product) {
                    out.push((Subject::Category(*c), value));
                }
            }
        }
    }
}

#[derive(Default)]
struct Sums {
    won: i64,
    won_deals: usize,
    open: i64,
    weighted: i64,
    open_deals: usize,
    /// The last deal counted, so a deal with several matching lines counts once.
    last_deal: Option<DealId>,
}

/// How a deal stands in the period: won in it, open and expected to close in it, or neither.
enum InPeriod {
    Won,
    Open { probability: u32 },
}

fn in_period(deal: &Deal, (first, last): (Date, Date), data: &Tables) -> Option<InPeriod> {
    let inside = |d: Date| first <= d && d <= last;
    match deal.status {
        DealStatus::Won if deal.closed_on.is_some_and(inside) => Some(InPeriod::Won),
        DealStatus::Open if inside(deal.expected_close) => Some(InPeriod::Open { probability: deal.probability(data) }),
        _ => None,
    }
}

/// The forecast for `period` of every subject in `subjects`, one row each in the order given.
pub fn forecast(data: &Tables, period: Period, subjects: &[Subject]) -> Forecast {
    let currency = workspace_currency(data);
    let attribution = Attribution::new(data, subjects);
    let mut sums: HashMap<Subject, Sums> = subjects.iter().map(|s| (*s, Sums::default())).collect();
    let mut other_currency = 0;
    let mut credits = Vec::new();
    let bounds = (period.first_day(), period.last_day());
    for deal in data.deals.iter() {
        let Some(state) = in_period(deal, bounds, data) else { continue };
        if deal.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        credits.clear();
        attribution.credit(deal, &mut credits);
        for &(subject, minor) in &credits {
            let Some(s) = sums.get_mut(&subject) else { continue };
            let first_time = s.last_deal != Some(deal.id);
            s.last_deal = Some(deal.id);
            match state {
                InPeriod::Won => {
                    s.won += minor;
                    s.won_deals += usize::from(first_time);
                }
                InPeriod::Open { probability } => {
                    s.open += minor;
                    s.weighted += mul_div_round(minor, i64::from(probability), 100);
                    s.open_deals += usize::from(first_time);
                }
            }
        }
    }
    let targets = revenue_targets(data, currency);
    let money = |minor| Money::new(minor, currency);
    let rows = subjects
        .iter()
        .map(|&subject| {
            let s = &sums[&subject];
            let forecast = s.won + s.weighted;
            let target = targets.resolve(subject, period);
            let ratio = |part: i64| target.map(|(t, _)| crate::reports::basis_points(part, t));
            ForecastRow {
                subject,
                won: money(s.won),
                won_deals: s.won_deals,
                open: money(s.open),
                open_deals: s.open_deals,
                weighted_open: money(s.weighted),
                forecast: money(forecast),
                best_case: money(s.won + s.open),
                target: target.map(|(t, _)| money(t)),
                target_basis: target.map(|(_, b)| b),
                gap: target.map(|(t, _)| money(t - forecast)),
                attainment_bp: ratio(s.won),
                forecast_attainment_bp: ratio(forecast),
            }
        })
        .collect();
    Forecast { period, currency, rows, other_currency }
}

/// The company's forecast: one row.
pub fn company_forecast(data: &Tables, period: Period) -> ForecastRow {
    forecast(data, period, &[Subject::Company]).rows.remove(0)
}

/// The forecast of every person.
pub fn forecast_by_person(data: &Tables, period: Period) -> Forecast {
    let subjects: Vec<Subject> = data.people.ids().map(Subject::Person).collect();
    forecast(data, period, &subjects)
}

/// The forecast of every department and team, each including its sub-units.
pub fn forecast_by_unit(data: &Tables, period: Period) -> Forecast {
    let subjects: Vec<Subject> = data.org_units.ids().map(Subject::Unit).collect();
    forecast(data, period, &subjects)
}

/// The forecast of every territory, each including its sub-territories.
pub fn forecast_by_territory(data: &Tables, period: Period) -> Forecast {
    let subjects: Vec<Subject> = data.territories.ids().map(Subject::Territory).collect();
    forecast(data, period, &subjects)
}

/// The forecast of every channel.
pub fn forecast_by_channel(data: &Tables, period: Period) -> Forecast {
    let subjects: Vec<Subject> = data.channels.ids().map(Subject::Channel).collect();
    forecast(data, period, &subjects)
}

/// The forecast of every product, from deals' line items.
pub fn forecast_by_product(data: &Tables, period: Period) -> Forecast {
    let subjects: Vec<Subject> = data.products.ids().map(Subject::Product).collect();
    forecast(data, period, &subjects)
}
