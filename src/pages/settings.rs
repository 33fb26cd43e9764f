//! Settings: the workspace's name and defaults, pipelines and their stages, members, sync and
//! invitations, data files, and the workspaces on this device.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::settings::{Member, MemberRole, Pipeline, PipelineId, Settings, SettingsId, Stage, StageId, StageKind};
use quota_core::{Collection, Tables};

use crate::boot::{self, Invite};
use crate::components::form::{FieldSpec, Input, RecordForm, SaveFn};
use crate::components::table::Column;
use crate::crud::{self, RecordUi};
use crate::ids;
use crate::pages::{PageHeader, Tab, tabbed};
use crate::route::{Area, Route};
use crate::state::{NoticeKind, ctx};
use crate::sync::{self, RelayState};
use crate::workspaces;

crate::choices!(MemberRole, StageKind);

pub fn page(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "workspace", label: "Workspace", page: |_, _| view! { <WorkspaceSettings/> }.into_any() },
            Tab { slug: "pipelines", label: "Pipelines", page: |_, _| view! { <Pipelines/> }.into_any() },
            Tab { slug: "members", label: "Members", page: crud::page::<Member> },
            Tab { slug: "sync", label: "Sync & sharing", page: |_, _| view! { <SyncSettings/> }.into_any() },
            Tab { slug: "data", label: "Data", page: |_, _| view! { <crate::pages::data::DataPage/> }.into_any() },
            Tab { slug: "join", label: "Join a team", page: |r, _| view! { <Join route=r.clone()/> }.into_any() },
        ],
    )
}

#[component]
fn WorkspaceSettings() -> impl IntoView {
    let ctx = ctx();
    let settings = ctx.with_ws(|ws| ws.data.settings.get(SettingsId::SINGLETON).cloned()).flatten();
    let Some(settings) = settings else {
        return view! { <section class="page"><h1>"Workspace"</h1><p class="muted">"The workspace's settings have not arrived yet; they will appear once this device syncs."</p></section> }.into_any();
    };
    type F = FieldSpec<Settings>;
    let fields = vec![
        F::text("name", "Workspace name", |s| &s.name, |s| &mut s.name).required(),
        F::currency("currency", "Currency", |s| s.currency, |s, v| s.currency = v),
        F::number(
            "fiscal_year_start",
            "Fiscal year starts in month (1-12)",
            |s| s.fiscal_year_start,
            |s, v| s.fiscal_year_start = v,
        ),
        F::number(
            "stale_after_days",
            "Flag open deals untouched for (days)",
            |s| s.stale_after_days,
            |s, v| s.stale_after_days = v,
        ),
    ];
    let on_save: SaveFn<Settings> = Rc::new(move |s: Settings| {
        Box::pin(async move {
            ctx.update(s).await?;
            ctx.notify(NoticeKind::Info, "Settings saved.");
            Ok(())
        })
    });
    view! {
        <section class="page form-page">
            <PageHeader title="Workspace".into()/>
            <RecordForm initial=settings fields validate_with=vec![] draft_key="settings".to_string()
                submit_label="Save settings" on_save on_cancel=Callback::new(|_| ())/>
            <OtherWorkspaces/>
        </section>
    }
    .into_any()
}

