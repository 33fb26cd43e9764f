//! The relay's settings: command-line flags, each also read from a `QUOTA_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Settings of one relay process. `--help` lists every flag with its environment variable.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "quota-relay",
    version,
    about = "The Quota relay: syncs a team's workspaces over the automerge-repo protocol, relays WebRTC \
             signalling, and can serve the built app."
)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port; the chosen URL is printed on stdout.
    #[arg(long, env = "QUOTA_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Directory holding workspace credentials and documents.
    /// [default: $XDG_DATA_HOME/quota-relay, else $HOME/.local/share/quota-relay, else ./quota-data]
    #[arg(long, env = "QUOTA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Directory of the built app (index.html and its assets) to serve at `/`. Nothing is served
    /// at `/` without it.
    #[arg(long, env = "QUOTA_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// When set, registering a new workspace also needs `&registration=<token>` on the URL.
    #[arg(long, env = "QUOTA_REGISTRATION_TOKEN", hide_env_values = true)]
    pub registration_token: Option<String>,

    /// Largest WebSocket message (and frame) accepted, in bytes.
    #[arg(long, env = "QUOTA_MAX_MESSAGE_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_message_bytes: usize,

    /// Most documents one workspace may store.
    #[arg(long, env = "QUOTA_MAX_DOCUMENTS", default_value_t = 10_000)]
    pub max_documents: usize,

    /// Most WebSocket connections (sync and signalling together) open at once.
    #[arg(long, env = "QUOTA_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,

    /// Messages queued for one connection before it counts as too slow and is disconnected.
    #[arg(long, env = "QUOTA_SEND_QUEUE", default_value_t = 1024)]
    pub send_queue: usize,

    /// Seconds a document, or a workspace without connections, stays in memory after its last use.
    #[arg(long, env = "QUOTA_IDLE_SECS", default_value_t = 60)]
    pub idle_secs: u64,

    /// Incremental chunks a stored document may gather before it is compacted into one snapshot.
    #[arg(long, env = "QUOTA_COMPACT_AFTER", default_value_t = 64)]
    pub compact_after: usize,

    /// Log filter in `tracing` syntax, e.g. `info` or `quota_relay=debug`.
    #[arg(long = "log", env = "RUST_LOG", default_value = "info")]
    pub log: String,
}

impl Config {
    /// The data directory in force: the flag, else the platform default.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    /// How long an unused document stays loaded.
    pub fn idle(&self) -> Duration {
        Duration::from_secs(self.idle_secs)
    }

    /// Settings for in-process use (tests, embedding): what the binary would use with no flags,
    /// `QUOTA_*` environment variables included, but with the given data directory. Fails if
    /// such a variable holds an invalid value.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Result<Config, clap::Error> {
        let mut config = Config::try_parse_from(["quota-relay"])?;
        config.data_dir = Some(data_dir.into());
        Ok(config)
    }
}

/// `$XDG_DATA_HOME/quota-relay`, else `$HOME/.local/share/quota-relay`, else `./quota-data`.
pub fn default_data_dir() -> PathBuf {
    let non_empty = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    if let Some(xdg) = non_empty("XDG_DATA_HOME") {
        return xdg.join("quota-relay");
    }
    if let Some(home) = non_empty("HOME") {
        return home.join(".local/share/quota-relay");
    }
    PathBuf::from("quota-data")
}
