//! Every query both stores run, written once against `super::Db`.
//!
//! This file is compiled twice, as `sqlite::sql` and `postgres::sql`, each time with its parent's
//! `Db` (`sqlx::Sqlite` or `sqlx::Postgres`) and the few pieces of SQL the two write differently.
//! The SQL here is the common dialect of both: `$n` parameters (SQLite reads them too), `seq` for
//! the order responses were stored in, booleans tested as `spam` / `NOT spam`, and averages cast
//! to `DOUBLE PRECISION` (a REAL in SQLite, a float8 in PostgreSQL rather than a numeric).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Database, Pool, QueryBuilder, Row, Transaction};

use super::{Db, WriteTarget};
use crate::filter::{FeedbackFilter, SpamFilter};
use crate::rating::{FIVE_POINT_SQL, Unhappiness};
use crate::store::{
    AlertPlan, COLUMNS, DayPoint, Deleted, DeliveryRecord, DeliveryRound, Failure, KeyedFeedback, MAX_BATCH, MAX_CHUNK, MAX_CONFLICT_RETRIES, MAX_IDS, Metadata,
    NOTIFICATION_COLUMNS, NewFeedback, NotificationRow, Queue, ReplyRow, SessionRow, Stored, StoredFeedback, Summary, Tally, Write, chunk_size,
};

type Conn = <Db as Database>::Connection;

/// Whether the database answers.
pub async fn ping(pool: &Pool<Db>) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(drop)
}

/// Number of stored responses, spam included.
pub async fn count_all(pool: &Pool<Db>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM feedback").fetch_one(pool).await
}

/// How many notifications are sent, pending and failed.
pub async fn notification_tally(pool: &Pool<Db>) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE status = 'sent'), COUNT(*) FILTER (WHERE status = 'pending'), \
         COUNT(*) FILTER (WHERE status = 'failed') FROM notification",
    )
    .fetch_one(pool)
    .await
}

/// A page of the responses matching `filter`, newest first: `limit` of them after skipping `offset`.
pub async fn list(pool: &Pool<Db>, filter: &FeedbackFilter, limit: u32, offset: u64) -> Result<Vec<StoredFeedback>, sqlx::Error> {
    let mut query = QueryBuilder::new(format!("SELECT {COLUMNS} FROM feedback"));
    push_conditions(&mut query, filter, " WHERE ");
    query.push(" ORDER BY seq DESC");
    push_limit(&mut query, limit, offset);
    query.build_query_as().fetch_all(pool).await
}

/// Up to `limit` responses matching `filter` numbered below `before` (from the newest when
/// none), newest first, after skipping `offset`; each with its number, for the next cursor.
///
/// The primary key bounds the walk, so a batch reads only its own rows however far it has got.
pub async fn list_before(
    pool: &Pool<Db>,
    filter: &FeedbackFilter,
    before: Option<i64>,
    limit: u32,
    offset: u64,
) -> Result<Vec<KeyedFeedback>, sqlx::Error> {
    list_before_query(filter, before, limit, offset).build_query_as().fetch_all(pool).await
}

/// [`list_before`]'s query.
pub fn list_before_query(filter: &FeedbackFilter, before: Option<i64>, limit: u32, offset: u64) -> QueryBuilder<'static, Db> {
    let mut query = QueryBuilder::new(format!("SELECT seq, {COLUMNS} FROM feedback WHERE seq < "));
    query.push_bind(before.unwrap_or(i64::MAX));
    push_conditions(&mut query, filter, " AND ");
    query.push(" ORDER BY seq DESC");
    push_limit(&mut query, limit, offset);
    query
}

fn push_limit(query: &mut QueryBuilder<'_, Db>, limit: u32, offset: u64) {
    query.push(" LIMIT ").push_bind(i64::from(limit));
    query.push(" OFFSET ").push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
}

/// How many responses match `filter`.
pub async fn count(pool: &Pool<Db>, filter: &FeedbackFilter) -> Result<i64, sqlx::Error> {
    let mut query = QueryBuilder::new("SELECT COUNT(*) FROM feedback");
    push_conditions(&mut query, filter, " WHERE ");
    query.build_query_scalar().fetch_one(pool).await
}

