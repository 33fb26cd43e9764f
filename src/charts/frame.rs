//! The chart components: a figure with a title, a button that swaps the drawing for a table of
//! the same data, a CSV export, and a friendly line when there is nothing to draw. The drawing is
//! made at the width the figure has on screen, so its text is as large on a phone as on a desktop.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::bar::{BarOptions, bar_markup, bar_summary};
use super::bullet::{bullet_markup, bullet_summary};
use super::data::ChartData;
use super::export::{file_name, table_view, to_csv};
use super::funnel::{funnel_markup, funnel_summary};
use super::line::{LineOptions, line_markup, line_summary};

/// Which chart draws the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Bar(BarOptions),
    Line(LineOptions),
    Funnel,
    Bullet,
}

impl ChartKind {
    /// The legend and drawing at `width` pixels; nothing for empty data.
    pub fn markup(self, data: &ChartData, width: f64, uid: &str) -> String {
        if data.is_empty() {
            return String::new();
        }
        match self {
            ChartKind::Bar(options) => bar_markup(data, options, width, uid),
            ChartKind::Line(options) => line_markup(data, options, width, uid),
            ChartKind::Funnel => funnel_markup(data, width, uid),
            ChartKind::Bullet => bullet_markup(data, width, uid),
        }
    }

    /// What a screen reader hears for the drawing.
    pub fn summary(self, data: &ChartData) -> String {
        match self {
            ChartKind::Bar(options) => bar_summary(data, options),
            ChartKind::Line(_) => line_summary(data),
            ChartKind::Funnel => funnel_summary(data),
            ChartKind::Bullet => bullet_summary(data),
        }
    }

    fn class(self) -> &'static str {
        match self {
            ChartKind::Bar(BarOptions { horizontal: true, .. }) => "chart chart-bar chart-horizontal",
            ChartKind::Bar(_) => "chart chart-bar",
            ChartKind::Line(_) => "chart chart-line",
            ChartKind::Funnel => "chart chart-funnel",
            ChartKind::Bullet => "chart chart-bullet",
        }
    }
}

/// The width charts are drawn at until their figure has been measured.
const DEFAULT_WIDTH: f64 = 640.0;

/// What an empty chart says unless told otherwise.
pub const NO_DATA: &str = "No data for this period";

/// A new id for a chart's elements and fill patterns, unique on the page.
fn next_uid() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("chart-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Any chart: the figure, its title and buttons, and the drawing of `kind`.
#[component]
pub fn Chart(
    #[prop(into)] data: Signal<ChartData>,
    kind: ChartKind,
    /// Shown instead of the drawing when there is nothing to draw; [`NO_DATA`] unless given.
    #[prop(into, default = NO_DATA.to_string())]
    empty: String,
) -> impl IntoView {
    let uid = next_uid();
    let width = RwSignal::new(DEFAULT_WIDTH);
    let show_table = RwSignal::new(false);
    let export_error = RwSignal::new(None::<String>);
    let canvas = NodeRef::<html::Div>::new();
    follow_width(canvas, width);

    let is_empty = Memo::new(move |_| data.with(ChartData::is_empty));
    let markup_uid = uid.clone();
    let markup = Memo::new(move |_| data.with(|d| kind.markup(d, width.get(), &markup_uid)));
    let title = move || data.with(|d| d.title.clone());
    let export = move |_| export_csv(data, export_error);
    let title_id = format!("{uid}-title");
    let body_id = format!("{uid}-body");
    let labelled_by = title_id.clone();
    let controls = body_id.clone();

    view! {
        <figure class=kind.class() aria-labelledby=labelled_by data-testid="chart">
            <div class="chart-head">
                <h3 class="chart-title" id=title_id>{title}</h3>
                <div class="chart-actions">
                    <button type="button" class="chart-toggle" data-testid="chart-toggle"
                        aria-controls=controls disabled=move || is_empty.get()
                        on:click=move |_| show_table.update(|t| *t = !*t)>
                        {move || if show_table.get() { "Show chart" } else { "Show table" }}
                    </button>
                    <button type="button" class="chart-export" data-testid="chart-export"
                        aria-label=move || format!("Export CSV: {}", title())
                        disabled=move || is_empty.get() on:click=export>
                        "Export CSV"
                    </button>
                </div>
            </div>
            <div id=body_id class="chart-body">
                <Show when=move || is_empty.get()>
                    <p class="chart-empty">{empty.clone()}</p>
                </Show>
                <div class="chart-canvas" node_ref=canvas
                    hidden=move || show_table.get() || is_empty.get()
                    inner_html=move || markup.get()></div>
                <Show when=move || show_table.get() && !is_empty.get()>
                    <ChartTable data />
                </Show>
            </div>
            {move || export_error.get().map(|e| view! { <p class="chart-error" role="alert">{e}</p> })}
        </figure>
    }
}

/// Saves the data as a CSV file, or says why it could not.
fn export_csv(data: Signal<ChartData>, error: RwSignal<Option<String>>) {
    let result = data.with_untracked(|d| {
        crate::browser::download(&file_name(&d.title), "text/csv;charset=utf-8", to_csv(d).as_bytes())
    });
    error.set(result.err().map(|e| format!("The CSV could not be saved: {e}")));
}

/// Figures that read best as a table (many columns per row): the title, a CSV export and the
/// table of the data, with no drawing.
#[component]
pub fn DataTable(
    #[prop(into)] data: Signal<ChartData>,
    #[prop(into, default = NO_DATA.to_string())] empty: String,
) -> impl IntoView {
    let uid = next_uid();
    let export_error = RwSignal::new(None::<String>);
    let is_empty = Memo::new(move |_| data.with(|d| d.categories.is_empty()));
    let title = move || data.with(|d| d.title.clone());
    let title_id = format!("{uid}-title");
    let labelled_by = title_id.clone();
    view! {
        <figure class="chart chart-data-table" aria-labelledby=labelled_by data-testid="data-table">
            <div class="chart-head">
                <h3 class="chart-title" id=title_id>{title}</h3>
                <div class="chart-actions">
                    <button type="button" class="chart-export" data-testid="chart-export"
                        aria-label=move || format!("Export CSV: {}", title())
                        disabled=move || is_empty.get() on:click=move |_| export_csv(data, export_error)>
                        "Export CSV"
                    </button>
                </div>
            </div>
            <Show when=move || !is_empty.get() fallback=move || view! { <p class="chart-empty">{empty.clone()}</p> }>
                <ChartTable data />
            </Show>
            {move || export_error.get().map(|e| view! { <p class="chart-error" role="alert">{e}</p> })}
        </figure>
    }
}

/// The chart's data as an accessible table, every value in full.
#[component]
fn ChartTable(data: Signal<ChartData>) -> impl IntoView {
    move || {
        let (title, table) = data.with(|d| (d.title.clone(), table_view(d)));
        let head = table.head.into_iter().enumerate().map(|(i, h)| {
            let class = if i == 0 { "" } else { "num" };
            view! { <th scope="col" class=class>{h}</th> }
        });
        let rows = table.rows.into_iter().map(|(name, cells)| {
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                </tr>
            }
        });
        view! {
            <div class="chart-table-wrap" role="region" aria-label=format!("{title}: table") tabindex="0">
                <table class="chart-table">
                    <caption class="visually-hidden">{title.clone()}</caption>
                    <thead><tr>{head.collect_view()}</tr></thead>
                    <tbody>{rows.collect_view()}</tbody>
                </table>
            </div>
        }
    }
}

