//! Documents on disk: per workspace, as content-addressed chunks written atomically.
//!
//! Layout under the data directory:
//!
//! ```text
//! workspaces/<workspace id>/credential                       sha256 of the workspace token
//! workspaces/<workspace id>/docs/<document id>/<sha256>.incr  one batch of changes
//! workspaces/<workspace id>/docs/<document id>/<sha256>.snap  a compacted whole document
//! tmp/                                                        files being written
//! ```
//!
//! A chunk's name is the sha256 of its bytes, so writing the same chunk twice is harmless and two
//! writers never clobber each other. Every file is written to `tmp/`, synced, then renamed into
//! place, so a crash or a full disk leaves either the whole chunk or nothing. Compaction writes the
//! snapshot first and only then deletes the chunks it replaces; a crash in between leaves both,
//! and loading them together gives the same document.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::auth::WorkspaceId;

/// A storage failure, with the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("invalid document key: {0:?}")]
    BadKey(String),
}

/// What kind of chunk a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkKind {
    /// Changes appended since the last snapshot.
    Incremental,
    /// A whole document saved by compaction.
    Snapshot,
}

/// The name of a stored chunk: its kind and the sha256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChunkName {
    pub kind: ChunkKind,
    pub hash: [u8; 32],
}

/// One chunk read back from disk.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub name: ChunkName,
    pub bytes: Vec<u8>,
}

/// A document's storage key inside a workspace: the document id as the sync protocol writes it.
/// Only ASCII letters, digits, `-` and `_` are allowed, so the key is always a safe file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocKey(String);

impl DocKey {
    pub fn new(text: &str) -> Result<DocKey, StorageError> {
        let safe = !text.is_empty()
            && text.len() <= 128
            && text.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if safe { Ok(DocKey(text.to_owned())) } else { Err(StorageError::BadKey(text.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The document store of one relay. Cheap to share: it holds only paths.
#[derive(Debug)]
pub struct Storage {
    workspaces: PathBuf,
    tmp: PathBuf,
    storage_id: String,
}

impl Storage {
    /// Opens (creating if needed) the store under `data_dir`, and removes temporary files left by
    /// a crash, which are by construction not part of any stored document.
    pub fn open(data_dir: &Path) -> Result<Storage, StorageError> {
        let workspaces = data_dir.join("workspaces");
        let tmp = data_dir.join("tmp");
        for dir in [&workspaces, &tmp] {
            fs::create_dir_all(dir).map_err(|source| StorageError::Write { path: dir.clone(), source })?;
        }
        if let Ok(leftovers) = fs::read_dir(&tmp) {
            for entry in leftovers.flatten() {
                if let Err(error) = fs::remove_file(entry.path()) {
                    tracing::warn!(path = %entry.path().display(), %error, "cannot remove a leftover temporary file");
                }
            }
        }
        let storage_id = read_or_create_storage_id(&data_dir.join("storage-id"))?;
        Ok(Storage { workspaces, tmp, storage_id })
    }

    /// The id this store announces to automerge-repo peers; it stays the same across restarts.
    pub fn storage_id(&self) -> String {
        self.storage_id.clone()
    }

    /// Every chunk of a document, snapshots first; empty if the workspace has no such document.
    pub fn load(&self, workspace: WorkspaceId, doc: &DocKey) -> Result<Vec<Chunk>, StorageError> {
        let dir = self.doc_dir(workspace, doc);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(StorageError::Read { path: dir, source }),
        };
        let mut chunks = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| StorageError::Read { path: dir.clone(), source })?;
            let Some(name) = entry.file_name().to_str().and_then(parse_chunk_name) else {
                tracing::warn!(path = %entry.path().display(), "ignoring a file that is not a chunk");
                continue;
            };
            let path = entry.path();
            match fs::read(&path) {
                Ok(bytes) => chunks.push(Chunk { name, bytes }),
                // Compaction may have removed the chunk since the directory was listed; its
                // content is in the snapshot that replaced it.
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(StorageError::Read { path, source }),
            }
        }
        chunks.sort_by_key(|chunk| (chunk.name.kind == ChunkKind::Incremental, chunk.name.hash));
        Ok(chunks)
    }

    /// Stores a batch of changes. Returns once the chunk is durably on disk.
    pub fn append(&self, workspace: WorkspaceId, doc: &DocKey, bytes: &[u8]) -> Result<ChunkName, StorageError> {
        self.put(workspace, doc, ChunkKind::Incremental, bytes)
    }

    /// Stores a whole document and then deletes the chunks it replaces.
    pub fn compact(
        &self,
        workspace: WorkspaceId,
        doc: &DocKey,
        snapshot: &[u8],
        replaced: &[ChunkName],
    ) -> Result<ChunkName, StorageError> {
        let written = self.put(workspace, doc, ChunkKind::Snapshot, snapshot)?;
        let dir = self.doc_dir(workspace, doc);
        for name in replaced.iter().filter(|name| **name != written) {
            let path = dir.join(file_name(name));
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => tracing::warn!(path = %path.display(), %error, "cannot remove a compacted chunk"),
            }
        }
        Ok(written)
    }

    /// The documents stored for a workspace.
    pub fn documents(&self, workspace: WorkspaceId) -> Result<Vec<DocKey>, StorageError> {
        let dir = self.workspaces.join(workspace.to_string()).join("docs");
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(StorageError::Read { path: dir, source }),
        };
        let mut docs: Vec<DocKey> =
            entries.flatten().filter_map(|entry| DocKey::new(entry.file_name().to_str()?).ok()).collect();
        docs.sort();
        Ok(docs)
    }

