//! The annual review: this year's plan against actuals per channel, segment, territory, product
//! and person; next year's plan drafted in versions (forks of the live plan) side by side; and
//! adopting one version, which merges it into the live plan without disturbing live work.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::commands::review as cmd;
use quota_core::management::{Metric, Target, TargetId};
use quota_core::reports::review::{AnnualReview, Dimension};
use quota_core::review::{PlanVersion, PlanVersionId, VersionStatus};
use quota_core::{Collection, Money, Period};

use crate::ids;
use crate::pages::PageHeader;
use crate::pages::deals::docs_of;
use crate::pages::team::subject_name;
use crate::route::{Area, Route};
use crate::state::{NoticeKind, ctx};

pub fn page(route: Route) -> AnyView {
    match route.rest.as_slice() {
        [id] => match id.parse::<PlanVersionId>() {
            Ok(id) => view! { <VersionPage id/> }.into_any(),
            Err(_) => view! { <Overview route/> }.into_any(),
        },
        _ => view! { <Overview route/> }.into_any(),
    }
}

fn this_year() -> Period {
    Period::year_of(ids::now().date())
}

const REVIEW_READS: &[Collection] = &[
    Collection::Deals,
    Collection::Targets,
    Collection::Budgets,
    Collection::Costs,
    Collection::PlanVersions,
    Collection::People,
    Collection::Channels,
    Collection::Partners,
    Collection::Segments,
    Collection::Territories,
    Collection::Products,
    Collection::OrgUnits,
    Collection::Accounts,
];

/// The review of a period with the given versions beside it.
fn review_of(period: Period, versions: &[PlanVersionId]) -> Option<AnnualReview> {
    let ctx = ctx();
    for c in REVIEW_READS {
        ctx.track(*c);
    }
    ctx.with_ws(|ws| cmd::review(ws, period, versions).ok()).flatten()
}

#[component]
fn Overview(route: Route) -> impl IntoView {
    let ctx = ctx();
    let period = RwSignal::new(route.param("period").and_then(|p| p.parse().ok()).unwrap_or_else(this_year));
    let versions = move || {
        ctx.read(&[Collection::PlanVersions], |d| {
            let mut list: Vec<PlanVersion> = d.plan_versions.iter().cloned().collect();
            list.sort_by_key(|v| std::cmp::Reverse(v.id));
            list
        })
        .unwrap_or_default()
    };
    let name = RwSignal::new(String::new());
    let next = move || period.get().next();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let title =
            if name.get_untracked().trim().is_empty() { format!("Plan {}", next()) } else { name.get_untracked() };
        let id: PlanVersionId = ids::new_id();
        let for_period = next();
        spawn_local(async move {
            let docs = [cmd::plan_docs(), docs_of(&[Collection::PlanVersions])].concat();
            match ctx
                .command(&docs, &[Collection::PlanVersions], |ws, stamp| {
                    cmd::start_version(ws, id, &title, for_period, stamp)
                })
                .await
            {
                Ok(_) => ctx.navigate(Route::to(Area::Review, &[&id.to_string()])),
                Err(e) => {
                    ctx.notify(NoticeKind::Error, format!("Could not start the plan: {e}"));
                }
            }
        });
    };
    view! {
        <section class="page">
            <PageHeader title="Annual review".into()/>
            <div class="filters">
                <label for="review-period">"Year under review"</label>
                <input id="review-period" class="short" prop:value=move || period.get().to_string()
                    on:change=move |ev| if let Ok(p) = event_target_value(&ev).parse() { period.set(p) }/>
            </div>
            <section class="panel">
                <h2>"Plan versions"</h2>
                <ul class="plain" data-testid="plan-versions">
                    {move || versions().into_iter().map(|v| view! {
                        <li><a href=Route::to(Area::Review, &[&v.id.to_string()]).href()>{v.name.clone()}</a>
                        " "<span class="muted">{format!("{} · {}", v.period, v.status.label())}</span></li>
                    }).collect_view()}
                </ul>
                <form class="inline-form" on:submit=start>
                    <label for="version-name">"New version"</label>
                    <input id="version-name" placeholder=move || format!("Plan {}", next()) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" data-testid="start-version">{move || format!("Draft a plan for {}", next())}</button>
                </form>
            </section>
            {move || review_of(period.get(), &[]).map(|r| view! { <ReviewTables review=r/> })}
        </section>
    }
}

