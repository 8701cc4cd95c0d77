//! `POST /api/feedback` as a sender sees it: every status code, idempotency, CORS, abuse handling.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{feedback_v2, TestApp, feedback, new_id, post_request};
use platinum_collector::RateLimit;
use serde_json::json;

#[tokio::test]
async fn new_feedback_is_created_and_a_repeat_is_not_stored_twice() {
    let app = TestApp::new().await;
    let id = new_id();
    let first = app.post(&feedback(&id, 4, "Nice shop")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.json()["id"], id);
    let again = app.post(&feedback(&id, 4, "Nice shop")).await;
    assert_eq!(again.status, StatusCode::OK);
    // The same id in capitals is the same response.
    let upper = app.post(&feedback(&id.to_uppercase(), 4, "Nice shop")).await;
    assert_eq!(upper.status, StatusCode::OK);
    assert_eq!(app.rows().await, 1);
}

#[tokio::test]
async fn concurrent_retries_of_one_response_store_one_row() {
    let app = TestApp::new().await;
    let id = new_id();
    let body = feedback(&id, 5, "");
    let answers = futures_join(&app, &body, 20).await;
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::CREATED).count(), 1);
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::OK).count(), 19);
    assert_eq!(app.rows().await, 1);
}

async fn futures_join(app: &TestApp, body: &serde_json::Value, n: usize) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let router = app.router.clone();
        let body = body.to_string();
        tasks.spawn(async move {
            use tower::ServiceExt;
            let mut request = post_request(body, "application/json", None);
            request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 1))));
            router.oneshot(request).await.expect("answer").status()
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn invalid_payloads_are_refused_with_the_field_named() {
    let app = TestApp::new().await;
    let cases = [
        (json!({ "rating": 7 }), "rating", "rating must be between 1 and 5 (got 7)"),
        (json!({ "comment": "x".repeat(5001) }), "comment", "comment must be at most 5000 characters"),
        (json!({ "email": "not-an-email" }), "email", "email must be an email address"),
        (json!({ "rating": "five" }), "rating", "invalid type"),
        (json!({ "viewport": { "width": -1, "height": 2 } }), "viewport.width", "invalid value"),
        (json!({ "id": "123" }), "id", "id must be a UUID v4"),
    ];
    for (change, field, message) in cases {
        let mut body = feedback(&new_id(), 3, "");
        merge(&mut body, &change);
        let answer = app.post(&body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{change}");
        let json = answer.json();
        assert_eq!(json["field"], field, "{change}: {json}");
        assert!(json["error"].as_str().is_some_and(|e| e.contains(message)), "{change}: {json}");
    }
    assert_eq!(app.rows().await, 0);
}

#[tokio::test]
async fn missing_fields_and_broken_json_are_explained() {
    let app = TestApp::new().await;
    let mut body = feedback(&new_id(), 3, "");
    body["page"].as_object_mut().expect("page").remove("url");
    let answer = app.post(&body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["field"], "page.url");
    assert!(answer.json()["error"].as_str().is_some_and(|e| e.contains("missing field `url`")));

    let broken = app.send(post_request("{\"id\": ".into(), "application/json", None)).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert!(broken.json()["error"].as_str().is_some_and(|e| e.contains("EOF")), "{}", broken.text());

    let trailing = app.send(post_request(format!("{} x", feedback(&new_id(), 3, "")), "application/json", None)).await;
    assert_eq!(trailing.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unknown_members_are_ignored() {
    let app = TestApp::new().await;
    let mut body = feedback(&new_id(), 3, "");
    body["sent_from_the_future"] = json!({ "anything": [1, 2] });
    assert_eq!(app.post(&body).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::new().await;
    let huge = format!("{{\"padding\":\"{}\"}}", "x".repeat(49 * 1024));
    // No Content-Length: the limit holds while the body is read.
    let answer = app.send(post_request(huge.clone(), "application/json", None)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.json()["error"].as_str().is_some_and(|e| e.contains("49152")));
    // A declared length over the limit is refused before reading.
    let mut declared = post_request(huge, "application/json", None);
    declared.headers_mut().insert(header::CONTENT_LENGTH, (49 * 1024 + 14).into());
    assert_eq!(app.send(declared).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A payload at every limit fits, version 1's and version 2's with a full user and metadata.
    let mut big = feedback(&new_id(), 3, &"é".repeat(5000));
    big["page"]["title"] = json!("t".repeat(1000));
    assert_eq!(app.post(&big).await.status, StatusCode::CREATED);
    let mut big = feedback_v2(&new_id(), "nps", 10, &"中".repeat(5000));
    big["user"] = json!({ "id": "😀".repeat(128), "email": format!("{}@example.com", "a".repeat(242)), "name": "😀".repeat(200) });
    big["metadata"] = (0..20).map(|i| (format!("{i:02}{}", "😀".repeat(62)), json!("😀".repeat(256)))).collect();
    assert!(big.to_string().len() > 40_000, "{} bytes", big.to_string().len());
    assert_eq!(app.post(&big).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn wrong_content_type_is_refused_and_text_plain_is_accepted() {
    let app = TestApp::new().await;
    let body = feedback(&new_id(), 5, "sent with sendBeacon").to_string();
    let form = app.send(post_request(body.clone(), "application/x-www-form-urlencoded", None)).await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let none = app.send(Request::post("/api/feedback").body(Body::from(body.clone())).expect("request")).await;
    assert_eq!(none.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let text = app.send(post_request(body, "text/plain;charset=UTF-8", None)).await;
    assert_eq!(text.status, StatusCode::CREATED);
    assert_eq!(app.rows().await, 1);
}

#[tokio::test]
async fn allowed_and_same_origin_posts_work_others_are_forbidden() {
    let app = TestApp::new().await;
    let allowed = app.send(post_request(feedback(&new_id(), 5, "").to_string(), "application/json", Some("https://shop.example"))).await;
    assert_eq!(allowed.status, StatusCode::CREATED);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://shop.example"));

    // The demo page is served by the collector itself: its Origin matches the Host.
    let same = app.send(post_request(feedback(&new_id(), 5, "").to_string(), "application/json", Some("http://collector.test"))).await;
    assert_eq!(same.status, StatusCode::CREATED);

    let other = app.send(post_request(feedback(&new_id(), 5, "").to_string(), "application/json", Some("https://evil.example"))).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert!(other.json()["error"].as_str().is_some_and(|e| e.contains("https://evil.example")));
    assert_eq!(app.rows().await, 2);
}

#[tokio::test]
async fn preflight_is_answered_for_allowed_origins_only() {
    let app = TestApp::new().await;
    let preflight = |origin: &str| {
        Request::options("/api/feedback")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .expect("request")
    };
    let allowed = app.send(preflight("https://shop.example")).await;
    assert!(allowed.status.is_success());
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://shop.example"));
    assert!(allowed.header("access-control-allow-methods").is_some_and(|m| m.contains("POST")));
    assert!(allowed.header("access-control-allow-headers").is_some_and(|h| h.contains("content-type")));

    let refused = app.send(preflight("https://evil.example")).await;
    assert_eq!(refused.header("access-control-allow-origin"), None, "a browser would then refuse to send the post");
}

#[tokio::test]
async fn a_client_posting_too_often_is_told_when_to_retry() {
    let limit = RateLimit { rate_limit_per_minute: 1, rate_limit_burst: 3 };
    let app = TestApp::with(limit, &[]).await;
    for _ in 0..3 {
        assert_eq!(app.post(&feedback(&new_id(), 4, "")).await.status, StatusCode::CREATED);
    }
    let limited = app.post(&feedback(&new_id(), 4, "")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(limited.json()["error"].as_str().is_some_and(|e| e.contains("too many")));

    // A widget on the owner's site, another origin, can read the wait too.
    let cross = TestApp::with(RateLimit { rate_limit_per_minute: 1, rate_limit_burst: 1 }, &["https://shop.example"]).await;
    let from_site = || post_request(feedback(&new_id(), 4, "").to_string(), "application/json", Some("https://shop.example"));
    assert_eq!(cross.send(from_site()).await.status, StatusCode::CREATED);
    let limited = cross.send(from_site()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("access-control-allow-origin"), Some("https://shop.example"));
    assert!(
        limited.header("access-control-expose-headers").is_some_and(|h| h.to_ascii_lowercase().contains("retry-after")),
        "a cross-origin script reads only safelisted headers unless others are exposed"
    );

    // Another client is not affected.
    let mut other = post_request(feedback(&new_id(), 4, "").to_string(), "application/json", None);
    other.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([10, 0, 0, 2], 5000))));
    assert_eq!(app.send(other).await.status, StatusCode::CREATED);
    assert_eq!(app.rows().await, 4);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_has_their_own_limit() {
    let app = TestApp::behind(RateLimit { rate_limit_per_minute: 1, rate_limit_burst: 1 }, &["10.0.0.0/8"]).await;
    let through = |peer: [u8; 4], forwarded: &str| {
        let mut request = post_request(feedback(&new_id(), 4, "").to_string(), "application/json", None);
        request.headers_mut().insert("x-forwarded-for", forwarded.parse().expect("header"));
        request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((peer, 5000))));
        request
    };
    let proxy = [10, 0, 0, 1];
    assert_eq!(app.send(through(proxy, "203.0.113.7")).await.status, StatusCode::CREATED);
    assert_eq!(app.send(through(proxy, "203.0.113.7")).await.status, StatusCode::TOO_MANY_REQUESTS);
    // Another visitor through the same proxy is not held back by the first.
    assert_eq!(app.send(through(proxy, "203.0.113.8")).await.status, StatusCode::CREATED);
    // The limited visitor cannot slip through by writing the header itself: the proxy appends
    // the real address after it.
    assert_eq!(app.send(through(proxy, "198.51.100.9, 203.0.113.7")).await.status, StatusCode::TOO_MANY_REQUESTS);
    // Nor by going around the proxy: a stranger's header is not believed.
    let direct = [192, 0, 2, 1];
    assert_eq!(app.send(through(direct, "203.0.113.50")).await.status, StatusCode::CREATED);
    assert_eq!(app.send(through(direct, "203.0.113.51")).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.rows().await, 3);
}

#[tokio::test]
async fn honeypot_posts_are_accepted_but_hidden() {
    let app = TestApp::new().await;
    let mut spam = feedback(&new_id(), 5, "Buy cheap watches");
    spam["honeypot"] = json!("http://spam.example");
    assert_eq!(app.post(&spam).await.status, StatusCode::CREATED);
    let real = new_id();
    assert_eq!(app.post(&feedback(&real, 2, "Too slow")).await.status, StatusCode::CREATED);

    let listed = app.get_with_token("/api/feedback").await.json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], real);
    let only_spam = app.get_with_token("/api/feedback?spam=only").await.json();
    assert_eq!(only_spam["total"], 1);
    assert_eq!(only_spam["items"][0]["spam"], true);

    let cookie = app.login().await;
    let page = app.get_with_cookie("/dashboard", &cookie).await.text();
    assert!(!page.contains("Buy cheap watches"));
    assert!(page.contains("Too slow"));
}

#[tokio::test]
async fn health_check_answers() {
    let app = TestApp::new().await;
    let answer = app.get("/healthz").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("x-request-id").is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn the_demo_page_loads_the_widget_from_this_server() {
    let app = TestApp::new().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(page.text().contains("/widget/feedback.js"));
    let css = app.get("/demo.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").is_some_and(|t| t.starts_with("text/css")));
    assert_eq!(app.get("/widget/no-such-file.js").await.status, StatusCode::NOT_FOUND);
}

fn merge(target: &mut serde_json::Value, change: &serde_json::Value) {
    if let (Some(target), Some(change)) = (target.as_object_mut(), change.as_object()) {
        for (k, v) in change {
            target.insert(k.clone(), v.clone());
        }
    }
}
