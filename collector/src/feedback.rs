//! `/api/feedback`: visitors' posts coming in (validated, deduplicated, stored durably) and the
//! owner's listing going out: JSON pages (by number or cursor), or CSV and NDJSON streamed.

use std::borrow::Cow;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::{StreamExt, TryStreamExt};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use platinum_payload::{Feedback, MAX_BODY_BYTES, ReceivedFeedback};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::Bearer;
use crate::filter::{Cursor, FeedbackFilter, Format, Listing};
use crate::limit::limit_posts;
use crate::serve::is_body_timeout;
use crate::store::{KeyedFeedback, NewFeedback, Store, Stored, StoredFeedback};
use crate::{AppError, AppState};

/// How far in the future a visitor's clock may run before its `created_at` is flagged.
const CLOCK_AHEAD: Duration = Duration::from_secs(10 * 60);
/// How old a `created_at` may be: the widget's outbox keeps a response up to 7 days, plus a day.
const CLOCK_BEHIND: Duration = Duration::from_secs(8 * 86_400);

/// `POST /api/feedback` behind CORS and the rate limit, and `GET /api/feedback` behind the token.
pub fn router(state: &AppState) -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(state.allowed_origins.iter().cloned()))
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        // Not a CORS-safelisted header: without this a widget on another origin cannot read how
        // long a 429 or 503 asks it to wait.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(86_400));
    let mut posting = post(create);
    if let Some(limit) = state.post_limit.clone() {
        posting = posting.layer(from_fn_with_state(limit, limit_posts));
    }
    Router::new().route("/api/feedback", posting.layer(cors).get(list))
}

#[derive(Serialize)]
struct Accepted<'a> {
    id: &'a str,
    status: &'static str,
}

async fn create(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, AppError> {
    let origin = check_origin(&state, &headers)?;
    check_content_type(&headers)?;
    let bytes = read_body(&headers, body).await?;
    let mut feedback = parse(&bytes)?;
    feedback.drop_control_chars();
    feedback.validate().map_err(payload_error)?;
    // Retries must match whatever case the first attempt used.
    feedback.id.make_ascii_lowercase();
    let id = feedback.id.clone();
    let received = OffsetDateTime::now_utc();
    let clock_skewed = is_clock_skewed(&feedback.created_at, received);
    let received_at = crate::store::rfc3339_millis(received);
    let stored = state.store.insert(NewFeedback { feedback, received_at, origin, clock_skewed }).await?;
    let (status, word) = match stored {
        Stored::Created => (StatusCode::CREATED, "created"),
        Stored::Repeat => (StatusCode::OK, "already stored"),
    };
    Ok((status, Json(Accepted { id: &id, status: word })).into_response())
}

/// Whether a visitor's `created_at` is too far from the time it arrived to be believed: ahead of
/// it, or older than anything the widget still sends.
fn is_clock_skewed(created_at: &str, received: OffsetDateTime) -> bool {
    match OffsetDateTime::parse(created_at, &Rfc3339) {
        Ok(created) => created > received + CLOCK_AHEAD || created < received - CLOCK_BEHIND,
        // Validation let it through, so it is a calendar date the parser's range cannot hold.
        Err(_) => true,
    }
}

/// The post's origin if it may post: the collector's own pages, listed sites, and senders that
/// are not browsers (no `Origin` header).
fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else { return Ok(None) };
    let text = origin.to_str().map_err(|_| AppError::ForbiddenOrigin("(not text)".into()))?;
    let same_origin = crate::client::origin_names_host(text, headers.get(header::HOST).and_then(|h| h.to_str().ok()));
    let listed = state.allowed_origins.iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(origin.as_bytes()));
    if same_origin || listed { Ok(Some(text.to_owned())) } else { Err(AppError::ForbiddenOrigin(text.to_owned())) }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), AppError> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    // text/plain is a "simple" content type: senders that cannot set headers (sendBeacon, forms)
    // can still post, and the body is read as JSON all the same.
    match essence.as_deref() {
        Some("application/json" | "text/plain") => Ok(()),
        _ => Err(AppError::UnsupportedMediaType),
    }
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, AppError> {
    let too_large = AppError::TooLarge { limit: MAX_BODY_BYTES };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large);
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large),
        Err(e) if is_body_timeout(e.as_ref()) => Err(AppError::RequestTimeout),
        Err(e) => Err(AppError::invalid(None, format!("could not read the request body: {e}"))),
    }
}

