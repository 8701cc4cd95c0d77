//! `/dashboard`: the owner's view behind the admin token — login and sessions, summary with
//! charts, the filtered list of responses, the "needs follow-up" view, marking responses as
//! followed up, and the stylesheet these pages share.

use axum::extract::{FromRequestParts, Path, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::charts;
use crate::client::{Peer, came_over_https, origin_names_host, requested_host};
use crate::filter::{Listing, SpamFilter};
use crate::rating::Unhappiness;
use crate::session;
use crate::store::{AddressSource, StoredFeedback, Tally, now_rfc3339};
use platinum_payload::Scale;
use crate::{AppError, AppState};

/// The dashboard pages and forms; every form post must come from the dashboard itself.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(overview))
        .route("/dashboard/login", post(login))
        .route("/dashboard/logout", post(logout))
        .route("/dashboard/logout-everywhere", post(logout_everywhere))
        .route("/dashboard/follow-up", get(follow_up))
        .route("/dashboard/export.csv", get(export))
        .route("/dashboard/style.css", get(stylesheet))
        .route("/dashboard/feedback/{id}", get(response_page))
        .route("/dashboard/feedback/{id}/followed-up", post(mark_followed_up))
        .route("/dashboard/feedback/{id}/reply", post(reply))
        .merge(crate::notifications::router())
        .merge(crate::erasure::router())
        .route_layer(from_fn_with_state(state.clone(), refuse_cross_site_posts))
}

