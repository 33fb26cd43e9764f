//! The HTTP surface: routes, shared state, the health endpoint and WebSocket admission.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::auth::{AuthError, Credentials, WorkspaceId};
use crate::config::Config;
use crate::connection::{self, CLOSE_TRY_LATER, Close, Connections, Outbox, Socket};
use crate::signal::{self, MAX_SIGNAL_BYTES, Signalling};
use crate::static_files::StaticFiles;
use crate::storage::{Storage, StorageError};
use crate::sync::Hubs;
use crate::websocket::Upgrade;

/// Close code sent to every connection when the relay shuts down (RFC 6455 "service restart").
pub const CLOSE_RESTARTING: u16 = 1012;
/// How long shutdown waits for connections to say goodbye and documents to be flushed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Each WebSocket's read and write buffers. Sync frames are small; the library's default of
/// 128 KiB apiece, allocated for every connection up front, would make a thousand idle
/// connections cost a quarter of a gigabyte. Larger frames still arrive whole, a buffer at a
/// time, and larger messages go out as several frames ([`connection::FRAME_BYTES`]).
const SOCKET_BUFFER_BYTES: usize = 8 * 1024;

/// The settings of a WebSocket whose messages and frames may be at most `limit` bytes.
fn socket_config(limit: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit))
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
}

/// A relay that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the data directory: {0}")]
    Storage(#[from] StorageError),
}

/// One relay: its settings and everything shared between connections.
pub struct Relay {
    config: Config,
    credentials: Credentials,
    signalling: Signalling,
    hubs: Hubs,
    connections: Arc<Connections>,
    static_files: Option<StaticFiles>,
}

/// The query string of `/sync` and `/signal`. Everything is optional here so that a missing
/// credential is refused over the WebSocket, where the browser can read the reason.
#[derive(Debug, Default, Deserialize)]
struct CredentialQuery {
    workspace: Option<String>,
    token: Option<String>,
    registration: Option<String>,
}

impl Relay {
    /// Opens the data directory and prepares the relay; nothing listens yet.
    pub fn open(config: Config) -> Result<Arc<Relay>, StartError> {
        let data_dir = config.data_dir();
        let storage = Arc::new(Storage::open(&data_dir)?);
        let credentials = Credentials::new(&data_dir, config.registration_token.as_deref());
        let hubs = Hubs::new(storage, &config);
        let static_files = config.static_dir.as_ref().map(StaticFiles::new);
        Ok(Arc::new(Relay {
            config,
            credentials,
            signalling: Signalling::default(),
            hubs,
            connections: Arc::new(Connections::default()),
            static_files,
        }))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every route of the relay.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/healthz", get(health))
            .route("/sync", get(sync_endpoint))
            .route("/signal", get(signal_endpoint))
            .fallback(get(static_endpoint))
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .with_state(self.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then closes every connection and
    /// flushes storage.
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let relay = self.clone();
        let stop = async move {
            shutdown.await;
            tracing::info!("shutting down: closing connections");
            relay.connections.close_all(&Close::new(CLOSE_RESTARTING, "relay restarting"));
        };
        // Sync messages are small and each is written at once; Nagle's algorithm would hold one
        // back until the previous one is acknowledged, adding tens of milliseconds per hop.
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot turn off Nagle's algorithm for a connection");
            }
        });
        axum::serve(listener, self.router()).with_graceful_shutdown(stop).await?;
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while self.connections.count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.hubs.shutdown(SHUTDOWN_GRACE).await;
        tracing::info!("shut down");
        Ok(())
    }

    /// Admits a WebSocket: checks the connection limit and the credential, then runs `serve` on
    /// the upgraded socket, or explains the refusal to the client through `refuse`.
    fn admit<Serve, Refuse, ServeFut, RefuseFut>(
        self: Arc<Self>,
        upgrade: Upgrade,
        config: WebSocketConfig,
        query: CredentialQuery,
        serve: Serve,
        refuse: Refuse,
    ) -> Response
    where
        Serve: FnOnce(Arc<Relay>, WorkspaceId, Outbox, Socket) -> ServeFut + Send + 'static,
        ServeFut: Future<Output = ()> + Send,
        Refuse: FnOnce(Socket, Close) -> RefuseFut + Send + 'static,
        RefuseFut: Future<Output = ()> + Send,
    {
        let slot = self.connections.acquire(self.config.max_connections);
        let access = match &slot {
            None => Err(Close::new(CLOSE_TRY_LATER, "the relay has too many connections; try again later")),
            Some(_) => self
                .credentials
                .authorize(query.workspace.as_deref(), query.token.as_deref(), query.registration.as_deref())
                .map_err(|error| {
                    if let AuthError::Io(io) = &error {
                        tracing::error!(%io, "cannot check a workspace credential");
                    }
                    Close::new(error.close_code(), error.client_message())
                }),
        };
        let queue = self.config.send_queue;
        upgrade.on_upgrade(config, move |ws| async move {
            let (outbox, socket) = connection::open(ws, queue);
            if let Some(slot) = &slot {
                slot.attach(&outbox);
            }
            match access {
                Ok(workspace) => serve(self, workspace, outbox, socket).await,
                Err(close) => {
                    tracing::info!(conn = %socket.id(), reason = %close.reason, "refused a connection");
                    refuse(socket, close).await;
                }
            }
            drop(slot);
        })
    }
}

async fn health(State(relay): State<Arc<Relay>>) -> Json<serde_json::Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "workspaces": relay.credentials.count_registered(),
        "active_workspaces": relay.hubs.active_workspaces(),
        "connections": relay.connections.count(),
        "signalling_peers": relay.signalling.peer_count(),
    }))
}

async fn sync_endpoint(
    State(relay): State<Arc<Relay>>,
    Query(query): Query<CredentialQuery>,
    upgrade: Upgrade,
) -> Response {
    let config = socket_config(relay.config.max_message_bytes);
    relay.admit(
        upgrade,
        config,
        query,
        |relay, workspace, outbox, socket| async move { relay.hubs.serve(workspace, outbox, socket).await },
        crate::sync::refuse,
    )
}

async fn signal_endpoint(
    State(relay): State<Arc<Relay>>,
    Query(query): Query<CredentialQuery>,
    upgrade: Upgrade,
) -> Response {
    relay.admit(
        upgrade,
        socket_config(MAX_SIGNAL_BYTES),
        query,
        |relay, workspace, outbox, socket| async move { relay.signalling.serve(workspace, outbox, socket).await },
        signal::refuse,
    )
}

async fn static_endpoint(State(relay): State<Arc<Relay>>, uri: Uri, headers: HeaderMap) -> Response {
    match &relay.static_files {
        Some(files) => files.respond(&uri, &headers).await,
        None => {
            (axum::http::StatusCode::NOT_FOUND, "this relay does not serve the app (no --static-dir)\n").into_response()
        }
    }
}
