//! The protocol engine: connections and their handshakes, a sync state per connection and
//! document, and the effects the caller carries out. No IO, no clock, no randomness.
//!
//! The caller owns the transports. It tells the hub about each connection ([`Hub::dial`] or
//! [`Hub::accept`]), hands it every frame that arrives ([`Hub::receive`]) and every local edit
//! ([`Hub::local_change`]), and carries out the [`Effect`]s each call returns, in order.
//!
//! A busy peer (a relay) may take frames with [`Hub::receive_deferred`] instead: each frame is
//! applied at once, but the sync messages it calls for wait for [`Hub::flush`]. However many
//! frames arrive between two flushes, each peer gets at most one sync message per document per
//! flush, so a burst of N changes costs one `generate_sync_message` per peer rather than N.
//! [`Hub::flush_to`] answers at once only the frames that wait for an answer (they carried
//! changes, asked for something, opened the exchange, or named heads we lack; a peer that was
//! sent part of what it lacks names the rest in `need`). [`Hub::flush_where`] paces each peer
//! by its answers: a peer that has not yet answered a message carrying changes is sent nothing
//! more for up to [`ANSWER_WAIT_MS`], and then hears everything new since in one message. A
//! relay that falls behind thus sends fewer, larger messages rather than a pipeline of small
//! ones that each cost a `generate_sync_message`, an acknowledgement and a frame.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};

use crate::document_id::DocumentId;
use crate::documents::Documents;
use crate::message::{
    DecodeError, DecodeLimits, EphemeralMessage, Frame, Message, PROTOCOL_VERSION, decode, encode, encode_sync,
};
use crate::peer::{PeerId, PeerMetadata};
use crate::receive::receive_sync_message;
use crate::shared::SharedMessages;

/// How long [`Hub::flush_where`] holds back further sync messages to a peer that has not
/// answered a message carrying changes, in milliseconds. A peer answers such a message as soon
/// as it has applied the changes, since its heads moved; one that already had them all may stay
/// silent, and then hears the next changes after this wait.
pub const ANSWER_WAIT_MS: u64 = 500;

/// The caller's name for one connection (a WebSocket, a data channel, a tab's channel). Any
/// value works as long as two live connections never share it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ConnectionId(pub u64);

/// Who this hub is and how much it accepts.
#[derive(Clone, Debug)]
pub struct HubConfig {
    /// The id announced in handshakes; draw it at random per running process.
    pub peer_id: PeerId,
    /// What the hub says about itself in handshakes.
    pub metadata: Option<PeerMetadata>,
    /// The session of this hub's ephemeral messages; draw it at random per running process.
    pub session_id: String,
    /// Whether ephemeral messages from one peer are passed on to the other peers that may see
    /// the document, as a relay does.
    pub forward_ephemeral: bool,
    pub limits: HubLimits,
}

impl HubConfig {
    /// A configuration with default limits, no metadata and no ephemeral forwarding.
    pub fn new(peer_id: PeerId, session_id: impl Into<String>) -> HubConfig {
        HubConfig {
            peer_id,
            metadata: None,
            session_id: session_id.into(),
            forward_ephemeral: false,
            limits: HubLimits::default(),
        }
    }
}

/// Bounds that keep one peer from making the hub grow without end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubLimits {
    /// What a single incoming frame may be; a frame over the limit closes its connection.
    pub decode: DecodeLimits,
    /// How long a connection may take to finish its handshake, in milliseconds.
    pub handshake_timeout_ms: u64,
    /// How many documents one connection may sync; going over closes the connection.
    pub max_documents_per_connection: usize,
    /// How many requests for documents we lack are remembered per connection, so the document is
    /// sent when it appears. Older requests are forgotten first.
    pub max_pending_requests_per_connection: usize,
    /// How many ephemeral sessions are remembered to drop repeated messages.
    pub max_ephemeral_sessions: usize,
    /// How many bytes of changes one sync message carries at most (but always at least one
    /// change); a peer that lacks more gets the rest in the messages that follow.
    pub max_change_bytes_per_message: usize,
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            decode: DecodeLimits::default(),
            handshake_timeout_ms: 30_000,
            max_documents_per_connection: 100_000,
            max_pending_requests_per_connection: 1024,
            max_ephemeral_sessions: 4096,
            max_change_bytes_per_message: 64 * 1024,
        }
    }
}

