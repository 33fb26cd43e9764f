//! Generic pages for any record type: a searchable, sortable list; a detail page with the
//! record's fields, related records, concurrent edits and history; and the create/edit form.
//! Each record type describes itself once through [`RecordUi`]; areas add their own views
//! (boards, charts, reports) around these.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::collection::HasTable;
use quota_core::{Collection, Record, Tables};

use crate::components::conflicts::Conflicts;
use crate::components::form::{FieldSpec, Input, RecordForm, SaveFn};
use crate::components::history::History;
use crate::components::table::{Column, DataTable, Row};
use crate::pages::PageHeader;
use crate::route::Route;
use crate::state::{NoticeKind, ctx};

/// How a record type appears in the app.
pub trait RecordUi: Record + Send + Sync
where
    Tables: HasTable<Self>,
{
    /// "account"
    const SINGULAR: &'static str;
    /// "Accounts"
    const PLURAL: &'static str;
    /// Collections the list, detail and validation read (beyond the record's own).
    const READS: &'static [Collection];

    /// Where the list lives; records are at `<base>/<id>`.
    /// What a list computes once for all its rows (counts, balances), so rows stay cheap.
    type Aux;

    fn base() -> Route;
    fn fields() -> Vec<FieldSpec<Self>>;
    fn columns() -> Vec<Column>;
    fn aux(data: &Tables) -> Self::Aux;
    /// The cells of the record's row, matching [`RecordUi::columns`].
    fn cells(&self, data: &Tables, aux: &Self::Aux) -> Vec<String>;
    /// The record's name in headings and links.
    fn title(&self) -> String;
    /// A new record with its id and sensible defaults.
    fn blank(data: &Tables) -> Self;
    /// Text the list's search looks in; the cells by default.
    /// Text the search looks in beyond the cells.
    fn search_text(&self, _data: &Tables, _aux: &Self::Aux) -> String {
        String::new()
    }
    /// Extra row class (`stale`, `overdue`).
    fn row_class(&self, _data: &Tables, _aux: &Self::Aux) -> &'static str {
        ""
    }
    /// Records related to this one, shown under its fields.
    fn related(_id: Self::Id) -> Option<AnyView> {
        None
    }
    /// Keeps derived fields in step while the form is edited (a deal's status with its stage).
    fn normalize(&mut self, _data: &Tables) {}
    /// Whether records may be deleted from the detail page.
    fn deletable() -> bool {
        true
    }
}

pub fn href<R: RecordUi>(id: R::Id) -> String
where
    Tables: HasTable<R>,
{
    let base = R::base();
    let mut rest: Vec<&str> = base.rest.iter().map(String::as_str).collect();
    let id = id.to_string();
    rest.push(&id);
    Route::to(base.area, &rest).href()
}

fn route_with<R: RecordUi>(extra: &[&str]) -> Route
where
    Tables: HasTable<R>,
{
    let base = R::base();
    let mut rest: Vec<&str> = base.rest.iter().map(String::as_str).collect();
    rest.extend_from_slice(extra);
    Route::to(base.area, &rest)
}

fn reads<R: RecordUi>() -> Vec<Collection>
where
    Tables: HasTable<R>,
{
    let mut all = vec![R::COLLECTION];
    all.extend_from_slice(R::READS);
    all
}

/// The page for the part of a route after the record type's base: list, new, detail or edit.
pub fn page<R: RecordUi>(route: &Route, rest: &[String]) -> AnyView
where
    Tables: HasTable<R>,
{
    match rest {
        [] => list::<R>(route.clone()).into_any(),
        [new] if new == "new" => view! { <Editor<R> id=None/> }.into_any(),
        [id] => match id.parse::<R::Id>() {
            Ok(id) => view! { <Detail<R> id/> }.into_any(),
            Err(_) => not_found::<R>(),
        },
        [id, edit] if edit == "edit" => match id.parse::<R::Id>() {
            Ok(id) => view! { <Editor<R> id=Some(id)/> }.into_any(),
            Err(_) => not_found::<R>(),
        },
        _ => not_found::<R>(),
    }
}

pub fn not_found<R: RecordUi>() -> AnyView
where
    Tables: HasTable<R>,
{
    view! {
        <section class="page">
            <h1>"Not found"</h1>
            <p>{format!("There is no such {}. It may have been deleted on another device.", R::SINGULAR)}</p>
            <a href=R::base().href()>{format!("All {}", R::PLURAL.to_lowercase())}</a>
        </section>
    }
    .into_any()
}

