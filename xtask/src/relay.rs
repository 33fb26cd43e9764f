//! Starting the release relay, waiting for the line that says where it listens, and stopping it
//! the way Ctrl-C would.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::interrupt;
use crate::project::Project;

/// How long the relay may take from start to its ready line.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the relay may take to exit after SIGINT before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// Parses the one line the relay prints on stdout when it is ready:
/// `quota-relay listening on http://127.0.0.1:PORT`.
pub fn parse_ready_line(line: &str) -> Option<&str> {
    let url = line.trim_end_matches(['\r', '\n']).strip_prefix("quota-relay listening on ")?;
    let valid = url.starts_with("http://") && url.len() > "http://".len() && !url.contains(char::is_whitespace);
    valid.then_some(url)
}

pub struct RelayOptions {
    /// `None` leaves the address to the relay (its default, or `QUOTA_LISTEN`).
    pub listen: Option<String>,
    /// `None` leaves the data directory to the relay (its default, or `QUOTA_DATA_DIR`).
    pub data_dir: Option<PathBuf>,
    pub static_dir: PathBuf,
    /// Copy the relay's log to the terminal (for `cargo xtask run`) instead of keeping only the
    /// last lines for error messages.
    pub echo: bool,
}

/// A running relay; dropping it stops it.
pub struct Relay {
    child: Option<Child>,
    url: String,
    log: Arc<Mutex<VecDeque<String>>>,
    log_reader: Option<thread::JoinHandle<()>>,
}

impl Relay {
    pub fn start(project: &Project, options: RelayOptions) -> Result<Relay> {
        let bin = project.relay_bin();
        if !bin.exists() {
            bail!("{} is missing: build it with `cargo build --release -p quota-relay`", bin.display());
        }
        let mut command = project.command(&bin);
        if let Some(listen) = &options.listen {
            command.args(["--listen", listen]);
        }
        if let Some(data_dir) = &options.data_dir {
            command.arg("--data-dir").arg(data_dir);
        }
        command.arg("--static-dir").arg(&options.static_dir);
        Relay::spawn(command, options.echo)
    }

    /// Starts `command` and waits for its ready line.
    fn spawn(mut command: Command, echo: bool) -> Result<Relay> {
        let shown = crate::project::show(&command);
        // A process group of its own keeps the terminal's Ctrl-C away from the relay: xtask
        // forwards exactly one SIGINT and then waits, so the relay sees a single clean request.
        command.process_group(0).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().with_context(|| format!("cannot start `{shown}`"))?;

        let log = Arc::new(Mutex::new(VecDeque::new()));
        let stderr = child.stderr.take().context("the relay's stderr is not piped")?;
        let log_reader = keep_log(stderr, Arc::clone(&log), echo);

        let stdout = child.stdout.take().context("the relay's stdout is not piped")?;
        let (ready_tx, ready_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                let Ok(line) = line else { break };
                if let Some(url) = parse_ready_line(&line) {
                    if ready_tx.send(url.to_owned()).is_err() {
                        return;
                    }
                    break;
                }
            }
            // After the ready line stdout must still be drained, or a relay that prints more would
            // block on a full pipe.
            for line in lines {
                let Ok(line) = line else { break };
                if echo {
                    println!("{line}");
                }
            }
        });

        let mut relay = Relay { child: Some(child), url: String::new(), log, log_reader: Some(log_reader) };
        let started = Instant::now();
        loop {
            match ready_rx.recv_timeout(Duration::from_millis(100)) {
                Ok(url) => {
                    relay.url = url;
                    return Ok(relay);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = relay.try_wait()? {
                        bail!("the relay exited before it was ready ({status}){}", relay.recent_log());
                    }
                    if interrupt::requested() {
                        bail!("interrupted while the relay was starting");
                    }
                    if started.elapsed() > START_TIMEOUT {
                        bail!(
                            "the relay printed no `quota-relay listening on` line within {}s{}",
                            START_TIMEOUT.as_secs(),
                            relay.recent_log()
                        );
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = relay.wait()?;
                    bail!("the relay closed its output before it was ready ({status}){}", relay.recent_log());
                }
            }
        }
    }

    /// The address the relay serves, such as `http://127.0.0.1:8787`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The exit status if the relay has exited.
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        match &mut self.child {
            Some(child) => child.try_wait().context("cannot check on the relay"),
            None => bail!("the relay was already stopped"),
        }
    }

    fn wait(&mut self) -> Result<ExitStatus> {
        let mut child = self.child.take().context("the relay was already stopped")?;
        child.wait().context("cannot wait for the relay")
    }

    /// Stops the relay as Ctrl-C would and waits for it; kills it if it does not exit in time.
    pub fn stop(mut self) -> Result<ExitStatus> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<ExitStatus> {
        let mut child = self.child.take().context("the relay was already stopped")?;
        if let Some(status) = child.try_wait().context("cannot check on the relay")? {
            return Ok(status);
        }
        interrupt::interrupt(child.id());
        let asked = Instant::now();
        while asked.elapsed() < STOP_TIMEOUT {
            if let Some(status) = child.try_wait().context("cannot check on the relay")? {
                return Ok(status);
            }
            thread::sleep(Duration::from_millis(50));
        }
        child.kill().context("cannot kill the relay")?;
        let status = child.wait().context("cannot wait for the relay")?;
        bail!("the relay did not exit within {}s of SIGINT and was killed ({status})", STOP_TIMEOUT.as_secs())
    }

    /// The relay's last log lines, for error messages. Once the relay has exited its log is read
    /// to the end first, briefly, so that the reason it gave is not lost to a race.
    pub fn recent_log(&mut self) -> String {
        if self.child.is_none() || matches!(self.try_wait(), Ok(Some(_))) {
            let waited = Instant::now();
            while self.log_reader.as_ref().is_some_and(|reader| !reader.is_finished())
                && waited.elapsed() < Duration::from_secs(1)
            {
                thread::sleep(Duration::from_millis(10));
            }
        }
        let log = self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if log.is_empty() {
            String::new()
        } else {
            let lines: Vec<&str> = log.iter().map(String::as_str).collect();
            format!("; its last log lines:\n{}", lines.join("\n"))
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if self.child.is_some()
            && let Err(error) = self.shut_down()
        {
            eprintln!("xtask: {error:#}");
        }
    }
}

