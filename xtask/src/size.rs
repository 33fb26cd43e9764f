//! `cargo xtask size`: the release wasm's size, raw and gzipped, and the time from navigation to
//! an interactive app in headless Chromium (the median of several page loads).

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::cli::SizeOptions;
use crate::project::Project;
use crate::relay::{Relay, RelayOptions};
use crate::release;
use crate::tools::{self, Tool};

pub fn run(project: &Project, options: &SizeOptions) -> Result<()> {
    tools::ensure_all(project, &[Tool::WasmTarget, Tool::Trunk, Tool::WasmBindgen, Tool::NpmPackages, Tool::Chromium])?;
    release::build_app(project)?;
    release::build_relay(project)?;
    report(project, options)
}

/// Measures the current `dist/` and release relay, printing a summary the README can quote.
pub fn report(project: &Project, options: &SizeOptions) -> Result<()> {
    require_build(project)?;
    let wasm = release::app_wasm(project)?;
    let bytes = fs::read(&wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
    let gzipped = gzip_len(&bytes)?;

    crate::bench::seed_beside_app(project)?;

    let data_dir = TempDir::new(project, "size")?;
    let relay = Relay::start(
        project,
        RelayOptions {
            listen: Some("127.0.0.1:0".to_owned()),
            data_dir: Some(data_dir.0.clone()),
            static_dir: project.dist(),
            echo: false,
        },
    )?;
    let url = format!("{}/{}", relay.url(), options.route);
    let mut measured = Vec::new();
    for (workspace, setup) in [("no workspace", None), ("sample", Some("sample")), ("large", Some("large"))] {
        let mut node = project.command("node");
        node.arg(project.root.join("xtask/js/interactive.mjs")).arg(&url).arg(options.runs.to_string());
        if let Some(which) = setup {
            node.arg(format!("{}/{}?install={which}", relay.url(), crate::bench::BENCH_ROUTE));
        }
        match project.output(node) {
            Ok(output) => measured.push((workspace, output)),
            Err(error) => {
                relay.stop().ok();
                return Err(error.context(format!("measuring start-up with {workspace}")));
            }
        }
    }
    relay.stop()?;

    let name = wasm.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    println!("\nsize and start-up of the release build");
    println!("  wasm ({name}): {} raw, {} gzipped (level 9)", format_bytes(bytes.len()), format_bytes(gzipped));
    for (workspace, output) in measured {
        let loads: serde_json::Value =
            serde_json::from_str(output.trim()).context("cannot parse the page-load measurements")?;
        let cold = if workspace == "no workspace" {
            "new browser profile: empty cache and storage"
        } else {
            "first open after storing it"
        };
        for (kind, what) in [("cold", cold), ("warm", "reload: cached files, stored data")] {
            let mut times = millis(&loads[kind]).with_context(|| format!("no {kind} load times in {loads}"))?;
            let median = median(&mut times).context("no page loads were measured")?;
            let all = times.iter().map(|t| format!("{t:.0}")).collect::<Vec<_>>().join(", ");
            println!(
                "  navigation to interactive, {workspace}, {kind} ({what}): median {median:.0} ms of {} loads ({all} ms)",
                times.len()
            );
        }
    }
    println!("  measured at {url} until [data-interactive] appears");
    Ok(())
}

fn millis(value: &serde_json::Value) -> Option<Vec<f64>> {
    value.as_array()?.iter().map(serde_json::Value::as_f64).collect()
}

pub fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).context("cannot gzip")?;
    Ok(encoder.finish().context("cannot gzip")?.len())
}

/// The median of `values` (the mean of the middle two for an even count); sorts them.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// `1,234,567 bytes (1.18 MiB)`.
pub fn format_bytes(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let n = n as f64;
    let human = if n >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", n / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", n / 1024.0)
    };
    format!("{grouped} bytes ({human})")
}

/// A directory for one relay's data, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(project: &Project, purpose: &str) -> Result<TempDir> {
        let dir = project.target_dir.join("xtask").join(format!("{purpose}-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir_all(&self.0) {
            eprintln!("xtask: cannot remove {}: {error}", self.0.display());
        }
    }
}

/// Fails unless `dist/` holds a build; measuring nothing would print misleading numbers.
fn require_build(project: &Project) -> Result<()> {
    if !project.dist().join("index.html").exists() {
        bail!("{} has no index.html: build the app first", project.dist().display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_middle_two() {
        let check =
            |values: &[f64], expect: Option<f64>| assert_eq!(median(&mut values.to_vec()), expect, "{values:?}");
        check(&[], None);
        check(&[5.0], Some(5.0));
        check(&[300.0, 120.0, 200.0], Some(200.0));
        // Sorted: 100, 120, 200, 900; the middle two average to 160.
        check(&[900.0, 100.0, 200.0, 120.0], Some(160.0));
    }

    #[test]
    fn sizes_read_with_thousands_separators_and_binary_units() {
        let check = |n: usize, expect: &str| assert_eq!(format_bytes(n), expect);
        check(0, "0 bytes (0.0 KiB)");
        check(999, "999 bytes (1.0 KiB)");
        check(1_536, "1,536 bytes (1.5 KiB)");
        // 2,621,440 = 2.5 * 1024 * 1024.
        check(2_621_440, "2,621,440 bytes (2.50 MiB)");
    }

    #[test]
    fn repetitive_input_gzips_smaller_than_it_started() {
        let input = b"quota ".repeat(10_000);
        let gzipped = gzip_len(&input).unwrap();
        assert!(gzipped < input.len() / 20, "{gzipped} of {}", input.len());
    }
}
