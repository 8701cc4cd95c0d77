//! The entry points JavaScript calls: `boot` from the loader, and `init`, `open`, `close` behind `window.Platinum`.
//!
//! In the launcher build (no `dialog` feature) opening asks the loader for the whole widget, which
//! is booted in its place with the same configuration and opens at once.
//!
//! Nothing here throws into the host page: every problem becomes one `[platinum]` console line.
//! The shipped build turns a panic into a trap (`panic=immediate-abort`); the loader catches
//! the resulting `WebAssembly.RuntimeError`, reports it the same way and removes the widget.

use crate::config::{Config, ConfigWarning, Source};
use crate::i18n::Lang;
#[cfg(feature = "dialog")]
use crate::identity::IDENTIFY_KEYS;
use crate::identity::Identity;
use crate::metadata::Metadata;
#[cfg(feature = "dialog")]
use crate::courier;
use crate::dom::{self, View};
use crate::state::Event;
#[cfg(feature = "dialog")]
use crate::{
    draft::{Draft, DraftAction},
    state::{Command, Phase, Widget},
};
use std::cell::Cell;
use crate::text::join;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The version written into every payload.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One mounted widget: its configuration, state and DOM.
struct App {
    config: Config,
    /// Where the configuration came from, and what it said: to build the widget again in its
    /// language's words when they arrive after it was built.
    #[cfg(feature = "dialog")]
    source: Source,
    #[cfg(feature = "dialog")]
    entries: Vec<(String, String)>,
    #[cfg(feature = "dialog")]
    widget: RefCell<Widget>,
    view: RefCell<Option<View>>,
    /// The id and rating of the response this page handed out last, for the `delivered` event.
    #[cfg(feature = "dialog")]
    sent: RefCell<Option<(String, u8)>>,
}

