//! The sync benchmarks of `cargo xtask bench` (its `relay-load` step): many WebSocket clients
//! syncing one document, and two peers converging after offline edits, each run against the
//! relay and against the reference JavaScript automerge-repo server in the same run, with the
//! same load generator (the relay's `load` example), and reported side by side as ratios.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::bench::RELAY_LOAD_EXAMPLE;
use crate::interrupt;
use crate::project::{Project, show};
use crate::size::TempDir;

/// Concurrent WebSocket clients in the load run.
pub const LOAD_CLIENTS: usize = 1000;
/// How many of them edit, once a second each; the others only read. Every edit must reach every
/// other client, so this sets the work: 100 edits a second make about 100,000 deliveries a second.
pub const LOAD_EDITORS: usize = 100;
pub const LOAD_SECONDS: u64 = 60;
/// Edits each of the two peers makes offline before they converge.
pub const OFFLINE_EDITS: usize = 1000;

/// The reference server's script, relative to the project root.
const REFERENCE_SCRIPT: &str = "xtask/js/automerge-repo-server.mjs";
const REFERENCE_READY: &str = "automerge-repo server listening on ";
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// Builds the relay and its load generator, runs both scenarios against both servers and prints
/// the comparison.
pub fn run(project: &Project) -> Result<()> {
    project.run(project.cargo(["build", "--release", "-p", "quota-relay", "--bins", "--examples"]))?;
    let generator = project.target_dir.join("release").join("examples").join(RELAY_LOAD_EXAMPLE);
    let load_args = [
        "--clients".to_owned(),
        LOAD_CLIENTS.to_string(),
        "--editors".to_owned(),
        LOAD_EDITORS.to_string(),
        "--seconds".to_owned(),
        LOAD_SECONDS.to_string(),
        "--json".to_owned(),
    ];
    let converge_args = ["--offline-edits".to_owned(), OFFLINE_EDITS.to_string(), "--json".to_owned()];

    // Both servers converge first, while they are fresh: after a load run the reference server
    // goes on working through its backlog long after the clients have gone, and the machine is
    // left with thousands of closed loopback connections.
    let data = TempDir::new(project, "automerge-repo-server")?;
    let reference = Reference::start(project, &data.0)?;
    let target = Some((reference.url.as_str(), reference.pid()));
    let relay_converge = measure(project, &generator, &converge_args, None)?;
    let reference_converge = measure(project, &generator, &converge_args, target)?;
    let relay_load = measure(project, &generator, &load_args, None)?;
    let reference_load = match measure(project, &generator, &load_args, target) {
        Ok(report) => report,
        Err(error) => {
            // A thousand connections just closed can leave loopback briefly refusing new ones.
            println!("the reference load run failed ({error:#}); trying once more after a pause");
            thread::sleep(Duration::from_secs(10));
            measure(project, &generator, &load_args, target)?
        }
    };
    print_comparison(&relay_load, &reference_load, &relay_converge, &reference_converge);
    reference.stop();
    Ok(())
}

/// Runs the load generator with `args`, against `target` (a URL and the server's process id) or
/// against a relay it starts itself, and reads the JSON it prints.
fn measure(project: &Project, generator: &Path, args: &[String], target: Option<(&str, u32)>) -> Result<Value> {
    let mut command = project.command(generator);
    command.args(args).env("QUOTA_RELAY_BIN", project.relay_bin());
    if let Some((url, pid)) = target {
        command.arg("--url").arg(url).arg("--pid").arg(pid.to_string());
    }
    println!("$ {}", show(&command));
    let output = project.output(command)?;
    let line = output.lines().last().context("the load generator printed nothing")?;
    let report: Value = serde_json::from_str(line).with_context(|| format!("cannot read the report {line:?}"))?;
    println!("{report}");
    Ok(report)
}

/// The reference server, stopped (with SIGINT, then killed if need be) when dropped.
struct Reference {
    child: Option<Child>,
    url: String,
}

