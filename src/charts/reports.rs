//! The core's reports turned into chart data: each function gives a chart its title, axes and
//! series; a page may retitle the result (`ChartData { title, ..data }`).

use quota_core::management::Subject;
use quota_core::reports::costs::CostReport;
use quota_core::reports::forecast::Forecast;
use quota_core::reports::growth::Growth;
use quota_core::reports::pipeline::PipelineReport;
use quota_core::reports::plan_actual::{PlanActual, PlanActualSection};
use quota_core::reports::productivity::ProductivityReport;
use quota_core::reports::winloss::WinLoss;
use quota_core::settings::StageKind;

use super::data::{ChartData, Series};

/// The funnel of open and won stages in board order (lost stages are not part of the way to a
/// sale): value sets the widths, the deal count is in the labels. For [`super::FunnelChart`].
pub fn pipeline_funnel(report: &PipelineReport) -> ChartData {
    let stages: Vec<_> = report.stages.iter().filter(|s| s.kind != StageKind::Lost).collect();
    ChartData::new("Pipeline by stage")
        .with_axes("Stage", "Value")
        .with_categories(stages.iter().map(|s| s.name.clone()))
        .with_series(Series::money("Value", report.currency, stages.iter().map(|s| s.totals.value)))
        .with_series(Series::count("Deals", stages.iter().map(|s| s.totals.count)))
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