/// Something the caller must do; effects are returned in the order they must be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Send this message, one WebSocket message, on the connection.
    Send { connection: ConnectionId, frame: Frame },
    /// Close the connection's transport. The hub has already forgotten it.
    Close { connection: ConnectionId, reason: CloseReason },
    /// The handshake finished: a peer is connected.
    PeerConnected { connection: ConnectionId, peer: PeerId, metadata: Option<PeerMetadata> },
    /// A connected peer is gone.
    PeerDisconnected { connection: ConnectionId, peer: PeerId },
    /// A peer's sync message changed the document: persist it and refresh what shows it.
    DocumentChanged { connection: ConnectionId, document: DocumentId },
    /// The peer does not have the document, or may not share it.
    DocumentUnavailable { connection: ConnectionId, document: DocumentId },
    /// An ephemeral message arrived for the caller.
    Ephemeral { connection: ConnectionId, message: EphemeralMessage },
}

/// Why the hub closed a connection.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CloseReason {
    #[error("malformed message: {0}")]
    Malformed(DecodeError),
    #[error("protocol violation: {0}")]
    Protocol(String),
    #[error("no protocol version in common")]
    UnsupportedVersion,
    #[error("the handshake did not finish in time")]
    HandshakeTimeout,
    #[error("the peer reported an error: {0}")]
    PeerError(String),
    #[error("the peer left")]
    PeerLeft,
    #[error("leaving")]
    Left,
    #[error("too many documents on one connection")]
    TooManyDocuments,
    #[error("invalid sync message for document {document}: {reason}")]
    InvalidSync { document: DocumentId, reason: String },
}

enum Phase {
    /// We sent `join` and wait for `peer`.
    Dialed {
        since: u64,
    },
    /// We wait for the peer's `join`.
    Accepted {
        since: u64,
    },
    Ready {
        peer: PeerId,
    },
}

/// Our sync with one peer about one document.
#[derive(Default)]
struct PeerDoc {
    state: sync::State,
    /// Whether the peer has sent anything about the document; until then, asking for a document
    /// we lack is a `request` rather than a `sync`.
    heard: bool,
    /// When we last sent the peer changes it has not answered yet, on the clock of
    /// [`Hub::flush_where`].
    unanswered_since: Option<u64>,
}

struct Connection {
    phase: Phase,
    docs: BTreeMap<DocumentId, PeerDoc>,
    /// Documents the peer asked for while we lacked them, oldest first.
    wanted: VecDeque<DocumentId>,
}

impl Connection {
    fn peer(&self) -> Option<&PeerId> {
        match &self.phase {
            Phase::Ready { peer } => Some(peer),
            _ => None,
        }
    }
}

/// The sans-IO protocol engine. The crate documentation shows how to drive it.
pub struct Hub {
    config: HubConfig,
    connections: BTreeMap<ConnectionId, Connection>,
    ephemeral_count: u64,
    /// The highest count seen per ephemeral session, and the sessions oldest first.
    sessions: BTreeMap<(PeerId, String), u64>,
    session_order: VecDeque<(PeerId, String)>,
    /// Connections and documents owed a sync message at the next flush. Bounded by the
    /// connections' documents, which [`HubLimits`] bounds.
    owed: BTreeSet<(ConnectionId, DocumentId)>,
    /// The owed messages that answer a frame waiting for an answer; [`Hub::flush_to`] sends them.
    /// Always a subset of `owed`.
    answers: BTreeSet<(ConnectionId, DocumentId)>,
    /// The latest time a caller gave, in milliseconds.
    clock: u64,
    /// Sync messages generated for one peer and reused for peers in the same state.
    shared: SharedMessages,
}

