//! Reports: pure functions over the materialized tables that answer managers' questions.
//!
//! Reports work in one currency, the workspace's; records in another currency are left out and
//! counted in the report's `other_currency` figure, so nothing is summed across currencies.
//! This module holds what several reports share: which deals count for a subject, and how much.

use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::deal::{Deal, DealStatus};
use crate::management::Subject;
use crate::money::{Currency, Money};
use crate::org::{OrgUnitId, PersonId, TerritoryId};

pub mod commission;
pub mod costs;
pub mod forecast;
pub mod growth;
pub mod pipeline;
pub mod plan_actual;
pub mod priority;
pub mod productivity;
pub mod review;
pub mod scorecard;
pub mod segments;
pub mod winloss;

/// The date a won deal counts on, if it is won.
pub fn won_on(deal: &Deal) -> Option<Date> {
    match deal.status {
        DealStatus::Won => deal.closed_on,
        _ => None,
    }
}

/// Whether a deal was won within a period.
pub fn won_in(deal: &Deal, period: Period) -> bool {
    won_on(deal).is_some_and(|d| period.contains(d))
}

/// Whether `unit` is `ancestor` or sits somewhere beneath it.
pub fn unit_within(data: &Tables, unit: OrgUnitId, ancestor: OrgUnitId) -> bool {
    let mut current = Some(unit);
    let mut steps = 0;
    while let Some(id) = current {
        if id == ancestor {
            return true;
        }
        steps += 1;
        if steps > 64 {
            return false;
        }
        current = data.org_units.get(id).and_then(|u| u.parent);
    }
    false
}

/// Whether `territory` is `ancestor` or sits somewhere beneath it.
pub fn territory_within(data: &Tables, territory: TerritoryId, ancestor: TerritoryId) -> bool {
    let mut current = Some(territory);
    let mut steps = 0;
    while let Some(id) = current {
        if id == ancestor {
            return true;
        }
        steps += 1;
        if steps > 64 {
            return false;
        }
        current = data.territories.get(id).and_then(|t| t.parent);
    }
    false
}

/// Whether a person belongs to a unit or one of its sub-units.
pub fn person_in_unit(data: &Tables, person: PersonId, unit: OrgUnitId) -> bool {
    data.people.get(person).and_then(|p| p.unit).is_some_and(|u| unit_within(data, u, unit))
}

/// The part of a deal's value that counts for a subject: all of it for the company, its owner,
/// the owner's units, the account's territory and segment, and the deal's channel and partner;
/// only the matching lines for a product or a product category. Zero when it does not count.
pub fn deal_value_for(deal: &Deal, subject: Subject, data: &Tables) -> Money {
    let zero = Money::zero(deal.amount.currency);
    let account = data.accounts.get(deal.account);
    let counts = match subject {
        Subject::Company => true,
        Subject::Person(p) => deal.owner == Some(p),
        Subject::Unit(u) => deal.owner.is_some_and(|p| person_in_unit(data, p, u)),
        Subject::Territory(t) => account.and_then(|a| a.territory).is_some_and(|at| territory_within(data, at, t)),
        Subject::Segment(s) => account.and_then(|a| a.segment) == Some(s),
        Subject::Channel(c) => deal.channel == Some(c),
        Subject::Partner(p) => deal.partner == Some(p),
        Subject::Product(product) => {
            let minor: i64 = deal.lines.values().filter(|l| l.product == product).map(|l| l.total().minor).sum();
            return Money::new(minor, deal.amount.currency);
        }
        Subject::Category(category) => {
            let minor: i64 = deal
                .lines
                .values()
                .filter(|l| data.products.get(l.product).and_then(|p| p.category) == Some(category))
                .map(|l| l.total().minor)
                .sum();
            return Money::new(minor, deal.amount.currency);
        }
    };
    if counts { deal.value() } else { zero }
}

/// Sums `amounts` in `currency`, counting how many were in another currency.
pub fn sum_in(currency: Currency, amounts: impl IntoIterator<Item = Money>) -> (Money, usize) {
    let mut total = Money::zero(currency);
    let mut other = 0;
    for m in amounts {
        if m.currency == currency {
            total.minor = total.minor.saturating_add(m.minor);
        } else if m.minor != 0 {
            other += 1;
        }
    }
    (total, other)
}

/// `part / whole` in percent, rounded; zero when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { crate::money::mul_div_round(part, 100, whole) }
}

/// `part / whole` in basis points (1% = 100), rounded; zero when `whole` is zero.
pub fn basis_points(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { crate::money::mul_div_round(part, 10_000, whole) }
}
