//! When the widget appears, in the browser: observes what the owner's triggers and `showOn` / `hideOn` patterns need, and keeps the visitor's pacing record.
//!
//! The decisions are the pure core's ([`Watch::open_now`], [`may_trigger`], [`shown`]); this
//! module observes and acts on them. It attaches only what the configuration needs: a timer for
//! `triggerAfter`, a scroll listener for `triggerScroll`, a `mouseout` listener for `triggerExit`
//! (fine pointers only), and for `showOn` / `hideOn` a `popstate` listener and wrappers around
//! `history.pushState` and `history.replaceState`, which are how single-page apps change the path.
//! Nothing at all without a trigger or a pattern. The [`Watcher`] owns all of it and takes it off
//! the page when dropped.
//!
//! A page view is a page load: the launcher counts it, the whole widget taking over does not
//! count it again, and a single-page app's navigation is not one (it would count every tab
//! change of an app as a visit).

use super::{View, get, now_ms, text};
use crate::config::Config;
use crate::pacing::{VISITOR_KEY, Visitor, may_trigger};
use crate::state::Event;
use crate::target::shown;
use crate::trigger::{Seen, Triggers, Watch};
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use web_sys::{Element, EventTarget, Window};

#[wasm_bindgen(inline_js = "export function wrap(h, n, after) {
  var original = h[n], on = true;
  if (typeof original != 'function') return function () {};
  function wrapper() {
    var result = original.apply(this, arguments);
    if (on) try { after(); } catch (e) { setTimeout(function () { throw e; }); }
    return result;
  }
  h[n] = wrapper;
  return function () { on = false; if (h[n] === wrapper) h[n] = original; };
}")]
extern "C" {
    /// Makes `history[name]` call `after` once the original ran, with the page's own `this` and
    /// arguments and result. An error of the original reaches the page as it would without the
    /// widget; the widget's own part never throws into it (a trap is rethrown from a timer, where
    /// the loader catches it). Returns what undoes it: the original comes back if the wrapper is
    /// still in place, and a wrapper the page put over it keeps working, ours doing nothing.
    #[wasm_bindgen(catch)]
    fn wrap(history: &JsValue, name: &str, after: &JsValue) -> Result<js_sys::Function, JsValue>;
}

thread_local! {
    /// The page's trigger memory: one trigger per page load, across `Platinum.init` and the takeover.
    static WATCH: RefCell<Watch> = RefCell::new(Watch::default());
    /// Whether this page load was counted as a page view.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
    /// The visitor's record as last stored; `None` when storage is unavailable (triggers never fire then).
    static VISITOR: Cell<Option<Visitor>> = const { Cell::new(None) };
    /// What watches for the mounted widget.
    static WATCHER: RefCell<Option<Watcher>> = const { RefCell::new(None) };
}

/// What a timer passes its callback: the measuring that a scroll asked for.
const SCROLLED: f64 = 2.0;
/// What a timer passes its callback: a look at the time on the page (and the first look).
const TICK: f64 = 1.0;
/// How long scrolling waits before it is measured: at most one measurement per tenth of a second.
const SCROLL_MS: i32 = 100;

/// What the callback works with.
struct Watching {
    window: Window,
    document: JsValue,
    /// The shadow root's wrapper: hiding it hides the launcher and the dialog.
    wrapper: Element,
    dispatch: Rc<dyn Fn(Event)>,
    /// The triggers that may fire for this visitor on this page; none when pacing says no.
    triggers: Triggers,
    show_on: Vec<String>,
    hide_on: Vec<String>,
    sample: u16,
    cooldown_days: u16,
    /// Whether the widget shows on the current path.
    shown: Cell<bool>,
    /// The furthest scrolled, in percent.
    scrolled: Cell<u8>,
    exit: Cell<bool>,
    timer: Cell<Option<i32>>,
    scroll_timer: Cell<Option<i32>>,
    /// The callback's function, for the timers.
    callback: OnceCell<JsValue>,
}