/// Forms that change state are refused when the browser says they were posted from another
/// site (`Sec-Fetch-Site`) or, in browsers that do not say, when `Origin` names another host.
/// Requests with neither header are not from a browser form and still need the session.
async fn refuse_cross_site_posts(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let headers = request.headers();
    let allowed = match headers.get("sec-fetch-site").map(HeaderValue::as_bytes) {
        Some(site) => site == b"same-origin" || site == b"none",
        None => match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            None => true,
            Some(origin) => {
                let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
                origin_names_host(origin, requested_host(peer, headers, &state.trusted_proxies))
            }
        },
    };
    if !allowed {
        tracing::warn!(path = request.uri().path(), "cross-site dashboard form refused");
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

/// Proof that the request carries a valid dashboard session; without it the login form is the
/// answer.
pub(crate) struct Owner;

impl FromRequestParts<AppState> for Owner {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match session::current(state, &parts.headers).await {
            Ok(Some(_)) => Ok(Self),
            Ok(None) => Err(login_page(None, StatusCode::UNAUTHORIZED)),
            Err(e) => Err(e.into_response()),
        }
    }
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(State(state): State<AppState>, parts: Parts, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let peer = Peer::of(&parts);
    let client = state.auth_failures.client(peer, &parts.headers);
    if let Err(limited) = state.auth_failures.check(client) {
        let mut page = login_page(Some(&limited.to_string()), limited.status());
        if let Some(seconds) = limited.retry_after() {
            page.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        return Ok(page);
    }
    if !state.admin.matches(&form.token) {
        tracing::warn!("dashboard login with a wrong token");
        state.auth_failures.record_failure(client);
        return Ok(login_page(Some("That token is not right."), StatusCode::UNAUTHORIZED));
    }
    let https = came_over_https(peer, &parts.headers, &state.trusted_proxies);
    let cookie = session::start(&state, https).await?;
    let mut response = Redirect::to("/dashboard").into_response();
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(format!("session cookie: {e}")))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Result<Response, AppError> {
    if let Some(session) = session::current(&state, &headers).await? {
        session::end(&state, &session).await?;
    }
    Ok(signed_out())
}

async fn logout_everywhere(_: Owner, State(state): State<AppState>) -> Result<Response, AppError> {
    let ended = session::end_all(&state).await?;
    tracing::info!(ended, "dashboard: logged out everywhere");
    Ok(signed_out())
}

/// Back to the login form, with the cookie gone from this browser.
fn signed_out() -> Response {
    let mut response = Redirect::to("/dashboard").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&session::clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn overview(_: Owner, State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Markup, AppError> {
    let listing = Listing::parse(query.as_deref())?;
    let summary = state.store.summary(&listing.filter).await?;
    let rows = state.store.list(&listing.filter, listing.paging.per_page, listing.paging.offset()).await?;
    let total = summary.tally.total;
    let filter_query = listing.filter_query();
    let back = match filter_query.as_str() {
        "" => "/dashboard".to_owned(),
        q => format!("/dashboard?{q}"),
    };
    let pages = u32::try_from((total + i64::from(listing.paging.per_page) - 1) / i64::from(listing.paging.per_page)).unwrap_or(u32::MAX).max(1);
    let page_link = |page: u32| {
        let sep = if filter_query.is_empty() { "" } else { "&" };
        format!("/dashboard?{filter_query}{sep}page={page}")
    };
    let f = &listing.filter;
    let selected = |on: bool| on.then_some("selected");
    Ok(layout(
        "Feedback",
        html! {
            (figures(&summary.tally))
            section class="charts" {
                figure { (charts::rating_bars(&summary.tally.distribution)) figcaption { "Responses per rating (of 5)" } }
                figure { (charts::trend_line(&summary.trend)) figcaption { "Average rating (of 5) per day" } }
            }
            (scale_table(&summary.tally))
            form class="filters" method="get" action="/dashboard" {
                label { "Scale " select name="scale" {
                    option value="" { "any" }
                    @for scale in Scale::ALL { option value=(scale.name()) selected=[selected(f.scale == Some(scale))] { (scale.name()) } }
                } }
                label { "Rating " select name="rating" {
                    option value="" { "any" }
                    @for r in 0..=10u8 { option value=(r) selected=[selected(f.rating == Some(r))] { (r) } }
                } }
                label title="A metadata entry the response must have, as key:value" {
                    "Metadata "
                    input type="text" name="meta" placeholder="plan:pro" value=[f.metadata.first().map(|(k, v)| format!("{k}:{v}"))];
                }
                label { "Comment " select name="has_comment" {
                    option value="" { "any" }
                    option value="yes" selected=[selected(f.has_comment == Some(true))] { "with" }
                    option value="no" selected=[selected(f.has_comment == Some(false))] { "without" }
                } }
                label { "Email " select name="has_email" {
                    option value="" { "any" }
                    option value="yes" selected=[selected(f.has_email == Some(true))] { "with" }
                    option value="no" selected=[selected(f.has_email == Some(false))] { "without" }
                } }
                label { "From " input type="date" name="from" value=[f.from.map(|d| d.to_string())]; }
                label { "To " input type="date" name="to" value=[f.to.map(|d| d.to_string())]; }
                label { "Search " input type="search" name="q" value=[f.q.as_deref()]; }
                label { "Spam " select name="spam" {
                    option value="" { "hidden" }
                    option value="include" selected=[selected(f.spam == SpamFilter::Include)] { "shown" }
                    option value="only" selected=[selected(f.spam == SpamFilter::Only)] { "only spam" }
                } }
                button type="submit" { "Filter" }
                a href="/dashboard" { "Clear" }
                a href={"/dashboard/export.csv?" (filter_query)} { "Export CSV" }
            }
            section class="responses" {
                @if rows.is_empty() { p class="empty" { "No responses match." } }
                @for row in &rows { (response_row(row, &back, state.store.unhappiness())) }
            }
            @if pages > 1 {
                nav class="paging" {
                    @if listing.paging.page > 1 { a href=(page_link(listing.paging.page - 1)) rel="prev" { "← Newer" } }
                    span { "Page " (listing.paging.page) " of " (pages) }
                    @if listing.paging.page < pages { a href=(page_link(listing.paging.page + 1)) rel="next" { "Older →" } }
                }
            }
        },
    ))
}

async fn follow_up(_: Owner, State(state): State<AppState>) -> Result<Markup, AppError> {
    let (pending, done) = state.store.follow_up().await?;
    let back = "/dashboard/follow-up";
    Ok(layout(
        "Needs follow-up",
        html! {
            p class="lead" { (state.store.unhappiness().describe()) ", oldest first. Mark each one when you have answered it." }
            section class="responses follow-up" data-pending=(pending.len()) {
                @if pending.is_empty() { p class="empty" { "Nobody is waiting for an answer." } }
                @for row in &pending { (response_row(row, back, state.store.unhappiness())) }
            }
            @if !done.is_empty() {
                h2 { "Followed up" }
                section class="responses done" {
                    @for row in &done { (response_row(row, back, state.store.unhappiness())) }
                }
            }
        },
    ))
}

async fn response_page(_: Owner, State(state): State<AppState>, Path(id): Path<String>) -> Result<Markup, AppError> {
    let id = id.to_ascii_lowercase();
    let row = state.store.feedback(&id).await?.ok_or(AppError::NotFound)?;
    let sent = state.store.notifications_of(&id).await?;
    let replies = state.store.replies_of(&id).await?;
    let back = format!("/dashboard/feedback/{id}");
    let address = row.reply_address();
    let email = address.map(|(e, _)| e);
    Ok(layout(
        "Response",
        html! {
            section class="responses" { (response_row(&row, &back, state.store.unhappiness())) }
            @if !replies.is_empty() || email.is_some() { h2 { "Replies" } }
            @for reply in &replies {
                article class={"reply " (reply.status)} data-reply-id=(reply.id) {
                    header {
                        span { "You wrote, " (crate::notifications::when(reply.created_at)) }
                        span class="tag" {
                            @match (reply.status.as_str(), reply.sent_at) {
                                ("sent", Some(at)) => { "sent " (crate::notifications::when(at)) }
                                ("failed", _) => { "not sent: " (reply.last_error.as_deref().unwrap_or("refused")) }
                                _ => { "sending" @if let Some(error) = &reply.last_error { " (last try: " (error) ")" } }
                            }
                        }
                    }
                    p class="comment" { (reply.body) }
                }
            }
            @if let Some(email) = email {
                @if state.reply_domain.is_some() {
                    form class="reply-form" method="post" action={"/dashboard/feedback/" (row.id) "/reply"} {
                        label {
                            span {
                                "Reply to " (visitor_text(email)) " by e-mail"
                                @if let Some((_, AddressSource::Account)) = address { " (their account's address: they typed none)" }
                            }
                            textarea name="body" rows="6" maxlength=(MAX_REPLY_CHARS) required {}
                        }
                        button type="submit" name="send-reply" { "Send reply" }
                        p class="hint" { "Their words are quoted below yours; their answer comes to your address. Sending marks the response followed up." }
                    }
                } @else {
                    p class="hint" { "To reply from here, configure e-mail (--smtp-url and --mail-to)." }
                }
            }
            h2 { "Notifications" }
            @if sent.is_empty() { p class="empty" { "No alert was sent about this response." } }
            @else { (crate::notifications::table(&state, &sent, &back)) }
        },
    ))
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
}

async fn reply(_: Owner, State(state): State<AppState>, Path(id): Path<String>, Form(form): Form<ReplyForm>) -> Result<Response, AppError> {
    let id = id.to_ascii_lowercase();
    let Some(domain) = state.reply_domain.as_deref() else {
        return Err(AppError::invalid(None, "replies need e-mail: start the collector with --smtp-url and --mail-to"));
    };
    let body = bounded("body", &form.body, MAX_REPLY_CHARS)?.ok_or_else(|| AppError::invalid(Some("body".to_owned()), "the reply is empty"))?;
    let row = state.store.feedback(&id).await?.ok_or(AppError::NotFound)?;
    if row.reply_address().is_none() {
        return Err(AppError::invalid(None, "this visitor left no e-mail address to reply to, and was not signed in with one"));
    }
    let message_id = format!("<{}@{domain}>", uuid::Uuid::new_v4());
    let reply = state.store.queue_reply(&id, body, &message_id, state.clock.now(), &now_rfc3339()).await?;
    state.notify_wake.notify_one();
    tracing::info!(reply, "reply to a visitor queued");
    Ok(Redirect::to(&format!("/dashboard/feedback/{id}")).into_response())
}

async fn export(_: Owner, State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let listing = Listing::parse(query.as_deref())?;
    let listing = Listing { format: crate::filter::Format::Csv, cursor: None, ..listing };
    crate::feedback::export(state.store, &listing).await
}

#[derive(Deserialize)]
struct FollowUpForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    note: String,
}

/// Longest private note on a followed-up response, in characters.
const MAX_NOTE_CHARS: usize = 1000;
/// Longest reply to a visitor, in characters.
const MAX_REPLY_CHARS: usize = 10_000;

/// `text` trimmed, none if empty, refused (naming `field`) past `max` characters.
fn bounded<'a>(field: &str, text: &'a str, max: usize) -> Result<Option<&'a str>, AppError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars > max {
        return Err(AppError::invalid(Some(field.to_owned()), format!("{field} must be at most {max} characters (got {chars})")));
    }
    Ok((!text.is_empty()).then_some(text))
}

