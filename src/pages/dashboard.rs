//! The dashboard: what matters at a glance. Someone who sells sees their open deals, what is due
//! today and what is overdue, and their forecast; a manager sees the pipeline funnel, the
//! quarter's forecast against target per person or team, sales growth, losses by reason, the
//! cost of sales against revenue, and the leaderboard. Every chart has its table view, its CSV
//! export and a link to the full report.
//!
//! The dashboard reads the tables only. They are filled at start from the start-up caches while
//! the documents behind them (the activities' many shards among them) load in the background, so
//! nothing here waits for a document or asks for one to load; when a background load changes a
//! table, its revision signal re-runs just the figures that read it.

use leptos::prelude::*;
use quota_core::activity::ActivityKind;
use quota_core::deal::{DealId, DealStatus};
use quota_core::management::Subject;
use quota_core::org::PersonId;
use quota_core::reports::costs::{CostOptions, cost_of_sales};
use quota_core::reports::forecast::{company_forecast, forecast};
use quota_core::reports::growth::sales_growth;
use quota_core::reports::pipeline::{DealFilter, pipeline_report};
use quota_core::reports::productivity::productivity;
use quota_core::reports::winloss::win_loss;
use quota_core::settings::MemberRole;
use quota_core::{Collection, Date, Money, Period, Tables};

use crate::charts::reports as chart;
use crate::charts::{BarChart, BulletChart, ChartData, FunnelChart, LineChart};
use crate::format::percent_bp;
use crate::ids;
use crate::pages::PageHeader;
use crate::pages::reports::{Facts, Report, forecast_subjects, pipeline_of, until};
use crate::pages::team::subject_name;
use crate::route::{Area, Route};
use crate::state::{Ctx, ctx};

/// Who is looking: the person they sell as, if any, and whether they manage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Viewer {
    person: Option<PersonId>,
    manages: bool,
}

fn viewer(ctx: Ctx) -> Viewer {
    let member = ctx.me.get().and_then(|m| ctx.read(&[Collection::Members], |d| d.members.get(m).cloned()).flatten());
    match member {
        Some(m) => Viewer { person: m.person, manages: m.role != MemberRole::Rep || m.person.is_none() },
        // Without a member record there is nobody to narrow the view to: show the whole team.
        None => Viewer { person: None, manages: true },
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let ctx = ctx();
    let today = ids::now().date();
    let who = Memo::new(move |_| viewer(ctx));
    view! {
        <section class="page dashboard">
            <PageHeader title="Dashboard".into()>
                <a class="button" href=Route::area(Area::Reports).href()>"All reports"</a>
            </PageHeader>
            {move || {
                let who = who.get();
                // A rep's own work comes first; a manager sees it after the team, when there is any.
                let mine = who.person.map(|person| view! { <MyWork person today hide_when_idle=who.manages/> });
                let team = who.manages.then(|| view! { <TeamView today/> });
                if who.manages { view! { {team}{mine} }.into_any() } else { view! { {mine}{team} }.into_any() }
            }}
        </section>
    }
}

/// One of my open deals, for the list.
#[derive(Clone, Debug, PartialEq)]
struct OpenDeal {
    id: DealId,
    name: String,
    account: String,
    stage: String,
    value: Money,
    expected_close: Date,
}

/// An activity of mine that is due.
#[derive(Clone, Debug, PartialEq)]
struct Due {
    id: quota_core::activity::ActivityId,
    kind: ActivityKind,
    subject: String,
    due: Date,
    about: String,
}

/// A person's open deals, the nearest expected close first.
fn open_deals_of(d: &Tables, person: PersonId) -> Vec<OpenDeal> {
    let mut deals: Vec<OpenDeal> = d
        .deals
        .iter()
        .filter(|x| x.owner == Some(person) && x.status == DealStatus::Open)
        .map(|x| OpenDeal {
            id: x.id,
            name: x.name.clone(),
            account: crate::names::account(d, Some(x.account)),
            stage: d
                .pipelines
                .get(x.pipeline)
                .and_then(|p| p.stages.get(&x.stage))
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            value: x.value(),
            expected_close: x.expected_close,
        })
        .collect();
    deals.sort_by(|a, b| a.expected_close.cmp(&b.expected_close).then_with(|| a.name.cmp(&b.name)));
    deals
}

/// A person's activities not done that are due today or earlier, the oldest first.
fn due_of(d: &Tables, person: PersonId, today: Date) -> Vec<Due> {
    let mut due: Vec<Due> = d
        .activities
        .iter()
        .filter(|a| a.person == Some(person) && !a.done)
        .filter_map(|a| {
            let day = a.due.filter(|day| *day <= today)?;
            let about = a
                .deal
                .and_then(|x| d.deals.get(x))
                .map(|x| x.name.clone())
                .or_else(|| a.account.and_then(|x| d.accounts.get(x)).map(|x| x.name.clone()))
                .unwrap_or_default();
            Some(Due { id: a.id, kind: a.kind, subject: a.subject.clone(), due: day, about })
        })
        .collect();
    due.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.subject.cmp(&b.subject)));
    due
}

