//! The database behind one [`Store`]: SQLite (one file, the default) or PostgreSQL (which several
//! collectors can share); the writer that group-commits new responses; and the figures the
//! dashboard, the export and the digest are made of.
//!
//! One task per collector owns the connection that inserts feedback. Handlers hand it their row
//! and wait; it takes whatever has queued up (up to [`MAX_BATCH`] rows), writes them in one
//! transaction and answers each handler after the commit. A commit is on disk when it returns
//! (SQLite in WAL mode with `synchronous=FULL`; PostgreSQL with `synchronous_commit` on, its
//! default), so an acknowledged response survives a crash, and one flush covers the batch.
//!
//! The queries themselves are in `sql.rs`, written once for both databases; `sqlite.rs` and
//! `postgres.rs` hold how each is opened and the little SQL they write differently.

pub mod copy;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use platinum_payload::{Feedback, Scale};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, SqlitePool};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::config::AlertOn;
use crate::filter::FeedbackFilter;
use crate::rating::Unhappiness;

/// Most rows written in one transaction.
pub const MAX_BATCH: usize = 256;
/// Rows per INSERT statement; batches are split into power-of-two chunks up to this size so that
/// only a handful of distinct statements are ever prepared and cached.
const MAX_CHUNK: usize = 64;
/// Most ids in one `IN (…)` list: one bound parameter each, far below either database's limit.
const MAX_IDS: usize = 256;
/// How often a batch is written again after colliding with another collector's transaction.
const MAX_CONFLICT_RETRIES: usize = 3;
/// Most notifications one collector claims at a time: four rounds of the notifier's 32 deliveries
/// in flight, at most 40 s at its 10 s delivery timeout.
const MAX_CLAIM: u32 = 128;
/// How long a collector may hold a notification it is sending before another one takes it over,
/// unless [`Store::with_claim_lease`] says otherwise. Longer than any delivery try takes.
pub const DEFAULT_CLAIM_LEASE: Duration = Duration::from_secs(120);

/// Where the responses are kept: `--database-url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database, as a `postgres://` URL (TLS as its `sslmode` says).
    Postgres(String),
}

impl Database {
    /// Reads `sqlite://path`, `sqlite:path`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Checked now, so a typo is reported at start-up rather than on the first retry.
            url.parse::<sqlx::postgres::PgConnectOptions>().map_err(|e| format!("{}: {e}", redact(url)))?;
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"));
        match path {
            Some("") => Err("sqlite:// needs a file path, as in sqlite://platinum.db or sqlite:///var/lib/platinum/platinum.db".to_owned()),
            Some(path) => Ok(Self::Sqlite(PathBuf::from(path))),
            None => Err(format!(
                "{} is not a database URL: give sqlite://FILE or postgres://user:password@host:port/database",
                redact(url)
            )),
        }
    }

    /// The database as the start-up banner and the log show it: without its password.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("SQLite {}", path.display()),
            Self::Postgres(url) => format!("PostgreSQL {}", redact(url)),
        }
    }
}

impl From<&Path> for Database {
    fn from(path: &Path) -> Self {
        Self::Sqlite(path.to_owned())
    }
}

/// `url` with the password of its user part replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let user = &rest[..at];
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            let password = if rest[..at].contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{password}{}", &rest[at..])
        }
        None => url.to_owned(),
    }
}

/// Whether `e` means the database cannot be reached (or is restarting, or full of connections)
/// rather than that it refused what was asked: worth answering `503` and trying again.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // PostgreSQL: connection exceptions (08…), shutting down or starting up (57P01–57P03),
            // too many connections (53300). SQLite: busy (5) and locked (6).
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300" | "5" | "6")
        }),
        _ => false,
    }
}

/// Whether `e` is a transaction that collided with another (a deadlock or a serialization
/// failure), which simply succeeds when written again.
fn conflicted(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|code| matches!(&*code, "40P01" | "40001")))
}

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
    /// The database cannot be reached just now; nothing was written.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The database refused the transaction.
    #[error("the database refused the write: {0}")]
    Refused(String),
    /// The writer task has stopped (the server is shutting down).
    #[error("the database writer has stopped")]
    Closed,
}

impl From<WriteError> for crate::AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Unavailable(_) | WriteError::Closed => Self::Unavailable(e.to_string()),
            WriteError::Refused(_) => Self::Internal(e.to_string()),
        }
    }
}

