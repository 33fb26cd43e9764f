//! Accounts: the searchable list, the detail page with related records and history, and the
//! form to create or edit one.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::account::{Account, AccountId, AccountStatus};
use quota_core::{Collection, Tables};

use crate::components::form::{FieldSpec, Input, RecordForm, SaveFn};
use crate::components::history::History;
use crate::components::table::{Column, DataTable, Row};
use crate::ids;
use crate::options;
use crate::pages::PageHeader;
use crate::route::{Area, Route};
use crate::state::{NoticeKind, ctx};

crate::choices!(AccountStatus);

pub fn page(route: Route) -> AnyView {
    match route.rest.as_slice() {
        [] => view! { <AccountList route/> }.into_any(),
        [new] if new == "new" => view! { <AccountEditor id=None/> }.into_any(),
        [id] => match id.parse::<AccountId>() {
            Ok(id) => view! { <AccountDetail id/> }.into_any(),
            Err(_) => not_found(),
        },
        [id, edit] if edit == "edit" => match id.parse::<AccountId>() {
            Ok(id) => view! { <AccountEditor id=Some(id)/> }.into_any(),
            Err(_) => not_found(),
        },
        _ => not_found(),
    }
}

fn not_found() -> AnyView {
    view! { <section class="page"><h1>"Not found"</h1><p>"There is no such account."</p></section> }.into_any()
}

const RELATED: &[Collection] =
    &[Collection::Accounts, Collection::People, Collection::Segments, Collection::Territories];

fn name_of<T>(id: Option<T>, find: impl Fn(T) -> Option<String>) -> String {
    id.and_then(find).unwrap_or_default()
}

/// The rows of the account list for a search text, status filter and sort order.
fn account_rows(d: &Tables, query: &str, status: &str, sort: &str) -> Vec<Row> {
    let needle = query.trim().to_lowercase();
    let mut accounts: Vec<&Account> = d
        .accounts
        .iter()
        .filter(|a| status.is_empty() || a.status.as_str() == status)
        .filter(|a| {
            needle.is_empty()
                || [&a.name, &a.city, &a.email, &a.industry, &a.country]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect();
    match sort {
        "city" => accounts.sort_by(|a, b| a.city.to_lowercase().cmp(&b.city.to_lowercase())),
        "status" => accounts.sort_by_key(|a| a.status),
        "newest" => accounts.sort_by(|a, b| b.id.cmp(&a.id)),
        _ => accounts.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase())),
    }
    accounts
        .into_iter()
        .map(|a| Row {
            id: a.id.to_string(),
            href: Route::to(Area::Accounts, &[&a.id.to_string()]).href(),
            cells: vec![
                a.name.clone(),
                a.status.label().to_string(),
                a.city.clone(),
                name_of(a.owner, |p| d.people.get(p).map(|p| p.name.clone())),
                name_of(a.segment, |s| d.segments.get(s).map(|s| s.name.clone())),
            ],
            class: "",
        })
        .collect()
}

