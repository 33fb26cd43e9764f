//! The first screen on a device with no workspace: create one (or join a team's, once syncing is
//! set up).

use leptos::prelude::*;
use leptos::task::spawn_local;
use quota_core::money::Currency;

use crate::boot::{self, NewWorkspace};
use crate::state::ctx;

#[component]
pub fn Welcome() -> impl IntoView {
    let ctx = ctx();
    let name = RwSignal::new(String::new());
    let my_name = RwSignal::new(String::new());
    let currency = RwSignal::new("EUR".to_string());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let joining = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let currency_code = match currency.get_untracked().parse::<Currency>() {
            Ok(c) => c,
            Err(e) => {
                error.set(Some(e.to_string()));
                return;
            }
        };
        if name.get_untracked().trim().is_empty() {
            error.set(Some("Enter a name for the workspace, such as your company's.".into()));
            return;
        }
        if my_name.get_untracked().trim().is_empty() {
            error.set(Some("Enter your name, so teammates see who changed what.".into()));
            return;
        }
        busy.set(true);
        let form =
            NewWorkspace { name: name.get_untracked(), currency: currency_code, my_name: my_name.get_untracked() };
        spawn_local(async move {
            if let Err(e) = boot::create(ctx, form).await {
                error.set(Some(format!("The workspace could not be created: {e}")));
            }
            busy.set(false);
        });
    };
    let route = ctx.route.get_untracked();
    if route.area == crate::route::Area::Settings && route.param("k").is_some() {
        return view! { <main class="welcome"><crate::pages::settings::Join route/></main> }.into_any();
    }
    view! {
        <main class="welcome" data-testid="welcome" data-interactive="">
            <h1>"Welcome to Quota"</h1>
            <p>"Your sales data lives on this device and works without a network. Create a workspace to begin."</p>
            <form on:submit=submit class="card">
                <div class="field">
                    <label for="ws-name">"Workspace name"</label>
                    <input id="ws-name" name="workspace" required placeholder="Acme Sales"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="ws-me">"Your name"</label>
                    <input id="ws-me" name="me" required placeholder="Ana Silva"
                        prop:value=move || my_name.get() on:input=move |ev| my_name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="ws-currency">"Currency"</label>
                    <input id="ws-currency" name="currency" maxlength="3"
                        prop:value=move || currency.get() on:input=move |ev| currency.set(event_target_value(&ev))/>
                </div>
                <p class="form-problems" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="create-workspace">"Create workspace"</button>
            </form>
            <p>"Just looking? "
                <button class="link" data-testid="create-sample" disabled=move || busy.get() on:click=move |_| {
                    busy.set(true);
                    error.set(Some("Creating the sample company…".into()));
                    // Let the message paint before the sample is generated.
                    crate::browser::set_timeout(30, move || spawn_local(async move {
                        if let Err(e) = boot::create_sample(ctx).await {
                            error.set(Some(format!("The sample could not be created: {e}")));
                        }
                        busy.set(false);
                    }));
                }>"Explore a sample company"</button>
                " with a few hundred records in every area."</p>
            <p>"Joining a team? Open the invitation link you were sent, or "
                <a href=crate::route::Route::to(crate::route::Area::Settings, &["join"]).with_query("k", "").href()
                    on:click=move |ev| { ev.prevent_default(); joining.set(true); }>"paste an invitation"</a>"."</p>
            <Show when=move || joining.get()>
                <crate::pages::settings::Join route=crate::route::Route::to(crate::route::Area::Settings, &["join"])/>
            </Show>
        </main>
    }
    .into_any()
}
