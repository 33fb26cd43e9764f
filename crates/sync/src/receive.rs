//! Taking in a sync message without walking the document's history.
//!
//! Most sync messages a relay receives acknowledge what it sent ("I now have these heads"), say
//! there is nothing new, or carry one new change. Automerge's `receive_sync_message` applies the
//! changes and updates the peer's [`sync::State`], but on the way it trims `sent_hashes` (the
//! changes sent to the peer and not yet acknowledged) by visiting every ancestor of the peer's
//! heads, which is the whole history of the document, for every message. In a relay passing a
//! long document's changes to a thousand peers that walk was most of the work.
//!
//! [`receive_sync_message`] applies the changes as Automerge does and makes the same state update
//! in time that depends on the changes made since the peer's heads rather than on the history: a
//! change sent to the peer is an ancestor of its heads exactly when it is not among the changes
//! since those heads, and all of them are when the peer's heads reach those of the last message
//! sent to it. A property test below holds the two to the same result on random histories and
//! messages, with and without changes, from states such as Automerge's own calls leave
//! (everything sent came from the document as it was when the last message went out).

use std::collections::BTreeSet;

use automerge::sync::{self, Capability, MessageFlags};
use automerge::{Automerge, AutomergeError, ChangeHash, ReadDoc};

/// Applies a sync message to the document and the peer's state, exactly as
/// `doc.receive_sync_message(state, message)` does, for any state that Automerge's sync calls
/// (and this one) have left.
pub fn receive_sync_message(
    doc: &mut Automerge,
    state: &mut sync::State,
    message: sync::Message,
) -> Result<(), AutomergeError> {
    state.in_flight = false;
    let before_heads = doc.get_heads();
    let sync::Message { heads, need, have, flags, changes, .. } = message;

    if let Some(flags) = flags {
        // A peer that sends flags understands the second message format.
        let mut capabilities = vec![Capability::MessageV2];
        if flags.contains(MessageFlags::SUPPORTS_SYNC_RESET) {
            capabilities.push(Capability::SyncReset);
        }
        state.their_capabilities = Some(capabilities);
        if flags.contains(MessageFlags::SYNC_RESET) {
            state.sent_hashes.clear();
        }
        state.peer_read_only = flags.contains(MessageFlags::READ_ONLY);
    }

    let carried_changes = !changes.is_empty();
    if carried_changes && !state.read_only {
        let joined: Vec<u8> = changes.iter().flatten().copied().collect();
        doc.load_incremental(&joined)?;
        state.shared_heads = advance_heads(&before_heads, &doc.get_heads(), &state.shared_heads);
    }

    let our_heads = doc.get_heads();
    let holds = Holdings::of(doc);
    let known: Vec<ChangeHash> = heads.iter().filter(|head| holds.has_change(head)).copied().collect();
    forget_acknowledged(&holds, &known, &our_heads, &state.last_sent_heads, &mut state.sent_hashes);

    if !carried_changes && heads == before_heads {
        state.last_sent_heads.clone_from(&heads);
    }

    if known.len() == heads.len() {
        state.shared_heads.clone_from(&heads);
        // A peer that lost everything starts over.
        if heads.is_empty() {
            state.last_sent_heads = Vec::new();
            state.sent_hashes = BTreeSet::new();
        }
    } else {
        let shared: BTreeSet<ChangeHash> = state.shared_heads.iter().chain(&known).copied().collect();
        state.shared_heads = shared.into_iter().collect();
    }

    state.their_have = Some(have);
    state.their_heads = Some(heads);
    state.their_need = Some(need);
    Ok(())
}

/// The heads both sides had, moved on by applying changes that took our heads from `before`
/// to `after`: our new heads, and those shared heads that are still heads.
fn advance_heads(before: &[ChangeHash], after: &[ChangeHash], shared: &[ChangeHash]) -> Vec<ChangeHash> {
    let new = after.iter().filter(|head| !before.contains(head));
    let kept = shared.iter().filter(|head| after.contains(head));
    let advanced: BTreeSet<ChangeHash> = new.chain(kept).copied().collect();
    advanced.into_iter().collect()
}

