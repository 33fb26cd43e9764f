//! `cargo xtask run`: build everything in release mode and serve the app until Ctrl-C.

use std::env;
use std::process::ExitStatus;
use std::thread;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::cli::RunOptions;
use crate::interrupt;
use crate::project::Project;
use crate::relay::{Relay, RelayOptions};
use crate::release;
use crate::tools::{self, Tool};

const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

pub fn run(project: &Project, options: RunOptions) -> Result<()> {
    println!("==> tools");
    tools::ensure_all(project, &[Tool::WasmTarget, Tool::Trunk, Tool::WasmBindgen, Tool::NpmPackages])?;
    println!("==> build the app");
    release::build_app(project)?;
    println!("==> build the relay");
    release::build_relay(project)?;
    stop_if_interrupted()?;

    let listen = options.listen.or_else(|| env::var("QUOTA_LISTEN").ok()).unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let mut relay = Relay::start(
        project,
        RelayOptions { listen: Some(listen), data_dir: options.data_dir, static_dir: project.dist(), echo: true },
    )?;
    println!("\nQuota is running at {}/ (press Ctrl-C to stop)\n", relay.url());

    let status = loop {
        if let Some(status) = relay.try_wait()? {
            break status;
        }
        if interrupt::requested() {
            println!("\nstopping the relay");
            break relay.stop()?;
        }
        thread::sleep(Duration::from_millis(100));
    };
    report_exit(status)
}

fn stop_if_interrupted() -> Result<()> {
    if interrupt::requested() {
        bail!("interrupted");
    }
    Ok(())
}

fn report_exit(status: ExitStatus) -> Result<()> {
    if status.success() {
        println!("the relay stopped");
        Ok(())
    } else {
        bail!("the relay stopped with {status}")
    }
}
