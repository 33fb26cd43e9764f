//! Report: plan versus actual revenue per channel and per partner for a period, with totals and a
//! month-by-month breakdown for charts.
//!
//! The plan of a subject is its revenue targets (see [`plan_of`] for how targets of other
//! lengths count); the actual is the revenue of deals won in the period through that channel or
//! partner.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::channel::{ChannelId, PartnerId};
use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::management::{Metric, Subject};
use crate::money::{Currency, Money};
use crate::reports::forecast::{PeriodAmounts, revenue_targets, workspace_currency};
use crate::reports::{basis_points, won_on};

/// A hash map for the keys reports group by (ids, periods, subjects), with a fast hash instead
/// of the standard one: hashing dominated the reports' time with the standard hasher, and its
/// protection against crafted keys matters little for a workspace's own records.
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A hash set with the hash of [`IdMap`].
pub type IdSet<K> = HashSet<K, BuildHasherDefault<IdHasher>>;

/// A multiply-rotate hash over whole words, finished with a bit mixer so that ids differing
/// only in their high bits still spread over the table.
#[derive(Clone, Copy, Default, Debug)]
pub struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_i32(&mut self, n: i32) {
        self.add(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }
}

/// The sales plan of a subject over a period: its revenue targets in `plans` (from
/// [`revenue_targets`]) resolved by [`PeriodAmounts::resolve`], the rule the forecast uses too.
/// In short: a target for exactly the period; else the sum of its quarters or months when every
/// one of them has a target; else a share by days of the quarter's or year's target that
/// contains it (a 90-day quarter gets 90/365 of the year's); else nothing. Two targets for one
/// subject and period (left by concurrent edits) add up.
pub fn plan_of(plans: &PeriodAmounts<Subject>, subject: Subject, period: Period, currency: Currency) -> Money {
    Money::new(plans.resolve(subject, period).map_or(0, |(minor, _)| minor), currency)
}

/// How many revenue targets are in another currency than `currency`, and so left out.
pub fn targets_in_other_currency(data: &Tables, currency: Currency) -> usize {
    data.targets.iter().filter(|t| t.metric == Metric::Revenue && t.amount.currency != currency).count()
}

/// A plan, what was achieved, the difference and the share achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figures {
    pub plan: Money,
    pub actual: Money,
    /// Actual less plan: negative when behind plan.
    pub variance: Money,
    /// Actual as a share of plan in basis points (10,000 = 100%); zero without a plan.
    pub attainment_bp: i64,
}

impl Figures {
    pub fn new(plan: Money, actual: Money) -> Figures {
        Figures {
            plan,
            actual,
            variance: Money::new(actual.minor - plan.minor, plan.currency),
            attainment_bp: basis_points(actual.minor, plan.minor),
        }
    }
}

/// The figures of one month of the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: Period,
    pub figures: Figures,
}

/// Plan versus actual for one channel or partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanActualRow {
    pub subject: Subject,
    pub name: String,
    pub figures: Figures,
    pub deals_won: usize,
    /// One entry per month of the period; each month's plan follows the same rules as the whole.
    pub months: Vec<MonthFigures>,
}

/// The rows of channels or of partners, with their totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanActualSection {
    /// By name.
    pub rows: Vec<PlanActualRow>,
    /// The sums of the rows.
    pub total: Figures,
    /// The sums of the rows' months.
    pub months: Vec<MonthFigures>,
    /// Revenue won through no channel (or no partner), which no row holds.
    pub unattributed: Money,
}

/// Plan versus actual per channel and per partner for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanActual {
    pub period: Period,
    pub currency: Currency,
    /// Every channel.
    pub channels: PlanActualSection,
    /// Every partner with a plan or a won deal in the period.
    pub partners: PlanActualSection,
    /// Won deals and revenue targets in another currency, left out.
    pub other_currency: usize,
}

#[derive(Default)]
struct Actuals {
    actual: i64,
    deals: usize,
    months: Vec<i64>,
}

impl Actuals {
    fn add(&mut self, month: usize, months: usize, minor: i64) {
        if self.months.is_empty() {
            self.months = vec![0; months];
        }
        self.actual += minor;
        self.deals += 1;
        self.months[month] += minor;
    }
}