/// Drops from `sent` every change that is an ancestor of (or one of) the `known` heads.
///
/// A change is only ever sent from the document as it was when the message went out, so every
/// change in `sent` is an ancestor of (or one of) `last_sent`, the heads of the last message;
/// a peer whose heads reach those, as when it acknowledges the last message, has them all.
fn forget_acknowledged(
    holds: &Holdings<'_>,
    known: &[ChangeHash],
    our_heads: &[ChangeHash],
    last_sent: &[ChangeHash],
    sent: &mut BTreeSet<ChangeHash>,
) {
    if sent.is_empty() || known.is_empty() {
        return;
    }
    let reaches_last_sent = !last_sent.is_empty() && last_sent.iter().all(|head| known.contains(head));
    if known == our_heads || reaches_last_sent {
        // Every change the document holds is an ancestor of its heads.
        sent.retain(|hash| !holds.has_change(hash));
        return;
    }
    let since: BTreeSet<ChangeHash> = holds.doc.get_changes_meta(known).into_iter().map(|change| change.hash).collect();
    sent.retain(|hash| since.contains(hash) || !holds.has_change(hash));
}

/// Which changes a document holds, applied (not waiting for dependencies).
struct Holdings<'a> {
    doc: &'a Automerge,
    /// Whether no change waits for dependencies: then a change is applied exactly when it is not
    /// missing, which Automerge answers from an index.
    nothing_waits: bool,
}

