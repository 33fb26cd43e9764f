//! The automerge-repo network protocol without IO.
//!
//! [`message`] reads and writes the protocol's CBOR messages; [`Hub`] runs the handshakes and the
//! per-document sync over any number of connections, reaching documents through the caller's
//! [`Documents`] and returning [`Effect`]s for the caller to carry out. Time is passed in and
//! nothing here reads a clock or draws random numbers, so the same code runs in the browser, in
//! the relay and in tests over an in-memory network.

mod document_id;
mod documents;
mod hub;
pub mod message;
mod peer;

pub use document_id::{BadDocumentId, DocumentId};
pub use documents::{AccessRule, Documents, MemoryDocuments};
pub use hub::{CloseReason, ConnectionId, Effect, Hub, HubConfig, HubLimits};
pub use message::{DecodeError, DecodeLimits, EphemeralMessage, Message, RemoteHeads, decode, encode};
pub use peer::{PeerId, PeerMetadata, StorageId};
