//! A record's history: who changed which fields when, across devices, from the document's
//! change history; and fields that currently hold concurrent values.

use leptos::prelude::*;
use quota_core::collection::HasTable;
use quota_core::settings::MemberId;
use quota_core::workspace::Op;
use quota_core::{Record, Tables};

use crate::state::ctx;

fn member_name(data: &Tables, id: Option<MemberId>) -> String {
    id.and_then(|m| data.members.get(m)).map(|m| m.name.clone()).unwrap_or_else(|| "Someone".to_string())
}

#[component]
pub fn History<R: Record>(id: R::Id) -> impl IntoView
where
    Tables: HasTable<R>,
{
    let ctx = ctx();
    let entries = move || {
        ctx.track(R::COLLECTION);
        ctx.track(quota_core::Collection::Members);
        ctx.with_ws(|ws| {
            ws.history::<R>(id)
                .into_iter()
                .rev()
                .map(|h| {
                    let who = member_name(&ws.data, h.by);
                    let what = match h.op {
                        Op::Create => "created it".to_string(),
                        Op::Delete => "deleted it".to_string(),
                        Op::Update => format!("changed {}", h.fields.join(", ").replace('_', " ")),
                    };
                    (h.at.to_string(), who, what, h.device)
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <section class="panel history" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <ol class="timeline" data-testid="history">
                {move || entries().into_iter().map(|(at, who, what, device)| view! {
                    <li><time>{at}</time>" · "<strong>{who}</strong>" "{what}<span class="muted">" (device "{device}")"</span></li>
                }).collect_view()}
            </ol>
        </section>
    }
}
