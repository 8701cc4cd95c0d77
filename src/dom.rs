//! The widget's DOM: the only module that touches `window` and `document`.
//!
//! It builds the widget once inside an open shadow root on `<platinum-feedback>`, turns the
//! visitor's clicks and keys into [`Event`]s, and renders a [`Widget`] by updating that DOM in
//! place. Text from the owner or the visitor only ever goes in through `textContent`, values and
//! attributes.

use crate::config::Config;
use crate::i18n::Lang;
#[cfg(feature = "dialog")]
use crate::i18n::Strings;
use crate::state::Event;
use crate::text::join;
#[cfg(feature = "dialog")]
use crate::{
    id::uuid_v4,
    question::Prompt,
    state::{Context, Invalid, Phase, Widget, near_limit},
    text::decimal,
};
#[cfg(feature = "dialog")]
use platinum_payload::{MAX_COMMENT_CHARS, Page, Scale, Viewport};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Element, EventTarget, ShadowRoot, ShadowRootInit, ShadowRootMode, Window};
#[cfg(feature = "dialog")]
use web_sys::{HtmlElement, HtmlInputElement};

pub mod watch;

/// The custom element that hosts the widget's shadow root.
pub const HOST_TAG: &str = "platinum-feedback";

/// A DOM call failed; carries what was being done and the browser's message.
#[derive(Debug, thiserror::Error)]
pub struct DomError {
    /// What the widget was doing.
    pub doing: &'static str,
    /// The browser's error, as text.
    pub message: String,
}

impl DomError {
    /// The one-line explanation for the console.
    pub fn message(&self) -> String {
        join(&["could not ", self.doing, ": ", &self.message])
    }
}

impl std::fmt::Display for DomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// Converts a browser exception into a [`DomError`] naming what was being done.
pub(crate) trait Doing<T> {
    fn doing(self, doing: &'static str) -> Result<T, DomError>;
}

impl<T> Doing<T> for Result<T, JsValue> {
    fn doing(self, doing: &'static str) -> Result<T, DomError> {
        self.map_err(|e| DomError { doing, message: describe(&e) })
    }
}

impl<T> Doing<T> for Option<T> {
    fn doing(self, doing: &'static str) -> Result<T, DomError> {
        self.ok_or_else(|| DomError { doing, message: "not available in this browser".into() })
    }
}

/// The text of a thrown JavaScript value (`Error.message`, or the value itself).
pub fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| "unknown error".into())
}

/// The page's window.
pub fn window() -> Result<Window, DomError> {
    // The widget only runs in pages, where the global object is the window.
    Ok(PAGE.with(|global| global.clone().unchecked_into::<Window>()))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `globalThis`: one import, where `web_sys::window()` probes four globals.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static PAGE: JsValue;

    /// `target[key]`. One import reads every property the widget needs: each typed web-sys
    /// getter is an import of its own, with its own glue, and they cost visitors more.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> Result<JsValue, JsValue>;
}

/// `target[key]`; `undefined` if reading it threw.
#[inline(never)]
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    reflect_get(target, key).unwrap_or_default()
}

/// `target[key]` as text; empty if it is not a string.
#[inline(never)]
fn text(target: &JsValue, key: &str) -> String {
    get(target, key).as_string().unwrap_or_default()
}

/// Calls `target.name()`; nothing happens where the browser lacks the method or it throws.
#[inline(never)]
fn call(target: &JsValue, name: &str) {
    if let Ok(method) = get(target, name).dyn_into::<js_sys::Function>() {
        let _ = method.call0(target);
    }
}

/// `target[key]`, if it is an object (not `null` or `undefined`).
#[inline(never)]
fn object(target: &JsValue, key: &str) -> Option<JsValue> {
    Some(get(target, key)).filter(JsValue::is_object)
}

/// The visitor's preferred languages, most preferred first.
pub fn preferred_languages(window: &Window) -> Vec<String> {
    let languages: js_sys::Array = get(&get(window, "navigator"), "languages").unchecked_into();
    languages.iter().filter_map(|l| l.as_string()).collect()
}

/// Whether a widget is already on the page (perhaps from another copy of the script).
pub fn already_mounted(window: &Window) -> bool {
    object(window, "document").is_some_and(|d| d.unchecked_into::<Document>().query_selector(HOST_TAG).ok().flatten().is_some())
}