async fn mark_followed_up(_: Owner, State(state): State<AppState>, Path(id): Path<String>, Form(form): Form<FollowUpForm>) -> Result<Response, AppError> {
    // Checked before the row is touched: a refused form must leave nothing half done.
    let back = back_target(&form.back)?;
    let note = bounded("note", &form.note, MAX_NOTE_CHARS)?;
    if !state.store.mark_followed_up(&id.to_ascii_lowercase(), &now_rfc3339(), note).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(back).into_response())
}

/// Where the follow-up form returns to: the follow-up view when `back` is empty, else `back` if
/// it is a path inside the dashboard that fits in a `Location` header as it is.
///
/// Anything else is refused rather than replaced, so a page that sends a broken field is noticed.
/// `//` and `\` are refused anywhere in it: at the start of a path browsers read either as the
/// start of another host, and proxies may collapse them.
pub(crate) fn back_target(back: &str) -> Result<&str, AppError> {
    if back.is_empty() {
        return Ok("/dashboard/follow-up");
    }
    let in_dashboard = back.strip_prefix("/dashboard").is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']));
    let visible_ascii = back.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if in_dashboard && visible_ascii && !back.contains("//") && !back.contains('\\') {
        Ok(back)
    } else {
        Err(AppError::invalid(
            Some("back".to_owned()),
            "back must be a dashboard path such as /dashboard/follow-up, in visible ASCII without // or \\",
        ))
    }
}

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")], STYLE)
}

