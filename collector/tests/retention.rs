//! `--retain-days`: the sweep deletes exactly the responses older than the limit, with their
//! metadata, replies and notifications, while posts go on being stored.

mod common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::process::Collector;
use common::{TestApp, count_in, db_path, feedback, feedback_v2, new_id, store_received};
use platinum_collector::store::{Deleted, rfc3339_millis};
use platinum_collector::{Clock, retention};
use serde_json::json;

const DAY: i64 = 86_400;

/// `unix_seconds` as the collector stores received times.
fn at(unix_seconds: i64) -> String {
    rfc3339_millis(time::OffsetDateTime::from_unix_timestamp(unix_seconds).expect("time"))
}

/// Stores a response received at `received_at` with one metadata entry, a reply and an alert.
async fn store_with_dependents(app: &TestApp, received_at: &str) -> String {
    let id = new_id();
    let mut payload = feedback_v2(&id, "csat5", 2, "the visitor's words");
    payload["email"] = json!("visitor@example.com");
    payload["metadata"] = json!({ "plan": "pro" });
    store_received(&app.store, payload, received_at).await;
    let now = app.clock.now();
    app.store.queue_reply(&id, "Sorry about that", &format!("<{}@shop.example>", new_id()), now, received_at).await.expect("reply");
    app.store.queue_notification("alert", "webhook:test", Some(&id), now).await.expect("alert");
    id
}

#[tokio::test]
async fn a_sweep_deletes_exactly_the_responses_past_the_limit() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let mut old = Vec::new();
    for age in [400 * DAY, 31 * DAY, 30 * DAY + 1] {
        old.push(store_with_dependents(&app, &at(now - age)).await);
    }
    let mut kept = Vec::new();
    for age in [30 * DAY - 1, DAY, 0] {
        kept.push(store_with_dependents(&app, &at(now - age)).await);
    }
    // Without dependents, to see the counts add up.
    store_received(&app.store, feedback(&new_id(), 5, ""), &at(now - 90 * DAY)).await;

    let deleted = retention::sweep(&app.store, &app.clock, 30).await.expect("sweep");
    assert_eq!(deleted, Deleted { responses: 4, metadata: 3, replies: 3, notifications: 6, digests: 0 });
    for id in &old {
        assert!(app.store.feedback(id).await.expect("read").is_none());
        assert!(app.store.replies_of(id).await.expect("replies").is_empty());
    }
    for id in &kept {
        assert!(app.store.feedback(id).await.expect("read").is_some());
        assert_eq!(app.store.replies_of(id).await.expect("replies").len(), 1);
        assert_eq!(app.store.notifications_of(id).await.expect("notifications").len(), 2);
    }
    let path = db_path(app.dir.path());
    assert_eq!(count_in(&path, "SELECT COUNT(*) FROM feedback_metadata WHERE key = $1", "plan").await, 3);
    assert_eq!(count_in(&path, "SELECT COUNT(*) FROM notification WHERE channel = $1", "webhook:test").await, 3);
    assert_eq!(count_in(&path, "SELECT COUNT(*) FROM reply WHERE body <> $1", "").await, 3);
    // Nothing more is old a moment later; a day later the oldest kept one is.
    assert_eq!(retention::sweep(&app.store, &app.clock, 30).await.expect("sweep").responses, 0);
    app.clock.advance(DAY);
    assert_eq!(retention::sweep(&app.store, &app.clock, 30).await.expect("sweep").responses, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_are_stored_while_a_large_sweep_runs() {
    const OLD: usize = 6_000;
    let app = TestApp::new().await;
    // Posts are stamped with the system's time, so the sweep goes by it too.
    let clock = Clock::system();
    let old_enough = at(clock.now() - 100 * DAY);
    let mut stores = tokio::task::JoinSet::new();
    for _ in 0..OLD {
        let (store, received_at) = (app.store.clone(), old_enough.clone());
        let mut payload = feedback_v2(&new_id(), "csat5", 3, "old");
        payload["metadata"] = json!({ "plan": "free" });
        stores.spawn(async move { store_received(&store, payload, &received_at).await });
    }
    while let Some(done) = stores.join_next().await {
        done.expect("stored");
    }

    let store = app.store.clone();
    let sweep = tokio::spawn(async move { retention::sweep(&store, &clock, 30).await });
    let mut during = 0;
    let mut slowest = Duration::ZERO;
    while !sweep.is_finished() {
        let started = Instant::now();
        assert_eq!(app.post(&feedback(&new_id(), 4, "during the sweep")).await.status, StatusCode::CREATED);
        slowest = slowest.max(started.elapsed());
        during += 1;
    }
    let deleted = sweep.await.expect("sweep task").expect("sweep");
    assert_eq!(deleted.responses, OLD as u64);
    assert_eq!(deleted.metadata, OLD as u64);
    assert!(during >= 3, "only {during} posts were answered during a sweep of {OLD} responses");
    assert_eq!(app.rows().await, during);
    // Far below what waiting for the whole sweep would take; logged to compare runs.
    eprintln!("{during} posts answered during the sweep, the slowest in {slowest:?}");
}

#[test]
fn the_collector_sweeps_when_it_starts_and_logs_counts_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = db_path(dir.path());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let now = Clock::system().now();
    runtime.block_on(async {
        let store = common::open_store(&path).await;
        for age in [40 * DAY, 31 * DAY] {
            store_received(&store, feedback(&new_id(), 1, "a secret only the visitor knows"), &at(now - age)).await;
        }
        store_received(&store, feedback(&new_id(), 5, "recent"), &at(now - 29 * DAY)).await;
        store.close().await;
    });
    let mut args = common::database_args(&path);
    args.extend(["--listen".into(), "127.0.0.1:0".into(), "--retain-days".into(), "30".into()]);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_platinum-collector"))
        .args(&args)
        .env("PLATINUM_ADMIN_TOKEN", common::TOKEN)
        .env("PLATINUM_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the collector");
    let collector = Collector::attach(child);
    assert!(collector.banner_containing("retention:").contains("deletes responses after 30 days"));
    let log = collector.log_containing("retention: deleted");
    let line = log.lines().find(|line| line.contains("retention: deleted")).unwrap_or_else(|| panic!("no retention line in {log}"));
    assert!(line.contains("responses=2") && line.contains("more than 30 days ago"), "{line}");
    assert!(!log.contains("secret"), "{log}");
    drop(collector);
    let left = runtime.block_on(count_in(&path, "SELECT COUNT(*) FROM feedback WHERE comment = $1", "recent"));
    assert_eq!(left, 1);
    let all = runtime.block_on(count_in(&path, "SELECT COUNT(*) FROM feedback WHERE comment <> $1", ""));
    assert_eq!(all, 1);
}