/// How a transaction of the writer failed, as each waiting handler is told.
#[derive(Debug, Clone)]
struct Failure {
    message: String,
    unavailable: bool,
}

impl From<Failure> for WriteError {
    fn from(failure: Failure) -> Self {
        if failure.unavailable { Self::Unavailable(failure.message) } else { Self::Refused(failure.message) }
    }
}

type Reply = oneshot::Sender<Result<Stored, Failure>>;
type DeliveryRound = (Vec<(i64, DeliveryRecord)>, i64, oneshot::Sender<Result<(), Failure>>);

/// The writers' queue, shared when there are several.
type Queue = Arc<tokio::sync::Mutex<mpsc::Receiver<Write>>>;

/// Writer tasks on PostgreSQL: while one waits for its commit to be flushed, the next batch is
/// already being written by the other. Each takes the ids' locks in order, so they never
/// deadlock; a response in both their batches waits for the first to commit and is then a repeat.
const POSTGRES_WRITERS: usize = 2;

/// What the writer task is asked to write.
enum Write {
    /// A new response; answered with whether it was new.
    Feedback(Box<NewFeedback>, Reply),
    /// How a round of notification deliveries went, at `now`; answered once committed.
    Deliveries(Vec<(i64, DeliveryRecord)>, i64, oneshot::Sender<Result<(), Failure>>),
}

/// The connections reads go through.
#[derive(Clone)]
enum Reads {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the query function `$query` of `sql.rs` on the store's database.
macro_rules! on_reads {
    ($store:expr, $query:ident($($arg:expr),* $(,)?)) => {
        match &$store.reads {
            Reads::Sqlite(pool) => sqlite::sql::$query(pool $(, $arg)*).await,
            Reads::Postgres(pool) => postgres::sql::$query(pool $(, $arg)*).await,
        }
    };
}

/// Handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    reads: Reads,
    writer: mpsc::Sender<Write>,
    /// Responses stored since start, counted by the writer after each commit.
    stored: Arc<AtomicU64>,
    /// Which ratings count as unhappy.
    unhappiness: Unhappiness,
    /// Seconds a notification being sent stays claimed by this collector.
    claim_lease: i64,
    /// How SQLite read connections are opened, for [`Store::with_reads_of_its_own`].
    sqlite: Option<Arc<sqlx::sqlite::SqliteConnectOptions>>,
    /// What the writer records of its commits, for `GET /metrics`.
    writer_metrics: Arc<crate::metrics::WriterMetrics>,
}

/// The writer task; await [`Writer::finish`] after the last [`Store`] clone is dropped so queued
/// rows are committed before the process exits.
pub struct Writer(Vec<JoinHandle<()>>);