/// Removes any widget host from the page; used when the widget must give up.
pub fn remove_hosts(window: &Window) {
    if let Some(document) = object(window, "document") {
        let document: Document = document.unchecked_into();
        while let Ok(Some(host)) = document.query_selector(HOST_TAG) {
            host.remove();
        }
    }
}

/// Gathers the page facts a response carries, with a fresh id.
#[cfg(feature = "dialog")]
fn context(window: &Window, document: &Document, honeypot: &HtmlInputElement) -> Result<Context, DomError> {
    let mut bytes = [0u8; 16];
    let crypto: web_sys::Crypto = reflect_get(window, "crypto").doing("reach crypto")?.unchecked_into();
    crypto.get_random_values_with_u8_array(&mut bytes).doing("make a random id")?;
    let size = |key| get(window, key).as_f64().map_or(0, |px| px.clamp(0.0, 100_000.0) as u32);
    Ok(Context {
        id: uuid_v4(bytes),
        created_at: String::from(js_sys::Date::new_0().to_iso_string()),
        page: Page { url: text(document, "URL"), title: text(document, "title"), referrer: text(document, "referrer") },
        user_agent: text(&get(window, "navigator"), "userAgent"),
        viewport: Viewport { width: size("innerWidth"), height: size("innerHeight") },
        honeypot: text(honeypot, "value"),
    })
}

/// One element of the widget's fixed structure.
#[derive(Clone, Copy)]
struct Node {
    /// Index of the parent in [`NODES`]; `ROOT` is the shadow root.
    parent: usize,
    tag: &'static str,
    class: &'static str,
    attrs: &'static [(&'static str, &'static str)],
}

const ROOT: usize = usize::MAX;
const LAUNCHER: usize = 1;
const DIALOG: usize = 2;
const TITLE: usize = 4;
const CLOSE: usize = 5;
const STATUS: usize = 6;
const FORM: usize = 7;
const SCALE: usize = 8;
const PROMPT: usize = 10;
const HINT: usize = 11;
const COMMENT: usize = 12;
const COUNTER: usize = 13;
const EMAIL_BOX: usize = 14;
const EMAIL_LABEL: usize = 16;
const EMAIL_HINT: usize = 17;
const EMAIL: usize = 18;
const HONEYPOT: usize = 20;
const DISCARD: usize = 22;
const SEND: usize = 23;
const DONE: usize = 24;
/// The rating radios, one per point of the scale, follow the fixed nodes.
const RADIOS: usize = 25;

/// The widget's structure, in document order; text is filled in afterwards with `textContent`.
const NODES: [Node; 25] = [
    Node { parent: ROOT, tag: "div", class: "w", attrs: &[] },
    Node { parent: 0, tag: "button", class: "launcher", attrs: &[("type", "button"), ("id", "pt-launcher"), ("aria-haspopup", "dialog"), ("aria-expanded", "false"), ("popover", "manual")] },
    Node { parent: 0, tag: "div", class: "dialog", attrs: &[("id", "pt-dialog"), ("role", "dialog"), ("aria-modal", "true"), ("aria-labelledby", "pt-title"), ("aria-describedby", "pt-status"), ("hidden", ""), ("popover", "manual")] },
    Node { parent: DIALOG, tag: "div", class: "head", attrs: &[] },
    Node { parent: 3, tag: "h2", class: "", attrs: &[("id", "pt-title")] },
    Node { parent: 3, tag: "button", class: "close", attrs: &[("type", "button"), ("id", "pt-close")] },
    Node { parent: DIALOG, tag: "p", class: "status", attrs: &[("id", "pt-status"), ("role", "status"), ("aria-live", "polite")] },
    Node { parent: DIALOG, tag: "form", class: "", attrs: &[("novalidate", "")] },
    Node { parent: FORM, tag: "div", class: "scale", attrs: &[("role", "radiogroup"), ("aria-labelledby", "pt-title"), ("aria-required", "true")] },
    Node { parent: FORM, tag: "label", class: "field", attrs: &[("for", "pt-comment")] },
    // The labels hold their hints too: the fields are named by the label's words alone and
    // described by the hint, so a screen reader says the hint once.
    Node { parent: 9, tag: "span", class: "", attrs: &[("id", "pt-prompt")] },
    Node { parent: 9, tag: "span", class: "hint", attrs: &[("id", "pt-hint")] },
    Node { parent: FORM, tag: "textarea", class: "", attrs: &[("id", "pt-comment"), ("maxlength", "5000"), ("rows", "4"), ("aria-labelledby", "pt-prompt"), ("aria-describedby", "pt-hint pt-counter")] },
    Node { parent: FORM, tag: "span", class: "counter", attrs: &[("id", "pt-counter"), ("aria-atomic", "true")] },
    Node { parent: FORM, tag: "div", class: "", attrs: &[("hidden", "")] },
    Node { parent: EMAIL_BOX, tag: "label", class: "field", attrs: &[("for", "pt-email")] },
    Node { parent: 15, tag: "span", class: "", attrs: &[("id", "pt-email-label")] },
    Node { parent: 15, tag: "span", class: "hint", attrs: &[("id", "pt-email-hint")] },
    Node { parent: EMAIL_BOX, tag: "input", class: "", attrs: &[("type", "email"), ("id", "pt-email"), ("autocomplete", "email"), ("aria-labelledby", "pt-email-label"), ("aria-describedby", "pt-email-hint")] },
    // People never see or reach this field; form-filling bots do, which marks them.
    Node { parent: FORM, tag: "div", class: "trap", attrs: &[("aria-hidden", "true")] },
    Node { parent: 19, tag: "input", class: "", attrs: &[("name", "website"), ("tabindex", "-1"), ("autocomplete", "off"), ("aria-label", "website")] },
    Node { parent: FORM, tag: "div", class: "actions", attrs: &[] },
    // Shown with a restored draft; before Send, so the keyboard meets them in the order they show.
    Node { parent: 21, tag: "button", class: "secondary", attrs: &[("type", "button"), ("id", "pt-discard"), ("hidden", "")] },
    Node { parent: 21, tag: "button", class: "primary", attrs: &[("type", "submit"), ("id", "pt-send")] },
    Node { parent: DIALOG, tag: "button", class: "primary done", attrs: &[("type", "button"), ("id", "pt-done"), ("hidden", "")] },
];

