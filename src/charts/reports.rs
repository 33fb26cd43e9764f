//! The core's reports turned into chart data: each function gives a chart its title, axes and
//! series; a page may retitle the result (`ChartData { title, ..data }`).

use quota_core::Tables;
use quota_core::management::Subject;
use quota_core::reports::commission::CommissionSummary;
use quota_core::reports::costs::CostReport;
use quota_core::reports::forecast::Forecast;
use quota_core::reports::growth::Growth;
use quota_core::reports::pipeline::PipelineReport;
use quota_core::reports::plan_actual::{PlanActual, PlanActualSection};
use quota_core::reports::priority::PriorityReport;
use quota_core::reports::productivity::ProductivityReport;
use quota_core::reports::scorecard::Scorecards;
use quota_core::reports::segments::{Performance, SegmentReport};
use quota_core::reports::winloss::{UNKNOWN_COMPETITOR, WinLoss};
use quota_core::settings::StageKind;

use super::data::{ChartData, Series, ValueFormat};
use crate::names;

/// The funnel of open and won stages in board order (lost stages are not part of the way to a
/// sale): value sets the widths, the deal count and weighted value are in the labels. For
/// [`super::FunnelChart`].
pub fn pipeline_funnel(report: &PipelineReport) -> ChartData {
    let stages: Vec<_> = report.stages.iter().filter(|s| s.kind != StageKind::Lost).collect();
    ChartData::new("Pipeline by stage")
        .with_axes("Stage", "Value")
        .with_categories(stages.iter().map(|s| s.name.clone()))
        .with_series(Series::money("Value", report.currency, stages.iter().map(|s| s.totals.value)))
        .with_series(Series::count("Deals", stages.iter().map(|s| s.totals.count)))
        .with_series(Series::money("Weighted", report.currency, stages.iter().map(|s| s.totals.weighted)))
}

/// Every stage, lost ones too, with deals, value, weighted value, win probability and stale
/// deals: the pipeline report's full table.
pub fn pipeline_table(report: &PipelineReport) -> ChartData {
    let stages = &report.stages;
    let c = report.currency;
    ChartData::new("Pipeline by stage, every stage")
        .with_axes("Stage", "Value")
        .with_categories(stages.iter().map(|s| s.name.clone()))
        .with_series(Series::money("Value", c, stages.iter().map(|s| s.totals.value)))
        .with_series(Series::money("Weighted", c, stages.iter().map(|s| s.totals.weighted)))
        .with_series(Series::count("Deals", stages.iter().map(|s| s.totals.count)))
        .with_series(Series::percent("Probability", stages.iter().map(|s| Some(i64::from(s.probability) * 100))))
        .with_series(Series::count("Stale deals", stages.iter().map(|s| s.stale)))
}

/// Revenue per period against the same period a year earlier, with growth rates and deal counts
/// in the table. For [`super::LineChart`] or [`super::BarChart`].
pub fn sales_growth(growth: &Growth) -> ChartData {
    let rows = &growth.rows;
    ChartData::new("Sales growth")
        .with_axes("Period", "Revenue")
        .with_categories(rows.iter().map(|r| r.period.to_string()))
        .with_series(Series::money("Revenue", growth.currency, rows.iter().map(|r| r.revenue)))
        .with_series(Series::money("A year earlier", growth.currency, rows.iter().map(|r| r.year_earlier)))
        .with_series(Series::percent("Growth", rows.iter().map(|r| r.growth_bp)))
        .with_series(Series::percent("Year over year", rows.iter().map(|r| r.year_over_year_bp)))
        .with_series(Series::count("Won deals", rows.iter().map(|r| r.deals)))
}

/// Won, weighted pipeline and target per subject, with attainment in the table. For
/// [`super::BulletChart`]; `name` names a subject (the company, a person, a channel).
pub fn forecast_against_target(forecast: &Forecast, name: impl Fn(Subject) -> String) -> ChartData {
    let rows = &forecast.rows;
    let c = forecast.currency;
    ChartData::new(format!("Forecast against target, {}", forecast.period))
        .with_axes("For", "Revenue")
        .with_categories(rows.iter().map(|r| name(r.subject)))
        .with_series(Series::money("Won", c, rows.iter().map(|r| r.won)))
        .with_series(Series::money("Weighted pipeline", c, rows.iter().map(|r| r.weighted_open)))
        .with_series(Series::sparse(
            "Target",
            super::ValueFormat::Money(c),
            rows.iter().map(|r| r.target.filter(|t| t.currency == c).map(|t| t.minor)),
        ))
        .with_series(Series::percent("Attainment", rows.iter().map(|r| r.attainment_bp)))
        .with_series(Series::percent("Forecast attainment", rows.iter().map(|r| r.forecast_attainment_bp)))
}

