//! Sync in the browser: one automerge-repo hub (from `quota-sync`) over three transports — a
//! WebSocket to the relay, WebRTC data channels straight to teammates' browsers, and a
//! BroadcastChannel between tabs of this browser. Transports only move frames; the hub decides
//! what to send, and the repo's documents are the ones it syncs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{Automerge, ChangeHash};
use leptos::prelude::*;
use quota_core::{DocName, Timestamp, WorkspaceKey};
use quota_sync::{ConnectionId, DocumentId, Documents, Effect, Hub, HubConfig, PeerId};

use crate::ids;
use crate::repo::Repo;
use crate::state::Ctx;

pub mod relay;
pub mod rtc;
pub mod tabs;

/// How a connection reaches its peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Relay,
    Direct,
    Tab,
}

impl Via {
    pub fn label(self) -> &'static str {
        match self {
            Via::Relay => "relay",
            Via::Direct => "peer to peer",
            Via::Tab => "another tab",
        }
    }
}

/// The relay connection as the user sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum RelayState {
    /// No relay is configured for this workspace.
    Off,
    Connecting,
    Connected,
    /// Not connected; retrying at the given time.
    Waiting {
        retry_at: Timestamp,
        reason: String,
    },
    /// The user chose to work offline.
    Paused,
    /// The relay refused this workspace; retrying will not help.
    Refused(String),
}

/// Everything the sync indicator shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncView {
    pub relay: RelayState,
    /// Connected peers: how they are reached and who they are.
    pub peers: Vec<(Via, String)>,
    /// Documents with changes the relay has not acknowledged.
    pub pending: usize,
    pub last_synced: Option<Timestamp>,
    /// The user chose to work offline.
    pub paused: bool,
    pub direct_enabled: bool,
    pub relay_enabled: bool,
}

impl Default for SyncView {
    fn default() -> Self {
        SyncView {
            relay: RelayState::Off,
            peers: Vec::new(),
            pending: 0,
            last_synced: None,
            paused: false,
            direct_enabled: true,
            relay_enabled: true,
        }
    }
}

/// The sync switches a person sets for a workspace on this device ("Work offline", "Sync through
/// the relay", "Connect directly"); they stay as set across reloads, in local storage.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Switches {
    paused: bool,
    relay: bool,
    direct: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches { paused: false, relay: true, direct: true }
    }
}

impl Switches {
    fn storage_key(key: &WorkspaceKey) -> String {
        format!("quota.sync-switches.{}", key.workspace_id())
    }

    fn load(key: &WorkspaceKey) -> Switches {
        crate::browser::local_storage()
            .and_then(|s| s.get_item(&Self::storage_key(key)).ok().flatten())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn save(ctx: Ctx) {
        let Some(key) = ctx.sync.with_value(|e| e.as_ref().map(|e| e.key)) else { return };
        let view = ctx.sync_view.get_untracked();
        let switches = Switches { paused: view.paused, relay: view.relay_enabled, direct: view.direct_enabled };
        if let (Some(storage), Ok(text)) = (crate::browser::local_storage(), serde_json::to_string(&switches)) {
            // Losing this only means the switches start as they were before; nothing else is kept here.
            storage.set_item(&Self::storage_key(&key), &text).ok();
        }
    }
}

/// The hub and what the transports need to find each other.
pub struct Engine {
    pub hub: Hub,
    pub key: WorkspaceKey,
    pub peer_id: String,
    ids: HashMap<DocumentId, DocName>,
    names: HashMap<DocName, DocumentId>,
    /// Each connection's transport and peer.
    links: BTreeMap<ConnectionId, (Via, Option<String>)>,
    next_connection: u64,
    /// Document heads as last offered to peers, to find local changes.
    offered: HashMap<DocName, Vec<ChangeHash>>,
    pub relay_connection: Option<ConnectionId>,
    relay_url: Option<String>,
}

/// The repo's documents as the hub sees them: only this workspace's, by their derived ids.
struct Docs<'a> {
    repo: &'a mut Repo,
    ids: &'a HashMap<DocumentId, DocName>,
    changed: &'a mut BTreeSet<DocName>,
}

