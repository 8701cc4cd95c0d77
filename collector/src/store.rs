//! The SQLite database: opening and migrating it, the single writer that group-commits new
//! responses, and the queries the dashboard and the export read.
//!
//! One task owns the only connection that inserts feedback. Handlers hand it their row and wait;
//! it takes whatever has queued up (up to [`MAX_BATCH`] rows), writes them in one transaction and
//! answers each handler after the commit. With `synchronous=FULL` in WAL mode a commit is on disk
//! when it returns, so an acknowledged response survives a crash, and one fsync covers the batch.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::str::FromStr;
use std::time::Duration;

use platinum_payload::{Feedback, Scale};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::config::AlertOn;
use crate::filter::{FeedbackFilter, SpamFilter};
use crate::rating::{FIVE_POINT_SQL, Unhappiness};

/// Most rows written in one transaction.
pub const MAX_BATCH: usize = 256;
/// Rows per INSERT statement; batches are split into power-of-two chunks up to this size so that
/// only a handful of distinct statements are ever prepared and cached.
const MAX_CHUNK: usize = 64;
/// Most ids in one `IN (…)` list: one bound parameter each, far below SQLite's limit.
const MAX_IDS: usize = 256;

/// A response as it arrived, with the facts the server adds.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    /// The validated payload.
    pub feedback: Feedback,
    /// When the collector received it, RFC 3339 UTC.
    pub received_at: String,
    /// The `Origin` header of the post, if the sender gave one.
    pub origin: Option<String>,
    /// Whether the visitor's `created_at` is implausibly far from `received_at`.
    pub clock_skewed: bool,
}

/// Whether a post stored a new response or repeated one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// First time this id was seen; the row is now committed.
    Created,
    /// The id was already stored (a retry); nothing was written.
    Repeat,
}

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The database refused the transaction.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The writer task has stopped (the server is shutting down).
    #[error("the database writer has stopped")]
    Closed,
}

impl From<WriteError> for crate::AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Database(e) => Self::Database(e),
            WriteError::Closed => Self::Internal(e.to_string()),
        }
    }
}

type Reply = oneshot::Sender<Result<Stored, String>>;

/// What the writer task is asked to write.
enum Write {
    /// A new response; answered with whether it was new.
    Feedback(Box<NewFeedback>, Reply),
    /// How a round of notification deliveries went, at `now`; answered once committed.
    Deliveries(Vec<(i64, DeliveryRecord)>, i64, oneshot::Sender<Result<(), String>>),
}

/// Handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    reads: SqlitePool,
    writer: mpsc::Sender<Write>,
    /// Responses stored since start, counted by the writer after each commit.
    stored: Arc<AtomicU64>,
    /// Which ratings count as unhappy.
    unhappiness: Unhappiness,
    /// How read connections are opened, for [`Store::with_reads_of_its_own`].
    options: Arc<SqliteConnectOptions>,
}

/// The writer task; await [`Writer::finish`] after the last [`Store`] clone is dropped so queued
/// rows are committed before the process exits.
pub struct Writer(JoinHandle<()>);

