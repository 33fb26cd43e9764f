//! `cargo xtask test`: every check the project has, in order, stopping at the first failure.

use std::env;

use anyhow::{Context, Result};

use crate::cli::{StepSelection, TEST_STEPS};
use crate::project::Project;
use crate::release;
use crate::steps::{Steps, StepsFailed};
use crate::tools::{self, Tool, WASM_TARGET};

/// The packages that are compiled to wasm and may carry browser tests.
const WASM_PACKAGES: &[&str] = &["quota", "quota-core", "quota-sync"];

/// What each step needs installed before it runs.
fn needs(step: &str) -> &'static [Tool] {
    match step {
        "clippy-wasm" => &[Tool::WasmTarget],
        "browser" => &[Tool::WasmTarget, Tool::WasmBindgen, Tool::Chromium],
        "build" => &[Tool::WasmTarget, Tool::Trunk, Tool::WasmBindgen, Tool::NpmPackages],
        "e2e" => &[Tool::NpmPackages, Tool::Chromium],
        _ => &[],
    }
}

pub fn run(project: &Project, selection: &StepSelection) -> Result<(), StepsFailed> {
    let chosen: Vec<&str> = TEST_STEPS.iter().copied().filter(|s| *s != "setup" && selection.includes(s)).collect();
    let mut steps = Steps::new("test", chosen.len() + 1, false);
    let tools: Vec<Tool> = chosen.iter().flat_map(|s| needs(s).iter().copied()).collect();
    steps.run("setup", || tools::ensure_all(project, &tools));
    for step in chosen {
        steps.run(step, || match step {
            "fmt" => project.run(project.cargo(["fmt", "--all", "--check"])),
            "clippy" => project.run(project.cargo(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])),
            "clippy-wasm" => clippy_wasm(project),
            // The app's plain `#[test]`s run here too: natively, `#[wasm_bindgen_test]` functions
            // are not tests, so only the browser step runs those.
            "test" => project.run(project.cargo(["test", "--workspace"])),
            "browser" => browser_tests(project),
            "build" => {
                release::build_app(project)?;
                release::build_relay(project)
            }
            "e2e" => end_to_end(project),
            other => unreachable!("step `{other}` is listed in TEST_STEPS but not run"),
        });
    }
    steps.finish()
}

/// Lints what is compiled to wasm: the app with all its targets, and the libraries it uses. The
/// libraries' own tests are native only (proptest's process forking does not build for wasm32).
fn clippy_wasm(project: &Project) -> Result<()> {
    project.run(project.cargo([
        "clippy",
        "--target",
        WASM_TARGET,
        "-p",
        "quota",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    let mut args = vec!["clippy", "--target", WASM_TARGET];
    args.extend(WASM_PACKAGES.iter().flat_map(|p| ["-p", p]));
    args.extend(["--lib", "--", "-D", "warnings"]);
    project.run(project.cargo(args))
}

/// wasm-bindgen-test suites of the wasm packages that have them, in headless Chromium through
/// ChromeDriver.
fn browser_tests(project: &Project) -> Result<()> {
    let packages: Vec<&str> =
        WASM_PACKAGES.iter().copied().filter(|p| project.has_dev_dependency(p, "wasm-bindgen-test")).collect();
    if packages.is_empty() {
        println!("no package depends on wasm-bindgen-test, so there are no browser tests");
        return Ok(());
    }
    let runner = project.which("wasm-bindgen-test-runner").context("wasm-bindgen-test-runner is not on PATH")?;
    let chromedriver = project.which("chromedriver").context("chromedriver is not on PATH")?;
    let mut args = vec!["test", "--target", WASM_TARGET];
    args.extend(packages.iter().flat_map(|p| ["-p", p]));
    let mut cargo = project.cargo(args);
    cargo
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("CHROMEDRIVER", chromedriver)
        // Chromium's flags for this machine: headless, no sandbox (root), no calls home.
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", project.root.join("webdriver.json"))
        // Suites that do not say where to run run in the browser, not in Node.js.
        .env("WASM_BINDGEN_USE_BROWSER", "1");
    // The runner's default of 20 s covers a whole suite, too little on a loaded 2-core machine.
    if env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        cargo.env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    }
    project.run(cargo)
}

/// Playwright against the release build, each test with a fresh relay (tests/e2e/fixtures.mjs).
fn end_to_end(project: &Project) -> Result<()> {
    let mut playwright = project.command("playwright");
    playwright
        .args(["test", "--config", "tests/e2e/playwright.config.mjs"])
        .env("QUOTA_RELAY_BIN", project.relay_bin())
        .env("QUOTA_DIST_DIR", project.dist());
    if let Some(chromium) = project.which("chromium") {
        playwright.env("QUOTA_CHROMIUM", chromium);
    }
    project.run(playwright)
}