const _: () = assert!(platinum_payload::MAX_COMMENT_CHARS == 5000, "update the textarea's maxlength in NODES");

/// Creates `<tag class=… attrs…>` as the last child of `parent`.
#[inline(never)]
fn create(document: &Document, parent: &web_sys::Node, tag: &str, class: &str, attrs: &[(&str, &str)]) -> Result<Element, DomError> {
    let el = document.create_element(tag).doing("create an element")?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    for (name, value) in attrs {
        el.set_attribute(name, value).doing("set an attribute")?;
    }
    parent.append_child(&el).doing("attach an element")?;
    Ok(el)
}

/// Sets `el`'s attribute `name` to `value`, or removes it for `None`.
#[cfg(feature = "dialog")]
fn attribute(el: &Element, name: &str, value: Option<&str>) {
    let _ = match value {
        Some(value) => el.set_attribute(name, value),
        None => el.remove_attribute(name),
    };
}

/// What the event handlers need: the elements and where events go.
// The launcher build has only the launcher: what the dialog needs goes unused there.
#[cfg_attr(not(feature = "dialog"), allow(dead_code))]
struct Parts {
    window: Window,
    document: Document,
    root: ShadowRoot,
    els: Vec<Element>,
    dispatch: Rc<dyn Fn(Event)>,
    /// The widget's language; the dialog's texts are its [`Lang::strings`].
    lang: Lang,
    /// The follow-up questions: by default, after a low rating, after a high one.
    prompts: [String; 3],
    /// Whether the dialog shows, as last rendered.
    open: Cell<bool>,
    /// Whether the thank-you (or saved, or refused) view shows, as last rendered.
    finished: Cell<bool>,
    /// What had focus on the page when the dialog opened, given focus back on close; none when it
    /// was the widget itself (its launcher), which then gets it back.
    opener: Cell<Option<Element>>,
    /// The host element: what the page sees as focused when something inside the widget is,
    /// and what is removed to take the widget off the page.
    host: Element,
    /// Where a touch that may swipe the sheet down started (its `clientY`), while it lasts.
    #[cfg(feature = "dialog")]
    drag: Cell<Option<f64>>,
}

/// The built widget; dropping it removes the host and its listeners.
pub struct View {
    parts: Rc<Parts>,
    _root: Listener,
    _page: Listener,
    #[cfg(feature = "dialog")]
    _viewport: Option<Listener>,
}

/// The event kinds the widget handles.
#[cfg(feature = "dialog")]
const KINDS: &[&str] = &["click", "change", "input", "submit", "keydown", "pointerdown", "pointermove", "pointerup", "pointercancel"];
/// The launcher alone handles clicks.
#[cfg(not(feature = "dialog"))]
const KINDS: &[&str] = &["click"];

