//! Installing what the build and the tests need, when it is missing: the wasm32 target, Trunk,
//! the wasm-bindgen CLI that matches Cargo.lock, the npm packages (wasm-opt, Playwright) and
//! Chromium with ChromeDriver. Each check reads the installed version first, so a second run
//! installs nothing and prints one line per tool.

use std::fs;

use anyhow::{Context, Result, bail, ensure};

use crate::project::Project;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Newer Trunk releases need a newer rustc than the one this project builds with.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Playwright 1.65 needs Node.js 20.
const NODE_MAJOR: u32 = 20;

/// Something a step needs installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    WasmTarget,
    Trunk,
    WasmBindgen,
    NpmPackages,
    Chromium,
}

/// Installs each of `tools` that is missing, in a fixed order.
pub fn ensure_all(project: &Project, tools: &[Tool]) -> Result<()> {
    let mut tools = tools.to_vec();
    tools.sort();
    tools.dedup();
    for tool in tools {
        match tool {
            Tool::WasmTarget => wasm_target(project)?,
            Tool::Trunk => trunk(project)?,
            Tool::WasmBindgen => wasm_bindgen(project)?,
            Tool::NpmPackages => npm_packages(project)?,
            Tool::Chromium => chromium(project)?,
        }
    }
    Ok(())
}

fn wasm_target(project: &Project) -> Result<()> {
    let installed = project
        .probe("rustup", &["target", "list", "--installed"])
        .context("rustup is needed to add the wasm32 target; install Rust with rustup")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("  {WASM_TARGET} target: installed");
        return Ok(());
    }
    println!("  {WASM_TARGET} target: adding");
    let mut rustup = project.command("rustup");
    rustup.args(["target", "add", WASM_TARGET]);
    project.run(rustup)
}

