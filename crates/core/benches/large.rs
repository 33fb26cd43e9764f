//! Benchmarks over the large generated workspace: start-up from documents and from the start-up
//! cache, one edit saved incrementally, bulk import, and reports.
//!
//! Generating the workspace takes tens of seconds, so its saved documents are kept under
//! `target/quota-bench/` and reused by later runs of the same generator and shard layout.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use quota_core::account::Account;
use quota_core::commands::selling;
use quota_core::date::{Date, Period, Timestamp};
use quota_core::deal::{Deal, DealStatus};
use quota_core::generate::{self, GENERATOR_VERSION};
use quota_core::management::Subject;
use quota_core::reports::{
    commission, costs, forecast, growth, pipeline, plan_actual, priority, productivity, review, scorecard, segments,
    winloss,
};
use quota_core::settings::StageKind;
use quota_core::{Collection, DocName, Stamp, Tables, Workspace, WorkspaceKey};

const KEY: WorkspaceKey = WorkspaceKey([7; 32]);
const SEED: u64 = 1;

fn today() -> Date {
    "2026-11-26".parse().expect("a valid date")
}

/// What the pipeline board and the dashboard need before they can show anything.
const AT_START: &[Collection] = &[
    Collection::Settings,
    Collection::Pipelines,
    Collection::People,
    Collection::OrgUnits,
    Collection::Territories,
    Collection::Accounts,
    Collection::Deals,
    Collection::Targets,
    Collection::Channels,
    Collection::Partners,
    Collection::Products,
];

/// The large workspace's saved documents and start-up caches, and its tables.
struct Large {
    docs: Vec<(DocName, Vec<u8>)>,
    projections: Vec<(DocName, Vec<u8>)>,
    data: Tables,
}

impl Large {
    fn docs_of<'a>(&'a self, wanted: &'a [Collection]) -> impl Iterator<Item = &'a (DocName, Vec<u8>)> + 'a {
        self.docs.iter().filter(move |(name, _)| wanted.contains(&name.collection))
    }

    fn projections_of<'a>(&'a self, wanted: &'a [Collection]) -> impl Iterator<Item = &'a (DocName, Vec<u8>)> + 'a {
        self.projections.iter().filter(move |(name, _)| wanted.contains(&name.collection))
    }

    /// A workspace with the given collections' documents loaded.
    fn workspace(&self, wanted: &[Collection]) -> Workspace {
        let mut ws = Workspace::new(KEY, [1; 16]);
        for (name, bytes) in self.docs_of(wanted) {
            ws.load(*name, [("snapshot", bytes.as_slice())], true);
        }
        ws
    }
}

/// Where cached documents live: beside the build output, named by the generator's version and
/// the shard layout, so a change to either makes them again.
fn cache_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the bench knows its path");
    // The bench runs from <target>/<profile>/deps/.
    let target = exe.ancestors().nth(3).expect("a target directory").to_path_buf();
    let layout: u64 = Collection::ALL
        .iter()
        .flat_map(|c| c.name().bytes().chain(c.shards().to_le_bytes()))
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    target.join("quota-bench").join(format!("large-{GENERATOR_VERSION}-{layout:016x}"))
}

fn file_name(name: DocName) -> String {
    format!("{}.automerge", name.to_string().replace('/', "-"))
}

