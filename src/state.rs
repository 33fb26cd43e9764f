//! The app's shared state: the open repo, one revision signal per collection so views re-render
//! only when their data changes, the save status, and notices for the user.
//!
//! Components read through [`Ctx::read`] and edit through [`Ctx::create`], [`Ctx::update`] and
//! [`Ctx::delete`]; every edit is validated by the core, applied at once, and written to disk in
//! the background, with the save status telling the user when it is on disk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::collection::HasTable;
use quota_core::record::Record;
use quota_core::settings::{MemberId, Settings, SettingsId};
use quota_core::{Collection, DocName, Error, Stamp, Tables, Workspace};

use crate::ids;
use crate::repo::Repo;
use crate::route::Route;
use crate::storage::StorageError;

/// Where the app is in opening a workspace.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Starting,
    /// No workspace on this device yet: show the welcome screen.
    Welcome,
    Ready,
    Failed(String),
}

/// Whether every edit is on disk.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Saved,
    Saving,
    /// Writing failed; edits are kept in memory and retried with the next edit.
    Failed(String),
}

/// What a notice's button does, once.
pub type Action = Box<dyn FnOnce()>;

/// A message for the user, optionally with an undo action.
#[derive(Clone)]
pub struct Notice {
    pub id: u64,
    pub text: String,
    pub kind: NoticeKind,
    /// A button on the notice: its label and what it does (once).
    pub action: Option<(&'static str, StoredValue<Option<Action>, LocalStorage>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Error,
}

#[derive(Clone, Copy)]
pub struct Ctx {
    pub repo: StoredValue<Option<Repo>, LocalStorage>,
    revs: StoredValue<Vec<RwSignal<u64>>>,
    pub phase: RwSignal<Phase>,
    pub save: RwSignal<SaveState>,
    pub notices: RwSignal<Vec<Notice>>,
    pub route: RwSignal<Route>,
    /// The member this device acts as, for history.
    pub me: RwSignal<Option<MemberId>>,
    pub sync: StoredValue<Option<crate::sync::Engine>, LocalStorage>,
    pub sync_view: RwSignal<crate::sync::SyncView>,
    saving: StoredValue<bool>,
    cache_timer: StoredValue<Option<i32>>,
    next_notice: StoredValue<u64>,
}

pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    pub fn new(route: Route) -> Ctx {
        Ctx {
            repo: StoredValue::new_local(None),
            revs: StoredValue::new(Collection::ALL.iter().map(|_| RwSignal::new(0)).collect()),
            phase: RwSignal::new(Phase::Starting),
            save: RwSignal::new(SaveState::Saved),
            notices: RwSignal::new(Vec::new()),
            route: RwSignal::new(route),
            me: RwSignal::new(None),
            sync: StoredValue::new_local(None),
            sync_view: RwSignal::new(crate::sync::SyncView::default()),
            saving: StoredValue::new(false),
            cache_timer: StoredValue::new(None),
            next_notice: StoredValue::new(0),
        }
    }

    fn rev(&self, c: Collection) -> RwSignal<u64> {
        let index = Collection::ALL.iter().position(|x| *x == c).expect("every collection has a signal");
        self.revs.with_value(|r| r[index])
    }

    /// Subscribes the current view to changes of a collection; outside a view or effect (in an
    /// event handler) there is nothing to subscribe, and the read is simply a read.
    pub fn track(&self, c: Collection) {
        if leptos::reactive::graph::Observer::get().is_some() {
            self.rev(c).track();
        }
    }

    /// Tells views that a collection changed.
    pub fn bump(&self, c: Collection) {
        self.rev(c).update(|r| *r += 1);
    }

    /// Tells every view that data changed (after loading or merging several documents).
    pub fn bump_all(&self) {
        for c in Collection::ALL {
            self.bump(*c);
        }
    }

    /// Reads the tables, re-running the caller when any of `collections` changes.
    pub fn read<T>(&self, collections: &[Collection], f: impl FnOnce(&Tables) -> T) -> Option<T> {
        for c in collections {
            self.track(*c);
        }
        self.repo.with_value(|repo| repo.as_ref().map(|r| f(&r.ws.data)))
    }

    /// Reads the whole workspace without tracking (for history, conflicts and one-off reads).
    pub fn with_ws<T>(&self, f: impl FnOnce(&Workspace) -> T) -> Option<T> {
        self.repo.with_value(|repo| repo.as_ref().map(|r| f(&r.ws)))
    }

