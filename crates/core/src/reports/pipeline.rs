//! Report: one pipeline by stage, for the board and the funnel chart — deals, value and
//! weighted value per column, grand totals, and stale deals.
//!
//! **Stale rule:** an open deal is stale when the last time anyone touched it is more than
//! `Settings::stale_after_days` days before today. A deal is touched when it is created, when it
//! moves to another stage (`stage_changed`), and when an activity filed with it is done (the day
//! of its `done_at`); planned activities that are not done yet do not count.

use std::collections::{HashMap, HashSet};

use crate::channel::ChannelId;
use crate::collection::Tables;
use crate::commands::selling::workspace_currency;
use crate::date::Date;
use crate::deal::{Deal, DealId, DealStatus};
use crate::money::{Currency, Money};
use crate::org::{OrgUnitId, PersonId, TerritoryId};
use crate::settings::{PipelineId, SettingsId, StageId, StageKind};

use super::{person_in_unit, territory_within};

/// The stale threshold when the workspace has no settings yet.
pub const DEFAULT_STALE_AFTER_DAYS: u32 = 30;

/// Which deals a report covers; every field left `None` lets all deals through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DealFilter {
    /// Deals owned by this person.
    pub owner: Option<PersonId>,
    /// Deals owned by someone in this unit or one of its sub-units.
    pub unit: Option<OrgUnitId>,
    /// Deals with accounts in this territory or one of its sub-territories.
    pub territory: Option<TerritoryId>,
    pub channel: Option<ChannelId>,
    /// Leaves out won and lost deals closed before this day, so the closed columns of a board
    /// show recent results rather than every deal ever closed.
    pub closed_since: Option<Date>,
}

/// A [`DealFilter`] with its hierarchies resolved once, so each deal is checked in constant time.
pub(crate) struct DealMatcher<'a> {
    data: &'a Tables,
    filter: DealFilter,
    people: Option<HashSet<PersonId>>,
    territories: Option<HashSet<TerritoryId>>,
}

impl<'a> DealMatcher<'a> {
    pub(crate) fn new(data: &'a Tables, filter: DealFilter) -> DealMatcher<'a> {
        let people = filter
            .unit
            .map(|unit| data.people.iter().filter(|p| person_in_unit(data, p.id, unit)).map(|p| p.id).collect());
        let territories = filter.territory.map(|top| {
            data.territories.iter().filter(|t| territory_within(data, t.id, top)).map(|t| t.id).chain([top]).collect()
        });
        DealMatcher { data, filter, people, territories }
    }

    pub(crate) fn matches(&self, deal: &Deal) -> bool {
        let f = &self.filter;
        if f.owner.is_some_and(|o| deal.owner != Some(o)) || f.channel.is_some_and(|c| deal.channel != Some(c)) {
            return false;
        }
        if let Some(people) = &self.people
            && !deal.owner.is_some_and(|o| people.contains(&o))
        {
            return false;
        }
        if let Some(territories) = &self.territories {
            let territory = self.data.accounts.get(deal.account).and_then(|a| a.territory);
            if !territory.is_some_and(|t| territories.contains(&t)) {
                return false;
            }
        }
        if let (Some(since), DealStatus::Won | DealStatus::Lost) = (f.closed_since, deal.status)
            && deal.closed_on.is_none_or(|d| d < since)
        {
            return false;
        }
        true
    }
}

/// Deal count and value of one column or of the whole board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageTotals {
    pub count: usize,
    pub value: Money,
    /// Value times each deal's win probability.
    pub weighted: Money,
}

impl StageTotals {
    fn zero(currency: Currency) -> StageTotals {
        StageTotals { count: 0, value: Money::zero(currency), weighted: Money::zero(currency) }
    }

    fn add(&mut self, other: &StageTotals) {
        self.count += other.count;
        self.value.minor = self.value.minor.saturating_add(other.value.minor);
        self.weighted.minor = self.weighted.minor.saturating_add(other.weighted.minor);
    }
}

/// One column of the board.
#[derive(Clone, Debug, PartialEq)]
pub struct StageColumn {
    pub stage: StageId,
    pub name: String,
    pub kind: StageKind,
    /// The stage's default probability in percent.
    pub probability: u32,
    /// Deals in the workspace currency.
    pub totals: StageTotals,
    /// Every matching deal in the column, the cards of the board, by expected close then id.
    /// Includes deals in other currencies, which `totals` leaves out.
    pub deals: Vec<DealId>,
    /// How many of `deals` are in another currency.
    pub other_currency: usize,
    /// How many of `deals` are stale.
    pub stale: usize,
}

/// A pipeline by stage.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineReport {
    pub pipeline: PipelineId,
    pub currency: Currency,
    /// The columns in board order, left to right.
    pub stages: Vec<StageColumn>,
    /// Every column together.
    pub total: StageTotals,
    /// The open columns together: the live pipeline.
    pub open: StageTotals,
    /// Stale deals, in id order.
    pub stale: Vec<DealId>,
    /// Deals whose stage is no longer part of the pipeline, so the board can offer to move them.
    pub orphaned: Vec<DealId>,
    /// Deals left out of the totals because they are in another currency.
    pub other_currency: usize,
    /// The threshold the stale flags used.
    pub stale_after_days: u32,
}

