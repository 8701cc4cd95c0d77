//! The Platinum collector: receives feedback from the widget, stores it durably in SQLite, serves
//! the widget and the demo page, and shows the owner what visitors said.
//!
//! [`app`] builds the whole router from an [`AppState`]; `main.rs` only reads the configuration,
//! opens the store and serves. Each resource has its own router module.

pub mod auth;
pub mod bench;
mod charts;
pub mod client;
pub mod config;
mod dashboard;
pub mod error;
mod feedback;
pub mod filter;
mod health;
pub mod store;
mod widget;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use auth::AdminToken;
pub use config::{Cli, RateLimit};
pub use error::AppError;
pub use store::Store;

/// What every handler can reach: the store, the owner's secret and the posting policy.
#[derive(Clone)]
pub struct AppState {
    /// Where feedback is written and read.
    pub store: Store,
    /// The owner's secret and the dashboard sessions derived from it.
    pub admin: AdminToken,
    /// Other sites allowed to post feedback (the collector's own origin always may).
    pub allowed_origins: Arc<[HeaderValue]>,
    /// How many posts one client may make.
    pub rate_limit: RateLimit,
    /// Reverse proxies whose `X-Forwarded-For` names the client for the rate limit.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The collector's full HTTP interface.
///
/// Rate limiting keys on the peer address, so serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(feedback::router(&state))
        .merge(dashboard::router(&state))
        .merge(widget::router())
        .merge(health::router())
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span).on_failure(()))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone())),
        )
}

/// Every log line of a request carries its id, which the response also returns in `x-request-id`.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
}

/// How long the rate limiter remembers a quiet client before dropping its state.
pub const RATE_LIMIT_FORGET_AFTER: Duration = Duration::from_secs(60);