/// A list filter: one field of the record and the values it can be narrowed to.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub field: &'static str,
    pub label: &'static str,
    /// (stored value, shown label)
    pub options: Vec<(String, String)>,
}

/// Collections too large to offer as a drop-down of values; search finds their records instead.
const TOO_MANY_TO_LIST: &[Collection] =
    &[Collection::Accounts, Collection::Contacts, Collection::Deals, Collection::Activities, Collection::Leads];

/// The filters a list offers: every field with a short list of values (choices, yes/no, and
/// references to small collections such as people, channels or territories).
pub fn filters<R: RecordUi>(data: &Tables) -> Vec<Filter>
where
    Tables: HasTable<R>,
{
    R::fields()
        .into_iter()
        .filter_map(|f| {
            let options = match &f.input {
                Input::Choice(options) => options.iter().filter(|(v, _)| !v.is_empty()).cloned().collect(),
                Input::Check => vec![("true".to_string(), "Yes".to_string()), ("false".to_string(), "No".to_string())],
                Input::Reference(collections, options) if !collections.iter().any(|c| TOO_MANY_TO_LIST.contains(c)) => {
                    options(data).into_iter().filter(|(v, _)| !v.is_empty()).collect()
                }
                _ => return None,
            };
            Some(Filter { field: f.name, label: f.label, options })
        })
        .collect()
}

/// The rows of a list for a search text, chosen filter values (field name, stored value) and a
/// sort column.
pub fn rows<R: RecordUi>(
    data: &Tables,
    query: &str,
    chosen: &[(String, String)],
    sort: usize,
    descending: bool,
) -> Vec<Row>
where
    Tables: HasTable<R>,
{
    let needle = query.trim().to_lowercase();
    let aux = R::aux(data);
    let fields = R::fields();
    let tests: Vec<(&FieldSpec<R>, &str)> = chosen
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .filter_map(|(name, value)| fields.iter().find(|f| f.name == name).map(|f| (f, value.as_str())))
        .collect();
    let mut rows: Vec<(Row, String)> = data
        .table()
        .iter()
        .filter_map(|r: &R| {
            if !tests.iter().all(|(field, value)| (field.get)(r) == *value) {
                return None;
            }
            let cells = r.cells(data, &aux);
            if !needle.is_empty() && !cells.iter().any(|c| c.to_lowercase().contains(&needle)) {
                let extra = r.search_text(data, &aux);
                if !extra.to_lowercase().contains(&needle) {
                    return None;
                }
            }
            let key = cells.get(sort).cloned().unwrap_or_default();
            Some((Row { id: r.id().to_string(), href: href::<R>(r.id()), cells, class: r.row_class(data, &aux) }, key))
        })
        .collect();
    rows.sort_by(|a, b| compare_cells(&a.1, &b.1));
    if descending {
        rows.reverse();
    }
    rows.into_iter().map(|(row, _)| row).collect()
}

