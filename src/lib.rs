//! Platinum: a feedback widget that asks "How are we doing?" and "How can we get better?".
//!
//! The pure core (`config`, `i18n`, `question`, `identity`, `metadata`, `target`, `state`, `draft`,
//! `trigger`, `pacing`, `retry`, `outbox`, `style`, `id`, `text`) has no browser dependency and is
//! tested natively. On `wasm32` the `dom` module renders the state inside a
//! Shadow DOM, `courier` delivers responses through `courier.js` on the core's decisions, and
//! `api` holds the entry points JavaScript calls.

pub mod config;
pub mod draft;
pub mod i18n;
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
#[cfg(target_arch = "wasm32")]
pub mod courier;
#[cfg(target_arch = "wasm32")]
pub mod dom;


#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