/// The workspaces on this device: switch between them.
#[component]
fn OtherWorkspaces() -> impl IntoView {
    let current = workspaces::current().map(|e| e.id);
    let list = workspaces::list();
    view! {
        <section class="panel" aria-labelledby="device-title">
            <h2 id="device-title">"Workspaces on this device"</h2>
            <ul class="plain">
                {list.into_iter().map(|entry| {
                    let is_current = current.as_deref() == Some(entry.id.as_str());
                    let id = entry.id.clone();
                    view! {
                        <li>
                            <strong>{entry.name.clone()}</strong>
                            {if is_current {
                                view! { <span class="muted">" (open)"</span> }.into_any()
                            } else {
                                view! { " "<button class="link" on:click=move |_| {
                                    if workspaces::set_current(&id).is_ok()
                                        && let Some(w) = web_sys::window()
                                    {
                                        w.location().reload().ok();
                                    }
                                }>"Open"</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <a class="button" href=Route::to(Area::Settings, &["join"]).href()>"Join another team's workspace"</a>
        </section>
    }
}

impl RecordUi for Member {
    const SINGULAR: &'static str = "member";
    const PLURAL: &'static str = "Members";
    const READS: &'static [Collection] = &[Collection::People];
    type Aux = ();

    fn aux(_: &Tables) {}

    fn base() -> Route {
        Route::to(Area::Settings, &["members"])
    }

    fn fields() -> Vec<FieldSpec<Self>> {
        type F = FieldSpec<Member>;
        vec![
            F::text("name", "Name", |r| &r.name, |r| &mut r.name).required(),
            F::text("email", "Email", |r| &r.email, |r| &mut r.email).typed(Input::Email),
            F::choice("role", "Role", MemberRole::ALL, |r| r.role, |r, v| r.role = v),
            F::reference(
                "person",
                "Is salesperson",
                &[Collection::People],
                crate::options::people,
                |r| r.person,
                |r, v| r.person = v,
            ),
        ]
    }

    fn columns() -> Vec<Column> {
        vec![Column::new("Name"), Column::new("Role"), Column::wide("Email")]
    }

    fn cells(&self, _: &Tables, _: &()) -> Vec<String> {
        vec![self.name.clone(), self.role.label().into(), self.email.clone()]
    }

    fn title(&self) -> String {
        self.name.clone()
    }

    fn blank(_: &Tables) -> Self {
        Member { id: ids::new_id(), ..Default::default() }
    }
}

/// Pipelines and their stages: rename, reorder, set probabilities, add and remove stages.
#[component]
fn Pipelines() -> impl IntoView {
    let ctx = ctx();
    let pipelines = move || {
        ctx.read(&[Collection::Pipelines], |d| d.pipelines.iter().cloned().collect::<Vec<_>>()).unwrap_or_default()
    };
    let add_pipeline = move |_| {
        spawn_local(async move {
            let pipeline = Pipeline {
                name: "New pipeline".into(),
                is_default: false,
                ..Pipeline::standard(ids::new_id::<PipelineId>(), std::array::from_fn(|_| ids::new_id()))
            };
            if let Err(e) = ctx.create(pipeline).await {
                ctx.notify(NoticeKind::Error, format!("Could not add the pipeline: {e}"));
            }
        });
    };
    view! {
        <section class="page">
            <PageHeader title="Pipelines".into()>
                <button on:click=add_pipeline>"Add a pipeline"</button>
            </PageHeader>
            {move || pipelines().into_iter().map(|p| view! { <PipelineEditor pipeline=p/> }).collect_view()}
        </section>
    }
}

fn save_pipeline(pipeline: Pipeline) {
    let ctx = ctx();
    spawn_local(async move {
        if let Err(e) = ctx.update(pipeline).await {
            ctx.notify(NoticeKind::Error, format!("Not saved: {e}"));
        }
    });
}

#[component]
fn PipelineEditor(pipeline: Pipeline) -> impl IntoView {
    let id = pipeline.id;
    let stages = pipeline.ordered_stages().into_iter().map(|(sid, s)| (sid, s.clone())).collect::<Vec<_>>();
    let count = stages.len();
    let current = StoredValue::new(pipeline.clone());
    let rename = move |ev: leptos::ev::Event| {
        let mut p = current.get_value();
        p.name = event_target_value(&ev);
        save_pipeline(p);
    };
    let make_default = move |_| {
        let ctx = ctx();
        spawn_local(async move {
            let all = ctx.with_ws(|ws| ws.data.pipelines.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
            for mut p in all {
                let should = p.id == id;
                if p.is_default != should {
                    p.is_default = should;
                    if let Err(e) = ctx.update(p).await {
                        ctx.notify(NoticeKind::Error, format!("Not saved: {e}"));
                    }
                }
            }
        });
    };
    let edit_stage = move |stage: StageId, f: Box<dyn FnOnce(&mut Stage)>| {
        let mut p = current.get_value();
        if let Some(s) = p.stages.get_mut(&stage) {
            f(s);
        }
        save_pipeline(p);
    };
    let edit_stage = StoredValue::new_local(edit_stage);
    let move_stage = move |stage: StageId, up: bool| {
        let mut p = current.get_value();
        let order: Vec<StageId> = p.ordered_stages().into_iter().map(|(s, _)| s).collect();
        let Some(pos) = order.iter().position(|s| *s == stage) else { return };
        let other = if up { pos.checked_sub(1) } else { Some(pos + 1).filter(|i| *i < order.len()) };
        if let Some(other) = other {
            let (a, b) = (order[pos], order[other]);
            let (oa, ob) = (p.stages[&a].order, p.stages[&b].order);
            if let Some(s) = p.stages.get_mut(&a) {
                s.order = ob;
            }
            if let Some(s) = p.stages.get_mut(&b) {
                s.order = oa;
            }
            save_pipeline(p);
        }
    };
    let add_stage = move |_| {
        let mut p = current.get_value();
        let order = p.stages.values().filter(|s| s.kind == StageKind::Open).map(|s| s.order).max().unwrap_or(0) + 1;
        p.stages
            .insert(ids::new_id(), Stage { name: "New stage".into(), order, probability: 50, kind: StageKind::Open });
        save_pipeline(p);
    };
    let remove_stage = move |stage: StageId| {
        let ctx = ctx();
        let in_use = ctx.with_ws(|ws| ws.data.deals.iter().filter(|d| d.stage == stage).count()).unwrap_or(0);
        if in_use > 0 {
            ctx.notify(NoticeKind::Error, format!("{in_use} deals are in this stage; move them first."));
            return;
        }
        let mut p = current.get_value();
        p.stages.remove(&stage);
        save_pipeline(p);
    };
    view! {
        <section class="panel pipeline-editor" data-testid="pipeline-editor">
            <div class="inline-form">
                <label for=format!("pipeline-{id}")>"Name"</label>
                <input id=format!("pipeline-{id}") value=pipeline.name.clone() on:change=rename/>
                {if pipeline.is_default {
                    view! { <span class="badge">"Default"</span> }.into_any()
                } else {
                    view! { <button on:click=make_default>"Make default"</button> }.into_any()
                }}
            </div>
            <table class="simple stages">
                <thead><tr><th>"Stage"</th><th>"Kind"</th><th class="num">"Probability %"</th><th>"Order"</th><th><span class="visually-hidden">"Remove"</span></th></tr></thead>
                <tbody>
                    {stages.into_iter().enumerate().map(|(i, (sid, stage))| {
                        let probability = stage.probability.to_string();
                        view! {
                            <tr>
                                <td><input aria-label="Stage name" value=stage.name.clone() on:change=move |ev| {
                                    let name = event_target_value(&ev);
                                    edit_stage.with_value(|f| f(sid, Box::new(move |s| s.name = name)));
                                }/></td>
                                <td><select aria-label="Stage kind" on:change=move |ev| {
                                    let kind = event_target_value(&ev).parse::<StageKind>().unwrap_or(StageKind::Open);
                                    edit_stage.with_value(|f| f(sid, Box::new(move |s| s.kind = kind)));
                                }>
                                    {StageKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=*k == stage.kind>{k.label()}</option> }).collect_view()}
                                </select></td>
                                <td class="num"><input aria-label="Probability" inputmode="numeric" value=probability on:change=move |ev| {
                                    match event_target_value(&ev).trim().parse::<u32>() {
                                        Ok(p) if p <= 100 => edit_stage.with_value(|f| f(sid, Box::new(move |s| s.probability = p))),
                                        _ => {
                                            ctx().notify(NoticeKind::Error, "A probability is a whole number from 0 to 100.");
                                        }
                                    };
                                }/><span class="unit" aria-hidden="true">"%"</span></td>
                                <td class="order">
                                    <button class="icon" aria-label="Move up" disabled=i == 0 on:click=move |_| move_stage(sid, true)>"↑"</button>
                                    <button class="icon" aria-label="Move down" disabled=i + 1 == count on:click=move |_| move_stage(sid, false)>"↓"</button>
                                </td>
                                <td class="remove"><button class="link" on:click=move |_| remove_stage(sid)>"Remove"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <button on:click=add_stage>"Add a stage"</button>
        </section>
    }
}

#[component]
fn SyncSettings() -> impl IntoView {
    let ctx = ctx();
    let entry = workspaces::current();
    let relay_text = RwSignal::new(entry.as_ref().and_then(|e| e.relay.clone()).unwrap_or_default());
    let mode = RwSignal::new(match entry.as_ref().and_then(|e| e.relay.as_deref()) {
        None => "auto",
        Some("") => "off",
        Some(_) => "custom",
    });
    let view_state = move || ctx.sync_view.get();
    let save_relay = move |_| {
        let Some(mut entry) = workspaces::current() else { return };
        entry.relay = match mode.get_untracked() {
            "auto" => None,
            "off" => Some(String::new()),
            _ => Some(relay_text.get_untracked().trim().trim_end_matches('/').to_string()),
        };
        match workspaces::upsert(entry) {
            Ok(()) => {
                ctx.notify(NoticeKind::Info, "Sync settings saved; reloading to apply them.");
                crate::browser::set_timeout(600, || {
                    if let Some(w) = web_sys::window() {
                        w.location().reload().ok();
                    }
                });
            }
            Err(e) => {
                ctx.notify(NoticeKind::Error, e);
            }
        }
    };
    let invite = move || {
        let entry = workspaces::current()?;
        let key = entry.key.parse().ok()?;
        let relay = crate::sync::relay_base(ctx);
        let href = web_sys::window()?.location().href().ok()?;
        Some(Invite { key, name: ctx.settings().name, relay }.link(&href))
    };
    let copy = move |_| {
        if let Some(link) = invite()
            && let Some(w) = web_sys::window()
        {
            let clipboard = w.navigator().clipboard();
            let _promise = clipboard.write_text(&link);
            ctx.notify(NoticeKind::Info, "Invitation link copied.");
        }
    };
    view! {
        <section class="page">
            <PageHeader title="Sync & sharing".into()/>
            <section class="panel" data-testid="sync-panel">
                <h2>"Status"</h2>
                <dl class="facts">
                    <dt>"Relay"</dt>
                    <dd data-testid="relay-state">{move || relay_words(&view_state())}</dd>
                    <dt>"Connected"</dt>
                    <dd data-testid="peers">{move || {
                        // The relay itself is not a teammate; its connection has its own line above.
                        let peers: Vec<String> = view_state().peers.iter().filter(|(via, _)| *via != sync::Via::Relay)
                            .map(|(via, peer)| format!("{} ({})", sync::peer_label(ctx, peer), via.label())).collect();
                        if peers.is_empty() { "Nobody".to_string() } else { peers.join(", ") }
                    }}</dd>
                    <dt>"Waiting to sync"</dt>
                    <dd data-testid="pending">{move || match view_state().pending { 0 => "Nothing".to_string(), 1 => "1 document".to_string(), n => format!("{n} documents") }}</dd>
                    <dt>"Last synced"</dt>
                    <dd>{move || view_state().last_synced.map(|t| t.to_string()).unwrap_or_else(|| "Not yet".into())}</dd>
                </dl>
                <button data-testid="toggle-offline" on:click=move |_| {
                    if ctx.sync_view.get_untracked().paused { sync::resume(ctx) } else { sync::pause(ctx) }
                }>{move || if view_state().paused { "Go back online" } else { "Work offline" }}</button>
                <label class="check">
                    <input type="checkbox" prop:checked=move || view_state().relay_enabled data-testid="relay-enabled"
                        on:change=move |ev| sync::set_relay_enabled(ctx, event_target_checked(&ev))/>
                    " Sync through the relay"
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || view_state().direct_enabled data-testid="direct-enabled"
                        on:change=move |ev| sync::set_direct_enabled(ctx, event_target_checked(&ev))/>
                    " Connect directly to teammates' browsers (peer to peer)"
                </label>
            </section>
            <section class="panel">
                <h2>"Relay"</h2>
                <fieldset class="choices">
                    <legend class="visually-hidden">"Relay"</legend>
                    <label class="check"><input type="radio" name="relay-mode" prop:checked=move || mode.get() == "auto" on:change=move |_| mode.set("auto")/>" The server this app came from, if it is a relay"</label>
                    <label class="check"><input type="radio" name="relay-mode" prop:checked=move || mode.get() == "custom" on:change=move |_| mode.set("custom")/>" This relay:"</label>
                    <input type="url" aria-label="Relay address" placeholder="https://relay.example.com" prop:value=move || relay_text.get()
                        on:input=move |ev| { relay_text.set(event_target_value(&ev)); mode.set("custom"); }/>
                    <label class="check"><input type="radio" name="relay-mode" prop:checked=move || mode.get() == "off" on:change=move |_| mode.set("off")/>" No relay (this device only)"</label>
                </fieldset>
                <button class="primary" on:click=save_relay>"Save relay setting"</button>
            </section>
            <section class="panel">
                <h2>"Invite teammates"</h2>
                <p>"Anyone with this link can join this workspace and read and change its data. Send it privately."</p>
                <textarea readonly rows="3" data-testid="invite-link" aria-label="Invitation link">{move || invite().unwrap_or_default()}</textarea>
                <button on:click=copy>"Copy link"</button>
            </section>
        </section>
    }
}

/// The relay connection in words.
fn relay_words(view: &sync::SyncView) -> String {
    match &view.relay {
        RelayState::Off if !view.relay_enabled => {
            "Syncing through the relay is turned off: edits go to other tabs and straight to teammates' browsers."
                .to_string()
        }
        RelayState::Off => "No relay: this device keeps its own copy and syncs with other tabs only.".to_string(),
        RelayState::Connecting => "Connecting…".to_string(),
        RelayState::Connected => "Connected".to_string(),
        RelayState::Waiting { reason, .. } => format!("Not connected ({reason}); retrying"),
        RelayState::Paused => "Paused while you work offline".to_string(),
        RelayState::Refused(reason) => reason.clone(),
    }
}

#[component]
pub fn Join(route: Route) -> impl IntoView {
    let ctx = ctx();
    let prefilled = route.param("k").map(|_| crate::browser::hash()).map(|h| format!("#{h}")).unwrap_or_default();
    let code = RwSignal::new(prefilled);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let invite = match Invite::parse(&code.get_untracked()) {
            Ok(invite) => invite,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        if name.get_untracked().trim().is_empty() {
            error.set(Some("Enter your name, so teammates see who changed what.".into()));
            return;
        }
        busy.set(true);
        let my_name = name.get_untracked();
        spawn_local(async move {
            match boot::join(ctx, invite, my_name).await {
                Ok(()) => ctx.navigate(Route::area(Area::Dashboard)),
                Err(e) => error.set(Some(format!("Could not join: {e}"))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="page form-page">
            <PageHeader title="Join a team's workspace".into()/>
            <form class="card" on:submit=submit data-testid="join-form">
                <div class="field">
                    <label for="join-code">"Invitation link or code"</label>
                    <textarea id="join-code" rows="3" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="join-name">"Your name"</label>
                    <input id="join-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <p class="form-problems" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="join">"Join workspace"</button>
            </form>
        </section>
    }
}
