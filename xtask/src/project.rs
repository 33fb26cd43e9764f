//! Where things are (the workspace root, the target directory, the tools' directories) and how to
//! run a program with those directories on its PATH.

use std::env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// The checkout `cargo xtask` works on.
pub struct Project {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    /// PATH for every program xtask starts: the npm packages' binaries and cargo's bin directory
    /// come first, so Trunk finds the pinned wasm-opt and wasm-bindgen rather than older copies
    /// elsewhere on the machine.
    path: OsString,
    metadata: Value,
}

impl Project {
    pub fn locate() -> Result<Project> {
        // xtask lives one level below the workspace root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask's manifest directory has no parent")?
            .to_path_buf();
        let cargo_home = match env::var_os("CARGO_HOME") {
            Some(home) => PathBuf::from(home),
            None => PathBuf::from(env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?).join(".cargo"),
        };
        // `cargo install` puts binaries here; it may be missing from PATH on a fresh machine.
        let cargo_bin = cargo_home.join("bin");
        let mut dirs = vec![root.join("node_modules").join(".bin"), cargo_bin];
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).context("a directory on PATH contains a path separator")?;

        let mut project = Project { root, target_dir: PathBuf::new(), path, metadata: Value::Null };
        let metadata = project.output(project.cargo(["metadata", "--format-version", "1", "--no-deps"]))?;
        project.metadata = serde_json::from_str(&metadata).context("cannot parse `cargo metadata` output")?;
        project.target_dir = project.metadata["target_directory"]
            .as_str()
            .map(PathBuf::from)
            .context("`cargo metadata` does not name the target directory")?;
        Ok(project)
    }

    /// A command for `program`, run from the workspace root with the project's PATH.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let program = program.as_ref();
        let resolved = self.which(program).unwrap_or_else(|| PathBuf::from(program));
        let mut command = Command::new(resolved);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    pub fn cargo<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.command("cargo");
        command.args(args);
        command
    }

    /// The first executable called `name` on the project's PATH.
    pub fn which(&self, name: impl AsRef<OsStr>) -> Option<PathBuf> {
        let name = name.as_ref();
        if Path::new(name).components().count() > 1 {
            return Some(PathBuf::from(name));
        }
        env::split_paths(&self.path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
    }

    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    pub fn relay_bin(&self) -> PathBuf {
        self.target_dir.join("release").join("quota-relay")
    }

    pub fn node_modules(&self) -> PathBuf {
        self.root.join("node_modules")
    }

    /// Whether workspace package `package` lists `dependency` among its dev-dependencies.
    pub fn has_dev_dependency(&self, package: &str, dependency: &str) -> bool {
        self.package(package).is_some_and(|p| {
            p["dependencies"]
                .as_array()
                .is_some_and(|deps| deps.iter().any(|d| d["name"] == dependency && d["kind"] == "dev"))
        })
    }

    /// The names of workspace package `package`'s targets of `kind` (`bench`, `example`, ...).
    pub fn targets(&self, package: &str, kind: &str) -> Vec<String> {
        let Some(targets) = self.package(package).and_then(|p| p["targets"].as_array()) else {
            return Vec::new();
        };
        targets
            .iter()
            .filter(|t| t["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == kind)))
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect()
    }

    fn package(&self, name: &str) -> Option<&Value> {
        self.metadata["packages"].as_array()?.iter().find(|p| p["name"] == name)
    }

    /// Runs `command` with the terminal as its output and fails unless it exits successfully.
    pub fn run(&self, mut command: Command) -> Result<()> {
        let shown = show(&command);
        println!("$ {shown}");
        let status = command.status().with_context(|| format!("cannot start `{shown}`"))?;
        if !status.success() {
            bail!("`{shown}` failed ({status})");
        }
        Ok(())
    }

    /// Runs `command` and returns what it printed on stdout; fails unless it exits successfully.
    pub fn output(&self, mut command: Command) -> Result<String> {
        let shown = show(&command);
        let output = command.stderr(Stdio::inherit()).output().with_context(|| format!("cannot start `{shown}`"))?;
        if !output.status.success() {
            bail!("`{shown}` failed ({})", output.status);
        }
        String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed something that is not UTF-8"))
    }

    /// What `program args` prints on stdout, or `None` when it is missing or fails. Used to read
    /// tools' versions, where absence is an answer rather than an error.
    pub fn probe(&self, program: &str, args: &[&str]) -> Option<String> {
        let mut command = self.command(program);
        command.args(args).stdin(Stdio::null()).stderr(Stdio::null());
        let output = command.output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

/// A command as a person would type it, for headers and error messages.
pub fn show(command: &Command) -> String {
    let program = command.get_program();
    let name = Path::new(program).file_name().unwrap_or(program);
    std::iter::once(name).chain(command.get_args()).map(|s| s.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_shown_by_its_program_name_and_arguments() {
        let mut command = Command::new("/usr/bin/cargo");
        command.args(["fmt", "--all", "--check"]);
        assert_eq!(show(&command), "cargo fmt --all --check");
    }
}
