//! What the owner sees: login, the dashboard, the follow-up view and the token-protected export.

mod common;

use axum::http::StatusCode;
use common::{TOKEN, TestApp, feedback, form, new_id};
use serde_json::json;

#[tokio::test]
async fn the_dashboard_needs_the_right_token() {
    let app = TestApp::new().await;
    let anonymous = app.get("/dashboard").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.text().contains("name=\"token\""), "shows the login form");

    let wrong = app.send(form("/dashboard/login", "token=guess", None)).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.header("set-cookie").is_none());
    assert!(wrong.text().contains("not right"));

    let right = app.send(form("/dashboard/login", &format!("token={TOKEN}"), None)).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header("location"), Some("/dashboard"));
    let cookie = right.header("set-cookie").expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains(TOKEN), "the cookie does not carry the token itself");

    let session = cookie.split(';').next().expect("pair");
    assert_eq!(app.get_with_cookie("/dashboard", session).await.status, StatusCode::OK);
    assert_eq!(app.get_with_cookie("/dashboard", "platinum_session=forged").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/dashboard/follow-up").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_dashboard_shows_figures_charts_and_responses_newest_first() {
    let app = TestApp::new().await;
    let (old, new) = (new_id(), new_id());
    app.post(&feedback(&old, 1, "first")).await;
    app.post(&feedback(&new, 5, "second")).await;
    let cookie = app.login().await;
    let page = app.get_with_cookie("/dashboard", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("data-total=\"2\""));
    assert!(html.contains("3.00"), "average of 1 and 5");
    assert!(html.matches("<svg").count() >= 2, "bar chart and trend line");
    let (first, second) = (html.find(&format!("data-feedback-id=\"{new}\"")), html.find(&format!("data-feedback-id=\"{old}\"")));
    assert!(first.is_some() && second.is_some() && first < second, "newest first");
    assert!(html.contains("name=\"viewport\""), "readable on a phone");
}

#[tokio::test]
async fn dashboard_filters_narrow_the_list() {
    let app = TestApp::new().await;
    let mut with_email = feedback(&new_id(), 2, "Shipping was late");
    with_email["email"] = json!("ana@example.com");
    app.post(&with_email).await;
    app.post(&feedback(&new_id(), 5, "Love it")).await;
    app.post(&feedback(&new_id(), 4, "")).await;
    let cookie = app.login().await;
    let count = |html: &str| html.matches("data-feedback-id=").count();
    for (query, expected) in [
        ("", 3),
        ("?rating=5", 1),
        ("?has_comment=no", 1),
        ("?has_email=yes", 1),
        ("?q=SHIPPING", 1),
        ("?from=2000-01-01&to=2999-12-31", 3),
        ("?to=2000-01-01", 0),
        ("?rating=&has_comment=&q=", 3),
    ] {
        let html = app.get_with_cookie(&format!("/dashboard{query}"), &cookie).await.text();
        assert_eq!(count(&html), expected, "{query}");
    }
    let bad = app.get_with_cookie("/dashboard?rating=11", &cookie).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "rating");
}

#[tokio::test]
async fn visitor_text_is_shown_as_text() {
    let app = TestApp::new().await;
    let mut body = feedback(&new_id(), 1, "<script>alert(1)</script>");
    body["page"]["title"] = json!("<img src=x onerror=alert(2)>");
    app.post(&body).await;
    let cookie = app.login().await;
    for view in ["/dashboard", "/dashboard/follow-up"] {
        let html = app.get_with_cookie(view, &cookie).await.text();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{view}");
        assert!(!html.contains("<script>alert(1)"), "{view}");
        assert!(!html.contains("<img src=x"), "{view}");
    }
}

#[tokio::test]
async fn the_owner_decides_which_ratings_count_as_unhappy() {
    let app = TestApp::with_unhappy_up_to(3).await;
    let ids: Vec<String> = (1..=5).map(|_| new_id()).collect();
    for (rating, id) in (1..=5).zip(&ids) {
        app.post(&feedback(id, rating, "Said something")).await;
    }
    let cookie = app.login().await;
    let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    for (rating, id) in (1..=5).zip(&ids) {
        let listed = html.contains(&format!("data-feedback-id=\"{id}\""));
        assert_eq!(listed, rating <= 3, "rating {rating} listed for follow-up: {listed}");
    }
    assert!(html.contains("data-pending=\"3\""), "three waiting");
    let (waiting, total) = app.store.waiting_for_follow_up(10).await.expect("digest's list");
    assert_eq!((waiting.len(), total), (3, 3), "the digest counts the same");
}