/// Plan against actual per channel or partner (`&report.channels` or `&report.partners`), with
/// attainment and deals won in the table; `noun` names the rows ("Channel", "Partner"). For a
/// horizontal [`super::BarChart`].
pub fn plan_actual_by(report: &PlanActual, section: &PlanActualSection, noun: &str) -> ChartData {
    let rows = &section.rows;
    let c = report.currency;
    ChartData::new(format!("Plan vs actual by {}, {}", noun.to_lowercase(), report.period))
        .with_axes(noun, "Revenue")
        .with_categories(rows.iter().map(|r| r.name.clone()))
        .with_series(Series::money("Plan", c, rows.iter().map(|r| r.figures.plan)))
        .with_series(Series::money("Actual", c, rows.iter().map(|r| r.figures.actual)))
        .with_series(Series::percent("Attainment", rows.iter().map(|r| Some(r.figures.attainment_bp))))
        .with_series(Series::count("Deals won", rows.iter().map(|r| r.deals_won)))
}

/// Plan against actual month by month for a section's totals, with attainment in the table.
/// For a [`super::LineChart`] or a grouped [`super::BarChart`]. Months not yet reached have an
/// actual of zero; a page that knows today can blank them (`series[1].values[i] = None`).
pub fn plan_actual_by_month(report: &PlanActual, section: &PlanActualSection) -> ChartData {
    let months = &section.months;
    let c = report.currency;
    ChartData::new(format!("Plan vs actual by month, {}", report.period))
        .with_axes("Month", "Revenue")
        .with_categories(months.iter().map(|m| m.month.to_string()))
        .with_series(Series::money("Plan", c, months.iter().map(|m| m.figures.plan)))
        .with_series(Series::money("Actual", c, months.iter().map(|m| m.figures.actual)))
        .with_series(Series::percent("Attainment", months.iter().map(|m| Some(m.figures.attainment_bp))))
}

/// Lost deals by reason, most first, with the value lost in the table. For a horizontal
/// [`super::BarChart`].
pub fn losses_by_reason(report: &WinLoss) -> ChartData {
    let rows = &report.by_reason;
    ChartData::new(format!("Lost deals by reason, {}", report.period))
        .with_axes("Reason", "Deals lost")
        .with_categories(rows.iter().map(|r| r.reason.map_or("No reason given", |r| r.label()).to_string()))
        .with_series(Series::count("Deals lost", rows.iter().map(|r| r.lost.count)))
        .with_series(Series::money("Value lost", report.currency, rows.iter().map(|r| r.lost.value)))
}

/// Won against lost deals per segment, with win rates in the table. For a grouped or stacked
/// [`super::BarChart`].
pub fn win_loss_by_segment(report: &WinLoss) -> ChartData {
    let rows = &report.by_segment;
    ChartData::new(format!("Won and lost by segment, {}", report.period))
        .with_axes("Segment", "Deals")
        .with_categories(rows.iter().map(|r| if r.name.is_empty() { "No segment".into() } else { r.name.clone() }))
        .with_series(Series::count("Won", rows.iter().map(|r| r.result.won.count)))
        .with_series(Series::count("Lost", rows.iter().map(|r| r.result.lost.count)))
        .with_series(Series::percent("Win rate", rows.iter().map(|r| Some(r.result.win_rate_bp()))))
}

