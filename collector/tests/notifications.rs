//! The owner's view of notifications: what was sent where about each response, the failures,
//! and "Send again".

mod common;

use axum::http::StatusCode;
use common::{TestApp, feedback, form, new_id};

#[tokio::test]
async fn failures_are_listed_and_can_be_sent_again() {
    let app = TestApp::new().await;
    let id = new_id();
    assert_eq!(app.post(&feedback(&id, 1, "Terrible checkout")).await.status, StatusCode::CREATED);
    let now = app.clock.now();
    let failed = app.store.queue_notification("alert", "webhook:0123abcd", Some(&id), now).await.expect("queued");
    app.store.notification_failed(failed, "HTTP 410: gone").await.expect("failed");
    let sent = app.store.queue_notification("alert", "email", Some(&id), now).await.expect("queued");
    app.store.notification_sent(sent, now).await.expect("sent");

    let cookie = app.login().await;
    let page = app.get_with_cookie("/dashboard/notifications", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&format!("data-notification-id=\"{failed}\"")), "the failure is listed");
    assert!(!html.contains(&format!("data-notification-id=\"{sent}\"")), "what was sent is not a problem");
    assert!(html.contains("HTTP 410: gone") && html.contains("failed after 1 tries"), "with the reason");
    assert!(html.contains("Send again"));

    let response = app.get_with_cookie(&format!("/dashboard/feedback/{id}"), &cookie).await.text();
    assert!(response.contains("Terrible checkout"), "the response itself");
    assert!(response.contains(&format!("data-notification-id=\"{failed}\"")) && response.contains(&format!("data-notification-id=\"{sent}\"")));

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
