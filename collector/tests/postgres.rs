//! Several collectors on one PostgreSQL server, as behind a load balancer: each response stored
//! once wherever it is posted, alerts sent once, nothing acknowledged lost when a collector is
//! killed or the database restarts, and a SQLite store copied over twice giving the same rows.
//! Each test starts a throwaway server of its own.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::process::{Collector, exchange};
use common::receiver::{Receiver, SECRET, eventually};
use common::{feedback, new_id};
use platinum_collector::Store;
use platinum_collector::filter::{FeedbackFilter, SpamFilter};
use platinum_collector::store::{AlertPlan, Database};

fn json<T: serde::Serialize>(rows: &T) -> serde_json::Value {
    serde_json::to_value(rows).expect("json")
}

fn server() -> pg_throwaway::Server {
    pg_throwaway::Server::start().expect("a throwaway PostgreSQL server")
}

/// Opens the store at `url` to look at what the collectors left.
async fn store_at(url: &str) -> Store {
    Store::open_with(&Database::Postgres(url.to_owned()), AlertPlan::default()).await.expect("open the database").0
}

/// The status of posting `body` to `collector`, or none when it did not answer.
fn post(collector: &Collector, body: &str) -> Option<u16> {
    let mut stream = std::net::TcpStream::connect(&collector.address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    exchange(&mut stream, &collector.post_request(body)).map(|(status, _)| status)
}

/// Every stored response's id.
async fn stored_ids(store: &Store) -> HashSet<String> {
    let all = FeedbackFilter { spam: SpamFilter::Include, ..FeedbackFilter::default() };
    store.list(&all, u32::MAX, 0).await.expect("list").into_iter().map(|f| f.id).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_collectors_store_each_response_once_wherever_it_is_posted() {
    let server = server();
    let url = server.fresh_database().expect("database");
    // Started together on an empty database: the migration runs once, under its lock.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Collector::start_on(&url, &[]));
        let b = s.spawn(|| Collector::start_on(&url, &[]));
        (a.join().expect("first collector"), b.join().expect("second collector"))
    });
    let collectors = [&a, &b];
    let ids: Vec<String> = (0..2000).map(|_| new_id()).collect();
    let answers: Mutex<HashMap<String, Vec<u16>>> = Mutex::new(HashMap::new());
    // Eight senders; each posts its ids to both collectors at once, the first in turn, as a
    // retry through a load balancer would.
    std::thread::scope(|s| {
        for (n, share) in ids.chunks(250).enumerate() {
            let answers = &answers;
            s.spawn(move || {
                for (i, id) in share.iter().enumerate() {
                    let body = feedback(id, 1 + (i % 5) as u8, "Both of you?").to_string();
                    let first = collectors[(n + i) % 2];
                    let second = collectors[(n + i + 1) % 2];
                    let (x, y) = std::thread::scope(|s| {
                        let x = s.spawn(|| post(first, &body));
                        let y = s.spawn(|| post(second, &body));
                        (x.join().ok().flatten(), y.join().ok().flatten())
                    });
                    let statuses = [x, y].into_iter().map(|s| s.unwrap_or(0)).collect();
                    answers.lock().expect("answers").insert(id.clone(), statuses);
                }
            });
        }
    });
    let answers = answers.into_inner().expect("answers");
    let wrong: Vec<_> = answers.iter().filter(|(_, statuses)| {
        let mut sorted = (*statuses).clone();
        sorted.sort_unstable();
        sorted != [200, 201]
    }).take(5).collect();
    assert!(wrong.is_empty(), "each id answered 201 by one collector and 200 by the other: {wrong:?}");
    let store = store_at(&url).await;
    assert_eq!(store.count_all().await.expect("count"), 2000);
    assert_eq!(stored_ids(&store).await, ids.iter().cloned().collect::<HashSet<_>>());
}

