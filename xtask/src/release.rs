//! The release builds every command shares: the app into `dist/` with Trunk, and the relay.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::project::Project;

/// `trunk build --release` into `dist/`. Trunk runs offline: it must find the pinned wasm-bindgen
/// and wasm-opt on PATH rather than download them.
pub fn build_app(project: &Project) -> Result<()> {
    let mut trunk = project.command("trunk");
    trunk.args(["build", "--release", "--offline"]).env("TRUNK_OFFLINE", "true");
    project.run(trunk)
}

pub fn build_relay(project: &Project) -> Result<()> {
    project.run(project.cargo(["build", "--release", "-p", "quota-relay"]))
}

/// The app's wasm file in `dist/` (its name carries a content hash).
pub fn app_wasm(project: &Project) -> Result<PathBuf> {
    let dist = project.dist();
    let entries = fs::read_dir(&dist).with_context(|| format!("cannot read {}", dist.display()))?;
    let mut wasm = Vec::new();
    for entry in entries {
        let path = entry.with_context(|| format!("cannot read {}", dist.display()))?.path();
        if path.extension().is_some_and(|ext| ext == "wasm") {
            wasm.push(path);
        }
    }
    match wasm.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{} holds no .wasm file; build the app first", dist.display()),
        _ => bail!("{} holds several .wasm files; expected the app's one", dist.display()),
    }
}
