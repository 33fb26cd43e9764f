//! One workspace's documents as the hub sees them: loaded from storage on demand, persisted as
//! incremental chunks after every change, compacted now and then, and dropped from memory when
//! idle.
//!
//! The hub's [`Documents`] calls are synchronous, so this type never touches the disk inside
//! them: the workspace task loads a document ([`WorkspaceDocuments::ensure_loaded`]) before it
//! hands the hub a message about it, and persists changed documents
//! ([`WorkspaceDocuments::persist`]) after the hub is done with a batch of messages.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::{Automerge, ChangeHash};
use quota_sync::{ConnectionId, DocumentId, Documents, PeerId};

use crate::auth::WorkspaceId;
use crate::storage::{Chunk, ChunkKind, ChunkName, DocKey, Storage, StorageError};

/// A document in memory with what is known about its stored form.
struct Loaded {
    doc: Automerge,
    /// The heads of everything already on disk.
    saved_heads: Vec<ChangeHash>,
    /// The chunks on disk, replaced together by the next compaction.
    chunks: Vec<ChunkName>,
    last_used: Instant,
}

impl Loaded {
    fn is_saved(&self) -> bool {
        self.doc.get_heads() == self.saved_heads
    }
}

/// What persisting one document needs: computed in memory, then written off the async runtime.
pub struct PendingWrite {
    document: DocumentId,
    incremental: Vec<u8>,
    heads: Vec<ChangeHash>,
    /// A whole-document snapshot, when the chunk count calls for compaction.
    snapshot: Option<(Vec<u8>, Vec<ChunkName>)>,
}

/// What became of one [`PendingWrite`].
pub struct WriteOutcome {
    document: DocumentId,
    heads: Vec<ChangeHash>,
    result: Result<(ChunkName, Option<ChunkName>), StorageError>,
}

impl WriteOutcome {
    pub fn document(&self) -> DocumentId {
        self.document
    }

    pub fn error(&self) -> Option<&StorageError> {
        self.result.as_ref().err()
    }
}

/// The documents of one workspace.
pub struct WorkspaceDocuments {
    workspace: WorkspaceId,
    storage: Arc<Storage>,
    loaded: HashMap<DocumentId, Loaded>,
    /// Documents on disk or created here; creation stops at `max_documents`.
    known: usize,
    max_documents: usize,
    compact_after: usize,
}

impl WorkspaceDocuments {
    /// The workspace's documents, none loaded yet; counts what is on disk for the limit.
    pub async fn open(
        workspace: WorkspaceId,
        storage: Arc<Storage>,
        max_documents: usize,
        compact_after: usize,
    ) -> WorkspaceDocuments {
        let counting = storage.clone();
        let known = match tokio::task::spawn_blocking(move || counting.documents(workspace)).await {
            Ok(Ok(documents)) => documents.len(),
            Ok(Err(error)) => {
                tracing::error!(%workspace, %error, "cannot count the workspace's documents");
                0
            }
            Err(error) => {
                tracing::error!(%workspace, %error, "counting documents failed");
                0
            }
        };
        WorkspaceDocuments {
            workspace,
            storage,
            loaded: HashMap::new(),
            known,
            max_documents,
            compact_after: compact_after.max(1),
        }
    }

    pub fn is_loaded(&self, document: &DocumentId) -> bool {
        self.loaded.contains_key(document)
    }

    /// Loads a document from disk if it is stored and not in memory yet.
    pub async fn ensure_loaded(&mut self, document: DocumentId) -> Result<(), StorageError> {
        if self.loaded.contains_key(&document) {
            return Ok(());
        }
        let storage = self.storage.clone();
        let workspace = self.workspace;
        let chunks = tokio::task::spawn_blocking(move || storage.load(workspace, &key(&document)))
            .await
            .expect("loading a document does not panic")?;
        if !chunks.is_empty() {
            let loaded = assemble(&document, chunks);
            self.loaded.insert(document, loaded);
        }
        Ok(())
    }

    /// The writes that bring the disk up to date with memory for `documents`.
    pub fn pending_writes(&self, documents: impl IntoIterator<Item = DocumentId>) -> Vec<PendingWrite> {
        let mut writes = Vec::new();
        for document in documents {
            let Some(loaded) = self.loaded.get(&document) else { continue };
            if loaded.is_saved() {
                continue;
            }
            let heads = loaded.doc.get_heads();
            let incremental = loaded.doc.save_after(&loaded.saved_heads);
            let snapshot = (loaded.chunks.len() + 1 >= self.compact_after).then(|| {
                let mut replaced = loaded.chunks.clone();
                replaced.push(ChunkName { kind: ChunkKind::Incremental, hash: sha256(&incremental) });
                (loaded.doc.save(), replaced)
            });
            writes.push(PendingWrite { document, incremental, heads, snapshot });
        }
        writes
    }

