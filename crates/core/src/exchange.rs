//! Workspace files for offline exchange: every document of a workspace (or only its changes
//! since a point in time) in one file that another device merges, with no server between them.
//!
//! # Format (version 1)
//! All integers are little-endian.
//!
//! | bytes | content |
//! |---|---|
//! | 8 | the magic `QUOTA-XF` |
//! | 1 | the format version, 1 |
//! | 1 + 8 | 1 and the `since` timestamp in UTC milliseconds, or 0 and eight zero bytes for a whole export |
//! | 2 + n | the length and UTF-8 text of the workspace id ([`WorkspaceKey::workspace_id`](crate::WorkspaceKey::workspace_id)) |
//! | 4 | the number of documents |
//! | per document: 2 + n, 8 + m | its name (`deals/3`, `plan/<id>/targets/0`), then its Automerge bytes: a whole saved document, or the changes made after `since` |
//! | 32 | the SHA-256 of everything before it |
//!
//! Importing checks the whole file (magic, version, checksum, workspace, every document's bytes)
//! before it changes anything, so a truncated, damaged or foreign file is refused whole. Merging
//! then goes through [`Workspace::apply`], as sync does: importing a file twice adds nothing the
//! second time.

use std::collections::BTreeSet;

use automerge::{Automerge, AutomergeError, LoadOptions, OnPartialLoad, ReadDoc, VerificationMode};
use sha2::{Digest, Sha256};

use crate::collection::{Collection, DocName};
use crate::date::Timestamp;
use crate::workspace::{Workspace, heads_at};

const MAGIC: &[u8; 8] = b"QUOTA-XF";
const VERSION: u8 = 1;
const CHECKSUM_LEN: usize = 32;

/// Why a workspace file was refused. Nothing is imported when any of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error("this is not a Quota workspace file")]
    NotAnExchangeFile,
    #[error("this workspace file was written by a newer version of Quota (format {0}); update Quota to import it")]
    NewerFormat(u8),
    #[error("the workspace file is damaged ({0}); nothing was imported")]
    Damaged(String),
    #[error("the workspace file belongs to another workspace ({file}), not this one ({this}); nothing was imported")]
    OtherWorkspace { file: String, this: String },
    #[error("document {doc} could not be merged: {reason}")]
    Merge { doc: DocName, reason: String },
}

/// What importing one document of a file did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedDoc {
    pub name: DocName,
    /// Changes this device did not have before.
    pub new_changes: usize,
    /// The document was not loaded here and was started for the file.
    pub started: bool,
    /// Changes that build on a change this device does not have yet (from a file of changes
    /// since a point this device has not reached). They apply once the missing change arrives.
    pub waiting: usize,
}

/// What importing a file did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// The point the file's changes start from; `None` for a whole export.
    pub since: Option<Timestamp>,
    /// Every document in the file, in file order.
    pub docs: Vec<ImportedDoc>,
    /// The collections that received new changes, live or in a draft.
    pub changed: BTreeSet<Collection>,
}

impl ImportReport {
    /// How many changes the file brought in all.
    pub fn new_changes(&self) -> usize {
        self.docs.iter().map(|d| d.new_changes).sum()
    }

    /// How many changes wait for a change this device does not have.
    pub fn waiting(&self) -> usize {
        self.docs.iter().map(|d| d.waiting).sum()
    }
}

/// Writes every loaded document (drafts of plan versions too) to a workspace file: whole when
/// `since` is `None`, else only the changes made after `since`. Documents with nothing to write
/// are left out.
pub fn export(ws: &Workspace, since: Option<Timestamp>) -> Vec<u8> {
    let docs: Vec<(DocName, Vec<u8>)> = ws
        .docs()
        .map(|(name, doc)| {
            let bytes = match since {
                None if doc.get_heads().is_empty() => Vec::new(),
                None => doc.save(),
                Some(at) => doc.save_after(&heads_at(doc, at)),
            };
            (name, bytes)
        })
        .filter(|(_, bytes)| !bytes.is_empty())
        .collect();

    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    match since {
        Some(at) => {
            out.push(1);
            out.extend_from_slice(&at.0.to_le_bytes());
        }
        None => {
            out.push(0);
            out.extend_from_slice(&0i64.to_le_bytes());
        }
    }
    put_text(&mut out, &ws.key().workspace_id());
    out.extend_from_slice(&(docs.len() as u32).to_le_bytes());
    for (name, bytes) in &docs {
        put_text(&mut out, &name.to_string());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum);
    out
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    let len = u16::try_from(text.len()).expect("names and ids are short");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// A file read and checked, not yet applied.
struct Parsed<'a> {
    since: Option<Timestamp>,
    workspace: String,
    docs: Vec<(DocName, &'a [u8])>,
}

/// Reads the body of a file whose checksum matched.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], ExchangeError> {
        let (head, rest) = self
            .bytes
            .split_at_checked(n)
            .ok_or_else(|| ExchangeError::Damaged(format!("it ends inside the {what}")))?;
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], ExchangeError> {
        Ok(self.take(N, what)?.try_into().expect("took N bytes"))
    }

    fn text(&mut self, what: &str) -> Result<&'a str, ExchangeError> {
        let len = u16::from_le_bytes(self.array(what)?);
        let bytes = self.take(usize::from(len), what)?;
        std::str::from_utf8(bytes).map_err(|_| ExchangeError::Damaged(format!("the {what} is not text")))
    }
}