/// The start of a tally's query, before its conditions: `(scale, rating, count)` rows.
const TALLY_SELECT: &str = "SELECT scale, rating, COUNT(*) FROM feedback";

/// Totals, each scale's distribution and the daily trend of the responses matching `filter`.
pub async fn summary(pool: &Pool<Db>, filter: &FeedbackFilter) -> Result<Summary, sqlx::Error> {
    let mut query = QueryBuilder::new(TALLY_SELECT);
    push_conditions(&mut query, filter, " WHERE ");
    let tally = tally(pool, query).await?;
    // Only five-point ratings have a mean worth drawing; NPS and thumbs have their own figures.
    let mut query = QueryBuilder::new(format!(
        "SELECT substr(received_at, 1, 10) AS day, AVG(CAST(rating AS DOUBLE PRECISION)), COUNT(*) FROM feedback WHERE scale IN {FIVE_POINT_SQL}"
    ));
    push_conditions(&mut query, filter, " AND ");
    query.push(" GROUP BY day ORDER BY day DESC LIMIT 90");
    let mut trend = Vec::new();
    for row in query.build().fetch_all(pool).await? {
        trend.push(DayPoint { day: row.try_get(0)?, average: row.try_get(1)?, count: row.try_get(2)? });
    }
    trend.reverse();
    Ok(Summary { tally, trend })
}

/// Tallies the responses `query` (a [`TALLY_SELECT`] with its conditions) keeps.
async fn tally(pool: &Pool<Db>, mut query: QueryBuilder<'_, Db>) -> Result<Tally, sqlx::Error> {
    query.push(" GROUP BY scale, rating");
    let rows: Vec<(String, i64, i64)> = query.build_query_as().fetch_all(pool).await?;
    Ok(Tally::from_rows(rows))
}

/// The tally of the responses received in `[from, to)` (RFC 3339 UTC), spam left out.
pub async fn tally_between(pool: &Pool<Db>, from: &str, to: &str) -> Result<Tally, sqlx::Error> {
    let mut query = QueryBuilder::new(TALLY_SELECT);
    query.push(" WHERE NOT spam AND received_at >= ").push_bind(from.to_owned());
    query.push(" AND received_at < ").push_bind(to.to_owned());
    tally(pool, query).await
}

/// Unhappy responses (not spam): the ones not yet followed up first, oldest first, then up to
/// 50 recently followed up.
pub async fn follow_up(pool: &Pool<Db>, unhappiness: Unhappiness) -> Result<(Vec<StoredFeedback>, Vec<StoredFeedback>), sqlx::Error> {
    let unhappy = unhappiness.sql();
    let pending =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM feedback WHERE {unhappy} AND NOT spam AND followed_up_at IS NULL ORDER BY seq"))
            .fetch_all(pool)
            .await?;
    let done = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM feedback WHERE {unhappy} AND NOT spam AND followed_up_at IS NOT NULL ORDER BY followed_up_at DESC LIMIT 50"
    ))
    .fetch_all(pool)
    .await?;
    Ok((pending, done))
}

/// Records that the owner followed up on response `id`; false if there is no such response.
pub async fn mark_followed_up(pool: &Pool<Db>, id: &str, at: &str, note: Option<&str>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE feedback SET followed_up_at = COALESCE(followed_up_at, $1), follow_up_note = COALESCE($2, follow_up_note) WHERE id = $3",
    )
    .bind(at)
    .bind(note)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records a new session under the hash of its id.
