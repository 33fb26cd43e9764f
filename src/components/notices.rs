//! Notices: short messages at the bottom of the screen, some with an undo button.

use leptos::prelude::*;

use crate::state::{NoticeKind, ctx};

#[component]
pub fn Notices() -> impl IntoView {
    let ctx = ctx();
    view! {
        <div class="notices" aria-live="polite" data-testid="notices">
            <For each=move || ctx.notices.get() key=|n| n.id let:notice>
                {
                    let id = notice.id;
                    let undo = notice.undo;
                    let role = if notice.kind == NoticeKind::Error { "alert" } else { "status" };
                    view! {
                        <div class="notice" class:error=notice.kind == NoticeKind::Error role=role>
                            <span>{notice.text.clone()}</span>
                            {undo.map(|undo| view! {
                                <button class="link" data-testid="undo" on:click=move |_| {
                                    if let Some(action) = undo.try_update_value(|u| u.take()).flatten() {
                                        action();
                                    }
                                    ctx.dismiss(id);
                                }>"Undo"</button>
                            })}
                            <button class="icon" aria-label="Dismiss" on:click=move |_| ctx.dismiss(id)>"×"</button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
