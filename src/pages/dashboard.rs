//! The dashboard: what matters today at a glance.

use leptos::prelude::*;
use quota_core::Collection;

use crate::route::{Area, Route};
use crate::state::ctx;

#[component]
pub fn Dashboard() -> impl IntoView {
    let ctx = ctx();
    let counts = move || {
        ctx.read(&[Collection::Accounts, Collection::Contacts, Collection::Deals, Collection::Leads], |d| {
            vec![
                ("Accounts", d.accounts.len(), Route::area(Area::Accounts)),
                ("Contacts", d.contacts.len(), Route::area(Area::Contacts)),
                ("Deals", d.deals.len(), Route::area(Area::Deals)),
                ("Leads", d.leads.len(), Route::area(Area::Leads)),
            ]
        })
        .unwrap_or_default()
    };
    view! {
        <section class="page">
            <h1>"Dashboard"</h1>
            <div class="tiles">
                {move || counts().into_iter().map(|(label, n, route)| view! {
                    <a class="tile" href=route.href()><span class="tile-value">{n}</span><span class="tile-label">{label}</span></a>
                }).collect_view()}
            </div>
        </section>
    }
}
