//! Report: how each customer segment and market niche performs over a period: accounts and
//! customers, won revenue and deals, open pipeline, win rate, average deal size, and for niches
//! their role, how much of their estimated size was won, and their entry plans by status.
//!
//! A deal belongs to the segment and niche of its account as they are now.

use crate::account::{AccountId, AccountStatus};
use crate::collection::Tables;
use crate::date::{Date, Period};
use crate::deal::DealStatus;
use crate::market::{NicheId, NicheRole, PlanStatus, PriceCategory, SegmentId};
use crate::money::{Currency, Money, mul_div_round};
use crate::reports::basis_points;
use crate::reports::forecast::{days_in, workspace_currency};
use crate::reports::plan_actual::{IdMap, IdSet};

/// The figures of a segment or niche.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Performance {
    /// Accounts in it, whatever their status.
    pub accounts: usize,
    /// Accounts whose status is customer.
    pub customers: usize,
    /// Accounts that won at least one deal in the period.
    pub buying_accounts: usize,
    /// Revenue of deals won in the period.
    pub revenue: Money,
    pub deals_won: usize,
    pub deals_lost: usize,
    /// The value of deals open now, whenever they are expected to close.
    pub open_pipeline: Money,
    pub open_deals: usize,
    /// Deals won as a share of deals closed (won or lost) in the period, in basis points.
    pub win_rate_bp: i64,
    /// Revenue per deal won; zero without won deals.
    pub average_deal: Money,
}

/// One segment's performance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentRow {
    pub segment: SegmentId,
    pub name: String,
    pub price_category: PriceCategory,
    pub performance: Performance,
}

/// One niche's performance, against its estimated size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NicheRow {
    pub niche: NicheId,
    pub name: String,
    pub segment: Option<SegmentId>,
    pub role: NicheRole,
    /// The niche's estimated yearly sales potential.
    pub estimated_size: Option<Money>,
    /// The estimated size pro-rated to the period by days (a quarter of 90 days in a 365-day year
    /// gets 90/365 of it); the size itself for a calendar year.
    pub period_potential: Option<Money>,
    /// Revenue as a share of the period's potential, in basis points; `None` without a size in the
    /// workspace currency.
    pub penetration_bp: Option<i64>,
    pub performance: Performance,
    /// How many of the niche's entry plans are in each status, in the order of
    /// [`PlanStatus::ALL`].
    pub entry_plans: Vec<(PlanStatus, usize)>,
}

/// Segment and niche performance for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentReport {
    pub period: Period,
    pub currency: Currency,
    /// By name.
    pub segments: Vec<SegmentRow>,
    /// Strategic niches first, then by name.
    pub niches: Vec<NicheRow>,
    /// Accounts and deals with no segment.
    pub without_segment: Performance,
    /// Accounts and deals with no niche.
    pub without_niche: Performance,
    /// Deals and niche sizes in another currency, left out.
    pub other_currency: usize,
}

#[derive(Default, Clone)]
struct Acc {
    accounts: usize,
    customers: usize,
    buying_accounts: usize,
    revenue: i64,
    deals_won: usize,
    deals_lost: usize,
    open_pipeline: i64,
    open_deals: usize,
}

impl Acc {
    fn finish(&self, currency: Currency) -> Performance {
        let average = if self.deals_won == 0 { 0 } else { mul_div_round(self.revenue, 1, self.deals_won as i64) };
        Performance {
            accounts: self.accounts,
            customers: self.customers,
            buying_accounts: self.buying_accounts,
            revenue: Money::new(self.revenue, currency),
            deals_won: self.deals_won,
            deals_lost: self.deals_lost,
            open_pipeline: Money::new(self.open_pipeline, currency),
            open_deals: self.open_deals,
            win_rate_bp: basis_points(self.deals_won as i64, (self.deals_won + self.deals_lost) as i64),
            average_deal: Money::new(average, currency),
        }
    }
}

/// Accumulators for the segments or the niches, with one more for records that have none.
struct Groups<K> {
    index: IdMap<K, usize>,
    accs: Vec<Acc>,
}

impl<K: std::hash::Hash + Eq + Copy> Groups<K> {
    fn new(keys: impl Iterator<Item = K>) -> Groups<K> {
        let index: IdMap<K, usize> = keys.enumerate().map(|(i, k)| (k, i)).collect();
        let accs = vec![Acc::default(); index.len() + 1];
        Groups { index, accs }
    }

    /// The accumulator's position for a key; keys that are unset or name a deleted record share
    /// the last one.
    fn slot(&self, key: Option<K>) -> usize {
        key.and_then(|k| self.index.get(&k).copied()).unwrap_or(self.accs.len() - 1)
    }

