//! One module per area; [`page`] picks the page for a route.

use leptos::prelude::*;

use crate::route::{Area, Route};

pub mod accounts;
pub mod dashboard;
pub mod welcome;

pub fn page(route: Route) -> AnyView {
    match route.area {
        Area::Dashboard => view! { <dashboard::Dashboard/> }.into_any(),
        Area::Accounts => accounts::page(route),
        other => view! {
            <section class="page">
                <h1>{other.label()}</h1>
                <p class="muted">"This area is being built."</p>
            </section>
        }
        .into_any(),
    }
}

/// A page heading with optional actions on the right.
#[component]
pub fn PageHeader(title: String, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>{title}</h1>
            <div class="actions">{children.map(|c| c())}</div>
        </header>
    }
}