#[tokio::test(flavor = "multi_thread")]
async fn two_collectors_send_each_alert_once() {
    let server = server();
    let url = server.fresh_database().expect("database");
    let receiver = Receiver::start(200).await;
    let hook = receiver.url("/hook");
    let args = ["--webhook", &hook, "--webhook-secret", SECRET];
    let (a, b) = (Collector::start_on(&url, &args), Collector::start_on(&url, &args));
    // Unhappy responses to both; each collector's notifier sees the other's alerts in the
    // shared outbox too, and only one may send each.
    let ids: Vec<String> = (0..300).map(|_| new_id()).collect();
    std::thread::scope(|s| {
        for (n, share) in ids.chunks(75).enumerate() {
            let (a, b) = (&a, &b);
            s.spawn(move || {
                for (i, id) in share.iter().enumerate() {
                    let to = if (n + i) % 2 == 0 { a } else { b };
                    assert_eq!(post(to, &feedback(id, 1, "Broken").to_string()), Some(201));
                }
            });
        }
    });
    eventually(Duration::from_secs(60), "all 300 alerts delivered", || ids.iter().all(|id| receiver.accepted().contains_key(id))).await;
    // Both notifiers look again at least every 5 s: give them the chance to send one twice.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let twice: Vec<_> = receiver.accepted().into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(receiver.accepted().len(), 300);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_collector_loses_nothing_acknowledged_and_the_other_sends_its_alerts() {
    let server = server();
    let url = server.fresh_database().expect("database");
    // Down at first: the alerts wait in the outbox, tried and put back by both collectors.
    let receiver = Receiver::start(503).await;
    let hook = receiver.url("/hook");
    let args = ["--webhook", &hook, "--webhook-secret", SECRET, "--notification-lease", "2s"];
    let mut a = Collector::start_on(&url, &args);
    let b = Collector::start_on(&url, &args);
    let acknowledged: Mutex<HashMap<String, &'static str>> = Mutex::new(HashMap::new());
    let posted = AtomicUsize::new(0);
    let killed = AtomicBool::new(false);
    let after_kill_by_b = AtomicUsize::new(0);
    let pid = a.child.id().to_string();
    std::thread::scope(|s| {
        for n in 0..4 {
            let (a, b, acknowledged, posted, killed, after_kill_by_b) = (&a, &b, &acknowledged, &posted, &killed, &after_kill_by_b);
            s.spawn(move || {
                for i in 0..150 {
                    let id = new_id();
                    let body = feedback(&id, 1, "Lost?").to_string();
                    // Half to each; what the killed one does not answer goes to the other, as a
                    // load balancer retries.
                    let first_a = (n + i) % 2 == 0;
                    let was_killed = killed.load(Ordering::SeqCst);
                    let by = match (first_a, post(if first_a { a } else { b }, &body)) {
                        (true, Some(201 | 200)) => "a",
                        (false, Some(201 | 200)) => "b",
                        (_, other) => {
                            assert!(first_a, "the surviving collector answered {other:?}");
                            assert_eq!(post(b, &body).filter(|s| [200, 201].contains(s)).map(|_| ()), Some(()), "the survivor took it");
                            "b"
                        }
                    };
                    if was_killed && by == "b" {
                        after_kill_by_b.fetch_add(1, Ordering::SeqCst);
                    }
                    acknowledged.lock().expect("acknowledged").insert(id, by);
                    posted.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        // Killed in the middle of the load.
        while posted.load(Ordering::SeqCst) < 300 {
            std::thread::sleep(Duration::from_millis(5));
        }
        let status = std::process::Command::new("kill").args(["-KILL", &pid]).status().expect("kill");
        assert!(status.success(), "SIGKILL");
        killed.store(true, Ordering::SeqCst);
    });
    a.child.wait().expect("reap");
    let acknowledged = acknowledged.into_inner().expect("acknowledged");
    assert_eq!(acknowledged.len(), 600);
    assert!(after_kill_by_b.load(Ordering::SeqCst) > 0, "the survivor kept answering after the kill");
    let by_a: Vec<&String> = acknowledged.iter().filter(|(_, by)| **by == "a").map(|(id, _)| id).collect();
    assert!(!by_a.is_empty());

    let store = store_at(&url).await;
    let stored = stored_ids(&store).await;
    let missing: Vec<_> = acknowledged.keys().filter(|id| !stored.contains(*id)).take(5).collect();
    assert!(missing.is_empty(), "acknowledged but not stored: {missing:?}");

    // The channel recovers: the survivor sends every alert, the dead one's included (those it
    // held when it died once their lease has run out), each once.
    receiver.status.store(200, Ordering::SeqCst);
    eventually(Duration::from_secs(90), "every alert delivered by the survivor", || {
        let accepted = receiver.accepted();
        acknowledged.keys().all(|id| accepted.contains_key(id))
    })
    .await;
    let twice: Vec<_> = receiver.accepted().into_iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    drop(b);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_restart_answers_503_meanwhile_and_loses_nothing_acknowledged() {
    let server = server();
    let url = server.fresh_database().expect("database");
    let (a, b) = (Collector::start_on(&url, &[]), Collector::start_on(&url, &[]));
    let acknowledged: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let refused: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let refusals_seen = AtomicUsize::new(0);
    let successes_after_resume = AtomicUsize::new(0);
    let resumed = AtomicBool::new(false);
    std::thread::scope(|s| {
        for n in 0..4 {
            let to = if n % 2 == 0 { &a } else { &b };
            let (acknowledged, refused, stop, refusals_seen, successes_after_resume, resumed) =
                (&acknowledged, &refused, &stop, &refusals_seen, &successes_after_resume, &resumed);
            s.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let id = new_id();
                    let mut stream = to.connect();
                    match exchange(&mut stream, &to.post_request(&feedback(&id, 2, "Still there?").to_string())) {
                        Some((200 | 201, _)) => {
                            if resumed.load(Ordering::SeqCst) {
                                successes_after_resume.fetch_add(1, Ordering::SeqCst);
                            }
                            acknowledged.lock().expect("acknowledged").push(id);
                        }
                        Some((503, _)) => {
                            refusals_seen.fetch_add(1, Ordering::SeqCst);
                            refused.lock().expect("refused").push(id);
                        }
                        other => panic!("a collector answered {other:?} during the outage"),
                    }
                }
            });
        }
        let wait_for = |what: &str, done: &dyn Fn() -> bool| {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !done() {
                assert!(Instant::now() < deadline, "{what}: not within 60 s");
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        wait_for("responses stored before the restart", &|| acknowledged.lock().expect("acknowledged").len() >= 200);
        server.pause().expect("stop the database");
        wait_for("503s while the database is down", &|| refusals_seen.load(Ordering::SeqCst) >= 20);
        // A 503 tells the sender when to come back.
        let (status, _) = exchange(&mut a.connect(), &a.post_request(&feedback(&new_id(), 3, "").to_string())).expect("an answer");
        assert_eq!(status, 503);
        assert!(a.get("/readyz").is_some_and(|(status, _)| status == 503), "not ready while the database is down");
        server.resume().expect("start the database again");
        resumed.store(true, Ordering::SeqCst);
        wait_for("responses stored after the restart, without restarting the collectors", &|| {
            successes_after_resume.load(Ordering::SeqCst) >= 200
        });
        stop.store(true, Ordering::SeqCst);
    });
    assert!(a.get("/readyz").is_some_and(|(status, _)| status == 200) && b.get("/readyz").is_some_and(|(status, _)| status == 200));
    let store = store_at(&url).await;
    let stored = stored_ids(&store).await;
    let acknowledged = acknowledged.into_inner().expect("acknowledged");
    let missing: Vec<_> = acknowledged.iter().filter(|id| !stored.contains(*id)).take(5).collect();
    assert!(missing.is_empty(), "acknowledged but not stored: {missing:?}");
    // What was refused is what a widget sends again: it is stored once sent again.
    let refused = refused.into_inner().expect("refused");
    for id in refused.iter().take(50) {
        assert!(matches!(post(&a, &feedback(id, 2, "Still there?").to_string()), Some(200 | 201)));
    }
    let stored = stored_ids(&store).await;
    assert!(refused.iter().take(50).all(|id| stored.contains(id)));
}

#[test]
fn an_unreachable_database_at_start_up_is_waited_for() {
    let server = server();
    let url = server.fresh_database().expect("database");
    server.pause().expect("stop the database");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Collector::spawn(&["--database-url".into(), url.clone().into()], &["--listen", &listen], None);
    let log = Arc::new(Mutex::new(String::new()));
    let stderr = child.stderr.take().expect("stderr");
    let lines = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)).map_while(Result::ok) {
            lines.lock().expect("log").push_str(&line);
        }
    });
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&listen).ok()?;
        exchange(&mut stream, &format!("GET {path} HTTP/1.1\r\nHost: {listen}\r\n\r\n"))
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let starting = loop {
        if let Some(answer) = get("/readyz") {
            break answer;
        }
        assert!(Instant::now() < deadline, "the collector never listened");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(starting.0, 503, "not ready before the database answers");
    assert!(starting.1.contains("starting"), "{}", starting.1);
    // Posts wait; the widget's files are served (404 when dist/ was not built before the tests).
    assert!(get("/widget/feedback.js").is_some_and(|(status, _)| status == 200 || status == 404), "the loader is served while starting");
    let mut stream = std::net::TcpStream::connect(&listen).expect("connect");
    let post = format!(
        "POST /api/feedback HTTP/1.1\r\nHost: {listen}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    assert_eq!(exchange(&mut stream, &post).map(|(status, _)| status), Some(503));
    // It says so in its log, naming the database, and keeps trying.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log.lock().expect("log").contains("cannot reach the database yet; trying again") {
        assert!(Instant::now() < deadline, "no log line about the database: {}", log.lock().expect("log"));
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(log.lock().expect("log").contains("PostgreSQL postgres://platinum@127.0.0.1"));
    server.resume().expect("start the database");
    let collector = Collector::attach(child);
    assert_eq!(collector.get("/readyz").map(|(status, _)| status), Some(200));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sqlite_store_copied_twice_gives_the_same_rows() {
    use common::TestApp;
    let app = TestApp::new().await;
    let mut payloads = Vec::new();
    for (rating, comment) in [(1, "Broken checkout"), (5, "Lovely"), (2, "Slow"), (4, "")] {
        let id = new_id();
        let mut body = feedback(&id, rating, comment);
        body["schema_version"] = serde_json::json!(2);
        body["scale"] = serde_json::json!("csat5");
        body["metadata"] = serde_json::json!({"plan": "pro", "cart": "3"});
        body["user"] = serde_json::json!({"id": "u-1", "email": "ann@shop.example", "name": "Ann"});
        assert_eq!(app.post(&body).await.status, 201);
        payloads.push(id);
    }
    app.store.mark_followed_up(&payloads[0], "2026-12-01T10:00:00.000Z", Some("Called her")).await.expect("follow up");
    app.store.queue_reply(&payloads[2], "Sorry, fixed now", "<r1@shop.example>", 1_800_000_000, "2026-12-01T10:00:00.000Z").await.expect("reply");
    app.store.queue_notification("alert", "email", Some(&payloads[0]), 1_800_000_000).await.expect("alert");
    app.store.record_digest(1_799_913_600, 1_800_000_000, Some("{}"), &["email".to_owned()], 1_800_000_000).await.expect("digest");
    let dir = app.stop().await;
    let source = common::db_path(dir.path());

    let server = server();
    let url = server.fresh_database().expect("database");
    let copy = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_platinum-collector"))
            .args(["migrate-sqlite-to-postgres", "--from"])
            .arg(&source)
            .args(["--to", &url])
            .output()
            .expect("run the copy");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = copy();
    assert!(first.contains("feedback: 4 in SQLite, 4 copied, 0 already there"), "{first}");
    assert!(first.contains("notification: 3 in SQLite, 3 copied"), "{first}");
    let second = copy();
    assert!(second.contains("feedback: 4 in SQLite, 0 copied, 4 already there"), "{second}");
    assert!(second.contains("notification: 3 in SQLite, 0 copied, 3 already there"), "{second}");

    let sqlite = Store::open(&source).await.expect("open the source").0;
    let postgres = store_at(&url).await;
    let all = FeedbackFilter { spam: SpamFilter::Include, ..FeedbackFilter::default() };
    assert_eq!(json(&postgres.list(&all, u32::MAX, 0).await.expect("list")), json(&sqlite.list(&all, u32::MAX, 0).await.expect("list")));
    for id in &payloads {
        assert_eq!(json(&postgres.notifications_of(id).await.expect("n")), json(&sqlite.notifications_of(id).await.expect("n")));
        assert_eq!(json(&postgres.replies_of(id).await.expect("r")), json(&sqlite.replies_of(id).await.expect("r")));
    }
    let filter = FeedbackFilter { metadata: vec![("plan".into(), "pro".into())], ..FeedbackFilter::default() };
    assert_eq!(postgres.count(&filter).await.expect("count"), 4);
    assert_eq!(json(&postgres.follow_up().await.expect("f")), json(&sqlite.follow_up().await.expect("f")));
    assert_eq!(postgres.list(&all, 1, 0).await.expect("newest").first().map(|f| f.id.clone()), Some(payloads[3].clone()));
    // A response stored after the copy is numbered after the copied ones: the newest.
    let collector = Collector::start_on(&url, &[]);
    let later = new_id();
    assert_eq!(post(&collector, &feedback(&later, 3, "After the move").to_string()), Some(201));
    assert_eq!(postgres.list(&all, 1, 0).await.expect("newest").first().map(|f| f.id.clone()), Some(later));
}