fn trunk(project: &Project) -> Result<()> {
    let found = project.probe("trunk", &["--version"]);
    if found.as_deref().and_then(|out| version_after(out, "trunk")) == Some(TRUNK_VERSION) {
        println!("  trunk {TRUNK_VERSION}: installed");
        return Ok(());
    }
    println!(
        "  trunk {TRUNK_VERSION}: installing (found {}); this takes a few minutes",
        found_as_text(found.as_deref())
    );
    project.run(project.cargo(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

fn wasm_bindgen(project: &Project) -> Result<()> {
    let lock = fs::read_to_string(project.root.join("Cargo.lock")).context("cannot read Cargo.lock")?;
    let wanted = locked_version(&lock, "wasm-bindgen")?;
    let bindgen = project.probe("wasm-bindgen", &["--version"]);
    let runner = project.probe("wasm-bindgen-test-runner", &["--version"]);
    let bindgen_version = bindgen.as_deref().and_then(|out| version_after(out, "wasm-bindgen"));
    let runner_version = runner.as_deref().and_then(|out| version_after(out, "wasm-bindgen-test-runner"));
    if bindgen_version == Some(wanted.as_str()) && runner_version == Some(wanted.as_str()) {
        println!("  wasm-bindgen {wanted}: installed");
        return Ok(());
    }
    println!(
        "  wasm-bindgen {wanted}: installing (found {}); this takes a few minutes",
        found_as_text(bindgen.as_deref())
    );
    // Not `--locked`: the CLI's own lockfile names a dependency version that is not available.
    project.run(project.cargo(["install", "wasm-bindgen-cli", "--version", &wanted]))
}

fn npm_packages(project: &Project) -> Result<()> {
    let node = project
        .probe("node", &["--version"])
        .context("Node.js is needed for the end-to-end tests and wasm-opt; install Node.js 20 or newer")?;
    let major = node_major(&node).with_context(|| format!("cannot read the Node.js version from {node:?}"))?;
    ensure!(major >= NODE_MAJOR, "Node.js {NODE_MAJOR} or newer is needed, found {}", node.trim());

    let lock_path = project.root.join("package-lock.json");
    let stamp_path = project.node_modules().join(".xtask-package-lock.json");
    let lock = fs::read(&lock_path).context("cannot read package-lock.json")?;
    // A copy of the lockfile last installed from tells whether node_modules is current.
    if fs::read(&stamp_path).ok().as_ref() == Some(&lock) {
        println!("  npm packages: installed");
    } else {
        println!("  npm packages: installing from package-lock.json");
        // `npm install` rather than `npm ci`: cbor-x's optional native add-on lists prebuilt
        // packages that the registry does not serve, so they are missing from the lockfile and
        // `npm ci` refuses it. Checking that the lockfile is unchanged afterwards gives the same
        // guarantee: exactly the locked versions were installed.
        let mut npm = project.command("npm");
        npm.args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            // Playwright drives the machine's Chromium; it must not try to download its own.
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        project.run(npm)?;
        let after = fs::read(&lock_path).context("npm removed package-lock.json")?;
        if after != lock {
            fs::write(&lock_path, &lock).context("cannot restore package-lock.json")?;
            bail!(
                "package-lock.json does not match package.json (npm wanted to change it; it was restored): \
                 run `npm install` and commit the new lockfile"
            );
        }
        fs::write(&stamp_path, lock).with_context(|| format!("cannot write {}", stamp_path.display()))?;
    }

    let trunk_toml = fs::read_to_string(project.root.join("Trunk.toml")).context("cannot read Trunk.toml")?;
    let pinned = pinned_wasm_opt(&trunk_toml).context("Trunk.toml does not pin wasm_opt in [tools]")?;
    let wasm_opt = project.node_modules().join(".bin").join("wasm-opt");
    let found = project.probe(&wasm_opt.to_string_lossy(), &["--version"]);
    let found = found.as_deref().and_then(wasm_opt_version);
    if found.as_deref() != Some(pinned.as_str()) {
        bail!(
            "{} reports {}, but Trunk.toml pins {pinned}: keep the binaryen version in package.json and \
             [tools] wasm_opt in Trunk.toml in step",
            wasm_opt.display(),
            found.as_deref().unwrap_or("nothing")
        );
    }
    println!("  wasm-opt {pinned}: installed");
    Ok(())
}

fn chromium(project: &Project) -> Result<()> {
    if project.which("chromium").is_some() && project.which("chromedriver").is_some() {
        println!("  chromium and chromedriver: installed");
        return Ok(());
    }
    println!("  chromium and chromedriver: installing with apt-get");
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let sudo = if root {
        None
    } else if project.which("sudo").is_some() {
        Some("sudo")
    } else {
        bail!(
            "chromium and chromium-driver are missing and installing them needs root: run `apt-get install chromium chromium-driver` as root"
        );
    };
    let apt = |args: &[&str]| {
        let mut command = match sudo {
            // -n: fail instead of waiting for a password nobody will type.
            Some(sudo) => {
                let mut command = project.command(sudo);
                command.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
                command
            }
            None => project.command("apt-get"),
        };
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        command
    };
    project.run(apt(&["update", "-qq"]))?;
    project.run(apt(&["install", "-y", "-qq", "chromium", "chromium-driver"]))?;
    ensure!(
        project.which("chromium").is_some() && project.which("chromedriver").is_some(),
        "apt-get finished but chromium or chromedriver is still not on PATH"
    );
    Ok(())
}

fn found_as_text(output: Option<&str>) -> String {
    match output.map(str::trim) {
        Some(text) if !text.is_empty() => text.lines().next().unwrap_or(text).to_owned(),
        _ => "none".to_owned(),
    }
}

/// The version of package `name` in a Cargo.lock; an error unless exactly one version is locked,
/// because Trunk and the test runner need the one CLI that matches it.
pub fn locked_version(lock: &str, name: &str) -> Result<String> {
    let mut versions = Vec::new();
    let mut current_name = None;
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            current_name = None;
        } else if let Some(value) = toml_string(line, "name") {
            current_name = Some(value);
        } else if let Some(value) = toml_string(line, "version")
            && current_name == Some(name)
        {
            versions.push(value.to_owned());
        }
    }
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => bail!("Cargo.lock has no package `{name}`"),
        _ => bail!("Cargo.lock has several versions of `{name}` ({}); there must be one", versions.join(", ")),
    }
}

/// The value of a `key = "value"` line.
fn toml_string<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
    rest.strip_prefix('"')?.strip_suffix('"')
}

/// The version in a `program X.Y.Z` line, as `trunk --version` and `wasm-bindgen --version` print.
pub fn version_after<'a>(output: &'a str, program: &str) -> Option<&'a str> {
    output.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next()? == program).then_some(())?;
        words.next()
    })
}