/// What the page does that may put something over the widget or make it inert: a dialog or
/// popover opening or closing, and focus moving (where a browser has no `toggle` for dialogs).
const PAGE_KINDS: &[&str] = &["toggle", "focusin"];

/// How the visual viewport changes: an on-screen keyboard opening or closing, or zooming in.
#[cfg(feature = "dialog")]
const VIEWPORT_KINDS: &[&str] = &["resize", "scroll"];

/// How far down (CSS px) a swipe on the sheet's head must go to close it.
#[cfg(feature = "dialog")]
const SWIPE_PX: f64 = 80.0;

/// The part of [`NODES`] this build makes: the launcher build stops after the launcher. A copy
/// of those two rather than a slice of the array, which would ship the whole dialog's structure.
#[cfg(feature = "dialog")]
const BUILT: &[Node] = &NODES;
#[cfg(not(feature = "dialog"))]
const BUILT: &[Node] = &[NODES[0], NODES[LAUNCHER]];

/// One listener on `target` for every one of its `kinds` (on the shadow root, delegated by
/// target id); dropping it takes it off again. One closure for all kinds keeps the wasm smaller
/// than a listener library with one closure per kind.
struct Listener {
    target: EventTarget,
    kinds: &'static [&'static str],
    /// Whether it listens as events go down: the page's `toggle` and `focusin` on the document
    /// reach it only so, the first because it does not bubble.
    capture: bool,
    callback: Closure<dyn Fn(web_sys::Event)>,
}

impl Listener {
    fn new(target: &JsValue, kinds: &'static [&'static str], capture: bool, parts: &Rc<Parts>, handle: fn(&Parts, &web_sys::Event)) -> Result<Listener, DomError> {
        let handler = parts.clone();
        let callback = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| handle(&handler, &e));
        let listener = Listener { target: target.clone().unchecked_into(), kinds, capture, callback };
        for kind in kinds {
            listener.target.add_event_listener_with_callback_and_bool(kind, listener.callback.as_ref().unchecked_ref(), capture).doing("listen for events")?;
        }
        Ok(listener)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for kind in self.kinds {
            let _ = self.target.remove_event_listener_with_callback_and_bool(kind, self.callback.as_ref().unchecked_ref(), self.capture);
        }
    }
}

