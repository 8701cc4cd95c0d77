//! The DOM layer in a real browser (`wasm-bindgen-test` in headless Chromium): the widget mounts
//! once, lives entirely in its shadow root, styles itself without inline styles and adds no globals.
#![cfg(target_arch = "wasm32")]

use platinum_widget::api::{close, destroy, init, open, strings};
use platinum_widget::i18n::Lang;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        js_sys::Reflect::set(&object, &(*key).into(), &(*value).into()).expect("set an option");
    }
    object.into()
}

fn hosts() -> u32 {
    document().query_selector_all("platinum-feedback").expect("query").length()
}

fn shadow() -> ShadowRoot {
    document().query_selector("platinum-feedback").ok().flatten().and_then(|h| h.shadow_root()).expect("an open shadow root")
}

fn global_names() -> Vec<String> {
    js_sys::Object::keys(&js_sys::global()).iter().filter_map(|k| k.as_string()).collect()
}

#[wasm_bindgen_test]
fn mounts_once_inside_an_open_shadow_root() {
    destroy();
    init(options(&[("endpoint", "/feedback")]));
    init(options(&[("endpoint", "/feedback"), ("label", "Tell us")]));
    assert_eq!(hosts(), 1, "init twice still mounts one widget");
    let root = shadow();
    let launcher = root.get_element_by_id("pt-launcher").expect("the launcher is in the shadow root");
    assert_eq!(launcher.text_content().as_deref(), Some("Tell us"), "the second init replaced the first");
    assert!(document().get_element_by_id("pt-launcher").is_none(), "nothing leaks into the page's DOM");
    let host = document().query_selector("platinum-feedback").ok().flatten().expect("host");
    assert_eq!(host.children().length(), 0, "the host has no light-DOM children");
    destroy();
    assert_eq!(hosts(), 0);
}

#[wasm_bindgen_test]
fn styles_only_through_the_adopted_stylesheet() {
    destroy();
    init(options(&[("endpoint", "/feedback"), ("askEmail", "true")]));
    let root = shadow();
    assert_eq!(root.query_selector_all("[style]").expect("query").length(), 0, "no style attributes");
    assert_eq!(root.query_selector_all("style").expect("query").length(), 0, "no <style> elements");
    assert_eq!(document().query_selector_all("style").expect("query").length(), 0, "nothing added to the page's head");
    let sheets: js_sys::Array = js_sys::Reflect::get(&root, &"adoptedStyleSheets".into()).expect("sheets").unchecked_into();
    assert_eq!(sheets.length(), 1);
    destroy();
}

#[wasm_bindgen_test]
fn adds_no_globals() {
    destroy();
    let before = global_names();
    init(options(&[("endpoint", "/feedback")]));
    open();
    close();
    let added: Vec<String> = global_names().into_iter().filter(|k| !before.contains(k)).collect();
    assert!(added.is_empty(), "new globals: {added:?}");
    destroy();
}

#[wasm_bindgen_test]
fn without_an_endpoint_nothing_mounts() {
    destroy();
    init(options(&[("lang", "fr")]));
    assert_eq!(hosts(), 0);
    init(JsValue::from_str("not an object"));
    assert_eq!(hosts(), 0);
}

#[wasm_bindgen_test]
fn open_and_close_show_and_hide_the_dialog() {
    destroy();
    init(options(&[("endpoint", "/feedback"), ("lang", "de")]));
    // No loader here to fetch the German file: built in English, the widget is rebuilt in German
    // when the file's text is handed over, as the loader does when it arrives.
    let english = shadow().get_element_by_id("pt-title").and_then(|t| t.text_content());
    assert_eq!(english.as_deref(), Some("How are we doing?"));
    strings(platinum_widget::locales::source(Lang::De).encode(Lang::De).expect("a locale file"));
    let dialog: Element = shadow().get_element_by_id("pt-dialog").expect("dialog");
    assert!(dialog.has_attribute("hidden"));
    open();
    assert!(!dialog.has_attribute("hidden"));
    let title = shadow().get_element_by_id("pt-title").and_then(|t| t.text_content());
    assert_eq!(title.as_deref(), Some("Wie machen wir uns?"));
    let launcher = shadow().get_element_by_id("pt-launcher").expect("launcher");
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("true"));
    close();
    assert!(dialog.has_attribute("hidden"));
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("false"));
    destroy();
}

#[wasm_bindgen_test]
fn the_host_is_the_only_thing_added_to_the_page() {
    destroy();
    let body = document().body().expect("a body");
    let before = body.children().length();
    let elements_before = document().query_selector_all("*").expect("query").length();
    // The test runner's own page styles a few of its elements inline; count from there.
    let styled_before = document().query_selector_all("[style]").expect("query").length();
    init(options(&[("endpoint", "/feedback"), ("askEmail", "true")]));
    open();
    assert_eq!(body.children().length(), before + 1, "one new child of body");
    let last = body.last_element_child().expect("a last child");
    assert_eq!(last.tag_name().to_lowercase(), "platinum-feedback", "the new child is the host");
    assert_eq!(
        document().query_selector_all("*").expect("query").length(),
        elements_before + 1,
        "the light DOM gained the host and nothing else"
    );
    let root = shadow();
    for id in ["pt-launcher", "pt-dialog", "pt-title", "pt-close", "pt-comment", "pt-counter", "pt-email", "pt-send", "pt-done", "pt-r1", "pt-r5"] {
        assert!(root.get_element_by_id(id).is_some(), "#{id} is rendered in the shadow root");
        assert!(document().get_element_by_id(id).is_none(), "#{id} is not in the page's DOM");
    }
    assert_eq!(document().query_selector_all("[style]").expect("query").length(), styled_before, "no style attribute added to the page");
    assert_eq!(root.query_selector_all("[style]").expect("query").length(), 0, "no style attribute in the widget, open");
    destroy();
}

#[wasm_bindgen_test]
fn destroy_removes_the_host_and_init_mounts_again() {
    destroy();
    init(options(&[("endpoint", "/feedback")]));
    assert_eq!(hosts(), 1);
    destroy();
    assert_eq!(hosts(), 0, "destroy removes the host");
    destroy();
    open();
    close();
    assert_eq!(hosts(), 0, "destroy, open and close without a widget are harmless");
    init(options(&[("endpoint", "https://feedback.example/api")]));
    assert_eq!(hosts(), 1, "a later init mounts again");
    destroy();
}

#[wasm_bindgen_test]
fn an_unusable_endpoint_mounts_nothing() {
    destroy();
    init(options(&[("endpoint", "javascript:alert(1)")]));
    assert_eq!(hosts(), 0);
    init(options(&[("endpoint", "")]));
    assert_eq!(hosts(), 0);
}
