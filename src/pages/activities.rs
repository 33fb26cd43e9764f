//! Activities and follow-ups: what is due today, overdue and coming up; the quick "log a call or
//! visit" form for reps in the field; and the activities of one deal or account.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::account::AccountId;
use quota_core::activity::{Activity, ActivityId, ActivityKind};
use quota_core::commands::selling::{self, FollowUp, LogActivity};
use quota_core::deal::DealId;
use quota_core::{Collection, Date, Error};

use crate::crud;
use crate::ids;
use crate::pages::{PageHeader, Tab, tabbed};
use crate::route::{Area, Route};
use crate::state::{NoticeKind, ctx};

pub fn page(route: Route) -> AnyView {
    tabbed(
        &route,
        &[
            Tab { slug: "today", label: "Today", page: |_, _| view! { <Agenda which=Which::Today/> }.into_any() },
            Tab { slug: "overdue", label: "Overdue", page: |_, _| view! { <Agenda which=Which::Overdue/> }.into_any() },
            Tab {
                slug: "upcoming",
                label: "Upcoming",
                page: |_, _| view! { <Agenda which=Which::Upcoming/> }.into_any(),
            },
            Tab {
                slug: "log",
                label: "Log a call or visit",
                page: |r, _| view! { <QuickLog route=r.clone()/> }.into_any(),
            },
            Tab { slug: "all", label: "All activities", page: crud::page::<Activity> },
        ],
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Today,
    Overdue,
    Upcoming,
}

/// One line of an agenda: the activity and what it concerns.
#[derive(Clone, PartialEq)]
struct Item {
    id: ActivityId,
    kind: ActivityKind,
    subject: String,
    due: Option<Date>,
    about: String,
    done: bool,
}

fn complete(id: ActivityId) {
    let ctx = ctx();
    spawn_local(async move {
        let result = ctx
            .command(&[quota_core::Workspace::doc_of::<Activity>(id)], &[Collection::Activities], |ws, stamp| {
                selling::complete_activity(ws, id, stamp)
            })
            .await;
        if let Err(e) = result {
            ctx.notify(NoticeKind::Error, format!("Could not complete it: {e}"));
        }
    });
}

fn reschedule(id: ActivityId, due: Date) {
    let ctx = ctx();
    spawn_local(async move {
        let result = ctx
            .command(&[quota_core::Workspace::doc_of::<Activity>(id)], &[Collection::Activities], |ws, stamp| {
                selling::reschedule_activity(ws, id, due, stamp)
            })
            .await;
        if let Err(e) = result {
            ctx.notify(NoticeKind::Error, format!("Could not reschedule it: {e}"));
        }
    });
}

#[component]
fn Agenda(which: Which) -> impl IntoView {
    let ctx = ctx();
    let mine_only = RwSignal::new(false);
    let items = move || {
        let today = ids::now().date();
        let me = ctx.me.get().and_then(|m| ctx.with_ws(|ws| ws.data.members.get(m).and_then(|m| m.person)).flatten());
        let mine = mine_only.get();
        ctx.read(&[Collection::Activities, Collection::Accounts, Collection::Deals], |d| {
            let mut list: Vec<Item> = d
                .activities
                .iter()
                .filter(|a| !a.done)
                .filter(|a| !mine || (me.is_some() && a.person == me))
                .filter(|a| match (which, a.due) {
                    (Which::Today, Some(due)) => due == today,
                    (Which::Overdue, Some(due)) => due < today,
                    (Which::Upcoming, Some(due)) => due > today && due <= today.add_days(14),
                    _ => false,
                })
                .map(|a| Item {
                    id: a.id,
                    kind: a.kind,
                    subject: a.subject.clone(),
                    due: a.due,
                    about: a
                        .deal
                        .and_then(|x| d.deals.get(x))
                        .map(|x| x.name.clone())
                        .or_else(|| a.account.and_then(|x| d.accounts.get(x)).map(|x| x.name.clone()))
                        .unwrap_or_default(),
                    done: a.done,
                })
                .collect();
            list.sort_by_key(|i| (i.due, i.id));
            list
        })
        .unwrap_or_default()
    };
    let title = match which {
        Which::Today => "Due today",
        Which::Overdue => "Overdue",
        Which::Upcoming => "Next two weeks",
    };
    view! {
        <section class="page">
            <PageHeader title=title.to_string()>
                <a class="button primary" href=Route::to(Area::Activities, &["log"]).href() data-testid="log-activity">"Log a call or visit"</a>
            </PageHeader>
            <label class="check"><input type="checkbox" prop:checked=move || mine_only.get() on:change=move |ev| mine_only.set(event_target_checked(&ev))/>" Only mine"</label>
            <ul class="agenda" data-testid="agenda">
                {move || {
                    let list = items();
                    if list.is_empty() {
                        view! { <li class="empty">"Nothing here. "</li> }.into_any()
                    } else {
                        list.into_iter().map(|item| view! { <AgendaItem item overdue=which == Which::Overdue/> }).collect_view().into_any()
                    }
                }}
            </ul>
        </section>
    }
}

#[component]
fn AgendaItem(item: Item, overdue: bool) -> impl IntoView {
    let id = item.id;
    let tomorrow = ids::now().date().add_days(1);
    view! {
        <li class="agenda-item" class:overdue=overdue>
            <input type="checkbox" aria-label=format!("Done: {}", item.subject) prop:checked=item.done on:change=move |_| complete(id)/>
            <div class="agenda-text">
                <a href={crud::href::<Activity>(id)}>{item.subject.clone()}</a>
                <span class="muted">{format!("{} · {}{}", item.kind.label(), item.due.map(|d| d.to_string()).unwrap_or_default(),
                    if item.about.is_empty() { String::new() } else { format!(" · {}", item.about) })}</span>
            </div>
            <button class="link" on:click=move |_| reschedule(id, tomorrow)>"Tomorrow"</button>
        </li>
    }
}

/// The fast path for reps: what happened, with whom, and what is next — in a few taps.
#[component]
fn QuickLog(route: Route) -> impl IntoView {
    let ctx = ctx();
    let kind = RwSignal::new(ActivityKind::Call);
    let account = RwSignal::new(route.param("account").unwrap_or_default().to_string());
    let deal = RwSignal::new(route.param("deal").unwrap_or_default().to_string());
    let subject = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let next = RwSignal::new(String::new());
    let next_due = RwSignal::new(ids::now().date().add_days(7).to_string());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let deals_of_account = move || {
        let account: Option<AccountId> = account.get().parse().ok();
        ctx.read(&[Collection::Deals], |d| {
            d.deals
                .iter()
                .filter(|x| {
                    x.status == quota_core::deal::DealStatus::Open && (account.is_none() || Some(x.account) == account)
                })
                .map(|x| (x.id.to_string(), x.name.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let follow_up = if next.get_untracked().trim().is_empty() {
            None
        } else {
            match next_due.get_untracked().parse::<Date>() {
                Ok(due) => {
                    Some(FollowUp { id: ids::new_id(), kind: ActivityKind::Task, subject: next.get_untracked(), due })
                }
                Err(_) => {
                    error.set(Some("Pick the date of the follow-up".into()));
                    return;
                }
            }
        };
        let log = LogActivity {
            id: ids::new_id(),
            kind: kind.get_untracked(),
            subject: subject.get_untracked(),
            outcome: outcome.get_untracked(),
            notes: notes.get_untracked(),
            person: None,
            account: account.get_untracked().parse().ok(),
            contact: None,
            deal: deal.get_untracked().parse::<DealId>().ok(),
            lead: None,
            follow_up,
        };
        // Only the shards the new activity and its follow-up go into: touching every shard would
        // load, and in a new workspace create, each of them before the visit is logged.
        let docs: Vec<_> = std::iter::once(log.id)
            .chain(log.follow_up.as_ref().map(|f| f.id))
            .map(quota_core::Workspace::doc_of::<Activity>)
            .collect();
        busy.set(true);
        spawn_local(async move {
            match ctx.command(&docs, &[Collection::Activities], |ws, stamp| selling::log_activity(ws, log, stamp)).await
            {
                Ok(_) => {
                    ctx.notify(NoticeKind::Info, "Logged.");
                    subject.set(String::new());
                    outcome.set(String::new());
                    notes.set(String::new());
                    next.set(String::new());
                    error.set(None);
                }
                Err(Error::Invalid(invalid)) => {
                    error.set(Some(invalid.0.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join(". ")))
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let kinds =
        [ActivityKind::Call, ActivityKind::Visit, ActivityKind::Meeting, ActivityKind::Email, ActivityKind::Demo];
    view! {
        <section class="page quick-log">
            <PageHeader title="Log a call or visit".into()/>
            <form class="card" on:submit=submit data-testid="quick-log">
                <fieldset class="kind-picker">
                    <legend>"What happened"</legend>
                    {kinds.into_iter().map(|k| view! {
                        <button type="button" class="chip" aria-pressed=move || (kind.get() == k).to_string() on:click=move |_| kind.set(k)>{k.label()}</button>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="log-account">"Account"</label>
                    <select id="log-account" on:change=move |ev| account.set(event_target_value(&ev))>
                        <option value="">"None"</option>
                        {move || ctx.read(&[Collection::Accounts], crate::options::accounts).unwrap_or_default().into_iter().map(|(v, n)| {
                            let selected = account.get_untracked() == v;
                            view! { <option value=v selected=selected>{n}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="log-deal">"Deal"</label>
                    <select id="log-deal" on:change=move |ev| deal.set(event_target_value(&ev))>
                        <option value="">"None"</option>
                        {move || deals_of_account().into_iter().map(|(v, n)| {
                            let selected = deal.get_untracked() == v;
                            view! { <option value=v selected=selected>{n}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="log-subject">"Subject"</label>
                    <input id="log-subject" required placeholder="Called about the renewal" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="log-outcome">"Outcome"</label>
                    <input id="log-outcome" placeholder="Wants a proposal by Friday" prop:value=move || outcome.get() on:input=move |ev| outcome.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="log-notes">"Notes"</label>
                    <textarea id="log-notes" rows="3" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="log-next">"Next step (optional)"</label>
                    <input id="log-next" placeholder="Send the proposal" prop:value=move || next.get() on:input=move |ev| next.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="log-next-due">"Next step on"</label>
                    <input id="log-next-due" type="date" prop:value=move || next_due.get() on:input=move |ev| next_due.set(event_target_value(&ev))/>
                </div>
                <p class="form-problems" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="log-submit">"Log it"</button>
            </form>
        </section>
    }
}

/// The activities of a deal or an account, newest first, with a link to log another.
#[component]
pub fn ActivitiesOf(
    #[prop(optional)] deal: Option<DealId>,
    #[prop(optional)] account: Option<AccountId>,
) -> impl IntoView {
    let ctx = ctx();
    let list = move || {
        ctx.read(&[Collection::Activities], |d| {
            let mut list: Vec<(ActivityId, String, String)> = d
                .activities
                .iter()
                .filter(|a| (deal.is_some() && a.deal == deal) || (account.is_some() && a.account == account))
                .map(|a| {
                    let when = a.day().map(|x| x.to_string()).unwrap_or_default();
                    let state = if a.done { "done" } else { "to do" };
                    (a.id, a.subject.clone(), format!("{} · {when} · {state}", a.kind.label()))
                })
                .collect();
            list.sort_by_key(|item| std::cmp::Reverse(item.0));
            list
        })
        .unwrap_or_default()
    };
    let log_route = {
        let mut r = Route::to(Area::Activities, &["log"]);
        if let Some(d) = deal {
            r = r.with_query("deal", &d.to_string());
        }
        if let Some(a) = account {
            r = r.with_query("account", &a.to_string());
        }
        r
    };
    view! {
        <section class="panel" aria-labelledby="activities-title">
            <h2 id="activities-title">"Activities"</h2>
            <ul class="plain">
                {move || {
                    let items = list();
                    if items.is_empty() {
                        view! { <li class="muted">"No activities yet."</li> }.into_any()
                    } else {
                        items.into_iter().map(|(id, subject, meta)| view! {
                            <li><a href={crud::href::<Activity>(id)}>{subject}</a>" "<span class="muted">{meta}</span></li>
                        }).collect_view().into_any()
                    }
                }}
            </ul>
            <a class="button" href=log_route.href()>"Log an activity"</a>
        </section>
    }
}
