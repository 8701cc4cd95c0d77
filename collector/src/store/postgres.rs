//! The PostgreSQL store, which several collectors can share: pools that reconnect by themselves,
//! migrations run under PostgreSQL's advisory lock, and notifications claimed row by row.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection as _, PgPool, Transaction};

use super::{NOTIFICATION_COLUMNS, NotificationRow};

/// The database `sql.rs` is compiled for here.
type Db = sqlx::Postgres;
/// What the writer writes through: a pool of its own, so that it reconnects by itself after
/// the database comes back and never waits behind the dashboard's reads.
type WriteTarget = PgPool;
/// The position of a text in another, 0 when it is not there.
const FIND: &str = "strpos";

// The same queries compiled for this database: the point of `sql.rs`.
#[allow(clippy::duplicate_mod)]
#[path = "sql.rs"]
pub(super) mod sql;

/// How long a request waits for a connection before it is answered `503`: long enough for a
/// burst, short enough that a widget hears soon that the database is away.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Connects to `url`, migrates the database (once, however many collectors start together:
/// the migrator holds an advisory lock) and returns the read pool and the pool of `writers`
/// writer tasks.
pub(super) async fn open(url: &str, writers: usize) -> Result<(PgPool, PgPool), sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("platinum-collector");
    // One plain connection first: a pool would retry until its timeout and then report only
    // that it timed out, where this says why (refused, wrong password, no such database).
    sqlx::PgConnection::connect_with(&options).await?.close().await?;
    let reads = PgPoolOptions::new()
        .max_connections(8)
        .min_connections(0)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .idle_timeout(Duration::from_secs(60))
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("./migrations/postgres").run(&reads).await?;
    let writers = u32::try_from(writers).unwrap_or(1);
    let writer = PgPoolOptions::new().max_connections(writers).acquire_timeout(ACQUIRE_TIMEOUT).connect_lazy_with(options);
    Ok((reads, writer))
}

async fn begin(pool: &mut PgPool) -> Result<Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

/// A transaction on `pool` that reads before it writes; row locks are taken as it goes.
async fn begin_writing(pool: &PgPool) -> Result<Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

async fn close(pool: PgPool) {
    // The other writer may still be committing: closing waits for its connection to come back.
    pool.close().await;
}

/// Claims up to `limit` pending notifications due at `now` for `lease` seconds, oldest first.
/// Rows another collector is claiming at this moment are skipped, not waited for, and a claim
/// that ran out (its collector died mid-send) is taken over.
pub(super) async fn claim_due_notifications(pool: &PgPool, now: i64, limit: u32, lease: i64) -> Result<Vec<NotificationRow>, sqlx::Error> {
    let mut rows: Vec<NotificationRow> = sqlx::query_as(&format!(
        "UPDATE notification SET claimed_until = $1 WHERE id IN ( \
           SELECT id FROM notification \
           WHERE status = 'pending' AND next_try_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2) \
           ORDER BY next_try_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING {NOTIFICATION_COLUMNS}"
    ))
    .bind(now.saturating_add(lease))
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.sort_unstable_by_key(|row| (row.next_try_at, row.id));
    Ok(rows)
}

/// When the next pending notification is due, or its claim runs out, if any is pending.
pub(super) async fn next_notification_due(pool: &PgPool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(GREATEST(next_try_at, COALESCE(claimed_until, 0))) FROM notification WHERE status = 'pending'")
        .fetch_one(pool)
        .await
}
