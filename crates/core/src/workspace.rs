//! The workspace: its shard documents, the materialized tables, and the edits that change both.
//!
//! Every edit goes through [`Workspace::create`], [`Workspace::update`] or [`Workspace::delete`]:
//! the record is validated against the tables, written to its shard document field by field,
//! committed with a message that names the record, the author and the fields, and only then
//! applied to the tables. Remote changes arrive through [`Workspace::apply`], which re-reads just
//! the records they touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, Automerge, ChangeHash, LoadOptions, ObjType, OnPartialLoad, Prop, ROOT, ReadDoc, Value, VerificationMode,
};
use sha2::{Digest, Sha256};

use crate::collection::{Collection, DocName, HasTable, ReadProblem, Tables};
use crate::date::Timestamp;
use crate::error::{Error, Invalid, Result};
use crate::record::Record;
use crate::review::PlanVersionId;
use crate::settings::MemberId;

mod batch;

pub use batch::{BatchError, Rejection};

/// The secret that identifies a workspace and everything derived from it: document ids, the
/// workspace id the relay sees, and the credential it checks. Whoever holds it can join.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkspaceKey(pub [u8; 32]);

/// The text was not a workspace key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid workspace key: expected 64 hexadecimal characters")]
pub struct BadKey;

impl WorkspaceKey {
    fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"quota/");
        hash.update(purpose.as_bytes());
        hash.update(b"/");
        hash.update(self.0);
        hash.finalize().into()
    }

    /// The 16-byte automerge-repo document id of one shard document.
    pub fn doc_id(&self, name: DocName) -> [u8; 16] {
        let full = self.derive(&format!("doc/{name}"));
        full[..16].try_into().expect("16 of 32 bytes")
    }

    /// The public id of the workspace, which the relay uses to group its documents.
    pub fn workspace_id(&self) -> String {
        hex(&self.derive("workspace-id")[..16])
    }

    /// The credential a device presents to the relay. The relay stores only its hash.
    pub fn relay_token(&self) -> String {
        hex(&self.derive("relay-token"))
    }
}

impl fmt::Display for WorkspaceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for WorkspaceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys are secrets: never print them whole.
        write!(f, "WorkspaceKey({}…)", &hex(&self.0[..2]))
    }
}

impl FromStr for WorkspaceKey {
    type Err = BadKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 64 {
            return Err(BadKey);
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| BadKey)?;
        }
        Ok(WorkspaceKey(key))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key a stored chunk is kept under: the SHA-256 of its content, in hex. Two tabs that
/// write the same changes write the same key, and damage to a chunk shows as a mismatch.
pub fn chunk_key(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn is_content_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a stored chunk is a whole compacted document rather than a set of changes.
fn is_document_chunk(bytes: &[u8]) -> bool {
    // After the four magic bytes and four checksum bytes comes the chunk type; 0 is a document.
    bytes.get(8) == Some(&0)
}

/// Loads chunks as one document, failing on any damage instead of keeping a readable prefix.
fn load_strict<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Result<Automerge, automerge::AutomergeError> {
    let all: Vec<u8> = chunks.into_iter().flatten().copied().collect();
    Automerge::load_with_options(
        &all,
        LoadOptions::new().on_partial_load(OnPartialLoad::Error).verification_mode(VerificationMode::DontCheck),
    )
}

/// Who made an edit and when; the core has no clock, so every edit carries its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub at: Timestamp,
    pub by: Option<MemberId>,
}

impl Stamp {
    pub fn new(at: Timestamp, by: Option<MemberId>) -> Stamp {
        Stamp { at, by }
    }
}

/// What an edit did to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Delete,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// The commit message that lets history name the record, author and fields of each change:
/// `update deals/<id> by=<member> fields=stage,amount`.
fn message(op: Op, collection: Collection, id: &str, by: Option<MemberId>, fields: &[&str]) -> String {
    let by = by.map_or_else(|| "-".to_string(), |m| m.to_string());
    format!("{} {}/{} by={} fields={}", op.as_str(), collection.name(), id, by, fields.join(","))
}

/// One change to one record, read back from a document's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: Timestamp,
    pub by: Option<MemberId>,
    pub op: Op,
    pub fields: Vec<String>,
    /// The device (Automerge actor) that made the change, shortened.
    pub device: String,
    pub hash: ChangeHash,
}

