//! The sync indicator in the top bar: whether this device can reach the network, whether the
//! workspace syncs through the relay or straight to teammates, and whether anything waits to sync.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::state::ctx;
use crate::sync::{RelayState, SyncView, Via};

fn navigator_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(false)
}

/// What the indicator says: a sentence for wide screens and a word for phones.
pub fn describe(online: bool, view: &SyncView) -> (String, &'static str) {
    if !online {
        return ("Offline · changes stay on this device".into(), "Offline");
    }
    if view.paused {
        return ("Working offline · changes stay on this device".into(), "Paused");
    }
    let direct = view.peers.iter().filter(|(via, _)| *via == Via::Direct).count();
    let (relay, short) = match &view.relay {
        RelayState::Connected if view.pending == 0 => (Some("synced with the relay".to_string()), "Synced"),
        RelayState::Connected => (Some(format!("sending {} to the relay", documents(view.pending))), "Syncing"),
        RelayState::Connecting => (Some("connecting to the relay".to_string()), "Connecting"),
        RelayState::Waiting { .. } => (Some("relay unreachable, retrying".to_string()), "Retrying"),
        RelayState::Refused(_) => (Some("the relay refused this workspace".to_string()), "Refused"),
        RelayState::Off | RelayState::Paused if direct > 0 => (None, "Peer"),
        RelayState::Off | RelayState::Paused => (None, "Local"),
    };
    let peers = (direct > 0).then(|| match direct {
        1 => "peer to peer with 1 teammate".to_string(),
        n => format!("peer to peer with {n} teammates"),
    });
    let long = match (relay, peers) {
        (None, None) => "Online · this device only".to_string(),
        (relay, peers) => format!("Online · {}", relay.into_iter().chain(peers).collect::<Vec<_>>().join(" · ")),
    };
    (long, short)
}

fn documents(n: usize) -> String {
    if n == 1 { "1 document".to_string() } else { format!("{n} documents") }
}

#[component]
pub fn SyncStatus() -> impl IntoView {
    let ctx = ctx();
    let online = RwSignal::new(navigator_online());
    if let Some(window) = web_sys::window() {
        for event in ["online", "offline"] {
            let handler = Closure::<dyn FnMut()>::new(move || online.set(navigator_online()));
            // The listener lives as long as the page.
            window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref()).ok();
            handler.forget();
        }
    }
    let said = Memo::new(move |_| describe(online.get(), &ctx.sync_view.get()));
    let quiet = move || matches!(said.get().1, "Offline" | "Paused" | "Retrying" | "Refused");
    view! {
        <span class="status" class:offline=quiet data-testid="sync-status">
            <span class="long">{move || said.get().0}</span><span class="short">{move || said.get().1}</span>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use quota_core::Timestamp;

    use super::*;

    fn check(online: bool, view: SyncView, expect: (&str, &str)) {
        let (long, short) = describe(online, &view);
        assert_eq!((long.as_str(), short), expect, "{view:?}");
    }

    fn with(relay: RelayState, pending: usize, peers: &[Via]) -> SyncView {
        SyncView {
            relay,
            pending,
            peers: peers.iter().map(|via| (*via, "member-tab".to_string())).collect(),
            ..SyncView::default()
        }
    }

    #[test]
    fn the_indicator_says_where_edits_go() {
        check(true, with(RelayState::Off, 0, &[]), ("Online · this device only", "Local"));
        check(true, with(RelayState::Off, 0, &[Via::Tab]), ("Online · this device only", "Local"));
        check(true, with(RelayState::Connected, 0, &[Via::Relay]), ("Online · synced with the relay", "Synced"));
        check(
            true,
            with(RelayState::Connected, 1, &[Via::Relay]),
            ("Online · sending 1 document to the relay", "Syncing"),
        );
        check(
            true,
            with(RelayState::Connected, 0, &[Via::Relay, Via::Direct, Via::Direct]),
            ("Online · synced with the relay · peer to peer with 2 teammates", "Synced"),
        );
        check(true, with(RelayState::Off, 0, &[Via::Direct]), ("Online · peer to peer with 1 teammate", "Peer"));
        check(
            true,
            with(RelayState::Waiting { retry_at: Timestamp(0), reason: "lost".into() }, 3, &[]),
            ("Online · relay unreachable, retrying", "Retrying"),
        );
        check(
            true,
            with(RelayState::Refused("bad".into()), 0, &[]),
            ("Online · the relay refused this workspace", "Refused"),
        );
    }

    #[test]
    fn being_offline_or_paused_wins_over_everything_else() {
        check(
            false,
            with(RelayState::Connected, 0, &[Via::Direct]),
            ("Offline · changes stay on this device", "Offline"),
        );
        let paused = SyncView { paused: true, ..with(RelayState::Paused, 2, &[Via::Tab]) };
        check(true, paused, ("Working offline · changes stay on this device", "Paused"));
    }
}