    fn put(
        &self,
        workspace: WorkspaceId,
        doc: &DocKey,
        kind: ChunkKind,
        bytes: &[u8],
    ) -> Result<ChunkName, StorageError> {
        let name = ChunkName { kind, hash: Sha256::digest(bytes).into() };
        let dir = self.doc_dir(workspace, doc);
        let path = dir.join(file_name(&name));
        if path.exists() {
            return Ok(name);
        }
        fs::create_dir_all(&dir).map_err(|source| StorageError::Write { path: dir.clone(), source })?;
        write_via(&self.tmp, &path, bytes)?;
        Ok(name)
    }

    fn doc_dir(&self, workspace: WorkspaceId, doc: &DocKey) -> PathBuf {
        self.workspaces.join(workspace.to_string()).join("docs").join(doc.as_str())
    }
}

fn read_or_create_storage_id(path: &Path) -> Result<String, StorageError> {
    match fs::read_to_string(path) {
        Ok(id) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
        Ok(_) => create_storage_id(path),
        Err(error) if error.kind() == io::ErrorKind::NotFound => create_storage_id(path),
        Err(source) => Err(StorageError::Read { path: path.to_owned(), source }),
    }
}

fn create_storage_id(path: &Path) -> Result<String, StorageError> {
    let id = automerge::ActorId::random().to_hex_string();
    write_atomically(path, id.as_bytes()).map_err(|source| StorageError::Write { path: path.to_owned(), source })?;
    Ok(id)
}

/// Writes `bytes` to `path` atomically, staging the file beside it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    write_via(dir, path, bytes).map_err(|error| match error {
        StorageError::Write { source, .. } | StorageError::Read { source, .. } => source,
        StorageError::BadKey(key) => io::Error::new(io::ErrorKind::InvalidInput, key),
    })
}

fn write_via(tmp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let tmp = tmp_dir.join(format!(".tmp-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_data()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        // The partial temporary file is not part of any document; removing it gives the space
        // back when the disk is full. If even that fails, the next start removes it.
        let _removed = fs::remove_file(&tmp);
        StorageError::Write { path: path.to_owned(), source }
    })
}

fn file_name(name: &ChunkName) -> String {
    let ext = match name.kind {
        ChunkKind::Incremental => "incr",
        ChunkKind::Snapshot => "snap",
    };
    format!("{}.{ext}", hex::encode(name.hash))
}

