//! Delivery over the network: one POST of a response to the endpoint, bounded by a timeout.

use crate::dom::describe;
use crate::retry::{Outcome, parse_retry_after};
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, RequestMode, Response, Window};

/// How long one delivery attempt may take before it is abandoned and counted as failed.
pub const TIMEOUT_MS: u32 = 10_000;

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

/// POSTs `json` to `endpoint` and reports how it went; never fails, every problem is an [`Attempt`].
pub async fn post(window: &Window, endpoint: &str, json: &str, keepalive: bool) -> Attempt {
    let failed = |detail: String| Attempt { outcome: Outcome::Retry, status: None, retry_after_s: None, detail };
    let controller = match AbortController::new() {
        Ok(c) => c,
        Err(e) => return failed(describe(&e)),
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_body(&json.into());
    init.set_signal(Some(&controller.signal()));
    if keepalive {
        // web-sys has no setter for it; the fetch spec's member name is stable.
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    }
    if let Ok(headers) = Headers::new() {
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(&headers);
    }
    let abort = controller.clone();
    // Dropping the timer when the answer arrives cancels it.
    let _deadline = Timeout::new(TIMEOUT_MS, move || abort.abort());
    let response = match JsFuture::from(window.fetch_with_str_and_init(endpoint, &init)).await {
        Ok(r) => r,
        Err(_) if controller.signal().aborted() => return failed(format!("no answer within {} s", TIMEOUT_MS / 1000)),
        Err(e) => return failed(describe(&e)),
    };
    let Ok(response) = response.dyn_into::<Response>() else { return failed("fetch returned no response".into()) };
    let status = response.status();
    let outcome = Outcome::of(Some(status));
    let retry_after_s = response.headers().get("Retry-After").ok().flatten().as_deref().and_then(parse_retry_after);
    let detail = if outcome == Outcome::Refused {
        match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default().chars().take(500).collect(),
            Err(_) => String::new(),
        }
    } else {
        String::new()
    };
    Attempt { outcome, status: Some(status), retry_after_s, detail }
}