impl View {
    /// Builds the widget and appends its host to `<body>`; `dispatch` receives every event.
    pub fn mount(config: &Config, dispatch: Rc<dyn Fn(Event)>) -> Result<View, DomError> {
        let window = window()?;
        let document: Document = object(&window, "document").doing("find the document")?.unchecked_into();
        let body: web_sys::Node = object(&document, "body").doing("find <body>")?.unchecked_into();

        let host = document.create_element(HOST_TAG).doing("create the host element")?;
        let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).doing("attach a shadow root")?;
        let sheet = CssStyleSheet::new().doing("create a stylesheet")?;
        sheet.replace_sync(&crate::style::stylesheet(config)).doing("fill the stylesheet")?;
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));

        let mut els: Vec<Element> = Vec::with_capacity(NODES.len() + 20);
        for node in BUILT {
            let parent: &web_sys::Node = if node.parent == ROOT { &root } else { &els[node.parent] };
            let el = create(&document, parent, node.tag, node.class, node.attrs)?;
            els.push(el);
        }
        // The dialog speaks the configured language once its words are here, English until then
        // (or if they could not be fetched); the launcher's label is built in for every language.
        #[cfg(feature = "dialog")]
        let lang = if crate::i18n::loaded(config.lang) { config.lang } else { Lang::En };
        #[cfg(not(feature = "dialog"))]
        let lang = config.lang;
        #[cfg(feature = "dialog")]
        Self::points(&document, &mut els, config, lang)?;
        els[LAUNCHER].toggle_attribute_with_force("hidden", !config.launcher).doing("set an attribute")?;
        els[LAUNCHER].set_text_content(Some(&config.label));
        els[0].set_attribute("lang", lang.tag()).doing("set an attribute")?;
        // Always said: the page's own direction would otherwise reach into the shadow root.
        els[0].set_attribute("dir", if lang.rtl() { "rtl" } else { "ltr" }).doing("set an attribute")?;
        #[cfg(feature = "dialog")]
        Self::fill(&els, config, lang.strings())?;

        body.append_child(&host).doing("add the widget to <body>")?;

        let prompts = [config.prompt.clone(), config.prompt_low.clone(), config.prompt_high.clone()];
        let parts = Rc::new(Parts {
            window,
            document,
            root,
            els,
            dispatch,
            lang,
            prompts,
            open: Cell::new(false),
            finished: Cell::new(false),
            opener: Cell::new(None),
            host,
            #[cfg(feature = "dialog")]
            drag: Cell::new(None),
        });
        let root = Listener::new(&parts.root, KINDS, false, &parts, Parts::handle)?;
        let page = Listener::new(&parts.document, PAGE_KINDS, true, &parts, |parts, e| parts.lift(text(e, "newState") == "open"))?;
        #[cfg(feature = "dialog")]
        let viewport = match object(&parts.window, "visualViewport") {
            Some(viewport) => Some(Listener::new(&viewport, VIEWPORT_KINDS, false, &parts, Parts::fit)?),
            None => None,
        };
        parts.lift(true);
        Ok(View {
            parts,
            _root: root,
            _page: page,
            #[cfg(feature = "dialog")]
            _viewport: viewport,
        })
    }

    /// Makes one radio (and its label) per point of the configured scale, worst first (in the
    /// reading direction: on the right in a right-to-left language), and NPS's anchors under its ends.
    #[cfg(feature = "dialog")]
    fn points(document: &Document, els: &mut Vec<Element>, config: &Config, lang: Lang) -> Result<(), DomError> {
        let scale = els[SCALE].clone();
        scale.set_class_name(&join(&["scale s-", config.scale.name()]));
        for point in crate::question::points(config.scale, lang) {
            let value = decimal(point.value.into());
            let id = join(&["pt-r", &value]);
            let radio = create(document, &scale, "input", "", &[("type", "radio"), ("name", "rating"), ("id", &id), ("value", &value)])?;
            let label = create(document, &scale, "label", "", &[("for", &id)])?;
            // The five words keep their numbers above them; the other scales show their symbol.
            let number = lang.number(point.value.into());
            let visible = if config.scale == Scale::Csat5 { &number } else { &point.visible };
            create(document, &label, "b", "", &[("aria-hidden", "true")])?.set_text_content(Some(visible));
            create(document, &label, "span", "", &[])?.set_text_content(Some(&point.name));
            els.push(radio);
        }
        if let Some(ends) = crate::question::anchors(config.scale, lang.strings()) {
            // The end points' names carry these words already: this row is for the eye.
            let row = create(document, &els[FORM], "div", "anchors", &[("aria-hidden", "true")])?;
            els[FORM].insert_before(&row, Some(&els[SCALE + 1])).doing("place the anchors")?;
            for end in ends {
                create(document, &row, "span", "", &[])?.set_text_content(Some(end));
            }
        }
        Ok(())
    }

    /// Puts the dialog's text in place.
    #[cfg(feature = "dialog")]
    fn fill(els: &[Element], config: &Config, strings: &Strings) -> Result<(), DomError> {
        els[LAUNCHER].set_attribute("aria-controls", "pt-dialog").doing("set an attribute")?;
        let texts: [(usize, &str); 8] = [
            (TITLE, &config.title),
            (CLOSE, "×"),
            (PROMPT, &config.prompt),
            (HINT, strings.prompt_hint()),
            (EMAIL_LABEL, strings.email()),
            (EMAIL_HINT, strings.email_hint()),
            (DONE, strings.close()),
            (DISCARD, strings.discard()),
        ];
        for (i, text) in texts {
            els[i].set_text_content(Some(text));
        }
        els[CLOSE].set_attribute("aria-label", strings.close()).doing("set an attribute")?;
        els[EMAIL_BOX].toggle_attribute_with_force("hidden", !config.ask_email).doing("set an attribute")?;
        Ok(())
    }

    /// Updates the DOM to show `now`; `before` tells which focus moves are due.
    #[cfg(feature = "dialog")]
    pub fn render(&self, before: &Widget, now: &Widget) {
        self.parts.render(before, now);
    }
}

impl Parts {
    #[cfg(feature = "dialog")]
    fn el<T: JsCast>(&self, index: usize) -> &T {
        self.els[index].unchecked_ref()
    }

