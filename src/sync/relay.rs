//! The WebSocket to the relay: connects with the workspace's credential, reconnects with
//! growing, jittered delays after a drop, and stops for good when the relay refuses the
//! credential.

use std::cell::RefCell;

use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use quota_sync::ConnectionId;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::ids;
use crate::state::Ctx;
use crate::sync::{self, RelayState, Via};

/// The close codes the relay uses for a refused credential (4401) and for a new workspace it will
/// not register (4403).
const REFUSED: [u16; 2] = [4401, 4403];
const MAX_DELAY_MS: f64 = 30_000.0;

#[derive(Default)]
struct Link {
    socket: Option<WebSocket>,
    connection: Option<ConnectionId>,
    attempt: u32,
    stopped: bool,
    timer: Option<i32>,
    listening_for_online: bool,
}

thread_local! {
    static LINK: RefCell<Link> = RefCell::new(Link::default());
}

/// Opens the connection (unless one is open or the user paused syncing).
pub fn connect(ctx: Ctx) {
    if ctx.sync_view.get_untracked().paused || !ctx.sync_view.get_untracked().relay_enabled {
        return;
    }
    LINK.with_borrow_mut(|l| {
        l.stopped = false;
        if let Some(t) = l.timer.take()
            && let Some(w) = web_sys::window()
        {
            w.clear_timeout_with_handle(t);
        }
    });
    if LINK.with_borrow(|l| l.socket.is_some()) {
        return;
    }
    listen_for_online(ctx);
    let Some(url) = ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.relay_socket_url())) else { return };
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(e) => {
            ctx.sync_view.update(|v| v.relay = RelayState::Refused(format!("the relay address is not valid ({e:?})")));
            return;
        }
    };
    socket.set_binary_type(BinaryType::Arraybuffer);
    let Some(connection) = ctx
        .sync
        .try_update_value(|e| {
            e.as_mut().map(|e| {
                let id = e.open_link(Via::Relay, None);
                e.relay_connection = Some(id);
                id
            })
        })
        .flatten()
    else {
        return;
    };
    ctx.sync_view.update(|v| v.relay = RelayState::Connecting);

    let on_open = Closure::<dyn FnMut()>::new(move || {
        LINK.with_borrow_mut(|l| l.attempt = 0);
        ctx.sync_view.update(|v| v.relay = RelayState::Connected);
        sync::opened(ctx, connection, true);
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() {
            let bytes = Uint8Array::new(&buffer).to_vec();
            sync::receive(ctx, connection, &bytes);
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        let current = LINK.with_borrow(|l| l.connection == Some(connection));
        if !current {
            return;
        }
        LINK.with_borrow_mut(|l| {
            l.socket = None;
            l.connection = None;
        });
        sync::closed(ctx, connection);
        if refused(event.code()) {
            LINK.with_borrow_mut(|l| l.stopped = true);
            let reason =
                if event.reason().is_empty() { "invalid workspace credential".to_string() } else { event.reason() };
            ctx.sync_view
                .update(|v| v.relay = RelayState::Refused(format!("The relay refused this workspace: {reason}.")));
            return;
        }
        let reason = if event.reason().is_empty() { "the connection was lost".to_string() } else { event.reason() };
        retry_later(ctx, reason);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The handlers live as long as the socket, which outlives this function.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    LINK.with_borrow_mut(|l| {
        l.socket = Some(socket);
        l.connection = Some(connection);
    });
}

/// Whether a close code means the relay will not accept this workspace however often it is asked.
pub fn refused(code: u16) -> bool {
    REFUSED.contains(&code)
}

fn retry_later(ctx: Ctx, reason: String) {
    if LINK.with_borrow(|l| l.stopped) || ctx.sync_view.get_untracked().paused {
        return;
    }
    let attempt = LINK.with_borrow_mut(|l| {
        l.attempt += 1;
        l.attempt
    });
    // Doubling delays, capped, with jitter so a restarted relay is not hit by everyone at once.
    let base = (500.0 * 2f64.powi(attempt.min(8) as i32)).min(MAX_DELAY_MS);
    let jitter = f64::from(ids::random_bytes::<1>()[0]) / 255.0 * 0.3 * base;
    let delay = (base + jitter) as i32;
    ctx.sync_view.update(|v| {
        v.relay = RelayState::Waiting { retry_at: quota_core::Timestamp(ids::now().0 + i64::from(delay)), reason };
    });
    let timer = crate::browser::set_timeout(delay, move || {
        LINK.with_borrow_mut(|l| l.timer = None);
        connect(ctx);
    });
    LINK.with_borrow_mut(|l| l.timer = timer);
}

/// Reconnects at once when the browser regains the network.
fn listen_for_online(ctx: Ctx) {
    if LINK.with_borrow(|l| l.listening_for_online) {
        return;
    }
    LINK.with_borrow_mut(|l| l.listening_for_online = true);
    let Some(window) = web_sys::window() else { return };
    let handler = Closure::<dyn FnMut()>::new(move || {
        LINK.with_borrow_mut(|l| l.attempt = 0);
        if !LINK.with_borrow(|l| l.stopped) {
            connect(ctx);
        }
    });
    window.add_event_listener_with_callback("online", handler.as_ref().unchecked_ref()).ok();
    handler.forget();
}

pub fn send(_ctx: Ctx, connection: ConnectionId, bytes: &[u8]) {
    LINK.with_borrow(|l| {
        if l.connection == Some(connection)
            && let Some(socket) = &l.socket
            && socket.ready_state() == WebSocket::OPEN
        {
            // A send on a socket that just closed is lost; the hub resends after reconnecting.
            socket.send_with_u8_array(bytes).ok();
        }
    });
}

/// Closes the socket after a protocol error; it reconnects after a delay.
pub fn close(_ctx: Ctx, connection: ConnectionId, reason: &str) {
    LINK.with_borrow(|l| {
        if l.connection == Some(connection)
            && let Some(socket) = &l.socket
        {
            let reason: String = reason.chars().take(100).collect();
            socket.close_with_code_and_reason(4000, &reason).ok();
        }
    });
}

/// Closes the connection and stops reconnecting (working offline on purpose).
pub fn disconnect(ctx: Ctx) {
    let (socket, connection) = LINK.with_borrow_mut(|l| {
        l.stopped = true;
        if let Some(t) = l.timer.take()
            && let Some(w) = web_sys::window()
        {
            w.clear_timeout_with_handle(t);
        }
        (l.socket.take(), l.connection.take())
    });
    if let Some(socket) = socket {
        socket.close().ok();
    }
    if let Some(connection) = connection {
        sync::closed(ctx, connection);
    }
    let has_relay = sync::relay_base(ctx).is_some();
    ctx.sync_view.update(|v| v.relay = if v.relay_enabled && has_relay { RelayState::Paused } else { RelayState::Off });
}
