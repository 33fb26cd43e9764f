//! Report: the annual review comparison — the period's plan against actual won revenue for the
//! company and every channel, partner, segment, territory, product, team and person; budgets
//! against spend by cost category; and, side by side, the targets and budgets that plan versions
//! propose for the next period with the growth each implies.
//!
//! Everything is in the workspace currency; records in another currency are left out and counted.
//!
//! # Revenue, per subject
//! - **plan**: the subject's live revenue target for the period, found as the forecast finds it:
//!   set for the period, summed from finer periods, or pro-rated by days from the enclosing one
//!   (see [`PeriodAmounts::resolve`]);
//! - **actual**: revenue of the deals won within the period that counts for the subject, by the
//!   rules of [`deal_value_for`](crate::reports::deal_value_for) (a territory counts its
//!   sub-territories, a team its sub-teams, a product only its line items);
//! - **variance** = actual − plan: positive when ahead of plan, negative when short of it;
//! - **attainment** = actual / plan, in basis points (10,000 = 100%).
//!
//! # Budgets, per cost category
//! - **budget**: the company-wide budget of the category for the period, found as above;
//! - **spent**: the category's cost in the [cost of sales](crate::reports::costs) report
//!   (recorded entries, and salaries and commissions computed for months with none recorded);
//! - **variance** = budget − spent: positive when under budget, as in the cost report;
//! - **used** = spent / budget, in basis points.
//!
//! # Proposals of plan versions
//! For each plan version compared, its draft's revenue target for the subject (or its draft's
//! company-wide budget for the category) over the version's own period, found as above, and the
//! **growth implied** = (proposed − actual) / actual in basis points, against this period's
//! actual revenue (or spend); `None` when there was no actual to grow from.

use std::collections::BTreeMap;

use crate::collection::Tables;
use crate::date::Period;
use crate::management::{CostCategory, Subject};
use crate::money::{Currency, Money};
use crate::reports::basis_points;
use crate::reports::costs::{CostOptions, cost_of_sales};
use crate::reports::forecast::{Basis, PeriodAmounts, forecast, revenue_targets, workspace_currency};
use crate::review::{PlanVersion, PlanVersionId, VersionStatus};

/// A kind of subject the review compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Company,
    Channel,
    Partner,
    Segment,
    Territory,
    Product,
    Team,
    Person,
}

impl Dimension {
    /// Every dimension, in the order the review lists them.
    pub const ALL: [Dimension; 8] = [
        Dimension::Company,
        Dimension::Channel,
        Dimension::Partner,
        Dimension::Segment,
        Dimension::Territory,
        Dimension::Product,
        Dimension::Team,
        Dimension::Person,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Company => "Company",
            Dimension::Channel => "Channels",
            Dimension::Partner => "Partners",
            Dimension::Segment => "Segments",
            Dimension::Territory => "Territories",
            Dimension::Product => "Products",
            Dimension::Team => "Teams",
            Dimension::Person => "People",
        }
    }

    /// The dimension a subject belongs to; product categories are not reviewed on their own.
    pub fn of(subject: Subject) -> Option<Dimension> {
        Some(match subject {
            Subject::Company => Dimension::Company,
            Subject::Channel(_) => Dimension::Channel,
            Subject::Partner(_) => Dimension::Partner,
            Subject::Segment(_) => Dimension::Segment,
            Subject::Territory(_) => Dimension::Territory,
            Subject::Product(_) => Dimension::Product,
            Subject::Unit(_) => Dimension::Team,
            Subject::Person(_) => Dimension::Person,
            Subject::Category(_) => return None,
        })
    }

    /// The subjects of this dimension: every record of its kind, in id order.
    pub fn subjects(self, data: &Tables) -> Vec<Subject> {
        match self {
            Dimension::Company => vec![Subject::Company],
            Dimension::Channel => data.channels.ids().map(Subject::Channel).collect(),
            Dimension::Partner => data.partners.ids().map(Subject::Partner).collect(),
            Dimension::Segment => data.segments.ids().map(Subject::Segment).collect(),
            Dimension::Territory => data.territories.ids().map(Subject::Territory).collect(),
            Dimension::Product => data.products.ids().map(Subject::Product).collect(),
            Dimension::Team => data.org_units.ids().map(Subject::Unit).collect(),
            Dimension::Person => data.people.ids().map(Subject::Person).collect(),
        }
    }
}

/// Every subject the review compares: the company first, then each dimension's records.
pub fn review_subjects(data: &Tables) -> Vec<Subject> {
    Dimension::ALL.iter().flat_map(|d| d.subjects(data)).collect()
}

/// A plan version and the tables of its draft, to compare.
#[derive(Clone, Copy, Debug)]
pub struct PlanDraft<'a> {
    pub version: &'a PlanVersion,
    /// The draft's tables (see [`Workspace::draft_data`](crate::Workspace::draft_data)).
    pub data: &'a Tables,
}

/// What one plan version proposes for one subject or cost category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The proposed target or budget for the version's period.
    pub amount: Option<Money>,
    pub basis: Option<Basis>,
    /// Proposed / this period's actual − 1, in basis points; `None` without both.
    pub growth_bp: Option<i64>,
}

/// One subject's line of the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub subject: Subject,
    /// The live revenue target for the period.
    pub plan: Option<Money>,
    pub plan_basis: Option<Basis>,
    /// Won revenue in the period.
    pub actual: Money,
    pub won_deals: usize,
    /// Actual − plan.
    pub variance: Option<Money>,
    /// Actual / plan in basis points.
    pub attainment_bp: Option<i64>,
    /// One per plan version compared, in the order given.
    pub proposals: Vec<Proposal>,
}

