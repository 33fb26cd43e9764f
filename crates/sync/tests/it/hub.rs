//! The hub over an in-memory network: handshakes, syncing, unavailable and refused documents,
//! misbehaving peers and ephemeral messages.

use quota_sync::{CloseReason, DecodeError, Effect, HubConfig, HubLimits, Message, PeerId, decode, encode};

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
