//! The task that runs one workspace's hub: it owns the hub and the workspace's documents, takes
//! connection events from a bounded inbox, and carries out the hub's effects.
//!
//! **Architecture Invariant:** a sync message that tells a client the relay has a change is sent
//! only after that change is durably on disk. Effects of a batch of frames are carried out in
//! two steps: first every changed document is written, then the batch's messages are sent.
//!
//! The frames of a batch are applied one by one. A frame that waits for an answer (it carried
//! changes, asked for something, or opened the exchange) is answered at once; what the frame
//! passes on to the other peers, and the reply to a bare acknowledgement, is owed for up to
//! `PASS_ON_DELAY`, and then each peer gets one message per document, so a hundred changes
//! arriving together cost each onlooker one message rather than a hundred. A connection whose
//! earlier messages still wait to be written is skipped until they are, and a peer that has not
//! yet answered the last changes sent to it is skipped until it does (or for at most
//! `quota_sync::ANSWER_WAIT_MS`); either then gets one message for everything new since. A relay
//! that falls behind thus sends fewer, larger messages instead of a pipeline per connection.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::connection::Message as WsMessage;
use quota_sync::{CloseReason, ConnectionId, DocumentId, Effect, Frame, Hub, HubConfig, Message, decode, encode};
use tokio::sync::{mpsc, oneshot};

use super::documents::WorkspaceDocuments;
use super::registry::Registry;
use crate::auth::WorkspaceId;
use crate::connection::{CLOSE_INTERNAL, CLOSE_PROTOCOL, Close, ConnId, Outbox};

/// Most frames handled before the batch's documents are written and its messages sent.
const MAX_BATCH: usize = 256;
/// How often handshake deadlines and idle documents are checked.
const TICK: Duration = Duration::from_secs(1);
/// How long changes passed on to onlooking peers may gather before they are sent: each peer then
/// gets one message per document for all the changes of that time, not one per change. The
/// sender of a change hears back at once. automerge-repo debounces its sync messages the same way.
const PASS_ON_DELAY: Duration = Duration::from_millis(50);

/// What a connection tells its workspace.
pub enum Event {
    /// A new connection; the task answers on `ack` once it has taken the connection on.
    Opened {
        conn: ConnId,
        outbox: Outbox,
        ack: oneshot::Sender<()>,
    },
    Frame {
        conn: ConnId,
        bytes: axum::body::Bytes,
    },
    Closed {
        conn: ConnId,
    },
}

/// Settings every workspace task shares.
#[derive(Clone)]
pub struct TaskSettings {
    pub hub: HubConfig,
    pub idle: Duration,
    /// The process's clock origin: the hub takes time as milliseconds since then.
    pub epoch: Instant,
}

pub struct WorkspaceTask {
    workspace: WorkspaceId,
    /// Tells this task apart from earlier and later tasks of the same workspace.
    generation: u64,
    hub: Hub,
    docs: WorkspaceDocuments,
    connections: HashMap<ConnectionId, Outbox>,
    inbox: mpsc::Receiver<Event>,
    settings: TaskSettings,
    registry: Arc<Registry>,
    /// When the last connection left, if none is open.
    empty_since: Option<Instant>,
}

/// One step of carrying out a batch, kept in the hub's order.
enum Action {
    Send { connection: ConnectionId, frame: Frame },
    Close { connection: ConnectionId, reason: CloseReason },
}

impl WorkspaceTask {
    pub fn new(
        workspace: WorkspaceId,
        generation: u64,
        docs: WorkspaceDocuments,
        inbox: mpsc::Receiver<Event>,
        settings: TaskSettings,
        registry: Arc<Registry>,
    ) -> WorkspaceTask {
        WorkspaceTask {
            workspace,
            generation,
            hub: Hub::new(settings.hub.clone()),
            docs,
            connections: HashMap::new(),
            inbox,
            settings,
            registry,
            empty_since: Some(Instant::now()),
        }
    }

