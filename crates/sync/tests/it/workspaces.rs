//! A relay serving two workspaces through one hub: each connection reaches only its own
//! workspace's documents, as the relay's store decides.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT, ReadDoc};
use quota_sync::{ConnectionId, DocumentId, Documents, Effect, Hub, HubConfig, MemoryDocuments, PeerId};

/// A relay's store: documents by id, each owned by the workspace whose member brought it.
#[derive(Default)]
struct WorkspaceStore {
    docs: BTreeMap<DocumentId, Automerge>,
    owner: BTreeMap<DocumentId, &'static str>,
    /// The workspace each connection authenticated for.
    member_of: BTreeMap<ConnectionId, &'static str>,
}

impl Documents for WorkspaceStore {
    fn may_access(&mut self, connection: ConnectionId, _peer: &PeerId, document: &DocumentId) -> bool {
        let workspace = self.member_of.get(&connection);
        // An id nobody owns yet is open to whoever brings it first.
        workspace.is_some() && self.owner.get(document).is_none_or(|owner| Some(owner) == workspace)
    }

    fn get(&mut self, document: &DocumentId) -> Option<&Automerge> {
        self.docs.get(document)
    }

    fn update(&mut self, document: &DocumentId, change: &mut dyn FnMut(&mut Automerge)) -> bool {
        self.docs.get_mut(document).map(change).is_some()
    }

    fn create(&mut self, _document: &DocumentId) -> bool {
        // Every document must have an owner, so only `create_for` may make one.
        false
    }

    fn create_for(&mut self, connection: ConnectionId, _peer: &PeerId, document: &DocumentId) -> bool {
        let Some(&workspace) = self.member_of.get(&connection) else { return false };
        self.owner.insert(*document, workspace);
        self.docs.entry(*document).or_default();
        true
    }
}

/// Clients 0.. each linked to the relay: client `i` uses connection 100 + i, the relay uses i.
struct Star {
    relay: Hub,
    store: WorkspaceStore,
    clients: Vec<(Hub, MemoryDocuments, Vec<Effect>)>,
    to_relay: Vec<(usize, Vec<u8>)>,
    to_client: Vec<(usize, Vec<u8>)>,
}

impl Star {
    fn new(workspaces: &[&'static str]) -> Star {
        let mut star = Star {
            relay: Hub::new(HubConfig::new("relay".into(), "relay")),
            store: WorkspaceStore::default(),
            clients: Vec::new(),
            to_relay: Vec::new(),
            to_client: Vec::new(),
        };
        for (i, workspace) in workspaces.iter().enumerate() {
            star.store.member_of.insert(ConnectionId(i as u64), workspace);
            star.relay.accept(ConnectionId(i as u64), 0);
            let name = format!("client-{i}");
            let mut hub = Hub::new(HubConfig::new(name.as_str().into(), name.clone()));
            let effects = hub.dial(ConnectionId(100 + i as u64), 0);
            star.clients.push((hub, MemoryDocuments::new(), Vec::new()));
            star.carry_from_client(i, effects);
        }
        star.settle();
        star
    }

    fn carry_from_client(&mut self, i: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { frame, .. } => self.to_relay.push((i, frame.to_vec())),
                other => self.clients[i].2.push(other),
            }
        }
    }

    fn settle(&mut self) {
        while !self.to_relay.is_empty() || !self.to_client.is_empty() {
            for (i, frame) in std::mem::take(&mut self.to_relay) {
                for effect in self.relay.receive(&mut self.store, ConnectionId(i as u64), &frame) {
                    if let Effect::Send { connection, frame } = effect {
                        self.to_client.push((connection.0 as usize, frame.to_vec()));
                    }
                }
            }
            for (i, frame) in std::mem::take(&mut self.to_client) {
                let (hub, docs, _) = &mut self.clients[i];
                let effects = hub.receive(docs, ConnectionId(100 + i as u64), &frame);
                self.carry_from_client(i, effects);
            }
        }
    }

    fn edit(&mut self, i: usize, doc: DocumentId, key: &str, value: &str) {
        let (hub, docs, _) = &mut self.clients[i];
        docs.docs.entry(doc).or_default().transact(|tx| tx.put(ROOT, key, value)).unwrap();
        let effects = hub.local_change(docs, &doc);
        self.carry_from_client(i, effects);
        self.settle();
    }

    fn request(&mut self, i: usize, doc: DocumentId) {
        let (hub, docs, _) = &mut self.clients[i];
        let effects = hub.request(docs, &doc);
        self.carry_from_client(i, effects);
        self.settle();
    }

    fn value(&self, i: usize, doc: DocumentId, key: &str) -> Option<String> {
        let (value, _) = self.clients[i].1.docs.get(&doc)?.get(ROOT, key).unwrap()?;
        value.into_scalar().ok()?.into_string().ok()
    }

    fn unavailable(&mut self, i: usize, doc: DocumentId) -> bool {
        self.clients[i].2.iter().any(|e| matches!(e, Effect::DocumentUnavailable { document, .. } if *document == doc))
    }
}

#[test]
fn each_workspace_syncs_among_its_members_only() {
    let mut star = Star::new(&["sales-north", "sales-north", "sales-south"]);
    let north = DocumentId([1; 16]);
    star.edit(0, north, "target", "120");
    star.request(1, north);
    assert_eq!(star.value(1, north, "target").as_deref(), Some("120"));

    star.request(2, north);
    assert!(star.unavailable(2, north));
    assert_eq!(star.value(2, north, "target"), None);
}

#[test]
fn a_member_of_another_workspace_cannot_write_into_a_document_it_does_not_own() {
    let mut star = Star::new(&["sales-north", "sales-north", "sales-south"]);
    let north = DocumentId([1; 16]);
    star.edit(0, north, "target", "120");
    star.request(1, north);
    // A south member who learned the id pushes its own version of the document.
    star.edit(2, north, "target", "0");
    assert!(star.unavailable(2, north));
    let (stored, _) = star.store.docs[&north].get(ROOT, "target").unwrap().unwrap();
    assert_eq!(stored.into_scalar().unwrap().into_string().unwrap(), "120");
    assert_eq!(star.value(1, north, "target").as_deref(), Some("120"));
    assert_eq!(star.store.owner[&north], "sales-north");
}
