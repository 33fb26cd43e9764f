//! Browser tests of durable storage: real IndexedDB in headless Chromium.
#![cfg(target_arch = "wasm32")]

use quota::ids;
use quota::repo::{Repo, database_name};
use quota::storage::{CachedProjection, StorageError, Store};
use quota_core::account::{Account, AccountId};
use quota_core::workspace::chunk_key;
use quota_core::{Collection, DocName, Stamp, Workspace, WorkspaceKey};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_key() -> WorkspaceKey {
    WorkspaceKey(ids::random_bytes())
}

fn stamp() -> Stamp {
    Stamp::new(ids::now(), None)
}

/// Opens the workspace's repo as a new tab would, loading what must load before showing data.
async fn open_tab(key: WorkspaceKey) -> Repo {
    let mut repo = Repo::open(key, ids::random_bytes()).await.expect("repo opens");
    for name in repo.stale_docs() {
        let chunks = repo.store.chunks(&name.to_string()).await.expect("chunks read");
        repo.load_chunks(name, chunks);
    }
    repo
}

async fn add_account(repo: &mut Repo, name: &str) -> AccountId {
    let id: AccountId = ids::new_id();
    let doc = Workspace::doc_of::<Account>(id);
    if repo.needs_load(doc) {
        let chunks = repo.store.chunks(&doc.to_string()).await.unwrap();
        repo.load_chunks(doc, chunks);
    }
    repo.start_if_new(doc);
    repo.ws.create(Account { id, name: name.into(), ..Default::default() }, stamp()).unwrap();
    save_all(repo).await.unwrap();
    id
}

async fn save_all(repo: &mut Repo) -> Result<(), StorageError> {
    while let Some(chunk) = repo.next_unsaved() {
        repo.store.put_chunk(&chunk.doc.to_string(), &chunk.key, &chunk.bytes).await?;
        repo.saved(chunk);
    }
    Ok(())
}