/// The stale threshold the workspace uses.
pub fn stale_after_days(data: &Tables) -> u32 {
    match data.settings.get(SettingsId::SINGLETON).map(|s| s.stale_after_days) {
        Some(days) if days > 0 => days,
        _ => DEFAULT_STALE_AFTER_DAYS,
    }
}

/// The open deals of all pipelines that are stale on `today`, by the rule in this module's
/// documentation.
pub fn stale_deals(data: &Tables, today: Date) -> HashSet<DealId> {
    let open: Vec<&Deal> = data.deals.iter().filter(|d| d.status == DealStatus::Open).collect();
    stale_among(data, today, &open).into_iter().map(|i| open[i].id).collect()
}

/// The positions in `open` of the deals that are stale on `today`, in no particular order.
fn stale_among(data: &Tables, today: Date, open: &[&Deal]) -> Vec<usize> {
    let cutoff = today.add_days(-(stale_after_days(data) as i32));
    // Only deals whose own dates are old enough can be stale, and only an activity done on or
    // after the cutoff can rescue one, so most activities are passed over without a lookup.
    let mut stale: HashMap<DealId, usize> = open
        .iter()
        .enumerate()
        .filter(|(_, d)| d.created.max(d.stage_changed) < cutoff)
        .map(|(i, d)| (d.id, i))
        .collect();
    if stale.is_empty() {
        return Vec::new();
    }
    // Comparing times rather than dates spares a division per activity.
    let cutoff_time = cutoff.start();
    for activity in data.activities.iter() {
        if let (true, Some(deal), Some(at)) = (activity.done, activity.deal, activity.done_at)
            && at >= cutoff_time
        {
            stale.remove(&deal);
        }
    }
    stale.into_values().collect()
}

/// The win probability of a deal in a column, as [`Deal::probability`] has it, without looking
/// the stage up again.
fn probability_in(deal: &Deal, stage_probability: u32) -> u32 {
    match deal.status {
        DealStatus::Won => 100,
        DealStatus::Lost => 0,
        DealStatus::Open => deal.probability.unwrap_or(stage_probability),
    }
}

/// One pipeline by stage, for the deals the filter lets through, with stale flags as of `today`.
/// `None` when the pipeline does not exist.
pub fn pipeline_report(data: &Tables, pipeline: PipelineId, filter: DealFilter, today: Date) -> Option<PipelineReport> {
    let pipe = data.pipelines.get(pipeline)?;
    let currency = workspace_currency(data);
    let matcher = DealMatcher::new(data, filter);
    let ordered = pipe.ordered_stages();
    let mut stages: Vec<StageColumn> = ordered
        .iter()
        .map(|(id, s)| StageColumn {
            stage: *id,
            name: s.name.clone(),
            kind: s.kind,
            probability: s.probability,
            totals: StageTotals::zero(currency),
            deals: Vec::new(),
            other_currency: 0,
            stale: 0,
        })
        .collect();
    let mut cards: Vec<Vec<(Date, DealId)>> = vec![Vec::new(); stages.len()];
    let mut orphaned = Vec::new();
    let mut open_deals: Vec<&Deal> = Vec::new();
    let mut open_columns: Vec<usize> = Vec::new();
    let mut other_currency = 0;

    for deal in data.deals.iter().filter(|d| d.pipeline == pipeline && matcher.matches(d)) {
        // A pipeline has a handful of stages, so a scan beats hashing.
        let Some(column) = stages.iter().position(|c| c.stage == deal.stage) else {
            orphaned.push(deal.id);
            continue;
        };
        cards[column].push((deal.expected_close, deal.id));
        if deal.status == DealStatus::Open {
            open_deals.push(deal);
            open_columns.push(column);
        }
        let value = deal.value();
        let col = &mut stages[column];
        if value.currency != currency {
            col.other_currency += 1;
            other_currency += 1;
            continue;
        }
        let weighted = value.percent_bp(i64::from(probability_in(deal, col.probability)) * 100);
        col.totals.count += 1;
        col.totals.value.minor = col.totals.value.minor.saturating_add(value.minor);
        col.totals.weighted.minor = col.totals.weighted.minor.saturating_add(weighted.minor);
    }

    let mut stale: Vec<DealId> = Vec::new();
    for i in stale_among(data, today, &open_deals) {
        stale.push(open_deals[i].id);
        stages[open_columns[i]].stale += 1;
    }
    stale.sort();
    let mut total = StageTotals::zero(currency);
    let mut open = StageTotals::zero(currency);
    for (col, mut deals) in stages.iter_mut().zip(cards) {
        deals.sort();
        col.deals = deals.into_iter().map(|(_, id)| id).collect();
        total.add(&col.totals);
        if col.kind == StageKind::Open {
            open.add(&col.totals);
        }
    }
    Some(PipelineReport {
        pipeline,
        currency,
        stages,
        total,
        open,
        stale,
        orphaned,
        other_currency,
        stale_after_days: stale_after_days(data),
    })
}
