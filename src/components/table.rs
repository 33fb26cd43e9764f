//! A list of records as a grid that renders only the rows in view, so ten thousand rows scroll
//! as smoothly as ten, with keyboard navigation: arrows move, Enter opens, Home/End jump.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One column: its title and a class that can hide it on narrow screens (`wide`).
#[derive(Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub class: &'static str,
}

impl Column {
    pub const fn new(title: &'static str) -> Column {
        Column { title, class: "" }
    }

    /// A column hidden on phones.
    pub const fn wide(title: &'static str) -> Column {
        Column { title, class: "wide" }
    }

    /// A column of calendar dates, always wide enough for a whole one.
    pub const fn date(title: &'static str) -> Column {
        Column { title, class: "date" }
    }

    /// A right-aligned number column.
    pub const fn number(title: &'static str) -> Column {
        Column { title, class: "num" }
    }
}

/// One row, already rendered to text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    pub href: String,
    pub cells: Vec<String>,
    /// Extra class for the row (e.g. `stale`, `overdue`).
    pub class: &'static str,
}

const ROW_HEIGHT: f64 = 44.0;
const OVERSCAN: usize = 8;

#[component]
pub fn DataTable(
    columns: Vec<Column>,
    #[prop(into)] rows: Signal<Vec<Row>>,
    /// What the table lists, for screen readers ("Accounts").
    label: &'static str,
    /// Shown when there are no rows.
    #[prop(into)]
    empty: String,
) -> impl IntoView {
    // The grid itself scrolls, under a header that stays in place, so the one element that
    // takes focus is also the one the keyboard scrolls.
    let scroller = NodeRef::<html::Div>::new();
    let header = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let selected = RwSignal::new(0usize);
    // The first column names the record and gets the most room; numbers get the least. Phones
    // hide the `wide` columns, so their tracks must go too or they keep taking room.
    // An amount with its currency ("12,000.00 EUR") needs about 8.5rem; on a phone the text
    // columns give up room so that amounts show whole.
    let track = |(i, c): (usize, &Column)| match (i, c.class) {
        (0, _) => "minmax(7rem, 2fr)",
        (_, "num") => "minmax(8.5rem, 1fr)",
        (_, "date") => "minmax(6.5rem, 0.8fr)",
        _ => "minmax(6rem, 1fr)",
    };
    let narrow_track = |(i, c): (usize, &Column)| match (i, c.class) {
        (0, _) => "minmax(5rem, 2fr)",
        (_, "num") => "minmax(8.5rem, 1fr)",
        (_, "date") => "minmax(6.5rem, 0.8fr)",
        _ => "minmax(4.5rem, 1fr)",
    };
    let wide = columns.iter().enumerate().map(track).collect::<Vec<_>>().join(" ");
    let narrow =
        columns.iter().enumerate().filter(|(_, c)| c.class != "wide").map(narrow_track).collect::<Vec<_>>().join(" ");
    let tracks = format!("--columns: {wide}; --columns-narrow: {narrow}");
    let header_cols = columns.clone();
    let classes: Vec<&'static str> = columns.iter().map(|c| c.class).collect();
    let classes = StoredValue::new(classes);

    let window = move || {
        let total = rows.with(|r| r.len());
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN).min(total);
        let count = (viewport.get() / ROW_HEIGHT) as usize + 2 * OVERSCAN;
        (first, (first + count).min(total), total)
    };

    // The height the rows are seen in: the grid's, less its header's.
    let rows_height = move |el: &web_sys::HtmlElement| {
        let header = header.get_untracked().map_or(0, |h| h.offset_height());
        f64::from(el.client_height() - header)
    };
    let on_scroll = move |_| {
        if let Some(el) = scroller.get() {
            scroll_top.set(el.scroll_top() as f64);
            viewport.set(rows_height(&el));
        }
    };
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            viewport.set(rows_height(&el).max(200.0));
        }
    });
    // Keep the selection inside the list when it shrinks.
    Effect::new(move |_| {
        let total = rows.with(|r| r.len());
        if selected.get_untracked() >= total {
            selected.set(total.saturating_sub(1));
        }
    });

    let scroll_to = move |index: usize| {
        if let Some(el) = scroller.get() {
            let top = index as f64 * ROW_HEIGHT;
            let height = rows_height(&el);
            let current = el.scroll_top() as f64;
            if top < current {
                el.set_scroll_top(top as i32);
            } else if top + ROW_HEIGHT > current + height {
                el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
            }
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let total = rows.with_untracked(|r| r.len());
        if total == 0 {
            return;
        }
        let page = (viewport.get_untracked() / ROW_HEIGHT) as usize;
        let current = selected.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowDown" | "j" => (current + 1).min(total - 1),
            "ArrowUp" | "k" => current.saturating_sub(1),
            "PageDown" => (current + page).min(total - 1),
            "PageUp" => current.saturating_sub(page),
            "Home" => 0,
            "End" => total - 1,
            "Enter" => {
                if let Some(row) = rows.with_untracked(|r| r.get(current).cloned()) {
                    ev.prevent_default();
                    crate::browser::set_hash(row.href.trim_start_matches('#'));
                }
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        selected.set(next);
        scroll_to(next);
    };
    let active_id =
        move || rows.with(|r| r.get(selected.get()).map(|row| format!("row-{}", row.id))).unwrap_or_default();

    // The grid, not its scrolling body, takes focus and names the active row: a row group may
    // not carry `aria-activedescendant`, a grid may.
    view! {
        <div class="table" role="grid" aria-label=label aria-readonly="true"
            aria-rowcount=move || rows.with(|r| r.len()).to_string()
            tabindex="0" on:keydown=on_key aria-activedescendant=active_id data-testid="table-body"
            node_ref=scroller on:scroll=on_scroll style=tracks>
            <div class="thead" role="rowgroup" node_ref=header>
                <div class="tr" role="row">
                    {header_cols.into_iter().map(|c| view! { <div class=format!("th {}", c.class) role="columnheader">{c.title}</div> }).collect_view()}
                </div>
            </div>
            <div class="tbody" role="rowgroup">
                <Show when=move || rows.with(|r| r.is_empty())>
                    <p class="empty">{empty.clone()}</p>
                </Show>
                <div style:height=move || format!("{}px", window().2 as f64 * ROW_HEIGHT) style:position="relative">
                    {move || {
                        let (first, last, _) = window();
                        rows.with(|all| {
                            all[first..last].iter().enumerate().map(|(offset, row)| {
                                let index = first + offset;
                                let href = row.href.clone();
                                let row_class = format!("tr {}", row.class);
                                let cells = row.cells.iter().enumerate().map(|(i, text)| {
                                    let class = format!("td {}", classes.with_value(|c| c.get(i).copied().unwrap_or("")));
                                    if i == 0 {
                                        view! { <div class=class role="gridcell"><a href=href.clone() tabindex="-1">{text.clone()}</a></div> }.into_any()
                                    } else {
                                        view! { <div class=class role="gridcell">{text.clone()}</div> }.into_any()
                                    }
                                }).collect_view();
                                view! {
                                    <div class=row_class role="row" id=format!("row-{}", row.id)
                                        class:selected=move || selected.get() == index
                                        style:top=format!("{}px", index as f64 * ROW_HEIGHT)
                                        on:click=move |ev: leptos::ev::MouseEvent| {
                                            selected.set(index);
                                            let on_link = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                                                .is_some_and(|t| t.tag_name() == "A");
                                            if !on_link {
                                                crate::browser::set_hash(href.trim_start_matches('#'));
                                            }
                                        }>
                                        {cells}
                                    </div>
                                }
                            }).collect_view()
                        })
                    }}
                </div>
            </div>
        </div>
    }
}
