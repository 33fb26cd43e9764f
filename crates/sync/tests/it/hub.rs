//! The hub over an in-memory network: handshakes, syncing, unavailable and refused documents,
//! misbehaving peers and ephemeral messages.

use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT, ReadDoc};
use quota_sync::{
    CloseReason, ConnectionId, DecodeError, DecodeLimits, DocumentId, Effect, EphemeralMessage, Hub, HubConfig,
    HubLimits, MemoryDocuments, Message, PeerId, PeerMetadata, StorageId, decode, encode,
};

use crate::net::{Net, doc_id};

#[test]
fn two_peers_sync_a_document_both_ways() {
    let mut net = Net::new();
    let a = net.add("alice");
    let b = net.add("bob");
    let doc = doc_id(1);
    net.edit(a, doc, "from-alice", "1");
    net.connect(a, b);
    net.settle();
    assert_eq!(net.value(b, doc, "from-alice").as_deref(), Some("1"));

    net.edit(b, doc, "from-bob", "2");
    net.settle();
    assert_eq!(net.value(a, doc, "from-bob").as_deref(), Some("2"));
    net.edit(a, doc, "from-alice", "3");
    net.settle();
    assert_eq!(net.value(b, doc, "from-alice").as_deref(), Some("3"));
}

#[test]
fn each_side_learns_who_connected_and_who_left() {
    let mut net = Net::new();
    let a = net.add("alice");
    let b = net.add("bob");
    let (on_a, on_b) = net.connect(a, b);
    net.settle();
    assert!(net.events(a).contains(&Effect::PeerConnected { connection: on_a, peer: "bob".into(), metadata: None }));
    assert!(net.events(b).contains(&Effect::PeerConnected { connection: on_b, peer: "alice".into(), metadata: None }));
    assert_eq!(net.nodes[a].hub.peers().collect::<Vec<_>>(), vec![(on_a, &PeerId::from("bob"))]);

    let effects = net.nodes[a].hub.leave(on_a);
    net.apply(a, effects);
    net.settle();
    assert!(net.events(b).contains(&Effect::PeerDisconnected { connection: on_b, peer: "alice".into() }));
    assert_eq!(net.nodes[b].hub.peers().count(), 0);
    assert_eq!(net.nodes[a].hub.peers().count(), 0);
}

#[test]
fn a_requested_document_nobody_has_is_unavailable_and_arrives_once_it_exists() {
    let mut net = Net::new();
    let relay = net.add_relay("relay");
    let alice = net.add("alice");
    let bob = net.add("bob");
    let doc = doc_id(2);
    let (alice_side, _) = net.connect(alice, relay);
    net.settle();
    let n = &mut net.nodes[alice];
    let effects = n.hub.request(&mut n.docs, &doc);
    net.apply(alice, effects);
    net.settle();
    let events = net.events(alice);
    assert!(events.contains(&Effect::DocumentUnavailable { connection: alice_side, document: doc }), "{events:?}");
    assert_eq!(net.value(alice, doc, "title"), None);

    net.edit(bob, doc, "title", "Q3 plan");
    net.connect(bob, relay);
    net.settle();
    assert_eq!(net.value(relay, doc, "title").as_deref(), Some("Q3 plan"));
    assert_eq!(net.value(alice, doc, "title").as_deref(), Some("Q3 plan"));
    assert!(net.events(alice).contains(&Effect::DocumentChanged { connection: alice_side, document: doc }));
}

#[test]
fn a_change_reaching_the_relay_is_passed_on_to_every_client_syncing_the_document() {
    let mut net = Net::new();
    let relay = net.add_relay("relay");
    let clients: Vec<usize> = ["a", "b", "c"].iter().map(|name| net.add(name)).collect();
    let doc = doc_id(3);
    net.edit(clients[0], doc, "start", "yes");
    for &client in &clients {
        net.connect(client, relay);
    }
    net.settle();
    for &client in &clients[1..] {
        let n = &mut net.nodes[client];
        let effects = n.hub.request(&mut n.docs, &doc);
        net.apply(client, effects);
    }
    net.settle();
    net.edit(clients[2], doc, "from-c", "hello");
    net.settle();
    for &client in &clients {
        assert_eq!(net.value(client, doc, "start").as_deref(), Some("yes"));
        assert_eq!(net.value(client, doc, "from-c").as_deref(), Some("hello"));
    }
}