pub async fn create_session(pool: &Pool<Db>, id_hash: &str, token_fingerprint: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO session (id_hash, token_fingerprint, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(id_hash)
        .bind(token_fingerprint)
        .bind(now)
        .execute(pool)
        .await
        .map(drop)
}

/// The session stored under `id_hash`, if any.
pub async fn session(pool: &Pool<Db>, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as("SELECT token_fingerprint, created_at, last_seen_at FROM session WHERE id_hash = $1").bind(id_hash).fetch_optional(pool).await
}

/// Records that the session was used at `now`.
pub async fn touch_session(pool: &Pool<Db>, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE session SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(pool).await.map(drop)
}

/// Ends one session.
pub async fn end_session(pool: &Pool<Db>, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM session WHERE id_hash = $1").bind(id_hash).execute(pool).await.map(drop)
}

/// Ends every session; returns how many there were.
pub async fn end_all_sessions(pool: &Pool<Db>) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM session").execute(pool).await?.rows_affected())
}

/// Deletes sessions last used before `idle_before` or started before `created_before`.
pub async fn prune_sessions(pool: &Pool<Db>, idle_before: i64, created_before: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM session WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(pool)
        .await
        .map(drop)
}

/// The response stored under `id`.
pub async fn feedback(pool: &Pool<Db>, id: &str) -> Result<Option<StoredFeedback>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM feedback WHERE id = $1")).bind(id).fetch_optional(pool).await
}

/// The responses stored under `ids` (those that are), a query per [`MAX_IDS`].
pub async fn feedback_many(pool: &Pool<Db>, ids: &[&str]) -> Result<Vec<StoredFeedback>, sqlx::Error> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_IDS) {
        let mut query = QueryBuilder::<Db>::new(format!("SELECT {COLUMNS} FROM feedback WHERE id IN ("));
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        found.extend(query.build_query_as::<StoredFeedback>().fetch_all(pool).await?);
    }
    Ok(found)
}

/// Puts a failed notification back in the queue, due at `now`; false if there is none such.
pub async fn retry_notification(pool: &Pool<Db>, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notification SET status = 'pending', next_try_at = $1, claimed_until = NULL WHERE id = $2 AND status = 'failed'",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records a notification for `feedback_id` (or none) on `channel`, due at `now`.
pub async fn queue_notification(pool: &Pool<Db>, kind: &str, channel: &str, feedback_id: Option<&str>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO notification (kind, channel, feedback_id, feedback_seq, created_at, next_try_at) \
         VALUES ($1, $2, $3, (SELECT seq FROM feedback WHERE id = $3), $4, $4) RETURNING id",
    )
    .bind(kind)
    .bind(channel)
    .bind(feedback_id)
    .bind(now)
    .fetch_one(pool)
    .await
}

/// The notifications about response `feedback_id`, oldest first.
pub async fn notifications_of(pool: &Pool<Db>, feedback_id: &str) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE feedback_seq = (SELECT seq FROM feedback WHERE id = $1) ORDER BY id"
    ))
    .bind(feedback_id)
    .fetch_all(pool)
    .await
}

/// The Notifications page's query; its condition is the `notification_troubled` index's, word for
/// word, so the database reads that index only.
pub fn troubled_query() -> String {
    format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notification WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL) \
         ORDER BY id DESC LIMIT 200"
    )
}

/// Notifications that failed for good or are still being retried after an error, newest first.
pub async fn troubled_notifications(pool: &Pool<Db>) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&troubled_query()).fetch_all(pool).await
}

/// How many notifications are pending.
pub async fn pending_notifications(pool: &Pool<Db>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notification WHERE status = 'pending'").fetch_one(pool).await
}

/// Whether the digest of the period ending at `end` has been made.
pub async fn digest_made(pool: &Pool<Db>, end: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM digest WHERE period_end = $1)").bind(end).fetch_one(pool).await
}

/// Records the digest of `[start, end)` and, when it has a `body`, its notification on each of
/// `channels`, in one transaction; its number, or none if another start (or another collector)
/// made it first.
pub async fn record_digest(pool: &Pool<Db>, start: i64, end: i64, body: Option<&str>, channels: &[String], now: i64) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO digest (period_start, period_end, body, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (period_end) DO NOTHING RETURNING id",
    )
    .bind(start)
    .bind(end)
    .bind(body)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if let (Some(id), Some(_)) = (id, body) {
        for channel in channels {
            sqlx::query("INSERT INTO notification (kind, channel, digest_id, created_at, next_try_at) VALUES ('digest', $1, $2, $3, $3)")
                .bind(channel)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// The stored digest `id` as JSON, if it had anything to say.
pub async fn digest_body(pool: &Pool<Db>, id: i64) -> Result<Option<String>, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, Option<String>>("SELECT body FROM digest WHERE id = $1").bind(id).fetch_optional(pool).await?.flatten())
}

