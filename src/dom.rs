//! The widget's DOM: the only module that touches `window` and `document`.
//!
//! It builds the widget once inside an open shadow root on `<platinum-feedback>`, turns the
//! visitor's clicks and keys into [`Event`]s, and renders a [`Widget`] by updating that DOM in
//! place. Text from the owner or the visitor only ever goes in through `textContent`, values and
//! attributes.

use crate::config::Config;
use crate::i18n::Strings;
use crate::id::uuid_v4;
use crate::state::{Context, Event, Invalid, Phase, Widget};
use gloo_events::{EventListener, EventListenerOptions};
use platinum_payload::{MAX_COMMENT_CHARS, Page, Viewport};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement,
    KeyboardEvent, ShadowRoot, ShadowRootInit, ShadowRootMode, Window,
};

/// The custom element that hosts the widget's shadow root.
pub const HOST_TAG: &str = "platinum-feedback";

/// A DOM call failed; carries what was being done and the browser's message.
#[derive(Debug, thiserror::Error)]
#[error("could not {doing}: {message}")]
pub struct DomError {
    /// What the widget was doing.
    pub doing: &'static str,
    /// The browser's error, as text.
    pub message: String,
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
    web_sys::window().doing("find the window")
}

/// The visitor's preferred languages, most preferred first.
pub fn preferred_languages(window: &Window) -> Vec<String> {
    window.navigator().languages().iter().filter_map(|l| l.as_string()).collect()
}

/// Whether a widget is already on the page (perhaps from another copy of the script).
pub fn already_mounted(window: &Window) -> bool {
    window.document().and_then(|d| d.query_selector(HOST_TAG).ok().flatten()).is_some()
}

/// Removes any widget host from the page; used when the widget must give up.
pub fn remove_hosts(window: &Window) {
    if let Some(Ok(hosts)) = window.document().map(|d| d.query_selector_all(HOST_TAG)) {
        for i in 0..hosts.length() {
            if let Some(host) = hosts.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                host.remove();
            }
        }
    }
}

/// Gathers the page facts a response carries, with a fresh id.
fn context(window: &Window, document: &Document, honeypot: &HtmlInputElement) -> Result<Context, DomError> {
    let mut bytes = [0u8; 16];
    window.crypto().doing("reach crypto")?.get_random_values_with_u8_array(&mut bytes).doing("make a random id")?;
    let size = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).map_or(0, |px| px.clamp(0.0, 100_000.0) as u32);
    Ok(Context {
        id: uuid_v4(bytes),
        created_at: String::from(js_sys::Date::new_0().to_iso_string()),
        page: Page {
            url: document.url().unwrap_or_default(),
            title: document.title(),
            referrer: document.referrer(),
        },
        user_agent: window.navigator().user_agent().unwrap_or_default(),
        viewport: Viewport { width: size(window.inner_width()), height: size(window.inner_height()) },
        honeypot: honeypot.value(),
    })
}

/// The built widget: its elements and the listeners that feed events back.
pub struct View {
    window: Window,
    host: Element,
    root: ShadowRoot,
    launcher: HtmlButtonElement,
    dialog: HtmlElement,
    form: Element,
    radios: Vec<HtmlInputElement>,
    comment: HtmlTextAreaElement,
    counter: Element,
    email: Option<HtmlInputElement>,
    status: Element,
    send: HtmlButtonElement,
    done: HtmlButtonElement,
    close: HtmlButtonElement,
    strings: &'static Strings,
    /// Dropping the view removes every listener with it.
    listeners: Vec<EventListener>,
}

/// Creates `<tag class=…>` under `parent`.
fn child(document: &Document, parent: &Element, tag: &str, class: &str) -> Result<Element, DomError> {
    let el = document.create_element(tag).doing("create an element")?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    parent.append_child(&el).doing("attach an element")?;
    Ok(el)
}

fn attrs(el: &Element, pairs: &[(&str, &str)]) -> Result<(), DomError> {
    for (name, value) in pairs {
        el.set_attribute(name, value).doing("set an attribute")?;
    }
    Ok(())
}

fn cast<T: JsCast>(el: Element) -> Result<T, DomError> {
    el.dyn_into::<T>().map_err(|_| DomError { doing: "build the widget", message: "unexpected element type".into() })
}

