//! The workspaces that have a running task, and how connections find (or start) theirs.
//!
//! A workspace task leaves the registry when it has been without connections for a while. A
//! connection may pick up a task's inbox just as the task leaves; the task then drops the
//! connection's `Opened` event unanswered and the connection asks the registry again, so every
//! connection ends up with a live task.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::documents::WorkspaceDocuments;
use super::workspace::{Event, TaskSettings, WorkspaceTask};
use crate::auth::WorkspaceId;
use crate::storage::Storage;

/// Events queued for one workspace before connections wait to hand in more.
const INBOX: usize = 1024;

/// Limits and settings for the workspace tasks.
pub struct RegistrySettings {
    pub task: TaskSettings,
    pub max_documents: usize,
    pub compact_after: usize,
}

pub struct Registry {
    storage: Arc<Storage>,
    settings: RegistrySettings,
    workspaces: Mutex<HashMap<WorkspaceId, (u64, mpsc::Sender<Event>)>>,
    next_generation: AtomicU64,
    stopping: AtomicBool,
    live: AtomicUsize,
}

impl Registry {
    pub fn new(storage: Arc<Storage>, settings: RegistrySettings) -> Arc<Registry> {
        Arc::new(Registry {
            storage,
            settings,
            workspaces: Mutex::new(HashMap::new()),
            next_generation: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            live: AtomicUsize::new(0),
        })
    }

    /// The inbox of the workspace's task, starting the task if none runs.
    pub fn inbox(self: &Arc<Self>, workspace: WorkspaceId) -> mpsc::Sender<Event> {
        let mut workspaces = self.lock();
        if let Some((_, inbox)) = workspaces.get(&workspace)
            && !inbox.is_closed()
        {
            return inbox.clone();
        }
        let generation = self.next_generation.fetch_add(1, Ordering::Relaxed);
        let (inbox, events) = mpsc::channel(INBOX);
        workspaces.insert(workspace, (generation, inbox.clone()));
        self.live.fetch_add(1, Ordering::AcqRel);
        let registry = self.clone();
        tokio::spawn(async move {
            let _live = LiveTask(registry.clone());
            let settings = &registry.settings;
            let docs = WorkspaceDocuments::open(
                workspace,
                registry.storage.clone(),
                settings.max_documents,
                settings.compact_after,
            )
            .await;
            let task = WorkspaceTask::new(workspace, generation, docs, events, settings.task.clone(), registry.clone());
            task.run().await;
        });
        inbox
    }

    /// Called by an idle task: leaves the registry unless an event is waiting. Events that slip
    /// in meanwhile are dropped, which makes their connections ask again.
    pub fn remove_if_idle(&self, workspace: WorkspaceId, generation: u64, events: &mut mpsc::Receiver<Event>) -> bool {
        let mut workspaces = self.lock();
        if !events.is_empty() {
            return false;
        }
        if workspaces.get(&workspace).is_some_and(|(current, _)| *current == generation) {
            workspaces.remove(&workspace);
        }
        events.close();
        while events.try_recv().is_ok() {}
        true
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// How many workspaces have a running task.
    pub fn active(&self) -> usize {
        self.lock().len()
    }

    /// Asks every task to end once its connections are gone, and waits for them up to `grace`.
    pub async fn shutdown(&self, grace: Duration) {
        self.stopping.store(true, Ordering::Release);
        let deadline = tokio::time::Instant::now() + grace;
        while self.live.load(Ordering::Acquire) > 0 {
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(tasks = self.live.load(Ordering::Acquire), "workspace tasks still running at exit");
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<WorkspaceId, (u64, mpsc::Sender<Event>)>> {
        self.workspaces.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Counts a running task until it ends, however it ends.
struct LiveTask(Arc<Registry>);

impl Drop for LiveTask {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::AcqRel);
    }
}
