//! The command line of `cargo xtask`: which command to run and with which options.

use std::fmt;
use std::path::PathBuf;

pub const USAGE: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  run     Install missing tools, build the app and the relay in release mode, and serve the app
          until Ctrl-C.
            --listen ADDR     address to listen on (default: $QUOTA_LISTEN, else 127.0.0.1:8787)
            --data-dir DIR    where the relay keeps documents (default: the relay's own default)
  test    Install what tests need, then run every check: formatting, lints (native and wasm32),
          native tests, browser tests, the release build and end-to-end tests.
            --only STEP       run only this step (repeatable; setup always runs)
            --skip-e2e        leave out the end-to-end tests
  bench   Run the benchmarks: Criterion benches of quota-core, the relay load run, the in-browser
          benchmark page and the size and start-up figures.
            --only STEP       run only this step (repeatable; setup always runs)
  size    Report the release wasm size (raw and gzipped) and the time from navigation to
          interactive in headless Chromium, with no workspace, the sample and the large one.
            --runs N          page loads to take the median of (default 7)
            --route FRAGMENT  route to open, such as '#/accounts' (default: the start page)
  help    Print this message.

Steps of `test`: setup fmt clippy clippy-wasm test browser build e2e
Steps of `bench`: setup build criterion relay-load browser-bench size
";

/// One invocation of `cargo xtask`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(RunOptions),
    Test(StepSelection),
    Bench(StepSelection),
    Size(SizeOptions),
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunOptions {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
}

/// Which steps of a multi-step command to run: all of them unless `--only` narrows the set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepSelection {
    pub only: Vec<String>,
    pub skip: Vec<String>,
}

impl StepSelection {
    pub fn includes(&self, step: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|s| s == step)) && !self.skip.iter().any(|s| s == step)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeOptions {
    pub runs: usize,
    pub route: String,
}

impl Default for SizeOptions {
    fn default() -> Self {
        SizeOptions { runs: 7, route: String::new() }
    }
}

/// A command line that does not parse; the message says what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n\n{USAGE}", self.0)
    }
}

impl std::error::Error for UsageError {}

pub const TEST_STEPS: &[&str] = &["setup", "fmt", "clippy", "clippy-wasm", "test", "browser", "build", "e2e"];
pub const BENCH_STEPS: &[&str] = &["setup", "build", "criterion", "relay-load", "browser-bench", "size"];

/// Parses the arguments that follow `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    let mut rest = rest.iter();
    match command.as_str() {
        "run" => {
            let mut options = RunOptions::default();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--listen" => options.listen = Some(value(arg, &mut rest)?),
                    "--data-dir" => options.data_dir = Some(PathBuf::from(value(arg, &mut rest)?)),
                    other => return Err(unknown(command, other)),
                }
            }
            Ok(Command::Run(options))
        }
        "test" | "bench" => {
            let steps = if command == "test" { TEST_STEPS } else { BENCH_STEPS };
            let mut selection = StepSelection::default();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--only" => {
                        let step = value(arg, &mut rest)?;
                        if !steps.contains(&step.as_str()) {
                            return Err(UsageError(format!(
                                "`{command}` has no step `{step}`; its steps are: {}",
                                steps.join(" ")
                            )));
                        }
                        selection.only.push(step);
                    }
                    "--skip-e2e" if command == "test" => selection.skip.push("e2e".to_owned()),
                    other => return Err(unknown(command, other)),
                }
            }
            Ok(if command == "test" { Command::Test(selection) } else { Command::Bench(selection) })
        }
        "size" => {
            let mut options = SizeOptions::default();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--runs" => {
                        let runs = value(arg, &mut rest)?;
                        options.runs = match runs.parse() {
                            Ok(n) if n > 0 => n,
                            _ => return Err(UsageError(format!("--runs needs a positive number, not `{runs}`"))),
                        };
                    }
                    "--route" => options.route = value(arg, &mut rest)?,
                    other => return Err(unknown(command, other)),
                }
            }
            Ok(Command::Size(options))
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => Err(UsageError(format!("unknown command `{other}`"))),
    }
}

/// The value after `flag`.
fn value(flag: &str, rest: &mut std::slice::Iter<'_, String>) -> Result<String, UsageError> {
    rest.next().cloned().ok_or_else(|| UsageError(format!("{flag} needs a value")))
}

fn unknown(command: &str, arg: &str) -> UsageError {
    UsageError(format!("`{command}` does not take `{arg}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &str, expect: Result<Command, &str>) {
        let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        let got = parse(&args).map_err(|e| e.0);
        assert_eq!(got, expect.map_err(str::to_owned), "cargo xtask {}", args.join(" "));
    }

    fn only(steps: &[&str]) -> StepSelection {
        StepSelection { only: steps.iter().map(|s| (*s).to_owned()).collect(), skip: vec![] }
    }

    #[test]
    fn no_arguments_print_help() {
        check("", Ok(Command::Help));
        check("--help", Ok(Command::Help));
    }

    #[test]
    fn run_takes_an_address_and_a_data_directory() {
        check("run", Ok(Command::Run(RunOptions::default())));
        check(
            "run --listen 127.0.0.1:9000 --data-dir /tmp/q",
            Ok(Command::Run(RunOptions {
                listen: Some("127.0.0.1:9000".to_owned()),
                data_dir: Some(PathBuf::from("/tmp/q")),
            })),
        );
        check("run --listen", Err("--listen needs a value"));
        check("run --port 80", Err("`run` does not take `--port`"));
    }

    #[test]
    fn test_runs_every_step_unless_narrowed() {
        check("test", Ok(Command::Test(StepSelection::default())));
        check("test --only fmt --only clippy", Ok(Command::Test(only(&["fmt", "clippy"]))));
        check("test --skip-e2e", Ok(Command::Test(StepSelection { only: vec![], skip: vec!["e2e".to_owned()] })));
        check(
            "test --only lint",
            Err("`test` has no step `lint`; its steps are: setup fmt clippy clippy-wasm test browser build e2e"),
        );
    }

    #[test]
    fn bench_steps_are_its_own() {
        check("bench --only size", Ok(Command::Bench(only(&["size"]))));
        check(
            "bench --only e2e",
            Err("`bench` has no step `e2e`; its steps are: setup build criterion relay-load browser-bench size"),
        );
        check("bench --skip-e2e", Err("`bench` does not take `--skip-e2e`"));
    }

    #[test]
    fn size_takes_a_positive_run_count_and_a_route() {
        check("size", Ok(Command::Size(SizeOptions::default())));
        check(
            "size --runs 3 --route #/accounts",
            Ok(Command::Size(SizeOptions { runs: 3, route: "#/accounts".to_owned() })),
        );
        check("size --runs 0", Err("--runs needs a positive number, not `0`"));
        check("size --runs many", Err("--runs needs a positive number, not `many`"));
    }

    #[test]
    fn an_unknown_command_is_refused() {
        check("deploy", Err("unknown command `deploy`"));
    }

    #[test]
    fn a_selection_includes_a_step_when_listed_and_not_skipped() {
        let all = StepSelection::default();
        assert!(all.includes("e2e"));
        let narrowed = only(&["fmt"]);
        assert!(narrowed.includes("fmt"));
        assert!(!narrowed.includes("e2e"));
        let skipping = StepSelection { only: vec![], skip: vec!["e2e".to_owned()] };
        assert!(skipping.includes("fmt"));
        assert!(!skipping.includes("e2e"));
    }
}