#[component]
fn AccountList(route: Route) -> impl IntoView {
    let ctx = ctx();
    let query = RwSignal::new(route.param("q").unwrap_or_default().to_string());
    let status = RwSignal::new(route.param("status").unwrap_or_default().to_string());
    let sort = RwSignal::new(route.param("sort").unwrap_or("name").to_string());
    // Keep the search in the URL, so a reload or a shared link shows the same list.
    Effect::new(move |_| {
        let order = sort.get();
        let route = Route::area(Area::Accounts)
            .with_query("q", &query.get())
            .with_query("status", &status.get())
            .with_query("sort", if order == "name" { "" } else { &order });
        crate::browser::replace_hash(&route.to_hash());
    });
    let rows = Signal::derive(move || {
        let (q, s, o) = (query.get(), status.get(), sort.get());
        ctx.read(RELATED, |d| account_rows(d, &q, &s, &o)).unwrap_or_default()
    });
    let total = move || ctx.read(&[Collection::Accounts], |d| d.accounts.len()).unwrap_or(0);
    let columns = vec![
        Column::new("Name"),
        Column::new("Status"),
        Column::wide("City"),
        Column::wide("Owner"),
        Column::wide("Segment"),
    ];
    view! {
        <section class="page list-page">
            <PageHeader title="Accounts".into()>
                <a class="button primary" href=Route::to(Area::Accounts, &["new"]).href() data-testid="new-account">"New account"</a>
            </PageHeader>
            <div class="filters" role="search">
                <label class="visually-hidden" for="account-search">"Search accounts"</label>
                <input id="account-search" type="search" placeholder="Search name, city, email…" data-testid="search"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                <label class="visually-hidden" for="account-status">"Status"</label>
                <select id="account-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="" selected=move || status.get().is_empty()>"All statuses"</option>
                    {AccountStatus::ALL.iter().map(|s| {
                        let value = s.as_str();
                        view! { <option value=value selected=move || status.get() == value>{s.label()}</option> }
                    }).collect_view()}
                </select>
                <label class="visually-hidden" for="account-sort">"Sort by"</label>
                <select id="account-sort" data-testid="sort" on:change=move |ev| sort.set(event_target_value(&ev))>
                    {[("name", "Name"), ("city", "City"), ("status", "Status"), ("newest", "Newest")].into_iter().map(|(v, l)| {
                        view! { <option value=v selected=move || sort.get() == v>{format!("Sort: {l}")}</option> }
                    }).collect_view()}
                </select>
                <span class="count" data-testid="count">{move || format!("{} of {}", rows.with(|r| r.len()), total())}</span>
            </div>
            <DataTable columns rows label="Accounts" empty="No accounts match. Create one with “New account”."/>
        </section>
    }
}

fn account_fields() -> Vec<FieldSpec<Account>> {
    type F = FieldSpec<Account>;
    vec![
        F::text("name", "Name", |a| &a.name, |a| &mut a.name).required(),
        F::choice("status", "Status", AccountStatus::ALL, |a| a.status, |a, v| a.status = v),
        F::text("industry", "Industry", |a| &a.industry, |a| &mut a.industry),
        F::reference(
            "segment",
            "Segment",
            &[Collection::Segments],
            options::segments,
            |a| a.segment,
            |a, v| a.segment = v,
        ),
        F::reference("niche", "Niche", &[Collection::Niches], options::niches, |a| a.niche, |a, v| a.niche = v),
        F::reference(
            "territory",
            "Territory",
            &[Collection::Territories],
            options::territories,
            |a| a.territory,
            |a, v| a.territory = v,
        ),
        F::reference("owner", "Owner", &[Collection::People], options::people, |a| a.owner, |a, v| a.owner = v),
        F::reference(
            "partner",
            "Served by partner",
            &[Collection::Partners],
            options::partners,
            |a| a.partner,
            |a, v| a.partner = v,
        ),
        F::text("email", "Email", |a| &a.email, |a| &mut a.email).typed(Input::Email),
        F::text("phone", "Phone", |a| &a.phone, |a| &mut a.phone).typed(Input::Tel),
        F::text("website", "Website", |a| &a.website, |a| &mut a.website).typed(Input::Url),
        F::text("address", "Address", |a| &a.address, |a| &mut a.address),
        F::text("city", "City", |a| &a.city, |a| &mut a.city),
        F::text("country", "Country", |a| &a.country, |a| &mut a.country),
        F::long_text("notes", "Notes", |a| &a.notes, |a| &mut a.notes),
    ]
}

#[component]
fn AccountEditor(id: Option<AccountId>) -> impl IntoView {
    let ctx = ctx();
    let existing = id.and_then(|id| ctx.with_ws(|ws| ws.data.accounts.get(id).cloned()).flatten());
    if id.is_some() && existing.is_none() {
        return not_found();
    }
    let is_new = existing.is_none();
    let initial = existing.unwrap_or_else(|| Account { id: ids::new_id(), ..Default::default() });
    let record_id = initial.id;
    let draft_key = if is_new { "accounts/new".to_string() } else { format!("accounts/{record_id}/edit") };
    let on_save: SaveFn<Account> = Rc::new(move |account: Account| {
        Box::pin(async move {
            let id = account.id;
            if is_new {
                ctx.create(account).await?;
            } else {
                ctx.update(account).await?;
            }
            ctx.navigate(Route::to(Area::Accounts, &[&id.to_string()]));
            Ok(())
        })
    });
    let on_cancel = Callback::new(move |_| {
        let back =
            if is_new { Route::area(Area::Accounts) } else { Route::to(Area::Accounts, &[&record_id.to_string()]) };
        ctx.navigate(back);
    });
    let title = if is_new { "New account".to_string() } else { format!("Edit {}", initial.name) };
    view! {
        <section class="page form-page">
            <PageHeader title/>
            <RecordForm initial fields=account_fields() validate_with=RELATED.to_vec() draft_key
                submit_label=if is_new { "Create account" } else { "Save changes" } on_save on_cancel/>
        </section>
    }
    .into_any()
}

