//! Five peers editing one document concurrently over a hostile network always converge, and no
//! edit is lost.

use std::collections::BTreeMap;

use automerge::ReadDoc;
use proptest::prelude::*;
use quota_sync::{ConnectionId, DecodeLimits, DocumentId, Message, decode};

use crate::net::{Net, doc_id};

const PEERS: usize = 5;
/// Keys every peer may write, so that concurrent writes of the same key happen.
const SHARED_KEYS: usize = 3;

#[derive(Clone, Debug)]
enum Step {
    /// A peer writes a key nobody else writes.
    EditOwn { peer: usize },
    /// A peer writes a key others may write too.
    EditShared { peer: usize, key: usize },
    /// The oldest frame on some link arrives.
    Deliver { pick: usize },
    /// The oldest frame on some link arrives twice.
    Duplicate { pick: usize },
    /// The two oldest frames on some link swap places.
    Swap { pick: usize },
    /// Every link between the peers in `side` and the others is cut; frames in flight are lost.
    Partition { side: u8 },
    /// Every missing link is dialled again.
    Heal,
    /// A batching relay sends what it owes.
    Flush,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..PEERS).prop_map(|peer| Step::EditOwn { peer }),
        2 => (0..PEERS, 0..SHARED_KEYS).prop_map(|(peer, key)| Step::EditShared { peer, key }),
        8 => any::<usize>().prop_map(|pick| Step::Deliver { pick }),
        1 => any::<usize>().prop_map(|pick| Step::Duplicate { pick }),
        1 => any::<usize>().prop_map(|pick| Step::Swap { pick }),
        1 => (1u8..63).prop_map(|side| Step::Partition { side }),
        1 => Just(Step::Heal),
        2 => Just(Step::Flush),
    ]
}

/// How the peers reach each other.
#[derive(Clone, Copy, Debug)]
enum Topology {
    /// Every peer dials every higher-numbered peer directly.
    Mesh,
    /// Every peer dials one relay, which has no documents of its own at first.
    Star,
    /// A star whose relay owes its sync messages until it is flushed, as the real relay does
    /// between batches of frames.
    BatchingStar,
}

/// The peers, and for each pair that has a link the connection on the dialing side.
struct Network {
    net: Net,
    /// The relay's node, in a star; peers are nodes `0..PEERS`.
    relay: Option<usize>,
    links: BTreeMap<(usize, usize), ConnectionId>,
}

impl Network {
    fn new(topology: Topology, doc: DocumentId) -> Network {
        let mut net = Net::new();
        for n in 0..PEERS {
            let node = net.add(&format!("peer-{n}"));
            net.nodes[node].wants.push(doc);
        }
        let relay = match topology {
            Topology::Mesh => None,
            Topology::Star => Some(net.add_relay("relay")),
            Topology::BatchingStar => Some(net.add_batching_relay("relay")),
        };
        let mut network = Network { net, relay, links: BTreeMap::new() };
        network.heal();
        network
    }

    /// The pairs that should be linked.
    fn pairs(&self) -> Vec<(usize, usize)> {
        match self.relay {
            Some(relay) => (0..PEERS).map(|n| (n, relay)).collect(),
            None => (0..PEERS).flat_map(|a| (a + 1..PEERS).map(move |b| (a, b))).collect(),
        }
    }

    fn heal(&mut self) {
        for (a, b) in self.pairs() {
            let open = self.links.get(&(a, b)).is_some_and(|c| self.net.is_open(*c));
            if !open {
                let (on_a, _) = self.net.connect(a, b);
                self.links.insert((a, b), on_a);
            }
        }
    }

    /// Cuts every link between peers inside `side` and the rest; the relay counts as inside
    /// when bit 5 is set.
    fn partition(&mut self, side: u8) {
        let relay = self.relay;
        let inside = |n: usize| {
            let bit = if Some(n) == relay { PEERS } else { n };
            side & (1 << bit) != 0
        };
        for (&(a, b), &connection) in &self.links {
            if inside(a) != inside(b) {
                self.net.cut(connection);
            }
        }
    }
}

