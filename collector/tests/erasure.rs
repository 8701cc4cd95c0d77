//! Erasing a visitor by e-mail address, from the command line and from the dashboard: every
//! response, metadata entry, reply and notification of theirs goes, the address leaves the
//! digests, everyone else's stays, and the counts told are right.

mod common;

use std::path::Path;

use axum::http::StatusCode;
use common::{TestApp, count_in, db_path, feedback_v2, form, new_id, store_received};
use platinum_collector::store::{Store, now_rfc3339};
use serde_json::json;

/// What erasing Ann deletes, as both ways of doing it report it.
const ANN_DELETED: &str = "2 responses (2 metadata entries), 1 reply, 3 notifications; the address replaced in 1 digest";

/// Ann left one response with her address typed (and a reply to it) and one while signed in
/// with it; Bob left one, with a reply; a digest quoted both addresses.
async fn seed(store: &Store) -> String {
    let now = 1_800_000_000;
    let typed = new_id();
    let mut payload = feedback_v2(&typed, "csat5", 1, "Ann's private words");
    payload["email"] = json!("Ann@Shop.example");
    payload["metadata"] = json!({ "plan": "pro" });
    store_received(store, payload, &now_rfc3339()).await;
    store.queue_reply(&typed, "Sorry, Ann", &format!("<{}@shop.example>", new_id()), now, &now_rfc3339()).await.expect("reply");
    store.queue_notification("alert", "email", Some(&typed), now).await.expect("alert");

    let signed_in = new_id();
    let mut payload = feedback_v2(&signed_in, "nps", 3, "more of Ann's words");
    payload["user"] = json!({ "id": "u-ann", "email": "ann@shop.example", "name": "Ann" });
    payload["metadata"] = json!({ "cart": "3" });
    store_received(store, payload, &now_rfc3339()).await;
    store.queue_notification("alert", "email", Some(&signed_in), now).await.expect("alert");

    let bob = new_id();
    let mut payload = feedback_v2(&bob, "csat5", 2, "Bob's words");
    payload["email"] = json!("bob@example.com");
    store_received(store, payload, &now_rfc3339()).await;
    store.queue_reply(&bob, "Sorry, Bob", &format!("<{}@shop.example>", new_id()), now, &now_rfc3339()).await.expect("reply");
    store.queue_notification("alert", "email", Some(&bob), now).await.expect("alert");

    let body = json!({ "waiting": [{ "email": "Ann@Shop.example" }, { "email": "bob@example.com" }] }).to_string();
    store.record_digest(now - 86_400, now, Some(&body), &["email".to_owned()], now).await.expect("digest");
    bob
}

/// Checks every table: nothing of Ann's is left, everything of Bob's is.
async fn assert_only_bob_is_left(path: &Path, bob: &str) {
    let count = |sql: &'static str, bind: &'static str| count_in(path, sql, bind);
    assert_eq!(count("SELECT COUNT(*) FROM feedback WHERE lower(email) = $1 OR lower(user_email) = $1", "ann@shop.example").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM feedback WHERE comment LIKE $1", "%Ann%").await, 0);
    assert_eq!(count_in(path, "SELECT COUNT(*) FROM feedback WHERE id = $1", bob).await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM feedback_metadata WHERE key <> $1", "").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM reply WHERE body LIKE $1", "%Ann%").await, 0);
    assert_eq!(count_in(path, "SELECT COUNT(*) FROM reply WHERE feedback_id = $1", bob).await, 1);
    // Bob's alert and reply, and the digest's notification.
    assert_eq!(count("SELECT COUNT(*) FROM notification WHERE kind <> $1", "").await, 3);
    assert_eq!(count_in(path, "SELECT COUNT(*) FROM notification WHERE feedback_id = $1", bob).await, 2);
    assert_eq!(count("SELECT COUNT(*) FROM digest WHERE lower(body) LIKE $1", "%ann@shop.example%").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM digest WHERE body LIKE $1", "%bob@example.com%").await, 1);
}

#[test]
fn forget_on_the_command_line_deletes_the_address_everywhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = db_path(dir.path());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bob = runtime.block_on(async {
        let store = common::open_store(&path).await;
        let bob = seed(&store).await;
        store.close().await;
        bob
    });
    let forget = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_platinum-collector"))
            .arg("forget")
            .args(common::database_args(&path))
            .args(["--email", email])
            .env("PLATINUM_LOG", "info")
            .output()
            .expect("run forget")
    };
    let done = forget(" ANN@shop.EXAMPLE ");
    let (stdout, stderr) = (String::from_utf8_lossy(&done.stdout), String::from_utf8_lossy(&done.stderr));
    assert!(done.status.success(), "{stdout}{stderr}");
    assert_eq!(stdout.trim(), format!("deleted {ANN_DELETED}"));
    let logged = stderr.lines().find(|line| line.contains("erasure: forgot")).unwrap_or_else(|| panic!("not logged: {stderr}"));
    assert!(logged.contains("responses=2") && logged.contains("notifications=3"), "{logged}");
    assert!(!stderr.to_lowercase().contains("ann@") && !stderr.contains("words"), "{stderr}");
    runtime.block_on(assert_only_bob_is_left(&path, &bob));

    let again = forget("ann@shop.example");
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "deleted 0 responses (0 metadata entries), 0 replies, 0 notifications; the address replaced in 0 digests");
    let wrong = forget("ann");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("one e-mail address"));
}

#[tokio::test]
async fn the_dashboard_shows_what_it_would_delete_and_deletes_it_when_confirmed() {
    let app = TestApp::new().await;
    let bob = seed(&app.store).await;
    let cookie = app.login().await;
    let page = app.get_with_cookie("/dashboard/erase", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"action="/dashboard/erase""#));
    assert!(app.get_with_cookie("/dashboard", &cookie).await.text().contains(r#"href="/dashboard/erase""#));

    // First the counts, and nothing deleted.
    let asked = app.send(form("/dashboard/erase", "email=ann%40shop.example", Some(&cookie))).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text());
    assert!(asked.text().contains(r#"data-found="2""#), "{}", asked.text());
    assert!(asked.text().contains("This deletes 2 responses (2 metadata entries), 1 reply, 3 notifications for ann@shop.example"), "{}", asked.text());
    assert!(asked.text().contains(r#"name="confirm" value="yes""#));
    assert_eq!(app.rows().await, 3);

    // Not from another site, and not without a session.
    let mut cross_site = form("/dashboard/erase", "email=ann%40shop.example&confirm=yes", Some(&cookie));
    cross_site.headers_mut().insert("sec-fetch-site", "cross-site".parse().expect("header"));
    assert_eq!(app.send(cross_site).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(form("/dashboard/erase", "email=ann%40shop.example&confirm=yes", None)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.rows().await, 3);

    let done = app.send(form("/dashboard/erase", "email=ann%40shop.example&confirm=yes", Some(&cookie))).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains(&format!("Deleted {ANN_DELETED}.")), "{}", done.text());
    assert_only_bob_is_left(&db_path(app.dir.path()), &bob).await;

    let unknown = app.send(form("/dashboard/erase", "email=nobody%40example.com", Some(&cookie))).await;
    assert!(unknown.text().contains(r#"data-found="0""#));
    assert_eq!(app.send(form("/dashboard/erase", "email=nobody", Some(&cookie))).await.status, StatusCode::BAD_REQUEST);
}
