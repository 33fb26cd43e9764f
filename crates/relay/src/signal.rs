//! WebRTC signalling between the browsers of one workspace, over `GET /signal`.
//!
//! The relay only forwards small JSON messages between peers of the same workspace; the data
//! channel itself then runs browser to browser. All frames are text frames holding one JSON
//! object.
//!
//! Client to relay:
//! - first, `{"type":"hello","peer":"<peer id>"}`: the peer id is chosen by the client (1 to 64
//!   ASCII letters, digits, `-` or `_`), unique within the workspace. A newer connection with the
//!   same peer id replaces the older one, which is closed with code 4409.
//! - then any object with a `"to"` field naming another peer, e.g.
//!   `{"to":"p2","type":"offer","sdp":"..."}`. Everything but `to` and `from` is the clients'
//!   business.
//!
//! Relay to client:
//! - `{"type":"peers","peers":["p2","p3"]}` once, after `hello`: the other peers present now.
//! - `{"type":"join","peer":"p4"}` and `{"type":"leave","peer":"p4"}` as peers come and go.
//! - a forwarded message: the sender's object with `"from":"<sender>"` set by the relay.
//! - `{"type":"unreachable","peer":"p9"}` when a message names a peer that is not connected.
//! - `{"type":"error","message":"..."}` just before the relay closes the connection: close code
//!   4401 for a bad credential, 1008 for a malformed message, 1009 for one over 64 KiB.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use crate::connection::Message;
use serde_json::{Map, Value, json};

use crate::auth::WorkspaceId;
use crate::connection::{CLOSE_PROTOCOL, CLOSE_TOO_BIG, Close, ConnId, Ended, Inbound, Outbox, Socket};

/// Largest signalling message accepted; SDP offers are a few kilobytes.
pub const MAX_SIGNAL_BYTES: usize = 64 * 1024;
/// Close code for a connection replaced by a newer one with the same peer id.
pub const CLOSE_REPLACED: u16 = 4409;
/// How long a new connection has to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// The peers present in each workspace.
#[derive(Debug, Default)]
pub struct Signalling {
    rooms: Mutex<HashMap<WorkspaceId, BTreeMap<String, Outbox>>>,
}

impl Signalling {
    /// Runs one signalling connection of `workspace` until it ends.
    pub async fn serve(&self, workspace: WorkspaceId, outbox: Outbox, mut socket: Socket) {
        let peer = match tokio::time::timeout(HELLO_TIMEOUT, socket.next()).await {
            Ok(Ok(Inbound::Text(text))) => match parse_hello(&text) {
                Ok(peer) => peer,
                Err(reason) => return refuse(socket, Close::new(CLOSE_PROTOCOL, reason)).await,
            },
            Ok(Ok(Inbound::Binary(_))) => {
                return refuse(socket, Close::new(CLOSE_PROTOCOL, "signalling messages are JSON text frames")).await;
            }
            Ok(Err(ended)) => return end(socket, ended).await,
            Err(_) => return refuse(socket, Close::new(CLOSE_PROTOCOL, "expected a hello message")).await,
        };
        tracing::debug!(%workspace, %peer, conn = %socket.id(), "signalling peer joined");
        self.join(workspace, &peer, &outbox);

        let ended = loop {
            match socket.next().await {
                Ok(Inbound::Text(text)) => {
                    if let Err(reason) = self.forward(workspace, &peer, &outbox, &text) {
                        break Ended::Violated(Close::new(CLOSE_PROTOCOL, reason));
                    }
                }
                Ok(Inbound::Binary(_)) => {
                    break Ended::Violated(Close::new(CLOSE_PROTOCOL, "signalling messages are JSON text frames"));
                }
                Err(ended) => break ended,
            }
        };
        self.leave(workspace, &peer, socket.id());
        end(socket, ended).await;
    }

    /// How many signalling peers are connected.
    pub fn peer_count(&self) -> usize {
        self.lock().values().map(BTreeMap::len).sum()
    }