impl Reference {
    fn start(project: &Project, data_dir: &Path) -> Result<Reference> {
        let mut command = project.command("node");
        command
            .arg(project.root.join(REFERENCE_SCRIPT))
            .arg(data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let shown = show(&command);
        println!("$ {shown}");
        let mut child = command.spawn().with_context(|| format!("cannot start `{shown}`"))?;
        let stdout = child.stdout.take().context("the reference server's stdout is not piped")?;
        let mut reference = Reference { child: Some(child), url: String::new() };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).context("cannot read the reference server's output")?;
        match line.trim_end().strip_prefix(REFERENCE_READY) {
            Some(url) => reference.url = url.to_owned(),
            None => bail!("the reference server did not start; it printed {line:?}"),
        }
        Ok(reference)
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    fn stop(mut self) {
        if let Err(error) = self.shut_down() {
            eprintln!("xtask: {error:#}");
        }
    }

    /// Asks the server to stop and kills it if it has not within the timeout: after the load
    /// run it may still be working through messages its clients never read, which is no
    /// failure of the benchmark.
    fn shut_down(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else { return Ok(()) };
        interrupt::interrupt(child.id());
        let asked = Instant::now();
        while asked.elapsed() < STOP_TIMEOUT {
            if child.try_wait().context("cannot check on the reference server")?.is_some() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        println!("the reference server was still busy {}s after SIGINT; killing it", STOP_TIMEOUT.as_secs());
        child.kill().context("cannot kill the reference server")?;
        child.wait().context("cannot wait for the reference server")?;
        Ok(())
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        if let Err(error) = self.shut_down() {
            eprintln!("xtask: {error:#}");
        }
    }
}

fn print_comparison(relay_load: &Value, reference_load: &Value, relay_converge: &Value, reference_converge: &Value) {
    let mib = |report: &Value| report["server_peak_rss_kib"].as_f64().map(|kib| kib / 1024.0);
    let rows: [(&str, Option<f64>, Option<f64>, &str); 8] = [
        ("edits per second", relay_load["edits_per_second"].as_f64(), reference_load["edits_per_second"].as_f64(), ""),
        (
            "deliveries per second",
            relay_load["deliveries_per_second"].as_f64(),
            reference_load["deliveries_per_second"].as_f64(),
            "higher is better",
        ),
        (
            "edits reaching everyone",
            relay_load["edits_reaching_everyone"].as_f64(),
            reference_load["edits_reaching_everyone"].as_f64(),
            "",
        ),
        (
            "p99 latency per delivery (ms)",
            relay_load["latency_ms_p99"].as_f64(),
            reference_load["latency_ms_p99"].as_f64(),
            "",
        ),
        (
            "p99 latency to everyone (ms)",
            relay_load["everyone_latency_ms_p99"].as_f64(),
            reference_load["everyone_latency_ms_p99"].as_f64(),
            "lower is better",
        ),
        ("server peak RSS (MiB)", mib(relay_load), mib(reference_load), "lower is better"),
        (
            "server CPU (s)",
            relay_load["server_cpu_seconds"].as_f64(),
            reference_load["server_cpu_seconds"].as_f64(),
            "",
        ),
        (
            "offline edits: convergence (ms)",
            relay_converge["converge_ms"].as_f64(),
            reference_converge["converge_ms"].as_f64(),
            "lower is better",
        ),
    ];
    println!();
    println!(
        "sync: {LOAD_CLIENTS} clients ({LOAD_EDITORS} editing once a second) for {LOAD_SECONDS} s; \
         two peers with {OFFLINE_EDITS} offline edits each"
    );
    println!("{:<32} {:>14} {:>16} {:>8}", "", "quota-relay", "automerge-repo", "ratio");
    for (name, ours, theirs, note) in rows {
        let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
        let ratio = match (ours, theirs) {
            (Some(ours), Some(theirs)) if theirs > 0.0 => format!("{:.2}", ours / theirs),
            _ => "-".to_owned(),
        };
        println!("{name:<32} {:>14} {:>16} {ratio:>8}  {note}", show(ours), show(theirs));
    }
}