impl View {
    /// Builds the widget and appends its host to `<body>`; `dispatch` receives every event.
    pub fn mount(config: &Config, dispatch: Rc<dyn Fn(Event)>) -> Result<View, DomError> {
        let window = window()?;
        let document = window.document().doing("find the document")?;
        let body = document.body().doing("find <body>")?;
        let strings = config.lang.strings();

        let host = document.create_element(HOST_TAG).doing("create the host element")?;
        let init = ShadowRootInit::new(ShadowRootMode::Open);
        let root = host.attach_shadow(&init).doing("attach a shadow root")?;
        let sheet = CssStyleSheet::new().doing("create a stylesheet")?;
        sheet.replace_sync(&crate::style::stylesheet(config)).doing("fill the stylesheet")?;
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));

        let wrap = document.create_element("div").doing("create an element")?;
        wrap.set_class_name("w");
        attrs(&wrap, &[("lang", config.lang.tag())])?;
        root.append_child(&wrap).doing("fill the shadow root")?;

        let launcher: HtmlButtonElement = cast(child(&document, &wrap, "button", "launcher")?)?;
        attrs(&launcher, &[("type", "button"), ("aria-haspopup", "dialog"), ("aria-expanded", "false"), ("aria-controls", "pt-dialog")])?;
        launcher.set_text_content(Some(&config.label));

        let dialog: HtmlElement = cast(child(&document, &wrap, "div", "dialog")?)?;
        attrs(&dialog, &[("id", "pt-dialog"), ("role", "dialog"), ("aria-modal", "true"), ("aria-labelledby", "pt-title")])?;
        dialog.set_hidden(true);

        let head = child(&document, &dialog, "div", "head")?;
        let title = child(&document, &head, "h2", "")?;
        attrs(&title, &[("id", "pt-title")])?;
        title.set_text_content(Some(&config.title));
        let close: HtmlButtonElement = cast(child(&document, &head, "button", "close")?)?;
        attrs(&close, &[("type", "button"), ("aria-label", strings.close)])?;
        close.set_text_content(Some("×"));

        let status = child(&document, &dialog, "p", "status")?;
        attrs(&status, &[("role", "status"), ("aria-live", "polite"), ("id", "pt-status")])?;

        let form = child(&document, &dialog, "form", "")?;
        attrs(&form, &[("novalidate", "")])?;

        let scale = child(&document, &form, "div", "scale")?;
        attrs(&scale, &[("role", "radiogroup"), ("aria-labelledby", "pt-title"), ("aria-required", "true")])?;
        let mut radios = Vec::with_capacity(strings.ratings.len());
        for (i, word) in strings.ratings.iter().enumerate() {
            let point = (b'1' + i as u8) as char;
            let id = format!("pt-r{point}");
            let radio: HtmlInputElement = cast(child(&document, &scale, "input", "")?)?;
            attrs(&radio, &[("type", "radio"), ("name", "rating"), ("id", &id), ("value", point.encode_utf8(&mut [0; 4]))])?;
            let label = child(&document, &scale, "label", "")?;
            attrs(&label, &[("for", &id)])?;
            let number = child(&document, &label, "b", "")?;
            attrs(&number, &[("aria-hidden", "true")])?;
            number.set_text_content(Some(point.encode_utf8(&mut [0; 4])));
            child(&document, &label, "span", "")?.set_text_content(Some(word));
            radios.push(radio);
        }

        let comment_label = child(&document, &form, "label", "field")?;
        attrs(&comment_label, &[("for", "pt-comment")])?;
        child(&document, &comment_label, "span", "")?.set_text_content(Some(&config.prompt));
        let hint = child(&document, &comment_label, "span", "hint")?;
        attrs(&hint, &[("id", "pt-hint")])?;
        hint.set_text_content(Some(strings.prompt_hint));
        let comment: HtmlTextAreaElement = cast(child(&document, &form, "textarea", "")?)?;
        let max = MAX_COMMENT_CHARS.to_string();
        attrs(&comment, &[("id", "pt-comment"), ("maxlength", &max), ("rows", "4"), ("aria-describedby", "pt-hint pt-counter")])?;
        let counter = child(&document, &form, "span", "counter")?;
        attrs(&counter, &[("id", "pt-counter")])?;

        let email = if config.ask_email {
            let label = child(&document, &form, "label", "field")?;
            attrs(&label, &[("for", "pt-email")])?;
            child(&document, &label, "span", "")?.set_text_content(Some(strings.email));
            let hint = child(&document, &label, "span", "hint")?;
            attrs(&hint, &[("id", "pt-email-hint")])?;
            hint.set_text_content(Some(strings.email_hint));
            let input: HtmlInputElement = cast(child(&document, &form, "input", "")?)?;
            attrs(&input, &[("type", "email"), ("id", "pt-email"), ("autocomplete", "email"), ("aria-describedby", "pt-email-hint")])?;
            Some(input)
        } else {
            None
        };

        // People never see or reach this field; form-filling bots do, which marks them.
        let trap = child(&document, &form, "div", "trap")?;
        attrs(&trap, &[("aria-hidden", "true")])?;
        let honeypot: HtmlInputElement = cast(child(&document, &trap, "input", "")?)?;
        attrs(&honeypot, &[("name", "website"), ("tabindex", "-1"), ("autocomplete", "off"), ("aria-label", "website")])?;
        let honeypot = Rc::new(honeypot);

        let actions = child(&document, &form, "div", "actions")?;
        let send: HtmlButtonElement = cast(child(&document, &actions, "button", "primary")?)?;
        attrs(&send, &[("type", "submit")])?;
        let done: HtmlButtonElement = cast(child(&document, &dialog, "button", "primary done")?)?;
        attrs(&done, &[("type", "button")])?;
        done.set_text_content(Some(strings.close));
        done.set_hidden(true);

        body.append_child(&host).doing("add the widget to <body>")?;

        let mut listeners = Vec::new();
        let on = |target: &web_sys::EventTarget, kind: &'static str, f: Box<dyn Fn(&web_sys::Event)>| {
            EventListener::new_with_options(target, kind, EventListenerOptions::enable_prevent_default(), move |e| f(e))
        };
        let d = dispatch.clone();
        let toggle_from = launcher.clone();
        listeners.push(on(&launcher, "click", Box::new(move |_| {
            let open = toggle_from.get_attribute("aria-expanded").as_deref() == Some("true");
            d(if open { Event::Close } else { Event::Open });
        })));
        for target in [&close, &done] {
            let d = dispatch.clone();
            listeners.push(on(target, "click", Box::new(move |_| d(Event::Close))));
        }
        for (i, radio) in radios.iter().enumerate() {
            let d = dispatch.clone();
            let point = i as u8 + 1;
            listeners.push(on(radio, "change", Box::new(move |_| d(Event::Rate(point)))));
        }
        {
            let d = dispatch.clone();
            let field = comment.clone();
            listeners.push(on(&comment, "input", Box::new(move |_| d(Event::Comment(field.value())))));
        }
        if let Some(input) = &email {
            let d = dispatch.clone();
            let field = input.clone();
            listeners.push(on(input, "input", Box::new(move |_| d(Event::Email(field.value())))));
        }
        {
            let d = dispatch.clone();
            let (w, doc, trap) = (window.clone(), document.clone(), honeypot.clone());
            listeners.push(on(&form, "submit", Box::new(move |e| {
                e.prevent_default();
                match context(&w, &doc, &trap) {
                    Ok(context) => d(Event::Submit(context)),
                    Err(err) => report(&err.to_string()),
                }
            })));
        }
        let view = View { window, host, root, launcher, dialog, form, radios, comment, counter, email, status, send, done, close, strings, listeners };
        let keys = view.keyboard(dispatch);
        let mut view = view;
        view.listeners.push(keys);
        Ok(view)
    }

    /// Escape closes; Tab and Shift+Tab cycle inside the open dialog.
    fn keyboard(&self, dispatch: Rc<dyn Fn(Event)>) -> EventListener {
        let root = self.root.clone();
        // The close button is always the first stop; the last is Send, or Close once finished.
        let first: HtmlElement = self.close.clone().into();
        let lasts: [HtmlElement; 2] = [self.send.clone().into(), self.done.clone().into()];
        EventListener::new_with_options(&self.dialog, "keydown", EventListenerOptions::enable_prevent_default(), move |e| {
            let Some(key) = e.dyn_ref::<KeyboardEvent>() else { return };
            match key.key().as_str() {
                "Escape" => {
                    e.prevent_default();
                    dispatch(Event::Close);
                }
                "Tab" => {
                    let Some(last) = lasts.iter().find(|el| el.offset_parent().is_some()) else { return };
                    let active = root.active_element();
                    let at = |el: &HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<Element>());
                    let to = match (key.shift_key(), active.is_none()) {
                        (_, true) => Some(&first),
                        (true, false) if at(&first) => Some(last),
                        (false, false) if at(last) => Some(&first),
                        _ => None,
                    };
                    if let Some(to) = to {
                        e.prevent_default();
                        let _ = to.focus();
                    }
                }
                _ => {}
            }
        })
    }

    /// Updates the DOM to show `now`; `before` tells which focus moves are due.
    pub fn render(&self, before: &Widget, now: &Widget) {
        let s = self.strings;
        let _ = self.launcher.set_attribute("aria-expanded", if now.open { "true" } else { "false" });
        self.dialog.set_hidden(!now.open);

        let finished = matches!(now.phase, Phase::Thanked | Phase::Saved | Phase::Refused);
        let _ = self.form.toggle_attribute_with_force("hidden", finished);
        self.done.set_hidden(!finished);

        for (i, radio) in self.radios.iter().enumerate() {
            radio.set_checked(now.rating == Some(i as u8 + 1));
        }
        if self.comment.value() != now.comment {
            self.comment.set_value(&now.comment);
        }
        if let Some(email) = &self.email {
            if email.value() != now.email {
                email.set_value(&now.email);
            }
            email.set_read_only(!now.editable());
            let _ = email.set_attribute("aria-invalid", if now.invalid == Some(Invalid::BadEmail) { "true" } else { "false" });
        }
        self.comment.set_read_only(!now.editable());
        let used = now.comment.encode_utf16().count();
        self.counter.set_text_content(Some(&s.counter(used, MAX_COMMENT_CHARS)));

        let sending = now.phase == Phase::Sending;
        self.send.set_text_content(Some(match now.phase {
            Phase::Sending => s.sending,
            Phase::Failed => s.retry,
            _ => s.send,
        }));
        // aria-disabled rather than disabled keeps focus on the button while it works.
        let _ = self.send.set_attribute("aria-disabled", if sending { "true" } else { "false" });
        let _ = self.form.set_attribute("aria-busy", if sending { "true" } else { "false" });

        let (text, class) = match (now.invalid, now.phase) {
            (Some(Invalid::NeedRating), _) => (s.need_rating.to_owned(), "status error"),
            (Some(Invalid::BadEmail), _) => (s.bad_email.to_owned(), "status error"),
            (None, Phase::Editing) => (String::new(), "status"),
            (None, Phase::Sending) => (s.sending.to_owned(), "status"),
            (None, Phase::Thanked) => (format!("{} {}", s.thanks, s.thanks_body), "status thanks"),
            (None, Phase::Saved) => (s.saved.to_owned(), "status thanks"),
            (None, Phase::Failed) => (s.failed.to_owned(), "status error"),
            (None, Phase::Refused) => (s.refused.to_owned(), "status error"),
        };
        if self.status.text_content().unwrap_or_default() != text {
            self.status.set_text_content(Some(&text));
        }
        self.status.set_class_name(class);

        // Focus follows what the visitor needs next.
        if now.open && !before.open {
            let _ = if finished { self.done.focus() } else { self.rating_stop().focus() };
        } else if !now.open && before.open {
            let _ = self.launcher.focus();
        } else if now.open && finished && !matches!(before.phase, Phase::Thanked | Phase::Saved | Phase::Refused) {
            let _ = self.done.focus();
        } else if now.invalid == Some(Invalid::NeedRating) && before.invalid != now.invalid {
            let _ = self.rating_stop().focus();
        } else if now.invalid == Some(Invalid::BadEmail) && before.invalid != now.invalid {
            if let Some(email) = &self.email {
                let _ = email.focus();
            }
        }
    }

    /// The radio that takes focus: the chosen one, else the first.
    fn rating_stop(&self) -> &HtmlElement {
        self.radios.iter().find(|r| r.checked()).or(self.radios.first()).map_or(&self.close, |r| r.unchecked_ref())
    }

    /// The window the widget lives in.
    pub fn window(&self) -> &Window {
        &self.window
    }
}

impl Drop for View {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// Writes one `[platinum]` error line to the console.
pub fn report(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&format!("[platinum] {message}")));
}

/// Writes one `[platinum]` warning line to the console.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("[platinum] {message}")));
}
