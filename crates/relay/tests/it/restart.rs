//! Persistence across crashes and restarts.

use std::collections::BTreeMap;

use crate::client::{SyncClient, converge, doc_id};
use crate::support::{RelayProcess, credential, until_closed};

fn url(relay: &RelayProcess) -> String {
    let (id, token) = credential(1);
    relay.ws_url("sync", &id, &token)
}

#[tokio::test]
async fn edits_acknowledged_before_a_crash_survive_it_and_clients_converge_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let doc = doc_id(3);
    let mut relay = RelayProcess::start(&data, &[]);

    let mut alice = SyncClient::connect(&url(&relay), "alice").await;
    let mut bob = SyncClient::connect(&url(&relay), "bob").await;
    alice.write_acknowledged(doc, "alice-0", "0").await;
    bob.fetch(doc).await;

    let mut acknowledged = BTreeMap::new();
    for n in 0..20 {
        let (key, value) = (format!("alice-{n}"), n.to_string());
        alice.write_acknowledged(doc, &key, &value).await;
        acknowledged.insert(key, value);
        let (key, value) = (format!("bob-{n}"), n.to_string());
        bob.write_acknowledged(doc, &key, &value).await;
        acknowledged.insert(key, value);
    }
    // More edits are on their way when the relay dies.
    for n in 20..30 {
        alice.edit(doc, &format!("alice-{n}"), &n.to_string());
        bob.edit(doc, &format!("bob-{n}"), &n.to_string());
    }
    alice.push(doc).await;
    bob.push(doc).await;
    relay.kill();

    let relay = RelayProcess::start(&data, &[]);
    let mut carol = SyncClient::connect(&url(&relay), "carol").await;
    carol.fetch(doc).await;
    let stored = carol.contents(doc);
    for (key, value) in &acknowledged {
        assert_eq!(stored.get(key), Some(value), "acknowledged edit {key} was lost");
    }

    // The apps reconnect and sync what the relay missed; everyone converges.
    let mut alice = alice.reconnect(&url(&relay), "alice").await;
    let mut bob = bob.reconnect(&url(&relay), "bob").await;
    alice.push(doc).await;
    bob.push(doc).await;
    // 30 edits each from alice and bob, including those the relay never acknowledged.
    let clients = converge(vec![alice, bob, carol], move |client| client.contents(doc).len() == 60).await;
    assert_eq!(clients[0].contents(doc), clients[1].contents(doc));
    assert_eq!(clients[0].contents(doc), clients[2].contents(doc));
}

#[tokio::test]
async fn data_survives_a_clean_restart_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let doc = doc_id(4);
    let mut relay = RelayProcess::start(&data, &["--compact-after", "4"]);

    let mut alice = SyncClient::connect(&url(&relay), "alice").await;
    for n in 0..10 {
        alice.write_acknowledged(doc, &format!("k{n}"), &n.to_string()).await;
    }
    // SIGTERM closes every connection with "service restart" and exits with success.
    let terminating = tokio::task::spawn_blocking(move || relay.terminate());
    let (close, _) = until_closed(&mut alice.ws).await;
    assert_eq!(close, Some((1012, "relay restarting".to_owned())));
    let status = terminating.await.unwrap();
    assert!(status.success(), "SIGTERM exits cleanly, got {status:?}");

    // Ten acknowledged writes with compaction every fourth chunk: the store holds one snapshot and
    // fewer than four incremental chunks, never ten files.
    let (id, _) = credential(1);
    let doc_dir = data.join("workspaces").join(id).join("docs").join(doc.to_string());
    let files: Vec<String> =
        std::fs::read_dir(&doc_dir).unwrap().map(|entry| entry.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(files.iter().filter(|name| name.ends_with(".snap")).count(), 1, "{files:?}");
    assert!(files.len() <= 4, "{files:?}");

    let relay = RelayProcess::start(&data, &[]);
    let mut bob = SyncClient::connect(&url(&relay), "bob").await;
    bob.fetch(doc).await;
    assert_eq!(bob.contents(doc), alice.contents(doc));
    assert_eq!(bob.contents(doc).len(), 10);
}

#[tokio::test]
async fn a_failed_write_is_reported_and_nothing_stored_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let doc = doc_id(5);
    let mut relay = RelayProcess::start(&data, &[]);
    let mut alice = SyncClient::connect(&url(&relay), "alice").await;
    alice.write_acknowledged(doc, "kept", "yes").await;
    let mut bob = SyncClient::connect(&url(&relay), "bob").await;
    bob.fetch(doc).await;

    // Every chunk is staged in <data>/tmp; a file in its place makes each write fail, as a full
    // disk would.
    let staging = data.join("tmp");
    std::fs::remove_dir_all(&staging).unwrap();
    std::fs::write(&staging, b"").unwrap();
    alice.edit(doc, "pending", "yes");
    alice.push(doc).await;
    while alice.step().await.is_some() {}
    assert_eq!(alice.errors.len(), 1, "{:?}", alice.errors);
    assert!(alice.errors[0].starts_with("the relay could not store changes"), "{:?}", alice.errors);
    assert!(!alice.relay_has_all(doc), "the relay must not acknowledge what it could not store");
    while bob.step().await.is_some() {}
    assert!(bob.errors[0].starts_with("the relay could not store changes"), "{:?}", bob.errors);

    // Once the disk recovers, the clients reconnect and the pending edit is stored after all.
    std::fs::remove_file(&staging).unwrap();
    std::fs::create_dir(&staging).unwrap();
    let mut alice = alice.reconnect(&url(&relay), "alice").await;
    alice.push(doc).await;
    alice.until("the relay to store the pending edit", |alice| alice.relay_has_all(doc)).await;

    assert!(relay.terminate().success());
    let relay = RelayProcess::start(&data, &[]);
    let mut carol = SyncClient::connect(&url(&relay), "carol").await;
    carol.fetch(doc).await;
    assert_eq!(carol.contents(doc), alice.contents(doc));
    assert_eq!(carol.value(doc, "kept").as_deref(), Some("yes"));
    assert_eq!(carol.value(doc, "pending").as_deref(), Some("yes"));
}

#[tokio::test]
async fn an_idle_workspace_leaves_memory_and_loads_again_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &["--idle-secs", "1"]);
    let doc = doc_id(6);
    let mut alice = SyncClient::connect(&url(&relay), "alice").await;
    alice.write_acknowledged(doc, "name", "Acme").await;
    drop(alice);
    relay.wait_for_health("the idle workspace to be dropped", |health| health["active_workspaces"] == 0);

    let mut bob = SyncClient::connect(&url(&relay), "bob").await;
    bob.fetch(doc).await;
    assert_eq!(bob.value(doc, "name").as_deref(), Some("Acme"));
}