    /// The workspace's settings record.
    pub fn settings(&self) -> Settings {
        self.read(&[Collection::Settings], |d| d.settings.get(SettingsId::SINGLETON).cloned())
            .flatten()
            .unwrap_or_default()
    }

    pub fn stamp(&self) -> Stamp {
        Stamp::new(ids::now(), self.me.get_untracked())
    }

    /// Makes sure the document of a record is loaded before an edit.
    pub async fn ensure_loaded(&self, name: DocName) -> Result<(), Error> {
        let needs = self.repo.with_value(|r| r.as_ref().map(|r| r.needs_load(name))).unwrap_or(false);
        if needs {
            let store = self.repo.with_value(|r| r.as_ref().map(|r| r.store.clone()));
            let Some(store) = store else { return Err(Error::NotLoaded(name.to_string())) };
            let chunks = store.chunks(&name.to_string()).await.map_err(|e| Error::Rejected(e.to_string()))?;
            self.repo.update_value(|r| {
                if let Some(r) = r {
                    r.load_chunks(name, chunks);
                }
            });
        }
        self.repo.update_value(|r| {
            if let Some(r) = r {
                r.start_if_new(name);
            }
        });
        Ok(())
    }

    /// Loads every stored document (before an import that may touch any of them).
    pub async fn ensure_all_loaded(&self) -> Result<(), Error> {
        let names = self.repo.with_value(|r| r.as_ref().map(|r| r.unloaded())).unwrap_or_default();
        for name in names {
            self.ensure_loaded(name).await?;
        }
        Ok(())
    }

    fn edit<T>(&self, collection: Collection, f: impl FnOnce(&mut Workspace) -> Result<T, Error>) -> Result<T, Error> {
        let result = self
            .repo
            .try_update_value(|r| match r {
                Some(r) => f(&mut r.ws),
                None => Err(Error::Rejected("no workspace is open".into())),
            })
            .unwrap_or_else(|| Err(Error::Rejected("the app is closing".into())));
        if result.is_ok() {
            self.bump(collection);
            self.schedule_save();
            crate::sync::local_changes(*self);
        }
        result
    }

    pub async fn create<R: Record>(&self, record: R) -> Result<(), Error>
    where
        Tables: HasTable<R>,
    {
        self.ensure_loaded(Workspace::doc_of::<R>(record.id())).await?;
        let stamp = self.stamp();
        self.edit(R::COLLECTION, |ws| ws.create(record, stamp))
    }

    pub async fn update<R: Record>(&self, record: R) -> Result<Vec<&'static str>, Error>
    where
        Tables: HasTable<R>,
    {
        self.ensure_loaded(Workspace::doc_of::<R>(record.id())).await?;
        let stamp = self.stamp();
        self.edit(R::COLLECTION, |ws| ws.update(record, stamp))
    }

    pub async fn delete<R: Record>(&self, id: R::Id) -> Result<R, Error>
    where
        Tables: HasTable<R>,
    {
        self.ensure_loaded(Workspace::doc_of::<R>(id)).await?;
        let stamp = self.stamp();
        self.edit(R::COLLECTION, |ws| ws.delete::<R>(id, stamp))
    }

    /// Runs a command that may touch several collections (e.g. converting a lead). The caller
    /// names the documents it needs loaded.
    pub async fn command<T>(
        &self,
        docs: &[DocName],
        collections: &[Collection],
        f: impl FnOnce(&mut Workspace, Stamp) -> Result<T, Error>,
    ) -> Result<T, Error> {
        for d in docs {
            self.ensure_loaded(*d).await?;
        }
        let stamp = self.stamp();
        let result = self
            .repo
            .try_update_value(|r| match r {
                Some(r) => f(&mut r.ws, stamp),
                None => Err(Error::Rejected("no workspace is open".into())),
            })
            .unwrap_or_else(|| Err(Error::Rejected("the app is closing".into())));
        if result.is_ok() {
            for c in collections {
                self.bump(*c);
            }
            self.schedule_save();
            crate::sync::local_changes(*self);
        }
        result
    }