thread_local! {
    static APP: RefCell<Option<Rc<App>>> = const { RefCell::new(None) };
    /// The loader's `{ upgrade, emit, quiet, init, calls, fired }`, kept from `boot`.
    static LOADER: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
    /// The visitor named by `Platinum.identify`; until then, the configuration's `data-user-*`.
    static IDENTITY: RefCell<Option<Identity>> = const { RefCell::new(None) };
    /// What `Platinum.setMetadata` set, kept across `init` and `destroy`.
    static METADATA: RefCell<Metadata> = RefCell::new(Metadata::default());
    /// Whether configuration warnings are left unsaid: the launcher said them already.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Mounts the widget from the `<script>` tag's `data-*` attributes, given as a plain object.
/// `exports` are the widget's own exports, through which delivery asks the core for its
/// decisions; `loader` is `{ upgrade, emit, locale, quiet, init, calls, fired, text }`: the function the
/// launcher calls to be replaced by the whole widget, the one that tells the owner's `Platinum.on`
/// callbacks, the one that fetches a language's locale file (and hands its text to [`strings`]),
/// and, when the whole widget takes over from the launcher, that its
/// warnings were said already, the `init` options the launcher was mounted with and the
/// `[name, argument]` pairs of the `identify` and `setMetadata` calls it was given, whether a
/// trigger opened it, and the text of the locale file the launcher asked for.
///
/// The whole widget also starts delivering what this and earlier pages of the site left waiting.
/// A tag without any `data-*` attribute mounts nothing and waits for `Platinum.init`.
#[wasm_bindgen]
pub fn boot(attributes: JsValue, exports: JsValue, loader: JsValue) {
    #[cfg(feature = "dialog")]
    courier::start(&exports);
    #[cfg(not(feature = "dialog"))]
    let _ = exports;
    let quiet = dom::get(&loader, "quiet").is_truthy();
    let init = dom::get(&loader, "init");
    let calls = dom::get(&loader, "calls");
    #[cfg(feature = "dialog")]
    {
        dom::watch::took_over(&loader);
        if let Some(file) = dom::get(&loader, "text").as_string() {
            crate::i18n::load(file);
        }
    }
    LOADER.with(|l| *l.borrow_mut() = loader);
    // The launcher left these to the whole widget, which says what is wrong with them.
    #[cfg(feature = "dialog")]
    if calls.is_object() {
        for call in calls.unchecked_into::<js_sys::Array>().iter() {
            let call: js_sys::Array = call.unchecked_into();
            match call.get(0).as_string().as_deref() {
                Some("identify") => identify(call.get(1)),
                Some("setMetadata") => set_metadata(call.get(1)),
                _ => {}
            }
        }
    }
    #[cfg(not(feature = "dialog"))]
    let _ = calls;
    QUIET.with(|q| q.set(quiet));
    let (source, entries) = if init.is_object() { (Source::Options, entries(&init)) } else { (Source::Attributes, entries(&attributes)) };
    if !entries.is_empty() {
        mount(source, &entries);
    }
    QUIET.with(|q| q.set(false));
}

/// `Platinum.init({ endpoint, lang, theme, position, accent, label, title, prompt, askEmail, launcher })`:
/// mounts the widget, replacing one already mounted.
#[wasm_bindgen]
pub fn init(options: JsValue) {
    if !options.is_object() {
        dom::report("Platinum.init expects an object such as { endpoint: \"https://api.example.com/feedback\" }");
        return;
    }
    unmount();
    mount(Source::Options, &entries(&options));
}

/// Takes the text of a locale file fetched after the widget was built in English (it started
/// by delivering what earlier pages left, or `init` changed its language) and builds the widget
/// again in those words, unless the visitor has the dialog open: then they come with the next page.
#[cfg(feature = "dialog")]
#[wasm_bindgen]
pub fn strings(file: String) {
    let Some(lang) = crate::i18n::load(file) else { return };
    let closed = |app: &&Rc<App>| app.config.lang == lang && !app.widget.borrow().open;
    if let Some((source, entries)) = APP.with(|a| a.borrow().as_ref().filter(closed).map(|app| (app.source, app.entries.clone()))) {
        unmount();
        QUIET.with(|q| q.set(true));
        mount(source, &entries);
        QUIET.with(|q| q.set(false));
    }
}

/// Asks the loader for the locale file of `lang`, unless it is English (built in) or here already.
/// The launcher asks so the file is on its way before the dialog is wanted; the whole widget, which
/// the loader gives the file when it takes over, asks only when it began without it.
fn fetch_words(lang: Lang) {
    #[cfg(feature = "dialog")]
    if crate::i18n::loaded(lang) {
        return;
    }
    let locale = LOADER.with(|l| dom::get(&l.borrow(), "locale"));
    if let Some(locale) = locale.dyn_ref::<js_sys::Function>().filter(|_| lang != Lang::En) {
        let _ = locale.call1(&JsValue::UNDEFINED, &JsValue::from_str(lang.tag()));
    }
}

/// `Platinum.identify({ id, email, name })`: the signed-in visitor, sent as `user` with every
/// later response; the email also fills the email field. `Platinum.identify(null)` forgets them.
///
/// The launcher build has neither this nor `setMetadata`: the loader keeps such calls for the
/// whole widget, the only one that sends anything.
#[cfg(feature = "dialog")]
#[wasm_bindgen]
pub fn identify(visitor: JsValue) {
    let (identity, warnings) = if visitor.is_object() {
        let member = |key| dom::get(&visitor, key).as_string().unwrap_or_default();
        Identity::parse(&member("id"), &member("email"), &member("name"), IDENTIFY_KEYS)
    } else if visitor.is_null() {
        (Identity::default(), Vec::new())
    } else {
        return dom::report("Platinum.identify expects an object such as { id: \"42\", email: \"ana@example.com\", name: \"Ana\" }");
    };
    say(&warnings);
    IDENTITY.with(|i| *i.borrow_mut() = Some(identity.clone()));
    #[cfg(feature = "dialog")]
    with_app(|app| dispatch(app, Event::Identify(identity)));
}

/// `Platinum.setMetadata({ plan: "pro" })`: facts sent as `metadata` with every later response,
/// merged into those set before; a `null` value removes its key.
#[cfg(feature = "dialog")]
#[wasm_bindgen(js_name = setMetadata)]
pub fn set_metadata(facts: JsValue) {
    if !facts.is_object() {
        return dom::report("Platinum.setMetadata expects an object of text values such as { plan: \"pro\" }");
    }
    let changes: Vec<(String, Option<String>)> = js_sys::Object::entries(facts.unchecked_ref())
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, text_of(&pair.get(1))))
        })
        .collect();
    let warnings = METADATA.with(|m| m.borrow_mut().merge(changes.iter().map(|(k, v)| (k.as_str(), v.as_deref()))));
    say(&warnings);
    #[cfg(feature = "dialog")]
    with_app(|app| app.widget.borrow_mut().metadata = METADATA.with(|m| m.borrow().clone()));
}

