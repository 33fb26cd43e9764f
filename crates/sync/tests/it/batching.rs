//! A relay that takes frames with `receive_deferred`, answers at once each frame that waits for
//! an answer (`flush_to`) and flushes the rest once per batch, paced by each peer's answers
//! (`flush_where`): changes land at once, each onlooking peer gets one sync message per flush
//! however many changes the batch held, and no message carries more than a set size of changes.

use std::collections::BTreeMap;

use quota_sync::{ConnectionId, DecodeLimits, Effect, Message, decode};

use crate::net::{Net, doc_id};

/// How many sync messages the effects send to each connection.
fn syncs_per_connection(effects: &[Effect]) -> BTreeMap<ConnectionId, usize> {
    let mut counts = BTreeMap::new();
    for effect in effects {
        if let Effect::Send { connection, frame } = effect
            && let Ok(Message::Sync { .. } | Message::Request { .. }) =
                decode(&frame.to_vec(), &DecodeLimits::default())
        {
            *counts.entry(*connection).or_default() += 1;
        }
    }
    counts
}

/// A batching relay with three clients that all hold the document `doc_id(7)`; returns the
/// relay, the clients and each client's connection as the relay names it.
fn relay_with_three_clients() -> (Net, usize, Vec<usize>, Vec<ConnectionId>) {
    let mut net = Net::new();
    let relay = net.add_batching_relay("relay");
    let clients: Vec<usize> = ["ann", "ben", "cai"].iter().map(|name| net.add(name)).collect();
    let doc = doc_id(7);
    for &client in &clients {
        net.nodes[client].wants.push(doc);
    }
    net.edit(clients[0], doc, "created", "yes");
    let on_relay = clients.iter().map(|&client| net.connect(client, relay).1).collect();
    net.settle();
    for &client in &clients {
        assert_eq!(net.value(client, doc, "created").as_deref(), Some("yes"));
    }
    (net, relay, clients, on_relay)
}

#[test]
fn a_burst_of_a_hundred_changes_costs_each_peer_one_sync_message_per_flush() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    // Ann edits a hundred times while the relay is busy; her frames all reach it before it
    // flushes, as they would within one turn of the relay's loop.
    for i in 0..100 {
        net.edit(clients[0], doc, &format!("edit-{i}"), &i.to_string());
    }
    let mut frames = 0;
    while net.deliver(on_relay[0]) {
        frames += 1;
    }
    assert!(frames >= 100, "ann sent {frames} frames");
    assert!(!net.busy().contains(&on_relay[0]));

    // Every change is in the relay's document before anything is sent on.
    assert_eq!(net.value(relay, doc, "edit-99").as_deref(), Some("99"));
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush(&mut n.docs);
    let counts = syncs_per_connection(&effects);
    for connection in &on_relay {
        assert!(counts.get(connection).copied().unwrap_or(0) <= 1, "{connection:?} got {counts:?}");
    }
    assert_eq!(counts.get(&on_relay[1]), Some(&1), "ben must hear of the burst");
    assert_eq!(counts.get(&on_relay[2]), Some(&1), "cai must hear of the burst");
    net.apply(relay, effects);

    net.settle();
    for &client in &clients {
        for i in [0, 50, 99] {
            assert_eq!(net.value(client, doc, &format!("edit-{i}")), Some(i.to_string()), "client {client}");
        }
    }
    let heads: Vec<_> = clients.iter().map(|&c| net.nodes[c].docs.docs[&doc].get_heads()).collect();
    assert!(heads.iter().all(|h| *h == heads[0]));
}

#[test]
fn peers_in_the_same_state_are_sent_one_shared_copy_of_the_same_sync_message() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    net.edit(clients[0], doc, "from-ann", "1");
    net.deliver(on_relay[0]);
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush(&mut n.docs);
    let bodies: BTreeMap<ConnectionId, (usize, Vec<u8>)> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Send { connection, frame } if *connection != on_relay[0] => {
                Some((*connection, (frame.body.as_ptr() as usize, frame.body.to_vec())))
            }
            _ => None,
        })
        .collect();
    let (ben, cai) = (&bodies[&on_relay[1]], &bodies[&on_relay[2]]);
    assert!(!ben.1.is_empty(), "the change goes in the shared body");
    assert_eq!(ben, cai, "ben and cai share one copy of the message");
    net.apply(relay, effects);
    net.settle();
    assert_eq!(net.value(clients[2], doc, "from-ann").as_deref(), Some("1"));
}

