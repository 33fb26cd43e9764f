//! Syncing documents through `/sync`: access, isolation between workspaces, limits.

use quota_sync::Message;

use crate::client::{SyncClient, doc_id};
use crate::support::{RelayProcess, credential};

fn sync_url(relay: &RelayProcess, workspace: u8) -> String {
    let (id, token) = credential(workspace);
    relay.ws_url("sync", &id, &token)
}

fn error_texts(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .map(|message| match message {
            Message::Error { message } => message.clone(),
            other => format!("unexpected {}", other.kind()),
        })
        .collect()
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_refused_and_the_right_one_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let (id, token) = credential(1);
    SyncClient::connect(&relay.ws_url("sync", &id, &token), "first").await;

    let (_, wrong) = credential(2);
    let urls = [
        ("wrong token", relay.ws_url("sync", &id, &wrong)),
        ("missing token", format!("ws://{}/sync?workspace={id}", relay.addr)),
        ("missing workspace", format!("ws://{}/sync?token={token}", relay.addr)),
        ("malformed token", relay.ws_url("sync", &id, "xyz")),
    ];
    for (case, url) in urls {
        let Err(refusal) = SyncClient::try_connect(&url, "intruder").await else { panic!("{case}: accepted") };
        assert_eq!(refusal.close, Some((4401, "invalid workspace credential".to_owned())), "{case}");
        assert_eq!(error_texts(&refusal.messages), vec!["invalid workspace credential"], "{case}");
    }

    let mut again = SyncClient::connect(&relay.ws_url("sync", &id, &token), "again").await;
    again.fetch(doc_id(1)).await;
    assert_eq!(again.unavailable, vec![doc_id(1)]);
}

#[tokio::test]
async fn a_new_workspace_needs_the_registration_token_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &["--registration-token", "open-sesame"]);
    let url = sync_url(&relay, 1);

    let Err(refusal) = SyncClient::try_connect(&url, "unregistered").await else {
        panic!("registered without a token")
    };
    assert_eq!(refusal.close.map(|(code, _)| code), Some(4403));
    let Err(refusal) = SyncClient::try_connect(&format!("{url}&registration=guess"), "guess").await else {
        panic!("registered with a wrong token")
    };
    assert_eq!(refusal.close.map(|(code, _)| code), Some(4403));

    SyncClient::connect(&format!("{url}&registration=open-sesame"), "registered").await;
    SyncClient::connect(&url, "member").await;
}

#[tokio::test]
async fn a_document_written_by_one_client_reaches_another_of_the_same_workspace_only() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let doc = doc_id(7);

    let mut alice = SyncClient::connect(&sync_url(&relay, 1), "alice").await;
    alice.write_acknowledged(doc, "name", "Acme Ltd").await;

    let mut bob = SyncClient::connect(&sync_url(&relay, 1), "bob").await;
    bob.fetch(doc).await;
    assert_eq!(bob.value(doc, "name").as_deref(), Some("Acme Ltd"));

    // Live edits flow both ways while both are connected.
    alice.edit(doc, "city", "Lyon");
    alice.push(doc).await;
    bob.until("alice's live edit", |bob| bob.value(doc, "city").as_deref() == Some("Lyon")).await;

    let mut mallory = SyncClient::connect(&sync_url(&relay, 2), "mallory").await;
    mallory.fetch(doc).await;
    assert_eq!(mallory.unavailable, vec![doc]);
    assert!(mallory.contents(doc).is_empty());

    // Writing to the same id from another workspace makes a separate document there and never
    // touches the first workspace's one.
    mallory.write_acknowledged(doc, "name", "Mallory").await;
    let mut carol = SyncClient::connect(&sync_url(&relay, 1), "carol").await;
    carol.fetch(doc).await;
    assert_eq!(carol.value(doc, "name").as_deref(), Some("Acme Ltd"));
}

#[tokio::test]
async fn a_document_many_frames_long_reaches_another_client_whole() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let doc = doc_id(9);
    // Text that does not compress, so the relay's message to Bob is many frames long.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let notes: String = (0..60_000)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            char::from(b'a' + (seed % 26) as u8)
        })
        .collect();

    let mut alice = SyncClient::connect(&sync_url(&relay, 1), "alice").await;
    alice.write_acknowledged(doc, "notes", &notes).await;
    let mut bob = SyncClient::connect(&sync_url(&relay, 1), "bob").await;
    bob.fetch(doc).await;
    assert_eq!(bob.value(doc, "notes").map(|got| got == notes), Some(true), "bob has every character of the notes");
}

#[tokio::test]
async fn a_workspace_cannot_create_more_documents_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &["--max-documents", "2"]);
    let mut client = SyncClient::connect(&sync_url(&relay, 1), "client").await;
    client.write_acknowledged(doc_id(1), "n", "1").await;
    client.write_acknowledged(doc_id(2), "n", "2").await;

    client.edit(doc_id(3), "n", "3");
    client.push(doc_id(3)).await;
    client.until("doc-unavailable for the third document", |client| client.unavailable.contains(&doc_id(3))).await;
    assert!(!client.relay_has_all(doc_id(3)));
}

#[tokio::test]
async fn connections_over_the_limit_are_refused_until_one_closes() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &["--max-connections", "1"]);
    let first = SyncClient::connect(&sync_url(&relay, 1), "first").await;

    let Err(refusal) = SyncClient::try_connect(&sync_url(&relay, 2), "second").await else { panic!("over the limit") };
    assert_eq!(refusal.close.map(|(code, _)| code), Some(1013));
    assert_eq!(error_texts(&refusal.messages), vec!["the relay has too many connections; try again later"]);

    drop(first);
    relay.wait_for_health("the first connection to close", |health| health["connections"] == 0);
    SyncClient::connect(&sync_url(&relay, 2), "second").await;
}