/// A relay hub that refuses `secret` to the peer called "mallory", already past the handshake
/// with mallory on connection 1; returns the hub, its documents and the frames it sent.
fn relay_with_a_secret(secret: DocumentId) -> (Hub, MemoryDocuments) {
    let mut hub = Hub::new(HubConfig::new("relay".into(), "relay-session"));
    let mut docs = MemoryDocuments::new();
    docs.rule =
        Some(Box::new(move |_, peer: &PeerId, doc: &DocumentId| !(peer.as_str() == "mallory" && *doc == secret)));
    let mut secret_doc = Automerge::new();
    let mut tx = secret_doc.transaction();
    tx.put(ROOT, "salary", "100").unwrap();
    tx.commit();
    docs.docs.insert(secret, secret_doc);
    hub.accept(ConnectionId(1), 0);
    let join =
        Message::Join { sender_id: "mallory".into(), supported_protocol_versions: vec!["1".into()], metadata: None };
    hub.receive(&mut docs, ConnectionId(1), &encode(&join));
    (hub, docs)
}

/// The messages the hub sent in `effects`.
fn sent(effects: &[Effect]) -> Vec<Message> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { frame, .. } => {
                Some(decode(&frame.to_vec(), &DecodeLimits::default()).expect("the hub writes valid messages"))
            }
            _ => None,
        })
        .collect()
}

/// A first sync message from a peer with an empty document, as a `request`.
fn request_for(document: DocumentId) -> Vec<u8> {
    let data = Automerge::new().generate_sync_message(&mut sync::State::new()).expect("a first message").encode();
    encode(&Message::Request { document_id: document, sender_id: "mallory".into(), target_id: "relay".into(), data })
}

#[test]
fn a_refused_document_is_answered_exactly_like_a_missing_one() {
    let secret = doc_id(4);
    let missing = doc_id(5);
    let (mut hub, mut docs) = relay_with_a_secret(secret);
    let refused = sent(&hub.receive(&mut docs, ConnectionId(1), &request_for(secret)));
    let absent = sent(&hub.receive(&mut docs, ConnectionId(1), &request_for(missing)));
    let unavailable =
        |document_id| Message::DocUnavailable { sender_id: "relay".into(), target_id: "mallory".into(), document_id };
    assert_eq!(refused, vec![unavailable(secret)]);
    assert_eq!(absent, vec![unavailable(missing)]);
}

#[test]
fn a_refused_peer_cannot_write_into_the_document_either() {
    let secret = doc_id(6);
    let (mut hub, mut docs) = relay_with_a_secret(secret);
    let mut forged = Automerge::new();
    let mut tx = forged.transaction();
    tx.put(ROOT, "salary", "1000000").unwrap();
    tx.commit();
    // A first message announcing heads, then one carrying every change, as a pushy peer would.
    let opening = forged.generate_sync_message(&mut sync::State::new()).expect("a first message");
    let changes: Vec<Vec<u8>> = forged.get_changes(&[]).into_iter().map(|c| c.raw_bytes().to_vec()).collect();
    let push = sync::Message {
        heads: forged.get_heads(),
        need: vec![],
        have: vec![],
        changes: changes.into(),
        flags: None,
        version: sync::MessageVersion::V1,
    };
    let mut effects = Vec::new();
    for data in [opening.encode(), push.encode()] {
        let frame = encode(&Message::Sync {
            document_id: secret,
            sender_id: "mallory".into(),
            target_id: "relay".into(),
            data,
        });
        effects.extend(hub.receive(&mut docs, ConnectionId(1), &frame));
    }
    assert_eq!(sent(&effects).len(), 2);
    assert!(
        sent(&effects)
            .iter()
            .all(|m| matches!(m, Message::DocUnavailable { document_id, .. } if *document_id == secret))
    );
    assert!(!effects.iter().any(|e| matches!(e, Effect::DocumentChanged { .. })));
    let salary = docs.docs[&secret].get(ROOT, "salary").unwrap().unwrap().0.into_scalar().unwrap();
    assert_eq!(salary.into_string().unwrap(), "100");
}

