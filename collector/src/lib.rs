//! The Platinum collector: receives feedback from the widget, stores it durably in SQLite or PostgreSQL, serves
//! the widget and the demo page, and shows the owner what visitors said.
//!
//! [`app`] builds the whole router from an [`AppState`]; `main.rs` only reads the configuration,
//! opens the store and hands the router to [`serve::serve`]. Each resource has its own router
//! module.

pub mod auth;
pub mod backup;
pub mod bench;
mod charts;
pub mod client;
pub mod clock;
pub mod config;
mod dashboard;
pub mod digest;
pub mod delivery;
pub mod erasure;
pub mod error;
mod feedback;
pub mod filter;
mod health;
pub mod notify;
pub mod rating;
pub mod retention;
pub mod notifications;
pub mod limit;
pub mod openapi;
pub mod mail;
pub mod metrics;
pub mod serve;
pub mod session;
pub mod store;
pub mod webhook;
mod widget;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, header};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use auth::AdminToken;
pub use clock::Clock;
pub use config::{AuthLimit, Cli, RateLimit};
pub use error::AppError;
pub use session::SessionPolicy;
pub use store::Store;

/// What the owner configured about who may do what, as [`AppState::new`] takes it.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Other sites allowed to post feedback (the collector's own origin always may).
    pub allowed_origins: Vec<HeaderValue>,
    /// How many posts one client may make.
    pub rate_limit: RateLimit,
    /// How many wrong admin tokens one client may try.
    pub auth_limit: AuthLimit,
    /// Reverse proxies whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long dashboard sessions last.
    pub sessions: SessionPolicy,
}

impl Default for Policy {
    /// The command line's defaults.
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            rate_limit: RateLimit { rate_limit_per_minute: 30, rate_limit_burst: 10 },
            auth_limit: AuthLimit { auth_failures_per_minute: 6, auth_failure_burst: 10 },
            trusted_proxies: Vec::new(),
            sessions: SessionPolicy::default(),
        }
    }
}

/// What every handler can reach: the store, the owner's secret and the policies.
#[derive(Clone)]
pub struct AppState {
    /// Where feedback is written and read.
    pub store: Store,
    /// The owner's secret.
    pub admin: AdminToken,
    /// Other sites allowed to post feedback (the collector's own origin always may).
    pub allowed_origins: Arc<[HeaderValue]>,
    /// Reverse proxies whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// The per-client limit on posts; none when switched off.
    pub post_limit: Option<Arc<limit::PostLimit>>,
    /// The per-client limit on wrong admin tokens.
    pub auth_failures: Arc<limit::FailureLimit>,
    /// How long dashboard sessions last.
    pub sessions: SessionPolicy,
    /// The time, as sessions and the dashboard see it.
    pub clock: Clock,
    /// The configured notification channels: id and a name to show the owner.
    pub channel_names: Arc<[(String, String)]>,
    /// Wakes the notifications worker (after "Send again" or a reply).
    pub notify_wake: Arc<tokio::sync::Notify>,
    /// The domain of the `From` address when e-mail is configured: replies can be sent, and
    /// their Message-IDs are made in it.
    pub reply_domain: Option<Arc<str>>,
    /// The figures `GET /metrics` shows.
    pub metrics: Arc<metrics::Metrics>,
}

impl AppState {
    /// State for `store` and `admin` under `policy`. Call it inside the Tokio runtime: the rate
    /// limits start a task that forgets quiet clients.
    pub fn new(store: Store, admin: AdminToken, policy: Policy, clock: Clock) -> Self {
        let trusted: Arc<[ipnet::IpNet]> = policy.trusted_proxies.into();
        let post_limit = limit::PostLimit::new(policy.rate_limit, trusted.clone());
        let auth_failures = limit::FailureLimit::new(policy.auth_limit, trusted.clone());
        limit::forget_quiet_clients(post_limit.as_ref(), &auth_failures);
        Self {
            admin,
            allowed_origins: policy.allowed_origins.into(),
            trusted_proxies: trusted,
            post_limit,
            auth_failures,
            sessions: policy.sessions,
            clock,
            channel_names: Arc::from([]),
            notify_wake: Arc::new(tokio::sync::Notify::new()),
            reply_domain: None,
            metrics: Arc::new(metrics::Metrics::new(store.writer_metrics())),
            store,
        }
    }
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The dashboard needs no script and loads only its own stylesheet; nothing may frame it.
pub const PRIVATE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";

/// The collector's full HTTP interface.
///
/// Rate limits key on the peer address: serve it with [`serve::serve`] (or give each request a
/// `ConnectInfo<SocketAddr>` extension).
pub fn app(state: AppState) -> Router {
    // Answers that may show visitors' words and addresses: never cached, framed or referred.
    let private = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PRIVATE_CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")));
    let private = Router::new().merge(feedback::router(&state)).merge(dashboard::router(&state)).layer(private);
    Router::new()
        .merge(private)
        .merge(widget::router())
        .merge(health::router())
        .merge(openapi::router())
        .merge(metrics::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::count_posts))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .map_request(set_aside_client_request_id)
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span).on_failure(()))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"))),
        )
}

/// The `X-Request-Id` a client sent, kept apart from the collector's own.
#[derive(Debug, Clone)]
struct ClientRequestId(String);

/// Request ids are made here only: one a client chose could pose as another request's in the
/// log. A short, plain one is kept beside it for correlation.
fn set_aside_client_request_id(mut request: Request<Body>) -> Request<Body> {
    if let Some(given) = request.headers_mut().remove(&REQUEST_ID) {
        let plain = given
            .to_str()
            .ok()
            .filter(|id| id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)));
        if let Some(id) = plain.map(str::to_owned) {
            request.extensions_mut().insert(ClientRequestId(id));
        }
    }
    request
}

/// Every log line of a request carries its id, which the response also returns in `x-request-id`.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    let client_id = request.extensions().get::<ClientRequestId>().map_or("-", |c| c.0.as_str());
    tracing::info_span!("request", id, client_id, method = %request.method(), path = request.uri().path())
}
