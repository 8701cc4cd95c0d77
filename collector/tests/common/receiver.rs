//! A local webhook receiver for the alert tests: it checks each request's signature and counts
//! tries and deliveries per response id (the `Idempotency-Key`), answering what a test sets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::process::{Collector, exchange};
use super::{feedback, new_id};

/// The secret the receiver checks signatures with.
pub const SECRET: &str = "webhook-secret-0123456789abcdef0123456789";

/// What a receiver saw: per response id, how many tries and how many it answered 2xx.
#[derive(Default)]
pub struct Seen {
    pub tries: HashMap<String, u32>,
    pub accepted: HashMap<String, u32>,
    pub bad_signatures: u32,
    pub slack_texts: Vec<String>,
}

/// A local webhook receiver that verifies signatures and answers with `status` (settable).
#[derive(Clone)]
pub struct Receiver {
    pub status: Arc<AtomicU16>,
    pub seen: Arc<Mutex<Seen>>,
    pub address: SocketAddr,
}

impl Receiver {
    pub async fn start(status: u16) -> Self {
        let status = Arc::new(AtomicU16::new(status));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let receiver = Self { status, seen, address };
        let app = Router::new().route("/hook", post(hook)).route("/slack", post(slack)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn answer(&self) -> Response {
        let status = StatusCode::from_u16(self.status.load(Ordering::SeqCst)).unwrap_or(StatusCode::OK);
        let mut response = (status, "receiver says so").into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert("retry-after", HeaderValue::from_static("1"));
        }
        response
    }

    pub fn accepted(&self) -> HashMap<String, u32> {
        self.seen.lock().expect("seen").accepted.clone()
    }
}

async fn hook(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers.get("platinum-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut seen = receiver.seen.lock().expect("seen");
    if platinum_collector::webhook::verify(SECRET, signature, &body, now, 300).is_err() {
        seen.bad_signatures += 1;
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    *seen.tries.entry(key.clone()).or_default() += 1;
    let response = receiver.answer();
    if response.status().is_success() {
        *seen.accepted.entry(key).or_default() += 1;
    }
    response
}

async fn slack(State(receiver): State<Receiver>, body: Bytes) -> Response {
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let mut seen = receiver.seen.lock().expect("seen");
    seen.slack_texts.push(json["text"].as_str().unwrap_or("").to_owned());
    drop(seen);
    receiver.answer()
}

pub fn post_feedback(collector: &Collector, rating: u8, comment: &str) -> String {
    let id = new_id();
    let answer = exchange(&mut collector.connect(), &collector.post_request(&feedback(&id, rating, comment).to_string()));
    assert_eq!(answer.map(|(status, _)| status), Some(201));
    id
}

/// Waits (up to `limit`) until `done` holds.
pub async fn eventually(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not after {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn channel_args(receiver: &Receiver) -> Vec<String> {
    vec![
        "--webhook".into(),
        receiver.url("/hook"),
        "--webhook-secret".into(),
        SECRET.into(),
        "--slack-webhook".into(),
        receiver.url("/slack"),
    ]
}
