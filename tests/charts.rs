//! Browser tests of the chart components in headless Chromium: what they draw, at what size,
//! the table view, the empty state and the export button.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use quota::charts::{BarChart, BulletChart, ChartData, FunnelChart, LineChart, Series, ValueFormat};
use quota_core::Currency;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod support;

use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const EUR: ValueFormat = ValueFormat::Money(Currency::EUR);

fn won_lost() -> ChartData {
    ChartData::new("Won and lost")
        .with_axes("Quarter", "Value")
        .with_categories(["Q1", "Q2", "Q3", "Q4"])
        .with_series(Series::new("Won", EUR, [1_000_000, 2_000_000, 500_000, 700_000]))
        .with_series(Series::new("Lost", EUR, [-400_000, -100_000, -900_000, 0]))
}

#[wasm_bindgen_test]
async fn a_bar_chart_draws_a_bar_per_value_with_its_labels_and_legend() {
    let root = container(600);
    let _mounted = leptos::mount::mount_to(root.clone(), || view! { <BarChart data=won_lost() /> });
    settle().await;
    assert_eq!(count(&root, ".chart-svg rect.bar"), 8);
    assert_eq!(texts(&root, ".chart-title"), vec!["Won and lost"]);
    let categories = texts(&root, ".chart-svg text.category");
    assert_eq!(categories, vec!["Q1", "Q2", "Q3", "Q4"]);
    assert_eq!(texts(&root, ".chart-legend li"), vec!["Won", "Lost"]);
    let svg = find(&root, ".chart-svg");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert!(svg.get_attribute("aria-label").unwrap().starts_with("Won and lost. Bar chart by quarter, Q1 to Q4."));
    assert_eq!(texts(&root, ".chart-svg > title"), vec!["Won and lost"]);
}

#[wasm_bindgen_test]
async fn charts_are_drawn_at_the_width_they_have_on_a_phone() {
    let root = container(340);
    let _mounted = leptos::mount::mount_to(root.clone(), || view! { <BarChart data=won_lost() horizontal=true /> });
    settle().await;
    let svg = find(&root, ".chart-svg");
    let width = svg.get_attribute("width").unwrap().parse::<f64>().unwrap();
    // The figure's margins take some of the 340 px; the drawing gets the rest, at one unit per
    // pixel, so its 12 px text is 12 px on screen.
    let room = find(&root, ".chart-canvas").client_width();
    assert!(room < 340);
    assert_eq!(width, f64::from(room), "drawn as wide as its box");
    assert!(svg.get_attribute("viewBox").unwrap().starts_with(&format!("0 0 {room} ")));
    assert_eq!(count(&root, ".chart-svg rect.bar"), 8);
}

