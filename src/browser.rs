//! Thin wrappers over browser APIs the app uses in several places.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Runs `f` once after `millis`; returns the timer handle.
pub fn set_timeout(millis: i32, f: impl FnOnce() + 'static) -> Option<i32> {
    let window = web_sys::window()?;
    let callback = Closure::once_into_js(f);
    window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), millis).ok()
}

/// Resolves after `millis`, letting the browser paint and handle input in between.
pub async fn sleep(millis: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(millis, move || {
            resolve.call0(&JsValue::NULL).ok();
        });
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.ok();
}

/// The location's fragment without the leading `#`.
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Navigates by changing the fragment (adds a history entry).
pub fn set_hash(hash: &str) {
    if let Some(w) = web_sys::window() {
        // Setting the fragment cannot fail in a browsing context; nothing to report if it does.
        w.location().set_hash(hash).ok();
    }
}

/// Milliseconds since the page started loading, for measurements.
pub fn performance_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Asks the user to confirm; false when dialogs are unavailable.
pub fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

/// Marks the document as fully loaded, for tests and the start-up benchmark.
pub fn mark_loaded() {
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        // An attribute that cannot be set only affects measurements, never the user.
        body.set_attribute("data-loaded", "true").ok();
    }
}

/// Replaces the fragment without adding a history entry (for search text and filters).
pub fn replace_hash(hash: &str) {
    let Some(window) = web_sys::window() else { return };
    let url = format!("#{}", hash.trim_start_matches('#'));
    if let Ok(history) = window.history() {
        // Replacing the URL only fails for cross-origin URLs, which a fragment never is.
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)).ok();
    }
}

/// Runs `f` every `millis` for the life of the page.
pub fn set_interval(millis: i32, f: impl FnMut() + 'static) {
    let Some(window) = web_sys::window() else { return };
    let callback = Closure::<dyn FnMut()>::new(f);
    window.set_interval_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), millis).ok();
    callback.forget();
}

/// Offers bytes to the user as a file download.
pub fn download(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|e| format!("{e:?}"))?.dyn_into().map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    // Revoking later lets the browser finish reading the blob first.
    set_timeout(10_000, move || {
        web_sys::Url::revoke_object_url(&url).ok();
    });
    Ok(())
}

/// Reads a file the user picked.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
