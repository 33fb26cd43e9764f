//! One module per area; [`page`] picks the page for a route.

use leptos::prelude::*;

use crate::route::{Area, Route};

pub mod accounts;
pub mod activities;
pub mod bench;
pub mod catalogue;
pub mod channels;
pub mod csv;
pub mod dashboard;
pub mod data;
pub mod deals;
pub mod market;
pub mod nested;
pub mod participants;
pub mod reports;
pub mod review;
pub mod selling;
pub mod settings;
pub mod team;
pub mod welcome;

pub fn page(route: Route) -> AnyView {
    match route.area {
        Area::Dashboard => view! { <dashboard::Dashboard/> }.into_any(),
        Area::Accounts => accounts::page(route),
        Area::Contacts => accounts::contacts_page(route),
        Area::Market => market::page(route),
        Area::Channels => channels::page(route),
        Area::Leads => crud_page::<quota_core::lead::Lead>(route),
        Area::Deals => deals::page(route),
        Area::Activities => activities::page(route),
        Area::Service => crud_page::<quota_core::service::ServiceCase>(route),
        Area::Products => catalogue::page(route),
        Area::Organisation => team::organisation(route),
        Area::Targets => crud_page::<quota_core::management::Target>(route),
        Area::Commissions => crud_page::<quota_core::management::CommissionPlan>(route),
        Area::Recruiting => team::recruiting(route),
        Area::Costs => team::costs(route),
        Area::Settings => settings::page(route),
        Area::Reports => reports::page(route),
        Area::Review => review::page(route),
        Area::Bench => view! { <bench::Bench/> }.into_any(),
    }
}

/// A single-collection area whose records live right under a base route (its first segments).
fn crud_page<R: crate::crud::RecordUi>(route: Route) -> AnyView
where
    quota_core::Tables: quota_core::collection::HasTable<R>,
{
    let skip = R::base().rest.len();
    let rest: Vec<String> = route.rest.iter().skip(skip).cloned().collect();
    crate::crud::page::<R>(&route, &rest)
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

/// One tab of an area: its path segment, label and page.
pub struct Tab {
    pub slug: &'static str,
    pub label: &'static str,
    pub page: fn(&Route, &[String]) -> AnyView,
}

/// An area made of several tabs (`#/market/niches/...`); the first tab is the default.
pub fn tabbed(route: &Route, tabs: &[Tab]) -> AnyView {
    let (current, rest) = match route.rest.split_first() {
        Some((slug, rest)) if tabs.iter().any(|t| t.slug == slug) => (slug.as_str(), rest),
        _ => (tabs[0].slug, &route.rest[..0]),
    };
    let area = route.area;
    let links = tabs
        .iter()
        .map(|t| {
            let selected = t.slug == current;
            view! {
                <a href=Route::to(area, &[t.slug]).href() class="tab" class:selected=selected
                    aria-current=selected.then_some("page") data-testid=format!("tab-{}", t.slug)>{t.label}</a>
            }
        })
        .collect_view();
    let tab = tabs.iter().find(|t| t.slug == current).expect("current tab exists");
    view! {
        <nav class="tabs" aria-label=format!("{} sections", area.label())>{links}</nav>
        {(tab.page)(route, rest)}
    }
    .into_any()
}