/// The top figures: responses, the five-point average, and the NPS score and thumbs-up share
/// when there are such responses.
fn figures(tally: &Tally) -> Markup {
    html! {
        section class="figures" {
            div class="figure" { span class="number" data-total=(tally.total) { (tally.total) } span { "responses" } }
            div class="figure" {
                span class="number" { @if let Some(avg) = tally.average { (format!("{avg:.2}")) } @else { "–" } }
                span { "average rating (of 5)" }
            }
            @if let Some(nps) = tally.nps {
                div class="figure nps" title={"Promoters " (nps.promoters) ", passives " (nps.passives) ", detractors " (nps.detractors)} {
                    span class="number" data-nps=(format!("{:.0}", nps.score)) { (crate::rating::nps_score_words(nps.score)) }
                    span { "NPS (% promoters 9–10 less % detractors 0–6)" }
                }
            }
            @if let Some(thumbs) = tally.thumbs {
                div class="figure thumbs" title={(thumbs.up) " helpful, " (thumbs.down) " not helpful"} {
                    span class="number" data-thumbs-up=(format!("{:.0}", thumbs.up_percent)) { (format!("{:.0}%", thumbs.up_percent)) }
                    span { "found it helpful (thumbs up)" }
                }
            }
        }
    }
}

/// Each scale's responses per point.
fn scale_table(tally: &Tally) -> Markup {
    html! {
        @if !tally.scales.is_empty() {
            table class="scales" {
                caption { "Responses per scale and rating" }
                @for counts in &tally.scales {
                    tr data-scale=(counts.scale.name()) {
                        th scope="row" { (counts.scale.name()) }
                        @for (count, rating) in counts.counts.iter().zip(counts.scale.lowest()..) {
                            td title={(crate::rating::rating_words(counts.scale, rating.into()))} { span class="point" { (rating) ": " } (count) }
                        }
                        td class="total" { (counts.total) " in all" }
                    }
                }
            }
        }
    }
}

