//! Platinum: a feedback widget that asks "How are we doing?" and "How can we get better?".
//!
//! The pure core (`config`, `i18n` and its `locales`, `question`, `identity`, `metadata`, `target`, `state`, `draft`,
//! `trigger`, `pacing`, `retry`, `outbox`, `style`, `id`, `text`) has no browser dependency and is
//! tested natively. On `wasm32` the `dom` module renders the state inside a
//! Shadow DOM, `courier` delivers responses through `courier.js` on the core's decisions, and
//! `api` holds the entry points JavaScript calls.
//!
//! The crate builds twice for the browser. Without the `dialog` feature it is the launcher: the
//! configuration, the launcher button and what decides when to open, which every page downloads
//! first. With it (the default) it is the whole widget, which the loader fetches only when a
//! visitor opens the dialog or has responses waiting, and which then takes over from the launcher.

// The launcher build leaves the dialog's parts of the core unused by design; the full build,
// which every native test compiles, still reports real dead code.
#![cfg_attr(not(feature = "dialog"), allow(dead_code))]

pub mod config;
pub mod draft;
pub mod i18n;
pub mod locales;
pub mod identity;
pub mod metadata;
pub mod state;
pub mod id;
pub mod outbox;
pub mod pacing;
pub mod question;
pub mod retry;
pub mod style;
pub mod target;
pub mod text;
pub mod trigger;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(all(target_arch = "wasm32", feature = "dialog"))]
pub mod courier;
#[cfg(target_arch = "wasm32")]
pub mod dom;


#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
