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
    let relay = relay_for(&entry).await;
    crate::sync::start(ctx, relay);
}

/// The relay a workspace syncs through: the one set for it, none when turned off, or — when
/// nothing is set — the server this app was loaded from, if that server is a Quota relay.
pub async fn relay_for(entry: &Entry) -> Option<String> {
    match entry.relay.as_deref() {
        Some("") => None,
        Some(url) => Some(url.to_string()),
        None => detect_relay().await,
    }
}

/// Asks the page's own server whether it is a relay (`healthz` answers with its status). With no
/// network, the answer from the last time it could ask stands, so edits made after an offline
/// start still reach the relay once the network is back.
async fn detect_relay() -> Option<String> {
    let window = web_sys::window()?;
    let href = window.location().href().ok()?;
    let base = href.split('#').next()?.split('?').next()?;
    let base = match base.rfind('/') {
        Some(i) => &base[..i],
        None => base,
    };
    let remembered = format!("quota.relay-here.{base}");
    let storage = browser::local_storage();
    let is_relay = match wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&format!("{base}/healthz"))).await {
        Ok(response) => {
            let found = is_relay_health(response).await;
            if let Some(storage) = &storage {
                // Only a hint for the next offline start; without it that start syncs no relay.
                storage.set_item(&remembered, if found { "yes" } else { "no" }).ok();
            }
            found
        }
        Err(_) => storage.and_then(|s| s.get_item(&remembered).ok().flatten()).is_some_and(|v| v == "yes"),
    };
    is_relay.then(|| base.to_string())
}

/// Whether a `healthz` response is a relay's.
async fn is_relay_health(response: wasm_bindgen::JsValue) -> bool {
    let Ok(response) = wasm_bindgen::JsCast::dyn_into::<web_sys::Response>(response) else { return false };
    if !response.ok() {
        return false;
    }
    let Ok(text) = response.text() else { return false };
    let Some(body) = wasm_bindgen_futures::JsFuture::from(text).await.ok().and_then(|b| b.as_string()) else {
        return false;
    };
    let Ok(health) = serde_json::from_str::<serde_json::Value>(&body) else { return false };
    health["status"] == "ok" && health.get("connections").is_some()
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
    show_new(ctx, entry, repo, member).await
}

/// Records a workspace just made or joined on this device as the current one, shows it, saves
/// what was made, and starts syncing it.
async fn show_new(ctx: Ctx, entry: Entry, repo: Repo, member: MemberId) -> Result<(), String> {
    workspaces::upsert(entry.clone())?;
    workspaces::set_current(&entry.id)?;
    ctx.repo.set_value(Some(repo));
    ctx.me.set(Some(member));
    ctx.bump_all();
    ctx.phase.set(Phase::Ready);
    ctx.schedule_save();
    crate::browser::mark_loaded();
    let relay = relay_for(&entry).await;
    crate::sync::start(ctx, relay);
    Ok(())
}

/// Creates a workspace filled with the sample company, so a new user sees a living system.
pub async fn create_sample(ctx: Ctx) -> Result<(), String> {
    let key = WorkspaceKey(ids::random_bytes());
    let mut repo = Repo::open(key, ids::random_bytes()).await.map_err(|e| e.to_string())?;
    let seed = u64::from_le_bytes(ids::random_bytes());
    let generated = quota_core::generate::sample(&mut repo.ws, seed, ids::now().date()).map_err(|e| e.to_string())?;
    let name = repo.ws.data.settings.get(SettingsId::SINGLETON).map(|s| s.name.clone()).unwrap_or_default();
    let entry = Entry {
        id: key.workspace_id(),
        key: key.to_string(),
        name: format!("{name} (sample)"),
        member: Some(generated.member.to_string()),
        relay: None,
    };
    show_new(ctx, entry, repo, generated.member).await
}

/// What an invitation carries: the workspace key, its name, and the relay to sync through.
#[derive(Clone, Debug, PartialEq)]
pub struct Invite {
    pub key: WorkspaceKey,
    pub name: String,
    pub relay: Option<String>,
}

