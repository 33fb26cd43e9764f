//! Writes a seed file of a generated workspace, for the browser benchmark page:
//! `cargo run --release -p quota-core --example seed -- large dist/bench/large.seed`.

use std::time::Instant;

use quota_core::generate::{self, SAMPLE};
use quota_core::{Date, Workspace, WorkspaceKey, exchange};

/// The key the benchmark page opens seeded workspaces with; benchmark data is not secret.
const BENCH_KEY: WorkspaceKey = WorkspaceKey([0x42; 32]);

#[allow(clippy::disallowed_methods)] // an example program may read the clock to report its own progress
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "large".into());
    let out = args.next().unwrap_or_else(|| format!("dist/bench/{which}.seed"));
    let today: Date = "2026-11-26".parse()?;
    let mut ws = Workspace::new(BENCH_KEY, [1; 16]);
    let started = Instant::now();
    match which.as_str() {
        "large" => generate::large(&mut ws, 7, today)?,
        "sample" => generate::sized(&mut ws, 7, today, &SAMPLE)?,
        other => return Err(format!("unknown workspace {other:?}: use large or sample").into()),
    };
    eprintln!("generated {which} in {:.1} s", started.elapsed().as_secs_f64());
    let bytes = exchange::export_seed(&ws);
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &bytes)?;
    eprintln!("wrote {out} ({:.1} MB)", bytes.len() as f64 / 1e6);
    Ok(())
}
