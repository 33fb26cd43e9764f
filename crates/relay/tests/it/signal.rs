//! WebRTC signalling through `/signal`.

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{RelayProcess, Ws, connect, credential, next_message, send_text, until_closed};

async fn next_json(ws: &mut Ws) -> Value {
    match next_message(ws).await.expect("a message, not a close") {
        Message::Text(text) => serde_json::from_str(&text).expect("json"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

async fn join(relay: &RelayProcess, workspace: u8, peer: &str) -> (Ws, Value) {
    let (id, token) = credential(workspace);
    let mut ws = connect(&relay.ws_url("signal", &id, &token)).await;
    send_text(&mut ws, &json!({"type": "hello", "peer": peer}).to_string()).await;
    let peers = next_json(&mut ws).await;
    (ws, peers)
}

#[tokio::test]
async fn two_peers_of_a_workspace_exchange_messages_that_another_workspace_never_sees() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);

    let (mut a1, peers) = join(&relay, 1, "alice").await;
    assert_eq!(peers, json!({"type": "peers", "peers": []}));
    // The outsider uses the same peer id as the intended recipient, in another workspace.
    let (mut outsider, peers) = join(&relay, 2, "bob").await;
    assert_eq!(peers, json!({"type": "peers", "peers": []}));
    let (mut a2, peers) = join(&relay, 1, "bob").await;
    assert_eq!(peers, json!({"type": "peers", "peers": ["alice"]}));
    assert_eq!(next_json(&mut a1).await, json!({"type": "join", "peer": "bob"}));

    send_text(&mut a1, &json!({"to": "bob", "type": "offer", "sdp": "v=0"}).to_string()).await;
    assert_eq!(next_json(&mut a2).await, json!({"to": "bob", "from": "alice", "type": "offer", "sdp": "v=0"}));
    send_text(&mut a2, &json!({"to": "alice", "type": "answer", "sdp": "v=1"}).to_string()).await;
    assert_eq!(next_json(&mut a1).await, json!({"to": "alice", "from": "bob", "type": "answer", "sdp": "v=1"}));

    // Anything routed to the outsider would be queued before its note to itself.
    send_text(&mut outsider, &json!({"to": "bob", "type": "marker"}).to_string()).await;
    assert_eq!(next_json(&mut outsider).await, json!({"to": "bob", "from": "bob", "type": "marker"}));

    drop(a2);
    assert_eq!(next_json(&mut a1).await, json!({"type": "leave", "peer": "bob"}));
}

#[tokio::test]
async fn a_message_to_an_absent_peer_is_reported_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let (mut ws, _) = join(&relay, 1, "alice").await;
    send_text(&mut ws, &json!({"to": "nobody", "type": "offer"}).to_string()).await;
    assert_eq!(next_json(&mut ws).await, json!({"type": "unreachable", "peer": "nobody"}));
}

#[tokio::test]
async fn signalling_refuses_a_wrong_token_and_closes_on_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let (_first, _) = join(&relay, 1, "alice").await;

    let (id, _) = credential(1);
    let (_, wrong) = credential(9);
    let mut refused = connect(&relay.ws_url("signal", &id, &wrong)).await;
    let (close, seen) = until_closed(&mut refused).await;
    assert_eq!(close, Some((4401, "invalid workspace credential".to_owned())));
    assert_eq!(
        seen,
        vec![Message::text(json!({"type": "error", "message": "invalid workspace credential"}).to_string())]
    );

    let (mut garbage, _) = join(&relay, 1, "bob").await;
    send_text(&mut garbage, "{not json").await;
    let (close, _) = until_closed(&mut garbage).await;
    assert_eq!(close.map(|(code, _)| code), Some(1008));
}

#[tokio::test]
async fn a_newer_connection_with_the_same_peer_id_replaces_the_older_one() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let (mut alice, _) = join(&relay, 1, "alice").await;
    let (mut old_bob, _) = join(&relay, 1, "bob").await;
    assert_eq!(next_json(&mut alice).await, json!({"type": "join", "peer": "bob"}));

    // A reloaded tab comes back with its peer id before the old socket has timed out.
    let (mut new_bob, peers) = join(&relay, 1, "bob").await;
    assert_eq!(peers, json!({"type": "peers", "peers": ["alice"]}));
    let (close, seen) = until_closed(&mut old_bob).await;
    assert_eq!(close.map(|(code, _)| code), Some(4409));
    let error = json!({"type": "error", "message": "replaced by a newer connection with the same peer id"});
    assert_eq!(seen, vec![Message::text(error.to_string())]);
    assert_eq!(next_json(&mut alice).await, json!({"type": "leave", "peer": "bob"}));
    assert_eq!(next_json(&mut alice).await, json!({"type": "join", "peer": "bob"}));

    send_text(&mut alice, &json!({"to": "bob", "type": "offer"}).to_string()).await;
    assert_eq!(next_json(&mut new_bob).await, json!({"to": "bob", "from": "alice", "type": "offer"}));
}
