//! The sync indicator in the top bar: whether this device can reach the network, and whether the
//! workspace syncs anywhere.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn navigator_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(false)
}

#[component]
pub fn SyncStatus() -> impl IntoView {
    let online = RwSignal::new(navigator_online());
    if let Some(window) = web_sys::window() {
        for event in ["online", "offline"] {
            let handler = Closure::<dyn FnMut()>::new(move || online.set(navigator_online()));
            // The listener lives as long as the page.
            window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref()).ok();
            handler.forget();
        }
    }
    let text = move || {
        if online.get() {
            view! { <span class="long">"Online · this device only"</span><span class="short">"Local"</span> }
        } else {
            view! { <span class="long">"Offline · changes stay on this device"</span><span class="short">"Offline"</span> }
        }
    };
    view! { <span class="status" class:offline=move || !online.get() data-testid="sync-status">{text}</span> }
}