/// Keeps the last lines the relay writes to `stream`, echoing them to stderr when asked.
fn keep_log(
    stream: impl Read + Send + 'static,
    log: Arc<Mutex<VecDeque<String>>>,
    echo: bool,
) -> thread::JoinHandle<()> {
    const KEPT: usize = 40;
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if echo {
                let mut stderr = std::io::stderr().lock();
                if writeln!(stderr, "{line}").is_err() {
                    break;
                }
            }
            let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if log.len() == KEPT {
                log.pop_front();
            }
            log.push_back(line);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, expect: Option<&str>) {
        assert_eq!(parse_ready_line(line), expect, "{line:?}");
    }

    #[test]
    fn the_ready_line_gives_the_relay_url() {
        check("quota-relay listening on http://127.0.0.1:8787", Some("http://127.0.0.1:8787"));
        check("quota-relay listening on http://127.0.0.1:40123\n", Some("http://127.0.0.1:40123"));
        check("quota-relay listening on http://[::1]:8787\r\n", Some("http://[::1]:8787"));
    }

    /// A stand-in for the relay: prints `lines` and then waits until SIGINT, which it answers by
    /// exiting with status `exit_on_interrupt`.
    fn stand_in(lines: &[&str], exit_on_interrupt: i32) -> Command {
        let script = format!(
            "trap 'exit {exit_on_interrupt}' INT; {} while :; do sleep 0.05; done",
            lines.iter().map(|line| format!("echo '{line}';")).collect::<String>()
        );
        let mut command = Command::new("sh");
        command.args(["-c", &script]);
        command
    }

    #[test]
    fn a_started_relay_is_found_by_its_ready_line_and_stops_on_sigint() {
        let command = stand_in(&["starting", "quota-relay listening on http://127.0.0.1:45678", "more output"], 0);
        let relay = Relay::spawn(command, false).expect("the stand-in starts");
        assert_eq!(relay.url(), "http://127.0.0.1:45678");
        let status = relay.stop().expect("the stand-in stops");
        assert!(status.success(), "{status}");
    }

    #[test]
    fn an_unclean_exit_on_sigint_is_reported_in_the_status() {
        let command = stand_in(&["quota-relay listening on http://127.0.0.1:45679"], 3);
        let relay = Relay::spawn(command, false).expect("the stand-in starts");
        assert_eq!(relay.stop().expect("the stand-in stops").code(), Some(3));
    }

    #[test]
    fn a_relay_that_exits_before_it_is_ready_is_an_error_with_its_log() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'cannot listen on 127.0.0.1:1' >&2; exit 2"]);
        let error = Relay::spawn(command, false).err().expect("the start fails").to_string();
        assert!(error.starts_with("the relay"), "{error}");
        assert!(error.contains("exit status: 2"), "{error}");
        assert!(error.ends_with("its last log lines:\ncannot listen on 127.0.0.1:1"), "{error}");
    }

    #[test]
    fn other_lines_are_not_mistaken_for_the_ready_line() {
        check("2026-01-01T00:00:00Z INFO relay ready", None);
        check("quota-relay listening on ", None);
        check("quota-relay listening on http://", None);
        check("quota-relay listening on ftp://127.0.0.1:21", None);
        check("quota-relay listening on http://127.0.0.1:1 and more", None);
        check("  quota-relay listening on http://127.0.0.1:8787", None);
    }
}