    /// Runs until the workspace has had no connection for the idle period (or at once when the
    /// relay is stopping), then leaves the registry.
    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // When what the hub owes onlooking peers goes out, if it owes anything.
        let mut pass_on_at: Option<tokio::time::Instant> = None;
        loop {
            tokio::select! {
                event = self.inbox.recv() => {
                    let Some(event) = event else { break };
                    let mut batch = vec![event];
                    while batch.len() < MAX_BATCH {
                        match self.inbox.try_recv() {
                            Ok(event) => batch.push(event),
                            Err(_) => break,
                        }
                    }
                    self.handle_batch(batch).await;
                    if self.hub.has_owed() && pass_on_at.is_none() {
                        pass_on_at = Some(tokio::time::Instant::now() + PASS_ON_DELAY);
                    }
                }
                _ = tokio::time::sleep_until(pass_on_at.unwrap_or_else(tokio::time::Instant::now)), if pass_on_at.is_some() => {
                    pass_on_at = None;
                    let (connections, now) = (&self.connections, self.now());
                    let effects = self.hub.flush_where(&mut self.docs, now, |connection| is_ready(connections, connection));
                    self.carry_out(effects).await;
                    if self.hub.has_owed() {
                        pass_on_at = Some(tokio::time::Instant::now() + PASS_ON_DELAY);
                    }
                }
                _ = tick.tick() => {
                    let effects = self.hub.tick(self.now());
                    if !effects.is_empty() {
                        self.carry_out(effects).await;
                    }
                    let evicted = self.docs.evict_idle(self.settings.idle);
                    if evicted > 0 {
                        tracing::debug!(workspace = %self.workspace, evicted, "dropped idle documents from memory");
                    }
                    if self.should_stop() && self.registry.remove_if_idle(self.workspace, self.generation, &mut self.inbox) {
                        break;
                    }
                }
            }
        }
        tracing::debug!(workspace = %self.workspace, "workspace task ended");
    }

    fn should_stop(&self) -> bool {
        let idle = self.empty_since.is_some_and(|since| since.elapsed() >= self.settings.idle);
        self.connections.is_empty() && (idle || self.registry.is_stopping())
    }

    fn now(&self) -> u64 {
        u64::try_from(self.settings.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn handle_batch(&mut self, batch: Vec<Event>) {
        let mut effects = Vec::new();
        for event in batch {
            match event {
                Event::Opened { conn, outbox, ack } => {
                    if ack.send(()).is_err() {
                        // The connection gave up waiting; it is gone.
                        continue;
                    }
                    let connection = hub_id(conn);
                    self.connections.insert(connection, outbox);
                    self.empty_since = None;
                    effects.extend(self.hub.accept(connection, self.now()));
                }
                Event::Frame { conn, bytes } => {
                    let connection = hub_id(conn);
                    if !self.connections.contains_key(&connection) {
                        continue;
                    }
                    if let Some(document) = self.document_of(&bytes)
                        && let Err(error) = self.docs.ensure_loaded(document).await
                    {
                        tracing::error!(workspace = %self.workspace, %document, %error, "cannot load a document");
                        self.fail_connection(connection, "the relay cannot read this document right now");
                        continue;
                    }
                    // A frame that waits for an answer (its changes acknowledged) is answered
                    // before the next frame is read: leaving it to the end of the batch as well
                    // left a client waiting for an acknowledgement that never came when frames from
                    // two peers shared a batch (`restart::edits_acknowledged_...` under load). What
                    // the frame passes on to other peers stays owed until the pass-on. A sender
                    // whose earlier messages still wait to be written is answered at the next
                    // pass-on instead, with everything new by then.
                    effects.extend(self.hub.receive_deferred(&mut self.docs, connection, &bytes));
                    if is_ready(&self.connections, connection) {
                        effects.extend(self.hub.flush_to(&mut self.docs, connection));
                    }
                }
                Event::Closed { conn } => {
                    let connection = hub_id(conn);
                    effects.extend(self.hub.disconnected(connection));
                    self.forget(connection);
                }
            }
        }
        // What the batch owes onlooking peers stays owed until `PASS_ON_DELAY` has passed (see
        // `run`); by then the batch's changes are on disk.
        self.carry_out(effects).await;
    }

    /// The document a sync or request frame is about, if it is not in memory yet. Frames that do
    /// not decode go to the hub as they are, which closes the connection with the reason.
    fn document_of(&self, bytes: &[u8]) -> Option<DocumentId> {
        match decode(bytes, &self.settings.hub.limits.decode) {
            Ok(Message::Sync { document_id, .. } | Message::Request { document_id, .. })
                if !self.docs.is_loaded(&document_id) =>
            {
                Some(document_id)
            }
            _ => None,
        }
    }

    /// Persists what the effects changed, then sends and closes in the hub's order.
    async fn carry_out(&mut self, effects: Vec<Effect>) {
        let mut actions = Vec::with_capacity(effects.len());
        let mut changed = BTreeSet::new();
        for effect in effects {
            match effect {
                Effect::Send { connection, frame } => actions.push(Action::Send { connection, frame }),
                Effect::Close { connection, reason } => actions.push(Action::Close { connection, reason }),
                Effect::DocumentChanged { document, .. } => {
                    changed.insert(document);
                }
                Effect::PeerConnected { connection, peer, .. } => {
                    tracing::debug!(workspace = %self.workspace, ?connection, %peer, "peer connected");
                }
                Effect::PeerDisconnected { connection, peer } => {
                    tracing::debug!(workspace = %self.workspace, ?connection, %peer, "peer disconnected");
                }
                Effect::DocumentUnavailable { .. } | Effect::Ephemeral { .. } => {}
            }
        }

        if !self.persist(changed).await {
            self.storage_failed();
            return;
        }
        for action in actions {
            match action {
                Action::Send { connection, frame } => {
                    if let Some(outbox) = self.connections.get(&connection) {
                        outbox.send_parts(frame.head, frame.body);
                    }
                }
                Action::Close { connection, reason } => {
                    if let Some(outbox) = self.connections.get(&connection) {
                        outbox.close(close_for(&reason));
                    }
                    self.forget(connection);
                }
            }
        }
    }

    /// Writes every changed document; false if any write failed.
    async fn persist(&mut self, changed: impl IntoIterator<Item = DocumentId>) -> bool {
        let writes = self.docs.pending_writes(changed);
        let (storage, workspace) = self.docs.storage();
        let outcomes = WorkspaceDocuments::write(storage, workspace, writes).await;
        self.docs.written(&outcomes);
        let mut ok = true;
        for outcome in &outcomes {
            if let Some(error) = outcome.error() {
                tracing::error!(workspace = %self.workspace, document = %outcome.document(), %error, "cannot store a document");
                self.docs.discard(&outcome.document());
                ok = false;
            }
        }
        ok
    }

    /// After a failed write, nothing the batch would send may go out: it could tell a client
    /// that the relay holds a change it never stored. The changes were dropped from memory, and
    /// every connection of the workspace is closed with an explanation so that clients reconnect
    /// and sync afresh against what is really on disk, sending their changes again.
    fn storage_failed(&mut self) {
        let connections: Vec<ConnectionId> = self.connections.keys().copied().collect();
        for connection in connections {
            self.fail_connection(
                connection,
                "the relay could not store changes (its disk may be full); reconnect later",
            );
        }
    }

    /// Tells the client what went wrong and closes its connection.
    fn fail_connection(&mut self, connection: ConnectionId, message: &str) {
        if let Some(outbox) = self.connections.get(&connection) {
            outbox.send(WsMessage::Binary(encode(&Message::Error { message: message.to_owned() }).into()));
            outbox.close(Close::new(CLOSE_INTERNAL, message));
        }
        // The hub forgets the connection; its goodbye effects need no further action.
        let _goodbye = self.hub.disconnected(connection);
        self.forget(connection);
    }

    fn forget(&mut self, connection: ConnectionId) {
        self.connections.remove(&connection);
        if self.connections.is_empty() && self.empty_since.is_none() {
            self.empty_since = Some(Instant::now());
        }
    }
}

/// Whether a connection has written everything sent to it so far, so that a new sync message
/// to it may go out now rather than wait to say more.
fn is_ready(connections: &HashMap<ConnectionId, Outbox>, connection: ConnectionId) -> bool {
    connections.get(&connection).is_none_or(|outbox| outbox.waiting() == 0)
}

pub fn hub_id(conn: ConnId) -> ConnectionId {
    ConnectionId(conn.get())
}

/// The close frame for a connection the hub ended.
fn close_for(reason: &CloseReason) -> Close {
    let code = match reason {
        CloseReason::PeerLeft | CloseReason::Left | CloseReason::PeerError(_) => 1000,
        _ => CLOSE_PROTOCOL,
    };
    Close::new(code, reason.to_string())
}