/// The version as Trunk names it (`version_132`) from `wasm-opt --version` output
/// (`wasm-opt version 132 (version_132)`).
pub fn wasm_opt_version(output: &str) -> Option<String> {
    let number = version_after(output, "wasm-opt")?;
    let number = if number == "version" { output.split_whitespace().nth(2)? } else { number };
    number.chars().all(|c| c.is_ascii_digit()).then(|| format!("version_{number}"))
}

/// The wasm-opt version pinned under `[tools]` in Trunk.toml.
pub fn pinned_wasm_opt(trunk_toml: &str) -> Option<String> {
    let mut in_tools = false;
    for line in trunk_toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_tools = line == "[tools]";
        } else if in_tools && let Some(value) = toml_string(line, "wasm_opt") {
            return Some(value.to_owned());
        }
    }
    None
}

/// The major version from `node --version` output such as `v20.20.2`.
pub fn node_major(output: &str) -> Option<u32> {
    output.trim().strip_prefix('v')?.split('.').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
# This file is automatically @generated by Cargo.
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.129"

[[package]]
name = "getrandom"
version = "0.3.4"

[[package]]
name = "getrandom"
version = "0.4.3"
"#;

    #[test]
    fn the_wasm_bindgen_version_comes_from_cargo_lock() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen").unwrap(), "0.2.130");
        assert_eq!(locked_version(LOCK, "wasm-bindgen-macro").unwrap(), "0.2.129");
    }

    #[test]
    fn a_package_missing_from_or_duplicated_in_cargo_lock_is_an_error() {
        assert_eq!(locked_version(LOCK, "trunk").unwrap_err().to_string(), "Cargo.lock has no package `trunk`");
        assert_eq!(
            locked_version(LOCK, "getrandom").unwrap_err().to_string(),
            "Cargo.lock has several versions of `getrandom` (0.3.4, 0.4.3); there must be one"
        );
    }

    #[test]
    fn the_real_cargo_lock_locks_one_wasm_bindgen() {
        let lock = include_str!("../../Cargo.lock");
        let version = locked_version(lock, "wasm-bindgen").unwrap();
        assert!(version.starts_with("0.2."), "{version}");
    }

    #[test]
    fn tool_versions_are_read_from_their_version_output() {
        let check = |output: &str, program: &str, expect: Option<&str>| {
            assert_eq!(version_after(output, program), expect, "{output:?}");
        };
        check("trunk 0.21.14\n", "trunk", Some("0.21.14"));
        check("wasm-bindgen 0.2.130\n", "wasm-bindgen", Some("0.2.130"));
        check("wasm-bindgen-test-runner 0.2.130\n", "wasm-bindgen-test-runner", Some("0.2.130"));
        check("wasm-bindgen-test-runner 0.2.130\n", "wasm-bindgen", None);
        check("", "trunk", None);
    }

    #[test]
    fn wasm_opt_versions_are_named_as_trunk_names_them() {
        assert_eq!(wasm_opt_version("wasm-opt version 132 (version_132)\n").as_deref(), Some("version_132"));
        assert_eq!(wasm_opt_version("wasm-opt version 108\n").as_deref(), Some("version_108"));
        assert_eq!(wasm_opt_version("wasm-opt version\n"), None);
        assert_eq!(wasm_opt_version("something else"), None);
    }

    #[test]
    fn the_pinned_wasm_opt_is_read_from_the_tools_section_only() {
        let toml = "[build]\nwasm_opt = \"version_1\"\n\n[tools]\n# why\nwasm_opt = \"version_132\"\n";
        assert_eq!(pinned_wasm_opt(toml).as_deref(), Some("version_132"));
        assert_eq!(pinned_wasm_opt("[build]\nwasm_opt = \"version_1\"\n"), None);
    }

    #[test]
    fn trunk_toml_pins_the_wasm_opt_that_package_json_installs() {
        let pinned = pinned_wasm_opt(include_str!("../../Trunk.toml")).expect("Trunk.toml pins wasm_opt");
        let package: serde_json::Value = serde_json::from_str(include_str!("../../package.json")).unwrap();
        let binaryen = package["devDependencies"]["binaryen"].as_str().expect("package.json pins binaryen");
        let major = binaryen.split('.').next().unwrap();
        assert_eq!(pinned, format!("version_{major}"));
    }

    #[test]
    fn node_versions_give_their_major_number() {
        assert_eq!(node_major("v20.20.2\n"), Some(20));
        assert_eq!(node_major("v18.0.0"), Some(18));
        assert_eq!(node_major("20.1.0"), None);
    }
}