/// A bar chart; see [`BarOptions`].
#[component]
pub fn BarChart(
    #[prop(into)] data: Signal<ChartData>,
    /// Stack the series instead of placing them side by side.
    #[prop(optional)]
    stacked: bool,
    /// Lay the bars along rows, for long category names.
    #[prop(optional)]
    horizontal: bool,
    #[prop(into, default = NO_DATA.to_string())] empty: String,
) -> impl IntoView {
    view! { <Chart data kind=ChartKind::Bar(BarOptions { stacked, horizontal }) empty /> }
}

/// A line chart over the categories, optionally shaded down to zero.
#[component]
pub fn LineChart(
    #[prop(into)] data: Signal<ChartData>,
    #[prop(optional)] area: bool,
    #[prop(into, default = NO_DATA.to_string())] empty: String,
) -> impl IntoView {
    view! { <Chart data kind=ChartKind::Line(LineOptions { area }) empty /> }
}

/// The pipeline funnel: categories are stages, the first series sets the widths.
#[component]
pub fn FunnelChart(
    #[prop(into)] data: Signal<ChartData>,
    #[prop(into, default = NO_DATA.to_string())] empty: String,
) -> impl IntoView {
    view! { <Chart data kind=ChartKind::Funnel empty /> }
}

/// Progress against target per category: see the roles in [`super::bullet`].
#[component]
pub fn BulletChart(
    #[prop(into)] data: Signal<ChartData>,
    #[prop(into, default = NO_DATA.to_string())] empty: String,
) -> impl IntoView {
    view! { <Chart data kind=ChartKind::Bullet empty /> }
}

/// Keeps `width` at the element's width in CSS pixels while it is on the page.
fn follow_width(canvas: NodeRef<html::Div>, width: RwSignal<f64>) {
    type Observer = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
    let held: StoredValue<Option<Observer>, LocalStorage> = StoredValue::new_local(None);
    let measured = move |w: f64| {
        // A hidden element measures zero; it keeps the width it was last drawn at.
        if w >= 1.0 && (w - width.get_untracked()).abs() >= 1.0 {
            width.set(w.floor());
        }
    };
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        measured(f64::from(el.client_width()));
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                measured(entry.content_rect().width());
            }
        });
        match web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            Ok(observer) => {
                observer.observe(&el);
                if let Some((previous, _)) = held.try_update_value(|h| h.replace((observer, callback))).flatten() {
                    previous.disconnect();
                }
            }
            // Without the observer the chart keeps the width measured when it was shown.
            Err(e) => leptos::logging::warn!("charts cannot follow their width: {e:?}"),
        }
    });
    on_cleanup(move || {
        if let Some(Some((observer, _callback))) = held.try_update_value(Option::take) {
            observer.disconnect();
        }
    });
}
