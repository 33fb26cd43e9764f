//! The browser benchmark page (`#/bench`): measures, in this browser, how fast the sample and
//! the large workspace become ready from storage, how long one edit takes to save, and how long
//! each report takes. `cargo xtask bench` opens it and reads `window.__quotaBench`.
//!
//! `#/bench?install=sample` (or `large`) instead stores that workspace as this browser's current
//! one, for `cargo xtask size` to time how long the app takes to open it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::commands::selling;
use quota_core::exchange::{Seed, export_seed, read_seed};
use quota_core::management::Subject;
use quota_core::reports;
use quota_core::{Date, DocName, Period, Tables, Workspace, WorkspaceKey};
use wasm_bindgen::prelude::*;

use crate::browser::performance_now;
use crate::ids;
use crate::repo::{Repo, database_name};
use crate::storage::{CachedProjection, Store, delete_database};

/// The key seeded benchmark workspaces use (see the core's `seed` example).
const BENCH_KEY: WorkspaceKey = WorkspaceKey([0x42; 32]);

#[derive(Clone, Debug, PartialEq)]
struct Measure {
    name: String,
    millis: f64,
    note: String,
}

#[component]
pub fn Bench() -> impl IntoView {
    let results = RwSignal::new(Vec::<Measure>::new());
    let status = RwSignal::new("Running…".to_string());
    let install = crate::route::Route::parse(&crate::browser::hash()).param("install").map(str::to_string);
    spawn_local(async move {
        let outcome = match install {
            Some(which) => install_workspace(results, &which).await,
            None => run(results).await,
        };
        status.set(match &outcome {
            Ok(()) => "Done.".into(),
            Err(e) => format!("Stopped: {e}"),
        });
        publish(&results.get_untracked(), outcome.err());
    });
    view! {
        <section class="page">
            <h1>"Benchmarks in this browser"</h1>
            <p role="status" data-testid="bench-status">{move || status.get()}</p>
            <table class="simple" data-testid="bench-results">
                <thead><tr><th>"Measure"</th><th class="num">"Milliseconds"</th><th>"Note"</th></tr></thead>
                <tbody>
                    {move || results.get().into_iter().map(|m| view! {
                        <tr><td>{m.name}</td><td class="num">{format!("{:.1}", m.millis)}</td><td class="muted">{m.note}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Hands the results to whoever drives the page, as `window.__quotaBench`.
fn publish(results: &[Measure], error: Option<String>) {
    let object = js_sys::Object::new();
    for m in results {
        js_sys::Reflect::set(
            &object,
            &JsValue::from_str(&m.name),
            &JsValue::from_f64((m.millis * 10.0).round() / 10.0),
        )
        .ok();
    }
    if let Some(error) = error {
        js_sys::Reflect::set(&object, &JsValue::from_str("error"), &JsValue::from_str(&error)).ok();
    }
    if let Some(window) = web_sys::window() {
        js_sys::Reflect::set(&window, &JsValue::from_str("__quotaBench"), &object).ok();
    }
}

fn record(results: RwSignal<Vec<Measure>>, name: &str, millis: f64, note: impl Into<String>) {
    results.update(|r| r.push(Measure { name: name.into(), millis, note: note.into() }));
}

/// Times a synchronous step.
/// One named report run by the benchmark.
type ReportRun<'a> = Box<dyn Fn() + 'a>;

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = performance_now();
    let out = f();
    (out, performance_now() - start)
}

fn today() -> Date {
    "2026-11-26".parse().expect("valid date")
}

/// What the dashboard and the board compute at start: the pipeline and this year's forecast.
fn first_screen(data: &Tables) -> usize {
    let today = today();
    let pipeline = selling::default_pipeline(data)
        .and_then(|p| reports::pipeline::pipeline_report(data, p.id, Default::default(), today))
        .map(|r| r.stages.len())
        .unwrap_or(0);
    let forecast = reports::forecast::forecast(data, Period::year_of(today), &[Subject::Company]);
    pipeline + forecast.rows.len()
}

async fn run(results: RwSignal<Vec<Measure>>) -> Result<(), String> {
    crate::browser::sleep(50).await;
    ready_from_storage(results, "sample", sample_seed(results)?).await?;
    crate::browser::sleep(0).await;
    let Some(seed) = large_seed(results).await? else { return Ok(()) };
    let mut repo = ready_from_storage(results, "large", seed).await?;

    // One edit, saved incrementally, in a loaded deals document.
    let deal =
        repo.ws.data.deals.iter().find(|d| d.status == quota_core::deal::DealStatus::Open).map(|d| (d.id, d.pipeline));
    if let Some((deal, pipeline)) = deal {
        let doc = Workspace::doc_of::<quota_core::deal::Deal>(deal);
        let start = performance_now();
        let chunks = repo.store.chunks(&doc.to_string()).await.map_err(|e| e.to_string())?;
        repo.load_chunks(doc, chunks);
        record(results, "large_load_deals_document", performance_now() - start, "read from IndexedDB and loaded");
        for c in [quota_core::Collection::Accounts, quota_core::Collection::Contacts] {
            for s in 0..c.shards() {
                repo.start_if_new(DocName::live(c, s));
            }
        }
        let stages: Vec<_> = repo
            .ws
            .data
            .pipelines
            .get(pipeline)
            .map(|p| p.ordered_stages().into_iter().map(|(s, _)| s).collect())
            .unwrap_or_default();
        let mut times = Vec::new();
        for i in 0..20 {
            let stage = stages[i % 2.min(stages.len())];
            let stamp = quota_core::Stamp::new(ids::now(), None);
            let start = performance_now();
            let loss = None;
            let moved = selling::move_deal(&mut repo.ws, deal, stage, loss, stamp);
            let chunk = repo.next_unsaved();
            times.push(performance_now() - start);
            moved.map_err(|e| e.to_string())?;
            if let Some(chunk) = chunk {
                repo.saved(chunk);
            }
        }
        times.sort_by(f64::total_cmp);
        record(
            results,
            "large_edit_and_save",
            times[times.len() / 2],
            "median of 20 stage moves, change saved as a chunk",
        );
    }

    // Every report over the large workspace.
    let data = &repo.ws.data;
    let year = Period::year_of(today());
    let quarter = Period::quarter_of(today());
    let subjects: Vec<Subject> = data.people.iter().map(|p| Subject::Person(p.id)).collect();
    let reports: Vec<(&str, ReportRun)> = vec![
        (
            "report_pipeline",
            Box::new(|| {
                first_screen(data);
            }),
        ),
        (
            "report_forecast_people",
            Box::new(|| {
                reports::forecast::forecast(data, quarter, &subjects);
            }),
        ),
        (
            "report_plan_actual",
            Box::new(|| {
                reports::plan_actual::plan_actual(data, year);
            }),
        ),
        (
            "report_scorecards",
            Box::new(|| {
                reports::scorecard::scorecards(data, year, today());
            }),
        ),
        (
            "report_commissions",
            Box::new(|| {
                reports::commission::commission_summary(data, quarter);
            }),
        ),
        (
            "report_cost_of_sales",
            Box::new(|| {
                reports::costs::cost_of_sales(data, year, Default::default());
            }),
        ),
        (
            "report_win_loss",
            Box::new(|| {
                reports::winloss::win_loss(data, year);
            }),
        ),
        (
            "report_growth",
            Box::new(|| {
                reports::growth::sales_growth(data, Period::month_of(today()), 24, Subject::Company);
            }),
        ),
        (
            "report_productivity",
            Box::new(|| {
                reports::productivity::productivity(data, quarter, None);
            }),
        ),
        (
            "report_priority",
            Box::new(|| {
                reports::priority::product_priority(data, year);
            }),
        ),
        (
            "report_segments",
            Box::new(|| {
                reports::segments::segment_performance(data, year);
            }),
        ),
        (
            "report_review",
            Box::new(|| {
                reports::review::annual_review(data, year, &[]);
            }),
        ),
    ];
    for (name, run) in reports {
        let ((), ms) = timed(run);
        record(results, name, ms, "");
        crate::browser::sleep(0).await;
    }
    repo.store.close();
    delete_database(&database_name(&BENCH_KEY)).await.ok();
    Ok(())
}

fn count(data: &Tables) -> usize {
    data.counts().iter().map(|(_, n)| n).sum()
}

/// The sample workspace as a seed, generated in memory.
fn sample_seed(results: RwSignal<Vec<Measure>>) -> Result<Seed, String> {
    let mut sample = Workspace::new(BENCH_KEY, ids::random_bytes());
    let (generated, ms) = timed(|| quota_core::generate::sample(&mut sample, 7, today()));
    generated.map_err(|e| e.to_string())?;
    record(results, "sample_generate", ms, format!("{} records", count(&sample.data)));
    read_seed(&export_seed(&sample)).map_err(|e| e.to_string())
}

/// The large workspace, from the seed file `cargo xtask bench` writes beside the app.
async fn large_seed(results: RwSignal<Vec<Measure>>) -> Result<Option<Seed>, String> {
    let Some(bytes) = fetch_bytes("bench/large.seed").await else {
        record(results, "large_skipped", 0.0, "bench/large.seed was not found; run cargo xtask bench");
        return Ok(None);
    };
    let (seed, ms) = timed(|| read_seed(&bytes));
    let seed = seed.map_err(|e| e.to_string())?;
    record(results, "large_seed_read", ms, format!("{:.1} MB", bytes.len() as f64 / 1e6));
    Ok(Some(seed))
}

/// Stores the sample or the large workspace and makes it this browser's current workspace, with
/// sync turned off so that opening it measures only this device.
async fn install_workspace(results: RwSignal<Vec<Measure>>, which: &str) -> Result<(), String> {
    let seed = match which {
        "sample" => sample_seed(results)?,
        "large" => large_seed(results).await?.ok_or("bench/large.seed was not found")?,
        other => return Err(format!("there is no benchmark workspace called {other:?}; try sample or large")),
    };
    let store = write_seed(results, which, &seed).await?;
    store.close();
    let mut ws = Workspace::new(BENCH_KEY, ids::random_bytes());
    for doc in seed.docs.iter().filter(|d| d.name.collection == quota_core::Collection::Settings) {
        ws.load(doc.name, [("", doc.chunk.as_slice())], true);
    }
    let title =
        ws.data.settings.get(quota_core::settings::SettingsId::SINGLETON).map(|s| s.name.clone()).unwrap_or_default();
    crate::workspaces::upsert(crate::workspaces::Entry {
        id: BENCH_KEY.workspace_id(),
        key: BENCH_KEY.to_string(),
        name: format!("{title} ({which} benchmark)"),
        member: None,
        relay: Some(String::new()),
    })?;
    crate::workspaces::set_current(&BENCH_KEY.workspace_id())
}

/// Writes a seed into a fresh database, as chunks and exact start-up caches.
async fn write_seed(results: RwSignal<Vec<Measure>>, label: &str, seed: &Seed) -> Result<Store, String> {
    let name = database_name(&BENCH_KEY);
    delete_database(&name).await.map_err(|e| e.to_string())?;
    let store = Store::open(&name).await.map_err(|e| e.to_string())?;
    let start = performance_now();
    for doc in &seed.docs {
        let key = quota_core::workspace::chunk_key(&doc.chunk);
        store.put_chunk(&doc.name.to_string(), &key, &doc.chunk).await.map_err(|e| e.to_string())?;
        store
            .put_cache(&CachedProjection { doc: doc.name.to_string(), covers: vec![key], bytes: doc.cache.clone() })
            .await
            .map_err(|e| e.to_string())?;
    }
    record(
        results,
        &format!("{label}_seed_write"),
        performance_now() - start,
        format!("{} documents into IndexedDB", seed.docs.len()),
    );
    Ok(store)
}

/// Writes a seed into a fresh database (not part of the start time), then times what opening the
/// app does: reading the start-up caches into tables and computing the first screen.
async fn ready_from_storage(results: RwSignal<Vec<Measure>>, label: &str, seed: Seed) -> Result<Repo, String> {
    write_seed(results, label, &seed).await?.close();
    drop(seed);
    crate::browser::sleep(0).await;

    let start = performance_now();
    let repo = Repo::open(BENCH_KEY, ids::random_bytes()).await.map_err(|e| e.to_string())?;
    let opened = performance_now() - start;
    let (_, first) = timed(|| first_screen(&repo.ws.data));
    record(results, &format!("{label}_open_from_caches"), opened, format!("{} records", count(&repo.ws.data)));
    record(results, &format!("{label}_ready"), opened + first, "opened, pipeline and forecast computed");
    if !repo.stale_docs().is_empty() {
        return Err(format!("{} documents had no exact cache", repo.stale_docs().len()));
    }
    Ok(repo)
}

async fn fetch_bytes(path: &str) -> Option<Vec<u8>> {
    let window = web_sys::window()?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(path)).await.ok()?;
    let response: web_sys::Response = wasm_bindgen::JsCast::dyn_into(response).ok()?;
    if !response.ok() {
        return None;
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
