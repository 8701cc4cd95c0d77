//! The hidden measuring commands: counting a database's rows, timing raw SQLite inserts on this
//! machine for comparison with the collector's own rate, and a webhook receiver that takes
//! everything, for measuring the collector with alerts on.

use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

use crate::Store;

/// Prints the number of stored responses (spam included), then on a second line how many
/// notifications are sent, pending and failed.
pub async fn count(database: &crate::store::Database) -> Result<(), sqlx::Error> {
    let (store, writer) = Store::open_with(database, crate::store::AlertPlan::default()).await?;
    println!("{}", store.count_all().await?);
    let (sent, pending, failed) = store.notification_tally().await?;
    println!("{sent} {pending} {failed}");
    store.close().await;
    drop(store);
    writer.finish().await;
    Ok(())
}

/// Answers every request `204` on `listen` until killed, after printing its address: a webhook
/// receiver as fast as the machine allows, so a benchmark with alerts measures the collector.
pub async fn receiver(listen: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("receiver listening on http://{}/", listener.local_addr()?);
    let app = axum::Router::new().fallback(|| async { axum::http::StatusCode::NO_CONTENT });
    axum::serve(listener, app).await
}

/// Times durable inserts of a typical row straight into SQLite (WAL, synchronous=FULL): one row
/// per commit, then 256 rows per commit.
pub async fn sqlite_insert_rate(db: &Path, seconds: u64) -> Result<(), sqlx::Error> {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
    let (store, writer) = Store::open(db).await?;
    store.close().await;
    drop(store);
    writer.finish().await;
    let options = SqliteConnectOptions::new()
        .filename(db)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    let budget = Duration::from_secs(seconds.max(1));
    let mut next = 0u64;

    let start = Instant::now();
    let mut rows = 0u64;
    while start.elapsed() < budget {
        insert(&mut conn, next).await?;
        next += 1;
        rows += 1;
    }
    report("one row per commit", rows, start.elapsed());

    let start = Instant::now();
    let mut rows = 0u64;
    while start.elapsed() < budget {
        let mut tx = conn.begin().await?;
        for _ in 0..256 {
            insert(&mut tx, next).await?;
            next += 1;
        }
        tx.commit().await?;
        rows += 256;
    }
    report("256 rows per commit", rows, start.elapsed());
    conn.close().await
}

#[allow(clippy::cast_precision_loss)] // row counts far below 2^53
fn report(what: &str, rows: u64, took: Duration) {
    println!("raw SQLite, {what}: {:.0} rows/s ({rows} rows in {:.1} s)", rows as f64 / took.as_secs_f64(), took.as_secs_f64());
}

async fn insert(conn: &mut sqlx::SqliteConnection, n: u64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO feedback (id, received_at, origin, schema_version, rating, scale, comment, email, page_url, \
         page_title, page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, widget_version, \
         honeypot, spam) VALUES (?, '2026-11-23T10:00:00.000Z', NULL, 1, 4, 5, 'Quick checkout, but the search is slow.', \
         NULL, 'https://shop.example/cart', 'Cart', '', 'en', 'Mozilla/5.0', 1280, 800, '2026-11-23T10:00:00.000Z', '0.1.0', '', 0)",
    )
    .bind(format!("00000000-0000-4000-8000-{n:012x}"))
    .execute(conn)
    .await
    .map(drop)
}
