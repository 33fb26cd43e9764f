//! The save indicator in the top bar: whether every edit is on this device's disk.

use leptos::prelude::*;

use crate::state::{SaveState, ctx};

#[component]
pub fn SaveStatus() -> impl IntoView {
    let ctx = ctx();
    let text = move || match ctx.save.get() {
        SaveState::Saved => {
            view! { <span class="long">"Saved on this device"</span><span class="short">"Saved"</span> }.into_any()
        }
        SaveState::Saving => view! { "Saving…" }.into_any(),
        SaveState::Failed(_) => view! { "Not saved" }.into_any(),
    };
    let class = move || match ctx.save.get() {
        SaveState::Saved => "status ok",
        SaveState::Saving => "status busy",
        SaveState::Failed(_) => "status error",
    };
    let title = move || match ctx.save.get() {
        SaveState::Failed(reason) => reason,
        _ => String::new(),
    };
    view! { <span class=class title=title data-testid="save-status" role="status">{text}</span> }
}
