//! The repo: the open workspace together with its IndexedDB store. It decides what loads at
//! start (start-up caches where they are exact, documents where they are not), writes every
//! edit as an incremental chunk, compacts documents that grew many chunks, and keeps the caches
//! current.
//!
//! Everything here is synchronous except the storage calls; callers hold the repo only between
//! awaits, never across one.

use std::collections::{BTreeMap, BTreeSet};

use quota_core::workspace::{LoadReport, chunk_key};
use quota_core::{DocName, Workspace, WorkspaceKey};

use crate::storage::{CachedProjection, ChunkRef, StorageError, Store};

/// Compact a document once this many chunks are stored for it.
const COMPACT_AFTER: usize = 24;

/// The database that holds one workspace's data on this device.
pub fn database_name(key: &WorkspaceKey) -> String {
    format!("quota-{}", key.workspace_id())
}

pub struct Repo {
    pub ws: Workspace,
    pub store: Store,
    /// Chunk keys whose changes the in-memory document holds (loaded or written here).
    known: BTreeMap<DocName, BTreeSet<String>>,
    /// Chunk keys on disk when the workspace opened, for documents not loaded yet.
    on_disk: BTreeMap<DocName, BTreeSet<String>>,
    /// Documents whose tables came from an exact start-up cache.
    cached: BTreeSet<DocName>,
    /// Documents whose cache is out of date.
    stale_cache: BTreeSet<DocName>,
    /// Damage found while loading, for the user.
    pub problems: Vec<String>,
}

/// What a save or a load needs from storage, computed while the repo is borrowed.
pub struct PendingChunk {
    pub doc: DocName,
    pub key: String,
    pub bytes: Vec<u8>,
    heads: Vec<automerge::ChangeHash>,
}

pub struct PendingCompaction {
    pub doc: DocName,
    pub key: String,
    pub bytes: Vec<u8>,
    pub remove: Vec<String>,
    pub cache: CachedProjection,
}

impl Repo {
    /// Opens a workspace: reads its exact start-up caches into the tables, and lists what else
    /// must load. The tables are ready to show once [`Repo::stale_docs`] have loaded too.
    pub async fn open(key: WorkspaceKey, actor: [u8; 16]) -> Result<Repo, StorageError> {
        let store = Store::open(&database_name(&key)).await?;
        let refs = store.chunk_refs().await?;
        let caches = store.caches().await?;
        let mut on_disk: BTreeMap<DocName, BTreeSet<String>> = BTreeMap::new();
        let mut problems = Vec::new();
        for ChunkRef { doc, key } in refs {
            match doc.parse::<DocName>() {
                Ok(name) => {
                    on_disk.entry(name).or_default().insert(key);
                }
                Err(e) => problems.push(format!("a stored chunk names an unknown document ({e}) and was ignored")),
            }
        }
        let mut ws = Workspace::new(key, actor);
        let mut cached = BTreeSet::new();
        for cache in caches {
            let Ok(name) = cache.doc.parse::<DocName>() else { continue };
            let covers: BTreeSet<String> = cache.covers.iter().cloned().collect();
            let exact = on_disk.get(&name).is_some_and(|disk| *disk == covers);
            if exact && ws.load_projection(name, &cache.bytes).is_ok() {
                cached.insert(name);
            }
        }
        Ok(Repo { ws, store, known: BTreeMap::new(), on_disk, cached, stale_cache: BTreeSet::new(), problems })
    }

    /// Documents with data on disk whose tables are not filled yet: they load before the
    /// workspace is shown, so nothing stored is ever missing from the screen.
    pub fn stale_docs(&self) -> Vec<DocName> {
        self.on_disk.keys().filter(|n| !self.cached.contains(n) && !self.ws.is_loaded(**n)).copied().collect()
    }

    /// Documents whose tables came from caches and whose documents are not loaded yet; they load
    /// in the background.
    pub fn background_docs(&self) -> Vec<DocName> {
        self.on_disk.keys().filter(|n| self.cached.contains(n) && !self.ws.is_loaded(**n)).copied().collect()
    }

    /// Every document with data on disk that is not loaded yet.
    pub fn unloaded(&self) -> Vec<DocName> {
        self.on_disk.keys().filter(|n| !self.ws.is_loaded(**n)).copied().collect()
    }

