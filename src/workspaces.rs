//! The workspaces this device knows, kept in local storage: their keys, names, the member this
//! device acts as in each, and which one is open.

use serde::{Deserialize, Serialize};

use crate::browser::local_storage;

const LIST: &str = "quota.workspaces";
const CURRENT: &str = "quota.current";

/// One workspace known on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The public workspace id (derived from the key).
    pub id: String,
    /// The secret workspace key, hex.
    pub key: String,
    pub name: String,
    /// The member id this device acts as.
    #[serde(default)]
    pub member: Option<String>,
    /// The relay to sync through, if any.
    #[serde(default)]
    pub relay: Option<String>,
}

pub fn list() -> Vec<Entry> {
    local_storage()
        .and_then(|s| s.get_item(LIST).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn store(entries: &[Entry]) -> Result<(), String> {
    let storage = local_storage().ok_or("local storage is not available")?;
    let text = serde_json::to_string(entries).map_err(|e| e.to_string())?;
    storage.set_item(LIST, &text).map_err(|_| "local storage is full or disabled".to_string())
}

/// Adds or replaces an entry (matched by id).
pub fn upsert(entry: Entry) -> Result<(), String> {
    let mut entries = list();
    entries.retain(|e| e.id != entry.id);
    entries.push(entry);
    store(&entries)
}

pub fn remove(id: &str) -> Result<(), String> {
    let mut entries = list();
    entries.retain(|e| e.id != id);
    store(&entries)
}

pub fn current() -> Option<Entry> {
    let id = local_storage()?.get_item(CURRENT).ok().flatten()?;
    list().into_iter().find(|e| e.id == id)
}

pub fn set_current(id: &str) -> Result<(), String> {
    local_storage()
        .ok_or("local storage is not available")?
        .set_item(CURRENT, id)
        .map_err(|_| "local storage is full or disabled".to_string())
}