/// Cost per category against its budget. For a horizontal [`super::BarChart`].
pub fn cost_by_category(report: &CostReport) -> ChartData {
    let rows = &report.categories;
    let c = report.currency;
    ChartData::new(format!("Cost of sales by category, {}", report.period))
        .with_axes("Category", "Cost")
        .with_categories(rows.iter().map(|r| r.category.label().to_string()))
        .with_series(Series::money("Spent", c, rows.iter().map(|r| r.total)))
        .with_series(Series::sparse(
            "Budget",
            super::ValueFormat::Money(c),
            rows.iter().map(|r| r.budget.filter(|b| b.currency == c).map(|b| b.minor)),
        ))
        .with_series(Series::percent("Budget used", rows.iter().map(|r| r.used_bp)))
}

/// Cost against revenue per month, the cost of sales ratio in the table. For a
/// [`super::LineChart`] or [`super::BarChart`].
pub fn cost_by_month(report: &CostReport) -> ChartData {
    let rows = &report.months;
    let c = report.currency;
    ChartData::new(format!("Cost of sales by month, {}", report.period))
        .with_axes("Month", "Amount")
        .with_categories(rows.iter().map(|r| r.month.to_string()))
        .with_series(Series::money("Cost", c, rows.iter().map(|r| r.cost)))
        .with_series(Series::money("Revenue", c, rows.iter().map(|r| r.revenue)))
        .with_series(Series::percent("Cost of sales", rows.iter().map(|r| Some(r.ratio_bp))))
}

/// Won and lost deals per competitor (deals naming none under "Not named"), with win rates in
/// the table. For a horizontal [`super::BarChart`].
pub fn win_loss_by_competitor(report: &WinLoss) -> ChartData {
    let rows = &report.by_competitor;
    let name = |n: &str| if n == UNKNOWN_COMPETITOR { "Not named".to_string() } else { n.to_string() };
    ChartData::new(format!("Won and lost by competitor, {}", report.period))
        .with_axes("Competitor", "Deals")
        .with_categories(rows.iter().map(|r| name(&r.competitor)))
        .with_series(Series::count("Won", rows.iter().map(|r| r.result.won.count)))
        .with_series(Series::count("Lost", rows.iter().map(|r| r.result.lost.count)))
        .with_series(Series::percent("Win rate", rows.iter().map(|r| Some(r.result.win_rate_bp()))))
        .with_series(Series::money("Value lost", report.currency, rows.iter().map(|r| r.result.lost.value)))
}

/// Each budget (company-wide or a unit's) against what was spent. For a horizontal
/// [`super::BarChart`].
pub fn budget_vs_spend(report: &CostReport, data: &Tables) -> ChartData {
    let rows = &report.budgets;
    let c = report.currency;
    let name = |category: &str, unit| match unit {
        Some(u) => format!("{category}, {}", names::unit(data, Some(u))),
        None => category.to_string(),
    };
    ChartData::new(format!("Budget vs spend, {}", report.period))
        .with_axes("Budget", "Amount")
        .with_categories(rows.iter().map(|r| name(r.category.label(), r.unit)))
        .with_series(Series::money("Budget", c, rows.iter().map(|r| r.budget)))
        .with_series(Series::money("Spent", c, rows.iter().map(|r| r.spent)))
        .with_series(Series::money("Variance", c, rows.iter().map(|r| r.variance)).in_table_only())
        .with_series(Series::percent("Used", rows.iter().map(|r| Some(r.used_bp))))
}

/// Each person's cost against the revenue they brought, with the ratio. For a horizontal
/// [`super::BarChart`].
pub fn cost_by_person(report: &CostReport, data: &Tables) -> ChartData {
    let rows = &report.people;
    let c = report.currency;
    ChartData::new(format!("Cost of sales by person, {}", report.period))
        .with_axes("Person", "Amount")
        .with_categories(rows.iter().map(|r| names::person(data, Some(r.person))))
        .with_series(Series::money("Cost", c, rows.iter().map(|r| r.total)))
        .with_series(Series::money("Revenue", c, rows.iter().map(|r| r.revenue)))
        .with_series(Series::percent("Cost of sales", rows.iter().map(|r| Some(r.ratio_bp))))
        .with_series(Series::money("Salaries", c, rows.iter().map(|r| r.salaries)))
        .with_series(Series::money("Commissions", c, rows.iter().map(|r| r.commissions)))
        .with_series(Series::money("Other", c, rows.iter().map(|r| r.other)))
}