/// Writes each warning as one `[platinum]` line, unless the launcher said them already.
fn say(warnings: &[ConfigWarning]) {
    if !QUIET.with(Cell::get) {
        for warning in warnings {
            dom::warn(&warning.message());
        }
    }
}

/// `Platinum.open()`: opens the dialog.
#[wasm_bindgen]
pub fn open() {
    with_app(|app| dispatch(app, Event::Open));
}

/// `Platinum.close()`: closes the dialog.
#[wasm_bindgen]
pub fn close() {
    with_app(|app| dispatch(app, Event::Close));
}

/// `Platinum.destroy()`: removes the widget and its listeners from the page.
#[wasm_bindgen]
pub fn destroy() {
    unmount();
}

fn with_app(f: impl FnOnce(&Rc<App>)) {
    if let Some(app) = APP.with(|a| a.borrow().clone()) {
        f(&app);
    }
}

fn unmount() {
    dom::watch::stop();
    if let Some(app) = APP.with(|a| a.borrow_mut().take()) {
        app.view.borrow_mut().take();
    }
}

/// Reads `{ key: value }` pairs; booleans and numbers become their text, null and undefined are unset.
fn entries(value: &JsValue) -> Vec<(String, String)> {
    if !value.is_object() {
        return Vec::new();
    }
    js_sys::Object::entries(value.unchecked_ref())
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, text_of(&pair.get(1))?))
        })
        .collect()
}

/// A value as text: booleans and numbers become their text; null and undefined are none.
fn text_of(value: &JsValue) -> Option<String> {
    Some(if value.is_null() || value.is_undefined() {
        return None;
    } else if let Some(b) = value.as_bool() {
        (if b { "true" } else { "false" }).to_owned()
    } else if let Some(s) = value.as_string() {
        s
    } else {
        String::from(value.unchecked_ref::<js_sys::Object>().to_string())
    })
}

fn mount(source: Source, entries: &[(String, String)]) {
    let window = match dom::window() {
        Ok(w) => w,
        Err(e) => return dom::report(&e.message()),
    };
    if dom::already_mounted(&window) {
        return dom::warn("a Platinum widget is already on this page; this copy of the script does nothing.");
    }
    let parsed = match Config::parse(source, entries.iter().map(|(k, v)| (k.as_str(), v.as_str())), &dom::preferred_languages(&window)) {
        Ok(p) => p,
        Err(e) => return dom::report(&join(&[&e.message(), ". The widget is not shown."])),
    };
    say(&parsed.warnings);
    let config = parsed.config;
    fetch_words(config.lang);
    let app = Rc::new(App {
        #[cfg(feature = "dialog")]
        widget: RefCell::new({
            let identity = IDENTITY.with(|i| i.borrow().clone()).unwrap_or_else(|| config.identity.clone());
            let mut widget = Widget::with(config.scale, identity, config.lang.tag(), WIDGET_VERSION, config.ask_email);
            widget.metadata = METADATA.with(|m| m.borrow().clone());
            widget
        }),
        config,
        #[cfg(feature = "dialog")]
        source,
        #[cfg(feature = "dialog")]
        entries: entries.to_vec(),
        view: RefCell::new(None),
        #[cfg(feature = "dialog")]
        sent: RefCell::new(None),
    });
    let weak = Rc::downgrade(&app);
    // Listeners hold only a weak reference, so dropping the app drops the view and its listeners.
    let dispatcher: Rc<dyn Fn(Event)> = Rc::new(move |event| {
        if let Some(app) = weak.upgrade() {
            dispatch(&app, event);
        }
    });
    match View::mount(&app.config, dispatcher) {
        Ok(view) => {
            #[cfg(feature = "dialog")]
            {
                let widget = app.widget.borrow().clone();
                view.render(&widget, &widget);
            }
            dom::watch::start(&app.config, &view);
            *app.view.borrow_mut() = Some(view);
            APP.with(|a| *a.borrow_mut() = Some(app.clone()));
            // What the visitor typed before a reload or a crash comes back, with a note.
            #[cfg(feature = "dialog")]
            if let Some(draft) = dom::stored(DRAFT).and_then(|d| Draft::decode(&d, app.config.scale, dom::now_ms())) {
                dispatch(&app, Event::Restore(draft));
            }
        }
        Err(e) => {
            dom::remove_hosts(&window);
            dom::report(&e.message());
        }
    }
}

