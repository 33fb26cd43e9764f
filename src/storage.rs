//! IndexedDB storage: document chunks under content-hash keys, start-up caches, and small
//! key-value records (workspace list, form drafts).
//!
//! Every write resolves only when its transaction has committed, so "saved" in the UI always
//! means "on disk". Chunk keys are the SHA-256 of the chunk, so two tabs writing at once never
//! replace each other's chunks: they can only add.

use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

const CHUNKS: &str = "chunks";
const CACHES: &str = "caches";
const KV: &str = "kv";
const VERSION: u32 = 1;

/// What can go wrong with browser storage, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("the browser's storage for this site is full")]
    QuotaExceeded,
    #[error("browser storage is not available: {0}")]
    Unavailable(String),
    #[error("browser storage failed: {0}")]
    Failed(String),
}

impl StorageError {
    fn from_js(value: JsValue) -> StorageError {
        if let Some(exception) = value.dyn_ref::<web_sys::DomException>() {
            if exception.name() == "QuotaExceededError" {
                return StorageError::QuotaExceeded;
            }
            return StorageError::Failed(format!("{}: {}", exception.name(), exception.message()));
        }
        if let Some(error) = value.dyn_ref::<js_sys::Error>() {
            return StorageError::Failed(String::from(error.message()));
        }
        StorageError::Failed(format!("{value:?}"))
    }
}

/// A chunk's identity: the document it belongs to and its content hash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChunkRef {
    pub doc: String,
    pub key: String,
}

/// A stored start-up cache for one document, with the chunk keys it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedProjection {
    pub doc: String,
    pub covers: Vec<String>,
    pub bytes: Vec<u8>,
}

/// One open IndexedDB database.
#[derive(Clone)]
pub struct Store {
    db: IdbDatabase,
}

/// Resolves when an IndexedDB request succeeds, with its result.
async fn request(req: &IdbRequest) -> Result<JsValue, StorageError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |event: web_sys::Event| {
            let req: IdbRequest = event.target().expect("request event has a target").unchecked_into();
            let result = req.result().unwrap_or(JsValue::UNDEFINED);
            // A resolve that fails means the promise is gone, and nobody is waiting any more.
            resolve.call1(&JsValue::NULL, &result).ok();
        });
        let failed = Closure::once_into_js(move |event: web_sys::Event| {
            let req: IdbRequest = event.target().expect("request event has a target").unchecked_into();
            let error = req.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::NULL);
            reject.call1(&JsValue::NULL, &error).ok();
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(StorageError::from_js)
}

/// Resolves when a transaction has committed; fails if it aborted (for example on a full disk).
async fn committed(tx: &IdbTransaction) -> Result<(), StorageError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move || {
            resolve.call0(&JsValue::NULL).ok();
        });
        let reject = Rc::new(reject);
        let on_abort = {
            let reject = reject.clone();
            let tx = tx.clone();
            Closure::once_into_js(move || {
                let error = tx.error().map(JsValue::from).unwrap_or(JsValue::NULL);
                reject.call1(&JsValue::NULL, &error).ok();
            })
        };
        let on_error = {
            let tx = tx.clone();
            Closure::once_into_js(move || {
                let error = tx.error().map(JsValue::from).unwrap_or(JsValue::NULL);
                reject.call1(&JsValue::NULL, &error).ok();
            })
        };
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(StorageError::from_js)
}

fn js_err(value: JsValue) -> StorageError {
    StorageError::from_js(value)
}

fn key_pair(doc: &str, key: &str) -> JsValue {
    Array::of2(&JsValue::from_str(doc), &JsValue::from_str(key)).into()
}