fn parse_chunk_name(file: &str) -> Option<ChunkName> {
    let (stem, ext) = file.split_once('.')?;
    let kind = match ext {
        "incr" => ChunkKind::Incremental,
        "snap" => ChunkKind::Snapshot,
        _ => return None,
    };
    let mut hash = [0; 32];
    hex::decode_to_slice(stem, &mut hash).ok()?;
    Some(ChunkName { kind, hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> WorkspaceId {
        "00112233445566778899aabbccddeeff".parse().unwrap()
    }

    fn doc() -> DocKey {
        DocKey::new("3vUGGvcD7Vm7aN9zLrzNSpT5mUM1").unwrap()
    }

    #[test]
    fn appended_chunks_load_back_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        storage.append(workspace(), &doc(), b"one").unwrap();
        storage.append(workspace(), &doc(), b"two").unwrap();
        storage.append(workspace(), &doc(), b"one").unwrap();

        let reopened = Storage::open(dir.path()).unwrap();
        let mut loaded: Vec<Vec<u8>> =
            reopened.load(workspace(), &doc()).unwrap().into_iter().map(|c| c.bytes).collect();
        loaded.sort();
        assert_eq!(loaded, vec![b"one".to_vec(), b"two".to_vec()]);
        assert_eq!(reopened.documents(workspace()).unwrap(), vec![doc()]);
    }

    #[test]
    fn compaction_replaces_the_chunks_it_covers_and_keeps_later_ones() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        let first = storage.append(workspace(), &doc(), b"one").unwrap();
        let second = storage.append(workspace(), &doc(), b"two").unwrap();
        storage.append(workspace(), &doc(), b"three").unwrap();
        storage.compact(workspace(), &doc(), b"one+two", &[first, second]).unwrap();

        let loaded = storage.load(workspace(), &doc()).unwrap();
        let shown: Vec<(ChunkKind, &[u8])> = loaded.iter().map(|c| (c.name.kind, c.bytes.as_slice())).collect();
        assert_eq!(shown, vec![(ChunkKind::Snapshot, &b"one+two"[..]), (ChunkKind::Incremental, &b"three"[..])]);
    }

    #[test]
    fn another_workspace_sees_no_document() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        storage.append(workspace(), &doc(), b"secret").unwrap();
        let other: WorkspaceId = "ffeeddccbbaa99887766554433221100".parse().unwrap();
        assert!(storage.load(other, &doc()).unwrap().is_empty());
        assert!(storage.documents(other).unwrap().is_empty());
    }

    #[test]
    fn a_failed_write_reports_the_error_and_leaves_stored_chunks_intact() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        storage.append(workspace(), &doc(), b"kept").unwrap();
        // Replacing the staging directory with a file makes every new write fail, as a full disk
        // would, even for a user who may write anywhere.
        fs::remove_dir_all(dir.path().join("tmp")).unwrap();
        fs::write(dir.path().join("tmp"), b"").unwrap();

        let failed = storage.append(workspace(), &doc(), b"lost");
        assert!(matches!(failed, Err(StorageError::Write { .. })), "{failed:?}");
        let loaded: Vec<Vec<u8>> = storage.load(workspace(), &doc()).unwrap().into_iter().map(|c| c.bytes).collect();
        assert_eq!(loaded, vec![b"kept".to_vec()]);
    }

    #[test]
    fn leftover_temporary_files_are_removed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        Storage::open(dir.path()).unwrap();
        fs::write(dir.path().join("tmp").join(".tmp-1-1"), b"half a chunk").unwrap();
        Storage::open(dir.path()).unwrap();
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn document_keys_that_could_escape_the_directory_are_rejected() {
        for key in ["", "..", "a/b", "a\\b", ".hidden", "a b"] {
            assert!(DocKey::new(key).is_err(), "{key:?} should be rejected");
        }
        assert!(DocKey::new("3vUGGvcD7Vm7aN9zLrzNSpT5mUM1").is_ok());
    }
}
