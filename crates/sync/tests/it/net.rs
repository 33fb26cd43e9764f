//! An in-memory network of hubs: ordered links that hold frames until a test delivers them.

use std::collections::{BTreeMap, VecDeque};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, ROOT, ReadDoc};
use quota_sync::{ConnectionId, DocumentId, Effect, Hub, HubConfig, MemoryDocuments, PeerId};

/// One peer: its hub, its documents, and every effect other than sending it has seen.
pub struct Node {
    pub hub: Hub,
    pub docs: MemoryDocuments,
    pub events: Vec<Effect>,
    /// Whether the node offers all its documents to a peer as soon as the peer connects, as the
    /// app does; a relay waits to be asked.
    pub shares_on_connect: bool,
    /// Documents the node asks every new peer for, whether or not it has them yet, as a client
    /// that knows its workspace's document ids does.
    pub wants: Vec<DocumentId>,
    /// Whether the node takes frames with `receive_deferred`, answers at once each frame that
    /// waits for an answer and sends the rest only when flushed, as the relay does with each batch
    /// of frames.
    pub batching: bool,
}

/// One end of a link: frames waiting to be delivered to `node` on connection `id`.
struct End {
    node: usize,
    other: ConnectionId,
    inbox: VecDeque<Vec<u8>>,
    /// The far side closed the link; once the inbox is empty this side learns it.
    closing: bool,
}

#[derive(Default)]
pub struct Net {
    pub nodes: Vec<Node>,
    ends: BTreeMap<ConnectionId, End>,
    next_id: u64,
}

/// The most bytes of changes a batching relay puts in one sync message: a few small edits.
pub const BATCHING_RELAY_CHANGE_BYTES: usize = 400;

pub fn doc_id(n: u8) -> DocumentId {
    DocumentId([n; 16])
}

impl Net {
    pub fn new() -> Net {
        Net::default()
    }

    /// Adds a peer named `name` that offers its documents on connect.
    pub fn add(&mut self, name: &str) -> usize {
        self.add_with(HubConfig::new(PeerId::from(name), format!("{name}-session")), true)
    }

    /// Adds a peer that waits to be asked, as a relay does.
    pub fn add_relay(&mut self, name: &str) -> usize {
        let mut config = HubConfig::new(PeerId::from(name), format!("{name}-session"));
        config.forward_ephemeral = true;
        self.add_with(config, false)
    }

    /// Adds a relay that owes its sync messages until [`Net::flush`] and, so that the tests
    /// using it see changes spread over several messages, carries at most
    /// [`BATCHING_RELAY_CHANGE_BYTES`] of changes in one message.
    pub fn add_batching_relay(&mut self, name: &str) -> usize {
        let mut config = HubConfig::new(PeerId::from(name), format!("{name}-session"));
        config.forward_ephemeral = true;
        config.limits.max_change_bytes_per_message = BATCHING_RELAY_CHANGE_BYTES;
        let node = self.add_with(config, false);
        self.nodes[node].batching = true;
        node
    }

    pub fn add_with(&mut self, config: HubConfig, shares_on_connect: bool) -> usize {
        self.nodes.push(Node {
            hub: Hub::new(config),
            docs: MemoryDocuments::new(),
            events: Vec::new(),
            shares_on_connect,
            wants: Vec::new(),
            batching: false,
        });
        self.nodes.len() - 1
    }

    /// Opens a link on which `dialer` dials and `acceptor` accepts; returns the connection ids on
    /// the dialer's side and on the acceptor's side. Nothing is delivered yet.
    pub fn connect(&mut self, dialer: usize, acceptor: usize) -> (ConnectionId, ConnectionId) {
        let a = ConnectionId(self.next_id);
        let b = ConnectionId(self.next_id + 1);
        self.next_id += 2;
        self.ends.insert(a, End { node: dialer, other: b, inbox: VecDeque::new(), closing: false });
        self.ends.insert(b, End { node: acceptor, other: a, inbox: VecDeque::new(), closing: false });
        let effects = self.nodes[acceptor].hub.accept(b, 0);
        self.apply(acceptor, effects);
        let effects = self.nodes[dialer].hub.dial(a, 0);
        self.apply(dialer, effects);
        (a, b)
    }

