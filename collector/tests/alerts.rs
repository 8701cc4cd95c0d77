//! Alerts from the real binary to real local receivers: signed, retried while a channel is down,
//! marked failed when it refuses for good, and never lost (nor doubled) across a SIGKILL.

mod common;

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
use common::process::{Collector, exchange};
use common::{feedback, new_id, open_store};
use platinum_collector::Store;

const SECRET: &str = "webhook-secret-0123456789abcdef0123456789";

/// What a receiver saw: per response id, how many tries and how many it answered 2xx.
#[derive(Default)]
struct Seen {
    tries: HashMap<String, u32>,
    accepted: HashMap<String, u32>,
    bad_signatures: u32,
    slack_texts: Vec<String>,
}

/// A local webhook receiver that verifies signatures and answers with `status` (settable).
#[derive(Clone)]
struct Receiver {
    status: Arc<AtomicU16>,
    seen: Arc<Mutex<Seen>>,
    address: SocketAddr,
}

impl Receiver {
    async fn start(status: u16) -> Self {
        let status = Arc::new(AtomicU16::new(status));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let receiver = Self { status, seen, address };
        let app = Router::new().route("/hook", post(hook)).route("/slack", post(slack)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    fn url(&self, path: &str) -> String {
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

    fn accepted(&self) -> HashMap<String, u32> {
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

fn post_feedback(collector: &Collector, rating: u8, comment: &str) -> String {
    let id = new_id();
    let answer = exchange(&mut collector.connect(), &collector.post_request(&feedback(&id, rating, comment).to_string()));
    assert_eq!(answer.map(|(status, _)| status), Some(201));
    id
}

/// Waits (up to `limit`) until `done` holds.
async fn eventually(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not after {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn channel_args(receiver: &Receiver) -> Vec<String> {
    vec![
        "--webhook".into(),
        receiver.url("/hook"),
        "--webhook-secret".into(),
        SECRET.into(),
        "--slack-webhook".into(),
        receiver.url("/slack"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unhappy_visitor_alerts_every_channel_once_after_a_channel_recovers() {
    let receiver = Receiver::start(503).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let args = channel_args(&receiver);
    let collector = Collector::start(&dir.path().join("alerts.db"), &args.iter().map(String::as_str).collect::<Vec<_>>());
    let happy = post_feedback(&collector, 5, "All good");
    let unhappy = post_feedback(&collector, 1, "The <b>checkout</b> <!channel> crashed");

    eventually(Duration::from_secs(10), "two tries while the receiver is down", || {
        receiver.seen.lock().expect("seen").tries.get(&unhappy).is_some_and(|n| *n >= 2)
    })
    .await;
    receiver.status.store(200, Ordering::SeqCst);
    eventually(Duration::from_secs(30), "delivered after recovery", || receiver.accepted().contains_key(&unhappy)).await;
    eventually(Duration::from_secs(10), "the Slack message", || {
        receiver.seen.lock().expect("seen").slack_texts.iter().any(|t| t.contains("checkout"))
    })
    .await;

    // Give a duplicate every chance to show up before counting.
    let store = open_store(&dir.path().join("alerts.db")).await;
    drained(&store).await;
    let seen = receiver.seen.lock().expect("seen");
    assert_eq!(seen.accepted.get(&unhappy), Some(&1), "delivered once");
    assert!(!seen.tries.contains_key(&happy), "a happy visitor alerts nobody by default");
    assert_eq!(seen.bad_signatures, 0, "every request was signed with the secret");
    let slack = seen.slack_texts.iter().find(|t| t.contains("checkout")).expect("slack text");
    assert!(!slack.contains("<!channel>"), "visitor text cannot mention the channel: {slack}");
}

/// Waits until the collector has no notification left to send (read straight from its database).
async fn drained(store: &Store) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.pending_notifications().await.expect("read") > 0 {
        assert!(Instant::now() < deadline, "notifications still pending after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_that_refuses_for_good_is_marked_failed_and_not_retried() {
    let receiver = Receiver::start(410).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("refused.db");
    let args = ["--webhook", &receiver.url("/hook"), "--webhook-secret", SECRET];
    let collector = Collector::start(&db, &args);
    let id = post_feedback(&collector, 2, "Slow delivery");
    let store = open_store(&db).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let failed = loop {
        let troubled = store.troubled_notifications().await.expect("read");
        if let Some(row) = troubled.into_iter().find(|n| n.status == "failed") {
            break row;
        }
        assert!(Instant::now() < deadline, "never marked failed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(failed.feedback_id.as_deref(), Some(id.as_str()));
    assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("410")), "{:?}", failed.last_error);
    assert_eq!(receiver.seen.lock().expect("seen").tries.get(&id), Some(&1), "tried once, not again");
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_alerts_pending_at_a_sigkill_all_arrive_after_the_restart_none_twice() {
    let receiver = Receiver::start(503).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("killed.db");
    let mut args = channel_args(&receiver)[..4].to_vec();
    // On PostgreSQL the alerts being tried at the kill stay claimed by the dead process until
    // the lease runs out; a short one keeps the wait short.
    args.extend(["--notification-lease".to_owned(), "2s".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut collector = Collector::start(&db, &args);
    let ids: Vec<String> = (0..50).map(|i| post_feedback(&collector, 1, &format!("complaint {i}"))).collect();
    collector.child.kill().expect("SIGKILL");
    collector.child.wait().expect("reap");
    assert!(receiver.accepted().is_empty(), "nothing was delivered before the kill");

    receiver.status.store(200, Ordering::SeqCst);
    let _restarted = Collector::start(&db, &args);
    eventually(Duration::from_secs(60), "all 50 alerts delivered", || ids.iter().all(|id| receiver.accepted().contains_key(id))).await;
    let store = open_store(&db).await;
    drained(&store).await;
    let accepted = receiver.accepted();
    let twice: Vec<_> = accepted.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(accepted.len(), 50);
}

#[tokio::test(flavor = "multi_thread")]
async fn notify_test_sends_a_sample_on_every_channel_and_says_what_each_answered() {
    let receiver = Receiver::start(200).await;
    let refusing = Receiver::start(404).await;
    let binary = env!("CARGO_BIN_EXE_platinum-collector");
    // Blocking is fine: the receivers run on the runtime's other threads.
    let output = std::process::Command::new(binary)
        .args(["notify-test", "--webhook", &receiver.url("/hook"), "--webhook-secret", SECRET, "--slack-webhook", &refusing.url("/slack")])
        .output()
        .expect("run notify-test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "one channel refused: {stdout}{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with("webhook") && l.ends_with(": sent")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("Slack") && l.contains("refused: HTTP 404")), "{stdout}");
    assert!(stderr.contains("1 of 2 channels did not take the test"), "{stderr}");
    assert_eq!(receiver.seen.lock().expect("seen").bad_signatures, 0);
    assert_eq!(receiver.seen.lock().expect("seen").accepted.len(), 1, "the sample arrived, signed");

    let misconfigured =
        std::process::Command::new(binary).args(["notify-test", "--webhook", &receiver.url("/hook")]).output().expect("run notify-test");
    let stderr = String::from_utf8_lossy(&misconfigured.stderr);
    assert!(stderr.contains("--webhook needs --webhook-secret"), "{stderr}");
}