fn parse(bytes: &[u8]) -> Result<Parsed<'_>, ExchangeError> {
    let (magic, rest) = bytes.split_at_checked(MAGIC.len()).ok_or(ExchangeError::NotAnExchangeFile)?;
    if magic != MAGIC {
        return Err(ExchangeError::NotAnExchangeFile);
    }
    match rest.first() {
        Some(&VERSION) => {}
        Some(&newer) if newer > VERSION => return Err(ExchangeError::NewerFormat(newer)),
        Some(other) => return Err(ExchangeError::Damaged(format!("unknown format {other}"))),
        None => return Err(ExchangeError::Damaged("it ends after its first bytes".into())),
    }
    let (body, checksum) = bytes
        .split_at_checked(bytes.len().saturating_sub(CHECKSUM_LEN))
        .filter(|(body, _)| body.len() > MAGIC.len())
        .ok_or_else(|| ExchangeError::Damaged("it is too short".into()))?;
    if Sha256::digest(body).as_slice() != checksum {
        return Err(ExchangeError::Damaged("its checksum does not match its content".into()));
    }

    let mut reader = Reader { bytes: &body[MAGIC.len() + 1..] };
    let since = match reader.take(1, "header")?[0] {
        0 => {
            reader.take(8, "header")?;
            None
        }
        1 => Some(Timestamp(i64::from_le_bytes(reader.array("header")?))),
        other => return Err(ExchangeError::Damaged(format!("unknown export kind {other}"))),
    };
    let workspace = reader.text("workspace id")?.to_string();
    let count = u32::from_le_bytes(reader.array("document count")?);
    let mut docs = Vec::new();
    for _ in 0..count {
        let name = reader.text("document name")?;
        let name: DocName = name.parse().map_err(|e| ExchangeError::Damaged(format!("{e}")))?;
        let len = u64::from_le_bytes(reader.array("document length")?);
        let len = usize::try_from(len).map_err(|_| ExchangeError::Damaged("a document is too large".into()))?;
        docs.push((name, reader.take(len, "document")?));
    }
    if !reader.bytes.is_empty() {
        return Err(ExchangeError::Damaged("it has bytes after its last document".into()));
    }
    Ok(Parsed { since, workspace, docs })
}

/// Whether a document's bytes read as Automerge data on their own. Changes that build on changes
/// outside the file are expected; anything else unreadable is damage.
fn check_document(name: DocName, bytes: &[u8]) -> Result<(), ExchangeError> {
    let options =
        LoadOptions::new().on_partial_load(OnPartialLoad::Error).verification_mode(VerificationMode::DontCheck);
    match Automerge::load_with_options(bytes, options) {
        Ok(_) | Err(AutomergeError::MissingDeps) => Ok(()),
        Err(e) => Err(ExchangeError::Damaged(format!("document {name} cannot be read: {e}"))),
    }
}