/// How many of my open deals and due activities the dashboard lists before linking to the rest.
const LIST_LIMIT: usize = 8;

/// The rep's view: my open deals, today's and overdue activities, and my forecast; left out when
/// `hide_when_idle` and there are no open deals and nothing due.
#[component]
fn MyWork(person: PersonId, today: Date, hide_when_idle: bool) -> impl IntoView {
    let ctx = ctx();
    let quarter = Period::quarter_of(today);
    let deals = Memo::new(move |_| {
        ctx.read(&[Collection::Deals, Collection::Accounts, Collection::Pipelines], |d| open_deals_of(d, person))
            .unwrap_or_default()
    });
    let due = Memo::new(move |_| {
        ctx.read(&[Collection::Activities, Collection::Deals, Collection::Accounts], |d| due_of(d, person, today))
            .unwrap_or_default()
    });
    let mine = Memo::new(move |_| {
        ctx.read(Report::Forecast.reads(), |d| {
            let f = forecast(d, quarter, &[Subject::Person(person)]);
            ChartData {
                title: format!("My forecast against target, {quarter}"),
                ..chart::forecast_against_target(&f, |s| subject_name(d, s))
            }
        })
        .unwrap_or_default()
    });
    let facts = Signal::derive(move || {
        let (open, value) = deals.with(|list| (list.len(), list.iter().map(|x| x.value.minor).sum::<i64>()));
        let currency = ctx.settings().currency;
        let (overdue, today_count) = due.with(|list| {
            let overdue = list.iter().filter(|a| a.due < today).count();
            (overdue, list.len() - overdue)
        });
        vec![
            ("My open deals".to_string(), open.to_string()),
            ("Their value".to_string(), Money::new(value, currency).display()),
            ("Due today".to_string(), today_count.to_string()),
            ("Overdue".to_string(), overdue.to_string()),
        ]
    });
    let deals_route = Route::area(Area::Deals);
    let idle = move || deals.with(Vec::is_empty) && due.with(Vec::is_empty);
    view! {
        <section class="dashboard-section" aria-labelledby="my-work" data-testid="my-work"
            hidden=move || hide_when_idle && idle()>
            <h2 id="my-work">"My work"</h2>
            <Facts facts/>
            <div class="dashboard-grid">
                <section class="panel" aria-labelledby="my-deals-title" data-testid="my-deals">
                    <h3 id="my-deals-title">"My open deals"</h3>
                    {move || deals.with(|list| if list.is_empty() {
                        view! { <p class="muted">"No open deals."</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll" role="region" aria-label="My open deals" tabindex="0">
                                <table class="simple">
                                    <thead><tr>
                                        <th scope="col">"Deal"</th><th scope="col">"Stage"</th>
                                        <th scope="col" class="num">"Value"</th><th scope="col">"Expected close"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.iter().take(LIST_LIMIT).map(|x| view! {
                                            <tr class:overdue={x.expected_close < today}>
                                                <td><a href={crate::crud::href::<quota_core::deal::Deal>(x.id)}>{x.name.clone()}</a>
                                                    <span class="muted block">{x.account.clone()}</span></td>
                                                <td>{x.stage.clone()}</td>
                                                <td class="num">{x.value.display()}</td>
                                                <td>{x.expected_close.to_string()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    })}
                    {move || (deals.with(Vec::len) > LIST_LIMIT).then(|| view! {
                        <p><a href=deals_route.href()>{format!("All {} open deals", deals.with(Vec::len))}</a></p>
                    })}
                </section>
                <section class="panel" aria-labelledby="my-due-title" data-testid="my-activities">
                    <h3 id="my-due-title">"Due today and overdue"</h3>
                    {move || due.with(|list| if list.is_empty() {
                        view! { <p class="muted">"Nothing due. "</p> }.into_any()
                    } else {
                        view! {
                            <ul class="agenda">
                                {list.iter().take(LIST_LIMIT).map(|a| view! {
                                    <li class="agenda-item" class:overdue={a.due < today}>
                                        <div class="agenda-text">
                                            <a href={crate::crud::href::<quota_core::activity::Activity>(a.id)}>{a.subject.clone()}</a>
                                            <span class="muted">{format!("{} · {}{}", a.kind.label(),
                                                if a.due < today { format!("overdue since {}", a.due) } else { "today".into() },
                                                if a.about.is_empty() { String::new() } else { format!(" · {}", a.about) })}</span>
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                    <p>
                        <a href=Route::to(Area::Activities, &["overdue"]).href()>"Overdue"</a>" · "
                        <a href=Route::to(Area::Activities, &["today"]).href()>"Today"</a>" · "
                        <a href=Route::to(Area::Activities, &["log"]).href()>"Log a call or visit"</a>
                    </p>
                </section>
                <div class="dashboard-chart">
                    <BulletChart data=mine empty="No deals or target for this quarter yet"/>
                </div>
            </div>
        </section>
    }
}

/// Reads the tables into a memo that re-runs when one of `reads` changes.
fn figure<T>(ctx: Ctx, reads: &'static [Collection], f: impl Fn(&Tables) -> T + Send + Sync + 'static) -> Memo<T>
where
    T: Clone + Default + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| ctx.read(reads, &f).unwrap_or_default())
}

/// The manager's view of the whole team.
#[component]
fn TeamView(today: Date) -> impl IntoView {
    let ctx = ctx();
    let quarter = Period::quarter_of(today);
    let year = Period::year_of(today);
    let by = RwSignal::new("person".to_string());

    let funnel = figure(ctx, Report::Pipeline.reads(), move |d| {
        let filter = DealFilter { closed_since: Some(quarter.first_day()), ..DealFilter::default() };
        pipeline_of(d, None).and_then(|id| pipeline_report(d, id, filter, today)).map(|r| {
            let mut data = chart::pipeline_funnel(&r);
            data.title = format!("Pipeline by stage, won since {}", quarter.first_day());
            (data, r.open.count, r.open.value, r.open.weighted)
        })
    });
    let target = Memo::new(move |_| {
        let by = by.get();
        ctx.read(Report::Forecast.reads(), |d| {
            let f = forecast(d, quarter, &forecast_subjects(d, &by));
            chart::forecast_against_target(&f, |s| subject_name(d, s))
        })
        .unwrap_or_default()
    });
    let company = figure(ctx, Report::Forecast.reads(), move |d| {
        let row = company_forecast(d, quarter);
        (row.won, row.forecast_attainment_bp)
    });
    let growth = figure(ctx, Report::Growth.reads(), move |d| {
        let growth = sales_growth(d, Period::month_of(today), 12, Subject::Company);
        ChartData { title: "Sales growth, last 12 months".into(), ..chart::sales_growth(&growth) }
    });
    let losses = figure(ctx, Report::WinLoss.reads(), move |d| chart::losses_by_reason(&win_loss(d, quarter)));
    let costs = figure(ctx, Report::Costs.reads(), move |d| {
        let report = cost_of_sales(d, year, CostOptions::default());
        (until(chart::cost_by_month(&report), today), report.total, report.ratio_bp)
    });
    let leaders =
        figure(ctx, Report::Productivity.reads(), move |d| chart::leaderboard(&productivity(d, quarter, None)));

    let facts = Signal::derive(move || {
        let mut facts = Vec::new();
        if let Some((_, count, value, weighted)) = funnel.get() {
            facts.push(("Open deals".to_string(), count.to_string()));
            facts.push(("Open pipeline".to_string(), value.display()));
            facts.push(("Weighted".to_string(), weighted.display()));
        }
        let (won, attainment) = company.get();
        facts.push((format!("Won in {quarter}"), won.display()));
        facts.push(("Forecast vs target".to_string(), attainment.map_or("No target".into(), percent_bp)));
        let (_, cost, ratio) = costs.get();
        facts.push((format!("Cost of sales {year}"), cost.display()));
        facts.push(("Cost to revenue".to_string(), percent_bp(ratio)));
        facts
    });
    let funnel_data = Signal::derive(move || funnel.with(|f| f.as_ref().map(|f| f.0.clone()).unwrap_or_default()));
    let cost_data = Signal::derive(move || costs.with(|c| c.0.clone()));
    let link = |report: Report, period: Option<Period>, by: &str| {
        let href = report.route(by, period).href();
        view! { <a class="report-link" href=href>{format!("Open the {} report", report.title().to_lowercase())}</a> }
    };
    view! {
        <section class="dashboard-section" aria-labelledby="team-view" data-testid="team-view">
            <h2 id="team-view">"The team"</h2>
            <Facts facts/>
            <div class="dashboard-grid">
                <div class="dashboard-chart" data-testid="dashboard-funnel">
                    <FunnelChart data=funnel_data empty="No deals in the pipeline yet"/>
                    {link(Report::Pipeline, None, "")}
                </div>
                <div class="dashboard-chart" data-testid="dashboard-forecast">
                    <div class="control inline">
                        <label for="dashboard-forecast-by">"Forecast by"</label>
                        <select id="dashboard-forecast-by" on:change=move |ev| by.set(event_target_value(&ev))>
                            <option value="person" selected=move || by.get() == "person">"Person"</option>
                            <option value="team" selected=move || by.get() == "team">"Team"</option>
                        </select>
                    </div>
                    <BulletChart data=target empty="No deals or targets for this quarter yet"/>
                    {move || link(Report::Forecast, Some(quarter), &by.get())}
                </div>
                <div class="dashboard-chart" data-testid="dashboard-growth">
                    <LineChart data=growth/>
                    {link(Report::Growth, Some(Period::month_of(today)), "")}
                </div>
                <div class="dashboard-chart" data-testid="dashboard-losses">
                    <BarChart data=losses horizontal=true empty="No deals lost this quarter"/>
                    {link(Report::WinLoss, Some(quarter), "")}
                </div>
                <div class="dashboard-chart" data-testid="dashboard-costs">
                    <LineChart data=cost_data empty="No costs or revenue this year yet"/>
                    {link(Report::Costs, Some(year), "")}
                </div>
                <div class="dashboard-chart" data-testid="dashboard-leaderboard">
                    <BarChart data=leaders horizontal=true empty="Nobody has won a deal this quarter yet"/>
                    {link(Report::Productivity, Some(quarter), "")}
                </div>
            </div>
        </section>
    }
}
