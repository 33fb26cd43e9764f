//! Fields edited on two devices at once: both edits merged, one value shown; this panel shows
//! the other value and lets the user pick which one stays.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::collection::HasTable;
use quota_core::{Record, Tables};

use crate::state::{NoticeKind, ctx};

#[component]
pub fn Conflicts<R: Record>(id: R::Id) -> impl IntoView
where
    Tables: HasTable<R>,
{
    let ctx = ctx();
    let conflicts = move || {
        ctx.track(R::COLLECTION);
        ctx.with_ws(|ws| ws.conflicts::<R>(id)).unwrap_or_default()
    };
    let choose = move |field: String, choice: usize| {
        spawn_local(async move {
            let outcome = ctx
                .command(&[quota_core::Workspace::doc_of::<R>(id)], &[R::COLLECTION], |ws, stamp| {
                    ws.resolve::<R>(id, &field, choice, stamp)
                })
                .await;
            if let Err(e) = outcome {
                ctx.notify(NoticeKind::Error, format!("Could not keep that value: {e}"));
            }
        });
    };
    view! {
        <Show when=move || !conflicts().is_empty()>
            <section class="banner warn conflicts" data-testid="conflicts" aria-label="Concurrent edits">
                <strong>"Edited on two devices at once. "</strong>
                "Both edits were kept; pick the value that should stay."
                <ul class="plain">
                    {move || conflicts().into_iter().map(|c| {
                        let field = c.field.clone();
                        let label = field.replace('_', " ");
                        view! {
                            <li data-field=field.clone()>
                                <span class="conflict-field">{label}": "</span>
                                {c.values.into_iter().enumerate().map(|(i, value)| {
                                    let field = field.clone();
                                    let shown = if value.is_empty() { "(empty)".to_string() } else { value };
                                    let note = if i == 0 { " (shown now)" } else { "" };
                                    view! {
                                        <button class="choice" on:click=move |_| choose(field.clone(), i)>
                                            {format!("Keep “{shown}”{note}")}
                                        </button>
                                    }
                                }).collect_view()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