#[test]
fn frames_taken_without_a_flush_change_the_document_but_send_no_sync_message() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    net.edit(clients[1], doc, "from-ben", "hello");
    let frame = net.peek(on_relay[1], 0).cloned().expect("ben sent his change");
    let n = &mut net.nodes[relay];
    let effects = n.hub.receive_deferred(&mut n.docs, on_relay[1], &frame);

    assert_eq!(effects, vec![Effect::DocumentChanged { connection: on_relay[1], document: doc }]);
    assert!(n.hub.has_owed());
    assert_eq!(net.value(relay, doc, "from-ben").as_deref(), Some("hello"));
}

#[test]
fn a_peer_that_leaves_before_the_flush_is_owed_nothing() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    net.edit(clients[0], doc, "from-ann", "1");
    net.deliver(on_relay[0]);
    // Ben and Cai are owed the change, Ann an answer; all three leave before the flush.
    for connection in &on_relay {
        net.cut(*connection);
    }
    let n = &mut net.nodes[relay];
    assert!(!n.hub.has_owed());
    assert_eq!(n.hub.flush(&mut n.docs), Vec::new());
}

#[test]
fn two_peers_bursting_at_once_converge_through_a_batching_relay() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    for i in 0..30 {
        net.edit(clients[0], doc, &format!("ann-{i}"), "a");
        net.edit(clients[2], doc, &format!("cai-{i}"), "c");
        net.edit(clients[0], doc, "shared", &format!("ann-{i}"));
        net.edit(clients[2], doc, "shared", &format!("cai-{i}"));
    }
    while net.deliver(on_relay[0]) | net.deliver(on_relay[2]) {}
    net.flush(relay);
    net.settle();
    let heads: Vec<_> = clients.iter().map(|&c| net.nodes[c].docs.docs[&doc].get_heads()).collect();
    assert!(heads.iter().all(|h| *h == heads[0]), "the clients disagree");
    for &client in &clients {
        assert_eq!(net.value(client, doc, "ann-29").as_deref(), Some("a"));
        assert_eq!(net.value(client, doc, "cai-29").as_deref(), Some("c"));
        assert_eq!(net.value(client, doc, "shared"), net.value(clients[0], doc, "shared"));
    }
}

#[test]
fn the_sender_hears_back_at_once_and_the_others_at_the_flush() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    net.edit(clients[1], doc, "from-ben", "hello");
    let frame = net.peek(on_relay[1], 0).cloned().expect("ben sent his change");
    let n = &mut net.nodes[relay];
    let mut effects = n.hub.receive_deferred(&mut n.docs, on_relay[1], &frame);
    effects.extend(n.hub.flush_to(&mut n.docs, on_relay[1]));
    let counts = syncs_per_connection(&effects);
    assert_eq!(counts.get(&on_relay[1]), Some(&1), "ben is answered at once: {counts:?}");
    assert_eq!(counts.len(), 1, "nobody else hears before the flush: {counts:?}");
    assert!(n.hub.has_owed(), "ann and cai are still owed the change");

    let later = n.hub.flush(&mut n.docs);
    let counts = syncs_per_connection(&later);
    assert_eq!(counts.get(&on_relay[0]), Some(&1));
    assert_eq!(counts.get(&on_relay[2]), Some(&1));
    assert_eq!(counts.get(&on_relay[1]), None, "ben was answered already");
}

