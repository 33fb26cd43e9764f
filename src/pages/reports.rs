//! The reports area: every report of the core over the live workspace, each with a period
//! picker where it applies, charts with their table views and CSV exports. The report, its
//! breakdown and its period live in the URL (`#/reports/forecast?by=team&period=2026-Q4`), so a
//! reload or a shared link opens the same report.
//!
//! A report can also be viewed as of an earlier day: the workspace is rebuilt from the
//! documents' history as it was at the end of that day (`Workspace::as_of`). That needs every
//! document loaded and forks each one, so it runs only when someone picks a day, once per day.
//!
//! [`figures`] computes what a report shows from the tables; the components only wire it to the
//! page, so the dashboard shows the same numbers as the reports it links to.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::commands::selling::default_pipeline;
use quota_core::management::Subject;
use quota_core::reports::commission::commission_summary;
use quota_core::reports::costs::{CostOptions, cost_of_sales};
use quota_core::reports::forecast::forecast;
use quota_core::reports::growth::sales_growth;
use quota_core::reports::pipeline::{DealFilter, pipeline_report};
use quota_core::reports::plan_actual::plan_actual;
use quota_core::reports::priority::product_priority;
use quota_core::reports::productivity::productivity;
use quota_core::reports::scorecard::{ScorecardOrder, scorecards};
use quota_core::reports::segments::segment_performance;
use quota_core::reports::winloss::win_loss;
use quota_core::settings::PipelineId;
use quota_core::{Collection, Date, Money, Period, Tables, Timestamp};

use crate::charts::reports as chart;
use crate::charts::{BarOptions, Chart, ChartData, ChartKind, DataTable, LineOptions};
use crate::format::percent_bp;
use crate::ids;
use crate::pages::PageHeader;
use crate::pages::team::subject_name;
use crate::route::{Area, Route};
use crate::state::ctx;

/// Every report of the area, in the order the list shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Pipeline,
    Forecast,
    PlanActual,
    Partners,
    Commissions,
    Costs,
    WinLoss,
    Growth,
    Productivity,
    Products,
    Segments,
}