    /// Carries out writes on a blocking thread. Each chunk is durable when this returns `Ok`.
    pub async fn write(storage: Arc<Storage>, workspace: WorkspaceId, writes: Vec<PendingWrite>) -> Vec<WriteOutcome> {
        if writes.is_empty() {
            return Vec::new();
        }
        tokio::task::spawn_blocking(move || {
            writes
                .into_iter()
                .map(|write| {
                    let doc = key(&write.document);
                    let result = storage.append(workspace, &doc, &write.incremental).and_then(|chunk| {
                        let snapshot = match &write.snapshot {
                            Some((bytes, replaced)) => Some(storage.compact(workspace, &doc, bytes, replaced)?),
                            None => None,
                        };
                        Ok((chunk, snapshot))
                    });
                    WriteOutcome { document: write.document, heads: write.heads, result }
                })
                .collect()
        })
        .await
        .expect("writing chunks does not panic")
    }

    /// Records what reached the disk, so the next write starts after it.
    pub fn written(&mut self, outcomes: &[WriteOutcome]) {
        for outcome in outcomes {
            let Some(loaded) = self.loaded.get_mut(&outcome.document) else { continue };
            if let Ok((chunk, snapshot)) = &outcome.result {
                loaded.saved_heads = outcome.heads.clone();
                match snapshot {
                    Some(snapshot) => loaded.chunks = vec![snapshot.clone()],
                    None => loaded.chunks.push(chunk.clone()),
                }
            }
        }
    }

    /// The storage and workspace, for writing off the task.
    pub fn storage(&self) -> (Arc<Storage>, WorkspaceId) {
        (self.storage.clone(), self.workspace)
    }

    /// Drops documents that are saved and unused for `idle`; they load again when asked for.
    pub fn evict_idle(&mut self, idle: Duration) -> usize {
        let before = self.loaded.len();
        self.loaded.retain(|_, loaded| loaded.last_used.elapsed() < idle || !loaded.is_saved());
        before - self.loaded.len()
    }

    /// Forgets a document's unsaved state, so it loads again from disk when next needed.
    pub fn discard(&mut self, document: &DocumentId) {
        if let Some(loaded) = self.loaded.remove(document)
            && loaded.chunks.is_empty()
        {
            // It never reached the disk, so it no longer counts against the limit.
            self.known = self.known.saturating_sub(1);
        }
    }
}

impl Documents for WorkspaceDocuments {
    /// Every connection of this workspace may reach every document of it; other workspaces'
    /// documents are never in this map, so they cannot be reached at all.
    fn may_access(&mut self, _connection: ConnectionId, _peer: &PeerId, _document: &DocumentId) -> bool {
        true
    }

    fn get(&mut self, document: &DocumentId) -> Option<&Automerge> {
        let loaded = self.loaded.get_mut(document)?;
        loaded.last_used = Instant::now();
        Some(&loaded.doc)
    }

    fn update(&mut self, document: &DocumentId, change: &mut dyn FnMut(&mut Automerge)) -> bool {
        match self.loaded.get_mut(document) {
            Some(loaded) => {
                loaded.last_used = Instant::now();
                change(&mut loaded.doc);
                true
            }
            None => false,
        }
    }

    fn create(&mut self, document: &DocumentId) -> bool {
        if self.known >= self.max_documents {
            tracing::warn!(workspace = %self.workspace, max = self.max_documents, "workspace is at its document limit");
            return false;
        }
        self.known += 1;
        let loaded =
            Loaded { doc: Automerge::new(), saved_heads: Vec::new(), chunks: Vec::new(), last_used: Instant::now() };
        self.loaded.insert(*document, loaded);
        true
    }
}

/// Builds a document from its chunks. A chunk that does not load (a damaged file) is reported
/// and skipped, so every other change still loads.
fn assemble(document: &DocumentId, chunks: Vec<Chunk>) -> Loaded {
    let mut doc = Automerge::new();
    let mut names = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        match doc.load_incremental(&chunk.bytes) {
            Ok(_) => names.push(chunk.name),
            Err(error) => tracing::error!(%document, %error, "skipping a damaged chunk"),
        }
    }
    let saved_heads = doc.get_heads();
    Loaded { doc, saved_heads, chunks: names, last_used: Instant::now() }
}

fn key(document: &DocumentId) -> DocKey {
    DocKey::new(&document.to_string()).expect("a bs58 document id is a safe file name")
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
