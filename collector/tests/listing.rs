//! `GET /api/feedback` as the owner's scripts see it: cursor walks while responses keep arriving,
//! NDJSON and CSV exports streamed in batches, filters in every format, and bad cursors.

mod common;

use std::collections::HashSet;

use axum::Router;
use axum::http::StatusCode;
use common::{TestApp, feedback, feedback_v2, new_id, post_request};
use serde_json::Value;
use tower::ServiceExt;

/// Posts `body` through `router` as a client on the loopback address would.
async fn post_via(router: Router, body: &Value) -> StatusCode {
    let mut request = post_request(body.to_string(), "application/json", None);
    request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 1))));
    router.oneshot(request).await.expect("answer").status()
}

/// Posts `n` responses, a few at a time, and returns their ids in the order they were stored.
async fn post_many(app: &TestApp, n: usize, comment: &str) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(16) {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in chunk {
            let id = new_id();
            let router = app.router.clone();
            let body = feedback(&id, 4, comment);
            tasks.spawn(async move { assert_eq!(post_via(router, &body).await, StatusCode::CREATED) });
            ids.push(id);
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("post");
        }
    }
    // Posted together, a chunk's rows are numbered in whichever order they were written.
    let stored = export_ids(app, "format=ndjson&spam=include").await;
    let posted: HashSet<&String> = ids.iter().collect();
    stored.into_iter().rev().filter(|id| posted.contains(id)).collect()
}

/// The ids of an NDJSON export, in its order.
async fn export_ids(app: &TestApp, query: &str) -> Vec<String> {
    let answer = app.get_with_token(&format!("/api/feedback?{query}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.text().lines().map(|line| serde_json::from_str::<Value>(line).expect("a JSON line")["id"].as_str().expect("id").to_owned()).collect()
}

#[tokio::test]
async fn a_cursor_walk_sees_every_earlier_response_once_in_order_while_more_arrive() {
    let app = TestApp::new().await;
    let before = post_many(&app, 90, "").await;
    let router = app.router.clone();
    let arriving = tokio::spawn(async move {
        let mut ids = Vec::new();
        for _ in 0..60 {
            let id = new_id();
            assert_eq!(post_via(router.clone(), &feedback(&id, 2, "meanwhile")).await, StatusCode::CREATED);
            ids.push(id);
            tokio::task::yield_now().await;
        }
        ids
    });
    let mut seen = Vec::new();
    let mut uri = "/api/feedback?per_page=7".to_owned();
    loop {
        let page = app.get_with_token(&uri).await.json();
        seen.extend(page["items"].as_array().expect("items").iter().map(|item| item["id"].as_str().expect("id").to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/api/feedback?per_page=7&cursor={cursor}"),
            None => break,
        }
        tokio::task::yield_now().await;
    }
    let arrived: HashSet<String> = arriving.await.expect("sender").into_iter().collect();
    let earlier: Vec<&String> = seen.iter().filter(|id| !arrived.contains(*id)).collect();
    let expected: Vec<&String> = before.iter().rev().collect();
    assert_eq!(earlier, expected, "every earlier response once, newest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "nothing twice");
}

#[tokio::test]
async fn cursor_pages_say_where_the_next_starts_and_the_last_says_none() {
    let app = TestApp::new().await;
    let ids = post_many(&app, 6, "").await;
    let first = app.get_with_token("/api/feedback?per_page=3").await.json();
    assert_eq!(first["page"], 1);
    assert_eq!(first["total"], 6);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let second = app.get_with_token(&format!("/api/feedback?per_page=3&cursor={cursor}")).await.json();
    assert_eq!(second["page"], Value::Null, "reached by cursor, not by number");
    assert_eq!(second["next_cursor"], Value::Null, "exactly full and the end: no cursor to an empty page");
    let got: Vec<&str> = second["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id")).collect();
    let want: Vec<&str> = ids[..3].iter().rev().map(String::as_str).collect();
    assert_eq!(got, want);
    // Paging by number still works, and says where a cursor walk would go on.
    let by_number = app.get_with_token("/api/feedback?per_page=2&page=2").await.json();
    assert_eq!(by_number["items"][0]["id"], ids[3]);
    assert!(by_number["next_cursor"].is_string());
}

#[tokio::test]
async fn exports_stream_every_response_across_batches_newest_first() {
    let app = TestApp::new().await;
    // More than two of the export's 1000-row batches.
    let ids = post_many(&app, 2150, "a comment, with \"quotes\"").await;
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    let answer = app.get_with_token("/api/feedback?format=ndjson").await;
    assert_eq!(answer.header("content-type"), Some("application/x-ndjson"));
    let lines: Vec<Value> = answer.text().lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(lines.iter().map(|l| l["id"].as_str().expect("id").to_owned()).collect::<Vec<_>>(), newest_first);
    assert!(lines.iter().all(|l| l["comment"] == "a comment, with \"quotes\"" && l["rating"] == 4));

    let csv = app.get_with_token("/api/feedback?format=csv").await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut reader = csv::Reader::from_reader(csv.body.as_slice());
    assert_eq!(reader.headers().expect("header").get(0), Some("id"), "one header line, at the top");
    let rows: Vec<String> = reader.records().map(|r| r.expect("a CSV row")[0].to_owned()).collect();
    assert_eq!(rows, newest_first);

    // A cursor bounds an export too: everything older than where a page ended.
    let page = app.get_with_token("/api/feedback?per_page=500").await.json();
    let cursor = page["next_cursor"].as_str().expect("more");
    assert_eq!(export_ids(&app, &format!("format=ndjson&cursor={cursor}")).await, newest_first[500..]);
}

#[tokio::test]
async fn filters_apply_to_every_format() {
    let app = TestApp::new().await;
    let mut wanted = HashSet::new();
    for (rating, comment) in [(5, "love it"), (5, ""), (2, "slow"), (5, "fast checkout"), (1, "")] {
        let id = new_id();
        assert_eq!(app.post(&feedback_v2(&id, "stars5", rating, comment)).await.status, StatusCode::CREATED);
        if rating == 5 && !comment.is_empty() {
            wanted.insert(id);
        }
    }
    let filter = "rating=5&has_comment=yes&scale=stars5";
    let page = app.get_with_token(&format!("/api/feedback?{filter}")).await.json();
    let json: HashSet<String> = page["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect();
    let ndjson: HashSet<String> = export_ids(&app, &format!("{filter}&format=ndjson")).await.into_iter().collect();
    let csv = app.get_with_token(&format!("/api/feedback?{filter}&format=csv")).await;
    let csv: HashSet<String> = csv::Reader::from_reader(csv.body.as_slice()).records().map(|r| r.expect("row")[0].to_owned()).collect();
    assert_eq!(page["total"], 2);
    assert_eq!(json, wanted);
    assert_eq!(ndjson, wanted);
    assert_eq!(csv, wanted);
}

#[tokio::test]
async fn a_bad_cursor_is_refused_naming_the_parameter() {
    let app = TestApp::new().await;
    for query in ["cursor=nonsense", "cursor=c1.xyz", "cursor=c1.0", "cursor=c1.00ff", "format=ndjson&cursor=12", "format=csv&cursor=c2.1"] {
        let answer = app.get_with_token(&format!("/api/feedback?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        let body = answer.json();
        assert_eq!(body["field"], "cursor", "{query}");
        assert!(body["error"].as_str().expect("message").starts_with("cursor must be"), "{body}");
    }
    let both = app.get_with_token("/api/feedback?cursor=c1.5&page=2").await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert_eq!(both.json()["field"], "page");
}
