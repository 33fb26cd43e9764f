//! Opening a workspace at start, creating a new one, and loading documents in the background.

use leptos::prelude::*;
use quota_core::money::Currency;
use quota_core::settings::{Member, MemberId, MemberRole, Pipeline, PipelineId, Settings, SettingsId};
use quota_core::{DocName, Record, Workspace, WorkspaceKey};

use crate::browser;
use crate::ids;
use crate::repo::Repo;
use crate::state::{Ctx, NoticeKind, Phase};
use crate::workspaces::{self, Entry};

/// Opens the current workspace, or shows the welcome screen when there is none.
pub async fn start(ctx: Ctx) {
    crate::storage::request_persistence().await;
    match workspaces::current() {
        Some(entry) => open(ctx, entry).await,
        None => ctx.phase.set(Phase::Welcome),
    }
}

/// Opens a workspace: exact caches and out-of-date documents first, so the screen shows
/// everything stored; the remaining documents load in the background.
pub async fn open(ctx: Ctx, entry: Entry) {
    let key: WorkspaceKey = match entry.key.parse() {
        Ok(key) => key,
        Err(e) => {
            ctx.phase.set(Phase::Failed(format!("The saved workspace key is damaged ({e}).")));
            return;
        }
    };
    let mut repo = match Repo::open(key, ids::random_bytes()).await {
        Ok(repo) => repo,
        Err(e) => {
            ctx.phase.set(Phase::Failed(format!("This workspace's storage could not be opened: {e}.")));
            return;
        }
    };
    for name in repo.stale_docs() {
        match repo.store.chunks(&name.to_string()).await {
            Ok(chunks) => {
                repo.load_chunks(name, chunks);
            }
            Err(e) => repo.problems.push(format!("{name} could not be read: {e}")),
        }
    }
    let problems = std::mem::take(&mut repo.problems);
    ctx.repo.set_value(Some(repo));
    ctx.me.set(entry.member.as_deref().and_then(|m| m.parse::<MemberId>().ok()));
    ctx.bump_all();
    ctx.phase.set(Phase::Ready);
    report_problems(ctx, problems);
    ctx.schedule_cache_write();
    load_in_background(ctx).await;
}

fn report_problems(ctx: Ctx, problems: Vec<String>) {
    if problems.is_empty() {
        return;
    }
    let first = problems.first().cloned().unwrap_or_default();
    let text = if problems.len() == 1 {
        format!("Some stored data could not be read and was skipped; everything else loaded. {first}")
    } else {
        format!(
            "{} pieces of stored data could not be read and were skipped; everything else loaded. First: {first}",
            problems.len()
        )
    };
    ctx.notify(NoticeKind::Error, text);
}

/// Loads the documents whose tables came from caches, one per turn of the event loop, so the
/// app stays responsive while they load.
async fn load_in_background(ctx: Ctx) {
    loop {
        browser::sleep(0).await;
        let next = ctx.repo.with_value(|r| {
            r.as_ref().and_then(|r| r.background_docs().first().copied().map(|d| (d, r.store.clone())))
        });
        let Some((name, store)) = next else { break };
        let chunks = match store.chunks(&name.to_string()).await {
            Ok(chunks) => chunks,
            Err(e) => {
                ctx.notify(NoticeKind::Error, format!("{name} could not be read: {e}"));
                break;
            }
        };
        let problems = ctx.repo.try_update_value(|r| {
            r.as_mut().map(|r| {
                let report = r.load_chunks(name, chunks);
                let changed = !report.skipped.is_empty();
                (std::mem::take(&mut r.problems), changed)
            })
        });
        if let Some(Some((problems, changed))) = problems {
            if changed {
                ctx.bump(name.collection);
            }
            report_problems(ctx, problems);
        }
    }
    crate::browser::mark_loaded();
}

/// What the welcome form asks for.
pub struct NewWorkspace {
    pub name: String,
    pub currency: Currency,
    pub my_name: String,
}

/// Creates a workspace on this device with its settings, the member using it and the standard
/// pipeline, then opens it.
pub async fn create(ctx: Ctx, form: NewWorkspace) -> Result<(), String> {
    let key = WorkspaceKey(ids::random_bytes());
    let member: MemberId = ids::new_id();
    let entry = Entry {
        id: key.workspace_id(),
        key: key.to_string(),
        name: form.name.clone(),
        member: Some(member.to_string()),
        relay: None,
    };
    let mut repo = Repo::open(key, ids::random_bytes()).await.map_err(|e| e.to_string())?;
    let stamp = quota_core::Stamp::new(ids::now(), Some(member));
    let settings = Settings {
        id: SettingsId::SINGLETON,
        name: form.name.trim().to_string(),
        currency: form.currency,
        fiscal_year_start: 1,
        stale_after_days: 21,
    };
    let me =
        Member { id: member, name: form.my_name.trim().to_string(), role: MemberRole::Admin, ..Default::default() };
    let pipeline = Pipeline::standard(ids::new_id::<PipelineId>(), std::array::from_fn(|_| ids::new_id()));
    for doc in [doc_of(&settings), doc_of(&me), doc_of(&pipeline)] {
        repo.start_if_new(doc);
    }
    repo.ws.create(settings, stamp).map_err(|e| e.to_string())?;
    repo.ws.create(me, stamp).map_err(|e| e.to_string())?;
    repo.ws.create(pipeline, stamp).map_err(|e| e.to_string())?;
    workspaces::upsert(entry.clone())?;
    workspaces::set_current(&entry.id)?;
    ctx.repo.set_value(Some(repo));
    ctx.me.set(Some(member));
    ctx.bump_all();
    ctx.phase.set(Phase::Ready);
    ctx.schedule_save();
    crate::browser::mark_loaded();
    Ok(())
}

fn doc_of<R: Record>(record: &R) -> DocName {
    Workspace::doc_of::<R>(record.id())
}
