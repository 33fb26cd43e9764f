//! Who is on the other end of a connection: peer ids, storage ids and the metadata peers trade.

use std::fmt;

/// The id a peer announces in its handshake. automerge-repo peers draw a fresh one per running
/// process (a browser tab), so it names a session rather than a person or a device.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct PeerId(pub String);

impl PeerId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for PeerId {
    fn from(s: &str) -> Self {
        PeerId(s.to_string())
    }
}

impl From<String> for PeerId {
    fn from(s: String) -> Self {
        PeerId(s)
    }
}

/// The id of a peer's persistent storage (an IndexedDB database, a relay's data directory); many
/// peer ids, such as several tabs, may share one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct StorageId(pub String);

impl fmt::Display for StorageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a peer says about itself in `join` and `peer` messages.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PeerMetadata {
    /// The storage behind the peer, if it keeps documents between sessions.
    pub storage_id: Option<StorageId>,
    /// Whether the peer expects never to come back with this storage id.
    pub is_ephemeral: bool,
}