#[wasm_bindgen_test]
async fn the_table_view_shows_the_same_data_and_goes_back_to_the_chart() {
    let root = container(600);
    let _mounted = leptos::mount::mount_to(root.clone(), || view! { <BarChart data=won_lost() /> });
    settle().await;
    assert_eq!(count(&root, "table"), 0);
    click(&root, "[data-testid=chart-toggle]");
    settle().await;
    assert_eq!(texts(&root, "[data-testid=chart-toggle]"), vec!["Show chart"]);
    assert!(find(&root, ".chart-canvas").has_attribute("hidden"));
    assert_eq!(texts(&root, ".chart-table thead th"), vec!["Quarter", "Won", "Lost"]);
    assert_eq!(texts(&root, ".chart-table tbody tr:nth-child(3) > *"), vec!["Q3", "5,000.00 EUR", "-9,000.00 EUR"]);
    click(&root, "[data-testid=chart-toggle]");
    settle().await;
    assert_eq!(count(&root, "table"), 0);
    assert!(!find(&root, ".chart-canvas").has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn a_chart_follows_its_data() {
    let root = container(600);
    let data = RwSignal::new(won_lost());
    let _mounted = leptos::mount::mount_to(root.clone(), move || view! { <BarChart data=data stacked=true /> });
    settle().await;
    assert_eq!(count(&root, ".chart-svg rect.bar"), 8);
    data.update(|d| {
        d.categories.truncate(2);
        d.series.truncate(1);
    });
    settle().await;
    assert_eq!(count(&root, ".chart-svg rect.bar"), 2);
    assert!(count(&root, ".chart-legend") == 0, "one series needs no legend");
}

#[wasm_bindgen_test]
async fn an_empty_chart_says_so_and_offers_nothing_to_export() {
    let root = container(600);
    let empty = ChartData::new("Pipeline").with_categories(["Lead"]).with_series(Series::new("Value", EUR, [0]));
    let _mounted = leptos::mount::mount_to(root.clone(), move || view! { <FunnelChart data=empty.clone() /> });
    settle().await;
    assert_eq!(texts(&root, ".chart-empty"), vec!["No data for this period"]);
    assert_eq!(count(&root, ".chart-svg"), 0);
    assert!(find(&root, "[data-testid=chart-export]").has_attribute("disabled"));
    assert!(find(&root, "[data-testid=chart-toggle]").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn the_funnel_labels_each_stage_with_value_and_count() {
    let root = container(600);
    let pipeline = ChartData::new("Pipeline by stage")
        .with_categories(["Prospect", "Proposal", "Won"])
        .with_series(Series::new("Value", EUR, [12_000_000, 4_500_000, 1_000_000]))
        .with_series(Series::count("Deals", [30, 9, 1]));
    let _mounted = leptos::mount::mount_to(root.clone(), move || view! { <FunnelChart data=pipeline.clone() /> });
    settle().await;
    assert_eq!(count(&root, ".chart-svg rect.bar"), 3);
    assert_eq!(
        texts(&root, ".chart-svg text.value"),
        vec!["120k EUR · 30 deals", "45k EUR · 9 deals", "10k EUR · 1 deal"]
    );
}

#[wasm_bindgen_test]
async fn line_and_bullet_charts_draw_their_marks() {
    let root = container(600);
    let growth = ChartData::new("Growth")
        .with_categories(["2025-01", "2025-02", "2025-03"])
        .with_series(Series::sparse("Revenue", EUR, [Some(100_000), None, Some(300_000)]))
        .with_target("Target", 200_000);
    let forecast = ChartData::new("Forecast")
        .with_categories(["Anna"])
        .with_series(Series::new("Won", EUR, [36_000_000]))
        .with_series(Series::new("Weighted", EUR, [11_500_000]))
        .with_series(Series::new("Target", EUR, [50_000_000]));
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <LineChart data=growth.clone() area=true />
            <BulletChart data=forecast.clone() />
        }
    });
    settle().await;
    let charts = all(&root, "[data-testid=chart]");
    let line = &charts[0];
    // The gap splits the line into two single points, each with its marker.
    assert_eq!(count(line, ".chart-svg path.line"), 2);
    assert_eq!(count(line, ".chart-svg .marker"), 2);
    assert_eq!(count(line, ".chart-svg .target-line"), 1);
    let bullet = &charts[1];
    assert_eq!(texts(bullet, ".chart-svg text.attainment"), vec!["72% won · 95% forecast"]);
    assert_eq!(count(bullet, ".chart-svg .bullet-target"), 1);
}

#[wasm_bindgen_test]
async fn export_downloads_the_data_as_a_csv_file_named_after_the_chart() {
    let root = container(600);
    let _mounted = leptos::mount::mount_to(root.clone(), || view! { <BarChart data=won_lost() /> });
    settle().await;
    // Links record what they would download instead of downloading it.
    let record = js_sys::Function::new_no_args(
        "window.__downloads = []; window.__click = HTMLAnchorElement.prototype.click; \
         HTMLAnchorElement.prototype.click = function () { \
           window.__downloads.push([this.download, this.href]); };",
    );
    record.call0(&JsValue::NULL).unwrap();
    click(&root, "[data-testid=chart-export]");
    let restore = js_sys::Function::new_no_args("HTMLAnchorElement.prototype.click = window.__click;");
    restore.call0(&JsValue::NULL).unwrap();

    let window = web_sys::window().unwrap();
    let downloads: js_sys::Array = js_sys::Reflect::get(&window, &"__downloads".into()).unwrap().into();
    assert_eq!(downloads.length(), 1);
    let download: js_sys::Array = downloads.get(0).into();
    assert_eq!(download.get(0).as_string().as_deref(), Some("won-and-lost.csv"));
    let href = download.get(1).as_string().unwrap();
    assert!(href.starts_with("blob:"));
    let read = js_sys::Function::new_with_args("href", "return fetch(href).then(r => r.arrayBuffer());");
    let promise: js_sys::Promise = read.call1(&JsValue::NULL, &href.into()).unwrap().into();
    let bytes = js_sys::Uint8Array::new(&wasm_bindgen_futures::JsFuture::from(promise).await.unwrap()).to_vec();
    // The file opens with the UTF-8 byte order mark, for spreadsheets.
    assert_eq!(bytes[..3], [0xef, 0xbb, 0xbf]);
    assert_eq!(
        String::from_utf8(bytes[3..].to_vec()).unwrap(),
        "Quarter,Won (EUR),Lost (EUR)\r\nQ1,10000.00,-4000.00\r\nQ2,20000.00,-1000.00\r\n\
         Q3,5000.00,-9000.00\r\nQ4,7000.00,0.00\r\n"
    );
    assert_eq!(count(&root, ".chart-error"), 0);
}