impl Report {
    pub const ALL: &'static [Report] = &[
        Report::Pipeline,
        Report::Forecast,
        Report::PlanActual,
        Report::Partners,
        Report::Commissions,
        Report::Costs,
        Report::WinLoss,
        Report::Growth,
        Report::Productivity,
        Report::Products,
        Report::Segments,
    ];

    /// The path segment after `#/reports/`.
    pub fn slug(self) -> &'static str {
        match self {
            Report::Pipeline => "pipeline",
            Report::Forecast => "forecast",
            Report::PlanActual => "plan-actual",
            Report::Partners => "partners",
            Report::Commissions => "commissions",
            Report::Costs => "costs",
            Report::WinLoss => "win-loss",
            Report::Growth => "growth",
            Report::Productivity => "productivity",
            Report::Products => "products",
            Report::Segments => "segments",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Report> {
        Report::ALL.iter().copied().find(|r| r.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Report::Pipeline => "Pipeline by stage",
            Report::Forecast => "Forecast against target",
            Report::PlanActual => "Plan vs actual by channel and partner",
            Report::Partners => "Partner scorecards",
            Report::Commissions => "Commission payouts",
            Report::Costs => "Cost of sales and budgets",
            Report::WinLoss => "Win and loss",
            Report::Growth => "Sales growth",
            Report::Productivity => "Productivity",
            Report::Products => "Product priorities",
            Report::Segments => "Segments and niches",
        }
    }

    /// One sentence on what the report answers, for the list.
    pub fn about(self) -> &'static str {
        match self {
            Report::Pipeline => "Deals, value and weighted value in each stage of a pipeline, and stale deals.",
            Report::Forecast => {
                "Won plus weighted pipeline against the revenue target, per person, team, territory, channel or product."
            }
            Report::PlanActual => "Planned against won revenue per channel and per partner, month by month.",
            Report::Partners => {
                "Each partner's sales against plan, payments and overdue amounts, service quality and incentive return."
            }
            Report::Commissions => "What each person earns under their commission plan, per pay period.",
            Report::Costs => {
                "The cost of sales by category and month, its ratio to revenue, and budgets against spend."
            }
            Report::WinLoss => "Deals won against lost, by loss reason, customer segment and competitor.",
            Report::Growth => "Revenue period over period and against the same period a year earlier.",
            Report::Productivity => {
                "Activities, deals created and won, win rate, lead conversion and sales cycle per person."
            }
            Report::Products => "Products ranked by revenue, margin, growth, pipeline and the priority management set.",
            Report::Segments => "Accounts, revenue, pipeline and win rate per customer segment and market niche.",
        }
    }

    /// The breakdowns a report offers as `(by, label)`, the first the default; empty when there
    /// is no choice.
    pub fn breakdowns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Report::Forecast => &[
                ("person", "Person"),
                ("team", "Team"),
                ("territory", "Territory"),
                ("channel", "Channel"),
                ("product", "Product"),
                ("company", "Whole company"),
            ],
            Report::PlanActual => &[("channel", "Channel"), ("partner", "Partner")],
            Report::WinLoss => &[("reason", "Loss reason"), ("segment", "Segment"), ("competitor", "Competitor")],
            Report::Segments => &[("segment", "Segment"), ("niche", "Niche")],
            _ => &[],
        }
    }

    /// The breakdown named in a URL if the report offers it, else the report's default.
    pub fn breakdown(self, by: Option<&str>) -> &'static str {
        let offered = self.breakdowns();
        offered.iter().find(|(slug, _)| Some(*slug) == by).or(offered.first()).map_or("", |(slug, _)| slug)
    }

    /// The period a report opens with, or `None` for a report of how things stand now.
    pub fn default_period(self, today: Date) -> Option<Period> {
        match self {
            Report::Pipeline => None,
            Report::Costs | Report::Segments => Some(Period::year_of(today)),
            Report::Growth => Some(Period::month_of(today)),
            _ => Some(Period::quarter_of(today)),
        }
    }

    /// The collections a report reads, so it recomputes when one of them changes.
    pub fn reads(self) -> &'static [Collection] {
        use Collection::*;
        match self {
            Report::Pipeline => &[Deals, Pipelines, Activities, Settings, People, OrgUnits, Territories, Accounts],
            Report::Forecast => {
                &[Deals, Pipelines, Targets, Settings, People, OrgUnits, Territories, Channels, Products, Accounts]
            }
            Report::PlanActual => &[Deals, Targets, Settings, Channels, Partners],
            Report::Partners => &[
                Deals,
                Targets,
                Settings,
                Partners,
                Channels,
                Invoices,
                Payments,
                ServiceRatings,
                Incentives,
                PartnerEvaluations,
                Communications,
            ],
            Report::Commissions => &[Deals, Targets, Settings, People, CommissionPlans],
            Report::Costs => &[Deals, Targets, Settings, People, OrgUnits, Costs, Budgets, CommissionPlans],
            Report::WinLoss => &[Deals, Settings, Accounts, Segments],
            Report::Growth => &[Deals, Settings],
            Report::Productivity => &[Deals, Activities, Leads, Settings, People, OrgUnits],
            Report::Products => &[Deals, Settings, Products, ProductCategories],
            Report::Segments => &[Deals, Settings, Accounts, Segments, Niches, EntryPlans],
        }
    }

    /// The report's address with a breakdown and a period.
    pub fn route(self, by: &str, period: Option<Period>) -> Route {
        let mut route = Route::to(Area::Reports, &[self.slug()]);
        if !by.is_empty() && by != self.breakdown(None) {
            route = route.with_query("by", by);
        }
        if let Some(p) = period {
            route = route.with_query("period", &p.to_string());
        }
        route
    }
}

/// How a figure of a report is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Drawn(ChartKind),
    /// A table with a CSV export and no drawing, for figures with many columns.
    Table,
}

const HORIZONTAL: ChartKind = ChartKind::Bar(BarOptions { stacked: false, horizontal: true });
const GROUPED: ChartKind = ChartKind::Bar(BarOptions { stacked: false, horizontal: false });
const LINE: ChartKind = ChartKind::Line(LineOptions { area: false });

/// What a report shows: key figures as `(label, value)`, its figures in order, and notes about
/// what was left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub facts: Vec<(String, String)>,
    pub figures: Vec<(Shape, ChartData)>,
    pub notes: Vec<String>,
}

