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
//!
//! A message is also kept to a size: when the changes a peer lacks come to more than the limit,
//! the message carries the first of them (in the order Automerge lists them, each after the
//! changes it depends on) up to the limit, and the rest are left out of the state's
//! `sent_hashes`, so the next message to that peer carries them. A peer that is far behind then
//! catches up over a few round trips, and no single frame (nor the socket buffer that a frame
//! grows for good) is larger than about the limit.

use std::collections::HashMap;

use automerge::sync::{self, ChunkList, SyncDoc};
use automerge::{Automerge, Change, ChangeHash};
use bytes::Bytes;

use crate::document_id::DocumentId;

/// Entries kept at most, over all documents, before they are all dropped. A relay's peers of one
/// document fall into a handful of states at a time; this bounds the memory a flood of peers in
/// different states could take.
const MAX_ENTRIES: usize = 512;

/// What generating a sync message from one state gave: the message, encoded, if there was
/// anything to say (every peer it goes to shares these bytes), and the state the call left.
#[derive(Clone)]
struct Outcome {
    message: Option<Bytes>,
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

    /// The next sync message for a peer in `state`, as `doc.generate_sync_message(state)` would
    /// make it, and `state` left as that call leaves it; except that changes past
    /// `max_change_bytes` are left for the next message (see the module documentation).
    pub fn generate(
        &mut self,
        document: &DocumentId,
        doc: &Automerge,
        state: &mut sync::State,
        max_change_bytes: usize,
    ) -> Option<Bytes> {
        let heads = doc.get_heads();
        if self.documents.get(document).is_some_and(|entries| entries.heads != heads) {
            self.forget(document);
        }
        if let Some(outcome) = self.documents.get(document).and_then(|entries| entries.outcomes.get(state)) {
            state.clone_from(&outcome.after);
            return outcome.message.clone();
        }
        let before = state.clone();
        let message = doc.generate_sync_message(state).map(|mut message| {
            keep_to_size(&mut message, state, max_change_bytes);
            Bytes::from(message.encode())
        });
        if self.entries >= MAX_ENTRIES {
            self.documents.clear();
            self.entries = 0;
        }
        let entries = self.documents.entry(*document).or_default();
        entries.heads = heads;
        entries.outcomes.insert(before, Outcome { message: message.clone(), after: state.clone() });
        self.entries += 1;
        message
    }
}

/// Leaves out of `message` the changes past the first `max_bytes` of them (always keeping the
/// first change), and out of `state.sent_hashes` the changes left out, so they are sent next
/// time.
fn keep_to_size(message: &mut sync::Message, state: &mut sync::State, max_bytes: usize) {
    let total: usize = message.changes.iter().map(<[u8]>::len).sum();
    if total <= max_bytes {
        return;
    }
    // The first message format lists changes one by one; the second lays them end to end in
    // one chunk. Either way each is a storage chunk that says its own length. A whole document
    // (sent to a peer that has nothing) cannot be cut and goes out as it is.
    let mut changes = Vec::new();
    for chunk in message.changes.iter() {
        match change_chunks(chunk) {
            Some(found) => changes.extend(found),
            None => return,
        }
    }
    let mut size = 0;
    let keep = changes
        .iter()
        .position(|change| {
            size += change.len();
            size > max_bytes
        })
        .map_or(changes.len(), |over| over.max(1));
    if keep == changes.len() {
        return;
    }
    let Ok(left_out) = changes[keep..].iter().map(|bytes| Change::try_from(*bytes)).collect::<Result<Vec<_>, _>>()
    else {
        return;
    };
    for change in &left_out {
        state.sent_hashes.remove(&change.hash());
    }
    let kept = match message.version {
        sync::MessageVersion::V1 => changes[..keep].iter().map(|bytes| bytes.to_vec()).collect(),
        sync::MessageVersion::V2 => vec![changes[..keep].concat()],
    };
    message.changes = ChunkList::from(kept);
}

/// The first bytes of every Automerge storage chunk.
const MAGIC_BYTES: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// The storage chunks laid end to end in `bytes`, if every one is a change (plain or
/// compressed). A chunk is the magic bytes, a checksum (4 bytes), its type (1 byte) and the
/// length of what follows as a LEB128 number.
fn change_chunks(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    const CHANGE: u8 = 1;
    const COMPRESSED_CHANGE: u8 = 2;
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let header = rest.get(..9)?;
        if header[..4] != MAGIC_BYTES || !matches!(header[8], CHANGE | COMPRESSED_CHANGE) {
            return None;
        }
        let (length, length_bytes) = leb128(&rest[9..])?;
        let end = 9usize.checked_add(length_bytes)?.checked_add(usize::try_from(length).ok()?)?;
        chunks.push(rest.get(..end)?);
        rest = &rest[end..];
    }
    Some(chunks)
}