#[tokio::test]
async fn unhappy_visitors_are_listed_for_follow_up_until_marked() {
    let app = TestApp::new().await;
    let (angry, meh, happy) = (new_id(), new_id(), new_id());
    let mut with_email = feedback(&angry, 1, "Broken checkout");
    with_email["email"] = json!("bo@example.com");
    app.post(&with_email).await;
    app.post(&feedback(&meh, 2, "Slow")).await;
    app.post(&feedback(&happy, 5, "Great")).await;
    let cookie = app.login().await;

    let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    assert!(html.contains(&format!("data-feedback-id=\"{angry}\"")));
    assert!(html.contains(&format!("data-feedback-id=\"{meh}\"")));
    assert!(!html.contains(&format!("data-feedback-id=\"{happy}\"")));
    assert!(html.contains("bo@example.com"));
    assert!(html.contains(&format!("action=\"/dashboard/feedback/{angry}/followed-up\"")));

    let marked = app.send(form(&format!("/dashboard/feedback/{angry}/followed-up"), "back=%2Fdashboard%2Ffollow-up", Some(&cookie))).await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert_eq!(marked.header("location"), Some("/dashboard/follow-up"));
    let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    assert!(html.contains("data-pending=\"1\""), "only the other one is still waiting");
    assert!(!html.contains(&format!("action=\"/dashboard/feedback/{angry}/followed-up\"")));

    let anonymous = app.send(form(&format!("/dashboard/feedback/{meh}/followed-up"), "", None)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let missing = app.send(form(&format!("/dashboard/feedback/{}/followed-up", new_id()), "", Some(&cookie))).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let elsewhere = app.send(form(&format!("/dashboard/feedback/{meh}/followed-up"), "back=https://evil.example", Some(&cookie))).await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST, "not an open redirect");
    assert_eq!(elsewhere.json()["field"], "back");
}

#[tokio::test]
async fn the_export_needs_the_bearer_token() {
    let app = TestApp::new().await;
    app.post(&feedback(&new_id(), 3, "")).await;
    let none = app.get("/api/feedback").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = app
        .send(axum::http::Request::get("/api/feedback").header("authorization", "Bearer nope").body(axum::body::Body::empty()).expect("request"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let right = app.get_with_token("/api/feedback").await;
    assert_eq!(right.status, StatusCode::OK);
    assert_eq!(right.json()["total"], 1);
}

#[tokio::test]
async fn the_export_pages_and_filters() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..5u8 {
        let id = new_id();
        app.post(&feedback(&id, i % 5 + 1, if i % 2 == 0 { "words" } else { "" })).await;
        ids.push(id);
    }
    let page = app.get_with_token("/api/feedback?per_page=2&page=2").await.json();
    assert_eq!(page["total"], 5);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["items"][0]["id"], ids[2], "newest first: page 2 starts with the third newest");
    let filtered = app.get_with_token("/api/feedback?has_comment=yes&rating=3").await.json();
    assert_eq!(filtered["total"], 1);
    let bad = app.get_with_token("/api/feedback?per_page=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "per_page");
}

#[tokio::test]
async fn csv_export_neutralises_spreadsheet_formulas() {
    let app = TestApp::new().await;
    let mut body = feedback(&new_id(), 2, "=HYPERLINK(\"http://evil.example\",\"click\")");
    body["page"]["title"] = json!("+1 cart");
    body["page"]["referrer"] = json!("@SUM(A1:A9)");
    assert_eq!(app.post(&body).await.status, StatusCode::CREATED);
    app.post(&feedback(&new_id(), 4, "-5 stars, \"quoted\", fine otherwise")).await;
    let answer = app.get_with_token("/api/feedback?format=csv").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("content-type").is_some_and(|t| t.starts_with("text/csv")));
    let csv = answer.text();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("'+1 cart"), "{csv}");
    assert!(csv.contains("'@SUM(A1:A9)"), "{csv}");
    assert!(csv.contains("\"'-5 stars, \"\"quoted\"\", fine otherwise\""), "{csv}");
    assert!(!csv.lines().any(|line| line.split(',').any(|cell| cell.trim_start_matches('"').starts_with(['=', '+', '@']))));

    let cookie = app.login().await;
    let from_dashboard = app.get_with_cookie("/dashboard/export.csv", &cookie).await;
    assert_eq!(from_dashboard.status, StatusCode::OK);
    assert!(from_dashboard.text().contains("'=HYPERLINK"));
}
