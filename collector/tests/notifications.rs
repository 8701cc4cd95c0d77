//! The owner's view of notifications: what was sent where about each response, the failures,
//! and "Send again".

mod common;

use axum::http::StatusCode;
use common::{TestApp, feedback, feedback_v2, form, new_id};
use platinum_collector::store::DeliveryRecord;

#[tokio::test]
async fn failures_are_listed_and_can_be_sent_again() {
    let app = TestApp::new().await;
    let id = new_id();
    assert_eq!(app.post(&feedback(&id, 1, "Terrible checkout")).await.status, StatusCode::CREATED);
    let now = app.clock.now();
    let failed = app.store.queue_notification("alert", "webhook:0123abcd", Some(&id), now).await.expect("queued");
    let sent = app.store.queue_notification("alert", "email", Some(&id), now).await.expect("queued");
    let outcomes = vec![(failed, DeliveryRecord::Failed { error: "HTTP 410: gone".into() }), (sent, DeliveryRecord::Sent)];
    app.store.record_deliveries(outcomes, now).await.expect("recorded");

    let cookie = app.login().await;
    let page = app.get_with_cookie("/dashboard/notifications", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&format!("data-notification-id=\"{failed}\"")), "the failure is listed");
    assert!(!html.contains(&format!("data-notification-id=\"{sent}\"")), "what was sent is not a problem");
    assert!(html.contains("HTTP 410: gone") && html.contains("failed after 1 try"), "with the reason");
    assert!(html.contains("Send again"));

    let response = app.get_with_cookie(&format!("/dashboard/feedback/{id}"), &cookie).await.text();
    assert!(response.contains("Terrible checkout"), "the response itself");
    assert!(response.contains(&format!("data-notification-id=\"{failed}\"")) && response.contains(&format!("data-notification-id=\"{sent}\"")));

    let mut foreign = form(&format!("/dashboard/notifications/{failed}/send-again"), "", Some(&cookie));
    foreign.headers_mut().insert("origin", "https://evil.example".parse().expect("origin"));
    assert_eq!(app.send(foreign).await.status, StatusCode::FORBIDDEN, "not from another site");
    assert_eq!(app.store.pending_notifications().await.expect("count"), 0);
    let again = app.send(form(&format!("/dashboard/notifications/{failed}/send-again"), "back=%2Fdashboard%2Fnotifications", Some(&cookie))).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.pending_notifications().await.expect("count"), 1, "queued again");
    let twice = app.send(form(&format!("/dashboard/notifications/{failed}/send-again"), "", Some(&cookie))).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "only a failed one can be sent again");
    assert_eq!(app.get(&format!("/dashboard/feedback/{id}")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_with_cookie(&format!("/dashboard/feedback/{}", new_id()), &cookie).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reply_is_queued_durably_marks_the_response_and_notes_are_kept() {
    let app = TestApp::new().await;
    let id = new_id();
    let mut unhappy = feedback(&id, 1, "The parcel never came");
    unhappy["email"] = "ana@example.com".into();
    assert_eq!(app.post(&unhappy).await.status, StatusCode::CREATED);
    let cookie = app.login().await;

    // Without e-mail configured the page says how to turn replies on, and a post is refused.
    let page = app.get_with_cookie(&format!("/dashboard/feedback/{id}"), &cookie).await.text();
    assert!(page.contains("--smtp-url"), "how to turn replies on");
    let refused = app.send(form(&format!("/dashboard/feedback/{id}/reply"), "body=Sorry", Some(&cookie))).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let mut foreign = form(&format!("/dashboard/feedback/{id}/reply"), "body=Sorry", Some(&cookie));
    foreign.headers_mut().insert("sec-fetch-site", "cross-site".parse().expect("value"));
    assert_eq!(app.send(foreign).await.status, StatusCode::FORBIDDEN, "a reply form posted from another site is refused");

    let noted = app.send(form(&format!("/dashboard/feedback/{id}/followed-up"), "note=called+her%3B+refund+issued", Some(&cookie))).await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    let page = app.get_with_cookie(&format!("/dashboard/feedback/{id}"), &cookie).await.text();
    assert!(page.contains("Note: called her; refund issued"), "the private note is shown");
    let listed = app.get_with_token("/api/feedback").await.json();
    assert_eq!(listed["items"][0]["follow_up_note"], "called her; refund issued");
    let long = format!("note={}", "x".repeat(1001));
    let too_long = app.send(form(&format!("/dashboard/feedback/{}/followed-up", new_id()), &long, Some(&cookie))).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert_eq!(too_long.json()["field"], "note");
}

/// A response received at `received_at`, stored as the writer would store it.
async fn store_received(app: &TestApp, rating: u8, comment: &str, received_at: &str) -> String {
    let id = new_id();
    store_payload(app, feedback(&id, rating, comment), received_at).await;
    id
}

/// A response on `scale` (by name) received at `received_at`.
async fn store_on_scale(app: &TestApp, scale: &str, rating: u8, received_at: &str) {
    store_payload(app, feedback_v2(&new_id(), scale, rating, ""), received_at).await;
}

async fn store_payload(app: &TestApp, mut value: serde_json::Value, received_at: &str) {
    value["created_at"] = received_at.into();
    let parsed: platinum_payload::Feedback = serde_json::from_value(value).expect("payload");
    let row = platinum_collector::store::NewFeedback { feedback: parsed, received_at: received_at.to_owned(), origin: None, clock_skewed: false };
    app.store.insert(row).await.expect("stored");
}

fn daily_at_eight_utc() -> platinum_collector::digest::Schedule {
    let (time_zone_name, time_zone) = platinum_collector::digest::parse_time_zone("UTC").expect("zone");
    platinum_collector::digest::Schedule { every: platinum_collector::digest::Every::Day, hour: 8, time_zone, time_zone_name }
}

fn unix(text: &str) -> i64 {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).expect("time").unix_timestamp()
}

#[tokio::test]
async fn a_day_of_responses_makes_one_digest_and_a_restart_sends_no_second() {
    let app = TestApp::new().await;
    store_received(&app, 4, "the day before", "2026-11-29T12:00:00.000Z").await;
    for (rating, comment, at) in [
        (1, "Broken checkout", "2026-11-30T09:00:00.000Z"),
        (5, "Lovely", "2026-11-30T15:00:00.000Z"),
        (3, "", "2026-12-01T07:59:00.000Z"),
    ] {
        store_received(&app, rating, comment, at).await;
    }
    store_received(&app, 2, "after the period", "2026-12-01T08:30:00.000Z").await;
    let schedule = daily_at_eight_utc();
    let channels = vec!["email".to_owned(), "slack:0123456789ab".to_owned()];
    let now = unix("2026-12-01T09:00:00Z");

    let made = platinum_collector::digest::tick(&app.store, &schedule, &channels, now).await.expect("tick");
    let id = made.expect("a digest for the day");
    assert_eq!(app.store.pending_notifications().await.expect("count"), 2, "one per channel");
    let body: serde_json::Value = serde_json::from_str(&app.store.digest_body(id).await.expect("read").expect("body")).expect("JSON");
    assert_eq!(body["responses"], 3, "30 Nov 08:00 to 1 Dec 08:00");
    assert_eq!(body["distribution"], serde_json::json!([1, 0, 1, 0, 1]));
    assert_eq!(body["average"], 3.0);
    assert_eq!(body["previous_responses"], 1);
    assert_eq!(body["waiting_total"], 2, "both unhappy visitors wait, whenever they wrote");
    assert_eq!(body["waiting"][0]["comment"], "Broken checkout", "oldest first");
    assert_eq!(body["newest"][0]["comment"], "Lovely", "newest comments first, empty ones left out");

    assert_eq!(platinum_collector::digest::tick(&app.store, &schedule, &channels, now + 60).await.expect("tick"), None);
    let dir = app.stop().await;
    let app = TestApp::open_in(dir, platinum_collector::RateLimit::OFF, &[]).await;
    assert_eq!(platinum_collector::digest::tick(&app.store, &schedule, &channels, now + 120).await.expect("tick"), None, "not again after a restart");
    assert_eq!(app.store.pending_notifications().await.expect("count"), 2);
}

#[tokio::test]
async fn a_quiet_period_sends_nothing() {
    let app = TestApp::new().await;
    store_received(&app, 5, "all good", "2026-11-20T12:00:00.000Z").await;
    let made = platinum_collector::digest::tick(&app.store, &daily_at_eight_utc(), &["email".to_owned()], unix("2026-12-01T09:00:00Z")).await;
    assert_eq!(made.expect("tick"), None);
    assert_eq!(app.store.pending_notifications().await.expect("count"), 0);
}

#[tokio::test]
async fn a_digest_gives_the_nps_score_and_the_share_of_thumbs_up() {
    let app = TestApp::new().await;
    // The day before: 1 promoter, 1 passive, 2 detractors of 4, NPS -25.
    for rating in [10, 8, 3, 3] {
        store_on_scale(&app, "nps", rating, "2026-11-29T12:00:00.000Z").await;
    }
    // The day: 3 promoters, 1 passive, 2 detractors of 6, NPS +17; 3 thumbs up of 4.
    for rating in [10, 9, 9, 7, 2, 0] {
        store_on_scale(&app, "nps", rating, "2026-11-30T12:00:00.000Z").await;
    }
    for rating in [1, 1, 0, 1] {
        store_on_scale(&app, "thumbs", rating, "2026-11-30T13:00:00.000Z").await;
    }
    store_on_scale(&app, "nps", 10, "2026-12-01T08:30:00.000Z").await;
    let channels = vec!["email".to_owned()];

    let id = platinum_collector::digest::tick(&app.store, &daily_at_eight_utc(), &channels, unix("2026-12-01T09:00:00Z")).await.expect("tick");
    let stored = app.store.digest_body(id.expect("a digest for the day")).await.expect("read").expect("body");
    let body: serde_json::Value = serde_json::from_str(&stored).expect("JSON");
    assert_eq!(body["responses"], 10);
    assert_eq!(body["distribution"], serde_json::json!([0, 0, 0, 0, 0]), "no five-point responses");
    assert_eq!(body["average"], serde_json::Value::Null);
    assert_eq!((body["nps"]["promoters"].clone(), body["nps"]["passives"].clone(), body["nps"]["detractors"].clone()), (3.into(), 1.into(), 2.into()));
    assert_eq!(body["previous_nps"]["score"], -25.0);
    assert_eq!((body["thumbs"]["up"].clone(), body["thumbs"]["down"].clone(), body["thumbs"]["up_percent"].clone()), (3.into(), 1.into(), 75.0.into()));

    let digest: platinum_collector::digest::Digest = serde_json::from_str(&stored).expect("the digest as it is sent");
    assert_eq!(
        platinum_collector::mail::digest_subject(&digest),
        "Daily digest: 10 responses, NPS +17 (up 42), 75% thumbs up; 5 waiting for an answer",
        "detractors of both days and the thumbs down wait"
    );
}
