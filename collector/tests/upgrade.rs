//! A database written by an earlier collector opens in this one with nothing lost: its responses
//! in their order, each response's notifications and replies with their delivery state.

use std::borrow::Cow;

use platinum_collector::Store;
use platinum_collector::filter::FeedbackFilter;
use sqlx::Connection;
use sqlx::migrate::Migrator;

/// Builds `path` as the collector before migration 5 left it, with two responses, an alert
/// sent about the first and a reply to it.
async fn database_before_response_numbers(path: &std::path::Path) {
    let all = sqlx::migrate!("./migrations/sqlite");
    let earlier = Migrator { migrations: Cow::Owned(all.migrations.iter().filter(|m| m.version <= 4).cloned().collect()), ..all };
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path).create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await.expect("creating the old database");
    earlier.run(&mut conn).await.expect("migrations 1 to 4");
    for (id, rating, comment) in [("11111111-1111-4111-8111-111111111111", 1, "Terrible"), ("22222222-2222-4222-8222-222222222222", 5, "Great")] {
        sqlx::query(
            "INSERT INTO feedback (id, received_at, schema_version, rating, scale, comment, email, page_url, page_title, \
             page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, widget_version, honeypot, spam) \
             VALUES (?, '2026-11-30T10:00:00.000Z', 1, ?, 5, ?, 'ann@shop.example', 'https://shop.example/', 'Shop', '', 'en', \
             'Mozilla/5.0', 1280, 800, '2026-11-30T10:00:00.000Z', '0.1.0', '', 0)",
        )
        .bind(id)
        .bind(rating)
        .bind(comment)
        .execute(&mut conn)
        .await
        .expect("an old response");
    }
    sqlx::query(
        "INSERT INTO notification (kind, channel, feedback_id, status, attempts, created_at, next_try_at, sent_at) \
         VALUES ('alert', 'email', '11111111-1111-4111-8111-111111111111', 'sent', 1, 100, 100, 101)",
    )
    .execute(&mut conn)
    .await
    .expect("an old alert");
    sqlx::query(
        "INSERT INTO reply (feedback_id, body, message_id, created_at) \
         VALUES ('11111111-1111-4111-8111-111111111111', 'Sorry, refund on its way', '<r1@shop.example>', 200)",
    )
    .execute(&mut conn)
    .await
    .expect("an old reply");
    sqlx::query(
        "INSERT INTO notification (kind, channel, feedback_id, reply_id, status, attempts, created_at, next_try_at, sent_at) \
         VALUES ('reply', 'email', '11111111-1111-4111-8111-111111111111', 1, 'sent', 1, 200, 200, 201)",
    )
    .execute(&mut conn)
    .await
    .expect("the old reply's delivery");
    conn.close().await.expect("closing the old database");
}

#[tokio::test]
async fn an_earlier_database_keeps_its_order_notifications_and_replies() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("platinum.db");
    database_before_response_numbers(&path).await;

    let (store, writer) = Store::open(&path).await.expect("the new collector opens the old database");
    let listed: Vec<String> = store.list(&FeedbackFilter::default(), 10, 0).await.expect("listing").into_iter().map(|f| f.comment).collect();
    assert_eq!(listed, ["Great", "Terrible"], "newest first, as before");
    let scales: Vec<String> = store.list(&FeedbackFilter::default(), 10, 0).await.expect("listing").into_iter().map(|f| f.scale).collect();
    assert_eq!(scales, ["csat5", "csat5"], "version 1's five points are csat5");

    let first = "11111111-1111-4111-8111-111111111111";
    let kinds: Vec<(String, String)> =
        store.notifications_of(first).await.expect("notifications").into_iter().map(|n| (n.kind, n.status)).collect();
    assert_eq!(kinds, [("alert".to_owned(), "sent".to_owned()), ("reply".to_owned(), "sent".to_owned())]);
    assert!(store.notifications_of("22222222-2222-4222-8222-222222222222").await.expect("notifications").is_empty());
    let replies = store.replies_of(first).await.expect("replies");
    assert_eq!(replies.len(), 1);
    assert_eq!((replies[0].body.as_str(), replies[0].status.as_str()), ("Sorry, refund on its way", "sent"));

    // A notification queued after the upgrade finds its response by number too.
    store.queue_notification("test", "email", Some(first), 300).await.expect("queueing");
    assert_eq!(store.notifications_of(first).await.expect("notifications").len(), 3);

    store.close().await;
    drop(store);
    writer.finish().await;
}