impl Figures {
    fn fact(&mut self, label: &str, value: String) {
        self.facts.push((label.to_string(), value));
    }

    fn show(&mut self, shape: Shape, data: ChartData) {
        self.figures.push((shape, data));
    }

    fn left_out(&mut self, count: usize, what: &str) {
        if count > 0 {
            self.notes.push(format!("{count} {what} in another currency than the workspace's are left out."));
        }
    }
}

/// The pipeline a report shows: the one named, else the default.
pub fn pipeline_of(data: &Tables, named: Option<PipelineId>) -> Option<PipelineId> {
    named.filter(|id| data.pipelines.get(*id).is_some()).or_else(|| default_pipeline(data).map(|p| p.id))
}

/// The subjects of a forecast breakdown.
pub fn forecast_subjects(data: &Tables, by: &str) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = match by {
        "team" => data.org_units.ids().map(Subject::Unit).collect(),
        "territory" => data.territories.ids().map(Subject::Territory).collect(),
        "channel" => data.channels.ids().map(Subject::Channel).collect(),
        "product" => data.products.ids().map(Subject::Product).collect(),
        "company" => vec![Subject::Company],
        _ => data.people.iter().filter(|p| p.active).map(|p| Subject::Person(p.id)).collect(),
    };
    subjects.sort_by_cached_key(|s| subject_name(data, *s).to_lowercase());
    subjects
}

/// How many periods of a kind the growth report spans: a year of months, two years of
/// quarters, five years.
fn growth_span(period: Period) -> usize {
    match period {
        Period::Month { .. } => 12,
        Period::Quarter { .. } => 8,
        Period::Year { .. } => 5,
    }
}

/// Month-by-month data with the months after `today`'s blanked: they have not happened, and
/// figures computed for them (salaries, say) would read as if they had.
pub fn until(mut data: ChartData, today: Date) -> ChartData {
    let this_month = Period::month_of(today).to_string();
    if let Some(i) = data.categories.iter().position(|c| *c == this_month) {
        for series in &mut data.series {
            for value in series.values.iter_mut().skip(i + 1) {
                *value = None;
            }
        }
    }
    data
}