/// The rating as its scale shows it: stars for five points, `9 / 10` for NPS, helpful or not
/// for thumbs.
fn rating_badge(row: &StoredFeedback) -> Markup {
    let scale = row.rated_on();
    html! {
        @match scale {
            Scale::Nps => span class="nps" aria-label=(row.rating_words()) { (row.rating) " / 10" },
            Scale::Thumbs => span class={"thumbs" @if row.rating >= 1 { " up" } @else { " down" }} {
                @if row.rating >= 1 { "👍 helpful" } @else { "👎 not helpful" }
            },
            _ => span class="stars" aria-label=(row.rating_words()) title=(scale.name()) {
                @for i in 1..=5 { @if i <= row.rating { "★" } @else { "☆" } }
            },
        }
    }
}

fn response_row(row: &StoredFeedback, back: &str, unhappiness: Unhappiness) -> Markup {
    let unhappy = unhappiness.is_unhappy(row.rated_on(), row.rating);
    html! {
        article class={"response rating-" (row.rating) @if unhappy { " unhappy" } @if row.spam { " spam" }}
            data-feedback-id=(row.id) data-rating=(row.rating) data-scale=(row.scale) {
            header {
                (rating_badge(row))
                a class="when" href={"/dashboard/feedback/" (row.id)} title="This response and its notifications" {
                    time datetime=(row.received_at) { (row.received_at.get(..16).unwrap_or(&row.received_at).replace('T', " ")) }
                }
                @if row.spam { span class="tag" { "spam" } }
                @if row.clock_skewed {
                    span class="tag clock" title={"Sent at " (row.created_at) " by the visitor's clock, far from when it arrived"} { "visitor's clock off" }
                }
                @if let Some(at) = &row.followed_up_at { span class="tag done" title=(at) { "followed up" } }
            }
            @if row.comment.is_empty() { p class="comment none" { "(no comment)" } }
            @else { p class="comment" { (visitor_text(&row.comment)) } }
            dl {
                @if let Some((email, source)) = row.reply_address() {
                    dt { "Email" } dd class="email" {
                        a href=(mailto(email)) { (visitor_text(email)) }
                        @if source == AddressSource::Account { " " span class="tag" title="The visitor typed no address; this is the one they are signed in with" { "account" } }
                    }
                }
                @if row.user_id.is_some() || row.user_name.is_some() || row.user_email.is_some() {
                    dt { "User" } dd class="user" {
                        @if let Some(name) = &row.user_name { span class="name" { (visitor_text(name)) } " " }
                        @if let Some(email) = &row.user_email { span class="url" { (visitor_text(email)) } " " }
                        @if let Some(id) = &row.user_id { span class="tag" { "id " (visitor_text(id)) } }
                    }
                }
                @for (key, value) in &row.metadata.0 {
                    dt class="meta" { (visitor_text(key)) } dd class="meta" { (visitor_text(value)) }
                }
                dt { "Page" } dd class="page" { (visitor_text(&row.page_title)) " " span class="url" { (visitor_text(&row.page_url)) } }
                dt { "Browser" } dd {
                    (visitor_text(&row.locale)) ", " (row.viewport_width) "×" (row.viewport_height) ", "
                    span class="ua" { (visitor_text(&row.user_agent)) }
                }
            }
            @if row.followed_up_at.is_none() {
                form class="mark" method="post" action={"/dashboard/feedback/" (row.id) "/followed-up"} {
                    input type="hidden" name="back" value=(back);
                    input type="text" name="note" maxlength=(MAX_NOTE_CHARS) placeholder="Private note (optional)" aria-label="Private note";
                    button type="submit" name="mark-followed-up" { "Mark followed up" }
                }
            }
            @if let Some(note) = &row.follow_up_note { p class="note" { "Note: " (note) } }
        }
    }
}