    /// Writes unsaved changes to disk, one chunk at a time, until none are left.
    pub fn schedule_save(&self) {
        if self.saving.get_value() {
            return;
        }
        self.saving.set_value(true);
        self.save.set(SaveState::Saving);
        let ctx = *self;
        spawn_local(async move {
            let outcome = ctx.save_all().await;
            ctx.saving.set_value(false);
            match outcome {
                Ok(()) => {
                    ctx.save.set(SaveState::Saved);
                    ctx.schedule_cache_write();
                }
                Err(e) => {
                    let text = match e {
                        StorageError::QuotaExceeded => {
                            "Storage is full: your latest changes are kept in this tab but are \
                             not saved on this device. Free up space, then make any edit to retry."
                                .to_string()
                        }
                        other => {
                            format!("Saving failed: {other}. Your changes are kept in this tab; the next edit retries.")
                        }
                    };
                    ctx.save.set(SaveState::Failed(text.clone()));
                    ctx.notify(NoticeKind::Error, text);
                }
            }
        });
    }

    async fn save_all(&self) -> Result<(), StorageError> {
        loop {
            let next =
                self.repo.with_value(|r| r.as_ref().and_then(|r| r.next_unsaved().map(|c| (c, r.store.clone()))));
            let Some((chunk, store)) = next else { break };
            store.put_chunk(&chunk.doc.to_string(), &chunk.key, &chunk.bytes).await?;
            self.repo.update_value(|r| {
                if let Some(r) = r {
                    r.saved(chunk);
                }
            });
        }
        loop {
            let next =
                self.repo.with_value(|r| r.as_ref().and_then(|r| r.next_compaction().map(|c| (c, r.store.clone()))));
            let Some((compaction, store)) = next else { break };
            store
                .compact(
                    &compaction.doc.to_string(),
                    &compaction.key,
                    &compaction.bytes,
                    &compaction.remove,
                    Some(&compaction.cache),
                )
                .await?;
            self.repo.update_value(|r| {
                if let Some(r) = r {
                    r.compacted(compaction);
                }
            });
        }
        Ok(())
    }

    /// Rewrites start-up caches a little after the last edit, so typing is never slowed by it.
    pub fn schedule_cache_write(&self) {
        let ctx = *self;
        if let Some(handle) = self.cache_timer.get_value()
            && let Some(w) = web_sys::window()
        {
            w.clear_timeout_with_handle(handle);
        }
        let handle = crate::browser::set_timeout(1_500, move || {
            ctx.cache_timer.set_value(None);
            spawn_local(async move { ctx.write_caches().await });
        });
        self.cache_timer.set_value(handle);
    }

    pub async fn write_caches(&self) {
        let pending = self.repo.try_update_value(|r| r.as_mut().map(|r| (r.take_stale_caches(), r.store.clone())));
        let Some(Some((caches, store))) = pending else { return };
        for cache in caches {
            if store.put_cache(&cache).await.is_err() {
                // A cache is only an accelerator: a failed write means a slower next start.
                self.repo.update_value(|r| {
                    if let Some(r) = r {
                        r.cache_failed(&cache.doc);
                    }
                });
            }
        }
    }

    /// Shows a notice for a few seconds (errors stay until dismissed).
    pub fn notify(&self, kind: NoticeKind, text: impl Into<String>) -> u64 {
        self.notify_with_undo(kind, text, None)
    }

    pub fn notify_with_undo(&self, kind: NoticeKind, text: impl Into<String>, undo: Option<Box<dyn FnOnce()>>) -> u64 {
        self.notify_with_action(kind, text, undo.map(|u| ("Undo", u)))
    }

    pub fn notify_with_action(
        &self,
        kind: NoticeKind,
        text: impl Into<String>,
        action: Option<(&'static str, Action)>,
    ) -> u64 {
        let id = self.next_notice.get_value() + 1;
        self.next_notice.set_value(id);
        let action = action.map(|(label, f)| (label, StoredValue::new_local(Some(f))));
        self.notices.update(|n| n.push(Notice { id, text: text.into(), kind, action }));
        if kind == NoticeKind::Info {
            let ctx = *self;
            crate::browser::set_timeout(8_000, move || ctx.dismiss(id));
        }
        id
    }

    pub fn dismiss(&self, id: u64) {
        self.notices.update(|n| n.retain(|x| x.id != id));
    }

    pub fn navigate(&self, route: Route) {
        crate::browser::set_hash(&route.to_hash());
    }
}