/// Everything a report shows for a breakdown and period, computed from the tables.
pub fn figures(
    report: Report,
    by: &str,
    period: Option<Period>,
    pipeline: Option<PipelineId>,
    data: &Tables,
    today: Date,
) -> Figures {
    let mut out = Figures::default();
    let period = period.or(report.default_period(today)).unwrap_or_else(|| Period::quarter_of(today));
    match report {
        Report::Pipeline => {
            let Some(report) =
                pipeline_of(data, pipeline).and_then(|id| pipeline_report(data, id, DealFilter::default(), today))
            else {
                out.notes.push("There is no pipeline yet.".into());
                return out;
            };
            out.fact("Open deals", report.open.count.to_string());
            out.fact("Open value", report.open.value.display());
            out.fact("Weighted", report.open.weighted.display());
            out.fact("Stale deals", report.stale.len().to_string());
            out.show(Shape::Drawn(ChartKind::Funnel), chart::pipeline_funnel(&report));
            out.show(Shape::Table, chart::pipeline_table(&report));
            out.left_out(report.other_currency, "deals");
        }
        Report::Forecast => {
            let subjects = forecast_subjects(data, by);
            let f = forecast(data, period, &subjects);
            let total = quota_core::reports::forecast::company_forecast(data, period);
            out.fact("Won", total.won.display());
            out.fact("Forecast", total.forecast.display());
            out.fact("Target", total.target.map_or("No target".into(), |t| t.display()));
            out.fact("Forecast attainment", total.forecast_attainment_bp.map_or("—".into(), percent_bp));
            let drawn = chart::forecast_against_target(&f, |s| subject_name(data, s));
            out.show(Shape::Drawn(ChartKind::Bullet), drawn);
            out.show(Shape::Table, forecast_table(&f, data));
            out.left_out(f.other_currency, "deals");
        }
        Report::PlanActual => {
            let report = plan_actual(data, period);
            let (section, noun) =
                if by == "partner" { (&report.partners, "Partner") } else { (&report.channels, "Channel") };
            out.fact("Plan", section.total.plan.display());
            out.fact("Actual", section.total.actual.display());
            out.fact("Attainment", percent_bp(section.total.attainment_bp));
            if section.unattributed.minor != 0 {
                out.fact(&format!("Won with no {}", noun.to_lowercase()), section.unattributed.display());
            }
            out.show(Shape::Drawn(HORIZONTAL), chart::plan_actual_by(&report, section, noun));
            out.show(Shape::Drawn(GROUPED), until(chart::plan_actual_by_month(&report, section), today));
            out.left_out(report.other_currency, "deals");
        }
        Report::Partners => {
            let mut cards = scorecards(data, period, today.min(period.last_day()));
            cards.sort(ScorecardOrder::Sales, true);
            let overdue: i64 = cards.rows.iter().map(|r| r.overdue.minor).sum();
            let sales: i64 = cards.rows.iter().map(|r| r.sales.minor).sum();
            out.fact("Partners", cards.rows.len().to_string());
            out.fact("Sales through partners", Money::new(sales, cards.currency).display());
            out.fact("Overdue", Money::new(overdue, cards.currency).display());
            out.show(Shape::Drawn(HORIZONTAL), chart::partner_sales(&cards));
            out.show(Shape::Table, chart::scorecard_table(&cards));
            out.left_out(cards.other_currency, "records");
        }
        Report::Commissions => {
            let summary = commission_summary(data, period);
            out.fact("Payouts", summary.payout.display());
            out.fact("Revenue", summary.revenue.display());
            out.fact("Bonuses", summary.bonus.display());
            out.fact("Cut by caps", summary.capped_by.display());
            out.show(Shape::Drawn(HORIZONTAL), chart::payouts_by_person(&summary, data));
            out.show(Shape::Table, chart::payout_lines(&summary, data));
            out.left_out(summary.other_currency, "deals");
        }
        Report::Costs => {
            let report = cost_of_sales(data, period, CostOptions::default());
            out.fact("Cost of sales", report.total.display());
            out.fact("Revenue", report.revenue.display());
            out.fact("Cost to revenue", percent_bp(report.ratio_bp));
            out.show(Shape::Drawn(HORIZONTAL), chart::cost_by_category(&report));
            out.show(Shape::Drawn(LINE), until(chart::cost_by_month(&report), today));
            out.show(Shape::Drawn(HORIZONTAL), chart::budget_vs_spend(&report, data));
            out.show(Shape::Table, chart::cost_by_person(&report, data));
            out.left_out(report.other_currency, "records");
        }
        Report::WinLoss => {
            let report = win_loss(data, period);
            out.fact("Won", format!("{} · {}", report.result.won.count, report.result.won.value.display()));
            out.fact("Lost", format!("{} · {}", report.result.lost.count, report.result.lost.value.display()));
            out.fact("Win rate", percent_bp(report.result.win_rate_bp()));
            let drawn = match by {
                "segment" => (GROUPED, chart::win_loss_by_segment(&report)),
                "competitor" => (HORIZONTAL, chart::win_loss_by_competitor(&report)),
                _ => (HORIZONTAL, chart::losses_by_reason(&report)),
            };
            out.show(Shape::Drawn(drawn.0), drawn.1);
            out.left_out(report.other_currency, "deals");
        }
        Report::Growth => {
            let growth = sales_growth(data, period, growth_span(period), Subject::Company);
            if let Some(last) = growth.rows.last() {
                out.fact(&format!("Revenue {}", last.period), last.revenue.display());
                out.fact("Growth on the period before", last.growth_bp.map_or("—".into(), percent_bp));
                out.fact("Growth on a year earlier", last.year_over_year_bp.map_or("—".into(), percent_bp));
            }
            out.show(Shape::Drawn(LINE), chart::sales_growth(&growth));
            out.left_out(growth.other_currency, "deals");
        }
        Report::Productivity => {
            let report = productivity(data, period, None);
            out.fact("Activities done", report.team.activities_done().to_string());
            out.fact("Deals won", report.team.won.to_string());
            out.fact("Win rate", percent_bp(report.team.win_rate_bp()));
            out.fact(
                "Average sales cycle",
                report.team.average_cycle_days().map_or("—".into(), |d| format!("{d} days")),
            );
            out.show(Shape::Drawn(HORIZONTAL), chart::leaderboard(&report));
            out.show(Shape::Drawn(GROUPED), chart::activities_by_person(&report));
            out.show(Shape::Table, chart::productivity_table(&report));
            out.left_out(report.other_currency, "deals");
        }
        Report::Products => {
            let report = product_priority(data, period);
            if let Some(top) = report.products.first() {
                out.fact("First priority", top.name.clone());
            }
            out.fact("Products", report.products.len().to_string());
            let ranked = chart::product_priority(&report);
            out.show(Shape::Drawn(HORIZONTAL), ranked.clone());
            out.show(
                Shape::Table,
                ChartData { title: format!("Product ranking in full, {}", report.period), ..ranked },
            );
            out.left_out(report.other_currency, "deal lines");
        }
        Report::Segments => {
            let report = segment_performance(data, period);
            let data =
                if by == "niche" { chart::niche_performance(&report) } else { chart::segment_performance(&report) };
            out.show(Shape::Drawn(GROUPED), data.clone());
            out.show(Shape::Table, ChartData { title: format!("{} in full", data.title), ..data });
            out.left_out(report.other_currency, "deals");
        }
    }
    out
}