/// Everything attached for one mounted widget; dropping it takes it all off again.
pub struct Watcher {
    state: Rc<Watching>,
    callback: Closure<dyn Fn(web_sys::Event)>,
    listening: Vec<(EventTarget, &'static str)>,
    unwrap: Vec<js_sys::Function>,
}

/// Starts watching for `view`'s widget as `config` says; nothing when it names no trigger and no pattern.
pub fn start(config: &Config, view: &View) {
    let parts = &view.parts;
    let window = parts.window.clone();
    let mut triggers = config.triggers;
    let targeted = !config.show_on.is_empty() || !config.hide_on.is_empty();
    if triggers.any() {
        let mut record = load();
        if let Some(v) = record.as_mut()
            && !COUNTED.replace(true)
        {
            v.visit();
        }
        let record = record.filter(store);
        VISITOR.set(record);
        if !may_trigger(record.as_ref(), now_ms(), config.sample, config.cooldown_days) {
            triggers = Triggers::default();
        }
    }
    if !triggers.any() && !targeted {
        return;
    }
    let state = Rc::new(Watching {
        window,
        document: parts.document.clone().into(),
        wrapper: parts.els[0].clone(),
        dispatch: parts.dispatch.clone(),
        triggers,
        show_on: config.show_on.clone(),
        hide_on: config.hide_on.clone(),
        sample: config.sample,
        cooldown_days: config.cooldown_days,
        shown: Cell::new(true),
        scrolled: Cell::new(0),
        exit: Cell::new(false),
        timer: Cell::new(None),
        scroll_timer: Cell::new(None),
        callback: OnceCell::new(),
    });
    let handler = state.clone();
    let callback = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| handler.handle(&e));
    let function: JsValue = callback.as_ref().clone();
    let _ = state.callback.set(function.clone());
    let mut watcher = Watcher { state: state.clone(), callback, listening: Vec::new(), unwrap: Vec::new() };
    let window: &EventTarget = state.window.as_ref();
    let document: &EventTarget = state.document.unchecked_ref();
    if triggers.scroll_percent.is_some() {
        watcher.listen(window, "scroll");
    }
    if triggers.exit && state.window.match_media("(pointer: fine)").ok().flatten().is_some_and(|m| m.matches()) {
        watcher.listen(document, "mouseout");
    }
    if targeted {
        watcher.listen(window, "popstate");
        let history = get(&state.window, "history");
        for name in ["pushState", "replaceState"] {
            if let Ok(undo) = wrap(&history, name, &function) {
                watcher.unwrap.push(undo);
            }
        }
        // Before the first paint: the widget never flashes on a page it does not show on.
        state.target();
    }
    if triggers.any() {
        // The first look waits for the loader to have the launcher in hand, which opening needs.
        state.schedule(&state.timer, 0, TICK);
    }
    WATCHER.with(|w| *w.borrow_mut() = Some(watcher));
}

/// Stops watching: what [`start`] attached comes off the page.
pub fn stop() {
    let watcher = WATCHER.with(|w| w.borrow_mut().take());
    drop(watcher);
}

/// Notes that the visitor was asked now (they sent a response or closed the dialog), so that
/// the cooldown keeps the next trigger away; the launcher is never held back.
pub fn asked() {
    note_asked();
}

/// Whether a trigger opened the dialog on this page: the launcher tells the whole widget.
pub fn fired() -> bool {
    WATCH.with(|w| w.borrow().fired())
}

/// Takes over the launcher's memory of this page from `loader` (`{ quiet, fired }` when the whole
/// widget replaces the launcher): the page view is counted already, and whether a trigger fired.
pub fn took_over(loader: &JsValue) {
    if get(loader, "quiet").is_truthy() {
        COUNTED.set(true);
        WATCH.with(|w| *w.borrow_mut() = Watch::handed_over(get(loader, "fired").is_truthy()));
    }
}