    /// Whether a document must be read from disk before it can be edited.
    pub fn needs_load(&self, name: DocName) -> bool {
        !self.ws.is_loaded(name) && self.on_disk.contains_key(&name)
    }

    /// Makes a document with nothing on disk editable.
    pub fn start_if_new(&mut self, name: DocName) {
        if !self.ws.is_loaded(name) && !self.on_disk.contains_key(&name) {
            self.ws.start_empty(name);
        }
    }

    /// Loads a document from chunks read from disk. Damage is recorded in `problems`.
    pub fn load_chunks(&mut self, name: DocName, chunks: Vec<(String, Vec<u8>)>) -> LoadReport {
        if self.ws.is_loaded(name) {
            return LoadReport::default();
        }
        let refresh = !self.cached.contains(&name);
        let report = self.ws.load(name, chunks.iter().map(|(k, b)| (k.as_str(), b.as_slice())), refresh);
        if !report.skipped.is_empty() && !refresh {
            // The cache was computed from chunks that are now damaged: show what the document holds.
            self.ws.reread(name);
        }
        let skipped: BTreeSet<&str> = report.skipped.iter().map(|s| s.key.as_str()).collect();
        let good: BTreeSet<String> =
            chunks.iter().map(|(k, _)| k.clone()).filter(|k| !skipped.contains(k.as_str())).collect();
        self.known.insert(name, good);
        for skipped in &report.skipped {
            self.problems.push(skipped.to_string());
        }
        for unreadable in &report.unreadable {
            self.problems.push(unreadable.to_string());
        }
        if report.waiting > 0 {
            self.problems.push(format!(
                "later changes to {name} build on the damaged data; they will appear once a teammate's copy syncs"
            ));
        }
        if refresh || !report.skipped.is_empty() {
            self.stale_cache.insert(name);
        }
        report
    }

    /// The next unsaved document's changes as a chunk to write, if any.
    pub fn next_unsaved(&self) -> Option<PendingChunk> {
        let doc = self.ws.unsaved().next()?;
        let (bytes, heads) = self.ws.pending_chunk(doc)?;
        Some(PendingChunk { doc, key: chunk_key(&bytes), bytes, heads })
    }

    /// Records that a chunk is on disk.
    pub fn saved(&mut self, chunk: PendingChunk) {
        self.ws.mark_saved(chunk.doc, chunk.heads);
        self.known.entry(chunk.doc).or_default().insert(chunk.key);
        self.on_disk.entry(chunk.doc).or_default();
        self.stale_cache.insert(chunk.doc);
    }

    /// A compaction to run, when a document has gathered many chunks.
    pub fn next_compaction(&self) -> Option<PendingCompaction> {
        let (&doc, keys) =
            self.known.iter().find(|(doc, keys)| keys.len() >= COMPACT_AFTER && self.ws.is_loaded(**doc))?;
        if self.ws.unsaved().any(|d| d == doc) {
            return None;
        }
        let (bytes, _) = self.ws.snapshot(doc)?;
        let key = chunk_key(&bytes);
        let cache =
            CachedProjection { doc: doc.to_string(), covers: vec![key.clone()], bytes: self.ws.projection(doc) };
        Some(PendingCompaction { doc, key, bytes, remove: keys.iter().cloned().collect(), cache })
    }

    /// Records a finished compaction.
    pub fn compacted(&mut self, done: PendingCompaction) {
        self.known.insert(done.doc, BTreeSet::from([done.key]));
        self.stale_cache.remove(&done.doc);
    }

    /// Start-up caches to rewrite: documents changed since their cache was written.
    pub fn take_stale_caches(&mut self) -> Vec<CachedProjection> {
        let docs: Vec<DocName> = std::mem::take(&mut self.stale_cache).into_iter().collect();
        docs.into_iter()
            .filter(|d| self.ws.is_loaded(*d))
            .map(|doc| CachedProjection {
                doc: doc.to_string(),
                covers: self.known.get(&doc).map(|k| k.iter().cloned().collect()).unwrap_or_default(),
                bytes: self.ws.projection(doc),
            })
            .collect()
    }

    /// Marks a cache as still needing a write (after a failed write).
    pub fn cache_failed(&mut self, doc: &str) {
        if let Ok(name) = doc.parse() {
            self.stale_cache.insert(name);
        }
    }
}
