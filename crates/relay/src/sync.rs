//! The automerge-repo sync endpoint, `GET /sync`: each workspace has one hub (from
//! `quota-sync`) running in its own task over that workspace's stored documents.
//!
//! Documents are scoped to the workspace that created them: a workspace's hub can only reach
//! the documents stored under that workspace, so a client of another workspace asking for the
//! same id is told `doc-unavailable`, exactly as for an id that exists nowhere, and learns
//! nothing.

mod documents;
mod registry;
mod workspace;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::connection::Message as WsMessage;
use quota_sync::{HubConfig, HubLimits, Message, PeerId, PeerMetadata, StorageId, encode};
use tokio::sync::oneshot;

use crate::auth::WorkspaceId;
use crate::config::Config;
use crate::connection::{CLOSE_PROTOCOL, CLOSE_TOO_BIG, CLOSE_TRY_LATER, Close, Ended, Inbound, Outbox, Socket};
use crate::storage::Storage;
use registry::{Registry, RegistrySettings};
use workspace::{Event, TaskSettings};

/// How many times a connection looks for its workspace's task before giving up.
const ATTACH_ATTEMPTS: usize = 5;

/// All workspace hubs of the relay.
pub struct Hubs {
    registry: Arc<Registry>,
}

impl Hubs {
    pub fn new(storage: Arc<Storage>, config: &Config) -> Hubs {
        let random = automerge::ActorId::random().to_hex_string();
        let mut hub = HubConfig::new(PeerId(format!("quota-relay-{random}")), random);
        hub.forward_ephemeral = true;
        hub.metadata = Some(PeerMetadata { storage_id: Some(StorageId(storage.storage_id())), is_ephemeral: false });
        hub.limits = HubLimits {
            decode: quota_sync::DecodeLimits { max_message_bytes: config.max_message_bytes },
            max_documents_per_connection: config.max_documents,
            ..HubLimits::default()
        };
        let settings = RegistrySettings {
            task: TaskSettings { hub, idle: config.idle(), epoch: Instant::now() },
            max_documents: config.max_documents,
            compact_after: config.compact_after,
        };
        Hubs { registry: Registry::new(storage, settings) }
    }

    /// Runs one sync connection of `workspace` until it ends.
    pub async fn serve(&self, workspace: WorkspaceId, outbox: Outbox, mut socket: Socket) {
        let conn = outbox.id();
        let Some(inbox) = self.attach(workspace, &outbox).await else {
            return refuse(socket, Close::new(CLOSE_TRY_LATER, "the workspace is not available; try again later"))
                .await;
        };
        tracing::debug!(%workspace, %conn, "sync connection opened");
        let ended = loop {
            match socket.next().await {
                Ok(Inbound::Binary(bytes)) => {
                    if inbox.send(Event::Frame { conn, bytes }).await.is_err() {
                        break Ended::Closed(Close::new(CLOSE_TRY_LATER, "the workspace closed; reconnect"));
                    }
                }
                Ok(Inbound::Text(_)) => {
                    break Ended::Violated(Close::new(CLOSE_PROTOCOL, "automerge-repo messages are binary frames"));
                }
                Err(ended) => break ended,
            }
        };
        // The task may already be gone (shutdown); then there is nobody left to tell.
        let _told = inbox.send(Event::Closed { conn }).await;
        tracing::debug!(%workspace, %conn, ?ended, "sync connection ended");
        match ended {
            Ended::ClientLeft => {}
            Ended::Closed(close) => socket.finish(close).await,
            Ended::Violated(close) => refuse(socket, close).await,
            Ended::Failed(close) => explain_and_abort(socket, close).await,
        }
    }

    /// How many workspaces have documents or connections in memory.
    pub fn active_workspaces(&self) -> usize {
        self.registry.active()
    }

    /// Lets every workspace task finish its writes and end, waiting up to `grace`.
    pub async fn shutdown(&self, grace: Duration) {
        self.registry.shutdown(grace).await;
    }

    async fn attach(&self, workspace: WorkspaceId, outbox: &Outbox) -> Option<tokio::sync::mpsc::Sender<Event>> {
        for _ in 0..ATTACH_ATTEMPTS {
            let inbox = self.registry.inbox(workspace);
            let (ack, acked) = oneshot::channel();
            let opened = Event::Opened { conn: outbox.id(), outbox: outbox.clone(), ack };
            if inbox.send(opened).await.is_ok() && acked.await.is_ok() {
                return Some(inbox);
            }
        }
        tracing::error!(%workspace, "cannot attach a connection to its workspace");
        None
    }
}

/// Tells the client why in an automerge-repo `error` message, then closes with `close`.
pub async fn refuse(mut socket: Socket, close: Close) {
    socket.send_now(error_message(&close));
    socket.finish(close).await;
}

/// Like [`refuse`], for a connection whose incoming stream can no longer be read.
async fn explain_and_abort(mut socket: Socket, close: Close) {
    socket.send_now(error_message(&close));
    socket.abort(close).await;
}

fn error_message(close: &Close) -> WsMessage {
    let message = if close.code == CLOSE_TOO_BIG { "message too big".to_owned() } else { close.reason.clone() };
    WsMessage::Binary(encode(&Message::Error { message }).into())
}
