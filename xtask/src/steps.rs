//! Running a command's steps in order: a header before each, its duration after, one summary line
//! at the end.

use std::time::{Duration, Instant};

use anyhow::Result;

/// The steps of one `cargo xtask` command as they run.
pub struct Steps {
    command: &'static str,
    total: usize,
    keep_going: bool,
    started: Instant,
    finished: Vec<Finished>,
}

struct Finished {
    name: String,
    took: Duration,
    error: Option<String>,
}

impl Steps {
    /// `total` is the number of steps that will run, for the `[n/total]` headers. With `keep_going`
    /// a failed step is recorded and the next one still runs (benchmarks are independent); without
    /// it the first failure ends the command (a test run after a failed build says nothing).
    pub fn new(command: &'static str, total: usize, keep_going: bool) -> Steps {
        Steps { command, total, keep_going, started: Instant::now(), finished: Vec::new() }
    }

    /// Runs one step, unless an earlier step failed and this command stops at the first failure.
    pub fn run(&mut self, name: &str, step: impl FnOnce() -> Result<()>) {
        if !self.keep_going && self.failed() {
            return;
        }
        let n = self.finished.len() + 1;
        println!("\n==> [{n}/{}] {name}", self.total);
        let started = Instant::now();
        let outcome = step();
        let took = started.elapsed();
        let error = outcome.err().map(|e| format!("{e:#}"));
        match &error {
            None => println!("--- {name}: ok in {}", format_duration(took)),
            Some(error) => eprintln!("--- {name}: FAILED after {}: {error}", format_duration(took)),
        }
        self.finished.push(Finished { name: name.to_owned(), took, error });
    }

    fn failed(&self) -> bool {
        self.finished.iter().any(|f| f.error.is_some())
    }

    /// Prints each step's duration and the summary line; an error names the steps that failed.
    pub fn finish(self) -> Result<(), StepsFailed> {
        let total = format_duration(self.started.elapsed());
        println!("\n{} steps:", self.command);
        let width = self.finished.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in &self.finished {
            let outcome = if f.error.is_some() { "FAILED" } else { "ok" };
            println!("  {:<width$}  {:>7}  {outcome}", f.name, format_duration(f.took));
        }
        let failed: Vec<&str> = self.finished.iter().filter(|f| f.error.is_some()).map(|f| f.name.as_str()).collect();
        let passed = self.finished.len() - failed.len();
        if failed.is_empty() {
            println!("xtask {}: {passed} steps passed in {total}", self.command);
            Ok(())
        } else {
            let line = summary_of_failure(self.command, passed, &failed, &total);
            println!("{line}");
            Err(StepsFailed(line))
        }
    }
}

/// Some steps failed; the summary line that says which has already been printed.
#[derive(Debug)]
pub struct StepsFailed(pub String);

impl std::fmt::Display for StepsFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StepsFailed {}

fn summary_of_failure(command: &str, passed: usize, failed: &[&str], total: &str) -> String {
    let names = failed.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    let noun = if failed.len() == 1 { "step" } else { "steps" };
    format!("xtask {command}: {noun} {names} failed ({passed} passed) in {total}")
}

/// Formats a duration the way the summary shows it: `850ms`, `42s`, `12m31s`, `1h02m05s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m:02}m{s:02}s")
    } else if m > 0 {
        format!("{m}m{s:02}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::bail;

    #[test]
    fn durations_read_in_the_largest_sensible_units() {
        let check = |ms: u64, expect: &str| assert_eq!(format_duration(Duration::from_millis(ms)), expect);
        check(850, "850ms");
        check(42_300, "42s");
        check(751_000, "12m31s");
        check(3_725_000, "1h02m05s");
    }

    #[test]
    fn a_failure_summary_names_the_failed_steps() {
        assert_eq!(
            summary_of_failure("test", 3, &["clippy"], "4m10s"),
            "xtask test: step `clippy` failed (3 passed) in 4m10s"
        );
        assert_eq!(
            summary_of_failure("bench", 2, &["relay-load", "size"], "9m00s"),
            "xtask bench: steps `relay-load`, `size` failed (2 passed) in 9m00s"
        );
    }

    #[test]
    fn a_failed_step_stops_a_run_that_does_not_keep_going() {
        let mut steps = Steps::new("test", 3, false);
        let mut ran = Vec::new();
        steps.run("first", || {
            ran.push("first");
            bail!("broken")
        });
        steps.run("second", || {
            ran.push("second");
            Ok(())
        });
        assert_eq!(ran, ["first"]);
        let error = steps.finish().unwrap_err().to_string();
        assert!(error.starts_with("xtask test: step `first` failed (0 passed)"), "{error}");
    }

    #[test]
    fn a_run_that_keeps_going_runs_every_step_and_still_fails() {
        let mut steps = Steps::new("bench", 2, true);
        let mut ran = Vec::new();
        steps.run("first", || {
            ran.push("first");
            bail!("broken")
        });
        steps.run("second", || {
            ran.push("second");
            Ok(())
        });
        assert_eq!(ran, ["first", "second"]);
        let error = steps.finish().unwrap_err().to_string();
        assert!(error.starts_with("xtask bench: step `first` failed (1 passed)"), "{error}");
    }

    #[test]
    fn steps_that_all_pass_finish_cleanly() {
        let mut steps = Steps::new("test", 1, false);
        steps.run("only", || Ok(()));
        assert!(steps.finish().is_ok());
    }
}