/// A digest item's columns; its address is the one typed, else the signed-in visitor's.
const DIGEST_ITEM_COLUMNS: &str = "id, scale, rating, comment, COALESCE(NULLIF(email, ''), user_email) AS email, received_at";

/// Up to `limit` unhappy responses not yet followed up, oldest first, and how many there are.
pub async fn waiting_for_follow_up(
    pool: &Pool<Db>,
    unhappiness: Unhappiness,
    limit: u32,
) -> Result<(Vec<crate::digest::DigestItem>, i64), sqlx::Error> {
    let waiting = format!("FROM feedback WHERE {} AND NOT spam AND followed_up_at IS NULL", unhappiness.sql());
    let items =
        sqlx::query_as(&format!("SELECT {DIGEST_ITEM_COLUMNS} {waiting} ORDER BY seq LIMIT $1")).bind(i64::from(limit)).fetch_all(pool).await?;
    let total = sqlx::query_scalar(&format!("SELECT COUNT(*) {waiting}")).fetch_one(pool).await?;
    Ok((items, total))
}

/// Up to `limit` of the newest responses with a comment received in `[from, to)`.
pub async fn newest_comments_between(pool: &Pool<Db>, from: &str, to: &str, limit: u32) -> Result<Vec<crate::digest::DigestItem>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {DIGEST_ITEM_COLUMNS} FROM feedback \
         WHERE NOT spam AND comment <> '' AND received_at >= $1 AND received_at < $2 ORDER BY seq DESC LIMIT $3"
    ))
    .bind(from)
    .bind(to)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
}

