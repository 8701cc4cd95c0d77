//! Delivery over the network: one POST of a response to the endpoint, bounded by a timeout.
//!
//! Written with promise callbacks rather than `async`: an executor would cost every visitor
//! a few KB of wasm for one request at a time.

use crate::dom::describe;
use crate::retry::{Outcome, parse_retry_after};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, Headers, RequestInit, RequestMode, Response, Window};

/// How long one delivery attempt may take before it is abandoned and counted as failed
/// (the failure message says "10 s").
pub const TIMEOUT_MS: u32 = 10_000;

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)`; absent from old browsers, hence `catch`.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> Result<AbortSignal, JsValue>;

    /// Any promise, seen through its `then` method.
    type Settling;

    /// `promise.then(f, f)`: one callback for either outcome, so it is called exactly once.
    #[wasm_bindgen(method, js_name = then)]
    fn settle(this: &Settling, on_fulfilled: &JsValue, on_rejected: &JsValue);
}

/// Calls `f` once with what `promise` settles to, value or error.
fn when_settled(promise: &js_sys::Promise, f: impl FnOnce(JsValue) + 'static) {
    // Freed by its one call; a promise always settles (fetch is bounded by its timeout).
    let callback = Closure::once_into_js(f);
    promise.unchecked_ref::<Settling>().settle(&callback, &callback);
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Delivered, worth retrying, or refused for good.
    pub outcome: Outcome,
    /// The HTTP status, if an answer arrived.
    pub status: Option<u16>,
    /// Seconds the endpoint asked us to wait (`Retry-After`).
    pub retry_after_s: Option<u32>,
    /// The network error, or the endpoint's error body when it refused.
    pub detail: String,
}

fn failed(detail: String) -> Attempt {
    Attempt { outcome: Outcome::Retry, status: None, retry_after_s: None, detail }
}

/// POSTs `json` to `endpoint` and hands how it went to `done`; every problem is an [`Attempt`].
pub fn post(window: &Window, endpoint: &str, json: &str, keepalive: bool, done: impl FnOnce(Attempt) + 'static) {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_body(&json.into());
    let signal = abort_after(TIMEOUT_MS).ok();
    init.set_signal(signal.as_ref());
    if keepalive {
        // web-sys has no setter for it; the fetch spec's member name is stable.
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    }
    if let Ok(headers) = Headers::new() {
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(&headers);
    }
    when_settled(&window.fetch_with_str_and_init(endpoint, &init), move |answer| {
        let Some(response) = answer.dyn_ref::<Response>() else {
            let timed_out = signal.is_some_and(|s| s.aborted());
            return done(failed(if timed_out { "no answer within 10 s".into() } else { describe(&answer) }));
        };
        let status = response.status();
        let outcome = Outcome::of(Some(status));
        let retry_after_s = response.headers().get("Retry-After").ok().flatten().as_deref().and_then(parse_retry_after);
        let attempt = Attempt { outcome, status: Some(status), retry_after_s, detail: String::new() };
        match response.text() {
            // The endpoint's explanation is worth reading only when it refused for good.
            Ok(text) if outcome == Outcome::Refused => when_settled(&text, move |body| {
                let detail = body.as_string().unwrap_or_default().chars().take(500).collect();
                done(Attempt { detail, ..attempt });
            }),
            _ => done(attempt),
        }
    });
}
