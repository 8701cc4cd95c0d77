//! The built binary on a real socket, killed with SIGKILL in the middle of a burst of posts:
//! after a restart every response it acknowledged is still stored.

mod common;

use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::process::{Collector, exchange};
use common::{TOKEN, feedback, new_id};

fn start(db: &std::path::Path) -> Collector {
    Collector::start(db, &[])
}

#[test]
fn every_acknowledged_response_survives_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.db");
    let mut collector = start(&db);

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..8)
        .map(|_| {
            let (address, acknowledged, count, stop) = (collector.address.clone(), acknowledged.clone(), count.clone(), stop.clone());
            std::thread::spawn(move || {
                let Ok(mut stream) = TcpStream::connect(&address) else { return };
                while !stop.load(Ordering::Relaxed) {
                    let id = new_id();
                    let request = format!(
                        "POST /api/feedback HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                        feedback(&id, 3, "crash test").to_string().len(),
                        feedback(&id, 3, "crash test")
                    );
                    match exchange(&mut stream, &request) {
                        Some((201, _)) => {
                            acknowledged.lock().expect("lock").push(id);
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                        Some((status, body)) => panic!("unexpected {status}: {body}"),
                        None => return, // the collector is gone
                    }
                }
            })
        })
        .collect();

    // Kill it mid-burst, once a good number of posts have been acknowledged.
    while count.load(Ordering::Relaxed) < 500 {
        assert!(!senders.iter().all(|s| s.is_finished()), "the senders stopped before the kill");
        std::thread::yield_now();
    }
    collector.child.kill().expect("SIGKILL");
    collector.child.wait().expect("reap");
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.join().expect("sender thread");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= 500);

    let mut collector = start(&db);
    let mut stored = std::collections::HashSet::new();
    let mut stream = TcpStream::connect(&collector.address).expect("connect after restart");
    let (health, _) = exchange(&mut stream, &format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", collector.address)).expect("healthz");
    assert_eq!(health, 200);
    for page in 1.. {
        let request = format!(
            "GET /api/feedback?per_page=500&page={page} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n",
            collector.address
        );
        let (status, body) = exchange(&mut stream, &request).expect("list");
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        let items = json["items"].as_array().expect("items");
        if items.is_empty() {
            break;
        }
        stored.extend(items.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)));
    }
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged responses lost", lost.len(), acknowledged.len());
    collector.child.kill().expect("stop");
    collector.child.wait().expect("reap");
}

#[test]
fn a_closed_stdout_does_not_stop_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("address").port();
    let address = format!("127.0.0.1:{port}");
    // The read end is gone before the collector prints its banner, as when a supervisor or a
    // `| head` closes the pipe.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_platinum-collector"))
        .args(["--listen", &address, "--db"])
        .arg(dir.path().join("closed-stdout.db"))
        .env("PLATINUM_ADMIN_TOKEN", TOKEN)
        .env("PLATINUM_LOG", "warn")
        .stdout(writer)
        .spawn()
        .expect("start the collector");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // It listens at once and answers 503 while it opens the database; then 200.
    let health = loop {
        assert!(child.try_wait().expect("poll").is_none(), "the collector exited when its stdout was closed");
        if let Ok(mut stream) = TcpStream::connect(&address) {
            let status = exchange(&mut stream, &format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n")).map(|(status, _)| status);
            if status != Some(503) {
                break status;
            }
        }
        assert!(std::time::Instant::now() < deadline, "the collector never became healthy on {address}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(health, Some(200));
}