impl Writer {
    /// Waits until every queued row has been written and the connections closed.
    pub async fn finish(self) {
        for task in self.0 {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "database writer ended abnormally");
            }
        }
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the SQLite database at `path`, and starts its
    /// writer. No response alerts anyone.
    pub async fn open(path: &Path) -> Result<(Self, Writer), sqlx::Error> {
        Self::open_with(&Database::from(path), AlertPlan::default()).await
    }

    /// Opens and migrates `database` and starts its writer, which records the alerts `plan` asks
    /// for in the same transaction as each response. Fails at once if the database cannot be
    /// reached: the caller decides whether to try again ([`is_unavailable`]).
    pub async fn open_with(database: &Database, plan: AlertPlan) -> Result<(Self, Writer), sqlx::Error> {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let queue: Queue = Arc::new(tokio::sync::Mutex::new(rx));
        let stored = Arc::new(AtomicU64::new(0));
        let writer_metrics = Arc::new(crate::metrics::WriterMetrics::default());
        let unhappiness = plan.unhappiness;
        let (reads, sqlite, writers) = match database {
            Database::Sqlite(path) => {
                let (reads, writer, options) = sqlite::open(path).await?;
                let writer = tokio::spawn(sqlite::sql::write_loop(writer, queue, plan, Arc::clone(&stored), Arc::clone(&writer_metrics)));
                (Reads::Sqlite(reads), Some(Arc::new(options)), vec![writer])
            }
            Database::Postgres(url) => {
                let (reads, writer) = postgres::open(url, POSTGRES_WRITERS).await?;
                let writers = (0..POSTGRES_WRITERS)
                    .map(|_| tokio::spawn(postgres::sql::write_loop(writer.clone(), Arc::clone(&queue), plan.clone(), Arc::clone(&stored), Arc::clone(&writer_metrics))))
                    .collect();
                (Reads::Postgres(reads), None, writers)
            }
        };
        let claim_lease = i64::try_from(DEFAULT_CLAIM_LEASE.as_secs()).unwrap_or(i64::MAX);
        Ok((Self { reads, writer: tx, stored, unhappiness, claim_lease, sqlite, writer_metrics }, Writer(writers)))
    }

    /// The same store, holding a notification it is sending for `lease` before another collector
    /// may take it over.
    #[must_use]
    pub fn with_claim_lease(mut self, lease: Duration) -> Self {
        self.claim_lease = i64::try_from(lease.as_secs().max(1)).unwrap_or(i64::MAX);
        self
    }

    /// The same store reading through one connection of its own, opened when first used by
    /// the thread that uses it. A background thread at low priority uses this so that its reads
    /// run at its priority too: each SQLite connection works on a thread started by whichever
    /// thread opened it, with that thread's priority. PostgreSQL works in its own processes, so
    /// there it is the same store.
    pub fn with_reads_of_its_own(&self) -> Self {
        let reads = match &self.sqlite {
            Some(options) => Reads::Sqlite(sqlite::own_reads(options)),
            None => self.reads.clone(),
        };
        Self { reads, ..self.clone() }
    }

    /// Which ratings count as unhappy.
    pub fn unhappiness(&self) -> Unhappiness {
        self.unhappiness
    }

    /// What the writer records of its commits.
    pub fn writer_metrics(&self) -> &crate::metrics::WriterMetrics {
        &self.writer_metrics
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
            Ok(outcome) => outcome.map_err(WriteError::from),
            Err(_) => Err(WriteError::Closed),
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_reads!(self, ping())
    }

    /// Closes the read connections; writes already acknowledged are unaffected.
    pub async fn close(&self) {
        match &self.reads {
            Reads::Sqlite(pool) => pool.close().await,
            Reads::Postgres(pool) => pool.close().await,
        }
    }

    /// Number of stored responses, spam included.
    pub async fn count_all(&self) -> Result<i64, sqlx::Error> {
        on_reads!(self, count_all())
    }

    /// How many notifications are sent, pending and failed.
    pub async fn notification_tally(&self) -> Result<(i64, i64, i64), sqlx::Error> {
        on_reads!(self, notification_tally())
    }

    /// Responses matching `filter`, newest first.
    pub async fn list(&self, filter: &FeedbackFilter, limit: u32, offset: u64) -> Result<Vec<StoredFeedback>, sqlx::Error> {
        on_reads!(self, list(filter, limit, offset))
    }

    /// Up to `limit` responses matching `filter` numbered below `before` (from the newest when
    /// none), newest first, after skipping `offset`; each with its number. Exports walk the
    /// table in such batches, so memory stays bounded however many there are.
    pub async fn list_before(
        &self,
        filter: &FeedbackFilter,
        before: Option<i64>,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<KeyedFeedback>, sqlx::Error> {
        on_reads!(self, list_before(filter, before, limit, offset))
    }

    /// How many responses match `filter`.
    pub async fn count(&self, filter: &FeedbackFilter) -> Result<i64, sqlx::Error> {
        on_reads!(self, count(filter))
    }

    /// Totals, each scale's distribution and the daily trend of the responses matching `filter`.
    pub async fn summary(&self, filter: &FeedbackFilter) -> Result<Summary, sqlx::Error> {
        on_reads!(self, summary(filter))
    }

    /// Unhappy responses (not spam): the ones not yet followed up first, oldest first, then up
    /// to 50 recently followed up.
    pub async fn follow_up(&self) -> Result<(Vec<StoredFeedback>, Vec<StoredFeedback>), sqlx::Error> {
        on_reads!(self, follow_up(self.unhappiness))
    }

    /// Records that the owner followed up on response `id`, with a private `note` if given;
    /// false if there is no such response.
    pub async fn mark_followed_up(&self, id: &str, at: &str, note: Option<&str>) -> Result<bool, sqlx::Error> {
        // Rare and small: it goes through the read pool and waits (busy_timeout) for the writer.
        on_reads!(self, mark_followed_up(id, at, note))
    }

    /// Records a new session under the hash of its id.
    pub async fn create_session(&self, id_hash: &str, token_fingerprint: &str, now: i64) -> Result<(), sqlx::Error> {
        on_reads!(self, create_session(id_hash, token_fingerprint, now))
    }

    /// The session stored under `id_hash`, if any.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        on_reads!(self, session(id_hash))
    }

    /// Records that the session was used at `now`.
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        on_reads!(self, touch_session(id_hash, now))
    }

    /// Ends one session.
    pub async fn end_session(&self, id_hash: &str) -> Result<(), sqlx::Error> {
        on_reads!(self, end_session(id_hash))
    }

    /// Ends every session; returns how many there were.
    pub async fn end_all_sessions(&self) -> Result<u64, sqlx::Error> {
        on_reads!(self, end_all_sessions())
    }

    /// Deletes sessions last used before `idle_before` or started before `created_before`.
    pub async fn prune_sessions(&self, idle_before: i64, created_before: i64) -> Result<(), sqlx::Error> {
        on_reads!(self, prune_sessions(idle_before, created_before))
    }

    /// The response stored under `id`.
    pub async fn feedback(&self, id: &str) -> Result<Option<StoredFeedback>, sqlx::Error> {
        on_reads!(self, feedback(id))
    }

    /// The responses stored under `ids` (those that are), in one query.
    pub async fn feedback_many(&self, ids: &[&str]) -> Result<Vec<StoredFeedback>, sqlx::Error> {
        on_reads!(self, feedback_many(ids))
    }

    /// Up to `limit` pending notifications due at `now`, oldest first. On PostgreSQL they are
    /// claimed for this collector for the claim lease, so another sharing the database skips them.
    pub async fn due_notifications(&self, now: i64, limit: u32) -> Result<Vec<NotificationRow>, sqlx::Error> {
        match &self.reads {
            Reads::Sqlite(pool) => sqlite::due_notifications(pool, now, limit).await,
            // Claimed rows wait their turn for a delivery slot within the lease: a smaller round
            // keeps the longest wait (rounds of slow channels) well inside the default lease.
            Reads::Postgres(pool) => postgres::claim_due_notifications(pool, now, limit.min(MAX_CLAIM), self.claim_lease).await,
        }
    }

    /// When the next pending notification is due (or its claim runs out), if any is pending.
    pub async fn next_notification_due(&self) -> Result<Option<i64>, sqlx::Error> {
        match &self.reads {
            Reads::Sqlite(pool) => sqlite::next_notification_due(pool).await,
            Reads::Postgres(pool) => postgres::next_notification_due(pool).await,
        }
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
            Ok(outcome) => outcome.map_err(WriteError::from),
            Err(_) => Err(WriteError::Closed),
        }
    }

    /// Puts a failed notification back in the queue, due at `now`; false if there is none such.
    pub async fn retry_notification(&self, id: i64, now: i64) -> Result<bool, sqlx::Error> {
        on_reads!(self, retry_notification(id, now))
    }

    /// Records a notification for `feedback_id` (or none) on `channel`, due at `now`.
    pub async fn queue_notification(&self, kind: &str, channel: &str, feedback_id: Option<&str>, now: i64) -> Result<i64, sqlx::Error> {
        on_reads!(self, queue_notification(kind, channel, feedback_id, now))
    }

    /// The notifications about response `feedback_id`, oldest first.
    pub async fn notifications_of(&self, feedback_id: &str) -> Result<Vec<NotificationRow>, sqlx::Error> {
        on_reads!(self, notifications_of(feedback_id))
    }

    /// Notifications that failed for good or are still being retried after an error, newest
    /// first (at most 200).
    pub async fn troubled_notifications(&self) -> Result<Vec<NotificationRow>, sqlx::Error> {
        on_reads!(self, troubled_notifications())
    }

    /// How many notifications are pending.
    pub async fn pending_notifications(&self) -> Result<i64, sqlx::Error> {
        on_reads!(self, pending_notifications())
    }

    /// Whether the digest of the period ending at `end` has been made.
    pub async fn digest_made(&self, end: i64) -> Result<bool, sqlx::Error> {
        on_reads!(self, digest_made(end))
    }

    /// Records the digest of `[start, end)` and, when it has a `body`, its notification on each
    /// of `channels`, in one transaction; its number, or none if another start (or another
    /// collector on the same database) made it first.
    pub async fn record_digest(&self, start: i64, end: i64, body: Option<&str>, channels: &[String], now: i64) -> Result<Option<i64>, sqlx::Error> {
        on_reads!(self, record_digest(start, end, body, channels, now))
    }

    /// The stored digest `id` as JSON, if it had anything to say.
    pub async fn digest_body(&self, id: i64) -> Result<Option<String>, sqlx::Error> {
        on_reads!(self, digest_body(id))
    }

    /// The tally of the responses received in `[from, to)` (RFC 3339 UTC), spam left out.
    pub async fn tally_between(&self, from: &str, to: &str) -> Result<Tally, sqlx::Error> {
        on_reads!(self, tally_between(from, to))
    }

    /// Up to `limit` unhappy responses not yet followed up, oldest first, and how many there are.
    pub async fn waiting_for_follow_up(&self, limit: u32) -> Result<(Vec<crate::digest::DigestItem>, i64), sqlx::Error> {
        on_reads!(self, waiting_for_follow_up(self.unhappiness, limit))
    }

    /// Up to `limit` of the newest responses with a comment received in `[from, to)`.
    pub async fn newest_comments_between(&self, from: &str, to: &str, limit: u32) -> Result<Vec<crate::digest::DigestItem>, sqlx::Error> {
        on_reads!(self, newest_comments_between(from, to, limit))
    }

    /// Records the owner's reply to response `feedback_id` and the notification that sends it,
    /// and marks the response followed up, in one transaction; the reply's number.
    pub async fn queue_reply(&self, feedback_id: &str, body: &str, message_id: &str, now: i64, now_rfc3339: &str) -> Result<i64, sqlx::Error> {
        on_reads!(self, queue_reply(feedback_id, body, message_id, now, now_rfc3339))
    }

    /// Reply `id`, and the Message-IDs of the replies to the same response before it (oldest
    /// first), for threading.
    pub async fn reply_with_thread(&self, id: i64) -> Result<Option<(ReplyRow, Vec<String>)>, sqlx::Error> {
        on_reads!(self, reply_with_thread(id))
    }

    /// The owner's replies to response `feedback_id`, oldest first.
    pub async fn replies_of(&self, feedback_id: &str) -> Result<Vec<ReplyRow>, sqlx::Error> {
        on_reads!(self, replies_of(feedback_id))
    }

    /// Deletes up to `limit` of the responses received before `before` (RFC 3339 UTC), oldest
    /// first, with their metadata, replies and notifications, in one transaction.
    pub async fn delete_received_before(&self, before: &str, limit: u32) -> Result<Deleted, sqlx::Error> {
        on_reads!(self, delete_received_before(before, limit))
    }

    /// What [`Store::forget_address`] would delete for `address`.
    pub async fn count_address(&self, address: &str) -> Result<Deleted, sqlx::Error> {
        on_reads!(self, count_address(address))
    }

    /// Deletes every response left by `address` (typed, or the signed-in visitor's; in any
    /// case) with their metadata, replies and notifications, and replaces the address in the
    /// digests that quoted it, in one transaction.
    pub async fn forget_address(&self, address: &str) -> Result<Deleted, sqlx::Error> {
        on_reads!(self, forget_address(address))
    }
}