/// Each person's payout in the period, all their pay periods together, largest first. For a
/// horizontal [`super::BarChart`].
pub fn payouts_by_person(summary: &CommissionSummary, data: &Tables) -> ChartData {
    let mut people: Vec<(String, i64, i64, usize)> = Vec::new();
    for p in &summary.payouts {
        let name = names::person(data, Some(p.person));
        let c = &p.calculation;
        match people.iter_mut().find(|(n, ..)| *n == name) {
            Some(row) => {
                row.1 += c.payout.minor;
                row.2 += c.revenue.minor;
                row.3 += p.deals;
            }
            None => people.push((name, c.payout.minor, c.revenue.minor, p.deals)),
        }
    }
    people.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let money = ValueFormat::Money(summary.currency);
    ChartData::new(format!("Commission payouts, {}", summary.period))
        .with_axes("Person", "Payout")
        .with_categories(people.iter().map(|p| p.0.clone()))
        .with_series(Series::new("Payout", money, people.iter().map(|p| p.1)))
        .with_series(Series::percent("Share of revenue", people.iter().map(|p| (p.2 != 0).then(|| bp(p.1, p.2)))))
        .with_series(Series::count("Deals won", people.iter().map(|p| p.3)))
}

/// Every payout line: person and pay period with revenue, target, attainment and the parts of
/// the payout.
pub fn payout_lines(summary: &CommissionSummary, data: &Tables) -> ChartData {
    let rows = &summary.payouts;
    let c = summary.currency;
    let money = ValueFormat::Money(c);
    ChartData::new(format!("Commission payouts by pay period, {}", summary.period))
        .with_axes("Person and pay period", "Payout")
        .with_categories(rows.iter().map(|p| format!("{}, {}", names::person(data, Some(p.person)), p.pay_period)))
        .with_series(Series::money("Payout", c, rows.iter().map(|p| p.calculation.payout)))
        .with_series(Series::money("Revenue", c, rows.iter().map(|p| p.calculation.revenue)))
        .with_series(Series::sparse("Target", money, rows.iter().map(|p| p.calculation.target.map(|t| t.minor))))
        .with_series(Series::percent("Attainment", rows.iter().map(|p| p.calculation.attainment_bp)))
        .with_series(Series::money("Commission", c, rows.iter().map(|p| p.calculation.commission)))
        .with_series(Series::money("Accelerator", c, rows.iter().map(|p| p.calculation.accelerator_extra)))
        .with_series(Series::money("Bonus", c, rows.iter().map(|p| p.calculation.bonus)))
        .with_series(Series::money("Cut by cap", c, rows.iter().map(|p| p.calculation.capped_by)))
        .with_series(Series::count("Deals won", rows.iter().map(|p| p.deals)))
}

/// Partners' sales against their plan, with attainment in the table. For a horizontal
/// [`super::BarChart`].
pub fn partner_sales(cards: &Scorecards) -> ChartData {
    let rows = &cards.rows;
    let c = cards.currency;
    ChartData::new(format!("Partner sales vs plan, {}", cards.period))
        .with_axes("Partner", "Revenue")
        .with_categories(rows.iter().map(|r| r.name.clone()))
        .with_series(Series::money("Sales", c, rows.iter().map(|r| r.sales)))
        .with_series(Series::money("Plan", c, rows.iter().map(|r| r.plan)))
        .with_series(Series::percent("Attainment", rows.iter().map(|r| Some(r.attainment_bp))))
}