    /// Carries out a node's effects: frames go into the other end's inbox, closes cut the link.
    pub fn apply(&mut self, node: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { connection, frame } => {
                    if let Some(other) = self.ends.get(&connection).map(|e| e.other)
                        && let Some(end) = self.ends.get_mut(&other)
                    {
                        end.inbox.push_back(frame.to_vec());
                    }
                }
                Effect::Close { connection, reason } => {
                    self.nodes[node].events.push(Effect::Close { connection, reason });
                    self.cut_from(connection);
                }
                Effect::PeerConnected { connection, peer, metadata } => {
                    self.nodes[node].events.push(Effect::PeerConnected { connection, peer, metadata });
                    if self.nodes[node].shares_on_connect {
                        let mut ids: Vec<DocumentId> = self.nodes[node].docs.docs.keys().copied().collect();
                        ids.extend(
                            self.nodes[node].wants.iter().filter(|id| !ids.contains(id)).copied().collect::<Vec<_>>(),
                        );
                        for id in ids {
                            let n = &mut self.nodes[node];
                            let effects = n.hub.request(&mut n.docs, &id);
                            self.apply(node, effects);
                        }
                    }
                }
                other => self.nodes[node].events.push(other),
            }
        }
    }

    /// The node on the near side closed `connection`: frames already sent still reach the far
    /// side, which then learns the transport closed.
    fn cut_from(&mut self, connection: ConnectionId) {
        let Some(end) = self.ends.remove(&connection) else { return };
        if let Some(far) = self.ends.get_mut(&end.other) {
            far.closing = true;
        }
    }

    /// Cuts a link as a network failure would: frames in flight are lost and both sides learn the
    /// transport closed.
    pub fn cut(&mut self, connection: ConnectionId) {
        let Some(end) = self.ends.remove(&connection) else { return };
        let far = self.ends.remove(&end.other);
        let effects = self.nodes[end.node].hub.disconnected(connection);
        self.apply(end.node, effects);
        if let Some(far) = far {
            let effects = self.nodes[far.node].hub.disconnected(end.other);
            self.apply(far.node, effects);
        }
    }

    /// Whether a connection still has a live link.
    pub fn is_open(&self, connection: ConnectionId) -> bool {
        self.ends.contains_key(&connection)
    }

    /// Puts raw bytes in the inbox of `connection`, as if its peer had sent them.
    pub fn inject(&mut self, connection: ConnectionId, bytes: Vec<u8>) {
        if let Some(end) = self.ends.get_mut(&connection) {
            end.inbox.push_back(bytes);
        }
    }

    /// Connections with frames waiting.
    pub fn busy(&self) -> Vec<ConnectionId> {
        self.ends.iter().filter(|(_, e)| !e.inbox.is_empty() || e.closing).map(|(id, _)| *id).collect()
    }

    /// Delivers the oldest frame waiting on `connection`, or the news that the far side closed
    /// it; false if there was nothing.
    pub fn deliver(&mut self, connection: ConnectionId) -> bool {
        let Some(end) = self.ends.get_mut(&connection) else { return false };
        let Some(bytes) = end.inbox.pop_front() else {
            if end.closing {
                let node = end.node;
                self.ends.remove(&connection);
                let effects = self.nodes[node].hub.disconnected(connection);
                self.apply(node, effects);
                return true;
            }
            return false;
        };
        let node = end.node;
        self.receive(node, connection, &bytes);
        true
    }

    fn receive(&mut self, node: usize, connection: ConnectionId, bytes: &[u8]) {
        let n = &mut self.nodes[node];
        let effects = if n.batching {
            // As the relay does: a frame that waits for an answer gets it at once, everything else
            // goes out at the next flush.
            let mut effects = n.hub.receive_deferred(&mut n.docs, connection, bytes);
            effects.extend(n.hub.flush_to(&mut n.docs, connection));
            effects
        } else {
            n.hub.receive(&mut n.docs, connection, bytes)
        };
        self.apply(node, effects);
    }

    /// Sends what a batching node owes; false if it owed nothing.
    pub fn flush(&mut self, node: usize) -> bool {
        let n = &mut self.nodes[node];
        if !n.hub.has_owed() {
            return false;
        }
        let effects = n.hub.flush(&mut n.docs);
        self.apply(node, effects);
        true
    }

    /// Delivers the oldest frame on `connection` without removing it, so it arrives twice.
    pub fn deliver_twice(&mut self, connection: ConnectionId) -> bool {
        let Some(end) = self.ends.get_mut(&connection) else { return false };
        let Some(bytes) = end.inbox.front().cloned() else { return false };
        let node = end.node;
        self.receive(node, connection, &bytes);
        true
    }

    /// The frame at `index` in the inbox of `connection`, if any.
    pub fn peek(&self, connection: ConnectionId, index: usize) -> Option<&Vec<u8>> {
        self.ends.get(&connection)?.inbox.get(index)
    }

    /// Swaps the two oldest frames waiting on `connection`.
    pub fn swap_first_two(&mut self, connection: ConnectionId) {
        if let Some(end) = self.ends.get_mut(&connection)
            && end.inbox.len() >= 2
        {
            end.inbox.swap(0, 1);
        }
    }

    /// Delivers everything, round-robin over links, flushing batching nodes whenever no frame
    /// waits, until nothing is left to deliver or owed; returns the count of deliveries.
    pub fn settle(&mut self) -> usize {
        let mut delivered = 0;
        loop {
            let busy = self.busy();
            if busy.is_empty() {
                let mut flushed = false;
                for node in 0..self.nodes.len() {
                    flushed |= self.flush(node);
                }
                if !flushed {
                    return delivered;
                }
                continue;
            }
            for connection in busy {
                delivered += usize::from(self.deliver(connection));
            }
            assert!(delivered < 1_000_000, "the network never went quiet");
        }
    }

    /// Writes `key = value` into a node's document and tells its hub.
    pub fn edit(&mut self, node: usize, doc: DocumentId, key: &str, value: &str) {
        let n = &mut self.nodes[node];
        let d = n.docs.docs.entry(doc).or_default();
        // The same actor and time in every run, so that change hashes, and with them the
        // sync filters' false positives, are the same each time a test runs.
        d.set_actor(ActorId::from(node.to_be_bytes().to_vec()));
        let mut tx = d.transaction();
        tx.put(ROOT, key, value).expect("put into the root map");
        tx.commit_with(CommitOptions::default().with_time(0));
        let effects = n.hub.local_change(&mut n.docs, &doc);
        self.apply(node, effects);
    }

    /// The value of `key` in a node's copy of a document.
    pub fn value(&self, node: usize, doc: DocumentId, key: &str) -> Option<String> {
        let d = self.nodes[node].docs.docs.get(&doc)?;
        let (value, _) = d.get(ROOT, key).expect("read the root map")?;
        value.into_scalar().ok()?.into_string().ok()
    }

    /// Takes the events a node has seen so far.
    pub fn events(&mut self, node: usize) -> Vec<Effect> {
        std::mem::take(&mut self.nodes[node].events)
    }
}
