//! A minimal automerge-repo client for the tests: quota-sync's codec on the wire and automerge's
//! sync API per document, with every step visible to the test.

use std::collections::BTreeMap;

use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT, ReadDoc};
use futures_util::SinkExt;
use quota_sync::{DecodeLimits, DocumentId, Message, PeerId, decode, encode};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::support::{Ws, connect, next_message, until_closed};

/// One document as the client holds it, with its sync state towards the relay.
pub struct Doc {
    pub doc: Automerge,
    pub state: sync::State,
}

pub struct SyncClient {
    pub ws: Ws,
    pub peer: PeerId,
    pub relay: PeerId,
    pub docs: BTreeMap<DocumentId, Doc>,
    pub unavailable: Vec<DocumentId>,
    pub errors: Vec<String>,
}

/// What a refused connection saw: its close code and reason, and the protocol messages before.
pub struct Refusal {
    pub close: Option<(u16, String)>,
    pub messages: Vec<Message>,
}

pub fn doc_id(n: u8) -> DocumentId {
    DocumentId([n; 16])
}

fn join(peer: &PeerId) -> WsMessage {
    let join =
        Message::Join { sender_id: peer.clone(), supported_protocol_versions: vec!["1".to_owned()], metadata: None };
    WsMessage::binary(encode(&join))
}

fn decode_frame(message: &WsMessage) -> Message {
    match message {
        WsMessage::Binary(bytes) => decode(bytes, &DecodeLimits::default()).expect("the relay sends valid messages"),
        other => panic!("expected a binary frame, got {other:?}"),
    }
}

impl SyncClient {
    /// Connects and finishes the handshake.
    pub async fn connect(url: &str, name: &str) -> SyncClient {
        match SyncClient::try_connect(url, name).await {
            Ok(client) => client,
            Err(refusal) => panic!("connection refused: {:?} after {:?}", refusal.close, refusal.messages),
        }
    }

    /// Connects and sends `join`; returns the refusal if the relay closes instead of answering.
    pub async fn try_connect(url: &str, name: &str) -> Result<SyncClient, Refusal> {
        let mut ws = connect(url).await;
        let peer = PeerId::from(format!("{name}-peer"));
        ws.send(join(&peer)).await.expect("send join");
        match next_message(&mut ws).await.map(|frame| decode_frame(&frame)) {
            Some(Message::Peer { sender_id, .. }) => Ok(SyncClient {
                ws,
                peer,
                relay: sender_id,
                docs: BTreeMap::new(),
                unavailable: Vec::new(),
                errors: Vec::new(),
            }),
            Some(first) => {
                let (close, rest) = until_closed(&mut ws).await;
                let mut messages = vec![first];
                messages.extend(rest.iter().map(decode_frame));
                Err(Refusal { close, messages })
            }
            None => Err(Refusal { close: None, messages: Vec::new() }),
        }
    }

    /// Sets `key` to `value` in the document, creating the document if needed.
    pub fn edit(&mut self, id: DocumentId, key: &str, value: &str) {
        let doc = self.docs.entry(id).or_insert_with(|| Doc { doc: Automerge::new(), state: sync::State::new() });
        doc.doc
            .transact::<_, _, automerge::AutomergeError>(|tx| {
                tx.put(ROOT, key, value)?;
                Ok(())
            })
            .expect("edit");
    }

    /// Sends the next sync message for the document, a `request` if we have nothing of it.
    pub async fn push(&mut self, id: DocumentId) {
        let doc = self.docs.entry(id).or_insert_with(|| Doc { doc: Automerge::new(), state: sync::State::new() });
        let Some(message) = doc.doc.generate_sync_message(&mut doc.state) else { return };
        let data = message.encode();
        let (sender_id, target_id) = (self.peer.clone(), self.relay.clone());
        let message = if doc.doc.get_heads().is_empty() {
            Message::Request { document_id: id, sender_id, target_id, data }
        } else {
            Message::Sync { document_id: id, sender_id, target_id, data }
        };
        self.ws.send(WsMessage::binary(encode(&message))).await.expect("send sync");
    }

