//! The entry points JavaScript calls: `boot` from the loader, and `init`, `open`, `close` behind `window.Platinum`.
//!
//! In the launcher build (no `dialog` feature) opening asks the loader for the whole widget, which
//! is booted in its place with the same configuration and opens at once.
//!
//! Nothing here throws into the host page: every problem becomes one `[platinum]` console line.
//! The shipped build turns a panic into a trap (`panic=immediate-abort`); the loader catches
//! the resulting `WebAssembly.RuntimeError`, reports it the same way and removes the widget.

use crate::config::{Config, Source};
#[cfg(feature = "dialog")]
use crate::courier;
use crate::dom::{self, View};
use crate::state::Event;
#[cfg(feature = "dialog")]
use crate::state::{Command, Widget};
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
    #[cfg(feature = "dialog")]
    widget: RefCell<Widget>,
    view: RefCell<Option<View>>,
}

thread_local! {
    static APP: RefCell<Option<Rc<App>>> = const { RefCell::new(None) };
    /// The loader's `{ upgrade, quiet, init, fired }`, kept from `boot`.
    static LOADER: RefCell<JsValue> = RefCell::new(JsValue::UNDEFINED);
    /// Whether configuration warnings are left unsaid: the launcher said them already.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Mounts the widget from the `<script>` tag's `data-*` attributes, given as a plain object.
/// `exports` are the widget's own exports, through which delivery asks the core for its
/// decisions; `loader` is `{ upgrade, quiet, init, fired }`: the function the launcher calls to be
/// replaced by the whole widget, and, when the whole widget takes over from the launcher, that
/// its warnings were said already, the `init` options the launcher was mounted with and whether
/// a trigger opened it.
///
/// The whole widget also starts delivering what this and earlier pages of the site left waiting.
/// A tag without any `data-*` attribute mounts nothing and waits for `Platinum.init`.
#[wasm_bindgen]
pub fn boot(attributes: JsValue, exports: JsValue, loader: JsValue) {
    #[cfg(feature = "dialog")]
    courier::start(&exports);
    #[cfg(not(feature = "dialog"))]
    let _ = exports;
    QUIET.with(|q| q.set(dom::get(&loader, "quiet").is_truthy()));
    let init = dom::get(&loader, "init");
    #[cfg(feature = "dialog")]
    dom::watch::took_over(&loader);
    LOADER.with(|l| *l.borrow_mut() = loader);
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
            let key = pair.get(0).as_string()?;
            let value = pair.get(1);
            let text = if value.is_null() || value.is_undefined() {
                return None;
            } else if let Some(b) = value.as_bool() {
                (if b { "true" } else { "false" }).to_owned()
            } else if let Some(s) = value.as_string() {
                s
            } else {
                String::from(value.unchecked_into::<js_sys::Object>().to_string())
            };
            Some((key, text))
        })
        .collect()
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
    if !QUIET.with(Cell::get) {
        for warning in &parsed.warnings {
            dom::warn(&warning.message());
        }
    }
    let config = parsed.config;
    let app = Rc::new(App {
        #[cfg(feature = "dialog")]
        widget: RefCell::new(Widget::new(config.lang.tag(), WIDGET_VERSION, config.ask_email)),
        config,
        view: RefCell::new(None),
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
            APP.with(|a| *a.borrow_mut() = Some(app));
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
    // Closed or sent: the cooldown keeps triggers away from this visitor for a while.
    if (before.open && !now.open) || matches!(command, Some(Command::Deliver(_))) {
        dom::watch::asked();
    }
    if let Some(Command::Deliver(feedback)) = command
        && !courier::submit(&app.config.endpoint, &feedback.id, &feedback.to_json())
    {
        dispatch(app, Event::Failed(feedback.id));
    }
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