#[component]
fn AccountDetail(id: AccountId) -> impl IntoView {
    let ctx = ctx();
    let account = move || ctx.read(&[Collection::Accounts], |d| d.accounts.get(id).cloned()).flatten();
    let related = move || {
        ctx.read(
            &[
                Collection::People,
                Collection::Segments,
                Collection::Territories,
                Collection::Niches,
                Collection::Partners,
            ],
            |d| {
                let a = d.accounts.get(id)?;
                Some(vec![
                    ("Status", a.status.label().to_string()),
                    ("Industry", a.industry.clone()),
                    ("Segment", name_of(a.segment, |s| d.segments.get(s).map(|s| s.name.clone()))),
                    ("Niche", name_of(a.niche, |n| d.niches.get(n).map(|n| n.name.clone()))),
                    ("Territory", name_of(a.territory, |t| d.territories.get(t).map(|t| t.name.clone()))),
                    ("Owner", name_of(a.owner, |p| d.people.get(p).map(|p| p.name.clone()))),
                    ("Partner", name_of(a.partner, |p| d.partners.get(p).map(|p| p.name.clone()))),
                    ("Email", a.email.clone()),
                    ("Phone", a.phone.clone()),
                    ("Website", a.website.clone()),
                    (
                        "Address",
                        [a.address.as_str(), a.city.as_str(), a.country.as_str()]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ])
            },
        )
        .flatten()
        .unwrap_or_default()
    };
    let contacts = move || {
        ctx.read(&[Collection::Contacts], |d| {
            d.contacts
                .iter()
                .filter(|c| c.account == Some(id))
                .map(|c| (c.name.clone(), c.title.clone(), c.email.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let delete = move |_| {
        spawn_local(async move {
            match ctx.delete::<Account>(id).await {
                Ok(removed) => {
                    let name = removed.name.clone();
                    ctx.navigate(Route::area(Area::Accounts));
                    let undo = Box::new(move || {
                        spawn_local(async move {
                            if let Err(e) = ctx.create(removed).await {
                                ctx.notify(NoticeKind::Error, format!("Could not restore the account: {e}"));
                            }
                        });
                    });
                    ctx.notify_with_undo(NoticeKind::Info, format!("Deleted “{name}”."), Some(undo));
                }
                Err(e) => {
                    ctx.notify(NoticeKind::Error, format!("Could not delete the account: {e}"));
                }
            }
        });
    };
    view! {
        {move || match account() {
            None => not_found(),
            Some(a) => view! {
                <section class="page detail-page">
                    <PageHeader title=a.name.clone()>
                        <a class="button" href=Route::to(Area::Accounts, &[&id.to_string(), "edit"]).href() data-testid="edit">"Edit"</a>
                        <button class="danger" on:click=delete data-testid="delete">"Delete"</button>
                    </PageHeader>
                    <dl class="facts">
                        {related().into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    {(!a.notes.0.is_empty()).then(|| view! { <section class="panel"><h2>"Notes"</h2><p class="notes">{a.notes.0.clone()}</p></section> })}
                    <section class="panel">
                        <h2>"Contacts"</h2>
                        {move || {
                            let list = contacts();
                            if list.is_empty() {
                                view! { <p class="muted">"No contacts yet."</p> }.into_any()
                            } else {
                                view! { <ul class="plain">{list.into_iter().map(|(n, t, e)| view! { <li><strong>{n}</strong>" "{t}" "<span class="muted">{e}</span></li> }).collect_view()}</ul> }.into_any()
                            }
                        }}
                    </section>
                    <History<Account> id/>
                </section>
            }.into_any(),
        }}
    }
}
