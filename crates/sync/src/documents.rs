//! How the hub reaches documents it does not own: the [`Documents`] trait and a map that
//! implements it.

use std::collections::BTreeMap;

use automerge::Automerge;

use crate::document_id::DocumentId;
use crate::hub::ConnectionId;
use crate::peer::PeerId;

/// The caller's documents, as the hub sees them. The app implements it over its workspace, the
/// relay over its store; either may load documents on demand and drop idle ones between calls.
///
/// Document ids are one namespace for the whole hub: [`Documents::get`] and
/// [`Documents::update`] name a document by id alone. A relay serving several workspaces keeps a
/// single document per id, records which workspace brought it ([`Documents::create_for`] says
/// which connection did) and refuses the id to every other workspace in
/// [`Documents::may_access`].
///
/// **Access is checked first.** The hub calls [`Documents::may_access`] before it reads, creates
/// or mentions a document to a peer, and answers a refusal exactly as it answers a missing
/// document, so a peer learns nothing about documents outside its reach.
pub trait Documents {
    /// Whether the peer on `connection` may sync `document`. The relay answers from the
    /// workspace it authenticated the connection for; the app answers from its own documents.
    fn may_access(&mut self, connection: ConnectionId, peer: &PeerId, document: &DocumentId) -> bool;

    /// The document, if there is one.
    fn get(&mut self, document: &DocumentId) -> Option<&Automerge>;

    /// Runs `change` on the document and returns true, or returns false if there is no such
    /// document. The app re-reads its records here; the hub reports the change afterwards as
    /// [`crate::Effect::DocumentChanged`], which is the cue to persist it.
    fn update(&mut self, document: &DocumentId, change: &mut dyn FnMut(&mut Automerge)) -> bool;

    /// Starts an empty document because a permitted peer sent data for one we lack. Returns false
    /// to refuse (an id the caller does not recognise, a full store); the peer is then told the
    /// document is unavailable.
    fn create(&mut self, document: &DocumentId) -> bool;

    /// Starts an empty document for data sent by the peer on `connection`, which
    /// [`Documents::may_access`] has just allowed. The hub always calls this one; by default it
    /// calls [`Documents::create`]. A store that files documents by who brought them (a relay
    /// keeping each workspace apart) overrides it.
    fn create_for(&mut self, _connection: ConnectionId, _peer: &PeerId, document: &DocumentId) -> bool {
        self.create(document)
    }
}

/// Documents held in memory, every one open to every connection unless a rule says otherwise.
/// Enough for tests and for a peer with nothing to hide; a relay with workspaces implements
/// [`Documents`] over its own store.
#[derive(Default)]
pub struct MemoryDocuments {
    pub docs: BTreeMap<DocumentId, Automerge>,
    /// Whether a peer may reach a document; `None` lets everyone in.
    pub rule: Option<AccessRule>,
    /// Whether a peer may bring in documents this map does not have yet.
    pub refuse_new: bool,
}

/// A decision about one connection and one document.
pub type AccessRule = Box<dyn FnMut(ConnectionId, &PeerId, &DocumentId) -> bool>;

impl MemoryDocuments {
    pub fn new() -> MemoryDocuments {
        MemoryDocuments::default()
    }
}

impl Documents for MemoryDocuments {
    fn may_access(&mut self, connection: ConnectionId, peer: &PeerId, document: &DocumentId) -> bool {
        self.rule.as_mut().is_none_or(|rule| rule(connection, peer, document))
    }

    fn get(&mut self, document: &DocumentId) -> Option<&Automerge> {
        self.docs.get(document)
    }

    fn update(&mut self, document: &DocumentId, change: &mut dyn FnMut(&mut Automerge)) -> bool {
        match self.docs.get_mut(document) {
            Some(doc) => {
                change(doc);
                true
            }
            None => false,
        }
    }

    fn create(&mut self, document: &DocumentId) -> bool {
        if self.refuse_new {
            return false;
        }
        self.docs.entry(*document).or_default();
        true
    }
}
