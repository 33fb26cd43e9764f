//! Deals: the pipeline board and the deal list, a deal's line items and activities, and the
//! lead conversion.

use leptos::prelude::*;
use quota_core::deal::{Deal, DealId};
use quota_core::lead::LeadId;

use crate::crud;
use crate::pages::{Tab, tabbed};
use crate::route::Route;

pub fn page(route: Route) -> AnyView {
    tabbed(&route, &[Tab { slug: "list", label: "All deals", page: crud::page::<Deal> }])
}

/// Panels under a deal's fields.
pub fn deal_panels(_id: DealId) -> AnyView {
    view! { <div></div> }.into_any()
}

/// Actions on a lead's page.
pub fn lead_actions(_id: LeadId) -> AnyView {
    view! { <div></div> }.into_any()
}