/// A string a visitor sent, as text that cannot change the direction of what surrounds it.
///
/// `<bdi>` isolates the whole string; embedding, override and isolate controls inside it are shown
/// as a marker naming the character instead of being obeyed, so `\u{202E}gnp.exe` reads as it
/// was typed, not as `exe.png`. The stored text is unchanged.
fn visitor_text(text: &str) -> Markup {
    html! {
        bdi {
            @for piece in text.split_inclusive(|c| bidi_control_name(c).is_some()) {
                @match piece.char_indices().next_back().and_then(|(at, c)| Some((&piece[..at], c, bidi_control_name(c)?))) {
                    Some((before, control, name)) => {
                        (before)
                        span class="control" title=(format!("U+{:04X} {name}", u32::from(control))) {
                            (format!("[U+{:04X}]", u32::from(control)))
                        }
                    }
                    None => (piece),
                }
            }
        }
    }
}

/// The Unicode name of `c` if it is one of the controls that embed, override or isolate text
/// direction (U+202A–U+202E, U+2066–U+2069).
fn bidi_control_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

/// A `mailto:` URL for `address` with every byte but unreserved characters and `@`
/// percent-encoded, so an address stored with `?` or `&` in it cannot add recipients or headers.
fn mailto(address: &str) -> String {
    let mut url = String::from("mailto:");
    for byte in address.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@') {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

fn login_page(problem: Option<&str>, status: StatusCode) -> Response {
    let page = page(
        "Log in",
        html! {
            form class="login" method="post" action="/dashboard/login" {
                h1 { "Platinum dashboard" }
                @if let Some(problem) = problem { p class="problem" role="alert" { (problem) } }
                label { "Admin token" input type="password" name="token" autocomplete="current-password" required autofocus; }
                button type="submit" { "Log in" }
                p class="hint" { "The collector printed the token when it started, unless PLATINUM_ADMIN_TOKEN set it." }
            }
        },
    );
    (status, page).into_response()
}

pub(crate) fn layout(title: &str, body: Markup) -> Markup {
    page(
        title,
        html! {
            nav class="top" {
                a href="/dashboard" { "Overview" }
                a href="/dashboard/follow-up" { "Needs follow-up" }
                a href="/dashboard/notifications" { "Notifications" }
                a href="/dashboard/erase" { "Erase an address" }
                form method="post" action="/dashboard/logout" { button type="submit" { "Log out" } }
                form method="post" action="/dashboard/logout-everywhere" {
                    button type="submit" title="Ends every dashboard session, on every device" { "Log out everywhere" }
                }
            }
            main {
                h1 { (title) }
                (body)
            }
        },
    )
}

fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · Platinum" }
                // Out of line: the dashboard's Content-Security-Policy allows no inline style.
                link rel="stylesheet" href="/dashboard/style.css";
            }
            body { (body) }
        }
    }
}