/// Every scorecard figure per partner: sales, payments and overdue amounts, service quality,
/// incentive cost and return, contacts.
pub fn scorecard_table(cards: &Scorecards) -> ChartData {
    let rows = &cards.rows;
    let c = cards.currency;
    let days_since = |d: Option<quota_core::Date>| d.map(|d| i64::from(d.days_until(cards.as_of)));
    ChartData::new(format!("Partner scorecards, {}", cards.period))
        .with_axes("Partner", "Revenue")
        .with_categories(rows.iter().map(|r| r.name.clone()))
        .with_series(Series::money("Sales", c, rows.iter().map(|r| r.sales)))
        .with_series(Series::money("Plan", c, rows.iter().map(|r| r.plan)))
        .with_series(Series::percent("Attainment", rows.iter().map(|r| Some(r.attainment_bp))))
        .with_series(Series::count("Deals won", rows.iter().map(|r| r.deals_won)))
        .with_series(Series::money("Invoiced", c, rows.iter().map(|r| r.invoiced)))
        .with_series(Series::money("Paid", c, rows.iter().map(|r| r.paid)))
        .with_series(Series::money("Overdue", c, rows.iter().map(|r| r.overdue)))
        .with_series(Series::count("Overdue invoices", rows.iter().map(|r| r.overdue_invoices)))
        .with_series(Series::days("Oldest overdue", rows.iter().map(|r| i64::from(r.oldest_overdue_days))))
        .with_series(Series::sparse(
            "Service score (of 5)",
            ValueFormat::Score,
            rows.iter().map(|r| r.service_score_hundredths.map(i64::from)),
        ))
        .with_series(Series::money("Service cost", c, rows.iter().map(|r| r.service_cost)))
        .with_series(Series::money("Incentive cost", c, rows.iter().map(|r| r.incentive_cost)))
        .with_series(Series::money("Incentive revenue", c, rows.iter().map(|r| r.incentive_revenue)))
        .with_series(Series::percent("Incentive return", rows.iter().map(|r| Some(r.incentive_return_bp))))
        .with_series(Series::count("Contacts", rows.iter().map(|r| r.communications)))
        .with_series(Series::sparse(
            "Since last contact",
            ValueFormat::Days,
            rows.iter().map(|r| days_since(r.last_contact)),
        ))
}

/// Activities done and deals won per person. For a grouped [`super::BarChart`].
pub fn activities_by_person(report: &ProductivityReport) -> ChartData {
    let rows = &report.people;
    ChartData::new(format!("Activities and wins per person, {}", report.period))
        .with_axes("Person", "Count")
        .with_categories(rows.iter().map(|r| r.name.clone()))
        .with_series(Series::count("Activities done", rows.iter().map(|r| r.figures.activities_done())))
        .with_series(Series::count("Deals created", rows.iter().map(|r| r.figures.deals_created)))
        .with_series(Series::count("Deals won", rows.iter().map(|r| r.figures.won)))
}

/// Every productivity figure per person, the team's last.
pub fn productivity_table(report: &ProductivityReport) -> ChartData {
    let rows: Vec<(&str, &quota_core::reports::productivity::Figures)> = report
        .people
        .iter()
        .map(|r| (r.name.as_str(), &r.figures))
        .chain(std::iter::once(("Team", &report.team)))
        .collect();
    let c = report.currency;
    ChartData::new(format!("Productivity per person, {}", report.period))
        .with_axes("Person", "Count")
        .with_categories(rows.iter().map(|r| r.0.to_string()))
        .with_series(Series::count("Activities done", rows.iter().map(|r| r.1.activities_done())))
        .with_series(Series::count("Deals created", rows.iter().map(|r| r.1.deals_created)))
        .with_series(Series::count("Won", rows.iter().map(|r| r.1.won)))
        .with_series(Series::count("Lost", rows.iter().map(|r| r.1.lost)))
        .with_series(Series::percent("Win rate", rows.iter().map(|r| Some(r.1.win_rate_bp()))))
        .with_series(Series::money("Won value", c, rows.iter().map(|r| r.1.won_value)))
        .with_series(Series::count("Leads", rows.iter().map(|r| r.1.leads)))
        .with_series(Series::percent("Lead conversion", rows.iter().map(|r| Some(r.1.conversion_bp()))))
        .with_series(Series::sparse("Sales cycle", ValueFormat::Days, rows.iter().map(|r| r.1.average_cycle_days())))
        .with_series(Series::count("Open deals", rows.iter().map(|r| r.1.open)))
        .with_series(Series::money("Open value", c, rows.iter().map(|r| r.1.open_value)))
}