/// Orders cells as a person expects: numbers and amounts by value, text alphabetically.
pub fn compare_cells(a: &str, b: &str) -> std::cmp::Ordering {
    let number = |s: &str| -> Option<f64> {
        let cleaned: String = s.chars().filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
        if cleaned.is_empty() || !s.trim_start().starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return None;
        }
        cleaned.parse().ok()
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

pub fn list<R: RecordUi>(route: Route) -> impl IntoView
where
    Tables: HasTable<R>,
{
    let ctx = ctx();
    let columns = R::columns();
    let query = RwSignal::new(route.param("q").unwrap_or_default().to_string());
    let sort = RwSignal::new(route.param("sort").and_then(|s| s.parse::<usize>().ok()).unwrap_or(0));
    let descending = RwSignal::new(route.param("desc").is_some());
    let chosen: RwSignal<Vec<(String, String)>> = RwSignal::new(
        route
            .query
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("f.").map(|field| (field.to_string(), v.clone())))
            .collect(),
    );
    let base = R::base();
    Effect::new(move |_| {
        let mut route = base.clone().with_query("q", &query.get());
        for (field, value) in chosen.get() {
            route = route.with_query(&format!("f.{field}"), &value);
        }
        if sort.get() != 0 {
            route = route.with_query("sort", &sort.get().to_string());
        }
        if descending.get() {
            route = route.with_query("desc", "1");
        }
        crate::browser::replace_hash(&route.to_hash());
    });
    let reads = StoredValue::new(reads::<R>());
    let rows = Signal::derive(move || {
        let (q, s, d) = (query.get(), sort.get(), descending.get());
        chosen.with(|f| ctx.read(&reads.get_value(), |data| rows::<R>(data, &q, f, s, d)).unwrap_or_default())
    });
    let offered = Memo::new(move |_| ctx.read(&reads.get_value(), filters::<R>).unwrap_or_default());
    let initially_open = chosen.with_untracked(|c| c.iter().any(|(_, v)| !v.is_empty()));
    let active = move || chosen.with(|c| c.iter().filter(|(_, v)| !v.is_empty()).count());
    let value_of = move |field: &'static str| {
        chosen.with(|c| c.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone()).unwrap_or_default())
    };
    let choose = move |field: &'static str, value: String| {
        chosen.update(|c| {
            c.retain(|(f, _)| f != field);
            if !value.is_empty() {
                c.push((field.to_string(), value));
            }
        })
    };
    let filter_controls = move || {
        offered
            .get()
            .into_iter()
            .map(|filter| {
                let id = format!("filter-{}", filter.field);
                let label_for = id.clone();
                let field = filter.field;
                let current = value_of(field);
                let options = filter
                    .options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view();
                view! {
                    <label class="filter" for=label_for>
                        <span>{filter.label}</span>
                        <select id=id data-testid=format!("filter-{field}")
                            on:change=move |ev| choose(field, event_target_value(&ev))>
                            <option value="" selected=move || value_of(field).is_empty()>"Any"</option>
                            {options}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };
    let total = move || ctx.read(&[R::COLLECTION], |d| d.table().len()).unwrap_or(0);
    let search_id = format!("search-{}", R::COLLECTION.name());
    let sort_options = columns
        .iter()
        .enumerate()
        .map(|(i, c)| view! { <option value=i.to_string() selected=move || sort.get() == i>{format!("Sort: {}", c.title)}</option> })
        .collect_view();
    let empty = format!("No {} match. Create one with “New”.", R::PLURAL.to_lowercase());
    view! {
        <section class="page list-page">
            <PageHeader title=R::PLURAL.to_string()>
                <a class="button primary" href={route_with::<R>(&["new"]).href()} data-testid="new">{format!("New {}", R::SINGULAR)}</a>
            </PageHeader>
            <div class="filters" role="search">
                <label class="visually-hidden" for=search_id.clone()>{format!("Search {}", R::PLURAL.to_lowercase())}</label>
                <input id=search_id type="search" placeholder="Search…" data-testid="search"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                <label class="visually-hidden" for="list-sort">"Sort by"</label>
                <select id="list-sort" data-testid="sort" on:change=move |ev| sort.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {sort_options}
                </select>
                <button type="button" aria-pressed=move || descending.get().to_string() data-testid="sort-direction"
                    on:click=move |_| descending.update(|d| *d = !*d)>{move || if descending.get() { "↓ Descending" } else { "↑ Ascending" }}</button>
                <span class="count" data-testid="count">{move || format!("{} of {}", rows.with(|r| r.len()), total())}</span>
            </div>
            <Show when=move || offered.with(|f| !f.is_empty())>
                <details class="field-filters" data-testid="filters" open=initially_open>
                    <summary>{move || match active() {
                        0 => "Filters".to_string(),
                        n => format!("Filters ({n} on)"),
                    }}</summary>
                    <div class="filter-grid">
                        {filter_controls}
                        <button type="button" class="link" data-testid="clear-filters"
                            disabled=move || active() == 0 on:click=move |_| chosen.set(Vec::new())>"Clear filters"</button>
                    </div>
                </details>
            </Show>
            <DataTable columns rows label=R::PLURAL empty/>
        </section>
    }
}

/// The shown text of each field, for the detail page: choices and references by their labels.
fn facts<R: RecordUi>(record: &R, data: &Tables) -> Vec<(&'static str, String, bool)>
where
    Tables: HasTable<R>,
{
    R::fields()
        .iter()
        .map(|f| {
            let raw = (f.get)(record);
            let shown = match &f.input {
                // An optional choice left empty shows nothing, not its "Any" option.
                Input::Choice(_) if raw.is_empty() => raw,
                Input::Choice(options) => {
                    options.iter().find(|(v, _)| *v == raw).map(|(_, l)| l.clone()).unwrap_or(raw)
                }
                Input::Reference(_, options) => {
                    if raw.is_empty() {
                        raw
                    } else {
                        options(data)
                            .into_iter()
                            .find(|(v, _)| *v == raw)
                            .map(|(_, l)| l)
                            .unwrap_or_else(|| "(deleted)".into())
                    }
                }
                Input::Check => {
                    if raw == "true" {
                        "Yes".into()
                    } else {
                        "No".into()
                    }
                }
                Input::Money if !raw.is_empty() => {
                    let currency = crate::state::ctx().settings().currency;
                    quota_core::money::Money::parse(&raw, currency)
                        .map(|m| m.display())
                        .unwrap_or_else(|_| format!("{raw} {currency}"))
                }
                _ => raw,
            };
            (f.label, shown, matches!(f.input, Input::Area))
        })
        .collect()
}

#[component]
pub fn Detail<R: RecordUi>(id: R::Id) -> impl IntoView
where
    Tables: HasTable<R>,
{
    let ctx = ctx();
    let reads = StoredValue::new(reads::<R>());
    let record = move || ctx.read(&[R::COLLECTION], |d| d.table().get(id).cloned()).flatten();
    let shown = move || {
        ctx.read(&reads.get_value(), |d| d.table().get(id).map(|r| facts::<R>(r, d))).flatten().unwrap_or_default()
    };
    let delete = move |_| {
        spawn_local(async move {
            match ctx.delete::<R>(id).await {
                Ok(removed) => {
                    let title = removed.title();
                    ctx.navigate(R::base());
                    let undo = Box::new(move || {
                        spawn_local(async move {
                            if let Err(e) = ctx.create(removed).await {
                                ctx.notify(NoticeKind::Error, format!("Could not restore it: {e}"));
                            }
                        });
                    });
                    ctx.notify_with_undo(NoticeKind::Info, format!("Deleted “{title}”."), Some(undo));
                }
                Err(e) => {
                    ctx.notify(NoticeKind::Error, format!("Could not delete it: {e}"));
                }
            }
        });
    };
    view! {
        {move || match record() {
            None => not_found::<R>(),
            Some(r) => view! {
                <section class="page detail-page">
                    <p class="breadcrumb"><a href=R::base().href()>{R::PLURAL}</a></p>
                    <PageHeader title=r.title()>
                        <a class="button" href={route_with::<R>(&[&id.to_string(), "edit"]).href()} data-testid="edit">"Edit"</a>
                        {R::deletable().then(|| view! { <button class="danger" on:click=delete data-testid="delete">"Delete"</button> })}
                    </PageHeader>
                    <Conflicts<R> id/>
                    <dl class="facts" data-testid="facts">
                        {shown().into_iter().filter(|(_, v, long)| !v.is_empty() && !long && *v != r.title()).map(|(k, v, _)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    {shown().into_iter().filter(|(_, v, long)| !v.is_empty() && *long).map(|(k, v, _)| view! {
                        <section class="panel"><h2>{k}</h2><p class="notes">{v}</p></section>
                    }).collect_view()}
                    {R::related(id)}
                    <History<R> id/>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
pub fn Editor<R: RecordUi>(id: Option<R::Id>) -> impl IntoView
where
    Tables: HasTable<R>,
{
    let ctx = ctx();
    let existing = id.and_then(|id| ctx.with_ws(|ws| ws.data.table().get(id).cloned()).flatten());
    if id.is_some() && existing.is_none() {
        return not_found::<R>();
    }
    let is_new = existing.is_none();
    let initial = existing.unwrap_or_else(|| ctx.with_ws(|ws| R::blank(&ws.data)).unwrap_or_default());
    let record_id = initial.id();
    let draft_key = if is_new {
        format!("{}/new", R::COLLECTION.name())
    } else {
        format!("{}/{record_id}/edit", R::COLLECTION.name())
    };
    let on_save: SaveFn<R> = Rc::new(move |record: R| {
        Box::pin(async move {
            let id = record.id();
            if is_new {
                ctx.create(record).await?;
            } else {
                ctx.update(record).await?;
            }
            ctx.navigate(route_with::<R>(&[&id.to_string()]));
            Ok(())
        })
    });
    let on_cancel = Callback::new(move |_| {
        let back = if is_new { R::base() } else { route_with::<R>(&[&record_id.to_string()]) };
        ctx.navigate(back);
    });
    let title = if is_new { format!("New {}", R::SINGULAR) } else { format!("Edit {}", initial.title()) };
    view! {
        <section class="page form-page">
            <p class="breadcrumb"><a href=R::base().href()>{R::PLURAL}</a></p>
            <PageHeader title/>
            <RecordForm initial fields=R::fields() validate_with={reads::<R>()} draft_key normalize=R::normalize
                submit_label=if is_new { "Create" } else { "Save changes" } on_save on_cancel/>
        </section>
    }
    .into_any()
}