fn large() -> &'static Large {
    static LARGE: OnceLock<Large> = OnceLock::new();
    LARGE.get_or_init(|| {
        let dir = cache_dir();
        let cached: Option<Vec<(DocName, Vec<u8>)>> = DocName::all_live()
            .map(|name| std::fs::read(dir.join(file_name(name))).ok().map(|bytes| (name, bytes)))
            .collect();
        let docs = match cached {
            Some(docs) => docs,
            None => {
                eprintln!("generating the large workspace into {}", dir.display());
                let mut ws = Workspace::new(KEY, [1; 16]);
                generate::large(&mut ws, SEED, today()).expect("the large workspace is valid");
                std::fs::create_dir_all(&dir).expect("the cache directory can be made");
                DocName::all_live()
                    .map(|name| {
                        let (bytes, _) = ws.snapshot(name).expect("every live document is loaded");
                        std::fs::write(dir.join(file_name(name)), &bytes).expect("the cache can be written");
                        (name, bytes)
                    })
                    .collect()
            }
        };
        let mut ws = Workspace::new(KEY, [1; 16]);
        for (name, bytes) in &docs {
            ws.load(*name, [("snapshot", bytes.as_slice())], true);
        }
        let projections = docs.iter().map(|(name, _)| (*name, ws.projection(*name))).collect();
        Large { docs, projections, data: ws.data }
    })
}

fn start(c: &mut Criterion) {
    let large = large();
    let mut group = c.benchmark_group("start");
    group.sample_size(10);
    let all = Collection::ALL;
    for (label, wanted) in [("pipeline-and-dashboard", AT_START), ("everything", all)] {
        group.bench_function(format!("documents/{label}"), |b| {
            b.iter(|| {
                let mut ws = Workspace::new(KEY, [1; 16]);
                for (name, bytes) in large.docs_of(wanted) {
                    ws.load(*name, [("snapshot", bytes.as_slice())], true);
                }
                ws
            })
        });
        group.bench_function(format!("cache/{label}"), |b| {
            b.iter(|| {
                let mut ws = Workspace::new(KEY, [1; 16]);
                for (name, bytes) in large.projections_of(wanted) {
                    ws.load_projection(*name, bytes).expect("the cache is readable");
                }
                ws
            })
        });
    }
    group.finish();
}

fn edit(c: &mut Criterion) {
    let large = large();
    let mut ws = large.workspace(AT_START);
    // Validation checks references into collections whose documents are not loaded at start
    // (a deal's contact); their records come from the start-up cache.
    let rest: Vec<Collection> = Collection::ALL.iter().copied().filter(|c| !AT_START.contains(c)).collect();
    for (name, bytes) in large.projections_of(&rest) {
        ws.load_projection(*name, bytes).expect("the cache is readable");
    }
    let deal = ws.data.deals.iter().find(|d| d.status == DealStatus::Open).expect("an open deal").clone();
    let stages: Vec<_> = ws.data.pipelines.get(deal.pipeline).expect("its pipeline").ordered_stages();
    let open: Vec<_> = stages.iter().filter(|(_, s)| s.kind == StageKind::Open).map(|(id, _)| *id).collect();
    let name = Workspace::doc_of::<Deal>(deal.id);
    let mut at = today().start().0;
    let start = open.iter().position(|s| *s == deal.stage).expect("an open deal is in an open stage");
    let mut turn = 0;
    c.bench_function("edit/deal-stage-committed-and-saved", |b| {
        b.iter(|| {
            // Each turn moves the deal to the next open stage, so every turn really changes it.
            turn += 1;
            at += 1_000;
            let stage = open[(start + turn) % open.len()];
            ws.modify::<Deal>(deal.id, Stamp::new(Timestamp(at), None), |d| d.stage = stage).expect("a valid edit");
            let (chunk, heads) = ws.pending_chunk(name).expect("the edit is unsaved");
            ws.mark_saved(name, heads);
            chunk
        })
    });
}

