//! `migrate-sqlite-to-postgres`: copies a SQLite store into a PostgreSQL database, keeping every
//! number (responses', replies', digests', notifications'), so that the links between them and
//! the dashboard's order survive, and so that running it again finds everything already there.
//!
//! Dashboard sessions are not copied: owners log in again.

use std::collections::HashMap;
use std::path::Path;

use sqlx::query_builder::Separated;
use sqlx::{PgPool, Postgres, QueryBuilder, SqlitePool};

/// Rows read and written at a time; far below PostgreSQL's 65,535 parameters per statement.
const CHUNK: i64 = 500;

/// What a copy did, per table: rows read from SQLite and rows newly written to PostgreSQL.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Copied {
    /// `(table, read, written)`, in the order copied.
    pub tables: Vec<(&'static str, u64, u64)>,
}

impl std::fmt::Display for Copied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, read, written) in &self.tables {
            writeln!(f, "{table}: {read} in SQLite, {written} copied, {} already there", read - written)?;
        }
        Ok(())
    }
}

/// Why a copy stopped.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// Either database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The PostgreSQL database holds a different row under a number the SQLite one uses.
    #[error(
        "{table} number {number} in PostgreSQL is not the one in SQLite (it holds {found}, SQLite {expected}): \
         the target already has data of its own; copy into an empty database"
    )]
    Taken {
        /// The table.
        table: &'static str,
        /// The number both use.
        number: i64,
        /// What identifies the target's row.
        found: String,
        /// What identifies the source's row.
        expected: String,
    },
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    seq: i64,
    id: String,
    received_at: String,
    origin: Option<String>,
    schema_version: i64,
    rating: i64,
    scale: String,
    comment: String,
    email: Option<String>,
    user_id: Option<String>,
    user_email: Option<String>,
    user_name: Option<String>,
    metadata: Option<String>,
    page_url: String,
    page_title: String,
    page_referrer: String,
    locale: String,
    user_agent: String,
    viewport_width: i64,
    viewport_height: i64,
    created_at: String,
    widget_version: String,
    honeypot: String,
    spam: bool,
    followed_up_at: Option<String>,
    clock_skewed: bool,
    follow_up_note: Option<String>,
}

const FEEDBACK_COLUMNS: &str = "seq, id, received_at, origin, schema_version, rating, scale, comment, email, user_id, user_email, \
    user_name, metadata, page_url, page_title, page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, \
    widget_version, honeypot, spam, followed_up_at, clock_skewed, follow_up_note";

#[derive(sqlx::FromRow)]
struct ReplyRow {
    id: i64,
    feedback_id: String,
    body: String,
    message_id: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct DigestRow {
    id: i64,
    period_start: i64,
    period_end: i64,
    body: Option<String>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    kind: String,
    channel: String,
    feedback_id: Option<String>,
    feedback_seq: Option<i64>,
    reply_id: Option<i64>,
    digest_id: Option<i64>,
    status: String,
    attempts: i64,
    created_at: i64,
    next_try_at: i64,
    sent_at: Option<i64>,
    last_error: Option<String>,
}

/// Copies the SQLite database at `from` (brought up to date first, as the collector would)
/// into the PostgreSQL database at `to` (migrated first).
pub async fn sqlite_to_postgres(from: &Path, to: &str) -> Result<Copied, CopyError> {
    if !from.is_file() {
        return Err(CopyError::Database(sqlx::Error::Configuration(format!("{} is not a file", from.display()).into())));
    }
    let (source, writer, _) = super::sqlite::open(from).await?;
    drop(writer);
    let (target, _writer) = super::postgres::open(to, 1).await?;
    let mut copied = Copied::default();
    copied.tables.push(copy_feedback(&source, &target).await?);
    copied.tables.push(copy_replies(&source, &target).await?);
    copied.tables.push(copy_digests(&source, &target).await?);
    copied.tables.push(copy_notifications(&source, &target).await?);
    // New rows in PostgreSQL are numbered after the copied ones.
    for (table, column) in [("feedback", "seq"), ("reply", "id"), ("digest", "id"), ("notification", "id")] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), GREATEST((SELECT MAX({column}) FROM {table}), 1))"
        ))
        .execute(&target)
        .await?;
    }
    source.close().await;
    target.close().await;
    Ok(copied)
}

