//! Deals: the pipeline board (drag with a mouse or a finger, or move with the keyboard), the
//! deal list, a deal's line items, activities and outcome, and converting a lead.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::commands::selling::{self, AccountChoice, Conversion, Loss, NewDeal};
use quota_core::deal::{Deal, DealId, DealStatus, LineId, LineItem, LossReason};
use quota_core::lead::{Lead, LeadId, LeadStatus};
use quota_core::reports::pipeline::{DealFilter, PipelineReport, pipeline_report};
use quota_core::settings::{PipelineId, StageId, StageKind};
use quota_core::{Collection, DocName, Money};
use wasm_bindgen::JsCast;

use crate::crud;
use crate::ids;
use crate::pages::{PageHeader, Tab, tabbed};
use crate::route::{Area, Route};
use crate::state::{Ctx, NoticeKind, ctx};

pub fn page(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "board", label: "Pipeline board", page: |r, _| view! { <Board route=r.clone()/> }.into_any() },
            Tab { slug: "list", label: "All deals", page: crud::page::<Deal> },
        ],
    )
}

/// Every shard of the given collections, for commands that may touch any of them.
pub fn docs_of(collections: &[Collection]) -> Vec<DocName> {
    collections.iter().flat_map(|c| (0..c.shards()).map(move |s| DocName::live(*c, s))).collect()
}

const BOARD_READS: &[Collection] = &[
    Collection::Deals,
    Collection::Pipelines,
    Collection::Accounts,
    Collection::Activities,
    Collection::Settings,
    Collection::People,
];

/// Moves a deal to a stage, asking for the reason when it is lost.
fn move_to(ctx: Ctx, deal: DealId, stage: StageId, loss: Option<Loss>) {
    spawn_local(async move {
        let result = ctx
            .command(
                &docs_of(&[Collection::Deals, Collection::Accounts]),
                &[Collection::Deals, Collection::Accounts],
                |ws, stamp| selling::move_deal(ws, deal, stage, loss, stamp),
            )
            .await;
        match result {
            Ok(()) => {
                let text = ctx
                    .with_ws(|ws| {
                        let d = ws.data.deals.get(deal)?;
                        let stage = ws.data.pipelines.get(d.pipeline)?.stages.get(&stage)?.name.clone();
                        Some(format!("Moved “{}” to {stage}.", d.name))
                    })
                    .flatten()
                    .unwrap_or_default();
                announce(&text);
            }
            Err(e) => {
                ctx.notify(NoticeKind::Error, format!("Could not move the deal: {e}"));
            }
        }
    });
}

/// Speaks a short message to screen readers.
fn announce(text: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("board-announcer"))
    {
        el.set_text_content(Some(text));
    }
}

/// A deal waiting for its loss reason before it moves to a lost stage.
#[derive(Clone, Copy, PartialEq)]
struct PendingLoss {
    deal: DealId,
    stage: StageId,
}