/// Every forecast figure per subject.
fn forecast_table(f: &quota_core::reports::forecast::Forecast, data: &Tables) -> ChartData {
    use crate::charts::{Series, ValueFormat};
    let rows = &f.rows;
    let c = f.currency;
    let money = ValueFormat::Money(c);
    ChartData::new(format!("Forecast in full, {}", f.period))
        .with_axes("For", "Revenue")
        .with_categories(rows.iter().map(|r| subject_name(data, r.subject)))
        .with_series(Series::money("Won", c, rows.iter().map(|r| r.won)))
        .with_series(Series::count("Won deals", rows.iter().map(|r| r.won_deals)))
        .with_series(Series::money("Open", c, rows.iter().map(|r| r.open)))
        .with_series(Series::count("Open deals", rows.iter().map(|r| r.open_deals)))
        .with_series(Series::money("Weighted", c, rows.iter().map(|r| r.weighted_open)))
        .with_series(Series::money("Forecast", c, rows.iter().map(|r| r.forecast)))
        .with_series(Series::money("Best case", c, rows.iter().map(|r| r.best_case)))
        .with_series(Series::sparse("Target", money, rows.iter().map(|r| r.target.map(|t| t.minor))))
        .with_series(Series::sparse("Gap", money, rows.iter().map(|r| r.gap.map(|t| t.minor))))
        .with_series(Series::percent("Attainment", rows.iter().map(|r| r.attainment_bp)))
        .with_series(Series::percent("Forecast attainment", rows.iter().map(|r| r.forecast_attainment_bp)))
}

pub fn page(route: Route) -> AnyView {
    match route.rest.first().and_then(|slug| Report::from_slug(slug)) {
        Some(report) => view! { <ReportPage report route/> }.into_any(),
        None => view! { <Catalogue/> }.into_any(),
    }
}