/// The launcher's only answer to events: opening asks the loader for the whole widget.
#[cfg(not(feature = "dialog"))]
fn dispatch(_app: &Rc<App>, event: Event) {
    if matches!(event, Event::Open | Event::Toggle) {
        let upgrade = LOADER.with(|l| dom::get(&l.borrow(), "upgrade"));
        if let Some(upgrade) = upgrade.dyn_ref::<js_sys::Function>()
            // Whether a trigger opened it: the whole widget does not fire one again on this page.
            && let Err(e) = upgrade.call1(&JsValue::UNDEFINED, &JsValue::from_bool(dom::watch::fired()))
        {
            dom::report(&join(&["could not open the dialog: ", &dom::describe(&e)]));
        }
    }
}

#[cfg(feature = "dialog")]
fn dispatch(app: &Rc<App>, event: Event) {
    let (before, now, command) = {
        let mut widget = app.widget.borrow_mut();
        let before = widget.clone();
        let command = widget.update(event);
        (before, widget.clone(), command)
    };
    if let Some(view) = app.view.borrow().as_ref() {
        view.render(&before, &now);
    }
    match now.draft(dom::now_ms()) {
        DraftAction::Save(draft) => dom::store(DRAFT, Some(&draft)),
        DraftAction::Remove => dom::store(DRAFT, None),
        DraftAction::Keep => {}
    }
    // Closed or sent: the cooldown keeps triggers away from this visitor for a while.
    if (before.open && !now.open) || matches!(command, Some(Command::Deliver(_))) {
        dom::watch::asked();
    }
    let scale = now.scale().name();
    if now.open != before.open {
        emit(if now.open { "open" } else { "close" }, None, None, scale);
    }
    if now.phase == Phase::Thanked && before.phase != Phase::Thanked
        && let Some((id, rating)) = app.sent.borrow().as_ref()
    {
        emit("delivered", Some(id), Some(*rating), scale);
    }
    if let Some(Command::Deliver(feedback)) = command {
        // Try again sends the same response (the same id): the owner heard of it already.
        let again = app.sent.replace(Some((feedback.id.clone(), feedback.rating))).is_some_and(|(id, _)| id == feedback.id);
        if !again {
            emit("submit", Some(&feedback.id), Some(feedback.rating), scale);
        }
        if !courier::submit(&app.config.endpoint, &feedback.id, &feedback.to_json()) {
            dispatch(app, Event::Failed(feedback.id));
        }
    }
}

/// Where the open, unsent form is kept, so a reload or a crash loses nothing.
#[cfg(feature = "dialog")]
const DRAFT: &str = "platinum:draft";

/// Tells the owner's `Platinum.on(name, …)` callbacks, through the loader, which catches what
/// they throw: `{ scale }`, with the response's `id` and `rating` when there is one.
#[cfg(feature = "dialog")]
fn emit(name: &str, id: Option<&str>, rating: Option<u8>, scale: &str) {
    let emit = LOADER.with(|l| dom::get(&l.borrow(), "emit"));
    let Some(emit) = emit.dyn_ref::<js_sys::Function>() else { return };
    let detail = js_sys::Object::new();
    let set = |key: &str, value: JsValue| js_sys::Reflect::set(&detail, &JsValue::from_str(key), &value);
    let _ = set("scale", JsValue::from_str(scale));
    if let Some(id) = id {
        let _ = set("id", JsValue::from_str(id));
    }
    if let Some(rating) = rating {
        let _ = set("rating", JsValue::from(rating));
    }
    let _ = emit.call2(&JsValue::UNDEFINED, &JsValue::from_str(name), &detail);
}

/// Tells the widget what became of a response; it acts only on the visitor's current one.
#[cfg(feature = "dialog")]
pub(crate) fn answered(event: Event) {
    with_app(|app| dispatch(app, event));
}

/// The mounted widget's state, for the triggers; `None` while it is being changed.
#[cfg(feature = "dialog")]
pub(crate) fn widget() -> Option<Widget> {
    APP.with(|a| a.borrow().as_ref().and_then(|app| app.widget.try_borrow().ok().map(|w| w.clone())))
}
