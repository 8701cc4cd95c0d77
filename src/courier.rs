//! Delivery of the outbox: the Rust core's side of `courier.js`.
//!
//! `courier.js` carries out delivery in the browser (storage, fetch, Web Locks, timers, page
//! events); every decision it makes comes from here, through the widget's exports: what an
//! answer means ([`outcome`]), how long to hold a response back ([`tried`]), how long to pause
//! between rounds ([`pause`]) and what the outbox may keep ([`keeps`]). It tells the widget what
//! became of each response through [`reported`].

use crate::api::answered;
use crate::dom::{describe, report};
use crate::outbox::{Reason, verdict};
use crate::retry::{Backoff, Outcome, RetryPolicy, parse_retry_after};
use crate::state::Event;
use crate::text::join;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/courier.js")]
extern "C" {
    /// Starts delivering the site's outbox (once per page); `exports` are the widget's exports.
    #[wasm_bindgen(catch, js_name = start)]
    fn start_courier(exports: &JsValue) -> Result<(), JsValue>;

    /// Saves a response, then sends it with whatever else waits.
    #[wasm_bindgen(catch, js_name = submit)]
    fn submit_to_courier(endpoint: &str, id: &str, json: &str) -> Result<(), JsValue>;
}

thread_local! {
    static BACKOFF: Cell<Backoff> = const { Cell::new(Backoff::new(RetryPolicy::DEFAULT)) };
}

/// Starts delivery for the page; `exports` are the widget's exports.
pub fn start(exports: &JsValue) {
    if let Err(e) = start_courier(exports) {
        report(&join(&["could not start delivering feedback: ", &describe(&e)]));
    }
}

/// Saves a response the visitor just sent to `endpoint`, then sends it; whether that worked.
pub fn submit(endpoint: &str, id: &str, json: &str) -> bool {
    match submit_to_courier(endpoint, id, json) {
        Ok(()) => true,
        Err(e) => {
            report(&join(&["could not send feedback: ", &describe(&e)]));
            false
        }
    }
}

/// What an HTTP status means for delivery (`0` when no answer came): 0 delivered, 1 worth
/// retrying, 2 refused for good.
#[wasm_bindgen]
pub fn outcome(status: u16) -> u8 {
    match Outcome::of(if status == 0 { None } else { Some(status) }) {
        Outcome::Delivered => 0,
        Outcome::Retry => 1,
        Outcome::Refused => 2,
    }
}

/// Records how one try went (an [`outcome`] code and the `Retry-After` header, if any);
/// returns how many milliseconds that response must wait before its next try.
#[wasm_bindgen]
pub fn tried(outcome: u8, retry_after: Option<String>) -> u32 {
    let outcome = match outcome {
        0 => Outcome::Delivered,
        1 => Outcome::Retry,
        _ => Outcome::Refused,
    };
    let asked_s = retry_after.as_deref().and_then(parse_retry_after);
    BACKOFF.with(|b| {
        let mut backoff = b.get();
        backoff.record(outcome, asked_s);
        b.set(backoff);
    });
    asked_s.unwrap_or(0).saturating_mul(1000)
}

/// Ends a round that left responses waiting: milliseconds until the next, given `jitter` in `[0, 1)`.
#[wasm_bindgen]
pub fn pause(jitter: f64) -> u32 {
    BACKOFF.with(|b| {
        let mut backoff = b.get();
        let delay = backoff.next_delay_ms(jitter);
        b.set(backoff);
        delay
    })
}

/// Whether the outbox keeps an entry `age_ms` old of `chars` characters, when the `newer`
/// unexpired entries saved after it hold `newer_chars` characters: 0 kept, 1 expired, 2 no room.
#[wasm_bindgen]
pub fn keeps(age_ms: f64, newer: u32, newer_chars: u32, chars: u32) -> u8 {
    match verdict(age_ms.max(0.0) as u64, newer as usize, newer_chars as usize, chars as usize) {
        None => 0,
        Some(Reason::Expired) => 1,
        Some(Reason::Full) => 2,
    }
}

/// Tells the widget what became of response `id` (0 delivered, 1 saved, 2 kept in memory only,
/// 3 refused).
#[wasm_bindgen]
pub fn reported(id: String, report: u8) {
    answered(match report {
        0 => Event::Delivered(id),
        1 => Event::Saved(id),
        2 => Event::Failed(id),
        _ => Event::Refused(id),
    });
}