#[test]
fn a_malformed_message_closes_only_the_connection_that_sent_it() {
    let mut net = Net::new();
    let relay = net.add_relay("relay");
    let alice = net.add("alice");
    let bob = net.add("bob");
    let carol = net.add("carol");
    let doc = doc_id(7);
    net.edit(alice, doc, "k", "v1");
    net.edit(bob, doc, "other", "x");
    let (alice_side, _) = net.connect(alice, relay);
    let (bob_side, _) = net.connect(bob, relay);
    let (carol_side, carol_at_relay) = net.connect(carol, relay);
    net.settle();

    net.inject(carol_at_relay, vec![0xa1, 0x64, b't', b'y']);
    net.settle();
    let closes: Vec<Effect> = net.events(relay).into_iter().filter(|e| matches!(e, Effect::Close { .. })).collect();
    assert_eq!(
        closes,
        vec![Effect::Close { connection: carol_at_relay, reason: CloseReason::Malformed(DecodeError::Truncated) }]
    );
    assert!(!net.is_open(carol_side));
    assert!(net.events(carol).iter().any(|e| matches!(
        e,
        Effect::Close { reason: CloseReason::PeerError(text), .. } if text.contains("message ends before")
    )));
    assert!(net.is_open(alice_side) && net.is_open(bob_side));

    net.edit(alice, doc, "k", "v2");
    net.settle();
    assert_eq!(net.value(bob, doc, "k").as_deref(), Some("v2"));
    assert_eq!(net.value(alice, doc, "other").as_deref(), Some("x"));
}

#[test]
fn a_sync_message_automerge_cannot_read_closes_the_connection() {
    let secret = doc_id(8);
    let (mut hub, mut docs) = relay_with_a_secret(secret);
    let frame = encode(&Message::Sync {
        document_id: doc_id(9),
        sender_id: "mallory".into(),
        target_id: "relay".into(),
        data: vec![0x42, 0xff, 0xff],
    });
    let effects = hub.receive(&mut docs, ConnectionId(1), &frame);
    assert!(matches!(
        effects.last(),
        Some(Effect::Close { connection: ConnectionId(1), reason: CloseReason::InvalidSync { document, .. } })
            if *document == doc_id(9)
    ));
    assert_eq!(hub.peers().count(), 0);
}

/// What an accepting hub does with one frame before any handshake.
fn first_frame(frame: Message) -> Vec<Effect> {
    let mut hub = Hub::new(HubConfig::new("relay".into(), "s"));
    let mut docs = MemoryDocuments::new();
    hub.accept(ConnectionId(1), 0);
    hub.receive(&mut docs, ConnectionId(1), &encode(&frame))
}

#[test]
fn anything_but_join_before_the_handshake_gets_an_error_and_a_close() {
    let effects = first_frame(Message::Sync {
        document_id: doc_id(1),
        sender_id: "a".into(),
        target_id: "relay".into(),
        data: vec![0x42],
    });
    let reason = CloseReason::Protocol("expected join, received sync".into());
    assert_eq!(sent(&effects), vec![Message::Error { message: reason.to_string() }]);
    assert_eq!(effects.last(), Some(&Effect::Close { connection: ConnectionId(1), reason }));
}

#[test]
fn a_join_without_protocol_version_1_is_refused() {
    let effects = first_frame(Message::Join {
        sender_id: "a".into(),
        supported_protocol_versions: vec!["2".into()],
        metadata: None,
    });
    assert_eq!(sent(&effects), vec![Message::Error { message: "no protocol version in common".into() }]);
    assert_eq!(
        effects.last(),
        Some(&Effect::Close { connection: ConnectionId(1), reason: CloseReason::UnsupportedVersion })
    );
}