    fn join(&self, workspace: WorkspaceId, peer: &str, outbox: &Outbox) {
        let mut rooms = self.lock();
        let room = rooms.entry(workspace).or_default();
        if let Some(previous) = room.insert(peer.to_owned(), outbox.clone()) {
            previous.send(text(
                &json!({"type": "error", "message": "replaced by a newer connection with the same peer id"}),
            ));
            previous.close(Close::new(CLOSE_REPLACED, "replaced by a newer connection"));
            broadcast(room, peer, &json!({"type": "leave", "peer": peer}));
        }
        let others: Vec<&String> = room.keys().filter(|other| *other != peer).collect();
        outbox.send(text(&json!({"type": "peers", "peers": others})));
        broadcast(room, peer, &json!({"type": "join", "peer": peer}));
    }

    fn leave(&self, workspace: WorkspaceId, peer: &str, conn: ConnId) {
        let mut rooms = self.lock();
        let Some(room) = rooms.get_mut(&workspace) else { return };
        // A replaced connection must not remove the peer that replaced it.
        if room.get(peer).is_some_and(|current| current.id() == conn) {
            room.remove(peer);
            broadcast(room, peer, &json!({"type": "leave", "peer": peer}));
        }
        if room.is_empty() {
            rooms.remove(&workspace);
        }
    }

    fn forward(&self, workspace: WorkspaceId, from: &str, outbox: &Outbox, raw: &str) -> Result<(), &'static str> {
        let mut message: Map<String, Value> = match serde_json::from_str(raw) {
            Ok(Value::Object(message)) => message,
            _ => return Err("signalling messages must be JSON objects"),
        };
        let Some(Value::String(to)) = message.get("to").cloned() else {
            return Err("signalling messages need a \"to\" peer");
        };
        message.insert("from".to_owned(), Value::String(from.to_owned()));
        let rooms = self.lock();
        match rooms.get(&workspace).and_then(|room| room.get(&to)) {
            Some(target) => {
                target.send(text(&Value::Object(message)));
            }
            None => {
                outbox.send(text(&json!({"type": "unreachable", "peer": to})));
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<WorkspaceId, BTreeMap<String, Outbox>>> {
        self.rooms.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Closes the socket the way `ended` calls for, explaining client faults first.
async fn end(socket: Socket, ended: Ended) {
    match ended {
        Ended::ClientLeft => {}
        Ended::Closed(close) => socket.finish(close).await,
        Ended::Violated(close) => refuse(socket, close).await,
        Ended::Failed(close) => explain_and_abort(socket, close).await,
    }
}

/// Sends an explanation and closes.
pub async fn refuse(mut socket: Socket, close: Close) {
    socket.send_now(error_message(&close));
    socket.finish(close).await;
}

/// Like [`refuse`], for a connection whose incoming stream can no longer be read.
async fn explain_and_abort(mut socket: Socket, close: Close) {
    socket.send_now(error_message(&close));
    socket.abort(close).await;
}

fn error_message(close: &Close) -> Message {
    let reason = if close.code == CLOSE_TOO_BIG { "message too big" } else { close.reason.as_str() };
    text(&json!({"type": "error", "message": reason}))
}

fn broadcast(room: &BTreeMap<String, Outbox>, except: &str, message: &Value) {
    let message = text(message);
    for (peer, outbox) in room {
        if peer != except {
            outbox.send(message.clone());
        }
    }
}

fn text(value: &Value) -> Message {
    Message::text(value.to_string())
}

fn parse_hello(raw: &str) -> Result<String, &'static str> {
    let value: Value = serde_json::from_str(raw).map_err(|_| "expected a hello message")?;
    if value.get("type").and_then(Value::as_str) != Some("hello") {
        return Err("expected a hello message");
    }
    let peer = value.get("peer").and_then(Value::as_str).ok_or("hello needs a peer id")?;
    let valid = !peer.is_empty()
        && peer.len() <= 64
        && peer.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if valid { Ok(peer.to_owned()) } else { Err("invalid peer id") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, expect: Result<&str, &str>) {
        assert_eq!(parse_hello(raw), expect.map(str::to_owned), "{raw}");
    }

    #[test]
    fn hello_names_a_valid_peer() {
        check(r#"{"type":"hello","peer":"tab-1_a"}"#, Ok("tab-1_a"));
        check(r#"{"type":"hello"}"#, Err("hello needs a peer id"));
        check(r#"{"type":"hello","peer":""}"#, Err("invalid peer id"));
        check(r#"{"type":"hello","peer":"a/b"}"#, Err("invalid peer id"));
        check(r#"{"type":"offer","peer":"a"}"#, Err("expected a hello message"));
        check("not json", Err("expected a hello message"));
    }
}