/// Records the owner's reply to response `feedback_id` and the notification that sends it, and
/// marks the response followed up, in one transaction; the reply's number.
pub async fn queue_reply(pool: &Pool<Db>, feedback_id: &str, body: &str, message_id: &str, now: i64, now_rfc3339: &str) -> Result<i64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let reply: i64 = sqlx::query_scalar("INSERT INTO reply (feedback_id, body, message_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(feedback_id)
        .bind(body)
        .bind(message_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO notification (kind, channel, feedback_id, feedback_seq, reply_id, created_at, next_try_at) \
         VALUES ('reply', 'email', $1, (SELECT seq FROM feedback WHERE id = $1), $2, $3, $3)",
    )
    .bind(feedback_id)
    .bind(reply)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE feedback SET followed_up_at = COALESCE(followed_up_at, $1) WHERE id = $2")
        .bind(now_rfc3339)
        .bind(feedback_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(reply)
}

const REPLY_SELECT: &str = "SELECT r.id, r.feedback_id, r.body, r.message_id, r.created_at, COALESCE(n.status, 'pending') AS status, \
    n.sent_at, n.last_error FROM reply r LEFT JOIN notification n ON n.reply_id = r.id";

/// Reply `id`, and the Message-IDs of the replies to the same response before it (oldest first).
pub async fn reply_with_thread(pool: &Pool<Db>, id: i64) -> Result<Option<(ReplyRow, Vec<String>)>, sqlx::Error> {
    let reply: Option<ReplyRow> = sqlx::query_as(&format!("{REPLY_SELECT} WHERE r.id = $1")).bind(id).fetch_optional(pool).await?;
    let Some(reply) = reply else { return Ok(None) };
    let earlier = sqlx::query_scalar("SELECT message_id FROM reply WHERE feedback_id = $1 AND id < $2 ORDER BY id")
        .bind(&reply.feedback_id)
        .bind(id)
        .fetch_all(pool)
        .await?;
    Ok(Some((reply, earlier)))
}

/// The owner's replies to response `feedback_id`, oldest first.
pub async fn replies_of(pool: &Pool<Db>, feedback_id: &str) -> Result<Vec<ReplyRow>, sqlx::Error> {
    sqlx::query_as(&format!("{REPLY_SELECT} WHERE r.feedback_id = $1 ORDER BY r.id")).bind(feedback_id).fetch_all(pool).await
}

/// The filter's conditions, the first one after `first` (`" WHERE "`, or `" AND "` after a
/// condition of the query's own).
pub fn push_conditions(query: &mut QueryBuilder<'_, Db>, filter: &FeedbackFilter, first: &'static str) {
    let mut clause = first;
    let mut and = |query: &mut QueryBuilder<'_, Db>| {
        query.push(clause);
        clause = " AND ";
    };
    match filter.spam {
        SpamFilter::Hide => {
            and(query);
            query.push("NOT spam");
        }
        SpamFilter::Only => {
            and(query);
            query.push("spam");
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
        let find = super::FIND;
        query.push(format!("({find}(lower(comment), ")).push_bind(needle.clone());
        query.push(format!(") > 0 OR {find}(lower(COALESCE(email, '')), ")).push_bind(needle.clone());
        query.push(format!(") > 0 OR {find}(lower(page_url), ")).push_bind(needle);
        query.push(") > 0)");
    }
}

/// Writes how deliveries went, inside the writer's transaction, and lets go of their claims.
/// The sent, the common case by far, are marked in one statement per chunk of ids.
async fn write_deliveries(tx: &mut Conn, rounds: &[DeliveryRound]) -> Result<(), sqlx::Error> {
    for (results, now, _) in rounds {
        let sent: Vec<i64> = results.iter().filter(|(_, record)| matches!(record, DeliveryRecord::Sent)).map(|(id, _)| *id).collect();
        for chunk in sent.chunks(MAX_IDS) {
            let mut query = QueryBuilder::<Db>::new(
                "UPDATE notification SET status = 'sent', attempts = attempts + 1, last_error = NULL, claimed_until = NULL, sent_at = ",
            );
            query.push_bind(*now).push(" WHERE id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(")");
            query.build().execute(&mut *tx).await?;
        }
        for (id, record) in results {
            let query = match record {
                DeliveryRecord::Sent => continue,
                DeliveryRecord::Retry { next_try_at, error } => sqlx::query(
                    "UPDATE notification SET attempts = attempts + 1, next_try_at = $1, last_error = $2, claimed_until = NULL WHERE id = $3",
                )
                .bind(*next_try_at)
                .bind(error)
                .bind(*id),
                DeliveryRecord::Failed { error } => sqlx::query(
                    "UPDATE notification SET status = 'failed', attempts = attempts + 1, last_error = $1, claimed_until = NULL WHERE id = $2",
                )
                .bind(error)
                .bind(*id),
            };
            query.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

/// Writes one transaction: the new responses, their metadata and the alerts they owe, and how a
/// round of deliveries went. The outcome of each row in order, and whether any alert was recorded.
pub async fn write_batch(
    target: &mut WriteTarget,
    batch: &[&NewFeedback],
    deliveries: &[DeliveryRound],
    plan: &AlertPlan,
) -> Result<(Vec<Stored>, bool), sqlx::Error> {
    // A retry can arrive while its first attempt is still queued: only the first copy is inserted.
    let mut seen = HashSet::with_capacity(batch.len());
    let mut firsts: Vec<&NewFeedback> = batch.iter().copied().filter(|row| seen.insert(row.feedback.id.as_str())).collect();
    // Inserted in the order of their ids, so that two collectors writing the same ids at once
    // (a retry through a load balancer) take the ids' locks in the same order and never deadlock.
    firsts.sort_unstable_by(|a, b| a.feedback.id.cmp(&b.feedback.id));
    // The ids stored by this batch, with the numbers they were given.
    let mut created = HashMap::with_capacity(firsts.len());
    let mut tx: Transaction<'_, Db> = super::begin(target).await?;
    let mut rest = firsts.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_size(rest.len()));
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
        let mut query = QueryBuilder::<Db>::new("INSERT INTO feedback_metadata (feedback_seq, key, value) ");
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
        let mut query = QueryBuilder::<Db>::new("INSERT INTO notification (kind, channel, feedback_id, feedback_seq, created_at, next_try_at) ");
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
        .map(|row| {
            let id = row.feedback.id.as_str();
            if created.contains_key(id) && answered.insert(id) { Stored::Created } else { Stored::Repeat }
        })
        .collect();
    Ok((stored, !alerting.is_empty()))
}

fn insert_rows<'a>(rows: &[&'a NewFeedback]) -> QueryBuilder<'a, Db> {
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

/// Writes whatever has queued up, a transaction per batch, answering each writer after the
/// commit, until every store handle is dropped.
pub async fn write_loop(mut target: WriteTarget, queue: Queue, plan: AlertPlan, counted: Arc<AtomicU64>, metrics: Arc<crate::metrics::WriterMetrics>) {
    let mut writes = Vec::with_capacity(MAX_BATCH);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut deliveries = Vec::new();
    // With several writers on one queue, one waits for rows while another writes its batch.
    while queue.lock().await.recv_many(&mut writes, MAX_BATCH).await > 0 {
        for write in writes.drain(..) {
            match write {
                Write::Feedback(row, reply) => batch.push((*row, reply)),
                Write::Deliveries(results, now, reply) => deliveries.push((results, now, reply)),
            }
        }
        let rows: Vec<&NewFeedback> = batch.iter().map(|(row, _)| row).collect();
        let started = std::time::Instant::now();
        let mut outcome = write_batch(&mut target, &rows, &deliveries, &plan).await;
        // A transaction another collector's got in the way of is simply written again.
        for _ in 0..MAX_CONFLICT_RETRIES {
            match &outcome {
                Err(e) if crate::store::conflicted(e) => outcome = write_batch(&mut target, &rows, &deliveries, &plan).await,
                _ => break,
            }
        }
        drop(rows);
        match outcome {
            Ok((stored, alerted)) => {
                metrics.committed(batch.len(), started.elapsed());
                for ((row, _), _) in batch.iter().zip(&stored).filter(|(_, s)| matches!(s, Stored::Created)) {
                    metrics.stored(row.feedback.scale.name(), i64::from(row.feedback.rating));
                }
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
                let failure = Failure { message: e.to_string(), unavailable: crate::store::is_unavailable(&e) };
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(failure.clone()));
                }
                for (_, _, reply) in deliveries.drain(..) {
                    let _ = reply.send(Err(failure.clone()));
                }
            }
        }
    }
    super::close(target).await;
}