#[test]
fn a_join_is_answered_with_peer_and_our_metadata() {
    let mut config = HubConfig::new("relay".into(), "s");
    config.metadata = Some(PeerMetadata { storage_id: Some(StorageId("disk".into())), is_ephemeral: false });
    let mut hub = Hub::new(config);
    let mut docs = MemoryDocuments::new();
    hub.accept(ConnectionId(1), 0);
    let join = Message::Join { sender_id: "a".into(), supported_protocol_versions: vec!["1".into()], metadata: None };
    let effects = hub.receive(&mut docs, ConnectionId(1), &encode(&join));
    assert_eq!(
        sent(&effects),
        vec![Message::Peer {
            sender_id: "relay".into(),
            target_id: "a".into(),
            selected_protocol_version: "1".into(),
            metadata: Some(PeerMetadata { storage_id: Some(StorageId("disk".into())), is_ephemeral: false }),
        }]
    );
    assert_eq!(hub.peer(ConnectionId(1)), Some(&PeerId::from("a")));
}

#[test]
fn a_dialer_answered_with_anything_but_peer_closes() {
    let mut hub = Hub::new(HubConfig::new("a".into(), "s"));
    let mut docs = MemoryDocuments::new();
    let effects = hub.dial(ConnectionId(1), 0);
    assert!(matches!(sent(&effects).as_slice(), [Message::Join { .. }]));
    let effects = hub.receive(&mut docs, ConnectionId(1), &encode(&Message::Leave { sender_id: "b".into() }));
    assert_eq!(effects, vec![Effect::Close { connection: ConnectionId(1), reason: CloseReason::PeerLeft }]);
    hub.dial(ConnectionId(2), 0);
    let frame = Message::DocUnavailable { sender_id: "b".into(), target_id: "a".into(), document_id: doc_id(1) };
    let effects = hub.receive(&mut docs, ConnectionId(2), &encode(&frame));
    assert_eq!(
        effects.last(),
        Some(&Effect::Close {
            connection: ConnectionId(2),
            reason: CloseReason::Protocol("expected peer, received doc-unavailable".into())
        })
    );
}

#[test]
fn a_handshake_that_never_finishes_is_closed_after_the_timeout() {
    let mut hub = Hub::new(HubConfig::new("relay".into(), "s"));
    hub.accept(ConnectionId(1), 1_000);
    assert_eq!(hub.tick(30_999), vec![]);
    let effects = hub.tick(31_000);
    assert_eq!(
        effects.last(),
        Some(&Effect::Close { connection: ConnectionId(1), reason: CloseReason::HandshakeTimeout })
    );
    assert_eq!(hub.tick(40_000), vec![]);
}

#[test]
fn a_peer_syncing_more_documents_than_allowed_is_disconnected() {
    let mut net = Net::new();
    let mut config = HubConfig::new("relay".into(), "s");
    config.limits = HubLimits { max_documents_per_connection: 2, ..HubLimits::default() };
    let relay = net.add_with(config, false);
    let alice = net.add("alice");
    for n in 1..=3 {
        net.edit(alice, doc_id(n), "k", "v");
    }
    let (alice_side, _) = net.connect(alice, relay);
    net.settle();
    assert!(!net.is_open(alice_side));
    assert!(net.events(relay).iter().any(|e| matches!(e, Effect::Close { reason: CloseReason::TooManyDocuments, .. })));
    assert_eq!(net.nodes[relay].docs.docs.len(), 3, "the third document was created before the limit was hit");
}