fn parse_message(text: &str) -> Option<(Op, &str, Option<MemberId>, Vec<String>)> {
    let mut parts = text.split(' ');
    let op = match parts.next()? {
        "create" => Op::Create,
        "update" => Op::Update,
        "delete" => Op::Delete,
        _ => return None,
    };
    let record = parts.next()?;
    let by = parts.next()?.strip_prefix("by=")?;
    let fields = parts.next()?.strip_prefix("fields=")?;
    let by = if by == "-" { None } else { by.parse().ok() };
    let fields = fields.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect();
    Some((op, record, by, fields))
}

/// A field of a record that holds concurrent values: the one shown, and the others.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub field: String,
    /// Every concurrent value, the winning one first, each rendered as text.
    pub values: Vec<String>,
}

/// A chunk of a stored document could not be loaded and was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedChunk {
    pub doc: DocName,
    pub key: String,
    pub reason: String,
}

impl fmt::Display for SkippedChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stored chunk {} of {} is damaged and was skipped: {}", self.key, self.doc, self.reason)
    }
}

/// What loading one document found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub skipped: Vec<SkippedChunk>,
    pub unreadable: Vec<ReadProblem>,
    /// Changes that arrived but build on a change that is missing (for example one in a damaged
    /// chunk). Automerge holds them and applies them as soon as the missing change arrives by
    /// sync; until then they are not shown.
    pub waiting: usize,
}

struct Shard {
    doc: Automerge,
    /// Heads as of the last successful save; changes after them are not on disk yet.
    saved: Vec<ChangeHash>,
}

/// The workspace's documents and the tables materialized from them.
pub struct Workspace {
    key: WorkspaceKey,
    actor: ActorId,
    pub data: Tables,
    shards: BTreeMap<DocName, Shard>,
    /// Records that could not be read, by document; replaced each time the document is re-read.
    unreadable: BTreeMap<DocName, Vec<ReadProblem>>,
    /// The tables of each plan version's draft documents, kept apart so that drafts never show
    /// in the live tables.
    drafts: BTreeMap<PlanVersionId, Tables>,
}

/// The tables a document's records belong to: the live tables, or its plan version's draft
/// tables. A free function so that callers can borrow a shard at the same time.
fn tables_for<'a>(
    data: &'a mut Tables,
    drafts: &'a mut BTreeMap<PlanVersionId, Tables>,
    name: DocName,
) -> &'a mut Tables {
    match name.draft {
        None => data,
        Some(version) => drafts.entry(version).or_default(),
    }
}

/// The version tag of the start-up cache format; a cache with another tag is ignored.
const PROJECTION_VERSION: u8 = 1;

impl Workspace {
    /// A workspace with no documents loaded. `actor` must be unique to this running copy (a tab),
    /// since two writers sharing an actor would corrupt each other's changes.
    pub fn new(key: WorkspaceKey, actor: [u8; 16]) -> Workspace {
        Workspace {
            key,
            actor: ActorId::from(actor.as_slice()),
            data: Tables::default(),
            shards: BTreeMap::new(),
            unreadable: BTreeMap::new(),
            drafts: BTreeMap::new(),
        }
    }

    /// The actor that writes to a document. Draft documents get an actor of their own, derived
    /// from this copy's actor and the plan version: a draft is merged into its live document
    /// later, and two documents that share history must never receive different changes from
    /// one actor.
    fn actor_for(&self, name: DocName) -> ActorId {
        match name.draft {
            None => self.actor.clone(),
            Some(version) => {
                let mut hash = Sha256::new();
                hash.update(b"quota/draft-actor/");
                hash.update(self.actor.to_bytes());
                hash.update(version.to_string().as_bytes());
                ActorId::from(&hash.finalize()[..16])
            }
        }
    }

    pub fn key(&self) -> WorkspaceKey {
        self.key
    }

    pub fn is_loaded(&self, name: DocName) -> bool {
        self.shards.contains_key(&name)
    }