const STYLE: &str = "
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#6e6e73;--bg:#fff;--card:#f5f5f7;--accent:#3b5bdb;--bad:#c92a2a}
@media (prefers-color-scheme:dark){:root{--fg:#f5f5f7;--muted:#a1a1a6;--bg:#111;--card:#1e1e20;--accent:#748ffc;--bad:#ff6b6b}}
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:960px;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0 1rem}
nav.top{display:flex;gap:1rem;align-items:center;padding:.75rem 1rem;background:var(--card);flex-wrap:wrap}
nav.top form{margin:0}nav.top form:first-of-type{margin-left:auto}a{color:var(--accent)}
button{font:inherit;padding:.4rem .8rem;border-radius:6px;border:1px solid var(--muted);background:var(--bg);color:var(--fg);cursor:pointer}
.figures{display:flex;gap:1rem;flex-wrap:wrap}.figure{background:var(--card);border-radius:10px;padding:.75rem 1rem;min-width:9rem}
.figure .number{display:block;font-size:2rem;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem;margin:1rem 0}
figure{margin:0;background:var(--card);border-radius:10px;padding:.75rem}figcaption{color:var(--muted);font-size:.9rem}
.chart{width:100%;height:auto}.chart text{font-size:10px;fill:var(--muted)}.bar{fill:var(--accent)}.bar.r1,.bar.r2{fill:var(--bad)}
.grid{stroke:var(--muted);stroke-opacity:.3}.line{fill:none;stroke:var(--accent);stroke-width:2}.point{fill:var(--accent)}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
.filters input,.filters select{font:inherit;padding:.3rem;border-radius:6px;border:1px solid var(--muted);background:var(--bg);color:var(--fg)}
.response{background:var(--card);border-radius:10px;padding:.75rem 1rem;margin:.75rem 0;border-left:4px solid transparent}
.response.unhappy{border-left-color:var(--bad)}.response.spam{opacity:.6}
.response header{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}.stars{color:#f59f00;letter-spacing:1px}
.nps{font-weight:600}.thumbs.down{color:var(--bad)}.scales{border-collapse:collapse;font-size:.9rem;margin:1rem 0}
.scales caption{text-align:left;color:var(--muted)}.scales th,.scales td{padding:.25rem .5rem;text-align:left}.scales .point,.scales .total{color:var(--muted)}
time,.tag,.hint,.lead,.empty{color:var(--muted);font-size:.9rem}.tag{border:1px solid var(--muted);border-radius:99px;padding:0 .5rem}
.comment{white-space:pre-wrap;overflow-wrap:anywhere}.comment.none{color:var(--muted)}
dl{display:grid;grid-template-columns:auto 1fr;gap:.1rem .75rem;font-size:.85rem;margin:.5rem 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.url,.ua{color:var(--muted)}.control{color:var(--muted);font-size:.75em;font-family:ui-monospace,monospace}.paging{display:flex;gap:1rem;justify-content:center;margin:1rem 0}
.login{max-width:22rem;margin:15vh auto;padding:1.5rem;background:var(--card);border-radius:12px;display:flex;flex-direction:column;gap:.75rem}
.login input{display:block;width:100%;margin-top:.25rem;font:inherit;padding:.5rem;border-radius:6px;border:1px solid var(--muted)}
.problem{color:var(--bad);margin:0}
a.when{text-decoration:none}.note{font-size:.9rem;color:var(--muted)}
.mark{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:.5rem}.mark input{font:inherit;padding:.3rem;border-radius:6px;border:1px solid var(--muted);background:var(--bg);color:var(--fg);flex:1;min-width:12rem}
.reply{background:var(--card);border-radius:10px;padding:.75rem 1rem;margin:.75rem 0;border-left:4px solid var(--accent)}.reply.failed{border-left-color:var(--bad)}
.reply header{display:flex;gap:.75rem;flex-wrap:wrap;color:var(--muted);font-size:.9rem}
.reply-form{display:flex;flex-direction:column;gap:.5rem;margin:1rem 0}.reply-form label{display:flex;flex-direction:column;gap:.25rem}
.reply-form button{align-self:flex-start}.reply-form textarea{font:inherit;padding:.5rem;border-radius:6px;border:1px solid var(--muted);background:var(--bg);color:var(--fg)}.notifications{width:100%;border-collapse:collapse;font-size:.9rem;margin:.5rem 0}
.notifications th,.notifications td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--card);vertical-align:top}
.notification.failed td{color:var(--bad)}.notifications .detail{overflow-wrap:anywhere;max-width:24rem}
";
