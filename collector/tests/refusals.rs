//! Payloads the collector refuses, or cleans, rather than storing them as they were sent.

mod common;

use axum::http::StatusCode;
use common::{Answer, TestApp, feedback, new_id};
use serde_json::{Value, json};

/// The payload's members in declaration order: the order serde's derive reads an array in.
const MEMBERS: [&str; 13] = [
    "id", "schema_version", "rating", "scale", "comment", "email", "page", "locale", "user_agent", "viewport",
    "created_at", "widget_version", "honeypot",
];

/// A 400 whose body names `field` (or no field) and whose message contains `says`.
fn assert_refused(answer: &Answer, field: Option<&str>, says: &str) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    let json = answer.json();
    assert_eq!(json["field"].as_str(), field, "{json}");
    assert!(json["error"].as_str().is_some_and(|e| e.contains(says)), "{json}");
}

#[tokio::test]
async fn an_email_that_would_rewrite_the_reply_link_is_refused() {
    let app = TestApp::new().await;
    let mut body = feedback(&new_id(), 2, "Please write back");
    body["email"] = json!("owner@shop.example?bcc=attacker%40evil.example&subject=Your%20refund");
    assert_refused(&app.post(&body).await, Some("email"), "email must be an email address");
    assert_eq!(app.rows().await, 0);
}

#[tokio::test]
async fn control_characters_are_dropped_from_a_comment_and_tab_and_newline_kept() {
    let app = TestApp::new().await;
    let id = new_id();
    let sent = "Total\u{0} is wrong\u{1b}[2J\u{7}\r\n\tline two";
    assert_eq!(app.post(&feedback(&id, 2, sent)).await.status, StatusCode::CREATED);
    let listing = app.get_with_token("/api/feedback").await;
    assert_eq!(listing.status, StatusCode::OK, "{}", listing.text());
    let json = listing.json();
    assert_eq!(json["items"][0]["id"], id.as_str(), "{json}");
    assert_eq!(json["items"][0]["comment"], "Total is wrong[2J\n\tline two");
}

#[tokio::test]
async fn a_day_that_does_not_exist_is_refused_and_a_leap_day_accepted() {
    let app = TestApp::new().await;
    for created_at in ["2026-02-31T00:00:00Z", "2025-02-29T10:00:00.000Z"] {
        let mut body = feedback(&new_id(), 4, "");
        body["created_at"] = json!(created_at);
        assert_refused(&app.post(&body).await, Some("created_at"), "created_at must be an RFC 3339 UTC time");
    }
    assert_eq!(app.rows().await, 0);
    let mut leap_day = feedback(&new_id(), 4, "");
    leap_day["created_at"] = json!("2024-02-29T10:00:00.000Z");
    assert_eq!(app.post(&leap_day).await.status, StatusCode::CREATED);
    assert_eq!(app.rows().await, 1);
}

#[tokio::test]
async fn arrays_in_place_of_objects_are_refused() {
    let app = TestApp::new().await;
    let object = feedback(&new_id(), 5, "Great");
    let array = Value::Array(MEMBERS.iter().map(|name| object[name].clone()).collect());
    assert_refused(&app.post(&array).await, None, "invalid type: sequence, expected a JSON object");

    let mut body = feedback(&new_id(), 5, "Great");
    body["page"] = json!(["https://shop.example/cart", "Cart", ""]);
    assert_refused(&app.post(&body).await, Some("page"), "page: invalid type: sequence, expected a JSON object");
    assert_eq!(app.rows().await, 0);
}