/// An unsigned LEB128 number at the start of `bytes`, and how many bytes it took.
fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
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
            assert_eq!(shared.generate(&id, &doc, &mut memo, usize::MAX).map(|data| data.to_vec()), expected);
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
            assert_eq!(shared.generate(&id, &doc, &mut memo, usize::MAX).map(|data| data.to_vec()), expected);
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
        assert_eq!(
            shared.generate(&id, &doc, &mut state.clone(), usize::MAX).map(|data| data.to_vec()),
            None,
            "in sync: nothing to say"
        );
        edit(&mut doc, "b", 2);
        let mut own = state.clone();
        let expected = doc.generate_sync_message(&mut own).map(|m| m.encode());
        assert!(expected.is_some());
        assert_eq!(shared.generate(&id, &doc, &mut state.clone(), usize::MAX).map(|data| data.to_vec()), expected);
    }

    /// Syncs `peer` with `doc` through messages generated with `max_bytes`, until neither side
    /// has anything to say; returns the bytes of changes each message from `doc` carried.
    fn sync_within(doc: &Automerge, ours: &mut sync::State, peer: &mut Automerge, max_bytes: usize) -> Vec<usize> {
        let id = DocumentId([7; 16]);
        let mut shared = SharedMessages::default();
        let mut theirs = sync::State::new();
        let mut sizes = Vec::new();
        let mut doc = doc.clone();
        for _ in 0..200 {
            let ours_said = shared.generate(&id, &doc, ours, max_bytes);
            if let Some(generated) = &ours_said {
                let message = sync::Message::decode(generated).unwrap();
                sizes.push(message.changes.iter().map(<[u8]>::len).sum());
                peer.receive_sync_message(&mut theirs, message).unwrap();
            }
            let theirs_said = peer.generate_sync_message(&mut theirs);
            if ours_said.is_none() && theirs_said.is_none() {
                break;
            }
            if let Some(message) = theirs_said {
                crate::receive::receive_sync_message(&mut doc, ours, message).unwrap();
            }
        }
        sizes
    }

    #[test]
    fn a_peer_that_lacks_more_than_the_limit_gets_it_over_several_messages_within_the_limit() {
        let mut doc = Automerge::new();
        for i in 0..100 {
            edit(&mut doc, &format!("before-{i}"), i);
        }
        let mut peers = synced(&mut doc, 1);
        let (mut peer, mut ours) = peers.pop().unwrap();
        for i in 0..30 {
            edit(&mut doc, &format!("after-{i}"), i);
        }
        let one_change = doc.get_last_local_change().unwrap().raw_bytes().len();
        let limit = one_change * 4;
        let sizes = sync_within(&doc, &mut ours, &mut peer, limit);
        assert_eq!(peer.get_heads(), doc.get_heads(), "the peer caught up");
        assert!(sizes.iter().filter(|size| **size > 0).count() >= 30 / 4, "sizes {sizes:?}");
        assert!(sizes.iter().all(|size| *size <= limit), "limit {limit}, sizes {sizes:?}");
    }

    #[test]
    fn a_whole_document_for_a_peer_that_has_nothing_goes_out_uncut() {
        let mut doc = Automerge::new();
        for i in 0..50 {
            edit(&mut doc, &format!("key-{i}"), i);
        }
        let mut peer = Automerge::new();
        let sizes = sync_within(&doc, &mut sync::State::new(), &mut peer, 10);
        assert_eq!(peer.get_heads(), doc.get_heads());
        assert_eq!(sizes.iter().filter(|size| **size > 0).count(), 1, "one message carried the document: {sizes:?}");
    }

    #[test]
    fn chunks_laid_end_to_end_are_told_apart_and_anything_else_is_not_cut() {
        let mut doc = Automerge::new();
        edit(&mut doc, "a", 1);
        edit(&mut doc, "b", 2);
        let changes: Vec<Vec<u8>> = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        let joined = changes.concat();
        let found = change_chunks(&joined).expect("two changes");
        assert_eq!(found, vec![changes[0].as_slice(), changes[1].as_slice()]);
        assert_eq!(change_chunks(&joined[..joined.len() - 1]), None, "a truncated chunk");
        assert_eq!(change_chunks(&doc.save()), None, "a whole document");
        assert_eq!(leb128(&[0xe5, 0x8e, 0x26]), Some((624_485, 3)));
        assert_eq!(leb128(&[0x80]), None);
    }
}
