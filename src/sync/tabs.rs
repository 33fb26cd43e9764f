//! Sync between tabs of this browser over a BroadcastChannel: every tab is a peer, addressed by
//! its peer id inside each broadcast message. Works with no network and no relay.

use std::cell::RefCell;

use js_sys::{Object, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::state::Ctx;
use crate::sync::{self, Via};

thread_local! {
    static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

fn me(ctx: Ctx) -> Option<String> {
    ctx.sync.with_value(|e| e.as_ref().map(|e| e.peer_id.clone()))
}

fn post(kind: &str, from: &str, to: &str, data: Option<&[u8]>) {
    CHANNEL.with_borrow(|c| {
        let Some(channel) = c else { return };
        let message = Object::new();
        // Setting properties on a fresh object cannot fail.
        Reflect::set(&message, &"kind".into(), &kind.into()).ok();
        Reflect::set(&message, &"from".into(), &from.into()).ok();
        Reflect::set(&message, &"to".into(), &to.into()).ok();
        if let Some(bytes) = data {
            Reflect::set(&message, &"data".into(), &Uint8Array::from(bytes).into()).ok();
        }
        // Posting to a closed channel only fails after the tab is leaving.
        channel.post_message(&message).ok();
    });
}

fn field(message: &JsValue, name: &str) -> Option<String> {
    Reflect::get(message, &name.into()).ok()?.as_string()
}

pub fn start(ctx: Ctx) {
    if CHANNEL.with_borrow(|c| c.is_some()) {
        return;
    }
    let Some(name) = ctx.sync.with_value(|e| e.as_ref().map(|e| format!("quota-{}", e.key.workspace_id()))) else {
        return;
    };
    let Ok(channel) = BroadcastChannel::new(&name) else { return };
    let Some(me_id) = me(ctx) else { return };
    let mine = me_id.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let message = event.data();
        let (Some(kind), Some(from)) = (field(&message, "kind"), field(&message, "from")) else { return };
        let to = field(&message, "to").unwrap_or_default();
        if from == mine || (!to.is_empty() && to != mine) {
            return;
        }
        match kind.as_str() {
            "bye" => {
                if let Some(connection) =
                    ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.connection_for(Via::Tab, &from)))
                {
                    sync::closed(ctx, connection);
                }
            }
            "hello" => {
                let known =
                    ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.connection_for(Via::Tab, &from))).is_some();
                if !known {
                    link_to(ctx, &mine, &from);
                    // Answer so a tab that just started learns about this one.
                    post("hello", &mine, &from, None);
                }
            }
            "msg" => {
                let connection =
                    match ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.connection_for(Via::Tab, &from))) {
                        Some(c) => c,
                        None => link_to(ctx, &mine, &from),
                    };
                if let Ok(data) = Reflect::get(&message, &"data".into())
                    && let Ok(bytes) = data.dyn_into::<Uint8Array>()
                {
                    sync::receive(ctx, connection, &bytes.to_vec());
                }
            }
            _ => {}
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    CHANNEL.with_borrow_mut(|c| *c = Some(channel));
    post("hello", &me_id, "", None);
    if let Some(window) = web_sys::window() {
        let leaving = me_id.clone();
        let on_hide = Closure::<dyn FnMut()>::new(move || post("bye", &leaving, "", None));
        window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref()).ok();
        on_hide.forget();
    }
}

/// Opens a connection to another tab; the tab with the smaller peer id dials.
fn link_to(ctx: Ctx, mine: &str, other: &str) -> quota_sync::ConnectionId {
    let connection = ctx
        .sync
        .try_update_value(|e| e.as_mut().map(|e| e.open_link(Via::Tab, Some(other.to_string()))))
        .flatten()
        .expect("sync is running while its channel is open");
    sync::opened(ctx, connection, mine < other);
    connection
}

pub fn send(ctx: Ctx, peer: &str, bytes: &[u8]) {
    if let Some(mine) = me(ctx) {
        post("msg", &mine, peer, Some(bytes));
    }
}
