//! The SQLite store: one file in WAL mode, the writer's own connection and a few for reading.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection, SqlitePool, Transaction};

use super::{NOTIFICATION_COLUMNS, NotificationRow};

/// The database `sql.rs` is compiled for here.
type Db = sqlx::Sqlite;
/// What the writer writes through: the one connection that ever inserts responses.
type WriteTarget = SqliteConnection;
/// SQLite's name for `strpos`: the position of a text in another, 0 when it is not there.
const FIND: &str = "instr";

// The same queries compiled for this database: the point of `sql.rs`.
#[allow(clippy::duplicate_mod)]
#[path = "sql.rs"]
pub(super) mod sql;

/// Connection settings shared by the writer and the readers.
fn options(path: &Path) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true))
}

/// Opens and migrates the database at `path`: the read pool, the writer's connection, and how
/// more read connections are opened.
pub(super) async fn open(path: &Path) -> Result<(SqlitePool, SqliteConnection, SqliteConnectOptions), sqlx::Error> {
    let options = options(path)?;
    // Checkpoints run inside the writer's commits and stall every request waiting on them;
    // fewer, larger ones (WAL up to ~40 MB) cut the p99 under load. A larger page cache was
    // measured not to help and doubles resident memory.
    let writer_options = options.clone().pragma("wal_autocheckpoint", "10000");
    let mut conn = SqliteConnection::connect_with(&writer_options).await?;
    sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
    let reads = SqlitePoolOptions::new()
        .max_connections(4)
        .min_connections(0)
        .idle_timeout(Duration::from_secs(60))
        .connect_with(options.clone())
        .await?;
    Ok((reads, conn, options))
}

/// One read connection, opened when first used.
pub(super) fn own_reads(options: &SqliteConnectOptions) -> SqlitePool {
    SqlitePoolOptions::new().max_connections(1).min_connections(0).idle_timeout(Duration::from_secs(60)).connect_lazy_with(options.clone())
}

async fn begin(conn: &mut SqliteConnection) -> Result<Transaction<'_, Db>, sqlx::Error> {
    conn.begin().await
}

/// A transaction on `pool` that reads before it writes. It takes the write lock at once
/// (waiting, up to the busy timeout, for the writer's commit): a transaction that took it only
/// at its first write would fail at once if another had committed since its first read.
async fn begin_writing(pool: &SqlitePool) -> Result<Transaction<'static, Db>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

async fn close(conn: SqliteConnection) {
    if let Err(e) = conn.close().await {
        tracing::warn!(error = %e, "closing the writer connection");
    }
}

/// Up to `limit` pending notifications due at `now`, oldest first. One collector has the file,
/// so nothing needs claiming.
pub(super) async fn due_notifications(pool: &SqlitePool, now: i64, limit: u32) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE status = 'pending' AND next_try_at <= $1 ORDER BY next_try_at, id LIMIT $2"
    ))
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
}

/// When the next pending notification is due, if any is pending.
pub(super) async fn next_notification_due(pool: &SqlitePool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(next_try_at) FROM notification WHERE status = 'pending'").fetch_one(pool).await
}

#[cfg(test)]
mod tests {
    use sqlx::QueryBuilder;

    use super::sql::{push_conditions, troubled_query};
    use crate::filter::FeedbackFilter;
    use crate::store::{COLUMNS, Store};

    /// `EXPLAIN QUERY PLAN` of `query`: each step's detail.
    async fn plan(store: &Store, query: &str) -> Vec<String> {
        let crate::store::Reads::Sqlite(pool) = &store.reads else { panic!("a SQLite store") };
        // EXPLAIN QUERY PLAN rows are (id, parent, unused, detail).
        sqlx::query(&format!("EXPLAIN QUERY PLAN {query}"))
            .fetch_all(pool)
            .await
            .expect("query plan")
            .iter()
            .map(|row| sqlx::Row::get::<String, _>(row, 3))
            .collect()
    }

    #[tokio::test]
    async fn the_notifications_page_reads_only_troubled_rows() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (store, writer) = Store::open(&dir.path().join("platinum.db")).await.expect("open");
        let plan = plan(&store, &troubled_query()).await;
        assert!(plan.iter().any(|step| step.contains("notification_troubled")), "{plan:?}");
        // "SCAN notification USING INDEX notification_troubled" walks that index only.
        assert!(!plan.iter().any(|step| step == "SCAN notification"), "{plan:?}");
        store.close().await;
        drop(store);
        writer.finish().await;
    }

    #[tokio::test]
    async fn an_export_batch_starts_where_the_last_ended_by_the_primary_key() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (store, writer) = Store::open(&dir.path().join("platinum.db")).await.expect("open");
        let query = super::sql::list_before_query(&FeedbackFilter::default(), Some(500), 1000, 0);
        let plan = plan(&store, query.sql()).await;
        // Not a scan of every response before the batch: a range of the primary key.
        assert!(plan.iter().any(|step| step.contains("USING INTEGER PRIMARY KEY (rowid<?)")), "{plan:?}");
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "no sort: {plan:?}");
        store.close().await;
        drop(store);
        writer.finish().await;
    }

    #[tokio::test]
    async fn the_metadata_filter_reads_the_pair_index_not_the_responses() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (store, writer) = Store::open(&dir.path().join("platinum.db")).await.expect("open");
        let filter = FeedbackFilter { metadata: vec![("plan".into(), "pro".into())], ..FeedbackFilter::default() };
        let mut query = QueryBuilder::new(format!("SELECT {COLUMNS} FROM feedback"));
        push_conditions(&mut query, &filter, " WHERE ");
        // The bound values are not needed for the plan; `$n` stays unbound (NULL).
        let plan = plan(&store, query.sql()).await;
        assert!(plan.iter().any(|step| step.contains("feedback_metadata_pair")), "{plan:?}");
        assert!(!plan.iter().any(|step| step == "SCAN feedback_metadata"), "{plan:?}");
        store.close().await;
        drop(store);
        writer.finish().await;
    }
}