impl Holdings<'_> {
    fn of(doc: &Automerge) -> Holdings<'_> {
        Holdings { doc, nothing_waits: doc.get_missing_deps(&[]).is_empty() }
    }

    fn has_change(&self, hash: &ChangeHash) -> bool {
        if self.nothing_waits {
            self.doc.get_missing_deps(std::slice::from_ref(hash)).is_empty()
        } else {
            self.doc.get_change_meta_by_hash(hash).is_some()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use automerge::sync::{BloomFilter, ChunkList, Have, MessageVersion, SyncDoc};
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ROOT};
    use proptest::prelude::*;

    use super::*;

    /// A document's history with branches, built from `steps`: each step has one of three
    /// writers commit, or merges one writer's document into another's. The relay holds what the
    /// first `relay_has` writers hold; the other writers' changes exist but are unknown to it,
    /// except, with `orphan`, the last writer's latest change, which the relay may hold without
    /// its dependencies (waiting for them). Returns the relay's document and every change any
    /// writer made, by hash.
    fn histories(
        steps: &[(u8, u8, bool)],
        relay_has: usize,
        orphan: bool,
    ) -> (Automerge, BTreeMap<ChangeHash, Vec<u8>>) {
        let mut writers: Vec<Automerge> =
            (0..3u8).map(|n| Automerge::new().with_actor(ActorId::from(vec![n + 1; 16]))).collect();
        for (i, &(who, other, merge)) in steps.iter().enumerate() {
            let (who, other) = (usize::from(who % 3), usize::from(other % 3));
            if merge && who != other {
                let mut from = writers[other].clone();
                writers[who].merge(&mut from).unwrap();
            } else {
                writers[who]
                    .transact::<_, _, AutomergeError>(|tx| tx.put(ROOT, format!("k{who}"), i as i64).map(|_| ()))
                    .unwrap();
            }
        }
        let mut relay = Automerge::new();
        for writer in writers.iter_mut().take(relay_has) {
            relay.merge(writer).unwrap();
        }
        if orphan && let Some(last) = writers[2].get_changes(&[]).last().cloned() {
            relay.apply_changes([last]).unwrap();
        }
        let mut all = BTreeMap::new();
        for writer in &writers {
            all.extend(writer.get_changes(&[]).into_iter().map(|c| (c.hash(), c.raw_bytes().to_vec())));
        }
        (relay, all)
    }

    fn pick(all: &[ChangeHash], mask: u64) -> Vec<ChangeHash> {
        all.iter().enumerate().filter(|(i, _)| mask >> (i % 64) & 1 == 1).map(|(_, h)| *h).collect()
    }

    #[derive(Debug, Clone)]
    struct Case {
        steps: Vec<(u8, u8, bool)>,
        relay_has: usize,
        masks: [u64; 8],
        bools: [bool; 8],
        flags: Option<u8>,
        /// 0: heads as drawn; 1: the relay's own heads; 2: the heads last sent and more; 3: no
        /// heads at all.
        heads_kind: u8,
        orphan: bool,
    }

    fn cases() -> impl Strategy<Value = Case> {
        (
            proptest::collection::vec((any::<u8>(), any::<u8>(), proptest::bool::weighted(0.3)), 1..40),
            1usize..=3,
            any::<[u64; 8]>(),
            any::<[bool; 8]>(),
            proptest::option::of(0u8..8),
            0u8..4,
            any::<bool>(),
        )
            .prop_map(|(steps, relay_has, masks, bools, flags, heads_kind, orphan)| Case {
                steps,
                relay_has,
                masks,
                bools,
                flags,
                heads_kind,
                orphan,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn a_message_leaves_the_state_and_the_document_as_automerge_leaves_them(case in cases()) {
            let (doc, raw) = histories(&case.steps, case.relay_has, case.orphan);
            let all: Vec<ChangeHash> = raw.keys().copied().collect();
            let [shared, last_sent, sent, their_heads, heads, need, have, carried] = case.masks;
            let mut state = sync::State::new();
            state.shared_heads = pick(&all, shared);
            // What was sent came from the relay's document as it was at the last message: a
            // prefix of its history, whose heads the last message carried.
            let history: Vec<_> = doc.get_changes_meta(&[]).into_iter().map(|c| (c.hash, c.deps)).collect();
            let prefix = &history[..(last_sent as usize) % (history.len() + 1)];
            let depended: BTreeSet<ChangeHash> = prefix.iter().flat_map(|(_, deps)| deps.iter().copied()).collect();
            let mut last_sent_heads: Vec<ChangeHash> =
                prefix.iter().map(|(hash, _)| *hash).filter(|hash| !depended.contains(hash)).collect();
            last_sent_heads.sort_unstable();
            let prefix_hashes: Vec<ChangeHash> = prefix.iter().map(|(hash, _)| *hash).collect();
            state.last_sent_heads = last_sent_heads;
            state.sent_hashes = pick(&prefix_hashes, sent).into_iter().collect();
            state.their_heads = case.bools[0].then(|| pick(&all, their_heads));
            state.in_flight = case.bools[1];
            state.have_responded = case.bools[2];
            state.peer_read_only = case.bools[3];
            state.read_only = case.bools[7];
            let heads = match case.heads_kind {
                0 => pick(&all, heads),
                1 => doc.get_heads(),
                2 => state.last_sent_heads.iter().copied().chain(pick(&all, heads)).collect(),
                _ => Vec::new(),
            };
            let last_sync = pick(&all, have);
            let bloom = if case.bools[4] { BloomFilter::from_hashes(last_sync.iter()) } else { BloomFilter::default() };
            let message = sync::Message {
                heads,
                need: pick(&all, need),
                have: vec![Have { last_sync, bloom }],
                // Any of the writers' changes, the relay's own and those it waits on among them.
                changes: if case.bools[6] {
                    ChunkList::from(pick(&all, carried).iter().map(|hash| raw[hash].clone()).collect::<Vec<_>>())
                } else {
                    ChunkList::empty()
                },
                flags: case.flags.map(|bits| {
                    let mut flags = MessageFlags::new();
                    flags.set(bits);
                    flags
                }),
                version: if case.bools[5] { MessageVersion::V2 } else { MessageVersion::V1 },
            };

            let mut theirs = doc.clone();
            let mut expected = state.clone();
            theirs.receive_sync_message(&mut expected, message.clone()).unwrap();
            let mut ours = doc.clone();
            receive_sync_message(&mut ours, &mut state, message).unwrap();
            prop_assert_eq!(state, expected);
            prop_assert_eq!(ours.get_heads(), theirs.get_heads());
            prop_assert_eq!(ours.get_missing_deps(&[]), theirs.get_missing_deps(&[]));
        }
    }
}
