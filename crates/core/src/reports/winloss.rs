//! Report: win/loss for a period — the deals closed in it, won against lost, with the loss
//! reasons and breakdowns by the account's segment and by competitor.

use std::collections::HashMap;

use crate::collection::Tables;
use crate::commands::selling::workspace_currency;
use crate::date::Period;
use crate::deal::{DealStatus, LossReason};
use crate::market::SegmentId;
use crate::money::{Currency, Money};

use super::basis_points;

/// The name competitor rows use for deals that name no competitor.
pub const UNKNOWN_COMPETITOR: &str = "unknown";

/// How many deals and how much value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    pub count: usize,
    pub value: Money,
}

impl Tally {
    fn zero(currency: Currency) -> Tally {
        Tally { count: 0, value: Money::zero(currency) }
    }

    fn add(&mut self, value: Money) {
        self.count += 1;
        self.value.minor = self.value.minor.saturating_add(value.minor);
    }
}

/// Won against lost for one slice of the deals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WonLost {
    pub won: Tally,
    pub lost: Tally,
}

impl WonLost {
    fn zero(currency: Currency) -> WonLost {
        WonLost { won: Tally::zero(currency), lost: Tally::zero(currency) }
    }

    /// Won deals as a share of closed deals, in basis points; zero when none closed.
    pub fn win_rate_bp(&self) -> i64 {
        basis_points(self.won.count as i64, (self.won.count + self.lost.count) as i64)
    }

    /// Won value as a share of closed value, in basis points; zero when nothing closed.
    pub fn value_win_rate_bp(&self) -> i64 {
        basis_points(self.won.value.minor, self.won.value.minor.saturating_add(self.lost.value.minor))
    }
}

/// Lost deals with one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonRow {
    /// `None` for deals lost without a reason (written by an older or foreign peer).
    pub reason: Option<LossReason>,
    pub lost: Tally,
}

/// Won against lost for one segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentRow {
    /// `None` for accounts with no segment.
    pub segment: Option<SegmentId>,
    pub name: String,
    pub result: WonLost,
}

/// Won against lost for one competitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompetitorRow {
    /// The spelling first seen (in deal order); rows merge spellings that differ only in case
    /// and spacing. Deals naming none are under [`UNKNOWN_COMPETITOR`].
    pub competitor: String,
    pub result: WonLost,
}

/// Win/loss for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WinLoss {
    pub period: Period,
    pub currency: Currency,
    pub result: WonLost,
    /// Lost deals by reason, most lost first (then in the reasons' order).
    pub by_reason: Vec<ReasonRow>,
    /// By the account's segment, in name order, the no-segment row last.
    pub by_segment: Vec<SegmentRow>,
    /// By competitor, most deals lost to them first, then by name.
    pub by_competitor: Vec<CompetitorRow>,
    /// Deals closed in the period in another currency, left out.
    pub other_currency: usize,
}

/// The key competitor names are grouped by: lower case, with runs of spaces made one; a blank
/// name is [`UNKNOWN_COMPETITOR`].
pub fn competitor_key(name: &str) -> String {
    let key = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if key.is_empty() { UNKNOWN_COMPETITOR.to_string() } else { key }
}

/// Win/loss of the deals closed (won or lost) within `period`.
pub fn win_loss(data: &Tables, period: Period) -> WinLoss {
    let currency = workspace_currency(data);
    let mut result = WonLost::zero(currency);
    let mut reasons: HashMap<Option<LossReason>, Tally> = HashMap::new();
    let mut segments: HashMap<Option<SegmentId>, WonLost> = HashMap::new();
    let mut competitors: HashMap<String, CompetitorRow> = HashMap::new();
    let mut other_currency = 0;

    for deal in data.deals.iter() {
        let won = match (deal.status, deal.closed_on) {
            (DealStatus::Won, Some(day)) if period.contains(day) => true,
            (DealStatus::Lost, Some(day)) if period.contains(day) => false,
            _ => continue,
        };
        let value = deal.value();
        if value.currency != currency {
            other_currency += 1;
            continue;
        }
        let segment = data.accounts.get(deal.account).and_then(|a| a.segment);
        let key = competitor_key(&deal.competitor);
        let competitor = competitors.entry(key).or_insert_with(|| CompetitorRow {
            competitor: match deal.competitor.split_whitespace().collect::<Vec<_>>().join(" ") {
                blank if blank.is_empty() => UNKNOWN_COMPETITOR.to_string(),
                name => name,
            },
            result: WonLost::zero(currency),
        });
        let segment = segments.entry(segment).or_insert_with(|| WonLost::zero(currency));
        if won {
            result.won.add(value);
            segment.won.add(value);
            competitor.result.won.add(value);
        } else {
            result.lost.add(value);
            segment.lost.add(value);
            competitor.result.lost.add(value);
            reasons.entry(deal.loss_reason).or_insert_with(|| Tally::zero(currency)).add(value);
        }
    }

    let mut by_reason: Vec<ReasonRow> = reasons.into_iter().map(|(reason, lost)| ReasonRow { reason, lost }).collect();
    by_reason.sort_by_key(|r| (std::cmp::Reverse(r.lost.count), r.reason.is_none(), r.reason));
    let mut by_segment: Vec<SegmentRow> = segments
        .into_iter()
        .map(|(segment, result)| SegmentRow {
            segment,
            name: segment
                .and_then(|s| data.segments.get(s))
                .map_or_else(|| "No segment".to_string(), |s| s.name.clone()),
            result,
        })
        .collect();
    by_segment
        .sort_by(|a, b| (a.segment.is_none(), &a.name, a.segment).cmp(&(b.segment.is_none(), &b.name, b.segment)));
    let mut by_competitor: Vec<CompetitorRow> = competitors.into_values().collect();
    by_competitor.sort_by(|a, b| {
        (std::cmp::Reverse(a.result.lost.count), competitor_key(&a.competitor))
            .cmp(&(std::cmp::Reverse(b.result.lost.count), competitor_key(&b.competitor)))
    });
    WinLoss { period, currency, result, by_reason, by_segment, by_competitor, other_currency }
}