/// Products by score, best first, with every figure of the ranking in the table. For a
/// horizontal [`super::BarChart`].
pub fn product_priority(report: &PriorityReport) -> ChartData {
    let rows = &report.products;
    let c = report.currency;
    let money = ValueFormat::Money(c);
    ChartData::new(format!("Product priority, {}", report.period))
        .with_axes("Product", "Score")
        .with_categories(rows.iter().map(|r| r.name.clone()))
        .with_series(Series::new("Score (of 100)", ValueFormat::Score, rows.iter().map(|r| r.score)))
        .with_series(Series::count("Rank", rows.iter().map(|r| r.rank)))
        .with_series(Series::money("Revenue", c, rows.iter().map(|r| r.revenue)))
        .with_series(Series::new("Units", ValueFormat::Count, rows.iter().map(|r| r.units)))
        .with_series(Series::sparse("Margin", money, rows.iter().map(|r| r.margin.map(|m| m.minor))))
        .with_series(Series::percent("Margin rate", rows.iter().map(|r| r.margin_bp)))
        .with_series(Series::percent("Growth", rows.iter().map(|r| r.growth_bp)))
        .with_series(Series::money("Open pipeline", c, rows.iter().map(|r| r.open_pipeline)))
        .with_series(Series::sparse("Priority", ValueFormat::Count, rows.iter().map(|r| r.priority.map(i64::from))))
}

/// The figures of one segment or niche, in the order the tables show them.
fn performance_series(data: ChartData, rows: &[&Performance], c: quota_core::Currency) -> ChartData {
    data.with_series(Series::money("Revenue", c, rows.iter().map(|p| p.revenue)))
        .with_series(Series::money("Open pipeline", c, rows.iter().map(|p| p.open_pipeline)))
        .with_series(Series::count("Accounts", rows.iter().map(|p| p.accounts)))
        .with_series(Series::count("Customers", rows.iter().map(|p| p.customers)))
        .with_series(Series::count("Deals won", rows.iter().map(|p| p.deals_won)))
        .with_series(Series::count("Deals lost", rows.iter().map(|p| p.deals_lost)))
        .with_series(Series::percent("Win rate", rows.iter().map(|p| Some(p.win_rate_bp))))
        .with_series(Series::money("Average deal", c, rows.iter().map(|p| p.average_deal)))
}

/// Revenue and open pipeline per segment (accounts without one last), with the other figures
/// in the table. For a grouped [`super::BarChart`].
pub fn segment_performance(report: &SegmentReport) -> ChartData {
    let mut names: Vec<String> = report.segments.iter().map(|s| s.name.clone()).collect();
    let mut rows: Vec<&Performance> = report.segments.iter().map(|s| &s.performance).collect();
    if report.without_segment.accounts > 0 {
        names.push("No segment".into());
        rows.push(&report.without_segment);
    }
    let data = ChartData::new(format!("Segment performance, {}", report.period))
        .with_axes("Segment", "Revenue")
        .with_categories(names);
    performance_series(data, &rows, report.currency)
}

/// Revenue and open pipeline per niche, with role, estimated size and penetration in the table.
/// For a grouped [`super::BarChart`].
pub fn niche_performance(report: &SegmentReport) -> ChartData {
    let niches = &report.niches;
    let c = report.currency;
    let rows: Vec<&Performance> = niches.iter().map(|n| &n.performance).collect();
    let data = ChartData::new(format!("Niche performance, {}", report.period))
        .with_axes("Niche", "Revenue")
        .with_categories(niches.iter().map(|n| format!("{} ({})", n.name, n.role.label().to_lowercase())));
    performance_series(data, &rows, c)
        .with_series(Series::sparse(
            "Potential in period",
            ValueFormat::Money(c),
            niches.iter().map(|n| n.period_potential.filter(|m| m.currency == c).map(|m| m.minor)),
        ))
        .with_series(Series::percent("Penetration", niches.iter().map(|n| n.penetration_bp)))
}

/// `part / whole` in basis points.
fn bp(part: i64, whole: i64) -> i64 {
    quota_core::reports::basis_points(part, whole)
}

