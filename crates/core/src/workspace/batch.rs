//! Creating many records at once (imports, generated workspaces): one validation pass over the
//! batch, then one Automerge change per shard document instead of one per record.
//!
//! A batch is all or nothing: when any record fails validation, nothing of the batch is written
//! and every failing record is reported with its position, its id and the fields at fault, so an
//! importer can drop those rows and submit the rest again.

use std::collections::BTreeMap;
use std::fmt;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, ChangeMetadata, ObjType, ROOT, ReadDoc, Value};

use super::{HistoryEntry, Op, Stamp, Workspace};
use crate::collection::{Collection, DocName, HasTable, Tables};
use crate::date::Timestamp;
use crate::error::Error;
use crate::record::Record;
use crate::settings::MemberId;

/// One record of a batch that could not be created.
#[derive(Debug)]
pub struct Rejection {
    /// The record's position in the batch, from 0.
    pub index: usize,
    /// The record's id.
    pub id: String,
    /// Why: [`Error::Invalid`] with the fields at fault, or [`Error::AlreadyExists`].
    pub error: Error,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {} ({}): {}", self.index + 1, self.id, self.error)
    }
}

/// A batch could not be created; nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Some records failed validation, listed in batch order.
    #[error("{} of the batch's records were rejected and nothing was written; the first is {}", .0.len(), .0[0])]
    Rejected(Vec<Rejection>),
    /// A document the batch writes to is not loaded.
    #[error(transparent)]
    Workspace(#[from] Error),
}

impl From<BatchError> for Error {
    fn from(e: BatchError) -> Error {
        match e {
            BatchError::Workspace(e) => e,
            rejected => Error::Rejected(rejected.to_string()),
        }
    }
}

/// The commit message of one batch's change to one document: `import accounts/* by=<member>
/// count=<n>`. History recognises it to give each record of the batch its "created" entry.
fn import_message(collection: Collection, by: Option<MemberId>, count: usize) -> String {
    let by = by.map_or_else(|| "-".to_string(), |m| m.to_string());
    format!("import {}/* by={} count={}", collection.name(), by, count)
}

fn parse_import_message(text: &str) -> Option<(&str, Option<MemberId>)> {
    let mut parts = text.split(' ');
    (parts.next()? == "import").then_some(())?;
    let collection = parts.next()?.strip_suffix("/*")?;
    let by = parts.next()?.strip_prefix("by=")?;
    parts.next()?.strip_prefix("count=")?;
    Some((collection, if by == "-" { None } else { by.parse().ok() }))
}

impl Workspace {
    /// Creates many records of one type. Each record is validated against the tables as they
    /// fill, so a record may refer to one earlier in the same batch. When every record passes,
    /// each shard document gets one change holding all of its records; when any fails, nothing
    /// is written and every failure is returned.
    pub fn create_batch<R: Record>(&mut self, records: Vec<R>, stamp: Stamp) -> Result<(), BatchError>
    where
        Tables: HasTable<R>,
    {
        let mut by_doc: BTreeMap<DocName, Vec<R::Id>> = BTreeMap::new();
        for record in &records {
            let name = Self::doc_of::<R>(record.id());
            if !self.shards.contains_key(&name) {
                return Err(Error::NotLoaded(name.to_string()).into());
            }
            by_doc.entry(name).or_default().push(record.id());
        }

        let mut accepted: Vec<R::Id> = Vec::with_capacity(records.len());
        let mut rejected = Vec::new();
        for (index, record) in records.into_iter().enumerate() {
            let id = record.id();
            let table: &crate::collection::Table<R> = self.data.table();
            let outcome = if table.contains(id) {
                Err(Error::AlreadyExists { collection: R::COLLECTION.name(), id: id.to_string() })
            } else {
                record.validate(&self.data).map_err(Error::from)
            };
            match outcome {
                Ok(()) => {
                    self.data.table_mut().put(record);
                    accepted.push(id);
                }
                Err(error) => rejected.push(Rejection { index, id: id.to_string(), error }),
            }
        }
        if !rejected.is_empty() {
            for id in accepted {
                self.data.table_mut().remove(id);
            }
            return Err(BatchError::Rejected(rejected));
        }

        let docs: Vec<(DocName, Vec<R::Id>)> = by_doc.into_iter().collect();
        for (written, (name, ids)) in docs.iter().enumerate() {
            let table: &crate::collection::Table<R> = self.data.table();
            let shard = self.shards.get_mut(name).expect("checked above");
            let msg = import_message(R::COLLECTION, stamp.by, ids.len());
            let result = shard.doc.transact_with(
                |_| CommitOptions::default().with_message(msg).with_time(stamp.at.0),
                |tx| {
                    for id in ids {
                        let record = table.get(*id).expect("accepted above");
                        let key = id.to_string();
                        // Automerge writes a whole tree in two steps where field-by-field puts
                        // take one step each, several times faster for small records.
                        match record.tree() {
                            Some(tree) => {
                                tx.batch_create_object(ROOT, key.as_str(), &tree, false)?;
                            }
                            None => {
                                let obj = tx.put_object(ROOT, key.as_str(), ObjType::Map)?;
                                record.write_fields(tx, &obj)?;
                            }
                        }
                    }
                    Ok::<(), automerge::AutomergeError>(())
                },
            );
            if let Err(failure) = result {
                // The documents written so far keep their records; the rest leave the tables
                // again so that tables and documents agree.
                for (_, ids) in &docs[written..] {
                    for id in ids {
                        self.data.table_mut().remove(*id);
                    }
                }
                return Err(Error::Document(failure.error).into());
            }
        }
        Ok(())
    }
}

/// The "created" entry of a record that a batch created: the import change that made the
/// record's map. Found from the map's own id (the operation that created it), so it costs one
/// lookup however large the batch was.
pub(super) fn imported_entry<R: Record>(
    doc: &Automerge,
    metas: &[ChangeMetadata<'_>],
    id: R::Id,
) -> Option<HistoryEntry> {
    let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, id.to_string().as_str()) else { return None };
    let automerge::ObjId::Id(counter, actor, _) = obj else { return None };
    let meta = metas.iter().find(|m| *m.actor == actor && m.start_op <= counter && counter <= m.max_op)?;
    let (made_in, by) = parse_import_message(meta.message.as_deref()?)?;
    (made_in == R::COLLECTION.name()).then(|| HistoryEntry {
        at: Timestamp(meta.timestamp),
        by,
        op: Op::Create,
        fields: R::FIELDS.iter().map(|f| f.to_string()).collect(),
        device: meta.actor.to_hex_string().chars().take(8).collect(),
        hash: meta.hash,
    })
}
