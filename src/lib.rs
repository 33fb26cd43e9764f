//! Quota in the browser: a Leptos app over the core's workspace, stored in IndexedDB.

pub mod app;
pub mod boot;
pub mod browser;
pub mod charts;
pub mod components;
pub mod crud;
pub mod format;
pub mod ids;
pub mod names;
pub mod options;
pub mod pages;
pub mod repo;
pub mod route;
pub mod state;
pub mod storage;
pub mod sync;
pub mod sync_status;
pub mod workspaces;

/// Mounts the app on the page.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