impl Hub {
    pub fn new(config: HubConfig) -> Hub {
        Hub {
            config,
            connections: BTreeMap::new(),
            ephemeral_count: 0,
            sessions: BTreeMap::new(),
            session_order: VecDeque::new(),
            owed: BTreeSet::new(),
            answers: BTreeSet::new(),
            clock: 0,
            shared: SharedMessages::default(),
        }
    }

    /// This hub's peer id.
    pub fn peer_id(&self) -> &PeerId {
        &self.config.peer_id
    }

    /// The connected peers, by connection.
    pub fn peers(&self) -> impl Iterator<Item = (ConnectionId, &PeerId)> + '_ {
        self.connections.iter().filter_map(|(id, c)| c.peer().map(|p| (*id, p)))
    }

    /// The peer on a connection, once its handshake is done.
    pub fn peer(&self, connection: ConnectionId) -> Option<&PeerId> {
        self.connections.get(&connection)?.peer()
    }

    /// The heads the peer on `connection` last reported for a document, if it has said anything
    /// about it. When they equal the document's own heads the peer has every change we have; the
    /// app shows the difference as changes waiting to sync.
    pub fn peer_heads(&self, connection: ConnectionId, document: &DocumentId) -> Option<&[ChangeHash]> {
        self.connections.get(&connection)?.docs.get(document)?.state.their_heads.as_deref()
    }

    /// A connection we opened: sends `join`. `now` is in milliseconds and starts the handshake
    /// timeout. Reusing the id of a live connection ends that one first.
    pub fn dial(&mut self, connection: ConnectionId, now: u64) -> Vec<Effect> {
        self.clock = self.clock.max(now);
        let mut out = self.disconnected(connection);
        self.connections.insert(connection, Connection::new(Phase::Dialed { since: now }));
        let join = Message::Join {
            sender_id: self.config.peer_id.clone(),
            supported_protocol_versions: vec![PROTOCOL_VERSION.to_string()],
            metadata: self.config.metadata.clone(),
        };
        out.push(Effect::Send { connection, frame: encode(&join).into() });
        out
    }

    /// A connection a peer opened: waits for its `join`. `now` is in milliseconds.
    pub fn accept(&mut self, connection: ConnectionId, now: u64) -> Vec<Effect> {
        self.clock = self.clock.max(now);
        let out = self.disconnected(connection);
        self.connections.insert(connection, Connection::new(Phase::Accepted { since: now }));
        out
    }

    /// The transport closed (or the caller closed it): forgets the connection.
    pub fn disconnected(&mut self, connection: ConnectionId) -> Vec<Effect> {
        self.owed.retain(|(owed, _)| *owed != connection);
        self.answers.retain(|(owed, _)| *owed != connection);
        match self.connections.remove(&connection) {
            Some(Connection { phase: Phase::Ready { peer }, .. }) => {
                vec![Effect::PeerDisconnected { connection, peer }]
            }
            _ => Vec::new(),
        }
    }

    /// Says goodbye with `leave` and closes the connection.
    pub fn leave(&mut self, connection: ConnectionId) -> Vec<Effect> {
        let mut out = Vec::new();
        if self.connections.get(&connection).and_then(Connection::peer).is_some() {
            let leave = Message::Leave { sender_id: self.config.peer_id.clone() };
            out.push(Effect::Send { connection, frame: encode(&leave).into() });
        }
        self.drop_connection(connection, CloseReason::Left, &mut out);
        out
    }

    /// Closes connections whose handshake has taken longer than the limit. `now` is in
    /// milliseconds, on the same clock as the one given to [`Hub::dial`] and [`Hub::accept`].
    pub fn tick(&mut self, now: u64) -> Vec<Effect> {
        self.clock = self.clock.max(now);
        let timeout = self.config.limits.handshake_timeout_ms;
        let late: Vec<ConnectionId> = self
            .connections
            .iter()
            .filter(|(_, c)| match c.phase {
                Phase::Dialed { since } | Phase::Accepted { since } => now.saturating_sub(since) >= timeout,
                Phase::Ready { .. } => false,
            })
            .map(|(id, _)| *id)
            .collect();
        let mut out = Vec::new();
        for connection in late {
            self.fail(connection, CloseReason::HandshakeTimeout, &mut out);
        }
        out
    }

    /// A document changed here (a local edit, a merged file): sends sync messages to every
    /// connected peer that may see it, starting to sync it with peers that did not have it yet.
    pub fn local_change(&mut self, docs: &mut impl Documents, document: &DocumentId) -> Vec<Effect> {
        let mut out = Vec::new();
        self.shared.forget(document);
        self.share(docs, document);
        self.flush_into(docs, &mut out);
        out
    }

    /// Asks every connected peer that may see the document for it, or offers ours if we have it.
    /// A client joining a workspace calls this for each of its documents once a peer connects;
    /// peers that lack the document answer with [`Effect::DocumentUnavailable`].
    pub fn request(&mut self, docs: &mut impl Documents, document: &DocumentId) -> Vec<Effect> {
        let mut out = Vec::new();
        self.share(docs, document);
        self.flush_into(docs, &mut out);
        out
    }

    /// Sends an ephemeral message about a document to every connected peer that may see it.
    pub fn send_ephemeral(&mut self, docs: &mut impl Documents, document: &DocumentId, data: &[u8]) -> Vec<Effect> {
        self.ephemeral_count += 1;
        let message = EphemeralMessage {
            sender_id: self.config.peer_id.clone(),
            target_id: PeerId(String::new()),
            count: self.ephemeral_count,
            session_id: self.config.session_id.clone(),
            document_id: *document,
            data: data.to_vec(),
        };
        let mut out = Vec::new();
        self.broadcast_ephemeral(docs, &message, None, &mut out);
        out
    }

    /// One frame arrived on a connection. Frames on connections the hub does not know (closed,
    /// or never opened) are ignored. The sync messages the frame calls for are in the returned
    /// effects, together with any still owed from [`Hub::receive_deferred`].
    pub fn receive(&mut self, docs: &mut impl Documents, connection: ConnectionId, bytes: &[u8]) -> Vec<Effect> {
        let mut out = self.receive_deferred(docs, connection, bytes);
        self.flush_into(docs, &mut out);
        out
    }

    /// Like [`Hub::receive`], but the sync messages the frame calls for (the answer to its
    /// sender, a new change passed on to other peers) are owed until the next [`Hub::flush`].
    /// The frame's changes are in the document when this returns, and everything else (the
    /// handshake, errors, closes, [`Effect::DocumentChanged`]) is in the returned effects.
    pub fn receive_deferred(
        &mut self,
        docs: &mut impl Documents,
        connection: ConnectionId,
        bytes: &[u8],
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        let Some(conn) = self.connections.get(&connection) else { return out };
        let message = match decode(bytes, &self.config.limits.decode) {
            Ok(message) => message,
            Err(e) => {
                self.fail(connection, CloseReason::Malformed(e), &mut out);
                return out;
            }
        };
        match (&conn.phase, message) {
            (_, Message::Error { message }) => {
                self.drop_connection(connection, CloseReason::PeerError(message), &mut out)
            }
            (_, Message::Leave { .. }) => self.drop_connection(connection, CloseReason::PeerLeft, &mut out),
            (Phase::Dialed { .. }, Message::Peer { sender_id, selected_protocol_version, metadata, .. }) => {
                if selected_protocol_version == PROTOCOL_VERSION {
                    self.ready(connection, sender_id, metadata, &mut out);
                } else {
                    self.fail(connection, CloseReason::UnsupportedVersion, &mut out);
                }
            }
            (Phase::Accepted { .. }, Message::Join { sender_id, supported_protocol_versions, metadata }) => {
                if supported_protocol_versions.iter().any(|v| v == PROTOCOL_VERSION) {
                    let answer = Message::Peer {
                        sender_id: self.config.peer_id.clone(),
                        target_id: sender_id.clone(),
                        selected_protocol_version: PROTOCOL_VERSION.to_string(),
                        metadata: self.config.metadata.clone(),
                    };
                    out.push(Effect::Send { connection, frame: encode(&answer).into() });
                    self.ready(connection, sender_id, metadata, &mut out);
                } else {
                    self.fail(connection, CloseReason::UnsupportedVersion, &mut out);
                }
            }
            (Phase::Dialed { .. }, other) => {
                let reason = format!("expected peer, received {}", other.kind());
                self.fail(connection, CloseReason::Protocol(reason), &mut out);
            }
            (Phase::Accepted { .. }, other) => {
                let reason = format!("expected join, received {}", other.kind());
                self.fail(connection, CloseReason::Protocol(reason), &mut out);
            }
            (Phase::Ready { .. }, Message::Join { .. } | Message::Peer { .. }) => {
                let reason = "handshake repeated on a connected connection".to_string();
                self.fail(connection, CloseReason::Protocol(reason), &mut out);
            }
            (Phase::Ready { .. }, Message::Request { document_id, data, .. }) => {
                self.on_sync(docs, connection, document_id, &data, true, &mut out)
            }
            (Phase::Ready { .. }, Message::Sync { document_id, data, .. }) => {
                self.on_sync(docs, connection, document_id, &data, false, &mut out)
            }
            (Phase::Ready { .. }, Message::DocUnavailable { document_id, .. }) => {
                if let Some(conn) = self.connections.get_mut(&connection) {
                    // Forget our side of the exchange so that offering the document later starts afresh.
                    conn.docs.remove(&document_id);
                }
                out.push(Effect::DocumentUnavailable { connection, document: document_id });
            }
            (Phase::Ready { .. }, Message::Ephemeral(message)) => {
                self.on_ephemeral(docs, connection, message, &mut out)
            }
            // Heads gossip is optional in the protocol and nothing here needs it.
            (Phase::Ready { .. }, Message::RemoteSubscriptionChange { .. } | Message::RemoteHeadsChanged { .. }) => {}
        }
        out
    }

    /// Sends the sync messages owed since the last flush: at most one per connection and
    /// document, each saying everything that is new since the peer last heard from us.
    pub fn flush(&mut self, docs: &mut impl Documents) -> Vec<Effect> {
        let mut out = Vec::new();
        self.flush_into(docs, &mut out);
        out
    }

    /// Answers the frames from one connection that wait for an answer: those that carried
    /// changes (the peer waits for them to be acknowledged), asked for something (as a peer sent
    /// part of what it lacks asks for the rest), were the first about a document, or named heads
    /// we lack. Everything else owed (what other peers' changes brought, the
    /// reply to a bare acknowledgement) is left for the next flush. A relay calls this after
    /// each frame so a sender hears back at once, while the changes passed on to everyone else
    /// go out once per batch of frames.
    pub fn flush_to(&mut self, docs: &mut impl Documents, connection: ConnectionId) -> Vec<Effect> {
        let mut out = Vec::new();
        let first = (connection, DocumentId([0; 16]));
        let mine: Vec<(ConnectionId, DocumentId)> =
            self.answers.range(first..).take_while(|(c, _)| *c == connection).copied().collect();
        for key in mine {
            self.answers.remove(&key);
            self.owed.remove(&key);
            self.sync_one(docs, key.0, &key.1, &mut out);
        }
        out
    }

    /// Like [`Hub::flush`], but paced: only to the connections `ready` accepts, and to each peer
    /// only once it has answered the last message that carried it changes, or [`ANSWER_WAIT_MS`]
    /// after that message went out. What is owed to the others stays owed. `now` is in
    /// milliseconds, on the clock of [`Hub::dial`] and [`Hub::accept`].
    ///
    /// A relay calls this once per batch of frames and holds back a connection whose earlier
    /// messages still wait to be written. A peer that is held back later gets one message with
    /// everything new since, rather than a queue of messages that each say part of it, and its
    /// answer to that one message acknowledges all of it.
    pub fn flush_where(
        &mut self,
        docs: &mut impl Documents,
        now: u64,
        ready: impl Fn(ConnectionId) -> bool,
    ) -> Vec<Effect> {
        self.clock = self.clock.max(now);
        let mut out = Vec::new();
        let mut held = BTreeSet::new();
        let mut verdicts: BTreeMap<ConnectionId, bool> = BTreeMap::new();
        for key in std::mem::take(&mut self.owed) {
            let (connection, document) = key;
            let answered = self
                .connections
                .get(&connection)
                .and_then(|conn| conn.docs.get(&document))
                .and_then(|peer_doc| peer_doc.unanswered_since)
                .is_none_or(|since| now.saturating_sub(since) >= ANSWER_WAIT_MS);
            if answered && *verdicts.entry(connection).or_insert_with(|| ready(connection)) {
                self.answers.remove(&key);
                self.sync_one(docs, connection, &document, &mut out);
            } else {
                held.insert(key);
            }
        }
        self.owed = held;
        out
    }

    /// Whether any sync message waits for [`Hub::flush`].
    pub fn has_owed(&self) -> bool {
        !self.owed.is_empty()
    }

    fn flush_into(&mut self, docs: &mut impl Documents, out: &mut Vec<Effect>) {
        self.answers.clear();
        for (connection, document) in std::mem::take(&mut self.owed) {
            self.sync_one(docs, connection, &document, out);
        }
    }

    fn ready(&mut self, connection: ConnectionId, peer: PeerId, metadata: Option<PeerMetadata>, out: &mut Vec<Effect>) {
        if let Some(conn) = self.connections.get_mut(&connection) {
            conn.phase = Phase::Ready { peer: peer.clone() };
            out.push(Effect::PeerConnected { connection, peer, metadata });
        }
    }

    /// Tells the peer what went wrong, then closes the connection.
    fn fail(&mut self, connection: ConnectionId, reason: CloseReason, out: &mut Vec<Effect>) {
        if self.connections.contains_key(&connection) {
            let error = Message::Error { message: reason.to_string() };
            out.push(Effect::Send { connection, frame: encode(&error).into() });
        }
        self.drop_connection(connection, reason, out);
    }

    fn drop_connection(&mut self, connection: ConnectionId, reason: CloseReason, out: &mut Vec<Effect>) {
        if self.connections.contains_key(&connection) {
            out.extend(self.disconnected(connection));
            out.push(Effect::Close { connection, reason });
        }
    }

    fn unavailable(&self, connection: ConnectionId, document: DocumentId, out: &mut Vec<Effect>) {
        let Some(peer) = self.peer(connection) else { return };
        let message = Message::DocUnavailable {
            sender_id: self.config.peer_id.clone(),
            target_id: peer.clone(),
            document_id: document,
        };
        out.push(Effect::Send { connection, frame: encode(&message).into() });
    }

    fn on_sync(
        &mut self,
        docs: &mut impl Documents,
        connection: ConnectionId,
        document: DocumentId,
        data: &[u8],
        is_request: bool,
        out: &mut Vec<Effect>,
    ) {
        let Some(conn) = self.connections.get(&connection) else { return };
        let Some(peer) = conn.peer().cloned() else { return };
        let known = conn.docs.contains_key(&document);
        if !known && !docs.may_access(connection, &peer, &document) {
            self.unavailable(connection, document, out);
            return;
        }
        let message = match sync::Message::decode(data) {
            Ok(message) => message,
            Err(e) => {
                self.fail(connection, CloseReason::InvalidSync { document, reason: e.to_string() }, out);
                return;
            }
        };
        let stored = docs.get(&document).map(|doc| !doc.get_heads().is_empty());
        if stored != Some(true) {
            let offers_nothing = message.heads.is_empty() && message.changes.is_empty();
            if is_request || offers_nothing {
                self.unavailable(connection, document, out);
                self.remember_wanted(connection, document);
                return;
            }
            if stored.is_none() && !docs.create_for(connection, &peer, &document) {
                self.unavailable(connection, document, out);
                return;
            }
        }
        let max_docs = self.config.limits.max_documents_per_connection;
        let Some(conn) = self.connections.get_mut(&connection) else { return };
        if !known && conn.docs.len() >= max_docs {
            self.fail(connection, CloseReason::TooManyDocuments, out);
            return;
        }
        conn.wanted.retain(|d| *d != document);
        let peer_doc = conn.docs.entry(document).or_default();
        let waits_for_answer = is_request || !peer_doc.heard || !message.changes.is_empty() || !message.need.is_empty();
        peer_doc.heard = true;
        peer_doc.unanswered_since = None;

        if !message.changes.is_empty() {
            // Changes that cannot be applied yet wait inside the document without moving its
            // heads, and they change what the next sync message asks for.
            self.shared.forget(&document);
        }
        let mut message = Some(message);
        let mut received = None;
        let mut changed = false;
        let mut lacks_theirs = false;
        let found = docs.update(&document, &mut |doc: &mut Automerge| {
            if let Some(message) = message.take() {
                let before = doc.get_heads();
                let their_heads = message.heads.clone();
                received = Some(receive_sync_message(doc, &mut peer_doc.state, message));
                changed = doc.get_heads() != before;
                lacks_theirs = !doc.get_missing_deps(&their_heads).is_empty();
            }
        });
        if !found {
            conn.docs.remove(&document);
            self.unavailable(connection, document, out);
            return;
        }
        if let Some(Err(e)) = received {
            self.fail(connection, CloseReason::InvalidSync { document, reason: e.to_string() }, out);
            return;
        }
        if changed {
            out.push(Effect::DocumentChanged { connection, document });
        }
        self.owed.insert((connection, document));
        // A peer whose heads we lack waits for us to ask for what it has: its message carried
        // none of the changes behind them (our filter told it, falsely, that we had them), or
        // they wait on changes still to come.
        if waits_for_answer || lacks_theirs {
            self.answers.insert((connection, document));
        }
        if changed {
            self.propagate(docs, connection, &document);
        }
    }

    /// Passes a change that came from `source` on to the other peers syncing the document, and
    /// to those that asked for it before we had it.
    fn propagate(&mut self, docs: &mut impl Documents, source: ConnectionId, document: &DocumentId) {
        let targets: Vec<(ConnectionId, PeerId, bool)> = self
            .connections
            .iter()
            .filter(|(id, _)| **id != source)
            .filter_map(|(id, c)| {
                let peer = c.peer()?.clone();
                if c.docs.contains_key(document) {
                    Some((*id, peer, true))
                } else if c.wanted.contains(document) {
                    Some((*id, peer, false))
                } else {
                    None
                }
            })
            .collect();
        for (connection, peer, syncing) in targets {
            if !syncing && !self.start(docs, connection, &peer, document) {
                continue;
            }
            self.owed.insert((connection, *document));
        }
    }

    /// Starts syncing a document with a connected peer if it may see it; false if not.
    fn start(
        &mut self,
        docs: &mut impl Documents,
        connection: ConnectionId,
        peer: &PeerId,
        document: &DocumentId,
    ) -> bool {
        let max_docs = self.config.limits.max_documents_per_connection;
        let Some(conn) = self.connections.get(&connection) else { return false };
        if conn.docs.contains_key(document) {
            return true;
        }
        if conn.docs.len() >= max_docs || !docs.may_access(connection, peer, document) {
            return false;
        }
        let Some(conn) = self.connections.get_mut(&connection) else { return false };
        conn.wanted.retain(|d| d != document);
        conn.docs.insert(*document, PeerDoc::default());
        true
    }

    /// Owes every connected peer that may see the document a sync message about it.
    fn share(&mut self, docs: &mut impl Documents, document: &DocumentId) {
        let peers: Vec<(ConnectionId, PeerId)> = self.peers().map(|(id, p)| (id, p.clone())).collect();
        for (connection, peer) in peers {
            if self.start(docs, connection, &peer, document) {
                self.owed.insert((connection, *document));
            }
        }
    }

    /// Sends the next sync message for one document to one peer, if there is anything to say.
    fn sync_one(
        &mut self,
        docs: &mut impl Documents,
        connection: ConnectionId,
        document: &DocumentId,
        out: &mut Vec<Effect>,
    ) {
        let Some(conn) = self.connections.get_mut(&connection) else { return };
        let Some(peer) = conn.peer().cloned() else { return };
        let Some(peer_doc) = conn.docs.get_mut(document) else { return };
        let sent_before = peer_doc.state.sent_hashes.len();
        let max_bytes = self.config.limits.max_change_bytes_per_message;
        let generated = match docs.get(document) {
            Some(doc) => self.shared.generate(document, doc, &mut peer_doc.state, max_bytes),
            None => Automerge::new().generate_sync_message(&mut peer_doc.state).map(|message| message.encode().into()),
        };
        let Some(data) = generated else { return };
        if peer_doc.state.sent_hashes.len() > sent_before {
            peer_doc.unanswered_since = Some(self.clock);
        }
        let sender_id = self.config.peer_id.clone();
        let asks = !peer_doc.heard && docs.get(document).is_none_or(|doc| doc.get_heads().is_empty());
        let frame = encode_sync(asks, document, &sender_id, &peer, data);
        out.push(Effect::Send { connection, frame });
    }

    fn remember_wanted(&mut self, connection: ConnectionId, document: DocumentId) {
        let cap = self.config.limits.max_pending_requests_per_connection;
        let Some(conn) = self.connections.get_mut(&connection) else { return };
        if cap == 0 || conn.wanted.contains(&document) {
            return;
        }
        if conn.wanted.len() >= cap {
            conn.wanted.pop_front();
        }
        conn.wanted.push_back(document);
    }

    fn on_ephemeral(
        &mut self,
        docs: &mut impl Documents,
        connection: ConnectionId,
        message: EphemeralMessage,
        out: &mut Vec<Effect>,
    ) {
        let Some(peer) = self.peer(connection).cloned() else { return };
        if message.sender_id == self.config.peer_id || !docs.may_access(connection, &peer, &message.document_id) {
            return;
        }
        if !self.first_sighting(&message) {
            return;
        }
        out.push(Effect::Ephemeral { connection, message: message.clone() });
        if self.config.forward_ephemeral {
            self.broadcast_ephemeral(docs, &message, Some(connection), out);
        }
    }

    /// Whether this is the first time we see this ephemeral message; remembers it.
    fn first_sighting(&mut self, message: &EphemeralMessage) -> bool {
        let key = (message.sender_id.clone(), message.session_id.clone());
        match self.sessions.get_mut(&key) {
            Some(last) if *last >= message.count => false,
            Some(last) => {
                *last = message.count;
                true
            }
            None => {
                if self.session_order.len() >= self.config.limits.max_ephemeral_sessions.max(1)
                    && let Some(oldest) = self.session_order.pop_front()
                {
                    self.sessions.remove(&oldest);
                }
                self.sessions.insert(key.clone(), message.count);
                self.session_order.push_back(key);
                true
            }
        }
    }

    fn broadcast_ephemeral(
        &mut self,
        docs: &mut impl Documents,
        message: &EphemeralMessage,
        except: Option<ConnectionId>,
        out: &mut Vec<Effect>,
    ) {
        let peers: Vec<(ConnectionId, PeerId)> =
            self.peers().filter(|(id, _)| Some(*id) != except).map(|(id, p)| (id, p.clone())).collect();
        for (connection, peer) in peers {
            if docs.may_access(connection, &peer, &message.document_id) {
                let message = Message::Ephemeral(EphemeralMessage { target_id: peer, ..message.clone() });
                out.push(Effect::Send { connection, frame: encode(&message).into() });
            }
        }
    }
}

impl Connection {
    fn new(phase: Phase) -> Connection {
        Connection { phase, docs: BTreeMap::new(), wanted: VecDeque::new() }
    }
}

// The relay keeps one hub behind a lock shared by many tasks, so the hub must stay `Send`.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<Hub>();
};
