//! Data: the sample workspace, workspace files for offline exchange, and CSV import and export.

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::exchange;
use quota_core::{Date, Timestamp};
use wasm_bindgen::JsCast;

use crate::pages::PageHeader;
use crate::state::ctx;

#[component]
pub fn DataPage() -> impl IntoView {
    view! {
        <section class="page">
            <PageHeader title="Data".into()/>
            <crate::pages::csv::CsvPanel/>
            <ExchangeFiles/>
        </section>
    }
}

fn file_stamp() -> String {
    let now = crate::ids::now();
    now.date().to_string()
}

/// Export the workspace (or its changes since a date) to a file, and merge such a file.
#[component]
fn ExchangeFiles() -> impl IntoView {
    let ctx = ctx();
    let since = RwSignal::new(String::new());
    let result = RwSignal::new(None::<(bool, String)>);
    let export = move |_| {
        let since_ts = match since.get_untracked().trim() {
            "" => None,
            text => match text.parse::<Date>() {
                Ok(d) => Some(d.start()),
                Err(e) => {
                    result.set(Some((false, e.to_string())));
                    return;
                }
            },
        };
        spawn_local(async move {
            if let Err(e) = ctx.ensure_all_loaded().await {
                result.set(Some((false, format!("Could not read everything stored: {e}"))));
                return;
            }
            let Some((bytes, name)) = ctx.with_ws(|ws| (exchange::export(ws, since_ts), ctx.settings().name)) else {
                return;
            };
            let safe: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
            let suffix = since_ts.map(|t: Timestamp| format!("-since-{}", t.date())).unwrap_or_default();
            let filename = format!("{safe}-{}{suffix}.quota", file_stamp());
            match crate::browser::download(&filename, "application/octet-stream", &bytes) {
                Ok(()) => result.set(Some((true, format!("Saved {filename} ({} KB).", bytes.len().div_ceil(1024))))),
                Err(e) => result.set(Some((false, e))),
            }
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        spawn_local(async move {
            let bytes = match crate::browser::read_file(&file).await {
                Ok(b) => b,
                Err(e) => {
                    result.set(Some((false, format!("The file could not be read: {e}"))));
                    return;
                }
            };
            if let Err(e) = ctx.ensure_all_loaded().await {
                result.set(Some((false, format!("Could not read everything stored: {e}"))));
                return;
            }
            let outcome =
                ctx.repo.try_update_value(|r| r.as_mut().map(|r| exchange::import(&mut r.ws, &bytes))).flatten();
            match outcome {
                Some(Ok(report)) => {
                    ctx.bump_all();
                    ctx.schedule_save();
                    crate::sync::local_changes(ctx);
                    let waiting = if report.waiting() > 0 {
                        format!(" {} changes wait for earlier ones this device does not have yet.", report.waiting())
                    } else {
                        String::new()
                    };
                    result.set(Some((
                        true,
                        format!("Merged {} new changes from {}.{waiting}", report.new_changes(), file.name()),
                    )));
                }
                Some(Err(e)) => result.set(Some((false, format!("Nothing was merged: {e}")))),
                None => {}
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="exchange-title">
            <h2 id="exchange-title">"Exchange without a server"</h2>
            <p>"Save this workspace to a file and merge it on another device — by USB stick, email or chat. Merging never loses anyone's changes."</p>
            <div class="inline-form">
                <label for="export-since">"Only changes since (optional)"</label>
                <input id="export-since" type="date" class="short" prop:value=move || since.get() on:input=move |ev| since.set(event_target_value(&ev))/>
                <button on:click=export data-testid="export-file">"Save workspace file"</button>
            </div>
            <div class="inline-form">
                <label for="import-file">"Merge a workspace file"</label>
                <input id="import-file" type="file" accept=".quota,application/octet-stream" on:change=import data-testid="import-file"/>
            </div>
            {move || result.get().map(|(ok, text)| view! {
                <p class=if ok { "banner info" } else { "banner error" } role="status" data-testid="exchange-result">{text}</p>
            })}
        </section>
    }
    .into_any()
}