impl Documents for Docs<'_> {
    fn may_access(&mut self, _: ConnectionId, _: &PeerId, document: &DocumentId) -> bool {
        self.ids.contains_key(document)
    }

    fn get(&mut self, document: &DocumentId) -> Option<&Automerge> {
        let name = *self.ids.get(document)?;
        self.repo.ws.doc(name)
    }

    fn update(&mut self, document: &DocumentId, change: &mut dyn FnMut(&mut Automerge)) -> bool {
        let Some(name) = self.ids.get(document).copied() else { return false };
        let before = self.repo.ws.doc(name).map(|d| d.get_heads());
        let applied = self.repo.ws.apply(name, |doc| change(doc)).is_ok();
        if applied && self.repo.ws.doc(name).map(|d| d.get_heads()) != before {
            self.changed.insert(name);
        }
        applied
    }

    fn create(&mut self, document: &DocumentId) -> bool {
        match self.ids.get(document) {
            Some(name) => {
                self.repo.start_if_new(*name);
                self.repo.ws.is_loaded(*name)
            }
            None => false,
        }
    }
}

impl Engine {
    fn new(key: WorkspaceKey, member: Option<String>, relay_url: Option<String>) -> Engine {
        let tab = crate::ids::random_bytes::<4>().iter().map(|b| format!("{b:02x}")).collect::<String>();
        let peer_id = format!("{}-{tab}", member.unwrap_or_else(|| "guest".into()));
        let mut config = HubConfig::new(PeerId(peer_id.clone()), tab);
        config.limits.max_documents_per_connection = 4_096;
        let mut ids = HashMap::new();
        let mut names = HashMap::new();
        for name in DocName::all_live() {
            let id = DocumentId(key.doc_id(name));
            ids.insert(id, name);
            names.insert(name, id);
        }
        Engine {
            hub: Hub::new(config),
            key,
            peer_id,
            ids,
            names,
            links: BTreeMap::new(),
            next_connection: 1,
            offered: HashMap::new(),
            relay_connection: None,
            relay_url,
        }
    }

    /// Adds the draft documents of every plan version, so drafts sync like live data. Returns
    /// the ids it had not known, to ask peers for.
    fn refresh_drafts(&mut self, data: &quota_core::Tables) -> Vec<DocumentId> {
        let mut added = Vec::new();
        for version in data.plan_versions.iter() {
            for name in quota_core::commands::review::draft_names(version.id) {
                let id = DocumentId(self.key.doc_id(name));
                if self.ids.insert(id, name).is_none() {
                    added.push(id);
                }
                self.names.insert(name, id);
            }
        }
        added
    }

    pub fn open_link(&mut self, via: Via, peer: Option<String>) -> ConnectionId {
        let id = ConnectionId(self.next_connection);
        self.next_connection += 1;
        self.links.insert(id, (via, peer));
        id
    }

    pub fn link(&self, id: ConnectionId) -> Option<&(Via, Option<String>)> {
        self.links.get(&id)
    }

    pub fn connection_for(&self, via: Via, peer: &str) -> Option<ConnectionId> {
        self.links.iter().find(|(_, (v, p))| *v == via && p.as_deref() == Some(peer)).map(|(id, _)| *id)
    }

    fn close_link(&mut self, id: ConnectionId) -> Vec<Effect> {
        self.links.remove(&id);
        if self.relay_connection == Some(id) {
            self.relay_connection = None;
        }
        self.hub.disconnected(id)
    }