/// The position of a day's month among the months starting with `first`.
pub(crate) fn month_index(first: Date, day: Date) -> usize {
    let (y0, m0, _) = first.ymd();
    let (y, m, _) = day.ymd();
    ((y - y0) * 12 + m as i32 - m0 as i32) as usize
}

/// Plan versus actual per channel and per partner over `period`, in the workspace currency.
pub fn plan_actual(data: &Tables, period: Period) -> PlanActual {
    let currency = workspace_currency(data);
    let plans = revenue_targets(data, currency);
    let months = period.months();
    let first = period.first_day();
    let mut other_currency = targets_in_other_currency(data, currency);
    let mut by_channel: IdMap<Option<ChannelId>, Actuals> = IdMap::default();
    let mut by_partner: IdMap<Option<PartnerId>, Actuals> = IdMap::default();

    let last = period.last_day();
    for deal in data.deals.iter() {
        let Some(day) = won_on(deal).filter(|d| first <= *d && *d <= last) else { continue };
        if deal.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        let month = month_index(first, day);
        // The whole value counts for the deal's channel and its partner, as `deal_value_for`
        // has it; asking it would look up the account for nothing.
        let value = deal.value().minor;
        by_channel.entry(deal.channel).or_default().add(month, months.len(), value);
        by_partner.entry(deal.partner).or_default().add(month, months.len(), value);
    }
    // Deals through no channel or partner, or one since deleted, belong to no row.
    let no_channel: i64 =
        by_channel.iter().filter(|(c, _)| !c.is_some_and(|c| data.channels.contains(c))).map(|(_, a)| a.actual).sum();
    let no_partner: i64 =
        by_partner.iter().filter(|(p, _)| !p.is_some_and(|p| data.partners.contains(p))).map(|(_, a)| a.actual).sum();

    let row = |subject: Subject, name: &str, actuals: Option<&Actuals>| {
        let month_figures = months
            .iter()
            .enumerate()
            .map(|(i, month)| {
                let actual = actuals.and_then(|a| a.months.get(i)).copied().unwrap_or(0);
                MonthFigures {
                    month: *month,
                    figures: Figures::new(plan_of(&plans, subject, *month, currency), Money::new(actual, currency)),
                }
            })
            .collect();
        PlanActualRow {
            subject,
            name: name.to_string(),
            figures: Figures::new(
                plan_of(&plans, subject, period, currency),
                Money::new(actuals.map_or(0, |a| a.actual), currency),
            ),
            deals_won: actuals.map_or(0, |a| a.deals),
            months: month_figures,
        }
    };

    let channel_rows =
        data.channels.iter().map(|c| row(Subject::Channel(c.id), &c.name, by_channel.get(&Some(c.id)))).collect();
    let partner_rows = data
        .partners
        .iter()
        .map(|p| row(Subject::Partner(p.id), &p.name, by_partner.get(&Some(p.id))))
        .filter(|r| r.deals_won > 0 || !r.figures.plan.is_zero())
        .collect();

    PlanActual {
        period,
        currency,
        channels: section(channel_rows, &months, Money::new(no_channel, currency)),
        partners: section(partner_rows, &months, Money::new(no_partner, currency)),
        other_currency,
    }
}

fn section(mut rows: Vec<PlanActualRow>, months: &[Period], unattributed: Money) -> PlanActualSection {
    rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.subject.cmp(&b.subject)));
    let currency = unattributed.currency;
    let sum = |pick: &dyn Fn(&PlanActualRow) -> Figures| {
        let (plan, actual) =
            rows.iter().map(pick).fold((0i64, 0i64), |(p, a), f| (p + f.plan.minor, a + f.actual.minor));
        Figures::new(Money::new(plan, currency), Money::new(actual, currency))
    };
    let total = sum(&|r| r.figures);
    let month_totals = months
        .iter()
        .enumerate()
        .map(|(i, month)| MonthFigures { month: *month, figures: sum(&|r| r.months[i].figures) })
        .collect();
    PlanActualSection { rows, total, months: month_totals, unattributed }
}
