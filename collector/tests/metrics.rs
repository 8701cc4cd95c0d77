//! `GET /metrics` as a Prometheus scraper reads it: behind the admin token on the main address,
//! without one on `--metrics-listen`, and its figures agreeing with what was posted.

mod common;

use axum::http::StatusCode;
use common::process::Collector;
use common::{TestApp, feedback, feedback_v2, new_id};
use prometheus_parse::{Scrape, Value};

/// The page parsed by a Prometheus text parser.
fn parse(page: &str) -> Scrape {
    Scrape::parse(page.lines().map(|line| Ok(line.to_owned()))).expect("a Prometheus text page")
}

/// The value of the sample `metric` whose labels include `labels`; 0 when there is none, as
/// Prometheus reads a series that has not appeared yet.
fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    let sample = scrape.samples.iter().find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)));
    match sample.map(|s| &s.value) {
        Some(Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v)) => *v,
        Some(other) => panic!("{metric} is not a single value: {other:?}"),
        None => 0.0,
    }
}

/// The buckets of the histogram `metric`: (upper bound, observations at or below it).
fn buckets(scrape: &Scrape, metric: &str) -> Vec<(f64, f64)> {
    let sample = scrape.samples.iter().find(|s| s.metric == metric).unwrap_or_else(|| panic!("no histogram {metric}"));
    let Value::Histogram(counts) = &sample.value else { panic!("{metric} is not a histogram") };
    counts.iter().map(|c| (c.less_than, c.count)).collect()
}

#[tokio::test]
async fn the_figures_agree_with_what_was_posted() {
    let app = TestApp::new().await;
    let ids: Vec<String> = (0..5).map(|_| new_id()).collect();
    for (id, rating) in ids.iter().zip([1, 2, 5, 5, 5]) {
        assert_eq!(app.post(&feedback(id, rating, "metrics")).await.status, StatusCode::CREATED);
    }
    assert_eq!(app.post(&feedback_v2(&new_id(), "nps", 9, "")).await.status, StatusCode::CREATED);
    // A retry of a stored response, and a refused one.
    assert_eq!(app.post(&feedback(&ids[0], 1, "metrics")).await.status, StatusCode::OK);
    assert_eq!(app.post(&feedback(&new_id(), 9, "off the scale")).await.status, StatusCode::BAD_REQUEST);

    let answer = app.get_with_token("/metrics").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(answer.header("content-type").is_some_and(|t| t.starts_with("application/openmetrics-text")));
    let scrape = parse(&answer.text());
    assert_eq!(value(&scrape, "platinum_posts_total", &[("status", "201")]), 6.0);
    assert_eq!(value(&scrape, "platinum_posts_total", &[("status", "200")]), 1.0);
    assert_eq!(value(&scrape, "platinum_posts_total", &[("status", "400")]), 1.0);
    assert_eq!(value(&scrape, "platinum_responses_stored_total", &[("scale", "csat5"), ("rating", "5")]), 3.0);
    assert_eq!(value(&scrape, "platinum_responses_stored_total", &[("scale", "csat5"), ("rating", "1")]), 1.0);
    assert_eq!(value(&scrape, "platinum_responses_stored_total", &[("scale", "nps"), ("rating", "9")]), 1.0);
    assert_eq!(value(&scrape, "platinum_notifications_pending", &[]), 0.0);
    assert!(value(&scrape, "platinum_process_resident_memory_bytes", &[]) > 1e6);
    // Seven transactions (one per post that reached the writer), each of one row, committed.
    let batches = buckets(&scrape, "platinum_writer_batch_rows");
    assert_eq!(batches.iter().find(|(le, _)| *le == 1.0).map(|(_, n)| *n), Some(7.0), "{batches:?}");
    let commits = buckets(&scrape, "platinum_writer_commit_seconds");
    assert_eq!(commits.last().map(|(_, n)| *n), Some(7.0), "{commits:?}");
    // Scraping is not counted as a post.
    let again = parse(&app.get_with_token("/metrics").await.text());
    assert_eq!(value(&again, "platinum_posts_total", &[("status", "201")]), 6.0);
}

#[tokio::test]
async fn the_main_address_wants_the_admin_token() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    let wrong = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer not-the-token-0123456789abcdef0123")
        .body(axum::body::Body::empty())
        .expect("request");
    assert_eq!(app.send(wrong).await.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn metrics_listen_serves_the_page_without_a_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let collector = Collector::start(&common::db_path(dir.path()), &["--metrics-listen", "127.0.0.1:0"]);
    let banner = collector.banner_containing("metrics:");
    let metrics_address = banner
        .lines()
        .find_map(|line| line.trim().strip_prefix("metrics:"))
        .and_then(|rest| rest.trim().strip_prefix("http://"))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no metrics address in {banner:?}"))
        .to_owned();
    let body = feedback(&new_id(), 4, "through the real server").to_string();
    let (status, _) = common::process::exchange(&mut collector.connect(), &collector.post_request(&body)).expect("post");
    assert_eq!(status, 201);

    let mut scraper = std::net::TcpStream::connect(&metrics_address).expect("connect to --metrics-listen");
    scraper.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {metrics_address}\r\n\r\n");
    let (status, page) = common::process::exchange(&mut scraper, &request).expect("scrape");
    assert_eq!(status, 200, "{page}");
    let scrape = parse(&page);
    assert_eq!(value(&scrape, "platinum_posts_total", &[("status", "201")]), 1.0);
    assert_eq!(value(&scrape, "platinum_responses_stored_total", &[("scale", "csat5"), ("rating", "4")]), 1.0);
    // The main address still wants the token, and the metrics address serves nothing else.
    assert_eq!(collector.get("/metrics").map(|(status, _)| status), Some(401));
    let request = format!("GET /api/feedback HTTP/1.1\r\nHost: {metrics_address}\r\n\r\n");
    assert_eq!(common::process::exchange(&mut scraper, &request).map(|(status, _)| status), Some(404));
}