// Deleting responses with everything that depends on them: retention and erasure.

/// Deletes the responses `rows` (number, id) with their metadata, the replies to them and the
/// notifications about them or their replies, inside `tx`, a statement per [`MAX_IDS`].
async fn delete_responses(tx: &mut Conn, rows: &[(i64, String)]) -> Result<Deleted, sqlx::Error> {
    let mut deleted = Deleted::default();
    for chunk in rows.chunks(MAX_IDS) {
        let seqs = || {
            let mut list = String::new();
            for (i, (seq, _)) in chunk.iter().enumerate() {
                // Numbers from the database itself, written as numbers.
                list.push_str(if i == 0 { "" } else { ", " });
                list.push_str(&seq.to_string());
            }
            list
        };
        let ids = |query: &mut QueryBuilder<'_, Db>| {
            let mut list = query.separated(", ");
            for (_, id) in chunk {
                list.push_bind(id.clone());
            }
        };
        let mut query = QueryBuilder::<Db>::new("DELETE FROM notification WHERE reply_id IN (SELECT id FROM reply WHERE feedback_id IN (");
        ids(&mut query);
        query.push("))");
        deleted.notifications += query.build().execute(&mut *tx).await?.rows_affected();
        let sql = format!("DELETE FROM notification WHERE feedback_seq IN ({})", seqs());
        deleted.notifications += sqlx::query(&sql).execute(&mut *tx).await?.rows_affected();
        let mut query = QueryBuilder::<Db>::new("DELETE FROM reply WHERE feedback_id IN (");
        ids(&mut query);
        query.push(")");
        deleted.replies += query.build().execute(&mut *tx).await?.rows_affected();
        let sql = format!("DELETE FROM feedback_metadata WHERE feedback_seq IN ({})", seqs());
        deleted.metadata += sqlx::query(&sql).execute(&mut *tx).await?.rows_affected();
        let sql = format!("DELETE FROM feedback WHERE seq IN ({})", seqs());
        deleted.responses += sqlx::query(&sql).execute(&mut *tx).await?.rows_affected();
    }
    Ok(deleted)
}

