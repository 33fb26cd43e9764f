//! Peer to peer: WebRTC data channels straight between teammates' browsers. The relay only
//! introduces peers and passes their offers, answers and network candidates along (`/signal`);
//! the documents travel over the data channel.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_sync::ConnectionId;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CloseEvent, MessageEvent, RtcConfiguration, RtcDataChannel, RtcDataChannelEvent, RtcDataChannelInit,
    RtcDataChannelType, RtcIceCandidateInit, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcSdpType,
    RtcSessionDescriptionInit, WebSocket,
};

use crate::state::Ctx;
use crate::sync::{self, Via};

struct Peer {
    pc: RtcPeerConnection,
    channel: Option<RtcDataChannel>,
    connection: Option<ConnectionId>,
}

#[derive(Default)]
struct State {
    signal: Option<WebSocket>,
    peers: HashMap<String, Peer>,
    stopped: bool,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn me(ctx: Ctx) -> Option<String> {
    ctx.sync.with_value(|e| e.as_ref().map(|e| e.peer_id.clone()))
}

fn signal(message: Value) {
    STATE.with_borrow(|s| {
        if let Some(socket) = &s.signal
            && socket.ready_state() == WebSocket::OPEN
        {
            // A lost signalling message only delays this peer; the next join retries.
            socket.send_with_str(&message.to_string()).ok();
        }
    });
}

/// Connects to the relay's signalling endpoint and keeps the connection up.
pub fn start(ctx: Ctx) {
    if !ctx.sync_view.get_untracked().direct_enabled || ctx.sync_view.get_untracked().paused {
        return;
    }
    STATE.with_borrow_mut(|s| s.stopped = false);
    if STATE.with_borrow(|s| s.signal.is_some()) {
        return;
    }
    let (Some(url), Some(mine)) = (ctx.sync.with_value(|e| e.as_ref().and_then(|e| e.signal_url())), me(ctx)) else {
        return;
    };
    let Ok(socket) = WebSocket::new(&url) else { return };
    let hello = mine.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || signal(json!({"type": "hello", "peer": hello})));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        let Ok(message) = serde_json::from_str::<Value>(&text) else { return };
        on_signal(ctx, &mine, message);
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        STATE.with_borrow_mut(|s| s.signal = None);
        // A refused credential stays refused; the relay connection shows why.
        if !STATE.with_borrow(|s| s.stopped) && !sync::relay::refused(event.code()) {
            crate::browser::set_timeout(3_000, move || start(ctx));
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_close.forget();
    STATE.with_borrow_mut(|s| s.signal = Some(socket));
}

fn on_signal(ctx: Ctx, mine: &str, message: Value) {
    let kind = message["type"].as_str().unwrap_or_default();
    let from = message["from"].as_str().unwrap_or_default().to_string();
    match kind {
        "peers" => {
            for peer in message["peers"].as_array().into_iter().flatten().filter_map(|p| p.as_str()) {
                if mine < peer {
                    offer(ctx, peer.to_string());
                }
            }
        }
        "join" => {
            if let Some(peer) = message["peer"].as_str()
                && mine < peer
            {
                offer(ctx, peer.to_string());
            }
        }
        "leave" => {
            if let Some(peer) = message["peer"].as_str() {
                drop_peer(ctx, peer);
            }
        }
        "offer" if !from.is_empty() => answer(ctx, from, message["sdp"].as_str().unwrap_or_default().to_string()),
        "answer" if !from.is_empty() => {
            let sdp = message["sdp"].as_str().unwrap_or_default().to_string();
            let pc = STATE.with_borrow(|s| s.peers.get(&from).map(|p| p.pc.clone()));
            if let Some(pc) = pc {
                spawn_local(async move {
                    let description = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
                    description.set_sdp(&sdp);
                    JsFuture::from(pc.set_remote_description(&description)).await.ok();
                });
            }
        }
        "ice" if !from.is_empty() => {
            let pc = STATE.with_borrow(|s| s.peers.get(&from).map(|p| p.pc.clone()));
            if let (Some(pc), Some(candidate)) = (pc, message["candidate"].as_str()) {
                let init = RtcIceCandidateInit::new(candidate);
                init.set_sdp_mid(message["sdpMid"].as_str());
                init.set_sdp_m_line_index(message["sdpMLineIndex"].as_u64().map(|i| i as u16));
                spawn_local(async move {
                    JsFuture::from(pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init))).await.ok();
                });
            }
        }
        _ => {}
    }
}

fn new_connection(ctx: Ctx, peer: &str) -> Option<RtcPeerConnection> {
    let config = RtcConfiguration::new();
    // Peers on one network reach each other with host candidates; no outside servers are used.
    config.set_ice_servers(&js_sys::Array::new());
    let pc = RtcPeerConnection::new_with_configuration(&config).ok()?;
    let to = peer.to_string();
    let on_ice = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(move |event: RtcPeerConnectionIceEvent| {
        if let Some(candidate) = event.candidate() {
            signal(json!({
                "to": to,
                "type": "ice",
                "candidate": candidate.candidate(),
                "sdpMid": candidate.sdp_mid(),
                "sdpMLineIndex": candidate.sdp_m_line_index(),
            }));
        }
    });
    pc.set_onicecandidate(Some(on_ice.as_ref().unchecked_ref()));
    on_ice.forget();
    let _ = ctx;
    Some(pc)
}