/// People by won value, best first (ties by name), with won and lost deals in the table. For a
/// horizontal [`super::BarChart`].
pub fn leaderboard(report: &ProductivityReport) -> ChartData {
    let mut people: Vec<_> = report.people.iter().collect();
    people.sort_by(|a, b| b.figures.won_value.minor.cmp(&a.figures.won_value.minor).then_with(|| a.name.cmp(&b.name)));
    ChartData::new(format!("Leaderboard, {}", report.period))
        .with_axes("Person", "Won value")
        .with_categories(people.iter().map(|p| p.name.clone()))
        .with_series(Series::money("Won value", report.currency, people.iter().map(|p| p.figures.won_value)))
        .with_series(Series::count("Won deals", people.iter().map(|p| p.figures.won)))
        .with_series(Series::count("Lost deals", people.iter().map(|p| p.figures.lost)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quota_core::deal::LossReason;
    use quota_core::reports::growth::GrowthRow;
    use quota_core::reports::plan_actual::{Figures, MonthFigures, PlanActualRow};
    use quota_core::reports::winloss::{ReasonRow, Tally, WonLost};
    use quota_core::{Currency, Money, Period};

    const EUR: Currency = Currency::EUR;

    fn eur(units: i64) -> Money {
        Money::units(units, EUR)
    }

    #[test]
    fn growth_rows_become_revenue_lines_with_rates_in_the_table() {
        let row = |month, revenue, growth_bp| GrowthRow {
            period: Period::Month { year: 2025, month },
            revenue: eur(revenue),
            deals: 2,
            previous: eur(0),
            growth_bp,
            year_earlier: eur(revenue / 2),
            year_over_year_bp: Some(10_000),
        };
        let growth = Growth {
            subject: Subject::Company,
            currency: EUR,
            rows: vec![row(1, 1_000, None), row(2, 1_500, Some(5_000))],
            other_currency: 0,
        };
        let data = sales_growth(&growth);
        assert_eq!(data.categories, vec!["2025-01", "2025-02"]);
        assert_eq!(data.plotted(), vec![0, 1], "revenue and a year earlier are drawn");
        assert_eq!(data.series[0].values, vec![Some(100_000), Some(150_000)]);
        assert_eq!(data.series[2].values, vec![None, Some(5_000)], "no rate without a month before");
    }

    #[test]
    fn loss_reasons_keep_their_order_and_name_missing_reasons() {
        let tally = |count, units| Tally { count, value: eur(units) };
        let report = WinLoss {
            period: Period::Year { year: 2025 },
            currency: EUR,
            result: WonLost { won: tally(0, 0), lost: tally(5, 900) },
            by_reason: vec![
                ReasonRow { reason: Some(LossReason::Price), lost: tally(4, 800) },
                ReasonRow { reason: None, lost: tally(1, 100) },
            ],
            by_segment: vec![],
            by_competitor: vec![],
            other_currency: 0,
        };
        let data = losses_by_reason(&report);
        assert_eq!(data.categories, vec!["Price", "No reason given"]);
        assert_eq!(data.series[0].values, vec![Some(4), Some(1)]);
        assert_eq!(data.title, "Lost deals by reason, 2025");
    }

    #[test]
    fn plan_and_actual_per_channel_are_bars_with_attainment_in_the_table() {
        let month = |m, plan, actual| MonthFigures {
            month: Period::Month { year: 2025, month: m },
            figures: Figures::new(eur(plan), eur(actual)),
        };
        let row = |name: &str, plan, actual| PlanActualRow {
            subject: Subject::Company,
            name: name.into(),
            figures: Figures::new(eur(plan), eur(actual)),
            deals_won: 3,
            months: vec![],
        };
        let section = PlanActualSection {
            rows: vec![row("Dealers", 1_000, 800), row("Online", 500, 600)],
            total: Figures::new(eur(1_500), eur(1_400)),
            months: vec![month(1, 700, 900), month(2, 800, 500)],
            unattributed: eur(0),
        };
        let report = PlanActual {
            period: Period::Quarter { year: 2025, quarter: 1 },
            currency: EUR,
            channels: section.clone(),
            partners: section,
            other_currency: 0,
        };
        let by_channel = plan_actual_by(&report, &report.channels, "Channel");
        assert_eq!(by_channel.title, "Plan vs actual by channel, 2025-Q1");
        assert_eq!(by_channel.plotted(), vec![0, 1]);
        // 800 of 1,000 is 80%; 600 of 500 is 120%.
        assert_eq!(by_channel.series[2].values, vec![Some(8_000), Some(12_000)]);
        let by_month = plan_actual_by_month(&report, &report.channels);
        assert_eq!(by_month.categories, vec!["2025-01", "2025-02"]);
        assert_eq!(by_month.series[1].values, vec![Some(90_000), Some(50_000)]);
    }
}