    /// The relay's WebSocket URL with this workspace's credential.
    pub fn relay_socket_url(&self) -> Option<String> {
        let base = self.relay_url.as_ref()?.trim_end_matches('/').to_string();
        let ws = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base
        };
        Some(format!("{ws}/sync?workspace={}&token={}", self.key.workspace_id(), self.key.relay_token()))
    }

    /// The signalling URL for peer-to-peer connections, through the same relay.
    pub fn signal_url(&self) -> Option<String> {
        self.relay_socket_url().map(|u| u.replacen("/sync?", "/signal?", 1))
    }
}

/// Starts syncing the open workspace: the relay (if any), other tabs, and direct peers.
pub fn start(ctx: Ctx, relay_url: Option<String>) {
    let Some(key) = ctx.repo.with_value(|r| r.as_ref().map(|r| r.ws.key())) else { return };
    let member = ctx.me.get_untracked().map(|m| m.to_string());
    let mut engine = Engine::new(key, member, relay_url.clone());
    ctx.repo.with_value(|r| {
        if let Some(r) = r {
            engine.refresh_drafts(&r.ws.data);
        }
    });
    ctx.sync.set_value(Some(engine));
    let switches = Switches::load(&key);
    ctx.sync_view.update(|v| {
        v.paused = switches.paused;
        v.relay_enabled = switches.relay;
        v.direct_enabled = switches.direct;
        v.relay = match relay_url {
            Some(_) if !switches.relay => RelayState::Off,
            Some(_) if switches.paused => RelayState::Paused,
            Some(_) => RelayState::Connecting,
            None => RelayState::Off,
        };
    });
    tabs::start(ctx);
    if relay_url.is_some() {
        relay::connect(ctx);
        rtc::start(ctx);
    }
    // Handshakes that never finish are timed out by the hub.
    crate::browser::set_interval(5_000, move || {
        let effects = ctx.sync.try_update_value(|e| e.as_mut().map(|e| e.hub.tick(ids::now().0 as u64))).flatten();
        if let Some(effects) = effects {
            run(ctx, effects);
        }
        refresh_pending(ctx);
    });
}

/// Passes a frame from a transport to the hub and carries out what it asks.
pub fn receive(ctx: Ctx, connection: ConnectionId, bytes: &[u8]) {
    let mut changed = BTreeSet::new();
    let effects = ctx
        .repo
        .try_update_value(|repo| {
            let repo = repo.as_mut()?;
            ctx.sync
                .try_update_value(|engine| {
                    let engine = engine.as_mut()?;
                    let Engine { hub, ids, .. } = engine;
                    let mut docs = Docs { repo, ids, changed: &mut changed };
                    Some(hub.receive(&mut docs, connection, bytes))
                })
                .flatten()
        })
        .flatten()
        .unwrap_or_default();
    after_remote_changes(ctx, changed);
    run(ctx, effects);
}

/// Tells the hub a transport opened: `dial` on the side that connected.
pub fn opened(ctx: Ctx, connection: ConnectionId, dial: bool) {
    let now = ids::now().0 as u64;
    let effects = ctx
        .sync
        .try_update_value(|e| {
            e.as_mut().map(|e| if dial { e.hub.dial(connection, now) } else { e.hub.accept(connection, now) })
        })
        .flatten()
        .unwrap_or_default();
    run(ctx, effects);
}

/// Tells the hub a transport closed on its own.
pub fn closed(ctx: Ctx, connection: ConnectionId) {
    let effects =
        ctx.sync.try_update_value(|e| e.as_mut().map(|e| e.close_link(connection))).flatten().unwrap_or_default();
    run(ctx, effects);
    refresh_peers(ctx);
}