/// Whether a frame belongs to the handshake, which an ordered transport never repeats or reorders.
fn is_handshake(frame: Option<&Vec<u8>>) -> bool {
    frame.is_some_and(|bytes| {
        matches!(decode(bytes, &DecodeLimits::default()), Ok(Message::Join { .. } | Message::Peer { .. }))
    })
}

fn run(topology: Topology, steps: &[Step]) -> Result<(), TestCaseError> {
    let doc = doc_id(42);
    let mut network = Network::new(topology, doc);
    // What each written key must hold at the end; shared keys only need agreement.
    let mut own: BTreeMap<String, String> = BTreeMap::new();
    let mut shared: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        match *step {
            Step::EditOwn { peer } => {
                let key = format!("peer-{peer}-edit-{i}");
                let value = format!("value-{i}");
                network.net.edit(peer, doc, &key, &value);
                own.insert(key, value);
            }
            Step::EditShared { peer, key } => {
                let key = format!("shared-{key}");
                let value = format!("peer-{peer}-step-{i}");
                network.net.edit(peer, doc, &key, &value);
                shared.entry(key).or_default().push(value);
            }
            Step::Deliver { pick } => {
                let busy = network.net.busy();
                if !busy.is_empty() {
                    network.net.deliver(busy[pick % busy.len()]);
                }
            }
            Step::Duplicate { pick } => {
                let busy = network.net.busy();
                if !busy.is_empty() {
                    let link = busy[pick % busy.len()];
                    if is_handshake(network.net.peek(link, 0)) {
                        network.net.deliver(link);
                    } else {
                        network.net.deliver_twice(link);
                    }
                }
            }
            Step::Swap { pick } => {
                let busy = network.net.busy();
                if !busy.is_empty() {
                    let link = busy[pick % busy.len()];
                    if !is_handshake(network.net.peek(link, 0)) && !is_handshake(network.net.peek(link, 1)) {
                        network.net.swap_first_two(link);
                    }
                }
            }
            Step::Partition { side } => network.partition(side),
            Step::Heal => network.heal(),
            Step::Flush => {
                if let Some(relay) = network.relay {
                    network.net.flush(relay);
                }
            }
        }
    }
    network.heal();
    network.net.settle();

    let docs: Vec<_> = (0..PEERS).map(|n| network.net.nodes[n].docs.docs.get(&doc)).collect();
    if own.is_empty() && shared.is_empty() {
        prop_assert!(docs.iter().all(Option::is_none));
        return Ok(());
    }
    let mut heads: Vec<_> = docs.iter().map(|d| d.map(|d| d.get_heads())).collect();
    if let Some(relay) = network.relay {
        heads.push(network.net.nodes[relay].docs.docs.get(&doc).map(|d| d.get_heads()));
    }
    for (n, h) in heads.iter().enumerate() {
        prop_assert_eq!(h, &heads[0], "node {} has other heads than peer 0", n);
    }
    for (n, d) in docs.iter().enumerate() {
        let keys: Vec<String> = d.expect("every peer has the document").keys(automerge::ROOT).collect();
        prop_assert_eq!(keys.len(), own.len() + shared.len(), "peer {} has keys {:?}", n, keys);
        for (key, value) in &own {
            let got = network.net.value(n, doc, key);
            prop_assert_eq!(got.as_ref(), Some(value), "peer {} lost {}", n, key);
        }
        for (key, values) in &shared {
            let value = network.net.value(n, doc, key);
            prop_assert!(value.as_ref().is_some_and(|v| values.contains(v)), "peer {} has {:?} for {}", n, value, key);
            prop_assert_eq!(value, network.net.value(0, doc, key), "peers disagree on {}", key);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn five_peers_linked_directly_converge_without_losing_an_edit(steps in prop::collection::vec(step(), 1..160)) {
        run(Topology::Mesh, &steps)?;
    }

    #[test]
    fn five_peers_linked_through_a_relay_converge_without_losing_an_edit(
        steps in prop::collection::vec(step(), 1..160),
    ) {
        run(Topology::Star, &steps)?;
    }

    #[test]
    fn five_peers_linked_through_a_batching_relay_converge_without_losing_an_edit(
        steps in prop::collection::vec(step(), 1..160),
    ) {
        run(Topology::BatchingStar, &steps)?;
    }
}