/// Plan against actual per dimension, and each version's proposal beside it.
#[component]
fn ReviewTables(review: AnnualReview) -> impl IntoView {
    let ctx = ctx();
    let currency = review.currency;
    let versions = review.versions.clone();
    let money = move |m: Option<Money>| m.map(|m| m.display()).unwrap_or_else(|| "—".into());
    let pct = |bp: Option<i64>| bp.map(crate::format::percent_bp).unwrap_or_else(|| "—".into());
    let dimensions = review
        .dimensions
        .into_iter()
        .filter(|d| !d.rows.is_empty())
        .map(|dim| {
            let headers = versions.iter().map(|v| view! { <th class="num">{v.name.clone()}</th> }).collect_view();
            let rows = dim
                .rows
                .into_iter()
                .map(|row| {
                    let name = ctx.with_ws(|ws| subject_name(&ws.data, row.subject)).unwrap_or_default();
                    let proposals = row
                        .proposals
                        .iter()
                        .map(|p| view! { <td class="num">{money(p.amount)}" "<span class="muted">{pct(p.growth_bp)}</span></td> })
                        .collect_view();
                    view! {
                        <tr>
                            <td>{name}</td>
                            <td class="num">{money(row.plan)}</td>
                            <td class="num">{row.actual.display()}</td>
                            <td class="num">{money(row.variance)}</td>
                            <td class="num">{pct(row.attainment_bp)}</td>
                            {proposals}
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="panel">
                    <h2>{dimension_label(dim.dimension)}</h2>
                    <div class="scroll-x">
                        <table class="simple" data-testid=format!("review-{}", dimension_label(dim.dimension))>
                            <thead><tr><th>"Subject"</th><th class="num">"Plan"</th><th class="num">"Actual"</th><th class="num">"Variance"</th><th class="num">"Attained"</th>{headers}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect_view();
    let budget_headers = review.versions.iter().map(|v| view! { <th class="num">{v.name.clone()}</th> }).collect_view();
    let budgets = review
        .budgets
        .into_iter()
        .map(|b| {
            let proposals = b.proposals.iter().map(|p| view! { <td class="num">{money(p.amount)}</td> }).collect_view();
            view! {
                <tr><td>{b.category.label()}</td><td class="num">{money(b.budget)}</td><td class="num">{b.spent.display()}</td>
                <td class="num">{money(b.variance)}</td><td class="num">{pct(b.used_bp)}</td>{proposals}</tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted">{format!("Amounts in {currency}. {} deals and {} costs in other currencies are left out.", review.other_currency_deals, review.other_currency_costs)}</p>
        {dimensions}
        <section class="panel">
            <h2>"Budgets"</h2>
            <div class="scroll-x">
                <table class="simple">
                    <thead><tr><th>"Category"</th><th class="num">"Budget"</th><th class="num">"Spent"</th><th class="num">"Variance"</th><th class="num">"Used"</th>{budget_headers}</tr></thead>
                    <tbody>{budgets}</tbody>
                </table>
            </div>
        </section>
    }
}

fn dimension_label(d: Dimension) -> &'static str {
    d.label()
}

#[component]
fn VersionPage(id: PlanVersionId) -> impl IntoView {
    let ctx = ctx();
    let version = move || ctx.read(&[Collection::PlanVersions], |d| d.plan_versions.get(id).cloned()).flatten();
    let growth = RwSignal::new("10".to_string());
    let busy = RwSignal::new(false);
    let seed = move |_| {
        let Some(v) = version() else { return };
        let Ok(growth_bp) = crate::format::parse_percent_bp(&growth.get_untracked()) else {
            ctx.notify(NoticeKind::Error, "Enter the growth as a percentage, such as 10.");
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let from = v.period.previous();
            let docs = cmd::draft_names(id);
            let result = ctx
                .command(&docs, &[Collection::Targets, Collection::Budgets], |ws, stamp| {
                    let subjects = quota_core::reports::review::review_subjects(&ws.data);
                    let targets = cmd::seed_targets_from_actuals(
                        ws,
                        id,
                        from,
                        growth_bp,
                        &subjects,
                        ids::new_id::<TargetId>,
                        stamp,
                    )?;
                    let budgets = cmd::seed_budgets_from_spend(ws, id, from, growth_bp, ids::new_id, stamp)?;
                    Ok((targets.created.len(), budgets.created.len()))
                })
                .await;
            match result {
                Ok((t, b)) => ctx
                    .notify(NoticeKind::Info, format!("Drafted {t} targets and {b} budgets from last year's results.")),
                Err(e) => ctx.notify(NoticeKind::Error, format!("Could not draft from actuals: {e}")),
            };
            busy.set(false);
        });
    };
    let adopt = move |_| {
        if !crate::browser::confirm("Adopt this plan? Its targets and budgets become the live plan.") {
            return;
        }
        spawn_local(async move {
            let docs = [cmd::plan_docs(), cmd::draft_names(id), docs_of(&[Collection::PlanVersions])].concat();
            let colls = [Collection::Targets, Collection::Budgets, Collection::PlanVersions];
            match ctx.command(&docs, &colls, |ws, stamp| cmd::adopt(ws, id, stamp)).await {
                Ok(done) => ctx.notify(
                    NoticeKind::Info,
                    format!("Plan adopted: {} changes merged into the live plan.", done.merged_changes),
                ),
                Err(e) => ctx.notify(NoticeKind::Error, format!("Not adopted: {e}")),
            };
        });
    };
    let discard = move |_| {
        spawn_local(async move {
            match ctx
                .command(&docs_of(&[Collection::PlanVersions]), &[Collection::PlanVersions], |ws, stamp| {
                    cmd::discard(ws, id, stamp)
                })
                .await
            {
                Ok(()) => ctx.notify(NoticeKind::Info, "Plan version discarded."),
                Err(e) => ctx.notify(NoticeKind::Error, format!("Not discarded: {e}")),
            };
        });
    };
    view! {
        {move || match version() {
            None => view! { <section class="page"><h1>"Not found"</h1><p>"There is no such plan version."</p></section> }.into_any(),
            Some(v) => {
                let draft = v.status == VersionStatus::Draft;
                view! {
                    <section class="page">
                        <p class="breadcrumb"><a href=Route::area(Area::Review).href()>"Annual review"</a></p>
                        <PageHeader title=v.name.clone()>
                            {draft.then(|| view! {
                                <button class="primary" data-testid="adopt" on:click=adopt>"Adopt this plan"</button>
                                <button class="danger" on:click=discard>"Discard"</button>
                            })}
                        </PageHeader>
                        <p class="muted">{format!("Plan for {} · {}", v.period, v.status.label())}</p>
                        {draft.then(|| view! {
                            <section class="panel">
                                <h2>"Start from last year's results"</h2>
                                <div class="inline-form">
                                    <label for="seed-growth">"Growth (%)"</label>
                                    <input id="seed-growth" class="short" inputmode="decimal" prop:value=move || growth.get() on:input=move |ev| growth.set(event_target_value(&ev))/>
                                    <button on:click=seed disabled=move || busy.get() data-testid="seed">"Draft targets and budgets"</button>
                                </div>
                            </section>
                            <DraftTargets id/>
                        })}
                        {move || review_of(v.period.previous(), &[id]).map(|r| view! { <ReviewTables review=r/> })}
                    </section>
                }.into_any()
            }
        }}
    }
}

/// The draft's revenue targets, editable in place.
#[component]
fn DraftTargets(id: PlanVersionId) -> impl IntoView {
    let ctx = ctx();
    let targets = move || {
        ctx.track(Collection::Targets);
        ctx.with_ws(|ws| {
            let draft = ws.draft_data(id)?;
            let mut list: Vec<(Target, String)> = draft
                .targets
                .iter()
                .filter(|t| t.metric == Metric::Revenue)
                .map(|t| (t.clone(), subject_name(&ws.data, t.subject)))
                .collect();
            list.sort_by(|a, b| (a.0.subject.kind(), &a.1).cmp(&(b.0.subject.kind(), &b.1)));
            Some(list)
        })
        .flatten()
        .unwrap_or_default()
    };
    let set_amount = move |target: Target, text: String| {
        let currency = target.amount.currency;
        match Money::parse(&text, currency) {
            Ok(amount) => {
                spawn_local(async move {
                    let t = Target { amount, ..target };
                    let result = ctx
                        .command(&cmd::draft_names(id), &[Collection::Targets], |ws, stamp| {
                            cmd::set_draft_target(ws, id, t, stamp)
                        })
                        .await;
                    if let Err(e) = result {
                        ctx.notify(NoticeKind::Error, format!("Not saved: {e}"));
                    }
                });
            }
            Err(e) => {
                ctx.notify(NoticeKind::Error, e.to_string());
            }
        }
    };
    view! {
        <section class="panel">
            <h2>"Draft revenue targets"</h2>
            <div class="scroll-x">
                <table class="simple" data-testid="draft-targets">
                    <thead><tr><th>"For"</th><th>"Period"</th><th class="num">"Target"</th></tr></thead>
                    <tbody>
                        {move || targets().into_iter().map(|(t, name)| {
                            let amount = t.amount.amount_text();
                            let target = t.clone();
                            let label = format!("Target for {name}, {}", t.period);
                            view! {
                                <tr><td>{name}</td><td>{t.period.to_string()}</td>
                                <td class="num"><input class="short" inputmode="decimal" aria-label=label value=amount
                                    on:change=move |ev| set_amount(target.clone(), event_target_value(&ev))/></td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