#[component]
fn Board(route: Route) -> impl IntoView {
    let ctx = ctx();
    let pipeline = RwSignal::new(route.param("pipeline").and_then(|p| p.parse::<PipelineId>().ok()));
    let owner = RwSignal::new(route.param("owner").unwrap_or_default().to_string());
    let pending_loss = RwSignal::new(None::<PendingLoss>);
    let dragging = RwSignal::new(None::<DealId>);
    let drop_target = RwSignal::new(None::<StageId>);

    let report = Memo::new(move |_| {
        let owner = owner.get().parse().ok();
        ctx.read(BOARD_READS, |d| {
            let id = pipeline.get().or_else(|| selling::default_pipeline(d).map(|p| p.id))?;
            let today = ids::now().date();
            let filter = DealFilter { owner, closed_since: Some(today.add_days(-30)), ..Default::default() };
            pipeline_report(d, id, filter, today)
        })
        .flatten()
    });
    let pipelines = move || ctx.read(&[Collection::Pipelines], crate::options::pipelines).unwrap_or_default();

    let try_move = move |deal: DealId, stage: StageId| {
        let kind =
            ctx.with_ws(|ws| ws.data.pipelines.iter().find_map(|p| p.stages.get(&stage).map(|s| s.kind))).flatten();
        let current = ctx.with_ws(|ws| ws.data.deals.get(deal).map(|d| d.stage)).flatten();
        if current == Some(stage) {
            return;
        }
        if kind == Some(StageKind::Lost) {
            pending_loss.set(Some(PendingLoss { deal, stage }));
        } else {
            move_to(ctx, deal, stage, None);
        }
    };
    let try_move = StoredValue::new(try_move);

    // Pointer-driven dragging works the same with a mouse, a pen or a finger.
    let on_pointer_move = move |ev: leptos::ev::PointerEvent| {
        if dragging.get_untracked().is_none() {
            return;
        }
        drop_target.set(stage_at(ev.client_x(), ev.client_y()));
    };
    let on_pointer_up = move |ev: leptos::ev::PointerEvent| {
        let Some(deal) = dragging.get_untracked() else { return };
        dragging.set(None);
        drop_target.set(None);
        if let Some(stage) = stage_at(ev.client_x(), ev.client_y()) {
            try_move.with_value(|f| f(deal, stage));
        }
    };

    view! {
        <section class="page board-page">
            <PageHeader title="Pipeline".into()>
                <a class="button primary" href=Route::to(Area::Deals, &["list", "new"]).href() data-testid="new-deal">"New deal"</a>
            </PageHeader>
            <div class="filters">
                <label class="visually-hidden" for="board-pipeline">"Pipeline"</label>
                <select id="board-pipeline" on:change=move |ev| pipeline.set(event_target_value(&ev).parse().ok())>
                    {move || pipelines().into_iter().map(|(id, name)| {
                        let selected = report.with(|r| r.as_ref().map(|r| r.pipeline.to_string()) == Some(id.clone()));
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <label class="visually-hidden" for="board-owner">"Owner"</label>
                <select id="board-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                    <option value="">"Everyone's deals"</option>
                    {move || ctx.read(&[Collection::People], crate::options::people).unwrap_or_default().into_iter().map(|(id, name)| {
                        view! { <option value=id>{name}</option> }
                    }).collect_view()}
                </select>
                <span class="count">{move || report.with(|r| r.as_ref().map(|r| format!(
                    "Open: {} · weighted {}", r.open.value.display(), r.open.weighted.display()
                ))).unwrap_or_default()}</span>
            </div>
            <p class="visually-hidden" id="board-help">"On a card, use the left and right arrow keys to move the deal to the previous or next stage, and Enter to open it."</p>
            <div id="board-announcer" class="visually-hidden" aria-live="assertive"></div>
            {move || match report.get() {
                None => view! { <p class="empty">"There is no pipeline yet. Add one in Settings › Pipelines."</p> }.into_any(),
                Some(r) => view! {
                    <div class="board" data-testid="board" on:pointermove=on_pointer_move on:pointerup=on_pointer_up
                        class:dragging=move || dragging.get().is_some()>
                        {columns(r, dragging, drop_target, try_move)}
                    </div>
                }.into_any(),
            }}
            {move || pending_loss.get().map(|pending| view! { <LossDialog pending on_done=move || pending_loss.set(None)/> })}
        </section>
    }
}

/// The stage column under a point of the screen.
fn stage_at(x: i32, y: i32) -> Option<StageId> {
    let document = web_sys::window()?.document()?;
    let mut element = document.element_from_point(x as f32, y as f32);
    while let Some(el) = element {
        if let Some(stage) = el.get_attribute("data-stage") {
            return stage.parse().ok();
        }
        element = el.parent_element();
    }
    None
}

fn columns(
    report: PipelineReport,
    dragging: RwSignal<Option<DealId>>,
    drop_target: RwSignal<Option<StageId>>,
    try_move: StoredValue<impl Fn(DealId, StageId) + Send + Sync + 'static>,
) -> impl IntoView {
    let ctx = ctx();
    let stage_order: Vec<StageId> = report.stages.iter().map(|s| s.stage).collect();
    let stale: std::collections::HashSet<DealId> = report.stale.iter().copied().collect();
    let cards = ctx
        .with_ws(|ws| {
            report
                .stages
                .iter()
                .flat_map(|s| s.deals.iter())
                .filter_map(|id| ws.data.deals.get(*id))
                .map(|d| {
                    let account = ws.data.accounts.get(d.account).map(|a| a.name.clone()).unwrap_or_default();
                    (
                        d.id,
                        (
                            d.name.clone(),
                            account,
                            d.value().display(),
                            d.expected_close.to_string(),
                            d.probability(&ws.data),
                        ),
                    )
                })
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default();
    let stage_order = StoredValue::new(stage_order);
    report
        .stages
        .into_iter()
        .map(|column| {
            let stage = column.stage;
            let header = match column.totals.count {
                1 => format!("{} · 1 deal", column.name),
                n => format!("{} · {n} deals", column.name),
            };
            let totals = format!("{} · weighted {}", column.totals.value.display(), column.totals.weighted.display());
            let kind = column.kind;
            let cards_view = column
                .deals
                .iter()
                .filter_map(|id| cards.get(id).map(|c| (*id, c.clone())))
                .map(|(deal, (name, account, value, close, probability))| {
                    let is_stale = stale.contains(&deal);
                    let on_key = move |ev: leptos::ev::KeyboardEvent| {
                        let order = stage_order.get_value();
                        let pos = order.iter().position(|s| *s == stage).unwrap_or(0);
                        let next = match ev.key().as_str() {
                            "ArrowRight" => order.get(pos + 1).copied(),
                            "ArrowLeft" => pos.checked_sub(1).and_then(|p| order.get(p).copied()),
                            "Enter" => {
                                crate::browser::set_hash(&format!("/deals/list/{deal}"));
                                None
                            }
                            _ => return,
                        };
                        ev.prevent_default();
                        if let Some(next) = next {
                            try_move.with_value(|f| f(deal, next));
                            refocus(deal);
                        }
                    };
                    let on_down = move |ev: leptos::ev::PointerEvent| {
                        // Only the handle starts a drag on touch screens, so the board still scrolls.
                        let from_handle = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .is_some_and(|t| t.closest(".drag-handle").ok().flatten().is_some());
                        if ev.pointer_type() == "mouse" || from_handle {
                            ev.prevent_default();
                            dragging.set(Some(deal));
                        }
                    };
                    let label = format!("{name}, {account}, {value}, closes {close}, {probability}%{}", if is_stale { ", stale" } else { "" });
                    view! {
                        <li class="card" class:stale=is_stale class:lifted=move || dragging.get() == Some(deal)
                            tabindex="0" data-deal=deal.to_string() aria-describedby="board-help"
                            aria-label=label
                            on:keydown=on_key on:pointerdown=on_down>
                            <span class="drag-handle" aria-hidden="true">"⠿"</span>
                            <a href=format!("#/deals/list/{deal}") class="card-title" draggable="false" tabindex="-1">{name}</a>
                            <span class="card-account">{account}</span>
                            <span class="card-meta"><strong>{value}</strong>" · "{close}" · "{format!("{probability}%")}</span>
                            {is_stale.then(|| view! { <span class="stale-flag">"Stale"</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="column" class:won=kind == StageKind::Won class:lost=kind == StageKind::Lost
                    class:target=move || drop_target.get() == Some(stage) && dragging.get().is_some()
                    data-stage=stage.to_string() data-testid=format!("column-{}", column.name) aria-label=column.name.clone()>
                    <header><h2>{header}</h2><p class="muted">{totals}</p></header>
                    <ul class="cards">{cards_view}</ul>
                </section>
            }
        })
        .collect_view()
}

/// Keeps keyboard focus on a card after it moved to another column.
fn refocus(deal: DealId) {
    crate::browser::set_timeout(50, move || {
        let selector = format!("[data-deal=\"{deal}\"]");
        if let Some(el) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&selector).ok().flatten())
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            el.focus().ok();
        }
    });
}

#[component]
fn LossDialog(pending: PendingLoss, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ctx = ctx();
    let reason = RwSignal::new(LossReason::Price);
    let competitor = RwSignal::new(String::new());
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let loss = Loss { reason: reason.get_untracked(), competitor: competitor.get_untracked() };
        move_to(ctx, pending.deal, pending.stage, Some(loss));
        on_done();
    };
    view! {
        <div class="dialog-backdrop">
            <form class="dialog card" role="dialog" aria-modal="true" aria-labelledby="loss-title" on:submit=confirm data-testid="loss-dialog">
                <h2 id="loss-title">"Why was the deal lost?"</h2>
                <div class="field">
                    <label for="loss-reason">"Reason"</label>
                    <select id="loss-reason" autofocus on:change=move |ev| reason.set(event_target_value(&ev).parse().unwrap_or(LossReason::Other))>
                        {LossReason::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="loss-competitor">"Competitor (if any)"</label>
                    <input id="loss-competitor" prop:value=move || competitor.get() on:input=move |ev| competitor.set(event_target_value(&ev))/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="primary">"Mark as lost"</button>
                    <button type="button" on:click=move |_| on_done()>"Cancel"</button>
                </div>
            </form>
        </div>
    }
}

/// Panels under a deal's fields: outcome buttons, line items and activities.
pub fn deal_panels(id: DealId) -> AnyView {
    view! { <DealActions id/><DealLines id/><crate::pages::activities::ActivitiesOf deal=id/> }.into_any()
}

#[component]
fn DealActions(id: DealId) -> impl IntoView {
    let ctx = ctx();
    let deal = move || ctx.read(&[Collection::Deals], |d| d.deals.get(id).cloned()).flatten();
    let stage_of = move |kind: StageKind| {
        ctx.with_ws(|ws| {
            let d = ws.data.deals.get(id)?;
            ws.data.pipelines.get(d.pipeline)?.stage_of_kind(kind)
        })
        .flatten()
    };
    let lose = RwSignal::new(false);
    view! {
        {move || deal().map(|d| {
            let open = d.status == DealStatus::Open;
            view! {
                <section class="panel outcome">
                    <h2>"Outcome"</h2>
                    <p>{match d.status {
                        DealStatus::Open => format!("Open · {}% · expected to close {}", d.probability.map_or_else(|| "stage".to_string(), |p| p.to_string()), d.expected_close),
                        DealStatus::Won => format!("Won on {}", d.closed_on.map(|c| c.to_string()).unwrap_or_default()),
                        DealStatus::Lost => format!("Lost on {} · {}", d.closed_on.map(|c| c.to_string()).unwrap_or_default(), d.loss_reason.map(|r| r.label()).unwrap_or_default()),
                    }}</p>
                    {if open {
                        view! {
                            <button class="primary" data-testid="win" on:click=move |_| {
                                if let Some(stage) = stage_of(StageKind::Won) { move_to(ctx, id, stage, None); }
                            }>"Mark as won"</button>
                            " "
                            <button class="danger" data-testid="lose" on:click=move |_| lose.set(true)>"Mark as lost"</button>
                        }.into_any()
                    } else {
                        view! {
                            <button data-testid="reopen" on:click=move |_| {
                                if let Some(stage) = stage_of(StageKind::Open) { move_to(ctx, id, stage, None); }
                            }>"Reopen"</button>
                        }.into_any()
                    }}
                </section>
            }
        })}
        {move || (lose.get()).then(|| stage_of(StageKind::Lost)).flatten().map(|stage| view! {
            <LossDialog pending=PendingLoss { deal: id, stage } on_done=move || lose.set(false)/>
        })}
    }
}

/// A change to a deal's lines, applied to the latest lines when it is saved.
type LineChange = Box<dyn FnOnce(&mut BTreeMap<LineId, LineItem>)>;

#[component]
fn DealLines(id: DealId) -> impl IntoView {
    let ctx = ctx();
    let lines = move || {
        ctx.read(&[Collection::Deals, Collection::Products], |d| {
            let deal = d.deals.get(id)?;
            Some(
                deal.lines
                    .iter()
                    .map(|(lid, l)| {
                        let name = d.products.get(l.product).map(|p| p.name.clone()).unwrap_or_default();
                        (
                            *lid,
                            name,
                            l.quantity,
                            l.unit_price.display(),
                            crate::format::percent_bp(l.discount_bp),
                            l.total().display(),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .unwrap_or_default()
    };
    let product = RwSignal::new(String::new());
    let quantity = RwSignal::new("1".to_string());
    let price = RwSignal::new(String::new());
    let discount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |change: LineChange| {
        spawn_local(async move {
            let Some(mut current) = ctx.with_ws(|ws| ws.data.deals.get(id).map(|d| d.lines.clone())).flatten() else {
                return;
            };
            change(&mut current);
            let result = ctx
                .command(&[quota_core::Workspace::doc_of::<Deal>(id)], &[Collection::Deals], |ws, stamp| {
                    selling::set_lines(ws, id, current, stamp)
                })
                .await;
            match result {
                Ok(_) => error.set(None),
                Err(e) => error.set(Some(format!("Not saved: {e}"))),
            }
        });
    };
    let save = StoredValue::new_local(save);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(product_id) = product.get_untracked().parse() else {
            error.set(Some("Choose a product".into()));
            return;
        };
        let Ok(qty) = quantity.get_untracked().trim().parse::<i64>() else {
            error.set(Some("Enter a whole quantity".into()));
            return;
        };
        let currency = ctx.with_ws(|ws| ws.data.deals.get(id).map(|d| d.amount.currency)).flatten().unwrap_or_default();
        let list_price = ctx.with_ws(|ws| ws.data.products.get(product_id).map(|p| p.price)).flatten();
        let unit_price = if price.get_untracked().trim().is_empty() {
            list_price.unwrap_or(Money::zero(currency))
        } else {
            match Money::parse(&price.get_untracked(), currency) {
                Ok(m) => m,
                Err(e) => {
                    error.set(Some(e.to_string()));
                    return;
                }
            }
        };
        let discount_bp = match crate::format::parse_percent_bp(&discount.get_untracked()) {
            Ok(bp) => bp,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let item = selling::line(product_id, qty, unit_price, discount_bp);
        save.with_value(|s| {
            s(Box::new(move |lines| {
                lines.insert(ids::new_id(), item);
            }))
        });
        price.set(String::new());
        discount.set(String::new());
    };
    view! {
        <section class="panel" aria-labelledby="lines-title">
            <h2 id="lines-title">"Products"</h2>
            <table class="simple">
                <thead><tr><th>"Product"</th><th class="num">"Qty"</th><th class="num">"Unit price"</th><th class="num">"Discount"</th><th class="num">"Total"</th><th></th></tr></thead>
                <tbody>
                    {move || lines().into_iter().map(|(lid, name, qty, unit, disc, total)| view! {
                        <tr><td>{name}</td><td class="num">{qty}</td><td class="num">{unit}</td><td class="num">{disc}</td><td class="num">{total}</td>
                        <td><button class="link" on:click=move |_| save.with_value(|s| s(Box::new(move |l| { l.remove(&lid); })))>"Remove"</button></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=add>
                <label class="visually-hidden" for="line-product">"Product"</label>
                <select id="line-product" on:change=move |ev| product.set(event_target_value(&ev))>
                    <option value="">"Add a product…"</option>
                    {move || ctx.read(&[Collection::Products], crate::options::products).unwrap_or_default().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <label class="visually-hidden" for="line-qty">"Quantity"</label>
                <input id="line-qty" inputmode="numeric" placeholder="Qty" prop:value=move || quantity.get() on:input=move |ev| quantity.set(event_target_value(&ev))/>
                <label class="visually-hidden" for="line-price">"Unit price"</label>
                <input id="line-price" inputmode="decimal" placeholder="List price" prop:value=move || price.get() on:input=move |ev| price.set(event_target_value(&ev))/>
                <label class="visually-hidden" for="line-discount">"Discount %"</label>
                <input id="line-discount" inputmode="decimal" placeholder="Discount %" prop:value=move || discount.get() on:input=move |ev| discount.set(event_target_value(&ev))/>
                <button type="submit">"Add line"</button>
            </form>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// The "Convert" action on a lead's page.
pub fn lead_actions(id: LeadId) -> AnyView {
    view! { <LeadConvert id/> }.into_any()
}

#[component]
fn LeadConvert(id: LeadId) -> impl IntoView {
    let ctx = ctx();
    let lead = move || ctx.read(&[Collection::Leads], |d| d.leads.get(id).cloned()).flatten();
    let open = RwSignal::new(false);
    let existing = RwSignal::new(String::new());
    let with_deal = RwSignal::new(true);
    let deal_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let convert = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(lead) = lead() else { return };
        let account = match existing.get_untracked().parse() {
            Ok(existing) => AccountChoice::Existing(existing),
            Err(_) => AccountChoice::New(ids::new_id()),
        };
        let deal = with_deal.get_untracked().then(|| NewDeal {
            id: ids::new_id(),
            name: if deal_name.get_untracked().trim().is_empty() {
                default_deal_name(&lead)
            } else {
                deal_name.get_untracked()
            },
            amount: None,
            expected_close: None,
        });
        let conversion = Conversion { account, contact: ids::new_id(), deal };
        spawn_local(async move {
            let docs = docs_of(&[
                Collection::Leads,
                Collection::Accounts,
                Collection::Contacts,
                Collection::Deals,
                Collection::Activities,
            ]);
            let colls = [
                Collection::Leads,
                Collection::Accounts,
                Collection::Contacts,
                Collection::Deals,
                Collection::Activities,
            ];
            match ctx.command(&docs, &colls, |ws, stamp| selling::convert_lead(ws, id, conversion, stamp)).await {
                Ok(done) => {
                    ctx.notify(NoticeKind::Info, "Lead converted.");
                    match done.deal {
                        Some(deal) => ctx.navigate(Route::to(Area::Deals, &["list", &deal.to_string()])),
                        None => ctx.navigate(Route::to(Area::Accounts, &[&done.account.to_string()])),
                    }
                }
                Err(e) => error.set(Some(format!("Could not convert: {e}"))),
            }
        });
    };
    view! {
        {move || lead().filter(|l| !matches!(l.status, LeadStatus::Converted | LeadStatus::Disqualified)).map(|l| view! {
            <section class="panel">
                <h2>"Convert"</h2>
                <p>"Turn this lead into an account, a contact and a deal."</p>
                <Show when=move || !open.get()>
                    <button class="primary" data-testid="convert" on:click=move |_| open.set(true)>"Convert lead…"</button>
                </Show>
                <Show when=move || open.get()>
                    <form on:submit=convert data-testid="convert-form">
                        <div class="field">
                            <label for="convert-account">"Account"</label>
                            <select id="convert-account" on:change=move |ev| existing.set(event_target_value(&ev))>
                                <option value="">{format!("New account: {}", if l.company.is_empty() { l.name.clone() } else { l.company.clone() })}</option>
                                {ctx.read(&[Collection::Accounts], crate::options::accounts).unwrap_or_default().into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                            </select>
                        </div>
                        <label class="check"><input type="checkbox" prop:checked=move || with_deal.get() on:change=move |ev| with_deal.set(event_target_checked(&ev))/>" Create a deal"</label>
                        <div class="field">
                            <label for="convert-deal">"Deal name"</label>
                            <input id="convert-deal" placeholder=default_deal_name(&l) prop:value=move || deal_name.get() on:input=move |ev| deal_name.set(event_target_value(&ev))/>
                        </div>
                        <p class="form-problems" role="alert">{move || error.get()}</p>
                        <button type="submit" class="primary" data-testid="convert-confirm">"Convert"</button>
                    </form>
                </Show>
            </section>
        })}
    }
}

fn default_deal_name(lead: &Lead) -> String {
    let who = if lead.company.is_empty() { lead.name.clone() } else { lead.company.clone() };
    format!("{who} opportunity")
}
