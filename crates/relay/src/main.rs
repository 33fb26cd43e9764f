//! The `quota-relay` binary: flags in, a listening relay out, until Ctrl-C or SIGTERM.

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use quota_relay::{Config, Relay};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).with_context(|| format!("invalid --log filter {:?}", config.log))?;
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let listen = config.listen;
    let data_dir = config.data_dir();
    let relay =
        Relay::open(config).with_context(|| format!("cannot start with data directory {}", data_dir.display()))?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let local = listener.local_addr().context("cannot read the listening address")?;
    tracing::info!(data_dir = %data_dir.display(), "relay ready");
    // The handlers are installed before the ready line, so a signal sent as soon as the line
    // appears still stops the relay cleanly.
    let shutdown = shutdown_signal()?;

    // Tests and `cargo xtask run` read this exact line to find the relay.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "quota-relay listening on http://{local}").context("cannot write to stdout")?;
    stdout.flush().context("cannot write to stdout")?;
    drop(stdout);

    relay.serve(listener, shutdown).await.context("server failed")?;
    Ok(())
}

/// Installs the Ctrl-C and SIGTERM handlers now; the future completes on either signal.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Installs the Ctrl-C handler; the future completes when it fires.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