async fn write_caches(repo: &mut Repo) {
    for cache in repo.take_stale_caches() {
        repo.store.put_cache(&cache).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn chunks_round_trip_through_indexeddb() {
    let store = Store::open(&format!("quota-test-{}", chunk_key(&ids::random_bytes::<8>()))).await.unwrap();
    store.put_chunk("accounts/0", "aa", &[1, 2, 3]).await.unwrap();
    store.put_chunk("accounts/0", "bb", &[4]).await.unwrap();
    store.put_chunk("accounts/1", "cc", &[5]).await.unwrap();
    let mut chunks = store.chunks("accounts/0").await.unwrap();
    chunks.sort();
    assert_eq!(chunks, vec![("aa".to_string(), vec![1, 2, 3]), ("bb".to_string(), vec![4])]);
    assert_eq!(store.chunk_refs().await.unwrap().len(), 3);
    store.put_text("draft:x", "{}").await.unwrap();
    assert_eq!(store.get_text("draft:x").await.unwrap().as_deref(), Some("{}"));
    store.delete_text("draft:x").await.unwrap();
    assert_eq!(store.get_text("draft:x").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn saved_records_load_in_a_new_tab() {
    let key = fresh_key();
    let mut first = open_tab(key).await;
    let id = add_account(&mut first, "Initech").await;
    first.store.close();

    let second = open_tab(key).await;
    assert_eq!(second.ws.data.accounts.get(id).map(|a| a.name.as_str()), Some("Initech"));
}

/// An account id that lands in a given document.
fn id_in(doc: DocName) -> AccountId {
    loop {
        let id: AccountId = ids::new_id();
        if Workspace::doc_of::<Account>(id) == doc {
            return id;
        }
    }
}

async fn add_account_in(repo: &mut Repo, doc: DocName, name: &str) -> (AccountId, String) {
    let id = id_in(doc);
    repo.start_if_new(doc);
    repo.ws.create(Account { id, name: name.into(), ..Default::default() }, stamp()).unwrap();
    let chunk = repo.next_unsaved().unwrap();
    let key = chunk.key.clone();
    repo.store.put_chunk(&chunk.doc.to_string(), &chunk.key, &chunk.bytes).await.unwrap();
    repo.saved(chunk);
    (id, key)
}

#[wasm_bindgen_test]
async fn a_damaged_chunk_is_reported_and_skipped_and_every_other_record_loads() {
    let key = fresh_key();
    let mut tab = open_tab(key).await;
    let mut others = Vec::new();
    for i in 0..12 {
        others.push(add_account(&mut tab, &format!("Account {i}")).await);
    }
    // In one document: two good edits, then one whose stored chunk gets damaged.
    let doc = DocName::live(Collection::Accounts, 2);
    let (kept_a, _) = add_account_in(&mut tab, doc, "Kept A").await;
    let (kept_b, _) = add_account_in(&mut tab, doc, "Kept B").await;
    let (lost, bad_key) = add_account_in(&mut tab, doc, "Lost").await;
    let chunks = tab.store.chunks(&doc.to_string()).await.unwrap();
    let bytes = chunks.iter().find(|(k, _)| *k == bad_key).map(|(_, b)| b.clone()).unwrap();
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x5A;
    tab.store.put_chunk(&doc.to_string(), &bad_key, &damaged).await.unwrap();
    // And, in another document, a chunk that is not Automerge at all, stored under its own hash.
    let garbage = b"definitely not a chunk".to_vec();
    let other_doc = DocName::live(Collection::Accounts, 3);
    tab.store.put_chunk(&other_doc.to_string(), &chunk_key(&garbage), &garbage).await.unwrap();
    tab.store.close();

    let reopened = open_tab(key).await;
    let reported: Vec<&String> = reopened.problems.iter().filter(|p| p.contains("damaged")).collect();
    assert_eq!(reported.len(), 2, "both bad chunks are reported: {:?}", reopened.problems);
    assert!(reported.iter().any(|p| p.contains(&bad_key)));
    for id in others.iter().chain([&kept_a, &kept_b]) {
        assert!(reopened.ws.data.accounts.contains(*id), "every record outside the damaged chunk loads");
    }
    assert!(!reopened.ws.data.accounts.contains(lost));
}

#[wasm_bindgen_test]
async fn an_exact_start_up_cache_fills_the_tables_without_loading_documents() {
    let key = fresh_key();
    let mut tab = open_tab(key).await;
    let id = add_account(&mut tab, "Cached Co").await;
    write_caches(&mut tab).await;
    tab.store.close();

    let reopened = Repo::open(key, ids::random_bytes()).await.unwrap();
    assert!(reopened.stale_docs().is_empty(), "every document has an exact cache");
    assert_eq!(reopened.ws.data.accounts.get(id).map(|a| a.name.as_str()), Some("Cached Co"));
    assert!(reopened.background_docs().contains(&Workspace::doc_of::<Account>(id)));
}

#[wasm_bindgen_test]
async fn a_cache_that_misses_another_tabs_chunk_is_not_trusted() {
    let key = fresh_key();
    let mut a = open_tab(key).await;
    let first = add_account(&mut a, "From tab A").await;
    write_caches(&mut a).await;
    // Tab B writes to the same document after A's cache was written.
    let mut b = open_tab(key).await;
    let doc = Workspace::doc_of::<Account>(first);
    let mut second: AccountId = ids::new_id();
    while Workspace::doc_of::<Account>(second) != doc {
        second = ids::new_id();
    }
    let chunks = b.store.chunks(&doc.to_string()).await.unwrap();
    if b.needs_load(doc) {
        b.load_chunks(doc, chunks);
    }
    b.ws.create(Account { id: second, name: "From tab B".into(), ..Default::default() }, stamp()).unwrap();
    save_all(&mut b).await.unwrap();
    a.store.close();
    b.store.close();

    let reopened = open_tab(key).await;
    assert!(reopened.ws.data.accounts.contains(first));
    assert!(reopened.ws.data.accounts.contains(second), "the newer chunk is loaded, not hidden by the old cache");
}

#[wasm_bindgen_test]
async fn two_tabs_writing_the_same_document_keep_both_edits() {
    let key = fresh_key();
    let mut a = open_tab(key).await;
    let mut b = open_tab(key).await;
    let name = DocName::live(Collection::Accounts, 0);
    let mut made = Vec::new();
    for (tab, label) in [(&mut a, "A"), (&mut b, "B")] {
        let mut id: AccountId = ids::new_id();
        while Workspace::doc_of::<Account>(id) != name {
            id = ids::new_id();
        }
        tab.start_if_new(name);
        tab.ws.create(Account { id, name: format!("Written in tab {label}"), ..Default::default() }, stamp()).unwrap();
        save_all(tab).await.unwrap();
        made.push(id);
    }
    a.store.close();
    b.store.close();
    let reopened = open_tab(key).await;
    for id in made {
        assert!(reopened.ws.data.accounts.contains(id));
    }
}

#[wasm_bindgen_test]
async fn compaction_replaces_chunks_with_one_snapshot_and_loses_nothing() {
    let key = fresh_key();
    let mut tab = open_tab(key).await;
    let name = DocName::live(Collection::Accounts, 1);
    let mut made = Vec::new();
    for i in 0..30 {
        let mut id: AccountId = ids::new_id();
        while Workspace::doc_of::<Account>(id) != name {
            id = ids::new_id();
        }
        tab.start_if_new(name);
        tab.ws.create(Account { id, name: format!("N{i}"), ..Default::default() }, stamp()).unwrap();
        save_all(&mut tab).await.unwrap();
        made.push(id);
    }
    let before = tab.store.chunks(&name.to_string()).await.unwrap().len();
    let compaction = tab.next_compaction().expect("a document with many chunks is compacted");
    let cache: &CachedProjection = &compaction.cache;
    tab.store
        .compact(&compaction.doc.to_string(), &compaction.key, &compaction.bytes, &compaction.remove, Some(cache))
        .await
        .unwrap();
    tab.compacted(compaction);
    let after = tab.store.chunks(&name.to_string()).await.unwrap().len();
    assert!(before >= 24 && after == 1, "{before} chunks became {after}");
    tab.store.close();
    let reopened = open_tab(key).await;
    assert!(made.iter().all(|id| reopened.ws.data.accounts.contains(*id)));
}

#[wasm_bindgen_test]
async fn the_database_is_named_after_the_public_workspace_id_not_the_key() {
    let key = fresh_key();
    let name = database_name(&key);
    assert!(name.contains(&key.workspace_id()));
    assert!(!name.contains(&key.to_string()));
}