/// Responses with their metadata entries; a response already there keeps its own.
async fn copy_feedback(source: &SqlitePool, target: &PgPool) -> Result<(&'static str, u64, u64), CopyError> {
    let (mut read, mut written, mut after) = (0, 0, 0i64);
    loop {
        let rows: Vec<FeedbackRow> = sqlx::query_as(&format!("SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE seq > $1 ORDER BY seq LIMIT $2"))
            .bind(after)
            .bind(CHUNK)
            .fetch_all(source)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        read += rows.len() as u64;
        let mut tx = target.begin().await?;
        let mut insert = QueryBuilder::new(format!("INSERT INTO feedback ({FEEDBACK_COLUMNS}) "));
        insert.push_values(&rows, |mut b, r| {
            b.push_bind(r.seq)
                .push_bind(&r.id)
                .push_bind(&r.received_at)
                .push_bind(&r.origin)
                .push_bind(r.schema_version)
                .push_bind(r.rating)
                .push_bind(&r.scale)
                .push_bind(&r.comment)
                .push_bind(&r.email)
                .push_bind(&r.user_id)
                .push_bind(&r.user_email)
                .push_bind(&r.user_name)
                .push_bind(&r.metadata)
                .push_bind(&r.page_url)
                .push_bind(&r.page_title)
                .push_bind(&r.page_referrer)
                .push_bind(&r.locale)
                .push_bind(&r.user_agent)
                .push_bind(r.viewport_width)
                .push_bind(r.viewport_height)
                .push_bind(&r.created_at)
                .push_bind(&r.widget_version)
                .push_bind(&r.honeypot)
                .push_bind(r.spam)
                .push_bind(&r.followed_up_at)
                .push_bind(r.clock_skewed)
                .push_bind(&r.follow_up_note);
        });
        insert.push(" ON CONFLICT DO NOTHING RETURNING seq");
        let new: Vec<i64> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
        written += new.len() as u64;
        // The rows not written must be these very responses, copied before.
        let numbers: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        let there: HashMap<i64, String> =
            sqlx::query_as("SELECT seq, id FROM feedback WHERE seq = ANY($1)").bind(&numbers).fetch_all(&mut *tx).await?.into_iter().collect();
        for row in &rows {
            match there.get(&row.seq) {
                Some(id) if *id == row.id => {}
                found => {
                    return Err(CopyError::Taken {
                        table: "feedback",
                        number: row.seq,
                        found: found.map_or_else(|| "nothing (its id is under another number)".to_owned(), |id| format!("response {id}")),
                        expected: format!("response {}", row.id),
                    });
                }
            }
        }
        // Metadata entries of the responses written now only, so a second run adds none.
        if !new.is_empty() {
            let entries: Vec<(i64, String, String)> = {
                let mut query = QueryBuilder::new("SELECT feedback_seq, key, value FROM feedback_metadata WHERE feedback_seq IN (");
                let mut list = query.separated(", ");
                for seq in &new {
                    list.push_bind(*seq);
                }
                query.push(") ORDER BY rowid");
                query.build_query_as().fetch_all(source).await?
            };
            for chunk in entries.chunks(1000) {
                let mut insert = QueryBuilder::new("INSERT INTO feedback_metadata (feedback_seq, key, value) ");
                insert.push_values(chunk, |mut b, (seq, key, value)| {
                    b.push_bind(*seq).push_bind(key).push_bind(value);
                });
                insert.build().execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(("feedback", read, written))
}

/// One table copied in chunks by its number: `select` reads rows after `$1` (at most `$2`),
/// `insert` starts the statement `push` completes with one row's values, and `check` reads
/// back `(number, identity)` for the numbers in `$1`, which must be each row's `identity`.
struct Table<R> {
    name: &'static str,
    select: &'static str,
    insert: &'static str,
    check: &'static str,
    number: fn(&R) -> i64,
    identity: fn(&R) -> String,
    push: fn(&mut Separated<'_, 'static, Postgres, &'static str>, &R),
}

async fn copy_table<R>(source: &SqlitePool, target: &PgPool, table: Table<R>) -> Result<(&'static str, u64, u64), CopyError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let (mut read, mut written, mut after) = (0, 0, 0i64);
    loop {
        let rows: Vec<R> = sqlx::query_as(table.select).bind(after).bind(CHUNK).fetch_all(source).await?;
        let Some(last) = rows.last() else { break };
        after = (table.number)(last);
        read += rows.len() as u64;
        let mut insert = QueryBuilder::<Postgres>::new(table.insert);
        insert.push_values(&rows, |mut b, r| (table.push)(&mut b, r));
        insert.push(" ON CONFLICT DO NOTHING");
        written += insert.build().execute(target).await?.rows_affected();
        let expected = rows.iter().map(|r| ((table.number)(r), (table.identity)(r))).collect();
        check_same(target, table.name, table.check, expected).await?;
    }
    Ok((table.name, read, written))
}

async fn copy_replies(source: &SqlitePool, target: &PgPool) -> Result<(&'static str, u64, u64), CopyError> {
    copy_table(source, target, Table::<ReplyRow> {
        name: "reply",
        select: "SELECT id, feedback_id, body, message_id, created_at FROM reply WHERE id > $1 ORDER BY id LIMIT $2",
        insert: "INSERT INTO reply (id, feedback_id, body, message_id, created_at) ",
        check: "SELECT id, message_id FROM reply WHERE id = ANY($1)",
        number: |r| r.id,
        identity: |r| r.message_id.clone(),
        push: |b, r| {
            b.push_bind(r.id).push_bind(r.feedback_id.clone()).push_bind(r.body.clone()).push_bind(r.message_id.clone()).push_bind(r.created_at);
        },
    })
    .await
}

async fn copy_digests(source: &SqlitePool, target: &PgPool) -> Result<(&'static str, u64, u64), CopyError> {
    copy_table(source, target, Table::<DigestRow> {
        name: "digest",
        select: "SELECT id, period_start, period_end, body, created_at FROM digest WHERE id > $1 ORDER BY id LIMIT $2",
        insert: "INSERT INTO digest (id, period_start, period_end, body, created_at) ",
        check: "SELECT id, period_end::text FROM digest WHERE id = ANY($1)",
        number: |r| r.id,
        identity: |r| r.period_end.to_string(),
        push: |b, r| {
            b.push_bind(r.id).push_bind(r.period_start).push_bind(r.period_end).push_bind(r.body.clone()).push_bind(r.created_at);
        },
    })
    .await
}

async fn copy_notifications(source: &SqlitePool, target: &PgPool) -> Result<(&'static str, u64, u64), CopyError> {
    copy_table(source, target, Table::<NotificationRow> {
        name: "notification",
        select: "SELECT id, kind, channel, feedback_id, feedback_seq, reply_id, digest_id, status, attempts, created_at, next_try_at, \
                 sent_at, last_error FROM notification WHERE id > $1 ORDER BY id LIMIT $2",
        insert: "INSERT INTO notification (id, kind, channel, feedback_id, feedback_seq, reply_id, digest_id, status, attempts, \
                 created_at, next_try_at, sent_at, last_error) ",
        check: "SELECT id, kind || ' ' || channel || ' ' || created_at::text FROM notification WHERE id = ANY($1)",
        number: |r| r.id,
        identity: |r| format!("{} {} {}", r.kind, r.channel, r.created_at),
        push: |b, r| {
            b.push_bind(r.id)
                .push_bind(r.kind.clone())
                .push_bind(r.channel.clone())
                .push_bind(r.feedback_id.clone())
                .push_bind(r.feedback_seq)
                .push_bind(r.reply_id)
                .push_bind(r.digest_id)
                .push_bind(r.status.clone())
                .push_bind(r.attempts)
                .push_bind(r.created_at)
                .push_bind(r.next_try_at)
                .push_bind(r.sent_at)
                .push_bind(r.last_error.clone());
        },
    })
    .await
}

/// Fails unless `query` (`(number, identity)` rows for the numbers bound as `$1`) finds each
/// of `expected`'s numbers holding the same identity in the target.
async fn check_same(target: &PgPool, table: &'static str, query: &str, expected: Vec<(i64, String)>) -> Result<(), CopyError> {
    let numbers: Vec<i64> = expected.iter().map(|(n, _)| *n).collect();
    let there: HashMap<i64, String> = sqlx::query_as(query).bind(&numbers).fetch_all(target).await?.into_iter().collect();
    for (number, identity) in expected {
        match there.get(&number) {
            Some(found) if *found == identity => {}
            found => {
                return Err(CopyError::Taken {
                    table,
                    number,
                    found: found.cloned().unwrap_or_else(|| "nothing".to_owned()),
                    expected: identity,
                });
            }
        }
    }
    Ok(())
}
