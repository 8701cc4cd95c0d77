//! `GET /metrics`: the collector's figures in the Prometheus text format — posts by status, new
//! responses by scale and rating, the writer's batch sizes and commit times, the notifications
//! waiting to be sent and the process's resident memory.
//!
//! On the main address it needs the admin token as a bearer token, like `GET /api/feedback`;
//! with `--metrics-listen` the same page is also served, without a token, on an address of its
//! own (for a scraper on a private network). Counters count since the process started.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::auth::Bearer;
use crate::{AppError, AppState};

/// The content type of the page: the OpenMetrics text format, which Prometheus reads.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The path feedback is posted to, whose answers are counted.
const POST_PATH: &str = "/api/feedback";

/// A post's answer.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: u16,
}

/// A stored response's scale and rating.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RatingLabels {
    scale: String,
    rating: i64,
}

/// What the database writer records as it commits; shared by the store and the metrics page.
#[derive(Debug, Clone)]
pub struct WriterMetrics {
    batch_rows: Histogram,
    commit_seconds: Histogram,
    stored: Family<RatingLabels, Counter>,
}

impl Default for WriterMetrics {
    fn default() -> Self {
        Self {
            // 1, 2, 4 … 256: the writer takes at most 256 rows at a time.
            batch_rows: Histogram::new(exponential_buckets(1.0, 2.0, 9)),
            // 0.5 ms … about 4 s.
            commit_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            stored: Family::default(),
        }
    }
}

impl WriterMetrics {
    /// A transaction of `rows` new responses (0 when it wrote only how deliveries went)
    /// committed after `took`.
    pub fn committed(&self, rows: usize, took: Duration) {
        #[allow(clippy::cast_precision_loss)] // at most 256
        self.batch_rows.observe(rows as f64);
        self.commit_seconds.observe(took.as_secs_f64());
    }

    /// A new response on `scale` rated `rating` was committed.
    pub fn stored(&self, scale: &str, rating: i64) {
        self.stored.get_or_create(&RatingLabels { scale: scale.to_owned(), rating }).inc();
    }
}

/// Every metric the page shows, registered once.
pub struct Metrics {
    registry: Registry,
    posts: Family<StatusLabel, Counter>,
    pending_notifications: Gauge,
    resident_bytes: Gauge,
}

impl Metrics {
    /// The metrics of a collector whose writer records into `writer`.
    pub fn new(writer: &WriterMetrics) -> Self {
        let mut registry = Registry::with_prefix("platinum");
        let posts = Family::<StatusLabel, Counter>::default();
        let pending_notifications = Gauge::default();
        let resident_bytes = Gauge::default();
        registry.register("posts", "Posts of feedback answered, by HTTP status", posts.clone());
        registry.register("responses_stored", "New responses committed, by scale and rating", writer.stored.clone());
        registry.register("writer_batch_rows", "New responses per transaction of the database writer", writer.batch_rows.clone());
        registry.register("writer_commit_seconds", "Time the database writer took to write and commit one transaction", writer.commit_seconds.clone());
        registry.register("notifications_pending", "Notifications (alerts, replies, digests) waiting to be sent", pending_notifications.clone());
        registry.register("process_resident_memory_bytes", "Resident memory of the collector process", resident_bytes.clone());
        Self { registry, posts, pending_notifications, resident_bytes }
    }

    /// The page, with the figures read at scrape time brought up to date.
    async fn render(&self, state: &AppState) -> Result<String, AppError> {
        self.pending_notifications.set(state.store.pending_notifications().await?);
        if let Some(bytes) = resident_bytes() {
            self.resident_bytes.set(bytes);
        }
        let mut page = String::new();
        prometheus_client::encoding::text::encode(&mut page, &self.registry).map_err(|e| AppError::Internal(format!("encoding metrics: {e}")))?;
        Ok(page)
    }
}

/// `GET /metrics` behind the admin token, for the main router.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(|_: Bearer, State(state): State<AppState>| page(state)))
}

/// `GET /metrics` without a token, for the `--metrics-listen` address only.
pub fn open_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(|State(state): State<AppState>| page(state))).with_state(state)
}

async fn page(state: AppState) -> Result<Response, AppError> {
    let page = Arc::clone(&state.metrics).render(&state).await?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], page).into_response())
}

/// Counts the answers to posts of feedback, whatever layer gave them.
pub async fn count_posts(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let counted = request.method() == Method::POST && request.uri().path() == POST_PATH;
    let response = next.run(request).await;
    if counted {
        state.metrics.posts.get_or_create(&StatusLabel { status: response.status().as_u16() }).inc();
    }
    response
}

/// The process's resident memory, from `/proc/self/status` (Linux).
fn resident_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: i64 = line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_from_proc() {
        let bytes = resident_bytes().expect("VmRSS in /proc/self/status");
        assert!(bytes > 1024 * 1024, "{bytes}");
    }
}