    fn get(&mut self, key: Option<K>) -> &mut Acc {
        let i = self.slot(key);
        &mut self.accs[i]
    }
}

/// Segment and niche performance over `period`, in the workspace currency.
pub fn segment_performance(data: &Tables, period: Period) -> SegmentReport {
    let currency = workspace_currency(data);
    let mut other_currency = 0;
    let mut segments = Groups::new(data.segments.ids());
    let mut niches = Groups::new(data.niches.ids());

    // Each account's segment and niche slots, so that deals find them without a tree lookup.
    let mut slots: IdMap<AccountId, (usize, usize)> = IdMap::default();
    for account in data.accounts.iter() {
        let (s, n) = (segments.slot(account.segment), niches.slot(account.niche));
        slots.insert(account.id, (s, n));
        for acc in [&mut segments.accs[s], &mut niches.accs[n]] {
            acc.accounts += 1;
            if account.status == AccountStatus::Customer {
                acc.customers += 1;
            }
        }
    }

    let mut buyers: IdSet<AccountId> = IdSet::default();
    let (first, last) = (period.first_day(), period.last_day());
    let in_period = |day: Date| first <= day && day <= last;
    let unknown = (segments.slot(None), niches.slot(None));
    for deal in data.deals.iter() {
        let counts = match deal.status {
            DealStatus::Open => true,
            DealStatus::Won | DealStatus::Lost => deal.closed_on.is_some_and(in_period),
        };
        if !counts {
            continue;
        }
        if deal.amount.currency != currency {
            other_currency += 1;
            continue;
        }
        let account = slots.get(&deal.account).copied();
        let (s, n) = account.unwrap_or(unknown);
        let value = deal.value().minor;
        let first_win = deal.status == DealStatus::Won && account.is_some() && buyers.insert(deal.account);
        for acc in [&mut segments.accs[s], &mut niches.accs[n]] {
            match deal.status {
                DealStatus::Open => {
                    acc.open_pipeline += value;
                    acc.open_deals += 1;
                }
                DealStatus::Won => {
                    acc.revenue += value;
                    acc.deals_won += 1;
                }
                DealStatus::Lost => acc.deals_lost += 1,
            }
            if first_win {
                acc.buying_accounts += 1;
            }
        }
    }

    let mut plan_counts: IdMap<NicheId, [usize; 4]> = IdMap::default();
    for plan in data.entry_plans.iter() {
        let status = PlanStatus::ALL.iter().position(|s| *s == plan.status).expect("every status is listed");
        plan_counts.entry(plan.niche).or_default()[status] += 1;
    }

    let mut segment_rows: Vec<SegmentRow> = data
        .segments
        .iter()
        .map(|s| SegmentRow {
            segment: s.id,
            name: s.name.clone(),
            price_category: s.price_category,
            performance: segments.get(Some(s.id)).finish(currency),
        })
        .collect();
    segment_rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.segment.cmp(&b.segment)));

    let year_days = days_in(Period::year_of(period.first_day()));
    let mut niche_rows: Vec<NicheRow> = data
        .niches
        .iter()
        .map(|n| {
            let performance = niches.get(Some(n.id)).finish(currency);
            let size = n.estimated_size.filter(|s| s.currency == currency);
            if n.estimated_size.is_some_and(|s| s.currency != currency) {
                other_currency += 1;
            }
            let potential = size.map(|s| match period {
                Period::Year { .. } => s,
                _ => Money::new(mul_div_round(s.minor, days_in(period), year_days), currency),
            });
            let counts = plan_counts.get(&n.id).copied().unwrap_or_default();
            NicheRow {
                niche: n.id,
                name: n.name.clone(),
                segment: n.segment,
                role: n.role,
                estimated_size: n.estimated_size,
                period_potential: potential,
                penetration_bp: potential.map(|p| basis_points(performance.revenue.minor, p.minor)),
                performance,
                entry_plans: PlanStatus::ALL.iter().copied().zip(counts).collect(),
            }
        })
        .collect();
    niche_rows.sort_by(|a, b| {
        let strategic_first = |r: &NicheRow| r.role != NicheRole::Strategic;
        strategic_first(a).cmp(&strategic_first(b)).then(a.name.cmp(&b.name)).then(a.niche.cmp(&b.niche))
    });

    SegmentReport {
        period,
        currency,
        segments: segment_rows,
        niches: niche_rows,
        without_segment: segments.get(None).finish(currency),
        without_niche: niches.get(None).finish(currency),
        other_currency,
    }
}