impl Watcher {
    fn listen(&mut self, target: &EventTarget, kind: &'static str) {
        let options = web_sys::AddEventListenerOptions::new();
        // Scrolling never waits for the widget.
        options.set_passive(true);
        if target.add_event_listener_with_callback_and_add_event_listener_options(kind, self.callback.as_ref().unchecked_ref(), &options).is_ok() {
            self.listening.push((target.clone(), kind));
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        for (target, kind) in &self.listening {
            let _ = target.remove_event_listener_with_callback(kind, self.callback.as_ref().unchecked_ref());
        }
        for timer in [&self.state.timer, &self.state.scroll_timer] {
            if let Some(id) = timer.take() {
                self.state.window.clear_timeout_with_handle(id);
            }
        }
        for undo in &self.unwrap {
            let _ = undo.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Watching {
    /// Events, timers (which pass [`TICK`] or [`SCROLLED`]) and the history wrappers (which pass nothing).
    fn handle(&self, e: &JsValue) {
        match e.as_f64() {
            Some(SCROLLED) => {
                self.scroll_timer.set(None);
                self.measure();
            }
            Some(_) => {
                self.timer.set(None);
                self.measure();
            }
            None => match text(e, "type").as_str() {
                "scroll" => {
                    if self.scroll_timer.get().is_none() {
                        self.schedule(&self.scroll_timer, SCROLL_MS, SCROLLED);
                    }
                    return;
                }
                "mouseout" => {
                    // Leaving the window through its top edge, towards the tabs and the address bar.
                    if !get(e, "relatedTarget").is_null() || get(e, "clientY").as_f64().is_none_or(|y| y > 0.0) {
                        return;
                    }
                    self.exit.set(true);
                }
                // popstate, pushState, replaceState
                _ => self.target(),
            },
        }
        self.trigger();
    }

    /// Shows or hides the widget for the current path; hiding closes the dialog.
    fn target(&self) {
        let path = text(&get(&self.window, "location"), "pathname");
        let now = shown(&path, &self.show_on, &self.hide_on);
        if now != self.shown.replace(now) {
            let _ = self.wrapper.toggle_attribute_with_force("hidden", !now);
            if !now {
                (self.dispatch)(Event::Close);
            }
        }
    }

    /// Opens the dialog when a trigger says so, and looks again when `triggerAfter`'s time comes.
    fn trigger(&self) {
        if !self.triggers.any() || !self.shown.get() {
            return;
        }
        let page_views = VISITOR.get().map_or(0, |v| v.page_views);
        let ms_on_page = performance_now(&self.window);
        let seen = Seen { ms_on_page, scroll_percent: self.scrolled.get(), exit_intent: self.exit.get(), page_views };
        let allowed = may_trigger(VISITOR.get().as_ref(), now_ms(), self.sample, self.cooldown_days);
        if WATCH.with(|w| decide(&mut w.borrow_mut(), &self.triggers, &seen, allowed)) {
            note_asked();
            (self.dispatch)(Event::Open);
        } else if let Some(after) = self.triggers.after_s
            && !fired()
            && self.timer.get().is_none()
        {
            let due = u64::from(after) * 1000;
            if due > ms_on_page {
                self.schedule(&self.timer, (due - ms_on_page) as i32, TICK);
            }
        }
    }

    /// Notes how far the page is scrolled, when a trigger asks for it.
    fn measure(&self) {
        if self.triggers.scroll_percent.is_none() {
            return;
        }
        let number = |target: &JsValue, key| get(target, key).as_f64().unwrap_or(0.0);
        let room = number(&get(&self.document, "documentElement"), "scrollHeight") - number(&self.window, "innerHeight");
        // A page that does not scroll is seen whole.
        let percent = if room < 1.0 { 100 } else { (number(&self.window, "scrollY") * 100.0 / room).clamp(0.0, 100.0) as u8 };
        self.scrolled.set(self.scrolled.get().max(percent));
    }

    fn schedule(&self, timer: &Cell<Option<i32>>, ms: i32, what: f64) {
        if let Some(callback) = self.callback.get()
            && let Ok(id) = self.window.set_timeout_with_callback_and_timeout_and_arguments_1(callback.unchecked_ref(), ms, &JsValue::from_f64(what))
        {
            timer.set(Some(id));
        }
    }
}

/// Whether a trigger opens the dialog now, given the widget's state.
#[cfg(feature = "dialog")]
fn decide(watch: &mut Watch, triggers: &Triggers, seen: &Seen, allowed: bool) -> bool {
    crate::api::widget().is_some_and(|widget| watch.open_now(triggers, seen, &widget, allowed))
}

/// Whether a trigger opens the dialog now: the launcher's dialog is never open and has sent nothing.
#[cfg(not(feature = "dialog"))]
fn decide(watch: &mut Watch, triggers: &Triggers, seen: &Seen, allowed: bool) -> bool {
    watch.open_unless(triggers, seen, false, allowed)
}

/// The visitor's stored record (a new visitor's when there is none); `None` when storage is unavailable.
fn load() -> Option<Visitor> {
    let stored = super::storage()?.get_item(VISITOR_KEY).ok()?;
    Some(Visitor::load(stored.as_deref(), (js_sys::Math::random() * 4_294_967_296.0) as u32))
}

/// Whether the record could be kept.
fn store(visitor: &Visitor) -> bool {
    super::storage().is_some_and(|s| s.set_item(VISITOR_KEY, &visitor.encode()).is_ok())
}

fn note_asked() {
    if let Some(mut visitor) = load() {
        visitor.asked(now_ms());
        if store(&visitor) {
            VISITOR.set(Some(visitor));
        }
    }
}

/// Milliseconds since the page started.
fn performance_now(window: &Window) -> u64 {
    get(window, "performance").unchecked_into::<web_sys::Performance>().now() as u64
}