/// What deleting responses (by retention or erasure) deleted, or would delete.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    /// Responses.
    pub responses: u64,
    /// Their metadata entries.
    pub metadata: u64,
    /// The owner's replies to them.
    pub replies: u64,
    /// Notifications about them or their replies.
    pub notifications: u64,
    /// Digests that quoted the address, which is replaced there (erasure only).
    pub digests: u64,
}

impl Deleted {
    /// Logs the counts as one line headed `event`; never what was deleted.
    pub fn log(&self, event: &str) {
        tracing::info!(
            responses = self.responses,
            metadata = self.metadata,
            replies = self.replies,
            notifications = self.notifications,
            digests = self.digests,
            "{event}"
        );
    }
}

impl std::ops::AddAssign for Deleted {
    fn add_assign(&mut self, other: Self) {
        self.responses += other.responses;
        self.metadata += other.metadata;
        self.replies += other.replies;
        self.notifications += other.notifications;
        self.digests += other.digests;
    }
}

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

/// A stored response with its number (`seq`), which orders responses as they were stored and
/// never changes: what a cursor points at.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyedFeedback {
    /// The response's number.
    pub seq: i64,
    /// The response.
    #[sqlx(flatten)]
    pub feedback: StoredFeedback,
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

/// Largest power of two not above `remaining`, capped at [`MAX_CHUNK`].
fn chunk_size(remaining: usize) -> usize {
    let mut size = MAX_CHUNK;
    while size > remaining {
        size /= 2;
    }
    size
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