fn bytes_value(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

fn doc_range(doc: &str) -> Result<IdbKeyRange, StorageError> {
    // Keys are [doc, key] pairs; every hex key sorts between "" and "~".
    IdbKeyRange::bound(&key_pair(doc, ""), &key_pair(doc, "~")).map_err(js_err)
}

impl Store {
    /// Opens (creating if needed) the database `name`.
    pub async fn open(name: &str) -> Result<Store, StorageError> {
        let window = web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
        let factory = window
            .indexed_db()
            .map_err(|e| StorageError::Unavailable(format!("{e:?}")))?
            .ok_or_else(|| StorageError::Unavailable("IndexedDB is disabled".into()))?;
        let open: IdbOpenDbRequest = factory.open_with_u32(name, VERSION).map_err(js_err)?;
        let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let req: IdbOpenDbRequest = event.target().expect("upgrade has a target").unchecked_into();
            let db: IdbDatabase = req.result().expect("upgrade has a database").unchecked_into();
            let names = db.object_store_names();
            for store in [CHUNKS, CACHES, KV] {
                if !names.contains(store) {
                    // Creating a store only fails for a duplicate name, excluded above.
                    db.create_object_store(store).expect("store can be created");
                }
            }
        });
        open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let db = request(&open).await?;
        drop(upgrade);
        Ok(Store { db: db.unchecked_into() })
    }

    fn tx(&self, stores: &[&str], mode: IdbTransactionMode) -> Result<IdbTransaction, StorageError> {
        let names = Array::new();
        for s in stores {
            names.push(&JsValue::from_str(s));
        }
        self.db.transaction_with_str_sequence_and_mode(&names, mode).map_err(js_err)
    }

    fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, StorageError> {
        tx.object_store(name).map_err(js_err)
    }

    /// Every stored chunk's document and key.
    pub async fn chunk_refs(&self) -> Result<Vec<ChunkRef>, StorageError> {
        let tx = self.tx(&[CHUNKS], IdbTransactionMode::Readonly)?;
        let keys = request(&Self::store(&tx, CHUNKS)?.get_all_keys().map_err(js_err)?).await?;
        let keys: Array = keys.unchecked_into();
        let mut out = Vec::with_capacity(keys.length() as usize);
        for pair in keys.iter() {
            let pair: Array = pair.unchecked_into();
            let (doc, key) = (pair.get(0).as_string(), pair.get(1).as_string());
            if let (Some(doc), Some(key)) = (doc, key) {
                out.push(ChunkRef { doc, key });
            }
        }
        Ok(out)
    }

    /// The chunks of one document, with their keys.
    pub async fn chunks(&self, doc: &str) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
        let tx = self.tx(&[CHUNKS], IdbTransactionMode::Readonly)?;
        let store = Self::store(&tx, CHUNKS)?;
        let range = doc_range(doc)?;
        let keys_req = store.get_all_keys_with_key(&range).map_err(js_err)?;
        let values_req = store.get_all_with_key(&range).map_err(js_err)?;
        let keys: Array = request(&keys_req).await?.unchecked_into();
        let values: Array = request(&values_req).await?.unchecked_into();
        let mut out = Vec::with_capacity(keys.length() as usize);
        for (pair, value) in keys.iter().zip(values.iter()) {
            let pair: Array = pair.unchecked_into();
            let key = pair.get(1).as_string().unwrap_or_default();
            // A value that is not bytes is damage; hand it on empty so the loader reports it.
            let bytes = value.dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
            out.push((key, bytes));
        }
        Ok(out)
    }

    /// Stores a chunk; resolves once it is on disk.
    pub async fn put_chunk(&self, doc: &str, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let tx = self.tx(&[CHUNKS], IdbTransactionMode::Readwrite)?;
        Self::store(&tx, CHUNKS)?.put_with_key(&bytes_value(bytes), &key_pair(doc, key)).map_err(js_err)?;
        committed(&tx).await
    }

    /// Replaces chunks with a compacted one, and writes the document's start-up cache, in one
    /// transaction: either all of it happens or none.
    pub async fn compact(
        &self,
        doc: &str,
        key: &str,
        bytes: &[u8],
        remove: &[String],
        cache: Option<&CachedProjection>,
    ) -> Result<(), StorageError> {
        let tx = self.tx(&[CHUNKS, CACHES], IdbTransactionMode::Readwrite)?;
        let chunks = Self::store(&tx, CHUNKS)?;
        chunks.put_with_key(&bytes_value(bytes), &key_pair(doc, key)).map_err(js_err)?;
        for old in remove.iter().filter(|old| old.as_str() != key) {
            chunks.delete(&key_pair(doc, old)).map_err(js_err)?;
        }
        if let Some(cache) = cache {
            Self::store(&tx, CACHES)?
                .put_with_key(&cache_value(cache), &JsValue::from_str(&cache.doc))
                .map_err(js_err)?;
        }
        committed(&tx).await
    }

    /// Every stored start-up cache.
    pub async fn caches(&self) -> Result<Vec<CachedProjection>, StorageError> {
        let tx = self.tx(&[CACHES], IdbTransactionMode::Readonly)?;
        let store = Self::store(&tx, CACHES)?;
        let keys_req = store.get_all_keys().map_err(js_err)?;
        let values_req = store.get_all().map_err(js_err)?;
        let keys: Array = request(&keys_req).await?.unchecked_into();
        let values: Array = request(&values_req).await?.unchecked_into();
        let mut out = Vec::new();
        for (key, value) in keys.iter().zip(values.iter()) {
            let Some(doc) = key.as_string() else { continue };
            let value: Array = value.unchecked_into();
            let covers: Vec<String> = value
                .get(0)
                .dyn_into::<Array>()
                .map(|a| a.iter().filter_map(|k| k.as_string()).collect())
                .unwrap_or_default();
            let bytes = value.get(1).dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
            out.push(CachedProjection { doc, covers, bytes });
        }
        Ok(out)
    }

    /// Stores one document's start-up cache.
    pub async fn put_cache(&self, cache: &CachedProjection) -> Result<(), StorageError> {
        let tx = self.tx(&[CACHES], IdbTransactionMode::Readwrite)?;
        Self::store(&tx, CACHES)?.put_with_key(&cache_value(cache), &JsValue::from_str(&cache.doc)).map_err(js_err)?;
        committed(&tx).await
    }

    /// Reads a small text value.
    pub async fn get_text(&self, key: &str) -> Result<Option<String>, StorageError> {
        let tx = self.tx(&[KV], IdbTransactionMode::Readonly)?;
        let value = request(&Self::store(&tx, KV)?.get(&JsValue::from_str(key)).map_err(js_err)?).await?;
        Ok(value.as_string())
    }

    /// Writes a small text value.
    pub async fn put_text(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let tx = self.tx(&[KV], IdbTransactionMode::Readwrite)?;
        Self::store(&tx, KV)?.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key)).map_err(js_err)?;
        committed(&tx).await
    }

    /// Removes a small value.
    pub async fn delete_text(&self, key: &str) -> Result<(), StorageError> {
        let tx = self.tx(&[KV], IdbTransactionMode::Readwrite)?;
        Self::store(&tx, KV)?.delete(&JsValue::from_str(key)).map_err(js_err)?;
        committed(&tx).await
    }

    /// Every small value whose key starts with `prefix`.
    pub async fn texts_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>, StorageError> {
        let tx = self.tx(&[KV], IdbTransactionMode::Readonly)?;
        let store = Self::store(&tx, KV)?;
        let range = IdbKeyRange::bound(&JsValue::from_str(prefix), &JsValue::from_str(&format!("{prefix}\u{ffff}")))
            .map_err(js_err)?;
        let keys_req = store.get_all_keys_with_key(&range).map_err(js_err)?;
        let values_req = store.get_all_with_key(&range).map_err(js_err)?;
        let keys: Array = request(&keys_req).await?.unchecked_into();
        let values: Array = request(&values_req).await?.unchecked_into();
        Ok(keys.iter().zip(values.iter()).filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?))).collect())
    }

    pub fn close(&self) {
        self.db.close();
    }
}

fn cache_value(cache: &CachedProjection) -> JsValue {
    let covers = Array::new();
    for key in &cache.covers {
        covers.push(&JsValue::from_str(key));
    }
    Array::of2(&covers, &bytes_value(&cache.bytes)).into()
}

/// Asks the browser to keep this site's storage under pressure; returns whether it agreed.
pub async fn request_persistence() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let storage = window.navigator().storage();
    match storage.persist() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false),
        Err(_) => false,
    }
}

/// Deletes a whole database (used when a workspace is removed from this device).
pub async fn delete_database(name: &str) -> Result<(), StorageError> {
    let window = web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
    let factory = window
        .indexed_db()
        .map_err(|e| StorageError::Unavailable(format!("{e:?}")))?
        .ok_or_else(|| StorageError::Unavailable("IndexedDB is disabled".into()))?;
    let req = factory.delete_database(name).map_err(js_err)?;
    request(&req).await.map(|_| ())
}
