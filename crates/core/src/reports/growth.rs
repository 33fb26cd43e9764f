//! Report: sales growth period over period — revenue of won deals for the last N months,
//! quarters or years, against the period before and the same period a year earlier.

use crate::collection::Tables;
use crate::commands::selling::workspace_currency;
use crate::date::Period;
use crate::management::Subject;
use crate::money::{Currency, Money};

use super::{basis_points, deal_value_for, won_on};

/// Revenue of one period with its comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrowthRow {
    pub period: Period,
    /// Value of the deals won in the period that counts for the subject.
    pub revenue: Money,
    /// Won deals that contributed revenue.
    pub deals: usize,
    /// Revenue of the period before.
    pub previous: Money,
    /// Growth over the period before in basis points (+25% is 2,500); `None` when the period
    /// before had no revenue, since growth from nothing has no rate.
    pub growth_bp: Option<i64>,
    /// Revenue of the same period a year earlier.
    pub year_earlier: Money,
    /// Growth over the same period a year earlier in basis points; `None` as above.
    pub year_over_year_bp: Option<i64>,
}

/// Sales growth over consecutive periods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Growth {
    pub subject: Subject,
    pub currency: Currency,
    /// Oldest period first, ending with the requested one.
    pub rows: Vec<GrowthRow>,
    /// Won deals in the periods looked at that are in another currency, left out.
    pub other_currency: usize,
}

/// A period's position on the line of periods of its kind, so periods index a vector.
fn ordinal(period: Period) -> i64 {
    match period {
        Period::Month { year, month } => i64::from(year) * 12 + i64::from(month) - 1,
        Period::Quarter { year, quarter } => i64::from(year) * 4 + i64::from(quarter) - 1,
        Period::Year { year } => i64::from(year),
    }
}

/// The period of the same kind as `like` that contains `day`.
fn same_kind(like: Period, day: crate::date::Date) -> Period {
    match like {
        Period::Month { .. } => Period::month_of(day),
        Period::Quarter { .. } => Period::quarter_of(day),
        Period::Year { .. } => Period::year_of(day),
    }
}

/// Growth is `(now - before) / before`; `None` when there was nothing before.
fn growth(now: Money, before: Money) -> Option<i64> {
    (before.minor != 0).then(|| basis_points(now.minor - before.minor, before.minor))
}

/// Revenue for `subject` in the `count` periods ending with `through` (of its kind: months,
/// quarters or years), each compared with the period before and the same period a year earlier.
pub fn sales_growth(data: &Tables, through: Period, count: usize, subject: Subject) -> Growth {
    let currency = workspace_currency(data);
    let count = count.max(1);
    let first = through.shift(-(count as i32 - 1));
    // The comparisons reach back one period, or one year, before the first row. Periods of one
    // kind order by time.
    let earliest = first.previous().min(first.year_earlier());
    let base = ordinal(earliest);
    let span = (ordinal(through) - base + 1) as usize;
    let mut revenue = vec![0i64; span];
    let mut deals = vec![0usize; span];
    let mut other_currency = 0;

    for deal in data.deals.iter() {
        let Some(day) = won_on(deal) else { continue };
        let slot = ordinal(same_kind(through, day)) - base;
        if slot < 0 || slot >= span as i64 {
            continue;
        }
        let value = deal_value_for(deal, subject, data);
        if value.minor == 0 {
            continue;
        }
        if value.currency != currency {
            other_currency += 1;
            continue;
        }
        revenue[slot as usize] = revenue[slot as usize].saturating_add(value.minor);
        deals[slot as usize] += 1;
    }

    let at = |p: Period| Money::new(revenue[(ordinal(p) - base) as usize], currency);
    let rows = (0..count as i32)
        .map(|i| {
            let period = first.shift(i);
            let (now, previous, year_earlier) = (at(period), at(period.previous()), at(period.year_earlier()));
            GrowthRow {
                period,
                revenue: now,
                deals: deals[(ordinal(period) - base) as usize],
                previous,
                growth_bp: growth(now, previous),
                year_earlier,
                year_over_year_bp: growth(now, year_earlier),
            }
        })
        .collect();
    Growth { subject, currency, rows, other_currency }
}
