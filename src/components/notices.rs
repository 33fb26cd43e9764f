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
                    let action = notice.action;
                    let role = if notice.kind == NoticeKind::Error { "alert" } else { "status" };
                    view! {
                        <div class="notice" class:error=notice.kind == NoticeKind::Error role=role>
                            <span>{notice.text.clone()}</span>
                            {action.map(|(label, run)| view! {
                                <button class="link" data-testid=format!("notice-{}", label.to_lowercase()) on:click=move |_| {
                                    if let Some(run) = run.try_update_value(|u| u.take()).flatten() {
                                        run();
                                    }
                                    ctx.dismiss(id);
                                }>{label}</button>
                            })}
                            <button class="icon" aria-label="Dismiss" on:click=move |_| ctx.dismiss(id)>"×"</button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