    /// Keeps the widget reachable above the page. The launcher and the open dialog are popovers
    /// in the browser's top layer, above anything the page stacks, whatever its z-index; shown
    /// again (with `restack`, or after a move) they go above what the page showed there since.
    /// While the page has a modal dialog open everything outside it is inert, top layer or not,
    /// so the host moves into the innermost open one, and back to `<body>` once none is (a host
    /// left in a removed dialog comes back at the next focus change or toggle). Without popovers
    /// the `:host` z-index stays.
    fn lift(&self, restack: bool) {
        // The innermost of nested modal dialogs is the one not inert.
        let modal = self.document.query_selector("dialog:modal:not(:has(dialog:modal))").ok().flatten().map(JsValue::from);
        let Some(place) = modal.or_else(|| object(&self.document, "body")) else { return };
        let moved = get(&self.host, "parentNode") != place;
        // Moving the host, or hiding a popover, takes focus from inside the widget: it goes back.
        let focused = object(&self.root, "activeElement");
        if moved {
            let _ = place.unchecked_ref::<web_sys::Node>().append_child(&self.host);
        }
        if moved || restack {
            for el in self.els.iter().skip(LAUNCHER).take(if self.open.get() { 2 } else { 1 }) {
                call(el, "hidePopover");
                call(el, "showPopover");
            }
            if let Some(el) = focused {
                call(&el, "focus");
            }
        }
    }

    /// Fits the dialog to the visual viewport: a bottom sheet stands on an on-screen keyboard,
    /// which covers the layout viewport's bottom, and is no taller than what it leaves; a text
    /// field the visitor is typing in is scrolled back into sight when the keyboard opens.
    #[cfg(feature = "dialog")]
    fn fit(&self, e: &web_sys::Event) {
        let Some(viewport) = object(&self.window, "visualViewport") else { return };
        let px = |target: &JsValue, key| get(target, key).as_f64().unwrap_or(0.0);
        let covered = px(&self.window, "innerHeight") - px(&viewport, "height") - px(&viewport, "offsetTop");
        // Set through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows.
        let _ = self.el::<HtmlElement>(DIALOG).style().set_property("--kb", &join(&[&decimal(covered.clamp(0.0, 100_000.0) as usize), "px"]));
        if let Some(field) = object(&self.root, "activeElement").filter(|el| self.open.get() && text(e, "type") == "resize" && matches!(text(el, "id").as_str(), "pt-comment" | "pt-email")) {
            call(&field, "scrollIntoView");
        }
    }

    /// A touch (or pen) dragging the sheet's head down: the sheet follows, and closes when let go
    /// far enough down. A mouse selects text there instead.
    #[cfg(feature = "dialog")]
    fn swipe(&self, e: &web_sys::Event, kind: &str, target: &JsValue) -> Option<Event> {
        let y = get(e, "clientY").as_f64().unwrap_or(0.0);
        let style = self.el::<HtmlElement>(DIALOG).style();
        if kind == "pointerdown" {
            // The head, its handle (drawn by the head) and its title; the Close button is for tapping.
            let on_head = text(target, "className") == "head" || text(target, "id") == "pt-title";
            self.drag.set(Some(y).filter(|_| on_head && text(e, "pointerType") != "mouse"));
            return None;
        }
        let start = self.drag.get()?;
        let down = (y - start).max(0.0);
        if kind == "pointermove" {
            let _ = style.set_property("--drag", &join(&[&decimal(down as usize), "px"]));
            return None;
        }
        self.drag.set(None);
        let _ = style.set_property("--drag", "0px");
        Some(Event::Close).filter(|_| kind == "pointerup" && down >= SWIPE_PX)
    }

    #[cfg(not(feature = "dialog"))]
    fn handle(&self, e: &web_sys::Event) {
        if object(e, "target").is_some_and(|t| text(&t, "id") == "pt-launcher") {
            (self.dispatch)(Event::Toggle);
        }
    }

    #[cfg(feature = "dialog")]
    fn handle(&self, e: &web_sys::Event) {
        let Some(target) = object(e, "target") else { return };
        let id = text(&target, "id");
        let kind = text(e, "type");
        let event = match (kind.as_str(), id.as_str()) {
            (pointer, _) if pointer.starts_with("pointer") => match self.swipe(e, pointer, &target) {
                Some(event) => event,
                None => return,
            },
            ("click", "pt-launcher") => Event::Toggle,
            ("click", "pt-close" | "pt-done") => Event::Close,
            ("click", "pt-discard") => Event::Discard,
            ("change", _) if text(&target, "name") == "rating" => match text(&target, "value").parse() {
                Ok(point) => Event::Rate(point),
                Err(_) => return,
            },
            ("input", "pt-comment") => Event::Comment(text(&target, "value")),
            ("input", "pt-email") => Event::Email(text(&target, "value")),
            ("submit", _) => {
                e.prevent_default();
                match context(&self.window, &self.document, self.el(HONEYPOT)) {
                    Ok(context) => Event::Submit(context),
                    Err(err) => return report(&err.message()),
                }
            }
            ("keydown", _) => match self.key(e) {
                Some(event) => event,
                None => return,
            },
            _ => return,
        };
        (self.dispatch)(event);
    }

