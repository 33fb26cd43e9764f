//! Project automation: `cargo xtask run | test | bench | size` (see `cargo xtask help`).

mod bench;
mod bench_sync;
mod cli;
mod interrupt;
mod project;
mod relay;
mod release;
mod run;
mod size;
mod steps;
mod test_suite;
mod tools;

use std::process::ExitCode;

use cli::Command;
use project::Project;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    if command == Command::Help {
        print!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    interrupt::install();
    match execute(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A failed step list has printed its own summary line already.
            if error.downcast_ref::<steps::StepsFailed>().is_none() {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command) -> anyhow::Result<()> {
    let project = Project::locate()?;
    match command {
        Command::Run(options) => run::run(&project, options),
        Command::Test(selection) => Ok(test_suite::run(&project, &selection)?),
        Command::Bench(selection) => Ok(bench::run(&project, &selection)?),
        Command::Size(options) => size::run(&project, &options),
        Command::Help => Ok(()),
    }
}
