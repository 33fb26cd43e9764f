//! The partners taking part in an incentive program: add and remove them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::Collection;
use quota_core::channel::{Incentive, IncentiveId, PartnerId};

use crate::state::{NoticeKind, ctx};

#[component]
pub fn Participants(id: IncentiveId) -> impl IntoView {
    let ctx = ctx();
    let current = move || {
        ctx.read(&[Collection::Incentives, Collection::Partners], |d| {
            let incentive = d.incentives.get(id)?;
            let mut list: Vec<(PartnerId, String)> = incentive
                .participants
                .iter()
                .map(|p| (*p, d.partners.get(*p).map(|x| x.name.clone()).unwrap_or_default()))
                .collect();
            list.sort_by(|a, b| a.1.cmp(&b.1));
            let others: Vec<(PartnerId, String)> = d
                .partners
                .iter()
                .filter(|p| !incentive.participants.contains(&p.id))
                .map(|p| (p.id, p.name.clone()))
                .collect();
            Some((list, others))
        })
        .flatten()
        .unwrap_or_default()
    };
    let change = move |partner: PartnerId, add: bool| {
        spawn_local(async move {
            let Some(mut incentive) = ctx.with_ws(|ws| ws.data.incentives.get(id).cloned()).flatten() else { return };
            if add {
                incentive.participants.insert(partner);
            } else {
                incentive.participants.remove(&partner);
            }
            if let Err(e) = ctx.update::<Incentive>(incentive).await {
                ctx.notify(NoticeKind::Error, format!("Could not change the participants: {e}"));
            }
        });
    };
    let pick = RwSignal::new(String::new());
    view! {
        <section class="panel" aria-labelledby="participants-title">
            <h2 id="participants-title">"Participants"</h2>
            <ul class="plain">
                {move || current().0.into_iter().map(|(pid, name)| view! {
                    <li>{name}" "<button class="link" on:click=move |_| change(pid, false)>"Remove"</button></li>
                }).collect_view()}
            </ul>
            <div class="inline-form">
                <label for="add-participant">"Add a partner"</label>
                <select id="add-participant" on:change=move |ev| pick.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {move || current().1.into_iter().map(|(pid, name)| view! { <option value=pid.to_string()>{name}</option> }).collect_view()}
                </select>
                <button on:click=move |_| {
                    if let Ok(partner) = pick.get_untracked().parse::<PartnerId>() {
                        change(partner, true);
                    }
                }>"Add"</button>
            </div>
        </section>
    }
}