/// A payload the shared rules refuse, as a 400 naming the member.
fn payload_error(e: platinum_payload::PayloadError) -> AppError {
    AppError::invalid(Some(e.field.to_string()), e.to_string())
}

/// Parses the payload in either schema version; a serde error names the JSON path it happened
/// at, and a `scale` in the other version's form is named with what it held.
fn parse(bytes: &[u8]) -> Result<Feedback, AppError> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let received: ReceivedFeedback = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| if path == "." { name.to_owned() } else { format!("{path}.{name}") })
            .or_else(|| (path != ".").then_some(path));
        let message = match &field {
            Some(field) if !message.starts_with("missing field") => format!("{field}: {message}"),
            _ => message,
        };
        AppError::invalid(field, message)
    })?;
    json.end().map_err(|e| AppError::invalid(None, e.to_string()))?;
    received.into_feedback().map_err(payload_error)
}

/// One page of `GET /api/feedback?format=json`.
#[derive(Serialize)]
struct Page {
    /// Responses matching the filter, on every page.
    total: i64,
    /// The page number asked for; none on a page reached by cursor.
    page: Option<u32>,
    per_page: u32,
    /// Where the next page starts (`cursor=`); none on the last page.
    next_cursor: Option<String>,
    items: Vec<StoredFeedback>,
}

/// Responses read from the database at a time while an export streams: what bounds its memory.
const EXPORT_BATCH: u32 = 1000;

async fn list(_: Bearer, State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let listing = Listing::parse(query.as_deref())?;
    if listing.format != Format::Json {
        return export(state.store, &listing).await;
    }
    let per_page = listing.paging.per_page;
    let (before, offset, page) = match listing.cursor {
        Some(cursor) => (Some(cursor.seq), 0, None),
        None => (None, listing.paging.offset(), Some(listing.paging.page)),
    };
    let total = state.store.count(&listing.filter).await?;
    // One more than the page holds tells whether another page follows.
    let mut rows = state.store.list_before(&listing.filter, before, per_page + 1, offset).await?;
    let more = rows.len() > per_page as usize;
    rows.truncate(per_page as usize);
    let next_cursor = rows.last().filter(|_| more).map(|last| Cursor { seq: last.seq }.encode());
    let items = rows.into_iter().map(|row| row.feedback).collect();
    Ok(Json(Page { total, page, per_page, next_cursor, items }).into_response())
}

/// Every response matching `listing`'s filter (older than its cursor, if it has one) as CSV or
/// NDJSON, newest first, read and sent [`EXPORT_BATCH`] at a time.
///
/// The first batch is read before answering, so a database that is away is still answered with
/// a status; a failure later can only cut the body short, and is logged.
pub async fn export(store: Store, listing: &Listing) -> Result<Response, AppError> {
    let format = listing.format;
    let filter = listing.filter.clone();
    let first = store.list_before(&filter, listing.cursor.map(|c| c.seq), EXPORT_BATCH, 0).await?;
    let mut chunk = match format {
        Format::Csv => csv_rows(Some(&CSV_HEADER), &[])?,
        _ => Vec::new(),
    };
    let walk = Walk { before: first.last().map(|row| row.seq), done: first.len() < EXPORT_BATCH as usize, store, filter };
    chunk.extend(encode(format, &first)?);
    let span = tracing::Span::current();
    let rest = futures_util::stream::try_unfold(walk, move |mut walk| async move {
        if walk.done {
            return Ok(None);
        }
        let rows = walk.store.list_before(&walk.filter, walk.before, EXPORT_BATCH, 0).await?;
        walk.done = rows.len() < EXPORT_BATCH as usize;
        walk.before = rows.last().map(|row| row.seq).or(walk.before);
        Ok(Some((Bytes::from(encode(format, &rows)?), walk)))
    })
    .map_err(move |e: AppError| {
        span.in_scope(|| tracing::error!(error = %e, "export cut short"));
        e
    });
    let body = Body::from_stream(futures_util::stream::once(async { Ok(Bytes::from(chunk)) }).chain(rest));
    let headers = match format {
        Format::Csv => [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"feedback.csv\"")),
        ],
        _ => [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"feedback.ndjson\"")),
        ],
    };
    Ok((headers, body).into_response())
}