    /// The document names loaded so far.
    pub fn loaded(&self) -> impl Iterator<Item = DocName> + '_ {
        self.shards.keys().copied()
    }

    /// The document, if loaded.
    pub fn doc(&self, name: DocName) -> Option<&Automerge> {
        self.shards.get(&name).map(|s| &s.doc)
    }

    /// Records that could not be read, with the reason.
    pub fn unreadable(&self) -> impl Iterator<Item = &ReadProblem> + '_ {
        self.unreadable.values().flatten()
    }

    /// Starts an empty document; for a brand-new workspace or a shard nobody has written yet.
    pub fn start_empty(&mut self, name: DocName) {
        let actor = self.actor_for(name);
        self.shards.entry(name).or_insert_with(|| Shard { doc: Automerge::new().with_actor(actor), saved: Vec::new() });
    }

    /// Loads a document from its stored chunks (a snapshot and incremental saves, in any order).
    /// A damaged chunk is skipped and reported; every other chunk still loads. When
    /// `refresh_tables` is false the tables are trusted to match already (they came from a
    /// start-up cache covering exactly these chunks).
    pub fn load<'a>(
        &mut self,
        name: DocName,
        chunks: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        refresh_tables: bool,
    ) -> LoadReport {
        let mut report = LoadReport::default();
        let mut good: Vec<(&str, &[u8])> = Vec::new();
        for (key, bytes) in chunks {
            if is_content_key(key) && chunk_key(bytes) != key {
                report.skipped.push(SkippedChunk {
                    doc: name,
                    key: key.to_string(),
                    reason: "its content does not match its hash".into(),
                });
            } else {
                good.push((key, bytes));
            }
        }
        // Whole-document snapshots go first so the rest apply on top of them.
        good.sort_by_key(|(_, bytes)| !is_document_chunk(bytes));
        let mut doc = match load_strict(good.iter().map(|(_, b)| *b)) {
            Ok(doc) => doc,
            Err(_) => {
                // Something is damaged: find it by checking each chunk alone, then load the rest.
                // Automerge would otherwise apply the readable prefix of a damaged chunk silently.
                good.retain(|(key, bytes)| match load_strict([*bytes]) {
                    Ok(_) | Err(automerge::AutomergeError::MissingDeps) => true,
                    Err(e) => {
                        report.skipped.push(SkippedChunk { doc: name, key: key.to_string(), reason: e.to_string() });
                        false
                    }
                });
                load_strict(good.iter().map(|(_, b)| *b))
                    .or_else(|_| {
                        let all: Vec<u8> = good.iter().flat_map(|(_, b)| b.iter().copied()).collect();
                        Automerge::load_with_options(&all, LoadOptions::new().on_partial_load(OnPartialLoad::Ignore))
                    })
                    .unwrap_or_default()
            }
        };
        doc.set_actor(self.actor_for(name));
        report.waiting = if report.skipped.is_empty() { 0 } else { doc.get_missing_deps(&[]).len() };
        let saved = doc.get_heads();
        if refresh_tables {
            let problems = tables_for(&mut self.data, &mut self.drafts, name).reload(name, &doc, None);
            report.unreadable.clone_from(&problems);
            self.unreadable.insert(name, problems);
        }
        self.shards.insert(name, Shard { doc, saved });
        report
    }

    /// Re-reads every record of a loaded document into the tables.
    pub fn reread(&mut self, name: DocName) {
        if let Some(shard) = self.shards.get(&name) {
            let problems = tables_for(&mut self.data, &mut self.drafts, name).reload(name, &shard.doc, None);
            self.unreadable.insert(name, problems);
        }
    }

    /// The start-up cache of one document's records: loading it is far faster than loading the
    /// document, so the app shows data at once and loads documents in the background.
    pub fn projection(&self, name: DocName) -> Vec<u8> {
        let mut out = vec![PROJECTION_VERSION];
        let tables = match name.draft {
            None => Some(&self.data),
            Some(version) => self.drafts.get(&version),
        };
        out.extend(tables.map_or_else(|| Tables::default().encode_shard(name), |t| t.encode_shard(name)));
        out
    }

    /// Fills the tables for one document from its start-up cache.
    pub fn load_projection(&mut self, name: DocName, bytes: &[u8]) -> Result<(), ProjectionError> {
        match bytes.split_first() {
            Some((&PROJECTION_VERSION, rest)) => {
                tables_for(&mut self.data, &mut self.drafts, name).decode_shard(name, rest).map_err(|e| match e {
                    crate::collection::CacheError::OtherSchema => ProjectionError::OtherSchema,
                    crate::collection::CacheError::Damaged(reason) => ProjectionError::Damaged(reason),
                })
            }
            Some((&v, _)) => Err(ProjectionError::OtherVersion(v)),
            None => Err(ProjectionError::Damaged("empty".into())),
        }
    }

    fn shard_mut(&mut self, name: DocName) -> Result<&mut Shard> {
        self.shards.get_mut(&name).ok_or_else(|| Error::NotLoaded(name.to_string()))
    }

    /// The document a record of type `R` with `id` lives in.
    pub fn doc_of<R: Record>(id: R::Id) -> DocName {
        DocName::live(R::COLLECTION, R::shard(id))
    }

    /// The document a record lives in, live or in a plan version's draft.
    fn doc_in<R: Record>(draft: Option<PlanVersionId>, id: R::Id) -> DocName {
        DocName { draft, ..Self::doc_of::<R>(id) }
    }

    /// The tables of a plan version's draft documents, which hold only its plan (targets and
    /// budgets); `None` until a draft document of the version has been read.
    pub fn draft_data(&self, version: PlanVersionId) -> Option<&Tables> {
        self.drafts.get(&version)
    }

    /// The loaded draft documents of a plan version.
    pub fn drafts_of(&self, version: PlanVersionId) -> impl Iterator<Item = DocName> + '_ {
        self.shards.keys().filter(move |n| n.draft == Some(version)).copied()
    }

    fn get_in<R: Record>(&self, draft: Option<PlanVersionId>, id: R::Id) -> Option<&R>
    where
        Tables: HasTable<R>,
    {
        match draft {
            None => self.data.table().get(id),
            Some(version) => self.drafts.get(&version)?.table().get(id),
        }
    }

    /// Checks a record against the tables it joins. In a draft these are the live tables with the
    /// draft's targets and budgets in place of the live ones: references to people, channels or
    /// units resolve against live data, and duplicates are looked for in the draft's own plan.
    fn validate_in<R: Record>(&mut self, draft: Option<PlanVersionId>, record: &R) -> Result<(), Invalid> {
        let Some(version) = draft else { return record.validate(&self.data) };
        let plan = self.drafts.entry(version).or_default();
        std::mem::swap(&mut self.data.targets, &mut plan.targets);
        std::mem::swap(&mut self.data.budgets, &mut plan.budgets);
        let out = record.validate(&self.data);
        std::mem::swap(&mut self.data.targets, &mut plan.targets);
        std::mem::swap(&mut self.data.budgets, &mut plan.budgets);
        out
    }

    /// Adds a new record.
    pub fn create<R: Record>(&mut self, record: R, stamp: Stamp) -> Result<()>
    where
        Tables: HasTable<R>,
    {
        self.create_in(None, record, stamp)
    }

    /// Adds a new record to the live data (`draft` is `None`) or to a plan version's draft.
    pub fn create_in<R: Record>(&mut self, draft: Option<PlanVersionId>, record: R, stamp: Stamp) -> Result<()>
    where
        Tables: HasTable<R>,
    {
        let id = record.id();
        if self.get_in::<R>(draft, id).is_some() {
            return Err(Error::AlreadyExists { collection: R::COLLECTION.name(), id: id.to_string() });
        }
        self.validate_in(draft, &record)?;
        let name = Self::doc_in::<R>(draft, id);
        let msg = message(Op::Create, R::COLLECTION, &id.to_string(), stamp.by, R::FIELDS);
        let shard = self.shard_mut(name)?;
        shard
            .doc
            .transact_with(
                |_| CommitOptions::default().with_message(msg).with_time(stamp.at.0),
                |tx| {
                    let obj = tx.put_object(ROOT, id.to_string().as_str(), ObjType::Map)?;
                    record.write_fields(tx, &obj)
                },
            )
            .map_err(|f| f.error)?;
        tables_for(&mut self.data, &mut self.drafts, name).table_mut().put(record);
        Ok(())
    }

    /// Replaces a record with a new version; only the fields that differ are written, so
    /// concurrent edits of other fields survive. Returns the fields that changed.
    pub fn update<R: Record>(&mut self, record: R, stamp: Stamp) -> Result<Vec<&'static str>>
    where
        Tables: HasTable<R>,
    {
        self.update_in(None, record, stamp)
    }

    /// [`Workspace::update`] in the live data (`draft` is `None`) or in a plan version's draft.
    pub fn update_in<R: Record>(
        &mut self,
        draft: Option<PlanVersionId>,
        record: R,
        stamp: Stamp,
    ) -> Result<Vec<&'static str>>
    where
        Tables: HasTable<R>,
    {
        let id = record.id();
        let old = self
            .get_in::<R>(draft, id)
            .ok_or_else(|| Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() })?;
        let changed = record.changed_fields(old);
        if changed.is_empty() {
            return Ok(changed);
        }
        self.validate_in(draft, &record)?;
        let name = Self::doc_in::<R>(draft, id);
        let msg = message(Op::Update, R::COLLECTION, &id.to_string(), stamp.by, &changed);
        let shard = self.shard_mut(name)?;
        shard
            .doc
            .transact_with(
                |_| CommitOptions::default().with_message(msg).with_time(stamp.at.0),
                |tx| {
                    let obj = match tx.get(ROOT, id.to_string().as_str())? {
                        Some((Value::Object(ObjType::Map), obj)) => obj,
                        _ => tx.put_object(ROOT, id.to_string().as_str(), ObjType::Map)?,
                    };
                    record.write_fields(tx, &obj)
                },
            )
            .map_err(|f| f.error)?;
        tables_for(&mut self.data, &mut self.drafts, name).table_mut().put(record);
        Ok(changed)
    }

    /// Changes one record through a closure, a convenience over [`Workspace::update`].
    pub fn modify<R: Record>(
        &mut self,
        id: R::Id,
        stamp: Stamp,
        change: impl FnOnce(&mut R),
    ) -> Result<Vec<&'static str>>
    where
        Tables: HasTable<R>,
    {
        let mut record = self
            .data
            .table()
            .get(id)
            .cloned()
            .ok_or_else(|| Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() })?;
        change(&mut record);
        self.update(record, stamp)
    }

    /// Removes a record and returns it, so the caller can offer to undo by creating it again.
    pub fn delete<R: Record>(&mut self, id: R::Id, stamp: Stamp) -> Result<R>
    where
        Tables: HasTable<R>,
    {
        self.delete_in(None, id, stamp)
    }

    /// [`Workspace::delete`] in the live data (`draft` is `None`) or in a plan version's draft.
    pub fn delete_in<R: Record>(&mut self, draft: Option<PlanVersionId>, id: R::Id, stamp: Stamp) -> Result<R>
    where
        Tables: HasTable<R>,
    {
        if self.get_in::<R>(draft, id).is_none() {
            return Err(Error::NotFound { collection: R::COLLECTION.name(), id: id.to_string() });
        }
        let name = Self::doc_in::<R>(draft, id);
        let msg = message(Op::Delete, R::COLLECTION, &id.to_string(), stamp.by, &[]);
        let shard = self.shard_mut(name)?;
        shard
            .doc
            .transact_with(
                |_| CommitOptions::default().with_message(msg).with_time(stamp.at.0),
                |tx| tx.delete(ROOT, id.to_string().as_str()),
            )
            .map_err(|f| f.error)?;
        Ok(tables_for(&mut self.data, &mut self.drafts, name).table_mut().remove(id).expect("checked above"))
    }

    /// Runs `change` on a document (receiving sync messages, merging a file) and re-reads the
    /// records it touched. Returns what `change` returned.
    pub fn apply<T>(&mut self, name: DocName, change: impl FnOnce(&mut Automerge) -> T) -> Result<T> {
        let shard = self.shard_mut(name)?;
        let before = shard.doc.get_heads();
        let out = change(&mut shard.doc);
        let after = shard.doc.get_heads();
        if before != after {
            let touched = touched_keys(&shard.doc, &before, &after);
            let keys: Vec<String> = touched.into_iter().collect();
            let problems =
                tables_for(&mut self.data, &mut self.drafts, name).reload(name, &self.shards[&name].doc, Some(&keys));
            let entry = self.unreadable.entry(name).or_default();
            entry.retain(|p| !keys.contains(&p.key));
            entry.extend(problems);
        }
        Ok(out)
    }

    /// Documents with changes that are not saved yet.
    pub fn unsaved(&self) -> impl Iterator<Item = DocName> + '_ {
        self.shards.iter().filter(|(_, s)| s.doc.get_heads() != s.saved).map(|(n, _)| *n)
    }

    /// The changes of a document made since its last save, as one incremental chunk, and the
    /// heads to pass to [`Workspace::mark_saved`] once the chunk is on disk.
    pub fn pending_chunk(&self, name: DocName) -> Option<(Vec<u8>, Vec<ChangeHash>)> {
        let shard = self.shards.get(&name)?;
        let heads = shard.doc.get_heads();
        if heads == shard.saved {
            return None;
        }
        Some((shard.doc.save_after(&shard.saved), heads))
    }

    /// Records that a document's changes up to `heads` are on disk.
    pub fn mark_saved(&mut self, name: DocName, heads: Vec<ChangeHash>) {
        if let Some(shard) = self.shards.get_mut(&name) {
            shard.saved = heads;
        }
    }

    /// The whole document compacted into one chunk, with its heads.
    pub fn snapshot(&self, name: DocName) -> Option<(Vec<u8>, Vec<ChangeHash>)> {
        let shard = self.shards.get(&name)?;
        Some((shard.doc.save(), shard.doc.get_heads()))
    }

    /// The history of one record, oldest first, read from its document's change messages.
    pub fn history<R: Record>(&self, id: R::Id) -> Vec<HistoryEntry> {
        self.history_in::<R>(None, id)
    }

    /// [`Workspace::history`] of a live record (`draft` is `None`) or of its copy in a draft.
    pub fn history_in<R: Record>(&self, draft: Option<PlanVersionId>, id: R::Id) -> Vec<HistoryEntry> {
        let name = Self::doc_in::<R>(draft, id);
        let Some(shard) = self.shards.get(&name) else { return Vec::new() };
        let wanted = format!("{}/{}", R::COLLECTION.name(), id);
        let metas = shard.doc.get_changes_meta(&[]);
        let mut out: Vec<HistoryEntry> = metas
            .iter()
            .filter_map(|meta| {
                let text = meta.message.as_deref()?;
                let (op, record, by, fields) = parse_message(text)?;
                (record == wanted).then(|| HistoryEntry {
                    at: Timestamp(meta.timestamp),
                    by,
                    op,
                    fields,
                    device: meta.actor.to_hex_string().chars().take(8).collect(),
                    hash: meta.hash,
                })
            })
            .collect();
        out.extend(batch::imported_entry::<R>(&shard.doc, &metas, id));
        out.sort_by_key(|e| e.at);
        out
    }

    /// The fields of a record that hold concurrent values right now.
    pub fn conflicts<R: Record>(&self, id: R::Id) -> Vec<Conflict> {
        self.conflicts_in::<R>(None, id)
    }

    /// [`Workspace::conflicts`] of a live record (`draft` is `None`) or of its copy in a draft.
    pub fn conflicts_in<R: Record>(&self, draft: Option<PlanVersionId>, id: R::Id) -> Vec<Conflict> {
        let name = Self::doc_in::<R>(draft, id);
        let Some(shard) = self.shards.get(&name) else { return Vec::new() };
        let doc = &shard.doc;
        let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, id.to_string().as_str()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for field in R::FIELDS {
            let Ok(values) = doc.get_all(&obj, *field) else { continue };
            if values.len() > 1 {
                // Automerge lists concurrent values oldest op first; the last one is shown.
                let values = values.iter().rev().map(|(v, id)| render_value(doc, v, id)).collect();
                out.push(Conflict { field: field.to_string(), values });
            }
        }
        out
    }

    /// Settles a field that holds concurrent values by writing the chosen one (an index into
    /// [`Conflict::values`]) over all of them.
    pub fn resolve<R: Record>(&mut self, id: R::Id, field: &str, choice: usize, stamp: Stamp) -> Result<()>
    where
        Tables: HasTable<R>,
    {
        let name = Self::doc_of::<R>(id);
        let key = id.to_string();
        let field_name = R::FIELDS
            .iter()
            .find(|f| **f == field)
            .ok_or_else(|| Error::Rejected(format!("{} has no field {field}", R::COLLECTION.name())))?;
        let msg = message(Op::Update, R::COLLECTION, &key, stamp.by, &[field_name]);
        let shard = self.shard_mut(name)?;
        let Some((Value::Object(ObjType::Map), obj)) = shard.doc.get(ROOT, key.as_str())? else {
            return Err(Error::NotFound { collection: R::COLLECTION.name(), id: key });
        };
        let mut values = shard.doc.get_all(&obj, *field_name)?;
        values.reverse();
        let (value, value_id) = values
            .get(choice)
            .cloned()
            .ok_or_else(|| Error::Rejected(format!("there is no value {choice} to choose for {field}")))?;
        let text = match &value {
            Value::Object(ObjType::Text) => Some(shard.doc.text(&value_id)?),
            _ => None,
        };
        let value = match value {
            Value::Scalar(s) => Some(s.into_owned()),
            Value::Object(_) => None,
        };
        drop(values);
        shard
            .doc
            .transact_with(
                |_| CommitOptions::default().with_message(msg).with_time(stamp.at.0),
                |tx| match (value, text) {
                    (Some(scalar), _) => tx.put(&obj, *field_name, scalar),
                    (None, Some(text)) => {
                        let new = tx.put_object(&obj, *field_name, ObjType::Text)?;
                        tx.splice_text(&new, 0, 0, &text)
                    }
                    (None, None) => Err(automerge::AutomergeError::InvalidOp(ObjType::Map)),
                },
            )
            .map_err(|f| f.error)?;
        let problems = self.data.reload(name, &self.shards[&name].doc, Some(&[key]));
        self.unreadable.entry(name).or_default().extend(problems);
        Ok(())
    }

    /// A copy of the workspace as it stood at `at`: every loaded document forked at the last
    /// change made no later than `at`, and its tables re-read. For history views and reports.
    pub fn as_of(&self, at: Timestamp) -> Result<Workspace> {
        let mut past = Workspace::new(self.key, [0; 16]);
        for (name, shard) in &self.shards {
            let heads = heads_at(&shard.doc, at);
            let doc = shard.doc.fork_at(&heads)?;
            tables_for(&mut past.data, &mut past.drafts, *name).reload(*name, &doc, None);
            past.shards.insert(*name, Shard { saved: doc.get_heads(), doc });
        }
        Ok(past)
    }

    /// Every document name and its loaded Automerge document, for code that walks them all.
    pub fn docs(&self) -> impl Iterator<Item = (DocName, &Automerge)> + '_ {
        self.shards.iter().map(|(n, s)| (*n, &s.doc))
    }

    /// Puts a document in place as it is (a draft plan's fork, a merged file), re-reading its
    /// records.
    pub fn insert_doc(&mut self, name: DocName, mut doc: Automerge) {
        doc.set_actor(self.actor_for(name));
        let problems = tables_for(&mut self.data, &mut self.drafts, name).reload(name, &doc, None);
        self.unreadable.insert(name, problems);
        self.shards.insert(name, Shard { saved: Vec::new(), doc });
    }
}