fn import(c: &mut Criterion) {
    let large = large();
    let references =
        [Collection::Segments, Collection::Niches, Collection::Territories, Collection::People, Collection::Partners];
    let accounts = generate::import_accounts(&large.data, 2, today(), 10_000);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(accounts.len() as u64));
    group.bench_function("accounts-10k-in-one-batch", |b| {
        b.iter_batched(
            || {
                let mut ws = Workspace::new(KEY, [1; 16]);
                for (name, bytes) in large.projections_of(&references) {
                    ws.load_projection(*name, bytes).expect("the cache is readable");
                }
                for shard in 0..Collection::Accounts.shards() {
                    ws.start_empty(DocName::live(Collection::Accounts, shard));
                }
                (ws, accounts.clone())
            },
            |(mut ws, accounts)| {
                ws.create_batch::<Account>(accounts, Stamp::new(today().start(), None)).expect("valid accounts");
                ws
            },
            BatchSize::PerIteration,
        )
    });
    // The importer of the app sends a few hundred rows at a time so it can show progress.
    group.bench_function("accounts-10k-in-batches-of-500", |b| {
        b.iter_batched(
            || {
                let mut ws = Workspace::new(KEY, [1; 16]);
                for (name, bytes) in large.projections_of(&references) {
                    ws.load_projection(*name, bytes).expect("the cache is readable");
                }
                for shard in 0..Collection::Accounts.shards() {
                    ws.start_empty(DocName::live(Collection::Accounts, shard));
                }
                (ws, accounts.clone())
            },
            |(mut ws, accounts)| {
                for chunk in accounts.chunks(500) {
                    ws.create_batch::<Account>(chunk.to_vec(), Stamp::new(today().start(), None))
                        .expect("valid accounts");
                }
                ws
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Reports over the whole large workspace. Adding one is one `report(...)` line.
fn reports(c: &mut Criterion) {
    let data = &large().data;
    let mut group = c.benchmark_group("reports");
    let mut report = |name: &str, run: &dyn Fn(&Tables) -> i64| {
        group.bench_function(name, |b| b.iter(|| run(std::hint::black_box(data))));
    };
    let today = today();
    let year = Period::year_of(today);
    let quarter = Period::quarter_of(today);
    let month = Period::month_of(today);
    let people: Vec<Subject> = data.people.iter().map(|p| Subject::Person(p.id)).collect();
    let units: Vec<Subject> = data.org_units.iter().map(|u| Subject::Unit(u.id)).collect();
    let territories: Vec<Subject> = data.territories.iter().map(|t| Subject::Territory(t.id)).collect();
    let channels: Vec<Subject> = data.channels.iter().map(|c| Subject::Channel(c.id)).collect();
    let products: Vec<Subject> = data.products.iter().map(|p| Subject::Product(p.id)).collect();
    let pipeline = selling::default_pipeline(data).expect("the large workspace has a pipeline").id;
    report("pipeline-by-stage", &|data| {
        pipeline::pipeline_report(data, pipeline, Default::default(), today).map_or(0, |r| r.stages.len() as i64)
    });
    for (by, subjects) in [
        ("person", &people),
        ("team", &units),
        ("territory", &territories),
        ("channel", &channels),
        ("product", &products),
    ] {
        report(&format!("forecast-by-{by}-this-quarter"), &|data| {
            forecast::forecast(data, quarter, subjects).rows.len() as i64
        });
    }
    report("plan-vs-actual-this-year", &|data| plan_actual::plan_actual(data, year).partners.rows.len() as i64);
    report("partner-scorecards-this-year", &|data| scorecard::scorecards(data, year, today).rows.len() as i64);
    report("commission-payouts-this-quarter", &|data| {
        commission::commission_summary(data, quarter).payouts.len() as i64
    });
    report("cost-of-sales-this-year", &|data| {
        costs::cost_of_sales(data, year, Default::default()).categories.len() as i64
    });
    report("win-loss-this-year", &|data| winloss::win_loss(data, year).by_reason.len() as i64);
    report("growth-24-months", &|data| growth::sales_growth(data, month, 24, Subject::Company).rows.len() as i64);
    report("productivity-this-quarter", &|data| productivity::productivity(data, quarter, None).people.len() as i64);
    report("product-priority-this-year", &|data| priority::product_priority(data, year).products.len() as i64);
    report("segments-and-niches-this-year", &|data| segments::segment_performance(data, year).segments.len() as i64);
    report("annual-review-this-year", &|data| review::annual_review(data, year, &[]).dimensions.len() as i64);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = start, edit, import, reports
}
criterion_main!(benches);
