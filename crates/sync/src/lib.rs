//! The automerge-repo network protocol without IO.
//!
//! [`message`] reads and writes the protocol's CBOR messages; [`Hub`] runs the handshakes and the
//! per-document sync over any number of connections, reaching documents through the caller's
//! [`Documents`] and returning [`Effect`]s for the caller to carry out. Time is passed in and
//! nothing here reads a clock or draws random numbers, so the same code runs in the browser, in
//! the relay and in tests over an in-memory network.
//!
//! **Architecture Invariant:** the hub owns sync states, never documents. A document may be
//! dropped by the caller and loaded again between any two calls.
//!
//! **Architecture Invariant:** a peer learns nothing about a document it may not access: it is
//! answered exactly as if the document did not exist, and its messages never reach the document.
//!
//! **Architecture Invariant:** what a peer can make the hub remember is bounded by [`HubLimits`];
//! a malformed or out-of-turn message closes that peer's connection and no other.
//!
//! # Driving a hub
//!
//! Give every transport a [`ConnectionId`], tell the hub when it opens ([`Hub::dial`] on the side
//! that connects, [`Hub::accept`] on the side that listens), pass every frame to
//! [`Hub::receive`], every local edit to [`Hub::local_change`], and carry out the returned effects
//! in order. Call [`Hub::tick`] now and then so unfinished handshakes time out.
//!
//! A relay that takes many frames at once passes each to [`Hub::receive_deferred`] and then calls
//! [`Hub::flush`] once: every peer then gets one sync message per document for the whole batch
//! instead of one per frame.
//!
//! ```
//! use automerge::transaction::Transactable;
//! use automerge::{ROOT, ReadDoc};
//! use quota_sync::{ConnectionId, DocumentId, Effect, Hub, HubConfig, MemoryDocuments};
//!
//! /// Carries out effects: frames go to the outbox; returns whether a peer just connected.
//! fn carry(effects: Vec<Effect>, outbox: &mut Vec<Vec<u8>>) -> bool {
//!     let mut connected = false;
//!     for effect in effects {
//!         match effect {
//!             Effect::Send { frame, .. } => outbox.push(frame.to_vec()),
//!             Effect::PeerConnected { .. } => connected = true,
//!             // A real caller also closes sockets, persists changed documents, updates its UI.
//!             _ => {}
//!         }
//!     }
//!     connected
//! }
//!
//! let doc = DocumentId([1; 16]);
//! let mut client = Hub::new(HubConfig::new("client".into(), "client-session"));
//! let mut client_docs = MemoryDocuments::new();
//! client_docs.docs.entry(doc).or_default().transact(|tx| tx.put(ROOT, "title", "Q3 plan")).unwrap();
//! let mut relay = Hub::new(HubConfig::new("relay".into(), "relay-session"));
//! let mut relay_docs = MemoryDocuments::new();
//!
//! // One socket: connection 7 on the client's side, connection 1 on the relay's side.
//! let (mut to_relay, mut to_client) = (Vec::new(), Vec::new());
//! carry(relay.accept(ConnectionId(1), 0), &mut to_client);
//! carry(client.dial(ConnectionId(7), 0), &mut to_relay);
//! while !to_relay.is_empty() || !to_client.is_empty() {
//!     for frame in std::mem::take(&mut to_relay) {
//!         carry(relay.receive(&mut relay_docs, ConnectionId(1), &frame), &mut to_client);
//!     }
//!     for frame in std::mem::take(&mut to_client) {
//!         if carry(client.receive(&mut client_docs, ConnectionId(7), &frame), &mut to_relay) {
//!             // Once the relay answers, offer (or ask for) every document of the workspace.
//!             carry(client.request(&mut client_docs, &doc), &mut to_relay);
//!         }
//!     }
//! }
//! let (title, _) = relay_docs.docs[&doc].get(ROOT, "title").unwrap().unwrap();
//! assert_eq!(title.into_scalar().unwrap().into_string().unwrap(), "Q3 plan");
//! ```

mod document_id;
mod documents;
mod hub;
pub mod message;
mod peer;
mod receive;
mod shared;

pub use document_id::{BadDocumentId, DocumentId};
pub use documents::{AccessRule, Documents, MemoryDocuments};
pub use hub::{ANSWER_WAIT_MS, CloseReason, ConnectionId, Effect, Hub, HubConfig, HubLimits};
pub use message::{
    DecodeError, DecodeLimits, EphemeralMessage, Frame, Message, RemoteHeads, decode, encode, encode_sync,
};
pub use peer::{PeerId, PeerMetadata, StorageId};