/// The heads of the changes made no later than `at`.
pub fn heads_at(doc: &Automerge, at: Timestamp) -> Vec<ChangeHash> {
    let metas = doc.get_changes_meta(&[]);
    let included: BTreeSet<ChangeHash> = metas.iter().filter(|m| m.timestamp <= at.0).map(|m| m.hash).collect();
    let depended: BTreeSet<ChangeHash> =
        metas.iter().filter(|m| included.contains(&m.hash)).flat_map(|m| m.deps.iter().copied()).collect();
    included.difference(&depended).copied().collect()
}

fn render_value(doc: &Automerge, value: &Value<'_>, id: &automerge::ObjId) -> String {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            automerge::ScalarValue::Str(s) => s.to_string(),
            other => other.to_string(),
        },
        Value::Object(ObjType::Text) => doc.text(id).unwrap_or_default(),
        Value::Object(t) => format!("({t})"),
    }
}

/// The root keys (record ids) that changes between two sets of heads touched.
fn touched_keys(doc: &Automerge, before: &[ChangeHash], after: &[ChangeHash]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for patch in doc.diff(before, after) {
        match patch.path.first() {
            Some((_, Prop::Map(key))) => {
                keys.insert(key.clone());
            }
            Some(_) => {}
            None => {
                if let automerge::PatchAction::PutMap { key, .. } | automerge::PatchAction::DeleteMap { key } =
                    &patch.action
                {
                    keys.insert(key.clone());
                }
            }
        }
    }
    keys
}

/// A start-up cache could not be used; the document is loaded instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectionError {
    #[error("cache written by another version ({0})")]
    OtherVersion(u8),
    #[error("cache written for another schema of its records")]
    OtherSchema,
    #[error("cache damaged: {0}")]
    Damaged(String),
}