/// The rows of one dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DimensionReview {
    pub dimension: Dimension,
    pub rows: Vec<ReviewRow>,
}

/// One cost category's line of the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetReviewRow {
    pub category: CostCategory,
    /// The company-wide budget for the period.
    pub budget: Option<Money>,
    pub budget_basis: Option<Basis>,
    pub spent: Money,
    /// Budget − spent.
    pub variance: Option<Money>,
    /// Spent / budget in basis points.
    pub used_bp: Option<i64>,
    /// One per plan version compared, in the order given.
    pub proposals: Vec<Proposal>,
}

/// The heading of one compared plan version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionColumn {
    pub version: PlanVersionId,
    pub name: String,
    /// The period the version plans.
    pub period: Period,
    pub status: VersionStatus,
}

/// The annual review of a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualReview {
    pub period: Period,
    pub currency: Currency,
    /// The plan versions compared, in the order given.
    pub versions: Vec<VersionColumn>,
    /// Every dimension, in the order of [`Dimension::ALL`].
    pub dimensions: Vec<DimensionReview>,
    /// Every cost category, in the order of [`CostCategory::ALL`].
    pub budgets: Vec<BudgetReviewRow>,
    /// Deals won in the period in another currency, left out.
    pub other_currency_deals: usize,
    /// Cost entries, salaries and budgets in another currency, left out (as the cost report
    /// counts them).
    pub other_currency_costs: usize,
}

impl AnnualReview {
    pub fn dimension(&self, dimension: Dimension) -> &DimensionReview {
        &self.dimensions[dimension as usize]
    }

    /// The row of one subject.
    pub fn row(&self, subject: Subject) -> Option<&ReviewRow> {
        let dimension = Dimension::of(subject)?;
        self.dimension(dimension).rows.iter().find(|r| r.subject == subject)
    }

    pub fn budget(&self, category: CostCategory) -> &BudgetReviewRow {
        &self.budgets[category as usize]
    }
}

/// Growth from `actual` to `proposed`, in basis points; `None` without both.
fn implied_growth(proposed: Option<i64>, actual: i64) -> Option<i64> {
    let proposed = proposed?;
    (actual != 0).then(|| basis_points(proposed - actual, actual))
}

/// The annual review of `period`, with the proposals of `versions` side by side (see the module
/// docs for every figure).
pub fn annual_review(data: &Tables, period: Period, versions: &[PlanDraft<'_>]) -> AnnualReview {
    let currency = workspace_currency(data);
    let money = |minor| Money::new(minor, currency);
    let proposal = |resolved: Option<(i64, Basis)>, actual: i64| Proposal {
        amount: resolved.map(|(m, _)| money(m)),
        basis: resolved.map(|(_, b)| b),
        growth_bp: implied_growth(resolved.map(|(m, _)| m), actual),
    };

    let subjects = review_subjects(data);
    let actuals = forecast(data, period, &subjects);
    let proposed_targets: Vec<PeriodAmounts<Subject>> =
        versions.iter().map(|v| revenue_targets(v.data, currency)).collect();
    let mut dimensions: BTreeMap<Dimension, Vec<ReviewRow>> = Dimension::ALL.iter().map(|d| (*d, Vec::new())).collect();
    for row in &actuals.rows {
        let Some(dimension) = Dimension::of(row.subject) else { continue };
        let plan = row.target.map(|t| t.minor);
        let proposals = versions
            .iter()
            .zip(&proposed_targets)
            .map(|(v, targets)| proposal(targets.resolve(row.subject, v.version.period), row.won.minor))
            .collect();
        dimensions.get_mut(&dimension).expect("every dimension listed").push(ReviewRow {
            subject: row.subject,
            plan: row.target,
            plan_basis: row.target_basis,
            actual: row.won,
            won_deals: row.won_deals,
            variance: plan.map(|p| money(row.won.minor - p)),
            attainment_bp: row.attainment_bp,
            proposals,
        });
    }

    let costs = cost_of_sales(data, period, CostOptions::default());
    let proposed_budgets: Vec<PeriodAmounts<CostCategory>> = versions
        .iter()
        .map(|v| {
            let mut amounts = PeriodAmounts::default();
            for b in v.data.budgets.iter().filter(|b| b.unit.is_none() && b.amount.currency == currency) {
                amounts.add(b.category, b.period, b.amount.minor);
            }
            amounts
        })
        .collect();
    let budgets = costs
        .categories
        .iter()
        .map(|c| {
            let proposals = versions
                .iter()
                .zip(&proposed_budgets)
                .map(|(v, budgets)| proposal(budgets.resolve(c.category, v.version.period), c.total.minor))
                .collect();
            BudgetReviewRow {
                category: c.category,
                budget: c.budget,
                budget_basis: c.budget_basis,
                spent: c.total,
                variance: c.variance,
                used_bp: c.used_bp,
                proposals,
            }
        })
        .collect();

    AnnualReview {
        period,
        currency,
        versions: versions
            .iter()
            .map(|v| VersionColumn {
                version: v.version.id,
                name: v.version.name.clone(),
                period: v.version.period,
                status: v.version.status,
            })
            .collect(),
        dimensions: dimensions.into_iter().map(|(dimension, rows)| DimensionReview { dimension, rows }).collect(),
        budgets,
        other_currency_deals: actuals.other_currency,
        other_currency_costs: costs.other_currency,
    }
}