#[test]
fn requests_for_many_missing_documents_are_answered_without_remembering_them_all() {
    let mut net = Net::new();
    let mut config = HubConfig::new("relay".into(), "s");
    config.limits = HubLimits { max_pending_requests_per_connection: 8, ..HubLimits::default() };
    let relay = net.add_with(config, false);
    let alice = net.add("alice");
    let bob = net.add("bob");
    net.connect(alice, relay);
    net.settle();
    let ids: Vec<DocumentId> = (0..1000u32)
        .map(|n| DocumentId([n.to_be_bytes(), [9; 4], [9; 4], [9; 4]].concat().try_into().unwrap()))
        .collect();
    for id in &ids {
        let n = &mut net.nodes[alice];
        let effects = n.hub.request(&mut n.docs, id);
        net.apply(alice, effects);
    }
    net.settle();
    let unavailable = net.events(alice).iter().filter(|e| matches!(e, Effect::DocumentUnavailable { .. })).count();
    assert_eq!(unavailable, 1000);

    // Only the newest eight requests are remembered: the last id arrives, the first does not.
    let (first, last) = (ids[0], ids[999]);
    net.edit(bob, first, "k", "first");
    net.edit(bob, last, "k", "last");
    net.connect(bob, relay);
    net.settle();
    assert_eq!(net.value(alice, last, "k").as_deref(), Some("last"));
    assert_eq!(net.value(alice, first, "k"), None);
}

#[test]
fn ephemeral_messages_reach_permitted_peers_once() {
    let mut net = Net::new();
    let relay = net.add_relay("relay");
    let alice = net.add("alice");
    let bob = net.add("bob");
    let mallory = net.add("mallory");
    let doc = doc_id(10);
    net.nodes[relay].docs.rule = Some(Box::new(move |_, peer: &PeerId, _: &DocumentId| peer.as_str() != "mallory"));
    let (_, alice_at_relay) = net.connect(alice, relay);
    net.connect(bob, relay);
    net.connect(mallory, relay);
    net.settle();
    let n = &mut net.nodes[alice];
    let effects = n.hub.send_ephemeral(&mut n.docs, &doc, b"cursor at 3");
    net.apply(alice, effects);
    // The relay receives the same frame twice, as if it had come along two paths.
    assert!(net.deliver_twice(alice_at_relay));
    net.settle();
    let received: Vec<EphemeralMessage> = net
        .events(bob)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Ephemeral { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].sender_id, PeerId::from("alice"));
    assert_eq!(received[0].target_id, PeerId::from("bob"));
    assert_eq!(received[0].data, b"cursor at 3");
    assert!(!net.events(mallory).iter().any(|e| matches!(e, Effect::Ephemeral { .. })));
    assert_eq!(net.events(relay).iter().filter(|e| matches!(e, Effect::Ephemeral { .. })).count(), 1);
}

#[test]
fn a_cut_link_reports_the_peer_gone_and_a_new_link_catches_up() {
    let mut net = Net::new();
    let alice = net.add("alice");
    let bob = net.add("bob");
    let doc = doc_id(11);
    net.edit(alice, doc, "k", "1");
    let (alice_side, _) = net.connect(alice, bob);
    net.settle();
    net.cut(alice_side);
    assert!(net.events(alice).contains(&Effect::PeerDisconnected { connection: alice_side, peer: "bob".into() }));
    net.edit(alice, doc, "k", "2");
    net.edit(bob, doc, "j", "offline");
    net.settle();
    assert_eq!(net.value(bob, doc, "k").as_deref(), Some("1"));
    net.connect(alice, bob);
    net.settle();
    assert_eq!(net.value(bob, doc, "k").as_deref(), Some("2"));
    assert_eq!(net.value(alice, doc, "j").as_deref(), Some("offline"));
}

#[test]
fn peer_heads_show_whether_a_peer_has_caught_up() {
    let mut net = Net::new();
    let alice = net.add("alice");
    let bob = net.add("bob");
    let doc = doc_id(12);
    net.edit(alice, doc, "k", "1");
    let (alice_side, _) = net.connect(alice, bob);
    net.settle();
    let ours = |net: &Net| net.nodes[alice].docs.docs[&doc].get_heads();
    assert_eq!(net.nodes[alice].hub.peer_heads(alice_side, &doc), Some(ours(&net).as_slice()));
    net.edit(alice, doc, "k", "2");
    assert_ne!(net.nodes[alice].hub.peer_heads(alice_side, &doc), Some(ours(&net).as_slice()));
    net.settle();
    assert_eq!(net.nodes[alice].hub.peer_heads(alice_side, &doc), Some(ours(&net).as_slice()));
    assert_eq!(net.nodes[alice].hub.peer_heads(alice_side, &doc_id(13)), None);
}