/// Offers local edits to every connected peer: every document whose heads moved.
pub fn local_changes(ctx: Ctx) {
    let mut changed = BTreeSet::new();
    let effects = ctx
        .repo
        .try_update_value(|repo| {
            let repo = repo.as_mut()?;
            ctx.sync
                .try_update_value(|engine| {
                    let engine = engine.as_mut()?;
                    let new_drafts = engine.refresh_drafts(&repo.ws.data);
                    let mut out = Vec::new();
                    for id in new_drafts {
                        let Engine { hub, ids, .. } = &mut *engine;
                        let mut docs = Docs { repo: &mut *repo, ids, changed: &mut changed };
                        out.extend(hub.request(&mut docs, &id));
                    }
                    let moved: Vec<DocName> = repo
                        .ws
                        .docs()
                        .filter(|(name, doc)| engine.offered.get(name).is_none_or(|h| *h != doc.get_heads()))
                        .map(|(name, _)| name)
                        .collect();
                    for name in moved {
                        if let Some(doc) = repo.ws.doc(name) {
                            engine.offered.insert(name, doc.get_heads());
                        }
                        let Some(id) = engine.names.get(&name).copied() else { continue };
                        let Engine { hub, ids, .. } = engine;
                        let mut docs = Docs { repo, ids, changed: &mut changed };
                        out.extend(hub.local_change(&mut docs, &id));
                    }
                    Some(out)
                })
                .flatten()
        })
        .flatten()
        .unwrap_or_default();
    run(ctx, effects);
    refresh_pending(ctx);
}

/// After a peer's changes: show them, save them, and pass them on to the other peers.
fn after_remote_changes(ctx: Ctx, changed: BTreeSet<DocName>) {
    if changed.is_empty() {
        return;
    }
    let collections: BTreeSet<quota_core::Collection> = changed.iter().map(|n| n.collection).collect();
    for c in collections {
        ctx.bump(c);
    }
    ctx.sync_view.update(|v| v.last_synced = Some(ids::now()));
    ctx.schedule_save();
    local_changes(ctx);
}

/// Carries out the hub's effects in order.
pub fn run(ctx: Ctx, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Send { connection, frame } => send(ctx, connection, &frame.to_vec()),
            Effect::Close { connection, reason } => {
                let via = ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.link(connection).map(|l| l.0)));
                match via {
                    Some(Via::Relay) => relay::close(ctx, connection, &reason.to_string()),
                    Some(Via::Direct) => rtc::close(ctx, connection),
                    Some(Via::Tab) | None => {}
                }
                closed(ctx, connection);
            }
            Effect::PeerConnected { connection, peer, .. } => {
                ctx.sync.update_value(|e| {
                    if let Some(e) = e
                        && let Some(link) = e.links.get_mut(&connection)
                    {
                        link.1 = Some(peer.0.clone());
                    }
                });
                request_everything(ctx, connection);
                refresh_peers(ctx);
            }
            Effect::PeerDisconnected { .. } => refresh_peers(ctx),
            Effect::DocumentChanged { .. } | Effect::DocumentUnavailable { .. } | Effect::Ephemeral { .. } => {}
        }
    }
}

fn send(ctx: Ctx, connection: ConnectionId, bytes: &[u8]) {
    let via = ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.link(connection).cloned()));
    match via {
        Some((Via::Relay, _)) => relay::send(ctx, connection, bytes),
        Some((Via::Direct, _)) => rtc::send(ctx, connection, bytes),
        Some((Via::Tab, Some(peer))) => tabs::send(ctx, &peer, bytes),
        _ => {}
    }
}

/// When a peer connects, offer it every document of the workspace and ask for the ones it has.
fn request_everything(ctx: Ctx, _connection: ConnectionId) {
    let mut changed = BTreeSet::new();
    let effects = ctx
        .repo
        .try_update_value(|repo| {
            let repo = repo.as_mut()?;
            ctx.sync
                .try_update_value(|engine| {
                    let engine = engine.as_mut()?;
                    let all: Vec<DocumentId> = engine.ids.keys().copied().collect();
                    let Engine { hub, ids, .. } = engine;
                    let mut docs = Docs { repo, ids, changed: &mut changed };
                    let mut out = Vec::new();
                    for id in all {
                        out.extend(hub.request(&mut docs, &id));
                    }
                    Some(out)
                })
                .flatten()
        })
        .flatten()
        .unwrap_or_default();
    after_remote_changes(ctx, changed);
    run(ctx, effects);
}