impl Invite {
    /// The invitation as a link to this app:
    /// `<app>#/settings/join?k=<key>&w=<workspace id>&n=<name>&r=<relay>`. The workspace id is
    /// derived from the key, so a key changed on the way no longer matches it.
    pub fn link(&self, app_url: &str) -> String {
        let mut route = crate::route::Route::to(crate::route::Area::Settings, &["join"])
            .with_query("k", &self.key.to_string())
            .with_query("w", &self.key.workspace_id())
            .with_query("n", &self.name);
        if let Some(relay) = &self.relay {
            route = route.with_query("r", relay);
        }
        format!("{}{}", app_url.split('#').next().unwrap_or(app_url), route.href())
    }

    /// Reads an invitation from a link or from the bare code (the key).
    pub fn parse(text: &str) -> Result<Invite, String> {
        let text = text.trim();
        let bad = || "That is not a Quota invitation: paste the whole link or the 64-character code.".to_string();
        if let Ok(key) = text.parse::<WorkspaceKey>() {
            return Ok(Invite { key, name: "Team workspace".into(), relay: None });
        }
        let fragment = text.split_once('#').map(|(_, f)| f).ok_or_else(bad)?;
        let route = crate::route::Route::parse(fragment);
        let key = route.param("k").ok_or_else(bad)?.parse::<WorkspaceKey>().map_err(|_| bad())?;
        // Joining with a changed key would quietly start a new, empty workspace instead.
        if route.param("w").is_some_and(|w| w != key.workspace_id()) {
            return Err("This invitation was changed or is incomplete: its code does not match its workspace. \
                        Ask for the link again."
                .to_string());
        }
        Ok(Invite {
            key,
            name: route.param("n").unwrap_or("Team workspace").to_string(),
            relay: route.param("r").map(str::to_string),
        })
    }
}

/// Joins a team's workspace on this device: stores its key, adds this person as a member, and
/// opens it; its data arrives through sync.
pub async fn join(ctx: Ctx, invite: Invite, my_name: String) -> Result<(), String> {
    let member: MemberId = ids::new_id();
    let entry = Entry {
        id: invite.key.workspace_id(),
        key: invite.key.to_string(),
        name: invite.name.clone(),
        member: Some(member.to_string()),
        relay: invite.relay.clone(),
    };
    if workspaces::list().iter().any(|e| e.id == entry.id) {
        workspaces::set_current(&entry.id)?;
        open(ctx, workspaces::current().ok_or("the workspace could not be opened")?).await;
        return Ok(());
    }
    let mut repo = Repo::open(invite.key, ids::random_bytes()).await.map_err(|e| e.to_string())?;
    let me = Member { id: member, name: my_name.trim().to_string(), role: MemberRole::Rep, ..Default::default() };
    let doc = doc_of(&me);
    if repo.needs_load(doc) {
        let chunks = repo.store.chunks(&doc.to_string()).await.map_err(|e| e.to_string())?;
        repo.load_chunks(doc, chunks);
    }
    repo.start_if_new(doc);
    repo.ws.create(me, quota_core::Stamp::new(ids::now(), Some(member))).map_err(|e| e.to_string())?;
    show_new(ctx, entry, repo, member).await
}

fn doc_of<R: Record>(record: &R) -> DocName {
    Workspace::doc_of::<R>(record.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite() -> Invite {
        Invite {
            key: WorkspaceKey([7; 32]),
            name: "Acme Sales".into(),
            relay: Some("https://relay.example.com".into()),
        }
    }

    #[test]
    fn an_invitation_link_reads_back_as_the_same_invitation() {
        let link = invite().link("https://app.example.com/quota/#/settings/sync");
        assert!(link.starts_with("https://app.example.com/quota/#/settings/join?k="), "{link}");
        assert_eq!(Invite::parse(&link), Ok(invite()));
    }

    #[test]
    fn an_invitation_whose_key_was_changed_is_refused() {
        let link = invite().link("https://app.example.com/");
        let changed = link.replacen("k=0707", "k=0807", 1);
        assert_ne!(changed, link);
        let refused = Invite::parse(&changed).map_err(|e| e.contains("changed or is incomplete"));
        assert_eq!(refused, Err(true));
    }

    #[test]
    fn an_invitation_without_a_workspace_id_is_taken_on_its_key() {
        let key = WorkspaceKey([7; 32]);
        let link = format!("https://app.example.com/#/settings/join?k={key}&n=Acme");
        assert_eq!(Invite::parse(&link).map(|i| (i.key, i.name, i.relay)), Ok((key, "Acme".to_string(), None)));
    }
}
