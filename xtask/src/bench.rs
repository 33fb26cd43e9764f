//! `cargo xtask bench`: the benchmarks. Each step is independent, so a failed one is reported
//! and the rest still run.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use crate::bench_sync;
use crate::cli::{BENCH_STEPS, SizeOptions, StepSelection};
use crate::project::Project;
use crate::relay::{Relay, RelayOptions};
use crate::release;
use crate::size::{self, TempDir};
use crate::steps::{Steps, StepsFailed};
use crate::tools::{self, Tool};

/// The relay's load benchmark: an example of the relay crate, run when it exists.
pub const RELAY_LOAD_EXAMPLE: &str = "load";
/// The app's benchmark page, which sets `window.__quotaBench` when it has finished.
pub const BENCH_ROUTE: &str = "#/bench";

fn needs(step: &str) -> &'static [Tool] {
    match step {
        "relay-load" => &[Tool::NpmPackages],
        "build" => &[Tool::WasmTarget, Tool::Trunk, Tool::WasmBindgen, Tool::NpmPackages],
        "browser-bench" | "size" => &[Tool::NpmPackages, Tool::Chromium],
        _ => &[],
    }
}

pub fn run(project: &Project, selection: &StepSelection) -> Result<(), StepsFailed> {
    let chosen: Vec<&str> = BENCH_STEPS.iter().copied().filter(|s| *s != "setup" && selection.includes(s)).collect();
    let mut steps = Steps::new("bench", chosen.len() + 1, true);
    let tools: Vec<Tool> = chosen.iter().flat_map(|s| needs(s).iter().copied()).collect();
    steps.run("setup", || tools::ensure_all(project, &tools));
    for step in chosen {
        steps.run(step, || match step {
            "criterion" => criterion(project),
            "relay-load" => relay_load(project),
            "build" => {
                release::build_app(project)?;
                release::build_relay(project)
            }
            "browser-bench" => browser_bench(project),
            "size" => size::report(project, &SizeOptions::default()),
            other => unreachable!("step `{other}` is listed in BENCH_STEPS but not run"),
        });
    }
    steps.finish()
}

fn criterion(project: &Project) -> Result<()> {
    if project.targets("quota-core", "bench").is_empty() {
        println!("quota-core has no benchmarks yet");
        return Ok(());
    }
    project.run(project.cargo(["bench", "-p", "quota-core"]))
}

/// Many WebSocket clients, and two peers after offline edits, against the relay and against the
/// reference JavaScript sync server ([`bench_sync`]).
fn relay_load(project: &Project) -> Result<()> {
    if !project.targets("quota-relay", "example").iter().any(|e| e == RELAY_LOAD_EXAMPLE) {
        println!("quota-relay has no `{RELAY_LOAD_EXAMPLE}` example yet");
        return Ok(());
    }
    bench_sync::run(project)
}

/// Opens the app's benchmark page in headless Chromium and prints what it reports.
fn browser_bench(project: &Project) -> Result<()> {
    seed_beside_app(project)?;
    let data_dir = TempDir::new(project, "bench")?;
    let relay = Relay::start(
        project,
        RelayOptions {
            listen: Some("127.0.0.1:0".to_owned()),
            data_dir: Some(data_dir.0.clone()),
            static_dir: project.dist(),
            echo: false,
        },
    )?;
    let mut node = project.command("node");
    node.arg(project.root.join("xtask/js/bench-page.mjs")).arg(format!("{}/{BENCH_ROUTE}", relay.url()));
    let outcome = project.run(node);
    relay.stop()?;
    outcome
}

/// Puts the `large` workspace's seed where the benchmark page fetches it, `dist/bench/large.seed`.
pub fn seed_beside_app(project: &Project) -> Result<()> {
    let seed = large_seed(project)?;
    let beside_app = project.dist().join("bench").join("large.seed");
    std::fs::create_dir_all(beside_app.parent().expect("a file in a directory"))?;
    std::fs::copy(&seed, &beside_app).with_context(|| format!("cannot copy the seed into {}", beside_app.display()))?;
    Ok(())
}

/// The `large` workspace as a seed file for the benchmark page. Generating it takes minutes, and
/// Trunk empties `dist/` on every build, so it is kept in the target directory and made again
/// only when the core's sources are newer than it.
fn large_seed(project: &Project) -> Result<PathBuf> {
    let seed = project.target_dir.join("bench").join("large.seed");
    let made = std::fs::metadata(&seed).and_then(|m| m.modified()).ok();
    let sources = newest_change(&project.root.join("crates/core/src"));
    if made.is_some_and(|made| sources.is_none_or(|sources| sources <= made)) {
        return Ok(seed);
    }
    let mut cargo = project.cargo(["run", "--release", "-p", "quota-core", "--example", "seed", "--", "large"]);
    cargo.arg(&seed);
    project.run(cargo)?;
    Ok(seed)
}

/// When any file under `dir` last changed.
fn newest_change(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let changed =
            if path.is_dir() { newest_change(&path) } else { entry.metadata().and_then(|m| m.modified()).ok() };
        newest = newest.max(changed);
    }
    newest
}