fn refresh_peers(ctx: Ctx) {
    let peers = ctx
        .sync
        .with_value(|e| {
            e.as_ref().map(|e| {
                e.hub
                    .peers()
                    .filter_map(|(id, peer)| e.link(id).map(|(via, _)| (*via, peer.0.clone())))
                    .collect::<Vec<_>>()
            })
        })
        .unwrap_or_default();
    ctx.sync_view.update(|v| v.peers = peers);
}

/// Counts the documents whose latest changes the relay has not confirmed yet.
pub fn refresh_pending(ctx: Ctx) {
    let pending = ctx
        .repo
        .with_value(|repo| {
            let repo = repo.as_ref()?;
            ctx.sync.with_value(|engine| {
                let engine = engine.as_ref()?;
                let relay = engine.relay_connection?;
                Some(
                    repo.ws
                        .docs()
                        .filter(|(name, doc)| {
                            let heads = doc.get_heads();
                            !heads.is_empty()
                                && engine
                                    .names
                                    .get(name)
                                    .and_then(|id| engine.hub.peer_heads(relay, id))
                                    .is_none_or(|h| h != heads.as_slice())
                        })
                        .count(),
                )
            })
        })
        .unwrap_or(0);
    let in_sync = pending == 0 && ctx.sync.with_value(|e| e.as_ref().is_some_and(|e| e.relay_connection.is_some()));
    ctx.sync_view.update(|v| {
        v.pending = pending;
        if in_sync {
            v.last_synced = Some(ids::now());
        }
    });
}

/// Stops every transport that uses the network (the user chose to work offline). Tabs of this
/// browser keep sharing edits: that needs no network, and they share one copy on disk anyway.
pub fn pause(ctx: Ctx) {
    ctx.sync_view.update(|v| v.paused = true);
    Switches::save(ctx);
    relay::disconnect(ctx);
    rtc::disconnect(ctx);
}

/// Resumes syncing after a pause.
pub fn resume(ctx: Ctx) {
    ctx.sync_view.update(|v| v.paused = false);
    Switches::save(ctx);
    if ctx.sync.with_value(|e| e.as_ref().is_some_and(|e| e.relay_url.is_some())) {
        relay::connect(ctx);
        rtc::start(ctx);
    }
}

/// The relay's base address, when the workspace syncs through one.
pub fn relay_base(ctx: Ctx) -> Option<String> {
    ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.relay_url.clone()))
}

/// Turns syncing through the relay on or off (direct connections still need it to meet).
pub fn set_relay_enabled(ctx: Ctx, enabled: bool) {
    ctx.sync_view.update(|v| v.relay_enabled = enabled);
    Switches::save(ctx);
    if enabled {
        relay::connect(ctx);
    } else {
        relay::disconnect(ctx);
        ctx.sync_view.update(|v| v.relay = RelayState::Off);
    }
}

/// Turns direct browser-to-browser connections on or off.
pub fn set_direct_enabled(ctx: Ctx, enabled: bool) {
    ctx.sync_view.update(|v| v.direct_enabled = enabled);
    Switches::save(ctx);
    if enabled {
        rtc::start(ctx);
    } else {
        rtc::disconnect(ctx);
    }
}

/// The member name behind a peer id (`<member>-<tab>`), for the list of connected teammates.
pub fn peer_label(ctx: Ctx, peer: &str) -> String {
    let member = peer.split('-').next().unwrap_or_default();
    // A teammate's member record may arrive after the connection does.
    ctx.read(&[quota_core::Collection::Members], |data| {
        member.parse::<quota_core::settings::MemberId>().ok().and_then(|m| data.members.get(m)).map(|m| m.name.clone())
    })
    .flatten()
    .unwrap_or_else(|| "A teammate".to_string())
}