#[test]
fn a_peer_whose_heads_the_relay_lacks_is_asked_for_them_at_once() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    net.edit(clients[1], doc, "from-ben", "hello");
    let frame = net.peek(on_relay[1], 0).cloned().expect("ben sent his change");
    // The frame as it would be had the relay's filter told Ben, falsely, that it had his change:
    // his new heads and none of the changes behind them.
    let Ok(Message::Sync { document_id, sender_id, target_id, data }) = decode(&frame, &DecodeLimits::default()) else {
        panic!("ben's change came in a sync message");
    };
    let mut message = automerge::sync::Message::decode(&data).expect("a sync message");
    let ben_heads = message.heads.clone();
    message.changes = automerge::sync::ChunkList::from(Vec::<Vec<u8>>::new());
    let bare = quota_sync::encode(&Message::Sync { document_id, sender_id, target_id, data: message.encode() });

    let n = &mut net.nodes[relay];
    let mut effects = n.hub.receive_deferred(&mut n.docs, on_relay[1], &bare);
    effects.extend(n.hub.flush_to(&mut n.docs, on_relay[1]));
    let asks: Vec<_> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Send { connection, frame } if *connection == on_relay[1] => {
                match decode(&frame.to_vec(), &DecodeLimits::default()) {
                    Ok(Message::Sync { data, .. }) => Some(automerge::sync::Message::decode(&data).expect("sync").need),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    assert_eq!(asks, vec![ben_heads], "the relay asks Ben at once for the change behind his heads");
}

#[test]
fn a_connection_held_back_keeps_what_it_is_owed_and_later_hears_it_in_one_message() {
    let (mut net, relay, clients, on_relay) = relay_with_three_clients();
    let doc = doc_id(7);
    net.edit(clients[0], doc, "first", "1");
    net.deliver(on_relay[0]);
    let held = on_relay[2];
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush_where(&mut n.docs, 0, |connection| connection != held);
    let counts = syncs_per_connection(&effects);
    assert_eq!(counts.get(&on_relay[1]), Some(&1), "ben is ready and hears of the change: {counts:?}");
    assert_eq!(counts.get(&held), None, "cai is held back: {counts:?}");
    assert!(n.hub.has_owed(), "cai is still owed the change");
    net.apply(relay, effects);

    // A second change while Cai is still held back.
    net.edit(clients[0], doc, "second", "2");
    net.deliver(on_relay[0]);
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush_where(&mut n.docs, 0, |_| true);
    assert_eq!(syncs_per_connection(&effects).get(&held), Some(&1), "one message for both changes");
    net.apply(relay, effects);
    net.settle();
    assert_eq!(net.value(clients[2], doc, "first").as_deref(), Some("1"));
    assert_eq!(net.value(clients[2], doc, "second").as_deref(), Some("2"));
}

/// A batching relay with Ann and Ben, who both hold the document `doc_id(7)`, settled; returns
/// the relay, the clients, and each client's connection as (the client names it, the relay
/// names it).
fn relay_with_two_clients() -> (Net, usize, [usize; 2], [(ConnectionId, ConnectionId); 2]) {
    let mut net = Net::new();
    let relay = net.add_batching_relay("relay");
    let clients = [net.add("ann"), net.add("ben")];
    let doc = doc_id(7);
    for client in clients {
        net.nodes[client].wants.push(doc);
    }
    net.edit(clients[0], doc, "created", "yes");
    let links = clients.map(|client| net.connect(client, relay));
    net.settle();
    (net, relay, clients, links)
}

/// Ann edits and her frame reaches the relay, which answers her at once.
fn ann_edits(net: &mut Net, clients: [usize; 2], links: [(ConnectionId, ConnectionId); 2], key: &str) {
    net.edit(clients[0], doc_id(7), key, "1");
    while net.deliver(links[0].1) {}
}

#[test]
fn a_peer_that_has_not_answered_a_change_is_held_back_and_then_hears_the_rest_in_one_message() {
    let (mut net, relay, clients, links) = relay_with_two_clients();
    let (ben, ben_on_relay) = links[1];
    ann_edits(&mut net, clients, links, "first");
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush_where(&mut n.docs, 0, |_| true);
    assert_eq!(syncs_per_connection(&effects).get(&ben_on_relay), Some(&1), "ben hears of the first change");
    net.apply(relay, effects);

    // A second change before Ben has answered the first: he is sent nothing more for now.
    ann_edits(&mut net, clients, links, "second");
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush_where(&mut n.docs, 10, |_| true);
    assert_eq!(syncs_per_connection(&effects).get(&ben_on_relay), None, "ben has not answered yet");
    assert!(n.hub.has_owed(), "ben is still owed the second change");
    net.apply(relay, effects);

    // Ben takes the first change and acknowledges it. A bare acknowledgement is not answered at
    // once: what it calls for waits for the next flush.
    assert!(net.deliver(ben));
    let ack = net.peek(ben_on_relay, 0).cloned().expect("ben acknowledged the first change");
    let n = &mut net.nodes[relay];
    let mut effects = n.hub.receive_deferred(&mut n.docs, ben_on_relay, &ack);
    effects.extend(n.hub.flush_to(&mut n.docs, ben_on_relay));
    assert_eq!(syncs_per_connection(&effects).get(&ben_on_relay), None, "a bare acknowledgement waits");
    let effects = n.hub.flush_where(&mut n.docs, 20, |_| true);
    assert_eq!(syncs_per_connection(&effects).get(&ben_on_relay), Some(&1), "ben answered, so he hears the rest");
    net.apply(relay, effects);
    assert!(net.deliver(ben));
    assert_eq!(net.value(clients[1], doc_id(7), "second").as_deref(), Some("1"));
}

#[test]
fn a_peer_that_stays_silent_hears_the_next_changes_once_the_answer_wait_is_over() {
    let (mut net, relay, clients, links) = relay_with_two_clients();
    let ben_on_relay = links[1].1;
    ann_edits(&mut net, clients, links, "first");
    let n = &mut net.nodes[relay];
    let effects = n.hub.flush_where(&mut n.docs, 1_000, |_| true);
    assert_eq!(syncs_per_connection(&effects).get(&ben_on_relay), Some(&1));
    net.apply(relay, effects);

    ann_edits(&mut net, clients, links, "second");
    ann_edits(&mut net, clients, links, "third");
    let n = &mut net.nodes[relay];
    let just_before = 1_000 + quota_sync::ANSWER_WAIT_MS - 1;
    assert_eq!(syncs_per_connection(&n.hub.flush_where(&mut n.docs, just_before, |_| true)).get(&ben_on_relay), None);
    let effects = n.hub.flush_where(&mut n.docs, just_before + 1, |_| true);
    assert_eq!(syncs_per_connection(&effects).get(&ben_on_relay), Some(&1), "one message for both changes");
    net.apply(relay, effects);
    net.settle();
    for key in ["first", "second", "third"] {
        assert_eq!(net.value(clients[1], doc_id(7), key).as_deref(), Some("1"), "{key}");
    }
}

/// The changes a sync frame carries, in bytes, and how many chunks hold them (the second
/// message format lays all its changes end to end in one chunk).
fn changes_in(bytes: &[u8]) -> Option<(usize, usize)> {
    match decode(bytes, &DecodeLimits::default()) {
        Ok(Message::Sync { data, .. } | Message::Request { data, .. }) => {
            let message = automerge::sync::Message::decode(&data).expect("a sync message");
            Some((message.changes.iter().map(<[u8]>::len).sum(), message.changes.len()))
        }
        _ => None,
    }
}

#[test]
fn a_peer_far_behind_gets_the_changes_in_messages_of_bounded_size_and_catches_up() {
    let (mut net, relay, clients, links) = relay_with_two_clients();
    let (ben, ben_on_relay) = links[1];
    // A long history both hold, so that what Ben misses is too little of the document for it to
    // be sent whole.
    for i in 0..300 {
        net.edit(clients[0], doc_id(7), "before", &i.to_string());
    }
    net.settle();
    // Ben goes away; Ann makes a hundred edits meanwhile.
    net.cut(ben);
    net.settle();
    for i in 0..100 {
        net.edit(clients[0], doc_id(7), &format!("edit-{i}"), &i.to_string());
    }
    net.settle();
    assert_eq!(net.value(relay, doc_id(7), "edit-99").as_deref(), Some("99"));
    let (ben, ben_on_relay_again) = net.connect(clients[1], relay);
    assert_ne!(ben_on_relay, ben_on_relay_again);

    // Everything the relay sends Ben stays within the limit, and he still gets every edit.
    let mut messages_with_changes = 0;
    loop {
        let mut moved = false;
        while let Some(frame) = net.peek(ben, 0).cloned() {
            if let Some((bytes, chunks)) = changes_in(&frame)
                && chunks > 0
            {
                messages_with_changes += 1;
                // Each edit here is far smaller than the limit, so no message may pass it.
                assert!(bytes <= crate::net::BATCHING_RELAY_CHANGE_BYTES, "a message carried {bytes} bytes of changes");
            }
            net.deliver(ben);
            moved = true;
        }
        moved |= net.deliver(ben_on_relay_again);
        moved |= net.flush(relay);
        if !moved {
            break;
        }
    }
    assert!(messages_with_changes > 3, "the edits came in {messages_with_changes} messages");
    for i in [0, 50, 99] {
        assert_eq!(net.value(clients[1], doc_id(7), &format!("edit-{i}")), Some(i.to_string()));
    }
    assert_eq!(
        net.nodes[clients[1]].docs.docs[&doc_id(7)].get_heads(),
        net.nodes[clients[0]].docs.docs[&doc_id(7)].get_heads()
    );
}

#[test]
fn a_peer_far_behind_hears_the_rest_in_answer_to_each_reply_without_waiting_for_a_flush() {
    let (mut net, relay, clients, links) = relay_with_two_clients();
    for i in 0..300 {
        net.edit(clients[0], doc_id(7), "before", &i.to_string());
    }
    net.settle();
    net.cut(links[1].0);
    net.settle();
    for i in 0..100 {
        net.edit(clients[0], doc_id(7), &format!("edit-{i}"), &i.to_string());
    }
    net.settle();
    let (ben, ben_on_relay) = net.connect(clients[1], relay);

    // Only frames move, and the relay never flushes: each part must come as the answer to Ben's
    // reply to the part before, which asks (`need`) for the heads he still lacks.
    let mut frames_to_ben = 0;
    loop {
        let to_ben = net.deliver(ben);
        frames_to_ben += usize::from(to_ben);
        if !(to_ben | net.deliver(ben_on_relay)) {
            break;
        }
    }
    assert!(frames_to_ben > 4, "the edits came in {frames_to_ben} frames");
    for i in [0, 50, 99] {
        assert_eq!(net.value(clients[1], doc_id(7), &format!("edit-{i}")), Some(i.to_string()), "edit-{i}");
    }
}