/// Merges a workspace file into the workspace. The file is checked whole first; a file of
/// another workspace, or a damaged one, is refused and nothing changes. A document the file
/// holds that is not loaded here is started empty and receives the file's changes, so load every
/// document stored on this device before importing.
pub fn import(ws: &mut Workspace, bytes: &[u8]) -> Result<ImportReport, ExchangeError> {
    let parsed = parse(bytes)?;
    let this = ws.key().workspace_id();
    if parsed.workspace != this {
        return Err(ExchangeError::OtherWorkspace { file: parsed.workspace, this });
    }
    for (name, bytes) in &parsed.docs {
        check_document(*name, bytes)?;
    }

    let mut report = ImportReport { since: parsed.since, docs: Vec::new(), changed: BTreeSet::new() };
    for (name, bytes) in parsed.docs {
        let started = !ws.is_loaded(name);
        if started {
            ws.start_empty(name);
        }
        let merge_error = |reason: String| ExchangeError::Merge { doc: name, reason };
        let (new_changes, waiting) = ws
            .apply(name, |doc| -> Result<(usize, usize), AutomergeError> {
                let before = doc.get_heads();
                doc.load_incremental(bytes)?;
                let after = doc.get_heads();
                let new = if after == before { 0 } else { doc.get_changes_meta(&before).len() };
                Ok((new, doc.get_missing_deps(&[]).len()))
            })
            .map_err(|e| merge_error(e.to_string()))?
            .map_err(|e| merge_error(e.to_string()))?;
        if new_changes > 0 {
            report.changed.insert(name.collection);
        }
        report.docs.push(ImportedDoc { name, new_changes, started, waiting });
    }
    Ok(report)
}

const SEED_MAGIC: &[u8; 8] = b"QUOTA-SD";

/// One document of a [`Seed`]: its whole saved form and its start-up cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedDoc {
    pub name: DocName,
    pub chunk: Vec<u8>,
    pub cache: Vec<u8>,
}

/// A workspace as a device stores it: each document saved whole, with the start-up cache
/// computed from it. Writing a seed straight into a device's storage gives a ready workspace
/// without loading a single document there, which is how the browser benchmark sets up the
/// large workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    pub workspace: String,
    pub docs: Vec<SeedDoc>,
}

/// Writes every loaded, non-empty document with its start-up cache.
pub fn export_seed(ws: &Workspace) -> Vec<u8> {
    let docs: Vec<(DocName, Vec<u8>, Vec<u8>)> = ws
        .docs()
        .filter(|(_, doc)| !doc.get_heads().is_empty())
        .map(|(name, doc)| (name, doc.save(), ws.projection(name)))
        .collect();
    let mut out = Vec::new();
    out.extend_from_slice(SEED_MAGIC);
    out.push(VERSION);
    put_text(&mut out, &ws.key().workspace_id());
    out.extend_from_slice(&(docs.len() as u32).to_le_bytes());
    for (name, chunk, cache) in &docs {
        put_text(&mut out, &name.to_string());
        for part in [chunk, cache] {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part);
        }
    }
    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum);
    out
}

/// Reads a seed written by [`export_seed`], checking it whole.
pub fn read_seed(bytes: &[u8]) -> Result<Seed, ExchangeError> {
    let (magic, rest) = bytes.split_at_checked(SEED_MAGIC.len()).ok_or(ExchangeError::NotAnExchangeFile)?;
    if magic != SEED_MAGIC {
        return Err(ExchangeError::NotAnExchangeFile);
    }
    match rest.first() {
        Some(&VERSION) => {}
        Some(&newer) => return Err(ExchangeError::NewerFormat(newer)),
        None => return Err(ExchangeError::Damaged("it ends after its first bytes".into())),
    }
    let (body, checksum) = bytes
        .split_at_checked(bytes.len().saturating_sub(CHECKSUM_LEN))
        .filter(|(body, _)| body.len() > SEED_MAGIC.len())
        .ok_or_else(|| ExchangeError::Damaged("it is too short".into()))?;
    if Sha256::digest(body).as_slice() != checksum {
        return Err(ExchangeError::Damaged("its checksum does not match its content".into()));
    }
    let mut reader = Reader { bytes: &body[SEED_MAGIC.len() + 1..] };
    let workspace = reader.text("workspace id")?.to_string();
    let count = u32::from_le_bytes(reader.array("document count")?);
    let mut docs = Vec::new();
    for _ in 0..count {
        let name: DocName =
            reader.text("document name")?.parse().map_err(|e| ExchangeError::Damaged(format!("{e}")))?;
        let mut parts = Vec::with_capacity(2);
        for what in ["document", "cache"] {
            let len = u64::from_le_bytes(reader.array(what)?);
            let len = usize::try_from(len).map_err(|_| ExchangeError::Damaged(format!("a {what} is too large")))?;
            parts.push(reader.take(len, what)?.to_vec());
        }
        let cache = parts.pop().expect("two parts");
        let chunk = parts.pop().expect("two parts");
        docs.push(SeedDoc { name, chunk, cache });
    }
    Ok(Seed { workspace, docs })
}
