//! Sync messages shared among peers in the same sync state.
//!
//! A relay passes each change on to every peer of a document, and most of those peers were in
//! the same place before it came: they had acknowledged the same heads, said they have the same
//! changes, need nothing, and have the same changes in flight. Automerge's
//! `generate_sync_message` would work out the same message for each of them, walking the change
//! graph, building a Bloom filter and encoding the changes every time. [`SharedMessages`] works
//! it out for the first peer and hands the result to the others.
//!
//! What `generate_sync_message` returns, and how it leaves the peer's [`sync::State`], depends
//! only on the document and on that state. The state is the lookup key, whole. The document is
//! pinned by its heads: a document's entries are dropped as soon as its heads move, and the hub
//! drops them whenever it applies a message that carries changes, which could add changes it
//! cannot apply yet without moving the heads.

use std::collections::HashMap;

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash};

use crate::document_id::DocumentId;

/// Entries kept at most, over all documents, before they are all dropped. A relay's peers of one
/// document fall into a handful of states at a time; this bounds the memory a flood of peers in
/// different states could take.
const MAX_ENTRIES: usize = 512;

/// What generating a sync message from one state gave: the encoded message, if there was
/// anything to say, and the state the call left.
#[derive(Clone)]
struct Outcome {
    data: Option<Vec<u8>>,
    after: sync::State,
}

#[derive(Default)]
struct DocumentEntries {
    heads: Vec<ChangeHash>,
    outcomes: HashMap<sync::State, Outcome>,
}

/// The memo of generated sync messages; see the module documentation.
#[derive(Default)]
pub struct SharedMessages {
    documents: HashMap<DocumentId, DocumentEntries>,
    entries: usize,
}

impl SharedMessages {
    /// Forgets what was generated for a document; the hub calls this when the document may have
    /// changed without its heads moving.
    pub fn forget(&mut self, document: &DocumentId) {
        if let Some(entries) = self.documents.remove(document) {
            self.entries -= entries.outcomes.len();
        }
    }

    /// The next sync message for a peer in `state`, encoded, exactly as
    /// `doc.generate_sync_message(state)` would make it, and `state` left as that call leaves it.
    pub fn generate(&mut self, document: &DocumentId, doc: &Automerge, state: &mut sync::State) -> Option<Vec<u8>> {
        let heads = doc.get_heads();
        if self.documents.get(document).is_some_and(|entries| entries.heads != heads) {
            self.forget(document);
        }
        if let Some(outcome) = self.documents.get(document).and_then(|entries| entries.outcomes.get(state)) {
            state.clone_from(&outcome.after);
            return outcome.data.clone();
        }
        let before = state.clone();
        let data = doc.generate_sync_message(state).map(|message| message.encode());
        if self.entries >= MAX_ENTRIES {
            self.documents.clear();
            self.entries = 0;
        }
        let entries = self.documents.entry(*document).or_default();
        entries.heads = heads;
        entries.outcomes.insert(before, Outcome { data: data.clone(), after: state.clone() });
        self.entries += 1;
        data
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ROOT, sync::SyncDoc};

    use super::*;

    fn edit(doc: &mut Automerge, key: &str, value: i64) {
        doc.transact::<_, _, automerge::AutomergeError>(|tx| tx.put(ROOT, key, value).map(|_| ())).unwrap();
    }

    /// Two fresh peers synced to the end with `doc`, their states on `doc`'s side.
    fn synced(doc: &mut Automerge, peers: usize) -> Vec<(Automerge, sync::State)> {
        let mut out = Vec::new();
        for _ in 0..peers {
            let mut peer = Automerge::new();
            let (mut ours, mut theirs) = (sync::State::new(), sync::State::new());
            for _ in 0..10 {
                if let Some(m) = doc.generate_sync_message(&mut ours) {
                    peer.receive_sync_message(&mut theirs, m).unwrap();
                }
                if let Some(m) = peer.generate_sync_message(&mut theirs) {
                    doc.receive_sync_message(&mut ours, m).unwrap();
                }
            }
            assert_eq!(peer.get_heads(), doc.get_heads());
            out.push((peer, ours));
        }
        out
    }

    #[test]
    fn peers_in_the_same_state_get_the_message_their_own_call_would_make() {
        let mut doc = Automerge::new();
        edit(&mut doc, "a", 1);
        let peers = synced(&mut doc, 3);
        edit(&mut doc, "b", 2);
        let id = DocumentId([7; 16]);
        let mut shared = SharedMessages::default();
        for (_, state) in peers {
            let mut own = state.clone();
            let mut memo = state.clone();
            let expected = doc.generate_sync_message(&mut own).map(|m| m.encode());
            assert!(expected.is_some());
            assert_eq!(shared.generate(&id, &doc, &mut memo), expected);
            assert_eq!(memo, own);
        }
        assert_eq!(shared.entries, 1, "the three peers shared one generated message");
        assert_eq!(shared.documents[&id].heads, doc.get_heads());
    }

    #[test]
    fn a_change_already_sent_to_a_peer_is_not_sent_again() {
        let mut doc = Automerge::new();
        edit(&mut doc, "a", 1);
        let mut peers = synced(&mut doc, 2);
        edit(&mut doc, "b", 2);
        let id = DocumentId([7; 16]);
        let mut shared = SharedMessages::default();
        // The second peer was already sent the new change once (a message that got lost, say)
        // and its state was then put back as it was, except for what was sent.
        let new = doc.get_heads();
        peers[1].1.sent_hashes.extend(new.iter().copied());
        for (_, state) in peers {
            let mut own = state.clone();
            let mut memo = state.clone();
            let expected = doc.generate_sync_message(&mut own).map(|m| m.encode());
            assert_eq!(shared.generate(&id, &doc, &mut memo), expected);
            assert_eq!(memo, own);
        }
    }

    #[test]
    fn entries_are_dropped_when_the_heads_move() {
        let mut doc = Automerge::new();
        edit(&mut doc, "a", 1);
        let peers = synced(&mut doc, 1);
        let id = DocumentId([7; 16]);
        let mut shared = SharedMessages::default();
        let state = peers[0].1.clone();
        assert_eq!(shared.generate(&id, &doc, &mut state.clone()), None, "in sync: nothing to say");
        edit(&mut doc, "b", 2);
        let mut own = state.clone();
        let expected = doc.generate_sync_message(&mut own).map(|m| m.encode());
        assert!(expected.is_some());
        assert_eq!(shared.generate(&id, &doc, &mut state.clone()), expected);
    }
}
