//! Clients that connect and then dawdle (send nothing, trickle their headers, stop halfway through
//! a body) cannot take the collector down, on real sockets with a lowered open-file limit, and
//! each kind is closed once its deadline has passed.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::process::{Collector, exchange, read_response};
use common::{feedback, new_id};

/// Reads until the server closes the connection (or `limit` passes); what it sent before closing.
fn until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(Duration, String)> {
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(100))).expect("read timeout");
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return Some((start.elapsed(), String::from_utf8_lossy(&received).into_owned())),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Some((start.elapsed(), String::from_utf8_lossy(&received).into_owned())),
        }
    }
    None
}

/// A request head that promises a body of `length` bytes, followed by a few of them.
fn unfinished_post(address: &str, length: usize) -> String {
    format!("POST /api/feedback HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"id\":")
}

#[test]
fn idle_and_slow_clients_cannot_lock_out_real_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 256 descriptors, as in the report that 300 idle sockets stopped /healthz.
    let collector = Collector::start_with_open_files(&dir.path().join("slow.db"), &[], 256, 256);
    let banner = collector.banner_containing("connections:");
    assert!(banner.contains("at most 192 open (open-file limit 256)"), "{banner}");

    let mut hostile = Vec::new();
    for i in 0..300 {
        let mut stream = TcpStream::connect(&collector.address).expect("connect");
        match i % 3 {
            0 => {} // says nothing
            1 => stream.write_all(b"GET /healthz HTTP/1.1\r\nHo").expect("a few header bytes"),
            _ => stream.write_all(unfinished_post(&collector.address, 4000).as_bytes()).expect("head and a little body"),
        }
        hostile.push(stream);
    }

    for round in 0..3 {
        let start = Instant::now();
        let health = collector.get("/healthz");
        let took = start.elapsed();
        assert_eq!(health.map(|(status, _)| status), Some(200), "round {round}: /healthz answers");
        assert!(took < Duration::from_secs(1), "round {round}: /healthz took {took:?}");

        let start = Instant::now();
        let post = exchange(&mut collector.connect(), &collector.post_request(&feedback(&new_id(), 2, "still here").to_string()));
        let took = start.elapsed();
        assert_eq!(post.map(|(status, _)| status), Some(201), "round {round}: a real post is stored");
        assert!(took < Duration::from_secs(1), "round {round}: the post took {took:?}");
    }
    let log = collector.log();
    assert!(!log.contains("Too many open files") && !log.contains("out of file descriptors"), "{log}");
    drop(hostile);
}

#[test]
fn idle_slow_and_unfinished_requests_are_closed_after_their_timeouts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ["--idle-timeout", "1s", "--header-timeout", "1s", "--body-timeout", "1s"];
    let collector = Collector::start(&dir.path().join("timeouts.db"), &args);
    let within = |closed: Option<(Duration, String)>, what: &str| -> String {
        let (after, received) = closed.unwrap_or_else(|| panic!("{what}: still open after 10 s"));
        assert!(after >= Duration::from_millis(800) && after < Duration::from_secs(4), "{what}: closed after {after:?}");
        received
    };

    let mut idle = collector.connect();
    within(until_closed(&mut idle, Duration::from_secs(10)), "a connection that sends nothing");

    // Kept alive after a real request, then left idle.
    let mut kept = collector.connect();
    let health = exchange(&mut kept, &format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", collector.address));
    assert_eq!(health.map(|(status, _)| status), Some(200));
    within(until_closed(&mut kept, Duration::from_secs(10)), "a kept-alive connection left idle");

    // Headers trickled a byte every 100 ms never finish: the header timeout counts from the first.
    let mut trickle = collector.connect();
    trickle.set_read_timeout(Some(Duration::from_millis(100))).expect("read timeout");
    let start = Instant::now();
    let mut closed_after = None;
    for byte in b"GET /healthz HTTP/1.1\r\nX-Slow: ".iter().chain(std::iter::repeat(&b'a')).take(100) {
        if trickle.write_all(&[*byte]).is_err() {
            closed_after = Some(start.elapsed());
            break;
        }
        let mut buf = [0u8; 64];
        match trickle.read(&mut buf) {
            Ok(_) => {
                closed_after = Some(start.elapsed());
                break;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                closed_after = Some(start.elapsed());
                break;
            }
        }
    }
    let after = closed_after.expect("headers sent a byte at a time: still open after 10 s");
    assert!(after >= Duration::from_millis(800) && after < Duration::from_secs(4), "trickled headers: closed after {after:?}");

    // A body shorter than its Content-Length: answered 408, then closed.
    let mut unfinished = collector.connect();
    unfinished.write_all(unfinished_post(&collector.address, 500).as_bytes()).expect("head");
    let answer = within(until_closed(&mut unfinished, Duration::from_secs(10)), "an unfinished body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive in time"), "{answer}");

    // Through all of it, the collector kept answering.
    assert_eq!(collector.get("/healthz").map(|(status, _)| status), Some(200));
}

#[test]
fn shutdown_waits_for_a_half_sent_request_only_until_the_grace_period_ends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ["--shutdown-grace", "1s", "--body-timeout", "60s", "--idle-timeout", "60s"];
    let mut collector = Collector::start(&dir.path().join("shutdown.db"), &args);
    let mut stuck = collector.connect();
    stuck.write_all(unfinished_post(&collector.address, 500).as_bytes()).expect("head");
    // The request is in the server's hands before the signal.
    let mut probe = collector.connect();
    assert_eq!(exchange(&mut probe, &format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", collector.address)).map(|r| r.0), Some(200));

    let start = Instant::now();
    collector.terminate();
    let exited = collector.wait_for_exit(Duration::from_secs(10));
    let took = start.elapsed();
    assert!(exited.is_some_and(|status| status.success()), "still running 10 s after SIGTERM: {exited:?}");
    assert!(took < Duration::from_secs(4), "took {took:?} to stop");
    assert!(read_response(&mut stuck).is_none(), "the half-sent request got no answer but a closed connection");
}

#[test]
fn the_open_file_limit_is_raised_to_the_hard_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let collector = Collector::start_with_open_files(&dir.path().join("limit.db"), &[], 200, 4000);
    let banner = collector.banner_containing("connections:");
    assert!(banner.contains("open-file limit 4000"), "{banner}");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", collector.child.id())).expect("limits");
    let open_files = limits.lines().find(|l| l.starts_with("Max open files")).expect("open files line");
    assert_eq!(open_files.split_whitespace().nth(3), Some("4000"), "soft limit raised: {open_files}");
    assert_eq!(collector.get("/healthz").map(|(status, _)| status), Some(200));
}
