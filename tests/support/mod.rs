//! DOM helpers the browser tests share: a box to mount components into, waiting for effects, and
//! reading what was rendered.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

/// A fresh box of `width` CSS pixels on the page to mount a component into.
pub fn container(width: u32) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document.create_element("div").unwrap();
    el.set_attribute("style", &format!("width: {width}px")).unwrap();
    document.body().unwrap().append_child(&el).unwrap();
    el.dyn_into().unwrap()
}

/// Lets effects run and the charts' resize observers report their width.
pub async fn settle() {
    quota::browser::sleep(60).await;
}

/// Every element under `root` matching `selector`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let query =
        js_sys::Function::new_with_args("root, selector", "return Array.from(root.querySelectorAll(selector));");
    let found: js_sys::Array = query.call2(&JsValue::NULL, root, &selector.into()).unwrap().into();
    found.iter().map(|e| e.dyn_into().unwrap()).collect()
}

pub fn count(root: &Element, selector: &str) -> usize {
    all(root, selector).len()
}

/// The first element under `root` matching `selector`; fails the test when there is none.
pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"))
}

pub fn click(root: &Element, selector: &str) {
    find(root, selector).dyn_into::<HtmlElement>().unwrap().click();
}

/// The text of every element matching `selector`, trimmed.
pub fn texts(root: &Element, selector: &str) -> Vec<String> {
    all(root, selector).iter().map(|e| e.text_content().unwrap_or_default().trim().to_string()).collect()
}
