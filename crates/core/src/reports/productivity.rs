//! Report: productivity per person for a period — activities done, deals created and won, win
//! rate, lead conversion, sales cycle and open pipeline — with team totals.

use std::collections::{BTreeMap, HashMap};

use crate::activity::ActivityKind;
use crate::collection::Tables;
use crate::commands::selling::workspace_currency;
use crate::date::{Date, Period};
use crate::deal::DealStatus;
use crate::lead::LeadStatus;
use crate::money::{Currency, Money, mul_div_round};
use crate::org::{OrgUnitId, PersonId};

use super::{basis_points, person_in_unit};

/// One person's figures, or the team's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    /// Activities done in the period, by kind; kinds with none are absent.
    pub activities: BTreeMap<ActivityKind, usize>,
    /// Deals created in the period.
    pub deals_created: usize,
    /// Deals won in the period, and their value.
    pub won: usize,
    pub won_value: Money,
    /// Deals lost in the period.
    pub lost: usize,
    /// Leads created in the period, and how many of them are converted.
    pub leads: usize,
    pub leads_converted: usize,
    /// Days from creation to close summed over the won deals, for the average sales cycle.
    pub cycle_days: i64,
    /// Deals open now, and their value: today's pipeline, whatever the period.
    pub open: usize,
    pub open_value: Money,
}

impl Figures {
    fn zero(currency: Currency) -> Figures {
        Figures {
            activities: BTreeMap::new(),
            deals_created: 0,
            won: 0,
            won_value: Money::zero(currency),
            lost: 0,
            leads: 0,
            leads_converted: 0,
            cycle_days: 0,
            open: 0,
            open_value: Money::zero(currency),
        }
    }

    fn add(&mut self, other: &Figures) {
        for (kind, n) in &other.activities {
            *self.activities.entry(*kind).or_default() += n;
        }
        self.deals_created += other.deals_created;
        self.won += other.won;
        self.won_value.minor = self.won_value.minor.saturating_add(other.won_value.minor);
        self.lost += other.lost;
        self.leads += other.leads;
        self.leads_converted += other.leads_converted;
        self.cycle_days += other.cycle_days;
        self.open += other.open;
        self.open_value.minor = self.open_value.minor.saturating_add(other.open_value.minor);
    }

    /// Activities done in the period, all kinds together.
    pub fn activities_done(&self) -> usize {
        self.activities.values().sum()
    }

    /// Won deals as a share of deals closed in the period, in basis points.
    pub fn win_rate_bp(&self) -> i64 {
        basis_points(self.won as i64, (self.won + self.lost) as i64)
    }

    /// Converted leads as a share of the period's leads, in basis points.
    pub fn conversion_bp(&self) -> i64 {
        basis_points(self.leads_converted as i64, self.leads as i64)
    }

    /// The average days from creating a deal to winning it, rounded; `None` with no won deals.
    pub fn average_cycle_days(&self) -> Option<i64> {
        (self.won > 0).then(|| mul_div_round(self.cycle_days, 1, self.won as i64))
    }
}

/// One person's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow {
    pub person: PersonId,
    pub name: String,
    pub figures: Figures,
}

/// Productivity of the people in scope for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductivityReport {
    pub period: Period,
    pub currency: Currency,
    /// Most won value first, then by name: the leaderboard order.
    pub people: Vec<PersonRow>,
    /// The rows added up; the average cycle is over all the team's won deals.
    pub team: Figures,
    /// Deals left out of the money figures because they are in another currency.
    pub other_currency: usize,
}

/// Productivity per person for `period`: everyone in `unit` and its sub-units, or everyone when
/// `unit` is `None`. Inactive people appear only when they have figures. Records owned by nobody
/// count for nobody.
pub fn productivity(data: &Tables, period: Period, unit: Option<OrgUnitId>) -> ProductivityReport {
    let currency = workspace_currency(data);
    let in_scope: Vec<_> = data.people.iter().filter(|p| unit.is_none_or(|u| person_in_unit(data, p.id, u))).collect();
    let index: HashMap<PersonId, usize> = in_scope.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut figures: Vec<Figures> = vec![Figures::zero(currency); in_scope.len()];
    let mut other_currency = 0;
    let row = |person: Option<PersonId>| person.and_then(|p| index.get(&p).copied());

    let (first, last) = (period.first_day(), period.last_day());
    let in_period = |day: Date| first <= day && day <= last;
    // The cheap time test comes before the lookup, which most activities never reach; comparing
    // times rather than dates spares a division per activity.
    let (from, until) = (first.start(), last.add_days(1).start());
    for activity in data.activities.iter() {
        if let (true, Some(at)) = (activity.done, activity.done_at)
            && from <= at
            && at < until
            && let Some(i) = row(activity.person)
        {
            *figures[i].activities.entry(activity.kind).or_default() += 1;
        }
    }
    for deal in data.deals.iter() {
        let Some(i) = row(deal.owner) else { continue };
        let f = &mut figures[i];
        if in_period(deal.created) {
            f.deals_created += 1;
        }
        let closed_in_period = deal.closed_on.is_some_and(in_period);
        let value = deal.value();
        match deal.status {
            DealStatus::Won if closed_in_period => {
                if value.currency != currency {
                    other_currency += 1;
                    continue;
                }
                f.won += 1;
                f.won_value.minor = f.won_value.minor.saturating_add(value.minor);
                let closed = deal.closed_on.expect("closed in the period");
                f.cycle_days += i64::from(deal.created.days_until(closed).max(0));
            }
            DealStatus::Lost if closed_in_period => f.lost += 1,
            DealStatus::Open => {
                if value.currency != currency {
                    other_currency += 1;
                    continue;
                }
                f.open += 1;
                f.open_value.minor = f.open_value.minor.saturating_add(value.minor);
            }
            _ => {}
        }
    }
    for lead in data.leads.iter() {
        if let Some(i) = row(lead.owner)
            && in_period(lead.created)
        {
            figures[i].leads += 1;
            if lead.status == LeadStatus::Converted {
                figures[i].leads_converted += 1;
            }
        }
    }

    let mut team = Figures::zero(currency);
    let mut people: Vec<PersonRow> = in_scope
        .iter()
        .zip(figures)
        .filter(|(person, f)| person.active || *f != Figures::zero(currency))
        .map(|(person, figures)| {
            team.add(&figures);
            PersonRow { person: person.id, name: person.name.clone(), figures }
        })
        .collect();
    people.sort_by(|a, b| b.figures.won_value.minor.cmp(&a.figures.won_value.minor).then_with(|| a.name.cmp(&b.name)));
    ProductivityReport { period, currency, people, team, other_currency }
}
