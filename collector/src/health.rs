//! `GET /healthz` and `GET /readyz`: whether the collector is up and its database answers.
//!
//! Both answer `503` while the collector is starting (see [`crate::serve::Gate`]). Once it has
//! started, `/healthz` and `/readyz` both ask the database; `/readyz` is the one to point a load
//! balancer at (it gives up after two seconds, so a hung database reads as not ready rather than
//! as a slow check), `/healthz` the one for a process supervisor.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The health check routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

async fn healthz(State(state): State<AppState>) -> Response {
    check(&state, None).await
}

async fn readyz(State(state): State<AppState>) -> Response {
    check(&state, Some(READY_TIMEOUT)).await
}

async fn check(state: &AppState, timeout: Option<Duration>) -> Response {
    let ping = state.store.ping();
    let outcome = match timeout {
        Some(limit) => tokio::time::timeout(limit, ping).await.unwrap_or(Err(sqlx::Error::PoolTimedOut)),
        None => ping.await,
    };
    match outcome {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            let mut response = (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(crate::error::UNAVAILABLE_RETRY_AFTER));
            response
        }
    }
}
