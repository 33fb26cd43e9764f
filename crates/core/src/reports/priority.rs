//! Report: product priority ranking for a period — revenue, units, margin, growth and open
//! pipeline per product from deal lines, with the strategic priority, folded into one score.
//!
//! **The score** runs from 0 to 10,000 and is a weighted sum of five parts, each scaled to
//! 0..=10,000 before weighting:
//! - revenue, 35%: the product's revenue as a share of the best-selling product's;
//! - margin, 15%: the margin rate (margin over revenue), clamped to 0..100%; a product with no
//!   known unit cost scores the neutral half, neither rewarded nor punished;
//! - growth, 20%: growth over the previous period mapped from -100%..+100% onto 0..10,000
//!   (no change is 5,000); a product selling for the first time scores 10,000 and one selling in
//!   neither period the neutral 5,000;
//! - pipeline, 15%: the open pipeline in its lines as a share of the largest product's;
//! - priority, 15%: the management priority (the product's own, else its category's) where 1 is
//!   10,000 and each step down takes 1,000 off; no priority scores 0.
//!
//! Sales make up most of the score, so the ranking follows the market, while the set priority
//! and the pipeline let management steer what the sales force pushes next.

use std::collections::HashMap;

use crate::collection::Tables;
use crate::commands::selling::workspace_currency;
use crate::date::Period;
use crate::deal::DealStatus;
use crate::money::{Currency, Money, mul_div_round};
use crate::product::{ProductCategoryId, ProductId};

use super::{basis_points, won_on};

/// The weights of the score's parts, in percent: revenue, margin, growth, pipeline, priority.
pub const SCORE_WEIGHTS: [i64; 5] = [35, 15, 20, 15, 15];

/// The score part given where there is nothing to judge by.
const NEUTRAL: i64 = 5_000;

/// One product's figures and place in the ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductRow {
    pub product: ProductId,
    pub name: String,
    pub category: Option<ProductCategoryId>,
    /// 1 for the first in the ranking.
    pub rank: usize,
    pub score: i64,
    /// Line totals of the deals won in the period.
    pub revenue: Money,
    /// Units on those lines.
    pub units: i64,
    /// Revenue less units times unit cost; `None` when the product's cost is not known.
    pub margin: Option<Money>,
    /// Margin over revenue in basis points; `None` without a margin or without revenue.
    pub margin_bp: Option<i64>,
    /// Revenue in the period before.
    pub previous_revenue: Money,
    /// Growth over the period before in basis points; `None` when the period before had none.
    pub growth_bp: Option<i64>,
    /// Line totals of the product on deals open now.
    pub open_pipeline: Money,
    /// The management priority, 1 highest: the product's own, else its category's.
    pub priority: Option<u32>,
}

/// Products ranked for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorityReport {
    pub period: Period,
    pub currency: Currency,
    /// Best first.
    pub products: Vec<ProductRow>,
    /// Deal lines left out because they are in another currency.
    pub other_currency: usize,
}

#[derive(Clone, Copy, Default)]
struct Sums {
    revenue: i64,
    units: i64,
    cost: i64,
    previous: i64,
    open: i64,
}

/// The score's parts for one product, each 0..=10,000.
fn score(row: &ProductRow, top_revenue: i64, top_open: i64) -> i64 {
    let revenue = basis_points(row.revenue.minor, top_revenue);
    let margin = row.margin_bp.map_or(NEUTRAL, |bp| bp.clamp(0, 10_000));
    let growth = match row.growth_bp {
        Some(bp) => (bp.clamp(-10_000, 10_000) + 10_000) / 2,
        None if row.revenue.minor > 0 => 10_000,
        None => NEUTRAL,
    };
    let pipeline = basis_points(row.open_pipeline.minor, top_open);
    let priority = row.priority.map_or(0, |p| (11 - i64::from(p.clamp(1, 10))) * 1_000);
    let parts = [revenue, margin, growth, pipeline, priority];
    let weighted: i64 = parts.iter().zip(SCORE_WEIGHTS).map(|(part, weight)| part * weight).sum();
    mul_div_round(weighted, 1, 100)
}

/// Products ranked by the score in this module's documentation, for `period` (growth against
/// the period before it). Active products are all listed; inactive ones only while they still
/// have sales or pipeline.
pub fn product_priority(data: &Tables, period: Period) -> PriorityReport {
    let currency = workspace_currency(data);
    let previous = period.previous();
    let index: HashMap<ProductId, usize> = data.products.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    // The unit cost of each product in the workspace currency, where known.
    let unit_cost: Vec<Option<i64>> =
        data.products.iter().map(|p| p.unit_cost.filter(|c| c.currency == currency).map(|c| c.minor)).collect();
    let mut sums = vec![Sums::default(); index.len()];
    let mut other_currency = 0;

    for deal in data.deals.iter() {
        let (now, before, open) = match deal.status {
            DealStatus::Open => (false, false, true),
            DealStatus::Won => {
                let Some(day) = won_on(deal) else { continue };
                (period.contains(day), previous.contains(day), false)
            }
            DealStatus::Lost => continue,
        };
        if !(now || before || open) {
            continue;
        }
        for line in deal.lines.values() {
            let Some(&i) = index.get(&line.product) else { continue };
            let total = line.total();
            if total.currency != currency {
                other_currency += 1;
                continue;
            }
            let s = &mut sums[i];
            if now {
                s.revenue = s.revenue.saturating_add(total.minor);
                s.units = s.units.saturating_add(line.quantity);
                s.cost = s.cost.saturating_add(unit_cost[i].unwrap_or(0).saturating_mul(line.quantity));
            }
            if before {
                s.previous = s.previous.saturating_add(total.minor);
            }
            if open {
                s.open = s.open.saturating_add(total.minor);
            }
        }
    }

    let mut products: Vec<ProductRow> = data
        .products
        .iter()
        .zip(sums)
        .zip(unit_cost)
        .filter(|((p, s), _)| p.active || s.revenue != 0 || s.previous != 0 || s.open != 0)
        .map(|((p, s), cost)| {
            let margin = cost.map(|_| Money::new(s.revenue - s.cost, currency));
            let category = p.category.and_then(|c| data.product_categories.get(c));
            ProductRow {
                product: p.id,
                name: p.name.clone(),
                category: p.category,
                rank: 0,
                score: 0,
                revenue: Money::new(s.revenue, currency),
                units: s.units,
                margin,
                margin_bp: margin.filter(|_| s.revenue != 0).map(|m| basis_points(m.minor, s.revenue)),
                previous_revenue: Money::new(s.previous, currency),
                growth_bp: (s.previous != 0).then(|| basis_points(s.revenue - s.previous, s.previous)),
                open_pipeline: Money::new(s.open, currency),
                priority: p.priority.or(category.map(|c| c.priority)).filter(|p| *p > 0),
            }
        })
        .collect();
    let top_revenue = products.iter().map(|r| r.revenue.minor).max().unwrap_or(0);
    let top_open = products.iter().map(|r| r.open_pipeline.minor).max().unwrap_or(0);
    for row in &mut products {
        row.score = score(row, top_revenue, top_open);
    }
    products.sort_by(|a, b| {
        (b.score, b.revenue.minor)
            .cmp(&(a.score, a.revenue.minor))
            .then_with(|| (&a.name, a.product).cmp(&(&b.name, b.product)))
    });
    for (i, row) in products.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    PriorityReport { period, currency, products, other_currency }
}
