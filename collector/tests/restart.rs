//! Responses survive the collector stopping and starting again on the same database file.

mod common;

use axum::http::StatusCode;
use common::{TestApp, feedback, new_id};
use platinum_collector::RateLimit;

#[tokio::test]
async fn responses_are_all_there_after_a_restart() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for rating in 1..=5 {
        let id = new_id();
        assert_eq!(app.post(&feedback(&id, rating, "before the restart")).await.status, StatusCode::CREATED);
        ids.push(id);
    }
    let dir = app.stop().await;

    let app = TestApp::open_in(dir, RateLimit::OFF, &[]).await;
    assert_eq!(app.rows().await, 5);
    let listed = app.get_with_token("/api/feedback").await.json();
    let mut stored: Vec<String> =
        listed["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect();
    stored.sort();
    ids.sort();
    assert_eq!(stored, ids);
    // A retry after the restart is still recognised.
    assert_eq!(app.post(&feedback(&ids[0], 1, "again")).await.status, StatusCode::OK);
    assert_eq!(app.rows().await, 5);
}