/// How far an export has got.
struct Walk {
    store: Store,
    filter: FeedbackFilter,
    /// The number of the last response sent.
    before: Option<i64>,
    /// Whether the last batch was the end.
    done: bool,
}

/// A batch of rows in an export's format.
fn encode(format: Format, rows: &[KeyedFeedback]) -> Result<Vec<u8>, AppError> {
    if format == Format::Csv {
        return csv_rows(None, rows);
    }
    let mut out = Vec::with_capacity(rows.len() * 512);
    for row in rows {
        serde_json::to_writer(&mut out, &row.feedback).map_err(|e| AppError::Internal(format!("writing NDJSON: {e}")))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// The CSV export's columns.
const CSV_HEADER: [&str; 23] = [
    "id", "received_at", "origin", "rating", "scale", "comment", "email", "page_url", "page_title", "page_referrer", "locale",
    "user_agent", "viewport_width", "viewport_height", "created_at", "widget_version", "spam", "followed_up_at", "clock_skewed",
    "user_id", "user_email", "user_name", "metadata",
];

/// Rows as CSV lines, after `header` when given. Cells a spreadsheet would run as a formula get
/// a leading `'`.
fn csv_rows(header: Option<&[&str; 23]>, rows: &[KeyedFeedback]) -> Result<Vec<u8>, AppError> {
    let failed = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 512));
    if let Some(header) = header {
        out.write_record(header).map_err(failed)?;
    }
    for KeyedFeedback { feedback: r, .. } in rows {
        // Most cells are written as they are stored, without a copy.
        let flag = |b: bool| Cow::Borrowed(if b { "true" } else { "false" });
        let cells = [
            neutralise(&r.id),
            neutralise(&r.received_at),
            neutralise(r.origin.as_deref().unwrap_or("")),
            Cow::Owned(r.rating.to_string()),
            Cow::Borrowed(r.scale.as_str()),
            neutralise(&r.comment),
            neutralise(r.email.as_deref().unwrap_or("")),
            neutralise(&r.page_url),
            neutralise(&r.page_title),
            neutralise(&r.page_referrer),
            neutralise(&r.locale),
            neutralise(&r.user_agent),
            Cow::Owned(r.viewport_width.to_string()),
            Cow::Owned(r.viewport_height.to_string()),
            neutralise(&r.created_at),
            neutralise(&r.widget_version),
            flag(r.spam),
            neutralise(r.followed_up_at.as_deref().unwrap_or("")),
            flag(r.clock_skewed),
            neutralise(r.user_id.as_deref().unwrap_or("")),
            neutralise(r.user_email.as_deref().unwrap_or("")),
            neutralise(r.user_name.as_deref().unwrap_or("")),
            // A JSON object starts with `{`, which no spreadsheet reads as a formula.
            Cow::Owned(r.metadata.as_json_text()),
        ];
        out.write_record(cells.iter().map(|cell| cell.as_bytes())).map_err(failed)?;
    }
    out.into_inner().map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
}

/// Spreadsheets run a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return that
/// hides one) as a formula; a leading `'` makes it text.
///
/// Some also skip leading whitespace and newlines, and read the full-width forms `＝`, `＋`, `－`
/// and `＠` as the ASCII ones, so the first character after any Unicode whitespace is the one
/// that counts.
fn neutralise(cell: &str) -> Cow<'_, str> {
    let starts_formula = cell.trim_start().starts_with(['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}']);
    if starts_formula || cell.starts_with(['\t', '\r']) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}