fn wire_channel(ctx: Ctx, peer: String, channel: RtcDataChannel, dial: bool) {
    channel.set_binary_type(RtcDataChannelType::Arraybuffer);
    let opened_peer = peer.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let Some(connection) = ctx
            .sync
            .try_update_value(|e| e.as_mut().map(|e| e.open_link(Via::Direct, Some(opened_peer.clone()))))
            .flatten()
        else {
            return;
        };
        STATE.with_borrow_mut(|s| {
            if let Some(p) = s.peers.get_mut(&opened_peer) {
                p.connection = Some(connection);
            }
        });
        sync::opened(ctx, connection, dial);
    });
    let message_peer = peer.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let connection = STATE.with_borrow(|s| s.peers.get(&message_peer).and_then(|p| p.connection));
        if let (Some(connection), Ok(buffer)) = (connection, event.data().dyn_into::<ArrayBuffer>()) {
            sync::receive(ctx, connection, &Uint8Array::new(&buffer).to_vec());
        }
    });
    let closed_peer = peer.clone();
    let on_close = Closure::<dyn FnMut()>::new(move || drop_peer(ctx, &closed_peer));
    channel.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_close.forget();
    STATE.with_borrow_mut(|s| {
        if let Some(p) = s.peers.get_mut(&peer) {
            p.channel = Some(channel);
        }
    });
}

/// The peer with the smaller id offers; it also dials the automerge-repo handshake.
fn offer(ctx: Ctx, peer: String) {
    if STATE.with_borrow(|s| s.peers.contains_key(&peer)) {
        return;
    }
    let Some(pc) = new_connection(ctx, &peer) else { return };
    let init = RtcDataChannelInit::new();
    init.set_ordered(true);
    let channel = pc.create_data_channel_with_data_channel_dict("quota", &init);
    STATE.with_borrow_mut(|s| {
        s.peers.insert(peer.clone(), Peer { pc: pc.clone(), channel: None, connection: None });
    });
    wire_channel(ctx, peer.clone(), channel, true);
    spawn_local(async move {
        let Ok(offer) = JsFuture::from(pc.create_offer()).await else { return };
        let sdp = Reflect::get(&offer, &"sdp".into()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        let description = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
        description.set_sdp(&sdp);
        if JsFuture::from(pc.set_local_description(&description)).await.is_ok() {
            signal(json!({"to": peer, "type": "offer", "sdp": sdp}));
        }
    });
}

fn answer(ctx: Ctx, peer: String, sdp: String) {
    drop_peer(ctx, &peer);
    let Some(pc) = new_connection(ctx, &peer) else { return };
    let channel_peer = peer.clone();
    let on_channel = Closure::<dyn FnMut(RtcDataChannelEvent)>::new(move |event: RtcDataChannelEvent| {
        wire_channel(ctx, channel_peer.clone(), event.channel(), false);
    });
    pc.set_ondatachannel(Some(on_channel.as_ref().unchecked_ref()));
    on_channel.forget();
    STATE.with_borrow_mut(|s| {
        s.peers.insert(peer.clone(), Peer { pc: pc.clone(), channel: None, connection: None });
    });
    spawn_local(async move {
        let remote = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
        remote.set_sdp(&sdp);
        if JsFuture::from(pc.set_remote_description(&remote)).await.is_err() {
            return;
        }
        let Ok(answer) = JsFuture::from(pc.create_answer()).await else { return };
        let sdp = Reflect::get(&answer, &"sdp".into()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        let local = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
        local.set_sdp(&sdp);
        if JsFuture::from(pc.set_local_description(&local)).await.is_ok() {
            signal(json!({"to": peer, "type": "answer", "sdp": sdp}));
        }
    });
}

fn drop_peer(ctx: Ctx, peer: &str) {
    let removed = STATE.with_borrow_mut(|s| s.peers.remove(peer));
    if let Some(p) = removed {
        if let Some(channel) = p.channel {
            channel.close();
        }
        p.pc.close();
        if let Some(connection) = p.connection {
            sync::closed(ctx, connection);
        }
    }
}

pub fn send(_ctx: Ctx, connection: ConnectionId, bytes: &[u8]) {
    STATE.with_borrow(|s| {
        if let Some(channel) =
            s.peers.values().find(|p| p.connection == Some(connection)).and_then(|p| p.channel.as_ref())
            && channel.ready_state() == web_sys::RtcDataChannelState::Open
        {
            // A frame lost with a closing channel is resent by the hub after reconnecting.
            channel.send_with_u8_array(bytes).ok();
        }
    });
}

pub fn close(ctx: Ctx, connection: ConnectionId) {
    let peer =
        STATE.with_borrow(|s| s.peers.iter().find(|(_, p)| p.connection == Some(connection)).map(|(k, _)| k.clone()));
    if let Some(peer) = peer {
        drop_peer(ctx, &peer);
    }
}

/// Closes every direct connection and the signalling socket.
pub fn disconnect(ctx: Ctx) {
    let peers: Vec<String> = STATE.with_borrow_mut(|s| {
        s.stopped = true;
        if let Some(socket) = s.signal.take() {
            socket.close().ok();
        }
        s.peers.keys().cloned().collect()
    });
    for peer in peers {
        drop_peer(ctx, &peer);
    }
}