/// Deletes up to `limit` of the responses received before `before` (RFC 3339 UTC), oldest
/// first, with everything depending on them, in one transaction.
pub async fn delete_received_before(pool: &Pool<Db>, before: &str, limit: u32) -> Result<Deleted, sqlx::Error> {
    let mut tx = super::begin_writing(pool).await?;
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT seq, id FROM feedback WHERE received_at < $1 ORDER BY received_at LIMIT $2")
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
    let deleted = delete_responses(&mut tx, &rows).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// The condition on a response left by the address `$1` (lowercased in ASCII), typed or the
/// signed-in visitor's.
const ADDRESS_MATCHES: &str = "(lower(email) = $1 OR lower(user_email) = $1)";

/// What deleting the responses left by `address` would delete.
pub async fn count_address(pool: &Pool<Db>, address: &str) -> Result<Deleted, sqlx::Error> {
    let of = format!("FROM feedback WHERE {ADDRESS_MATCHES}");
    let (responses, metadata, replies, notifications): (i64, i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT COUNT(*) {of}), \
           (SELECT COUNT(*) FROM feedback_metadata WHERE feedback_seq IN (SELECT seq {of})), \
           (SELECT COUNT(*) FROM reply WHERE feedback_id IN (SELECT id {of})), \
           (SELECT COUNT(*) FROM notification WHERE feedback_seq IN (SELECT seq {of}) \
              OR reply_id IN (SELECT r.id FROM reply r WHERE r.feedback_id IN (SELECT id {of})))"
    ))
    .bind(address.to_ascii_lowercase())
    .fetch_one(pool)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Deleted { responses: count(responses), metadata: count(metadata), replies: count(replies), notifications: count(notifications), digests: 0 })
}

/// Deletes every response left by `address` (typed or the signed-in visitor's, in any case)
/// with everything depending on them, and replaces the address in the digests that quoted it,
/// in one transaction.
pub async fn forget_address(pool: &Pool<Db>, address: &str) -> Result<Deleted, sqlx::Error> {
    let lowered = address.to_ascii_lowercase();
    let mut tx = super::begin_writing(pool).await?;
    let found: Vec<(i64, String, Option<String>, Option<String>)> =
        sqlx::query_as(&format!("SELECT seq, id, email, user_email FROM feedback WHERE {ADDRESS_MATCHES}")).bind(&lowered).fetch_all(&mut *tx).await?;
    let rows: Vec<(i64, String)> = found.iter().map(|(seq, id, _, _)| (*seq, id.clone())).collect();
    let mut deleted = delete_responses(&mut tx, &rows).await?;
    // The address as each response spelled it, as a digest's JSON holds it.
    let spellings: HashSet<String> = found
        .into_iter()
        .flat_map(|(_, _, email, user_email)| [email, user_email])
        .flatten()
        .filter(|spelled| spelled.to_ascii_lowercase() == lowered)
        .filter_map(|spelled| serde_json::to_string(&spelled).ok().map(|json| json.trim_matches('"').to_owned()))
        .collect();
    let find = super::FIND;
    for spelled in spellings {
        let done = sqlx::query(&format!("UPDATE digest SET body = replace(body, $1, '[erased]') WHERE {find}(body, $1) > 0"))
            .bind(spelled)
            .execute(&mut *tx)
            .await?;
        deleted.digests += done.rows_affected();
    }
    tx.commit().await?;
    Ok(deleted)
}
