//! Alerts from the real binary to real local receivers: signed, retried while a channel is down,
//! marked failed when it refuses for good, and never lost (nor doubled) across a SIGKILL.

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::open_store;
use common::process::Collector;
use common::receiver::{Receiver, SECRET, channel_args, eventually, post_feedback};
use platinum_collector::Store;

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