impl Writer {
    /// Waits until every queued row has been written and the connection closed.
    pub async fn finish(self) {
        if let Err(e) = self.0.await {
            tracing::error!(error = %e, "database writer ended abnormally");
        }
    }
}

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

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`, and starts its writer.
    /// No response alerts anyone.
    pub async fn open(path: &Path) -> Result<(Self, Writer), sqlx::Error> {
        Self::open_with(path, AlertPlan::default()).await
    }

    /// As [`Store::open`], with the writer recording the alerts `plan` asks for in the same
    /// transaction as each response.
    pub async fn open_with(path: &Path, plan: AlertPlan) -> Result<(Self, Writer), sqlx::Error> {
        let options = options(path)?;
        // Checkpoints run inside the writer's commits and stall every request waiting on them;
        // fewer, larger ones (WAL up to ~40 MB) cut the p99 under load. A larger page cache was
        // measured not to help and doubles resident memory.
        let writer_options = options.clone().pragma("wal_autocheckpoint", "10000");
        let mut conn = SqliteConnection::connect_with(&writer_options).await?;
        sqlx::migrate!("./migrations").run(&mut conn).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .idle_timeout(Duration::from_secs(60))
            .connect_with(options.clone())
            .await?;
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let stored = Arc::new(AtomicU64::new(0));
        let unhappiness = plan.unhappiness;
        let writer = tokio::spawn(write_loop(conn, rx, plan, Arc::clone(&stored)));
        Ok((Self { reads, writer: tx, stored, unhappiness, options: Arc::new(options) }, Writer(writer)))
    }

    /// The same store reading through one connection of its own, opened when first used by
    /// the thread that uses it. A background thread at low priority uses this so that its reads
    /// run at its priority too: each SQLite connection works on a thread started by whichever
    /// thread opened it, with that thread's priority.
    pub fn with_reads_of_its_own(&self) -> Self {
        let reads = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .idle_timeout(Duration::from_secs(60))
            .connect_lazy_with(SqliteConnectOptions::clone(&self.options));
        Self {
            reads,
            writer: self.writer.clone(),
            stored: Arc::clone(&self.stored),
            unhappiness: self.unhappiness,
            options: Arc::clone(&self.options),
        }
    }

    /// Which ratings count as unhappy.
    pub fn unhappiness(&self) -> Unhappiness {
        self.unhappiness
    }

    /// How many new responses this process has stored since it started.
    pub fn stored_since_start(&self) -> u64 {
        self.stored.load(Ordering::Relaxed)
    }

    /// Stores `row` unless its id is already stored; returns once the outcome is durable.
    pub async fn insert(&self, row: NewFeedback) -> Result<Stored, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.writer.send(Write::Feedback(Box::new(row), reply)).await.map_err(|_| WriteError::Closed)?;
        match answer.await {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(message)) => Err(WriteError::Database(sqlx::Error::Protocol(message))),
            Err(_) => Err(WriteError::Closed),
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.reads).await.map(drop)
    }

    /// Closes the read connections; writes already acknowledged are unaffected.
    pub async fn close(&self) {
        self.reads.close().await;
    }

    /// Number of stored responses, spam included.
    pub async fn count_all(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM feedback").fetch_one(&self.reads).await
    }

    /// How many notifications are sent, pending and failed.
    pub async fn notification_tally(&self) -> Result<(i64, i64, i64), sqlx::Error> {
        sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE status = 'sent'), COUNT(*) FILTER (WHERE status = 'pending'), \
             COUNT(*) FILTER (WHERE status = 'failed') FROM notification",
        )
        .fetch_one(&self.reads)
        .await
    }

    /// Responses matching `filter`, newest first.
    pub async fn list(&self, filter: &FeedbackFilter, limit: u32, offset: u64) -> Result<Vec<StoredFeedback>, sqlx::Error> {
        let mut query = QueryBuilder::new(format!("SELECT {COLUMNS} FROM feedback"));
        push_filter(&mut query, filter);
        query.push(" ORDER BY rowid DESC LIMIT ").push_bind(i64::from(limit));
        query.push(" OFFSET ").push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        query.build_query_as().fetch_all(&self.reads).await
    }

    /// Every response matching `filter`, newest first (for exports).
    pub async fn list_all(&self, filter: &FeedbackFilter) -> Result<Vec<StoredFeedback>, sqlx::Error> {
        let mut query = QueryBuilder::new(format!("SELECT {COLUMNS} FROM feedback"));
        push_filter(&mut query, filter);
        query.push(" ORDER BY rowid DESC");
        query.build_query_as().fetch_all(&self.reads).await
    }

    /// How many responses match `filter`.
    pub async fn count(&self, filter: &FeedbackFilter) -> Result<i64, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT COUNT(*) FROM feedback");
        push_filter(&mut query, filter);
        query.build_query_scalar().fetch_one(&self.reads).await
    }

    /// Totals, each scale's distribution and the daily trend of the responses matching `filter`.
    pub async fn summary(&self, filter: &FeedbackFilter) -> Result<Summary, sqlx::Error> {
        let mut query = QueryBuilder::new(TALLY_SELECT);
        push_filter(&mut query, filter);
        let tally = self.tally(query).await?;
        // Only five-point ratings have a mean worth drawing; NPS and thumbs have their own figures.
        let mut query =
            QueryBuilder::new(format!("SELECT substr(received_at, 1, 10) AS day, AVG(rating), COUNT(*) FROM feedback WHERE scale IN {FIVE_POINT_SQL}"));
        push_conditions(&mut query, filter, " AND ");
        query.push(" GROUP BY day ORDER BY day DESC LIMIT 90");
        let mut trend = Vec::new();
        for row in query.build().fetch_all(&self.reads).await? {
            trend.push(DayPoint { day: row.try_get(0)?, average: row.try_get(1)?, count: row.try_get(2)? });
        }
        trend.reverse();
        Ok(Summary { tally, trend })
    }

    /// Tallies the responses `query` (a [`TALLY_SELECT`] with its conditions) keeps.
    async fn tally(&self, mut query: QueryBuilder<'_, Sqlite>) -> Result<Tally, sqlx::Error> {
        query.push(" GROUP BY scale, rating");
        let rows: Vec<(String, i64, i64)> = query.build_query_as().fetch_all(&self.reads).await?;
        Ok(Tally::from_rows(rows))
    }

    /// Unhappy responses (not spam): the ones not yet followed up first, oldest first, then up
    /// to 50 recently followed up.
    pub async fn follow_up(&self) -> Result<(Vec<StoredFeedback>, Vec<StoredFeedback>), sqlx::Error> {
        let unhappy = self.unhappiness.sql();
        let pending = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM feedback WHERE {unhappy} AND spam = 0 AND followed_up_at IS NULL ORDER BY rowid"
        ))
        .fetch_all(&self.reads)
        .await?;
        let done = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM feedback WHERE {unhappy} AND spam = 0 AND followed_up_at IS NOT NULL \
             ORDER BY followed_up_at DESC LIMIT 50"
        ))
        .fetch_all(&self.reads)
        .await?;
        Ok((pending, done))
    }

    /// Records that the owner followed up on response `id`, with a private `note` if given;
    /// false if there is no such response.
    pub async fn mark_followed_up(&self, id: &str, at: &str, note: Option<&str>) -> Result<bool, sqlx::Error> {
        // Rare and small: it goes through the read pool and waits (busy_timeout) for the writer.
        let done = sqlx::query(
            "UPDATE feedback SET followed_up_at = COALESCE(followed_up_at, ?), follow_up_note = COALESCE(?, follow_up_note) WHERE id = ?",
        )
        .bind(at)
        .bind(note)
        .bind(id)
            .execute(&self.reads)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// The start of a tally's query, before its conditions: `(scale, rating, count)` rows.
const TALLY_SELECT: &str = "SELECT scale, rating, COUNT(*) FROM feedback";

/// What a set of responses adds up to on each scale: the figures the dashboard and the digest
/// show.
#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    /// Responses on every scale.
    pub total: i64,
    /// Mean rating of the five-point responses, if there is any.
    pub average: Option<f64>,
    /// Five-point responses per rating (csat5, stars5 and emoji5 together), index 0 is rating 1.
    pub distribution: [i64; 5],
    /// Each scale that has responses, with its distribution.
    pub scales: Vec<ScaleCounts>,
    /// The Net Promoter Score, when there are NPS responses.
    pub nps: Option<NpsScore>,
    /// The share of thumbs up, when there are thumbs responses.
    pub thumbs: Option<ThumbsShare>,
}

impl Tally {
    /// `(scale, rating, count)` rows tallied.
    fn from_rows(rows: Vec<(String, i64, i64)>) -> Self {
        let scales = ScaleCounts::from_rows(rows);
        let five: Vec<(i64, i64)> = scales.iter().filter(|s| crate::rating::is_five_point(s.scale)).flat_map(ScaleCounts::points).collect();
        let distribution = distribution(five);
        Self {
            total: scales.iter().map(|s| s.total).sum(),
            average: crate::digest::average(&distribution),
            distribution,
            nps: NpsScore::of(&scales),
            thumbs: ThumbsShare::of(&scales),
            scales,
        }
    }
}

/// `(rating, count)` rows of five-point ratings as counts per rating, index 0 is rating 1;
/// ratings off the scale are left out. Rows of the same rating (on different five-point
/// scales) add up.
fn distribution(rows: Vec<(i64, i64)>) -> [i64; 5] {
    let mut counts = [0i64; 5];
    for (rating, count) in rows {
        if let Some(slot) = usize::try_from(rating - 1).ok().and_then(|i| counts.get_mut(i)) {
            *slot += count;
        }
    }
    counts
}

/// How many responses gave each point of one scale.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleCounts {
    /// The scale.
    pub scale: Scale,
    /// Responses per point, from the scale's lowest point up.
    pub counts: Vec<i64>,
    /// All of them.
    pub total: i64,
}

impl ScaleCounts {
    /// `(scale, rating, count)` rows as one entry per scale that has any, in [`Scale::ALL`]'s order.
    fn from_rows(rows: Vec<(String, i64, i64)>) -> Vec<Self> {
        let mut scales: Vec<Self> = Scale::ALL
            .into_iter()
            .map(|scale| Self { scale, counts: vec![0; usize::from(scale.points())], total: 0 })
            .collect();
        for (name, rating, count) in rows {
            let Some(entry) = scales.iter_mut().find(|s| s.scale.name() == name) else { continue };
            let point = usize::try_from(rating - i64::from(entry.scale.lowest())).ok();
            if let Some(slot) = point.and_then(|i| entry.counts.get_mut(i)) {
                *slot += count;
                entry.total += count;
            }
        }
        scales.retain(|s| s.total > 0);
        scales
    }

    /// `(rating, count)` for each point.
    fn points(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.counts.iter().zip(i64::from(self.scale.lowest())..).map(|(count, rating)| (rating, *count))
    }

    /// Responses with a rating in `from..=to`.
    fn between(&self, from: u8, to: u8) -> i64 {
        self.points().filter(|(rating, _)| (i64::from(from)..=i64::from(to)).contains(rating)).map(|(_, n)| n).sum()
    }
}

/// The Net Promoter Score of the NPS responses: the percentage of promoters (9–10) less the
/// percentage of detractors (0–6), from −100 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NpsScore {
    /// Ratings of 9 and 10.
    pub promoters: i64,
    /// Ratings of 7 and 8.
    pub passives: i64,
    /// Ratings of 0 to 6.
    pub detractors: i64,
    /// The score.
    pub score: f64,
}

impl NpsScore {
    fn of(scales: &[ScaleCounts]) -> Option<Self> {
        let nps = scales.iter().find(|s| s.scale == Scale::Nps)?;
        let (promoters, detractors) = (nps.between(Scale::Nps.happy_from(), 10), nps.between(0, Scale::Nps.unhappy_up_to()));
        let passives = nps.total - promoters - detractors;
        Some(Self { promoters, passives, detractors, score: percent(promoters - detractors, nps.total) })
    }
}

/// How the thumbs went.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThumbsShare {
    /// Thumbs up (helpful).
    pub up: i64,
    /// Thumbs down (not helpful).
    pub down: i64,
    /// Percentage of thumbs up.
    pub up_percent: f64,
}

impl ThumbsShare {
    fn of(scales: &[ScaleCounts]) -> Option<Self> {
        let thumbs = scales.iter().find(|s| s.scale == Scale::Thumbs)?;
        let (down, up) = (thumbs.between(0, 0), thumbs.between(1, 1));
        Some(Self { up, down, up_percent: percent(up, thumbs.total) })
    }
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^53
fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { 100.0 * part as f64 / whole as f64 }
}

/// One stored dashboard session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// Which admin token logged in.
    pub token_fingerprint: String,
    /// Login time, Unix seconds.
    pub created_at: i64,
    /// Last use, Unix seconds (written at most once a minute).
    pub last_seen_at: i64,
}

impl Store {
    /// Records a new session under the hash of its id.
    pub async fn create_session(&self, id_hash: &str, token_fingerprint: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO session (id_hash, token_fingerprint, created_at, last_seen_at) VALUES (?, ?, ?, ?)")
            .bind(id_hash)
            .bind(token_fingerprint)
            .bind(now)
            .bind(now)
            .execute(&self.reads)
            .await
            .map(drop)
    }

    /// The session stored under `id_hash`, if any.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as("SELECT token_fingerprint, created_at, last_seen_at FROM session WHERE id_hash = ?")
            .bind(id_hash)
            .fetch_optional(&self.reads)
            .await
    }

    /// Records that the session was used at `now`.
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE session SET last_seen_at = ? WHERE id_hash = ?").bind(now).bind(id_hash).execute(&self.reads).await.map(drop)
    }

    /// Ends one session.
    pub async fn end_session(&self, id_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM session WHERE id_hash = ?").bind(id_hash).execute(&self.reads).await.map(drop)
    }

    /// Ends every session; returns how many there were.
    pub async fn end_all_sessions(&self) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("DELETE FROM session").execute(&self.reads).await?.rows_affected())
    }

    /// Deletes sessions last used before `idle_before` or started before `created_before`.
    pub async fn prune_sessions(&self, idle_before: i64, created_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM session WHERE last_seen_at < ? OR created_at < ?")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.reads)
            .await
            .map(drop)
    }
}

/// How one delivery try went, as it is written to the notification's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryRecord {
    /// The channel took it.
    Sent,
    /// To be tried again at `next_try_at` (Unix seconds).
    Retry {
        /// When.
        next_try_at: i64,
        /// What went wrong.
        error: String,
    },
    /// Never to be tried again.
    Failed {
        /// Why.
        error: String,
    },
}

/// One message owed to one of the owner's channels, and how its delivery has gone.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NotificationRow {
    /// Its number.
    pub id: i64,
    /// `alert`, `reply` or `test`.
    pub kind: String,
    /// The channel's id (`email`, `webhook:…`, `slack:…`).
    pub channel: String,
    /// The response it is about, if any.
    pub feedback_id: Option<String>,
    /// For a reply, which one.
    pub reply_id: Option<i64>,
    /// For a digest, which one.
    pub digest_id: Option<i64>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Tries so far.
    pub attempts: i64,
    /// When it was recorded, Unix seconds.
    pub created_at: i64,
    /// When it is next tried, Unix seconds.
    pub next_try_at: i64,
    /// When the channel accepted it, Unix seconds.
    pub sent_at: Option<i64>,
    /// What went wrong last, if anything did.
    pub last_error: Option<String>,
}

const NOTIFICATION_COLUMNS: &str = "id, kind, channel, feedback_id, reply_id, digest_id, status, attempts, created_at, next_try_at, sent_at, last_error";

impl Store {
    /// The response stored under `id`.
    pub async fn feedback(&self, id: &str) -> Result<Option<StoredFeedback>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM feedback WHERE id = ?")).bind(id).fetch_optional(&self.reads).await
    }

    /// The responses stored under `ids` (those that are), in one query.
    pub async fn feedback_many(&self, ids: &[&str]) -> Result<Vec<StoredFeedback>, sqlx::Error> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_IDS) {
            let mut query = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM feedback WHERE id IN ("));
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(")");
            found.extend(query.build_query_as::<StoredFeedback>().fetch_all(&self.reads).await?);
        }
        Ok(found)
    }

    /// Up to `limit` pending notifications due at `now`, oldest first.
    pub async fn due_notifications(&self, now: i64, limit: u32) -> Result<Vec<NotificationRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE status = 'pending' AND next_try_at <= ? ORDER BY next_try_at, id LIMIT ?"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.reads)
        .await
    }

    /// When the next pending notification is due, if any is pending.
    pub async fn next_notification_due(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT MIN(next_try_at) FROM notification WHERE status = 'pending'").fetch_one(&self.reads).await
    }

    /// Records how a round of deliveries went. It goes through the writer, into its next
    /// transaction: under load a transaction of its own would wait for SQLite's one write lock,
    /// which the writer holds almost all the time.
    pub async fn record_deliveries(&self, results: Vec<(i64, DeliveryRecord)>, now: i64) -> Result<(), WriteError> {
        if results.is_empty() {
            return Ok(());
        }
        let (reply, answer) = oneshot::channel();
        self.writer.send(Write::Deliveries(results, now, reply)).await.map_err(|_| WriteError::Closed)?;
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(WriteError::Database(sqlx::Error::Protocol(message))),
            Err(_) => Err(WriteError::Closed),
        }
    }

    /// Puts a failed notification back in the queue, due at `now`; false if there is none such.
    pub async fn retry_notification(&self, id: i64, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE notification SET status = 'pending', next_try_at = ? WHERE id = ? AND status = 'failed'")
            .bind(now)
            .bind(id)
            .execute(&self.reads)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a notification for `feedback_id` (or none) on `channel`, due at `now`.
    pub async fn queue_notification(&self, kind: &str, channel: &str, feedback_id: Option<&str>, now: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO notification (kind, channel, feedback_id, feedback_seq, created_at, next_try_at) \
             VALUES (?1, ?2, ?3, (SELECT seq FROM feedback WHERE id = ?3), ?4, ?4) RETURNING id",
        )
        .bind(kind)
        .bind(channel)
        .bind(feedback_id)
        .bind(now)
        .fetch_one(&self.reads)
        .await
    }

    /// The notifications about response `feedback_id`, oldest first.
    pub async fn notifications_of(&self, feedback_id: &str) -> Result<Vec<NotificationRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE feedback_seq = (SELECT seq FROM feedback WHERE id = ?) ORDER BY id"))
            .bind(feedback_id)
            .fetch_all(&self.reads)
            .await
    }

    /// Notifications that failed for good or are still being retried after an error, newest
    /// first (at most 200).
    pub async fn troubled_notifications(&self) -> Result<Vec<NotificationRow>, sqlx::Error> {
        sqlx::query_as(&troubled_query()).fetch_all(&self.reads).await
    }

    /// How many notifications are pending.
    pub async fn pending_notifications(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM notification WHERE status = 'pending'").fetch_one(&self.reads).await
    }
}

impl Store {
    /// Whether the digest of the period ending at `end` has been made.
    pub async fn digest_made(&self, end: i64) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM digest WHERE period_end = ?)").bind(end).fetch_one(&self.reads).await
    }

    /// Records the digest of `[start, end)` and, when it has a `body`, its notification on each
    /// of `channels`, in one transaction; its number, or none if another start made it first.
    pub async fn record_digest(&self, start: i64, end: i64, body: Option<&str>, channels: &[String], now: i64) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.reads.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO digest (period_start, period_end, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (period_end) DO NOTHING RETURNING id",
        )
        .bind(start)
        .bind(end)
        .bind(body)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if let (Some(id), Some(_)) = (id, body) {
            for channel in channels {
                sqlx::query("INSERT INTO notification (kind, channel, digest_id, created_at, next_try_at) VALUES ('digest', ?, ?, ?, ?)")
                    .bind(channel)
                    .bind(id)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The stored digest `id` as JSON, if it had anything to say.
    pub async fn digest_body(&self, id: i64) -> Result<Option<String>, sqlx::Error> {
        Ok(sqlx::query_scalar::<_, Option<String>>("SELECT body FROM digest WHERE id = ?").bind(id).fetch_optional(&self.reads).await?.flatten())
    }

    /// The tally of the responses received in `[from, to)` (RFC 3339 UTC), spam left out.
    pub async fn tally_between(&self, from: &str, to: &str) -> Result<Tally, sqlx::Error> {
        let mut query = QueryBuilder::new(TALLY_SELECT);
        query.push(" WHERE spam = 0 AND received_at >= ").push_bind(from.to_owned());
        query.push(" AND received_at < ").push_bind(to.to_owned());
        self.tally(query).await
    }

    /// Up to `limit` unhappy responses not yet followed up, oldest first, and how many there are.
    pub async fn waiting_for_follow_up(&self, limit: u32) -> Result<(Vec<crate::digest::DigestItem>, i64), sqlx::Error> {
        let waiting = format!("FROM feedback WHERE {} AND spam = 0 AND followed_up_at IS NULL", self.unhappiness.sql());
        let items = sqlx::query_as(&format!("SELECT {DIGEST_ITEM_COLUMNS} {waiting} ORDER BY rowid LIMIT ?"))
            .bind(i64::from(limit))
            .fetch_all(&self.reads)
            .await?;
        let total = sqlx::query_scalar(&format!("SELECT COUNT(*) {waiting}")).fetch_one(&self.reads).await?;
        Ok((items, total))
    }

    /// Up to `limit` of the newest responses with a comment received in `[from, to)`.
    pub async fn newest_comments_between(&self, from: &str, to: &str, limit: u32) -> Result<Vec<crate::digest::DigestItem>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {DIGEST_ITEM_COLUMNS} FROM feedback \
             WHERE spam = 0 AND comment <> '' AND received_at >= ? AND received_at < ? ORDER BY rowid DESC LIMIT ?"
        ))
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(&self.reads)
        .await
    }
}

/// A digest item's columns; its address is the one typed, else the signed-in visitor's.
const DIGEST_ITEM_COLUMNS: &str = "id, scale, rating, comment, COALESCE(NULLIF(email, ''), user_email) AS email, received_at";

/// One of the owner's e-mail replies to a visitor, with how its sending went.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReplyRow {
    /// Its number.
    pub id: i64,
    /// The response it answers.
    pub feedback_id: String,
    /// What the owner wrote.
    pub body: String,
    /// The Message-ID it is sent with.
    pub message_id: String,
    /// When the owner wrote it, Unix seconds.
    pub created_at: i64,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// When the mail server accepted it, Unix seconds.
    pub sent_at: Option<i64>,
    /// What went wrong last, if anything did.
    pub last_error: Option<String>,
}

impl Store {
    /// Records the owner's reply to response `feedback_id` and the notification that sends it,
    /// and marks the response followed up, in one transaction; the reply's number.
    pub async fn queue_reply(&self, feedback_id: &str, body: &str, message_id: &str, now: i64, now_rfc3339: &str) -> Result<i64, sqlx::Error> {
        let mut tx = self.reads.begin().await?;
        let reply: i64 = sqlx::query_scalar("INSERT INTO reply (feedback_id, body, message_id, created_at) VALUES (?, ?, ?, ?) RETURNING id")
            .bind(feedback_id)
            .bind(body)
            .bind(message_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO notification (kind, channel, feedback_id, feedback_seq, reply_id, created_at, next_try_at) \
             VALUES ('reply', 'email', ?1, (SELECT seq FROM feedback WHERE id = ?1), ?2, ?3, ?3)",
        )
        .bind(feedback_id)
        .bind(reply)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE feedback SET followed_up_at = COALESCE(followed_up_at, ?) WHERE id = ?")
            .bind(now_rfc3339)
            .bind(feedback_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(reply)
    }

    /// Reply `id`, and the Message-IDs of the replies to the same response before it (oldest
    /// first), for threading.
    pub async fn reply_with_thread(&self, id: i64) -> Result<Option<(ReplyRow, Vec<String>)>, sqlx::Error> {
        let reply: Option<ReplyRow> = sqlx::query_as(
            "SELECT r.id, r.feedback_id, r.body, r.message_id, r.created_at, COALESCE(n.status, 'pending') AS status, n.sent_at, n.last_error \
             FROM reply r LEFT JOIN notification n ON n.reply_id = r.id WHERE r.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.reads)
        .await?;
        let Some(reply) = reply else { return Ok(None) };
        let earlier = sqlx::query_scalar("SELECT message_id FROM reply WHERE feedback_id = ? AND id < ? ORDER BY id")
            .bind(&reply.feedback_id)
            .bind(id)
            .fetch_all(&self.reads)
            .await?;
        Ok(Some((reply, earlier)))
    }

    /// The owner's replies to response `feedback_id`, oldest first.
    pub async fn replies_of(&self, feedback_id: &str) -> Result<Vec<ReplyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT r.id, r.feedback_id, r.body, r.message_id, r.created_at, COALESCE(n.status, 'pending') AS status, n.sent_at, n.last_error \
             FROM reply r LEFT JOIN notification n ON n.reply_id = r.id WHERE r.feedback_id = ? ORDER BY r.id",
        )
        .bind(feedback_id)
        .fetch_all(&self.reads)
        .await
    }
}

/// A stored response as the dashboard and the export show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StoredFeedback {
    pub id: String,
    pub received_at: String,
    pub origin: Option<String>,
    pub rating: i64,
    /// The scale's name: `csat5`, `stars5`, `emoji5`, `thumbs` or `nps`.
    pub scale: String,
    pub comment: String,
    /// The address the visitor typed, if they did.
    pub email: Option<String>,
    /// The signed-in visitor's id in the owner's system.
    pub user_id: Option<String>,
    /// The signed-in visitor's account address.
    pub user_email: Option<String>,
    /// The signed-in visitor's name.
    pub user_name: Option<String>,
    /// The owner's facts about the visit, in the order given; an object in JSON.
    #[sqlx(try_from = "Option<String>")]
    pub metadata: Metadata,
    pub page_url: String,
    pub page_title: String,
    pub page_referrer: String,
    pub locale: String,
    pub user_agent: String,
    pub viewport_width: i64,
    pub viewport_height: i64,
    pub created_at: String,
    pub widget_version: String,
    pub schema_version: i64,
    pub spam: bool,
    pub followed_up_at: Option<String>,
    /// The visitor's clock (`created_at`) was far from the time the response arrived.
    pub clock_skewed: bool,
    /// The owner's private note from marking it followed up.
    pub follow_up_note: Option<String>,
}

const COLUMNS: &str = "id, received_at, origin, rating, scale, comment, email, user_id, user_email, user_name, metadata, \
    page_url, page_title, page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, widget_version, \
    schema_version, spam, followed_up_at, clock_skewed, follow_up_note";

impl StoredFeedback {
    /// The scale the rating is on.
    pub fn rated_on(&self) -> Scale {
        crate::rating::scale_named(&self.scale)
    }

    /// The rating in words on its scale: `2 of 5`, `9 of 10 (NPS)`, `not helpful`.
    pub fn rating_words(&self) -> String {
        crate::rating::rating_words(self.rated_on(), self.rating)
    }

    /// Where to answer the visitor, and whether they typed it: the address they typed, else
    /// their account's when they were signed in.
    pub fn reply_address(&self) -> Option<(&str, AddressSource)> {
        let typed = self.email.as_deref().filter(|e| !e.is_empty()).map(|e| (e, AddressSource::Typed));
        typed.or_else(|| self.user_email.as_deref().filter(|e| !e.is_empty()).map(|e| (e, AddressSource::Account)))
    }
}

/// Where a reply address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressSource {
    /// The visitor typed it into the widget.
    Typed,
    /// The page said who the signed-in visitor is (`user.email`).
    Account,
}

/// A response's metadata: entries in the order the page gave them, keys unique.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata(pub Vec<(String, String)>);

impl Metadata {
    /// As stored: a JSON object keeping the order, or none when empty.
    pub fn to_json(entries: &[(String, String)]) -> Option<String> {
        if entries.is_empty() {
            return None;
        }
        let mut out = String::from("{");
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // Writing a string to JSON cannot fail.
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push(':');
            out.push_str(&serde_json::to_string(value).unwrap_or_default());
        }
        out.push('}');
        Some(out)
    }

    /// The stored JSON object as text again (empty for none); what the CSV export holds.
    pub fn as_json_text(&self) -> String {
        Self::to_json(&self.0).unwrap_or_default()
    }
}

impl TryFrom<Option<String>> for Metadata {
    type Error = serde_json::Error;

    fn try_from(stored: Option<String>) -> Result<Self, Self::Error> {
        let Some(text) = stored else { return Ok(Self::default()) };
        // Reads the object's members in order (a serde_json map would sort them).
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Vec<(String, String)>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries)
            }
        }
        let mut json = serde_json::Deserializer::from_str(&text);
        serde::Deserializer::deserialize_map(&mut json, Entries).map(Self)
    }
}

impl Serialize for Metadata {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Figures for the top of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The responses counted, on every scale.
    #[serde(flatten)]
    pub tally: Tally,
    /// Per day (by received time), oldest first, at most 90 days with responses.
    pub trend: Vec<DayPoint>,
}

/// One day of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct DayPoint {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Mean five-point rating that day.
    pub average: f64,
    /// Responses that day.
    pub count: i64,
}

fn push_filter(query: &mut QueryBuilder<'_, Sqlite>, filter: &FeedbackFilter) {
    push_conditions(query, filter, " WHERE ");
}

/// The filter's conditions, the first one after `first` (`" WHERE "`, or `" AND "` after a
/// condition of the query's own).
fn push_conditions(query: &mut QueryBuilder<'_, Sqlite>, filter: &FeedbackFilter, first: &'static str) {
    let mut clause = first;
    let mut and = |query: &mut QueryBuilder<'_, Sqlite>| {
        query.push(clause);
        clause = " AND ";
    };
    match filter.spam {
        SpamFilter::Hide => {
            and(query);
            query.push("spam = 0");
        }
        SpamFilter::Only => {
            and(query);
            query.push("spam = 1");
        }
        SpamFilter::Include => {}
    }
    if let Some(rating) = filter.rating {
        and(query);
        query.push("rating = ").push_bind(i64::from(rating));
    }
    if let Some(scale) = filter.scale {
        and(query);
        query.push("scale = ").push_bind(scale.name());
    }
    for (key, value) in &filter.metadata {
        // The pair index finds the numbers; no response is read to test it.
        and(query);
        query.push("seq IN (SELECT feedback_seq FROM feedback_metadata WHERE key = ").push_bind(key.clone());
        query.push(" AND value = ").push_bind(value.clone()).push(")");
    }
    if let Some(has) = filter.has_comment {
        and(query);
        query.push(if has { "comment <> ''" } else { "comment = ''" });
    }
    if let Some(has) = filter.has_email {
        and(query);
        query.push(if has { "email IS NOT NULL AND email <> ''" } else { "(email IS NULL OR email = '')" });
    }
    if let Some(from) = filter.from {
        and(query);
        query.push("received_at >= ").push_bind(from.to_string());
    }
    if let Some(to) = filter.to {
        // Dates compare as the prefix of the RFC 3339 text; the day after `to` bounds it.
        and(query);
        let end = to.next_day().map_or_else(|| "9999-12-32".to_owned(), |d| d.to_string());
        query.push("received_at < ").push_bind(end);
    }
    if let Some(text) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        and(query);
        let needle = text.to_lowercase();
        query.push("(instr(lower(comment), ").push_bind(needle.clone());
        query.push(") > 0 OR instr(lower(COALESCE(email, '')), ").push_bind(needle.clone());
        query.push(") > 0 OR instr(lower(page_url), ").push_bind(needle);
        query.push(") > 0)");
    }
}

/// Which responses alert, on which channels, and whom to wake when they do; by default none.
#[derive(Debug, Clone, Default)]
pub struct AlertPlan {
    /// Which ratings count as unhappy, for alerts and for follow-up.
    pub unhappiness: Unhappiness,
    /// Which responses alert; none when unset.
    pub on: Option<AlertOn>,
    /// The configured channels' ids, as stored in `notification.channel`.
    pub channels: Vec<String>,
    /// Woken after a commit that recorded alerts.
    pub wake: Arc<Notify>,
}

impl AlertPlan {
    fn alerts(&self, feedback: &Feedback) -> bool {
        !self.channels.is_empty()
            && self.on.is_some_and(|on| on.alerts(feedback.scale, feedback.rating.into(), feedback.is_spam(), self.unhappiness))
    }
}

async fn write_loop(mut conn: SqliteConnection, mut queue: mpsc::Receiver<Write>, plan: AlertPlan, counted: Arc<AtomicU64>) {
    let mut writes = Vec::with_capacity(MAX_BATCH);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut deliveries = Vec::new();
    while queue.recv_many(&mut writes, MAX_BATCH).await > 0 {
        for write in writes.drain(..) {
            match write {
                Write::Feedback(row, reply) => batch.push((*row, reply)),
                Write::Deliveries(results, now, reply) => deliveries.push((results, now, reply)),
            }
        }
        let outcome = write_batch(&mut conn, &batch, &deliveries, &plan).await;
        match outcome {
            Ok((stored, alerted)) => {
                let created = stored.iter().filter(|s| matches!(s, Stored::Created)).count();
                counted.fetch_add(created as u64, Ordering::Relaxed);
                if alerted {
                    plan.wake.notify_one();
                }
                for ((_, reply), stored) in batch.drain(..).zip(stored) {
                    // A sender that gave up (client gone) still has its row committed.
                    let _ = reply.send(Ok(stored));
                }
                for (_, _, reply) in deliveries.drain(..) {
                    let _ = reply.send(Ok(()));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(message.clone()));
                }
                for (_, _, reply) in deliveries.drain(..) {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
    if let Err(e) = conn.close().await {
        tracing::warn!(error = %e, "closing the writer connection");
    }
}

type DeliveryRound = (Vec<(i64, DeliveryRecord)>, i64, oneshot::Sender<Result<(), String>>);

/// The Notifications page's query; its condition is the `notification_troubled` index's, word for
/// word, so SQLite reads that index only.
fn troubled_query() -> String {
    format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL) \
         ORDER BY id DESC LIMIT 200"
    )
}

/// Writes how deliveries went, inside the writer's transaction. The sent, the common case by
/// far, are marked in one statement per chunk of ids.
async fn write_deliveries(tx: &mut SqliteConnection, rounds: &[DeliveryRound]) -> Result<(), sqlx::Error> {
    for (results, now, _) in rounds {
        let sent: Vec<i64> = results.iter().filter(|(_, record)| matches!(record, DeliveryRecord::Sent)).map(|(id, _)| *id).collect();
        for chunk in sent.chunks(MAX_IDS) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "UPDATE notification SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = ",
            );
            query.push_bind(now).push(" WHERE id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(id);
            }
            query.push(")");
            query.build().execute(&mut *tx).await?;
        }
        for (id, record) in results {
            let query = match record {
                DeliveryRecord::Sent => continue,
                DeliveryRecord::Retry { next_try_at, error } => {
                    sqlx::query("UPDATE notification SET attempts = attempts + 1, next_try_at = ?, last_error = ? WHERE id = ?")
                        .bind(next_try_at)
                        .bind(error)
                        .bind(id)
                }
                DeliveryRecord::Failed { error } => {
                    sqlx::query("UPDATE notification SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?")
                        .bind(error)
                        .bind(id)
                }
            };
            query.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

/// Writes one transaction: the new responses and the alerts they owe. The outcome of each row in
/// order, and whether any alert was recorded.
async fn write_batch(
    conn: &mut SqliteConnection,
    batch: &[(NewFeedback, Reply)],
    deliveries: &[DeliveryRound],
    plan: &AlertPlan,
) -> Result<(Vec<Stored>, bool), sqlx::Error> {
    // A retry can arrive while its first attempt is still queued: only the first copy is inserted.
    let mut seen = HashSet::with_capacity(batch.len());
    let firsts: Vec<&NewFeedback> = batch.iter().map(|(row, _)| row).filter(|row| seen.insert(row.feedback.id.as_str())).collect();
    // The ids stored by this batch, with the numbers they were given.
    let mut created = HashMap::with_capacity(firsts.len());
    let mut tx = conn.begin().await?;
    let mut rest = firsts.as_slice();
    while !rest.is_empty() {
        let size = chunk_size(rest.len());
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let rows: Vec<(String, i64)> = insert_rows(chunk).build_query_as().fetch_all(&mut *tx).await?;
        created.extend(rows);
    }
    // Metadata entries of the new responses, in statements of many rows: none for a batch
    // without metadata, a handful for one full of it.
    let entries: Vec<(i64, &str, &str)> = firsts
        .iter()
        .filter_map(|row| created.get(&row.feedback.id).map(|seq| (*seq, &row.feedback.metadata)))
        .flat_map(|(seq, metadata)| metadata.iter().map(move |(key, value)| (seq, key.as_str(), value.as_str())))
        .collect();
    let mut rest = entries.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_size(rest.len()));
        rest = tail;
        let mut query = QueryBuilder::<Sqlite>::new("INSERT INTO feedback_metadata (feedback_seq, key, value) ");
        query.push_values(chunk, |mut b, (seq, key, value)| {
            b.push_bind(*seq).push_bind(*key).push_bind(*value);
        });
        query.build().execute(&mut *tx).await?;
    }
    let alerting: Vec<(&str, i64)> = firsts
        .iter()
        .filter(|row| plan.alerts(&row.feedback))
        .filter_map(|row| created.get(&row.feedback.id).map(|seq| (row.feedback.id.as_str(), *seq)))
        .collect();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for chunk in alerting.chunks(MAX_CHUNK) {
        let mut query =
            QueryBuilder::<Sqlite>::new("INSERT INTO notification (kind, channel, feedback_id, feedback_seq, created_at, next_try_at) ");
        let rows = chunk.iter().flat_map(|(id, seq)| plan.channels.iter().map(move |channel| (*id, *seq, channel.as_str())));
        query.push_values(rows, |mut b, (id, seq, channel)| {
            b.push_bind("alert").push_bind(channel).push_bind(id).push_bind(seq).push_bind(now).push_bind(now);
        });
        query.build().execute(&mut *tx).await?;
    }
    write_deliveries(&mut tx, deliveries).await?;
    tx.commit().await?;
    let mut answered = HashSet::with_capacity(batch.len());
    let stored = batch
        .iter()
        .map(|(row, _)| {
            let id = row.feedback.id.as_str();
            if created.contains_key(id) && answered.insert(id) { Stored::Created } else { Stored::Repeat }
        })
        .collect();
    Ok((stored, !alerting.is_empty()))
}

/// Largest power of two not above `remaining`, capped at [`MAX_CHUNK`].
fn chunk_size(remaining: usize) -> usize {
    let mut size = MAX_CHUNK;
    while size > remaining {
        size /= 2;
    }
    size
}

fn insert_rows<'a>(rows: &[&'a NewFeedback]) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::new(
        "INSERT INTO feedback (id, received_at, origin, schema_version, rating, scale, comment, email, user_id, user_email, \
         user_name, metadata, page_url, page_title, page_referrer, locale, user_agent, viewport_width, viewport_height, \
         created_at, widget_version, honeypot, spam, clock_skewed) ",
    );
    query.push_values(rows, |mut b, row| {
        let f = &row.feedback;
        let user = f.user.as_ref();
        b.push_bind(f.id.as_str())
            .push_bind(row.received_at.as_str())
            .push_bind(row.origin.as_deref())
            .push_bind(i64::from(f.schema_version))
            .push_bind(i64::from(f.rating))
            .push_bind(f.scale.name())
            .push_bind(f.comment.as_str())
            .push_bind(f.email.as_deref())
            .push_bind(user.and_then(|u| u.id.as_deref()))
            .push_bind(user.and_then(|u| u.email.as_deref()))
            .push_bind(user.and_then(|u| u.name.as_deref()))
            .push_bind(Metadata::to_json(&f.metadata))
            .push_bind(f.page.url.as_str())
            .push_bind(f.page.title.as_str())
            .push_bind(f.page.referrer.as_str())
            .push_bind(f.locale.as_str())
            .push_bind(f.user_agent.as_str())
            .push_bind(i64::from(f.viewport.width))
            .push_bind(i64::from(f.viewport.height))
            .push_bind(f.created_at.as_str())
            .push_bind(f.widget_version.as_str())
            .push_bind(f.honeypot.as_str())
            .push_bind(f.is_spam())
            .push_bind(row.clock_skewed);
    });
    query.push(" ON CONFLICT (id) DO NOTHING RETURNING id, seq");
    query
}

/// The current time as RFC 3339 UTC with milliseconds, the form stored in `received_at`.
pub fn now_rfc3339() -> String {
    rfc3339_millis(time::OffsetDateTime::now_utc())
}

/// `at` as RFC 3339 UTC with milliseconds.
pub fn rfc3339_millis(at: time::OffsetDateTime) -> String {
    let now = at.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    now.format(format).unwrap_or_else(|_| now.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_notifications_page_reads_only_troubled_rows() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (store, writer) = Store::open(&dir.path().join("platinum.db")).await.expect("open");
        // EXPLAIN QUERY PLAN rows are (id, parent, unused, detail).
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {}", troubled_query()))
            .fetch_all(&store.reads)
            .await
            .expect("query plan")
            .iter()
            .map(|row| sqlx::Row::get::<String, _>(row, 3))
            .collect();
        assert!(plan.iter().any(|step| step.contains("notification_troubled")), "{plan:?}");
        // "SCAN notification USING INDEX notification_troubled" walks that index only.
        assert!(!plan.iter().any(|step| step == "SCAN notification"), "{plan:?}");
        store.close().await;
        drop(store);
        writer.finish().await;
    }

    #[tokio::test]
    async fn the_metadata_filter_reads_the_pair_index_not_the_responses() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (store, writer) = Store::open(&dir.path().join("platinum.db")).await.expect("open");
        let filter = FeedbackFilter { metadata: vec![("plan".into(), "pro".into())], ..FeedbackFilter::default() };
        let mut query = QueryBuilder::new(format!("EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM feedback"));
        push_filter(&mut query, &filter);
        let plan: Vec<String> =
            query.build().fetch_all(&store.reads).await.expect("query plan").iter().map(|row| sqlx::Row::get::<String, _>(row, 3)).collect();
        assert!(plan.iter().any(|step| step.contains("feedback_metadata_pair")), "{plan:?}");
        assert!(!plan.iter().any(|step| step == "SCAN feedback_metadata"), "{plan:?}");
        store.close().await;
        drop(store);
        writer.finish().await;
    }
}
