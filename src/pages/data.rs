//! Data: the sample workspace, workspace files for offline exchange, and CSV import and export.

use leptos::prelude::*;

use crate::pages::PageHeader;

#[component]
pub fn DataPage() -> impl IntoView {
    view! {
        <section class="page">
            <PageHeader title="Data".into()/>
            <p class="muted">"Import and export arrive here."</p>
        </section>
    }
}