    /// Handles one message from the relay, answering sync messages. `None` once closed.
    pub async fn step(&mut self) -> Option<Message> {
        let frame = next_message(&mut self.ws).await?;
        let message = decode_frame(&frame);
        match &message {
            Message::Sync { document_id, data, .. } | Message::Request { document_id, data, .. } => {
                let doc = self
                    .docs
                    .entry(*document_id)
                    .or_insert_with(|| Doc { doc: Automerge::new(), state: sync::State::new() });
                let sync_message = sync::Message::decode(data).expect("valid sync message");
                doc.doc.receive_sync_message(&mut doc.state, sync_message).expect("apply sync message");
                self.push(*document_id).await;
            }
            Message::DocUnavailable { document_id, .. } => self.unavailable.push(*document_id),
            Message::Error { message } => self.errors.push(message.clone()),
            _ => {}
        }
        Some(message)
    }

    /// Handles messages until `done` holds; panics if the connection closes first.
    pub async fn until(&mut self, what: &str, done: impl Fn(&SyncClient) -> bool) {
        while !done(self) {
            if self.step().await.is_none() {
                panic!("connection closed while waiting for {what}; errors: {:?}", self.errors);
            }
        }
    }

    /// Asks the relay for a document and waits until it arrives or is reported unavailable.
    pub async fn fetch(&mut self, id: DocumentId) {
        self.push(id).await;
        self.until("the document or doc-unavailable", |client| {
            client.unavailable.contains(&id) || client.docs.get(&id).is_some_and(|doc| !doc.doc.get_heads().is_empty())
        })
        .await;
    }

    /// Writes and waits until the relay's heads include the edit, which it only sends once the
    /// edit is on disk.
    pub async fn write_acknowledged(&mut self, id: DocumentId, key: &str, value: &str) {
        self.edit(id, key, value);
        self.push(id).await;
        self.until("the relay to acknowledge an edit", |client| client.relay_has_all(id)).await;
    }

    /// Whether the relay's last announced heads are exactly ours.
    pub fn relay_has_all(&self, id: DocumentId) -> bool {
        self.docs
            .get(&id)
            .is_some_and(|doc| doc.state.their_heads.as_ref().is_some_and(|heads| *heads == doc.doc.get_heads()))
    }

    pub fn value(&self, id: DocumentId, key: &str) -> Option<String> {
        let doc = &self.docs.get(&id)?.doc;
        let (value, _) = doc.get(ROOT, key).ok()??;
        value.into_scalar().ok()?.into_string().ok()
    }

    /// Every key and value of the document's root map.
    pub fn contents(&self, id: DocumentId) -> BTreeMap<String, String> {
        let Some(doc) = self.docs.get(&id) else { return BTreeMap::new() };
        doc.doc.keys(ROOT).filter_map(|key| Some((key.clone(), self.value(id, &key)?))).collect()
    }
}

impl SyncClient {
    /// Opens a new connection carrying this client's documents, as an app does after the relay
    /// restarts; sync states start afresh, as they do on every new connection.
    pub async fn reconnect(self, url: &str, name: &str) -> SyncClient {
        let mut client = SyncClient::connect(url, name).await;
        client.docs =
            self.docs.into_iter().map(|(id, doc)| (id, Doc { doc: doc.doc, state: sync::State::new() })).collect();
        client
    }
}

/// Lets every client answer the relay, all at once, until `done` holds for all of them; sync
/// between several peers only finishes if none of them stops listening early.
pub async fn converge(
    clients: Vec<SyncClient>,
    done: impl Fn(&SyncClient) -> bool + Send + Sync + 'static,
) -> Vec<SyncClient> {
    let done = std::sync::Arc::new(done);
    let flags = std::sync::Arc::new(std::sync::Mutex::new(vec![false; clients.len()]));
    let (all_done, watch) = tokio::sync::watch::channel(false);
    let all_done = std::sync::Arc::new(all_done);
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(index, mut client)| {
            let (done, flags, all_done, mut watch) = (done.clone(), flags.clone(), all_done.clone(), watch.clone());
            tokio::spawn(async move {
                loop {
                    let everyone = {
                        let mut flags = flags.lock().unwrap();
                        flags[index] = done(&client);
                        flags.iter().all(|flag| *flag)
                    };
                    if everyone {
                        all_done.send_replace(true);
                    }
                    if *watch.borrow() {
                        return client;
                    }
                    tokio::select! {
                        message = client.step() => {
                            assert!(message.is_some(), "{} was disconnected while converging: {:?}", client.peer, client.errors);
                        }
                        _ = watch.changed() => {}
                    }
                }
            })
        })
        .collect();
    let mut clients = Vec::new();
    for task in tasks {
        clients.push(task.await.expect("client task"));
    }
    clients
}
