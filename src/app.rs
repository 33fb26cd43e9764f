//! The app shell: top bar with the workspace name and status, navigation for every area, and
//! the page for the current route.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::components::notices::Notices;
use crate::components::status::SaveStatus;
use crate::pages;
use crate::route::{Area, Route};
use crate::state::{Ctx, Phase};

#[component]
pub fn App() -> impl IntoView {
    let route = Route::parse(&crate::browser::hash());
    if route.area == Area::Bench {
        // The benchmark page makes its own throwaway workspace; it never opens the user's.
        return view! { <pages::bench::Bench/> }.into_any();
    }
    let ctx = Ctx::new(route);
    provide_context(ctx);
    listen_for_route_changes(ctx);
    listen_for_updates(ctx);
    spawn_local(crate::boot::start(ctx));

    view! {
        {move || match ctx.phase.get() {
            Phase::Starting => view! { <div class="splash" role="status">"Opening your workspace…"</div> }.into_any(),
            Phase::Welcome => view! { <pages::welcome::Welcome/> }.into_any(),
            Phase::Failed(reason) => view! {
                <div class="splash error" role="alert"><h1>"Quota could not start"</h1><p>{reason}</p></div>
            }.into_any(),
            Phase::Ready => view! { <Shell/> }.into_any(),
        }}
        <Notices/>
    }
    .into_any()
}

fn listen_for_route_changes(ctx: Ctx) {
    let Some(window) = web_sys::window() else { return };
    let handler = Closure::<dyn FnMut()>::new(move || {
        ctx.route.set(Route::parse(&crate::browser::hash()));
        // Move focus to the new page, as a browser does on navigation.
        if let Some(main) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main"))
            && let Ok(main) = main.dyn_into::<web_sys::HtmlElement>()
        {
            main.focus().ok();
        }
    });
    // The listener lives as long as the page; leaking the closure is how that is expressed.
    window.add_event_listener_with_callback("hashchange", handler.as_ref().unchecked_ref()).ok();
    handler.forget();
}

/// The service worker announces a newly deployed version; offer to switch to it.
fn listen_for_updates(ctx: Ctx) {
    let Some(window) = web_sys::window() else { return };
    let handler = Closure::<dyn FnMut()>::new(move || {
        let reload: Box<dyn FnOnce()> = Box::new(|| {
            if let Some(w) = web_sys::window() {
                w.location().reload().ok();
            }
        });
        ctx.notify_with_action(
            crate::state::NoticeKind::Info,
            "A new version of Quota is ready.",
            Some(("Reload", reload)),
        );
    });
    window.add_event_listener_with_callback("quota-update", handler.as_ref().unchecked_ref()).ok();
    handler.forget();
}

#[component]
fn Shell() -> impl IntoView {
    let ctx = crate::state::ctx();
    let menu_open = RwSignal::new(false);
    let name = move || ctx.settings().name;
    // Close the phone menu after navigating.
    Effect::new(move |_| {
        ctx.route.track();
        menu_open.set(false);
    });
    let groups = ["", "Selling", "Market", "Team", "Analysis", "Workspace"];
    let nav = groups
        .iter()
        .map(|group| {
            let links = Area::ALL
                .iter()
                .filter(|a| a.group() == *group)
                .map(|area| {
                    let area = *area;
                    let current = move || (ctx.route.get().area == area).then_some("page");
                    view! {
                        <li><a href=Route::area(area).href() aria-current=current data-testid=format!("nav-{}", area.path())>{area.label()}</a></li>
                    }
                })
                .collect_view();
            view! {
                <div class="nav-group">
                    {(!group.is_empty()).then(|| view! { <h2>{*group}</h2> })}
                    <ul>{links}</ul>
                </div>
            }
        })
        .collect_view();

    view! {
        <div class="shell" class:menu-open=move || menu_open.get() data-testid="app-ready" data-interactive="">
            <a class="skip" href="#main" on:click=|ev| {
                ev.prevent_default();
                if let Some(main) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main"))
                    && let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() { main.focus().ok(); }
            }>"Skip to content"</a>
            <header class="topbar">
                <button class="menu-button" aria-label="Menu" aria-expanded=move || menu_open.get().to_string()
                    aria-controls="nav" on:click=move |_| menu_open.update(|o| *o = !*o)>"☰"</button>
                <span class="brand">"Quota"</span>
                <span class="workspace-name" data-testid="workspace-name">{name}</span>
                <span class="spacer"></span>
                <SaveStatus/>
                <crate::sync_status::SyncStatus/>
            </header>
            <nav id="nav" class="sidebar" aria-label="Main">{nav}</nav>
            <main id="main" tabindex="-1">
                {move || pages::page(ctx.route.get())}
            </main>
        </div>
    }
}