    /// Escape closes; Tab and Shift+Tab cycle inside the open dialog.
    #[cfg(feature = "dialog")]
    fn key(&self, e: &web_sys::Event) -> Option<Event> {
        // Only "keydown" events reach here.
        if !self.open.get() {
            return None;
        }
        match text(e, "key").as_str() {
            "Escape" => {
                e.prevent_default();
                Some(Event::Close)
            }
            "Tab" => {
                // The close button is the first stop; the last is Send, or Close once finished.
                let first: &HtmlElement = self.el(CLOSE);
                let send: &HtmlElement = self.el(SEND);
                let last: &HtmlElement = if self.finished.get() { self.el(DONE) } else { send };
                let active = object(&self.root, "activeElement");
                let at = |el: &HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<JsValue>());
                let to = match (get(e, "shiftKey").as_bool() == Some(true), active.is_none()) {
                    (_, true) => first,
                    (true, false) if at(first) => last,
                    (false, false) if at(last) => first,
                    _ => return None,
                };
                e.prevent_default();
                let _ = to.focus();
                None
            }
            _ => None,
        }
    }

    #[cfg(feature = "dialog")]
    fn render(&self, before: &Widget, now: &Widget) {
        let s = self.lang.strings();
        let launcher: &Element = self.el(LAUNCHER);
        let dialog: &HtmlElement = self.el(DIALOG);
        let form: &Element = self.el(FORM);
        let done: &HtmlElement = self.el(DONE);
        let send: &HtmlElement = self.el(SEND);
        // Textarea and input share the `value` property; one binding serves both.
        let comment: &HtmlInputElement = self.el(COMMENT);
        let email: &HtmlInputElement = self.el(EMAIL);
        let status: &Element = self.el(STATUS);

        let _ = launcher.set_attribute("aria-expanded", if now.open { "true" } else { "false" });
        let _ = dialog.toggle_attribute_with_force("hidden", !now.open);
        self.open.set(now.open);
        if now.open && !before.open {
            // Shown last, the dialog is the topmost of the top layer; a page's modal dialog
            // opened since the widget was built is checked for here too.
            self.lift(true);
        } else if before.open && !now.open {
            call(dialog, "hidePopover");
        }
        let finished = matches!(now.phase, Phase::Thanked | Phase::Saved | Phase::Refused);
        let _ = form.toggle_attribute_with_force("hidden", finished);
        let _ = done.toggle_attribute_with_force("hidden", !finished);
        self.finished.set(finished);

        let lowest = now.scale().lowest();
        for (i, radio) in self.els[RADIOS..].iter().enumerate() {
            radio.unchecked_ref::<HtmlInputElement>().set_checked(now.rating == Some(lowest + i as u8));
        }
        let prompt = &self.prompts[match now.prompt() {
            Prompt::Default => 0,
            Prompt::Low => 1,
            Prompt::High => 2,
        }];
        let label: &Element = self.el(PROMPT);
        if text(label, "textContent") != *prompt {
            label.set_text_content(Some(prompt));
        }
        let _ = self.el::<Element>(DISCARD).toggle_attribute_with_force("hidden", !now.restored);
        if text(comment, "value") != now.comment {
            comment.set_value(&now.comment);
        }
        if text(email, "value") != now.email {
            email.set_value(&now.email);
        }
        for field in [comment, email] {
            let _ = field.toggle_attribute_with_force("readonly", !now.editable());
        }
        // An error is the status line: the field it is about names it as its description.
        let bad_email = now.invalid == Some(Invalid::BadEmail);
        let _ = email.set_attribute("aria-invalid", if bad_email { "true" } else { "false" });
        let _ = email.set_attribute("aria-describedby", if bad_email { "pt-email-hint pt-status" } else { "pt-email-hint" });
        let scale: &Element = self.el(SCALE);
        let need_rating = now.invalid == Some(Invalid::NeedRating);
        let _ = scale.set_attribute("aria-invalid", if need_rating { "true" } else { "false" });
        attribute(scale, "aria-describedby", Some("pt-status").filter(|_| need_rating));
        let used = now.comment.encode_utf16().count();
        let counter: &Element = self.el(COUNTER);
        counter.set_text_content(Some(&s.counter().count(self.lang, MAX_COMMENT_CHARS.saturating_sub(used))));
        // Read out as the visitor types only near the limit; elsewhere it is the box's description.
        attribute(counter, "aria-live", Some("polite").filter(|_| near_limit(used)));

        let sending = now.phase == Phase::Sending;
        send.set_text_content(Some(match now.phase {
            Phase::Sending => s.sending(),
            Phase::Failed => s.retry(),
            _ => s.send(),
        }));
        // aria-disabled rather than disabled keeps focus on the button while it works.
        let _ = send.set_attribute("aria-disabled", if sending { "true" } else { "false" });
        attribute(send, "aria-describedby", Some("pt-status").filter(|_| now.phase == Phase::Failed));
        let _ = form.set_attribute("aria-busy", if sending { "true" } else { "false" });

        let (message, class) = match (now.invalid, now.phase) {
            (Some(Invalid::NeedRating), _) => (s.need_rating(), "status error"),
            (Some(Invalid::BadEmail), _) => (s.bad_email(), "status error"),
            (None, Phase::Editing) if now.restored => (s.restored(), "status"),
            (None, Phase::Editing) => ("", "status"),
            (None, Phase::Sending) => (s.sending(), "status"),
            (None, Phase::Thanked) => (s.thanks(), "status thanks"),
            (None, Phase::Saved) => (s.saved(), "status thanks"),
            (None, Phase::Failed) => (s.failed(), "status error"),
            (None, Phase::Refused) => (s.refused(), "status error"),
        };
        if text(status, "textContent") != message {
            status.set_text_content(Some(message));
        }
        status.set_class_name(class);

        // Focus follows what the visitor needs next.
        let was_finished = matches!(before.phase, Phase::Thanked | Phase::Saved | Phase::Refused);
        if now.open && !before.open {
            // Nothing focused (the body) counts as the launcher: it is what the whole widget
            // replaced when it took over from the launcher build on a click.
            let body = object(&self.document, "body");
            self.opener.set(self.document.active_element().filter(|el| *el != self.host && body.as_ref() != Some(el.as_ref())));
        }
        let _ = if now.open && (!before.open || (finished && !was_finished)) {
            if finished { done.focus() } else { self.rating_stop().focus() }
        } else if !now.open && before.open {
            // Anything focusable has focus(); were it missing, the call fails and nothing happens.
            match self.opener.take() {
                Some(opener) => opener.unchecked_into::<HtmlElement>().focus(),
                None => self.el::<HtmlElement>(LAUNCHER).focus(),
            }
        } else if now.open && before.restored && !now.restored && now.editable() {
            // Discard hides the button that had focus: the emptied form's first stop takes it.
            self.rating_stop().focus()
        } else if now.invalid != before.invalid && now.invalid == Some(Invalid::NeedRating) {
            self.rating_stop().focus()
        } else if now.invalid != before.invalid && now.invalid == Some(Invalid::BadEmail) {
            email.focus()
        } else {
            Ok(())
        };
    }

    /// The radio that takes focus: the chosen one, else the first.
    #[cfg(feature = "dialog")]
    fn rating_stop(&self) -> &HtmlElement {
        let radios = &self.els[RADIOS..];
        let checked = radios.iter().position(|r| get(r, "checked").as_bool() == Some(true));
        self.el(RADIOS + checked.unwrap_or(0))
    }
}

impl Drop for View {
    fn drop(&mut self) {
        self.parts.host.remove();
    }
}

/// Milliseconds since 1970, as the page's clock says.
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The site's `localStorage`, unless the browser refuses it (private modes, blocked cookies).
pub(crate) fn storage() -> Option<web_sys::Storage> {
    window().ok()?.local_storage().ok().flatten()
}

/// The text kept in the site's storage under `key`, if any and if storage can be read.
pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key` in the site's storage, or removes the key for `None`; a browser
/// that refuses (full, or storage blocked) leaves things as they were.
pub fn store(key: &str, value: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// Writes one `[platinum]` error line to the console.
pub fn report(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&join(&["[platinum] ", message])));
}

/// Writes one `[platinum]` warning line to the console.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&join(&["[platinum] ", message])));
}