/// The list of reports.
#[component]
fn Catalogue() -> impl IntoView {
    let items = Report::ALL
        .iter()
        .map(|r| {
            view! {
                <li>
                    <a href=r.route("", None).href() data-testid=format!("report-{}", r.slug())>{r.title()}</a>
                    <p class="muted">{r.about()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="page">
            <PageHeader title="Reports".into()/>
            <ul class="report-list" data-testid="report-list">
                {items}
                <li>
                    <a href=Route::area(Area::Review).href() data-testid="report-review">"Annual review"</a>
                    <p class="muted">"This year's plans against actuals per channel, segment, territory, product and person, and next year's plan drafted in versions."</p>
                </li>
            </ul>
        </section>
    }
}

/// The workspace as it was at the end of a day, for a report viewed as of that day.
#[derive(Clone)]
struct Past {
    day: Date,
    data: Arc<Tables>,
}

/// One report with its pickers.
#[component]
fn ReportPage(report: Report, route: Route) -> impl IntoView {
    let ctx = ctx();
    let today = ids::now().date();
    let by = RwSignal::new(report.breakdown(route.param("by")).to_string());
    let period = RwSignal::new(
        report
            .default_period(today)
            .map(|default| route.param("period").and_then(|p| p.parse().ok()).unwrap_or(default)),
    );
    let pipeline = RwSignal::new(route.param("pipeline").and_then(|p| p.parse::<PipelineId>().ok()));
    let as_of = RwSignal::new(route.param("as-of").and_then(|d| d.parse::<Date>().ok()).filter(|d| *d < today));
    let past = RwSignal::new(None::<Past>);
    let past_problem = RwSignal::new(None::<String>);
    // The pickers rewrite the address without a new history entry, so a reload keeps the report.
    Effect::new(move |_| {
        let mut route = report.route(&by.get(), period.get());
        if let Some(p) = pipeline.get() {
            route = route.with_query("pipeline", &p.to_string());
        }
        if let Some(day) = as_of.get() {
            route = route.with_query("as-of", &day.to_string());
        }
        crate::browser::replace_hash(&route.to_hash());
    });
    // The past is rebuilt from the documents' history, which needs every document loaded; it is
    // done once per chosen day, never for the live view.
    Effect::new(move |_| {
        let Some(day) = as_of.get() else { return };
        if past.with_untracked(|p| p.as_ref().is_some_and(|p| p.day == day)) {
            return;
        }
        past_problem.set(None);
        spawn_local(async move {
            if let Err(e) = ctx.ensure_all_loaded().await {
                past_problem.set(Some(format!("The history could not be read: {e}")));
                return;
            }
            let end_of_day = Timestamp(day.add_days(1).start().0 - 1);
            match ctx.with_ws(|ws| ws.as_of(end_of_day).map(|w| w.data)) {
                Some(Ok(data)) if as_of.get_untracked() == Some(day) => {
                    past.set(Some(Past { day, data: Arc::new(data) }))
                }
                Some(Err(e)) => past_problem.set(Some(format!("The workspace as of {day} could not be rebuilt: {e}"))),
                _ => {}
            }
        });
    });
    let shown = Memo::new(move |_| {
        let (by, period, pipeline) = (by.get(), period.get(), pipeline.get());
        match as_of.get() {
            Some(day) => past.with(|p| match p {
                Some(p) if p.day == day => figures(report, &by, period, pipeline, &p.data, day),
                _ => Figures::default(),
            }),
            None => ctx.read(report.reads(), |d| figures(report, &by, period, pipeline, d, today)).unwrap_or_default(),
        }
    });
    let rebuilding = move || as_of.get().is_some_and(|day| past.with(|p| p.as_ref().is_none_or(|p| p.day != day)));
    let shapes = Memo::new(move |_| shown.with(|s| s.figures.iter().map(|(shape, _)| *shape).collect::<Vec<_>>()));
    let pipelines = move || {
        ctx.read(&[Collection::Pipelines], |d| d.pipelines.iter().map(|p| (p.id, p.name.clone())).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        <section class="page report" data-testid=format!("report-page-{}", report.slug())>
            <nav class="breadcrumb" aria-label="Breadcrumb"><a href=Route::area(Area::Reports).href()>"Reports"</a></nav>
            <PageHeader title=report.title().to_string()/>
            <p class="muted report-about">{report.about()}</p>
            <div class="report-controls">
                {(!report.breakdowns().is_empty()).then(|| view! { <BreakdownPicker report by/> })}
                {report.default_period(today).is_some().then(|| view! { <PeriodPicker period today/> })}
                {move || (report == Report::Pipeline && pipelines().len() > 1).then(|| {
                    let current = move || pipeline.get().or_else(|| ctx.read(&[Collection::Pipelines], |d| pipeline_of(d, None)).flatten());
                    view! {
                        <div class="control">
                            <label for="report-pipeline">"Pipeline"</label>
                            <select id="report-pipeline" on:change=move |ev| pipeline.set(event_target_value(&ev).parse().ok())>
                                {pipelines().into_iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=move || current() == Some(id)>{name}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })}
                <div class="control as-of">
                    <label for="report-as-of">"As of"</label>
                    <input type="date" id="report-as-of" data-testid="report-as-of" max=today.to_string()
                        prop:value=move || as_of.get().map(|d| d.to_string()).unwrap_or_default()
                        on:change=move |ev| as_of.set(event_target_value(&ev).parse::<Date>().ok().filter(|d| *d < today))/>
                </div>
                {move || as_of.get().is_some().then(|| view! {
                    <button type="button" class="link" on:click=move |_| as_of.set(None)>"Back to today"</button>
                })}
            </div>
            {move || as_of.get().map(|day| view! {
                <p class="banner info" role="status">
                    {move || if rebuilding() {
                        format!("Rebuilding the workspace as it was at the end of {day}…")
                    } else {
                        format!("As the workspace was at the end of {day}. Edits made since are not counted.")
                    }}
                </p>
            })}
            {move || past_problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            <Facts facts=Signal::derive(move || shown.with(|s| s.facts.clone()))/>
            // The charts' titles are third-level headings; this keeps the page's outline whole.
            <h2 class="visually-hidden">"Figures"</h2>
            <div class="report-figures">
                {move || shapes.get().into_iter().enumerate().map(|(i, shape)| {
                    let data = Signal::derive(move || shown.with(|s| s.figures.get(i).map(|f| f.1.clone()).unwrap_or_default()));
                    figure(shape, data)
                }).collect_view()}
            </div>
            {move || shown.with(|s| s.notes.iter().map(|n| view! { <p class="muted report-note">{n.clone()}</p> }).collect_view())}
        </section>
    }
}

/// A figure of a report or the dashboard in its shape.
pub fn figure(shape: Shape, data: Signal<ChartData>) -> AnyView {
    match shape {
        Shape::Drawn(kind) => view! { <Chart data kind/> }.into_any(),
        Shape::Table => view! { <DataTable data/> }.into_any(),
    }
}

/// Key figures as a row of tiles.
#[component]
pub fn Facts(#[prop(into)] facts: Signal<Vec<(String, String)>>) -> impl IntoView {
    view! {
        <dl class="report-facts" data-testid="report-facts">
            {move || facts.get().into_iter().map(|(label, value)| view! {
                <div class="report-fact"><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
    }
}

/// The choice of breakdown (`by`).
#[component]
fn BreakdownPicker(report: Report, by: RwSignal<String>) -> impl IntoView {
    let options = report
        .breakdowns()
        .iter()
        .map(|(slug, label)| view! { <option value=*slug selected=move || by.get() == *slug>{*label}</option> })
        .collect_view();
    view! {
        <div class="control">
            <label for="report-by">"By"</label>
            <select id="report-by" data-testid="report-by" on:change=move |ev| by.set(event_target_value(&ev))>{options}</select>
        </div>
    }
}

/// The period's kind, and buttons to step to the period before or after.
#[component]
fn PeriodPicker(period: RwSignal<Option<Period>>, today: Date) -> impl IntoView {
    let current = move || period.get().unwrap_or_else(|| Period::quarter_of(today));
    let kind = move || match current() {
        Period::Month { .. } => "month",
        Period::Quarter { .. } => "quarter",
        Period::Year { .. } => "year",
    };
    let set_kind = move |kind: String| {
        let now = current();
        // The new period is the one holding today when today is in the old one, else the one
        // its first day is in.
        let day = if now.contains(today) { today } else { now.first_day() };
        period.set(Some(match kind.as_str() {
            "month" => Period::month_of(day),
            "year" => Period::year_of(day),
            _ => Period::quarter_of(day),
        }));
    };
    let step = move |n: i32| period.set(Some(current().shift(n)));
    let options = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
        .into_iter()
        .map(|(value, label)| view! { <option value=value selected=move || kind() == value>{label}</option> })
        .collect_view();
    view! {
        <div class="control period-picker">
            <label for="report-period-kind">"Period"</label>
            <select id="report-period-kind" data-testid="period-kind" on:change=move |ev| set_kind(event_target_value(&ev))>{options}</select>
            <div class="period-step">
                <button type="button" class="icon" aria-label="Previous period" data-testid="period-previous" on:click=move |_| step(-1)>"‹"</button>
                <output class="period-current" data-testid="period-current" aria-live="polite">{move || current().to_string()}</output>
                <button type="button" class="icon" aria-label="Next period" data-testid="period-next" on:click=move |_| step(1)>"›"</button>
            </div>
        </div>
    }
}
