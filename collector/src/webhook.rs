//! The HTTP notification channels: a signed JSON webhook (`--webhook`, `--webhook-secret`) and a
//! Slack-compatible incoming webhook (`--slack-webhook`): what each one sends, how the webhook is
//! signed and verified, and what one delivery try came to.
//!
//! # The signed webhook
//!
//! Each alert is one `POST` to the owner's URL with `Content-Type: application/json` and this
//! body (fields in this order; `data` may gain fields as the stored response does):
//!
//! ```json
//! {
//!   "type": "feedback.created",
//!   "id": "<response id>",
//!   "created": 1795428000,
//!   "data": { "id": "<response id>", "received_at": "2026-11-23T10:00:00.000Z", "origin": null,
//!             "rating": 2, "scale": "csat5", "comment": "…", "email": null,
//!             "user_id": "u_4821", "user_email": "ana@shop.example", "user_name": "Ana",
//!             "metadata": { "plan": "pro" },
//!             "page_url": "https://shop.example/cart", "page_title": "Cart", "page_referrer": "",
//!             "locale": "en", "user_agent": "…", "viewport_width": 1280, "viewport_height": 800,
//!             "created_at": "2026-11-23T09:59:58.000Z", "widget_version": "0.1.0",
//!             "schema_version": 2, "spam": false, "followed_up_at": null, "clock_skewed": false },
//!   "link": "<dashboard URL of the response>"
//! }
//! ```
//!
//! `scale` is the rating's scale by name (`csat5`, `stars5`, `emoji5`, `thumbs`, `nps`; it was
//! the number 5 before payload schema version 2); `user_*` are null and `metadata` is `{}` when
//! the page gave none. `type` is `feedback.test` for the sample alert of `notify-test`. `created` is when the
//! collector received the response (Unix seconds), so every retry of one alert sends the same
//! body. The request carries:
//!
//! - `Platinum-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the HMAC keyed with the secret
//!   over `"<t>.<raw body>"`; `t` is when this try was signed, so each retry is signed anew.
//!   Receivers check it with [`verify`] (or the same few lines in their own language) and refuse
//!   a `t` further than a few minutes from their clock, so a recorded request cannot be replayed.
//! - `Idempotency-Key: <response id>`, the same on every retry: a receiver that already handled
//!   it should answer `2xx` again and do nothing.
//! - `User-Agent: platinum-collector/<version>`.
//!
//! A `2xx` answer is delivered; `408`, `429` and `5xx` are tried again (after `Retry-After`
//! seconds when given); redirects and every other status stop the alert and show the status.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use platinum_payload::SCHEMA_VERSION;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Client, Url};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::delivery::{Outcome, from_http_status};
use crate::store::{StoredFeedback, now_rfc3339};

/// How long one try may take, from connecting until the answer's body is read.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Shortest webhook secret accepted: signatures are only as hard to forge as it is to guess.
pub const MIN_SECRET_CHARS: usize = 32;
/// The header carrying the webhook's signature.
pub const SIGNATURE_HEADER: &str = "Platinum-Signature";
/// How far a signature's time may be from the receiver's clock, as receivers are advised.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;
/// Characters of the comment a Slack message shows before linking to the whole.
pub const COMMENT_PREVIEW_CHARS: usize = 500;
/// How the collector introduces itself to receivers.
pub const USER_AGENT: &str = concat!("platinum-collector/", env!("CARGO_PKG_VERSION"));

/// Most of a receiver's answer read, for the reason shown to the owner.
const MAX_ANSWER_BYTES: usize = 1024;
/// Most characters of a page title a Slack message shows: a section holds 3,000 characters, and
/// a 2,048-character page URL must fit beside it.
const MAX_TITLE_CHARS: usize = 150;

/// The client every channel of this module sends with: [`TIMEOUT`] per try, the collector's
/// `User-Agent`, and no redirects (a redirected `POST` would arrive as a `GET`, and a webhook
/// that moved is for the owner to fix). Build it once and share it.
pub fn client() -> Result<Client, reqwest::Error> {
    Client::builder().user_agent(USER_AGENT).timeout(TIMEOUT).redirect(reqwest::redirect::Policy::none()).build()
}

/// Parses a `--webhook` value: an `http://` or `https://` URL with a host.
pub fn parse_webhook_url(value: &str) -> Result<Url, String> {
    parse_http_url("--webhook", "https://hooks.shop.example/platinum", value)
}

/// Parses a `--slack-webhook` value: an `http://` or `https://` URL with a host.
pub fn parse_slack_webhook_url(value: &str) -> Result<Url, String> {
    parse_http_url("--slack-webhook", "https://hooks.slack.com/services/T000/B000/XXXX", value)
}

fn parse_http_url(option: &str, example: &str, value: &str) -> Result<Url, String> {
    Url::parse(value.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|host| !host.is_empty()))
        .ok_or_else(|| format!("{option} {value:?} is not an http(s) URL such as {example}"))
}

/// Parses a `--webhook-secret` value (surrounding whitespace ignored); the error never repeats it.
pub fn parse_webhook_secret(value: &str) -> Result<WebhookSecret, String> {
    let secret = value.trim();
    let got = secret.chars().count();
    if got < MIN_SECRET_CHARS {
        return Err(format!(
            "--webhook-secret must be at least {MIN_SECRET_CHARS} characters, got {got}; make one with `openssl rand -hex 32`"
        ));
    }
    Ok(WebhookSecret(secret.into()))
}

/// The key the webhook is signed with, shared with the owner's receiver. Shown as `<redacted>`.
#[derive(Clone)]
pub struct WebhookSecret(Arc<str>);

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// A signed JSON webhook, as `--webhook` and `--webhook-secret` configure it.
#[derive(Clone)]
pub struct Webhook {
    /// Where alerts are posted.
    pub url: Url,
    /// What they are signed with.
    pub secret: WebhookSecret,
}

/// A Slack incoming webhook, or anything that takes Slack's `{"text": …}` messages.
#[derive(Clone)]
pub struct SlackWebhook {
    /// Where messages are posted; its path is a secret, so only its host is ever shown.
    pub url: Url,
}

impl fmt::Display for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "webhook to {}", host_of(&self.url))
    }
}

impl fmt::Display for SlackWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slack webhook to {}", host_of(&self.url))
    }
}

// The URLs may carry credentials (a Slack path, a token in the query), so logs get the host only.
impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook").field("host", &host_of(&self.url)).field("secret", &self.secret).finish()
    }
}

impl fmt::Debug for SlackWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackWebhook").field("host", &host_of(&self.url)).finish()
    }
}

fn host_of(url: &Url) -> &str {
    url.host_str().unwrap_or("an unnamed host")
}

impl Webhook {
    /// Posts the signed alert about `response`, whose dashboard page is `link`.
    pub async fn send_alert(&self, client: &Client, response: &StoredFeedback, link: &str) -> Outcome {
        self.send(client, AlertKind::Feedback, response, link).await
    }

    /// Posts a signed `feedback.test` alert about [`sample_feedback`], linking to `link`.
    pub async fn send_test(&self, client: &Client, link: &str) -> Outcome {
        self.send(client, AlertKind::Test, &sample_feedback(), link).await
    }

    async fn send(&self, client: &Client, kind: AlertKind, response: &StoredFeedback, link: &str) -> Outcome {
        match webhook_body(kind, response, link) {
            Ok(body) => deliver_webhook(client, self, &response.id, body).await,
            Err(e) => Outcome::Refused { reason: format!("the alert could not be written as JSON: {e}") },
        }
    }
}

impl SlackWebhook {
    /// Posts the message about `response`, whose dashboard page is `link`.
    pub async fn send_alert(&self, client: &Client, response: &StoredFeedback, link: &str) -> Outcome {
        deliver_slack(client, self, &slack_message(AlertKind::Feedback, response, link)).await
    }

    /// Posts a message headed "Test alert" about [`sample_feedback`], linking to `link`.
    pub async fn send_test(&self, client: &Client, link: &str) -> Outcome {
        deliver_slack(client, self, &slack_message(AlertKind::Test, &sample_feedback(), link)).await
    }
}

/// Whether an alert is about a visitor's response or is the owner's test of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// A visitor wrote (`feedback.created`).
    Feedback,
    /// `notify-test` checks the channel (`feedback.test`).
    Test,
}

impl AlertKind {
    /// The webhook's `type`.
    pub fn event_type(self) -> &'static str {
        match self {
            Self::Feedback => "feedback.created",
            Self::Test => "feedback.test",
        }
    }
}

/// A made-up unhappy response for test alerts, with a fresh id so that receivers which drop
/// repeated `Idempotency-Key`s still take a second test.
pub fn sample_feedback() -> StoredFeedback {
    let now = now_rfc3339();
    StoredFeedback {
        id: uuid::Uuid::new_v4().to_string(),
        received_at: now.clone(),
        origin: None,
        rating: 2,
        scale: platinum_payload::Scale::Csat5.name().into(),
        comment: "This is a test alert from platinum-collector notify-test. When a visitor is unhappy, the alert looks like this.".into(),
        email: Some("visitor@example.com".into()),
        user_id: None,
        user_email: None,
        user_name: None,
        metadata: crate::store::Metadata::default(),
        page_url: "https://www.example.com/checkout".into(),
        page_title: "Checkout (sample)".into(),
        page_referrer: String::new(),
        locale: "en".into(),
        user_agent: USER_AGENT.into(),
        viewport_width: 1280,
        viewport_height: 800,
        created_at: now,
        widget_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: SCHEMA_VERSION.into(),
        spam: false,
        followed_up_at: None,
        clock_skewed: false,
        follow_up_note: None,
    }
}

#[derive(Serialize)]
struct Event<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    created: i64,
    data: &'a StoredFeedback,
    link: &'a str,
}

/// The webhook body for `response` (see the [module documentation](self) for its shape).
pub fn webhook_body(kind: AlertKind, response: &StoredFeedback, link: &str) -> Result<Vec<u8>, serde_json::Error> {
    let received = OffsetDateTime::parse(&response.received_at, &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc());
    serde_json::to_vec(&Event { kind: kind.event_type(), id: &response.id, created: received.unix_timestamp(), data: response, link })
}

type HmacSha256 = Hmac<Sha256>;

/// The `Platinum-Signature` value for `body` sent at `timestamp`:
/// `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with secret>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature_hex(secret, timestamp, body))
}

fn signature_hex(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else { unreachable!("HMAC takes keys of any length") };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Why a receiver should refuse a request claiming to be a Platinum webhook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The header is not `t=<unix seconds>,v1=<hex>`.
    #[error("the Platinum-Signature header is not t=<unix seconds>,v1=<hex signature>")]
    Malformed,
    /// No `v1` signature matches the body under this secret: a forgery, an altered body or
    /// another secret.
    #[error("the signature does not match this body and secret")]
    Mismatch,
    /// Authentic, but signed too long ago (or ahead): a replay, or a clock that is off.
    #[error("signed {age_secs} s before now, outside the {tolerance_secs} s allowed (a replayed request or a clock off)")]
    OutsideTolerance {
        /// The receiver's time minus the signature's (negative when signed in its future).
        age_secs: i64,
        /// How far apart the two may be.
        tolerance_secs: i64,
    },
}

/// Checks a `Platinum-Signature` `header` against the raw `body` as received, for a receiver
/// whose clock says `now` (Unix seconds): some `v1` must be the HMAC under `secret`, and `t`
/// within `tolerance_secs` of `now` ([`DEFAULT_TOLERANCE_SECS`] is advised).
///
/// ```
/// use platinum_collector::webhook::{DEFAULT_TOLERANCE_SECS, sign, verify};
/// let secret = "a shared secret of at least 32 characters";
/// let body = br#"{"type":"feedback.created"}"#;
/// let header = sign(secret, 1_800_000_000, body);
/// assert!(verify(secret, &header, body, 1_800_000_060, DEFAULT_TOLERANCE_SECS).is_ok());
/// ```
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for (key, value) in header.split(',').filter_map(|pair| pair.trim().split_once('=')) {
        match key {
            "t" => timestamp = value.parse::<i64>().ok(),
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp.filter(|_| !signatures.is_empty()) else {
        return Err(VerifyError::Malformed);
    };
    let expected = signature_hex(secret, timestamp, body);
    // Every candidate is compared in full, so the time taken tells nothing about which matched.
    let matched = signatures.iter().fold(Choice::from(0), |any, given| any | expected.as_bytes().ct_eq(given.as_bytes()));
    if !bool::from(matched) {
        return Err(VerifyError::Mismatch);
    }
    let age_secs = now.saturating_sub(timestamp);
    if age_secs.saturating_abs() > tolerance_secs {
        return Err(VerifyError::OutsideTolerance { age_secs, tolerance_secs });
    }
    Ok(())
}

/// Posts the webhook `body` signed now, with `idempotency_key` (the response id), and says
/// what came of it.
pub async fn deliver_webhook(client: &Client, webhook: &Webhook, idempotency_key: &str, body: Vec<u8>) -> Outcome {
    let signature = sign(&webhook.secret.0, OffsetDateTime::now_utc().unix_timestamp(), &body);
    let request = client.post(webhook.url.clone()).header(SIGNATURE_HEADER, signature).header("Idempotency-Key", idempotency_key);
    post_json(request, &webhook.url, body).await
}

/// Posts a Slack `message` (from [`slack_message`]) and says what came of it.
pub async fn deliver_slack(client: &Client, slack: &SlackWebhook, message: &Value) -> Outcome {
    post_json(client.post(slack.url.clone()), &slack.url, message.to_string().into_bytes()).await
}

async fn post_json(request: reqwest::RequestBuilder, url: &Url, body: Vec<u8>) -> Outcome {
    match request.header(CONTENT_TYPE, "application/json").body(body).send().await {
        Ok(mut answer) => {
            let status = answer.status().as_u16();
            let retry_after = retry_after(answer.headers());
            // Only a snippet is shown; an answer cut short by the timeout still has its status.
            let mut start = Vec::new();
            while start.len() < MAX_ANSWER_BYTES {
                match answer.chunk().await {
                    Ok(Some(chunk)) => start.extend_from_slice(&chunk),
                    Ok(None) | Err(_) => break,
                }
            }
            from_http_status(status, retry_after, &String::from_utf8_lossy(&start))
        }
        Err(e) if e.is_builder() => {
            Outcome::Refused { reason: format!("the request to {} could not be made: {}", host_of(url), causes(e)) }
        }
        Err(e) => Outcome::Retry { after: None, reason: network_reason(url, e) },
    }
}

/// `Retry-After` in seconds; an HTTP date is ignored and the usual backoff applies.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// What went wrong on the way, naming the host but never the URL, whose path may be a secret.
fn network_reason(url: &Url, error: reqwest::Error) -> String {
    let host = host_of(url);
    let what = if error.is_timeout() {
        format!("no answer from {host} within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        format!("could not connect to {host}")
    } else {
        format!("the request to {host} failed")
    };
    format!("{what}: {}", causes(error))
}

/// The error's sources, innermost last. reqwest's own message says little beyond the URL, and
/// hyper's `client error (Connect)` only repeats what [`network_reason`] says, so both are left
/// out while there is anything else.
fn causes(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.starts_with("client error (") && !causes.contains(&text) {
            causes.push(text);
        }
        source = cause.source();
    }
    if causes.is_empty() {
        causes.push(error.to_string());
    }
    causes.join(": ")
}

/// The Slack message for `response`: a heading with the rating as stars and words and the page,
/// the comment quoted (cut at [`COMMENT_PREVIEW_CHARS`] with "…" and a link to the whole), the
/// visitor's e-mail if given and a link to `link` in the dashboard.
///
/// `text` holds the whole message for receivers that ignore `blocks`. Visitor text is escaped
/// (`&`, `<`, `>`) and the blocks are `verbatim`, so a comment cannot mention anyone, link
/// anything or quote itself as the collector; `*_~` in it may still format it.
pub fn slack_message(kind: AlertKind, response: &StoredFeedback, link: &str) -> Value {
    let heading = match kind {
        AlertKind::Feedback => "New feedback",
        AlertKind::Test => "Test alert",
    };
    let summary = format!("*{heading}: {}* on {}", rating_text(response.rated_on(), response.rating), page_text(response));
    let comment = comment_quote(&response.comment, link);
    let mut footer = Vec::new();
    if let Some((email, _)) = response.reply_address() {
        footer.push(format!("From <mailto:{}|{}>", link_target(email), escape_mrkdwn(email)));
    }
    if let Some(user) = crate::mail::user_line(response) {
        footer.push(format!("User {}", escape_mrkdwn(&user)));
    }
    if !response.metadata.0.is_empty() {
        let facts: Vec<String> = response.metadata.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        footer.push(escape_mrkdwn(&facts.join(", ")));
    }
    footer.push(format!("<{}|Open in the dashboard>", link_target(link)));
    let footer = footer.join(" · ");
    let text = format!("{summary}\n{comment}\n{footer}");
    let mrkdwn = |text: String| json!({ "type": "mrkdwn", "text": text, "verbatim": true });
    json!({
        "text": text,
        "blocks": [
            { "type": "section", "text": mrkdwn(summary) },
            { "type": "section", "text": mrkdwn(comment) },
            { "type": "context", "elements": [mrkdwn(footer)] },
        ],
        // Visitors' links are not fetched for a preview.
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The rating as its scale shows it: `★★☆☆☆ Bad (2 of 5)` with the widget's English words on
/// csat5, `★★☆☆☆ (2 of 5)` on the other five-point scales, `9 of 10 (NPS)`, `👎 not helpful`.
fn rating_text(scale: platinum_payload::Scale, rating: i64) -> String {
    use platinum_payload::Scale;
    const WORDS: [&str; 5] = ["Terrible", "Bad", "Okay", "Good", "Great"];
    let words = crate::rating::rating_words(scale, rating);
    match scale {
        Scale::Nps => words,
        Scale::Thumbs => format!("{} {words}", if rating >= 1 { "👍" } else { "👎" }),
        _ => {
            let full = usize::try_from(rating.clamp(0, 5)).unwrap_or(0);
            let stars = format!("{}{}", "★".repeat(full), "☆".repeat(5 - full));
            let word = (scale == Scale::Csat5).then(|| full.checked_sub(1).and_then(|i| WORDS.get(i))).flatten();
            match word {
                Some(word) => format!("{stars} {word} ({words})"),
                None => format!("{stars} ({words})"),
            }
        }
    }
}

/// The page's title linking to its URL; as plain text when the URL is not http(s).
fn page_text(response: &StoredFeedback) -> String {
    let title = response.page_title.split_whitespace().collect::<Vec<_>>().join(" ");
    let label = if title.is_empty() { &response.page_url } else { &title };
    let label = escape_mrkdwn(&cut(label, MAX_TITLE_CHARS).0);
    let url = response.page_url.to_ascii_lowercase();
    if url.starts_with("https://") || url.starts_with("http://") { format!("<{}|{label}>", link_target(&response.page_url)) } else { label }
}

/// The comment as a block quote, cut with a link to the whole when long.
fn comment_quote(comment: &str, link: &str) -> String {
    if comment.trim().is_empty() {
        return "_No comment._".to_owned();
    }
    let (shown, was_cut) = cut(comment.trim(), COMMENT_PREVIEW_CHARS);
    let mut quote = escape_mrkdwn(&shown).lines().map(|line| format!("> {line}")).collect::<Vec<_>>().join("\n");
    if was_cut {
        quote.push_str(&format!(" <{}|Read the whole comment>", link_target(link)));
    }
    quote
}

/// `text` up to `max` characters; when longer, cut at a space near there, with "…".
fn cut(text: &str, max: usize) -> (String, bool) {
    let Some((end, _)) = text.char_indices().nth(max) else {
        return (text.to_owned(), false);
    };
    let head = &text[..end];
    // A word boundary in the last tenth keeps the cut from splitting a word.
    let at_space = head.rfind(char::is_whitespace).filter(|&space| head[space..].chars().count() <= max / 10 + 1);
    let head = at_space.map_or(head, |space| &head[..space]);
    (format!("{}…", head.trim_end()), true)
}

/// Visitor text made inert in mrkdwn: Slack reads `<…>` as links and mentions, and `&…;` as
/// entities.
pub fn escape_mrkdwn(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A URL fit for `<url|label>`: the characters that would end the link or its target
/// (`|`, `<`, `>`, spaces, controls) percent-encoded.
fn link_target(url: &str) -> String {
    let mut target = String::with_capacity(url.len());
    for c in url.chars() {
        if matches!(c, '|' | '<' | '>') || c.is_whitespace() || c.is_control() {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                target.push_str(&format!("%{byte:02X}"));
            }
        } else {
            target.push(c);
        }
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_0123456789abcdefghijklmnopqrstuv";
    const LINK: &str = "https://collector.shop.example/dashboard/feedback/abc";

    #[test]
    fn slack_messages_show_the_rating_on_its_scale() {
        use platinum_payload::Scale;
        assert_eq!(rating_text(Scale::Csat5, 2), "★★☆☆☆ Bad (2 of 5)");
        assert_eq!(rating_text(Scale::Stars5, 4), "★★★★☆ (4 of 5)");
        assert_eq!(rating_text(Scale::Nps, 9), "9 of 10 (NPS)");
        assert_eq!(rating_text(Scale::Thumbs, 0), "👎 not helpful");
        assert_eq!(rating_text(Scale::Thumbs, 1), "👍 helpful");
    }

    fn response(comment: &str) -> StoredFeedback {
        StoredFeedback { comment: comment.into(), email: None, ..sample_feedback() }
    }

    fn text_of(message: &Value) -> String {
        message["text"].as_str().expect("text").to_owned()
    }

    #[test]
    fn the_signature_matches_one_computed_independently() {
        // python3: hmac.new(SECRET, b"1800000000." + BODY, hashlib.sha256).hexdigest()
        let body = br#"{"type":"feedback.created","id":"abc"}"#;
        assert_eq!(sign(SECRET, 1_800_000_000, body), "t=1800000000,v1=45275d9cb59ef42f447fb11df03dda140fad8d10af84488d70bc897f2338c97e");
    }

    #[test]
    fn verify_accepts_a_good_signature_and_refuses_anything_else() {
        let body = br#"{"type":"feedback.created","id":"abc"}"#;
        let now = 1_800_000_000;
        let header = sign(SECRET, now - 60, body);
        assert_eq!(verify(SECRET, &header, body, now, DEFAULT_TOLERANCE_SECS), Ok(()));
        let other_secret = "another-secret-of-at-least-32-characters";
        assert_eq!(verify(other_secret, &header, body, now, DEFAULT_TOLERANCE_SECS), Err(VerifyError::Mismatch));
        let tampered = br#"{"type":"feedback.created","id":"abd"}"#;
        assert_eq!(verify(SECRET, &header, tampered, now, DEFAULT_TOLERANCE_SECS), Err(VerifyError::Mismatch));
        let old = sign(SECRET, now - 301, body);
        assert_eq!(
            verify(SECRET, &old, body, now, DEFAULT_TOLERANCE_SECS),
            Err(VerifyError::OutsideTolerance { age_secs: 301, tolerance_secs: 300 })
        );
        let ahead = sign(SECRET, now + 301, body);
        assert!(matches!(verify(SECRET, &ahead, body, now, DEFAULT_TOLERANCE_SECS), Err(VerifyError::OutsideTolerance { .. })));
        // A changed t invalidates the signature: the time is part of what is signed.
        let moved = header.replace(&format!("t={}", now - 60), &format!("t={now}"));
        assert_eq!(verify(SECRET, &moved, body, now, DEFAULT_TOLERANCE_SECS), Err(VerifyError::Mismatch));
        for malformed in ["", "v1=00", "t=abc,v1=00", &format!("t={now}")] {
            assert_eq!(verify(SECRET, malformed, body, now, DEFAULT_TOLERANCE_SECS), Err(VerifyError::Malformed), "{malformed:?}");
        }
    }

    #[test]
    fn any_matching_v1_is_enough_so_secrets_can_be_rotated() {
        let body = b"{}";
        let old = sign("the-old-secret-of-at-least-32-characters", 100, body);
        let new = sign(SECRET, 100, body);
        let both = format!("{new},{}", old.trim_start_matches("t=100,"));
        assert_eq!(verify("the-old-secret-of-at-least-32-characters", &both, body, 100, 300), Ok(()));
        assert_eq!(verify(SECRET, &both, body, 100, 300), Ok(()));
    }

    #[test]
    fn options_take_http_urls_and_long_secrets_only() {
        assert_eq!(
            parse_webhook_url(" https://hooks.shop.example/platinum ").map(String::from),
            Ok("https://hooks.shop.example/platinum".into())
        );
        assert!(parse_webhook_url("http://127.0.0.1:9000/hook").is_ok());
        assert_eq!(
            parse_webhook_url("ftp://x"),
            Err(r#"--webhook "ftp://x" is not an http(s) URL such as https://hooks.shop.example/platinum"#.into())
        );
        for bad in ["hooks.shop.example/platinum", "https://", "mailto:owner@shop.example", ""] {
            assert!(parse_webhook_url(bad).is_err(), "{bad:?}");
        }
        let slack = parse_slack_webhook_url("hooks.slack.com/services/T/B/X").expect_err("no scheme");
        assert!(slack.starts_with("--slack-webhook "), "{slack}");

        let short = parse_webhook_secret("  too-short-secret  ").expect_err("short");
        assert!(short.contains("--webhook-secret") && short.contains("at least 32 characters, got 16"), "{short}");
        assert!(!short.contains("too-short-secret"), "the error does not repeat the secret: {short}");
        assert!(parse_webhook_secret(&"é".repeat(32)).is_ok(), "counted in characters");
    }

    #[test]
    fn secrets_and_urls_stay_out_of_debug_output() {
        let webhook = Webhook {
            url: parse_webhook_url("https://hooks.shop.example/platinum?token=url-token").expect("url"),
            secret: parse_webhook_secret(SECRET).expect("secret"),
        };
        let slack = SlackWebhook { url: parse_slack_webhook_url("https://hooks.slack.com/services/T0/B0/slack-path-secret").expect("url") };
        let shown = format!("{webhook:?} {webhook} {slack:?} {slack}");
        for secret in [SECRET, "url-token", "slack-path-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("hooks.shop.example") && shown.contains("hooks.slack.com"), "{shown}");
    }

    #[test]
    fn the_webhook_body_is_the_documented_event() {
        let stored = StoredFeedback { received_at: "2026-11-23T10:00:00.000Z".into(), ..response("Too slow") };
        let body = webhook_body(AlertKind::Feedback, &stored, LINK).expect("body");
        let text = String::from_utf8(body).expect("utf-8");
        assert!(
            text.starts_with(&format!(r#"{{"type":"feedback.created","id":"{}","created":1795428000,"data":{{"id":"#, stored.id)),
            "{text}"
        );
        let event: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(event["link"], LINK);
        assert_eq!(event["data"]["comment"], "Too slow");
        assert_eq!(event["data"]["rating"], 2);
        assert_eq!(event["data"]["page_url"], "https://www.example.com/checkout");
        let test = webhook_body(AlertKind::Test, &stored, LINK).expect("body");
        assert_eq!(serde_json::from_slice::<Value>(&test).expect("json")["type"], "feedback.test");
    }

    #[test]
    fn a_comment_cannot_mention_or_link_in_slack() {
        let message = slack_message(AlertKind::Feedback, &response("Hey <!channel> look <https://evil.example|click> & <@U123>"), LINK);
        let text = text_of(&message);
        assert!(text.contains("> Hey &lt;!channel&gt; look &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;"), "{text}");
        let all = message.to_string();
        for live in ["<!channel>", "<https://evil", "<@U123>"] {
            assert!(!all.contains(live), "{live} in {all}");
        }
        assert_eq!(
            message["blocks"][1]["text"]["text"],
            "> Hey &lt;!channel&gt; look &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;"
        );
        assert_eq!(message["blocks"][1]["text"]["verbatim"], true);
    }

    #[test]
    fn slack_shows_rating_page_email_and_the_dashboard_link() {
        let stored = StoredFeedback {
            rating: 1,
            email: Some("ann@example.com".into()),
            page_title: "Cart <b>\n now".into(),
            page_url: "https://shop.example/cart?a=1|2".into(),
            ..response("Line one\nLine two")
        };
        let text = text_of(&slack_message(AlertKind::Feedback, &stored, LINK));
        assert_eq!(
            text,
            format!(
                "*New feedback: ★☆☆☆☆ Terrible (1 of 5)* on <https://shop.example/cart?a=1%7C2|Cart &lt;b&gt; now>\n\
                 > Line one\n> Line two\n\
                 From <mailto:ann@example.com|ann@example.com> · <{LINK}|Open in the dashboard>"
            )
        );
        let test = text_of(&slack_message(AlertKind::Test, &sample_feedback(), LINK));
        assert!(test.starts_with("*Test alert: ★★☆☆☆ Bad (2 of 5)*"), "{test}");
        let plain = StoredFeedback { page_url: "javascript:alert(1)".into(), page_title: String::new(), ..response("") };
        let text = text_of(&slack_message(AlertKind::Feedback, &plain, LINK));
        assert!(text.contains("* on javascript:alert(1)\n_No comment._\n"), "not a link: {text}");
    }

    #[test]
    fn slack_cuts_a_long_comment_and_links_to_the_whole() {
        let long = format!("{} {}", "word ".repeat(99), "x".repeat(600));
        let text = text_of(&slack_message(AlertKind::Feedback, &response(&long), LINK));
        let quote = text.lines().nth(1).expect("comment line");
        assert!(quote.ends_with(&format!("word… <{LINK}|Read the whole comment>")), "cut between words: {quote}");
        assert!(!quote.contains("xx"), "{quote}");

        let unbroken = "é".repeat(800);
        let text = text_of(&slack_message(AlertKind::Feedback, &response(&unbroken), LINK));
        let quote = text.lines().nth(1).expect("comment line");
        assert!(quote.starts_with(&format!("> {}…", "é".repeat(COMMENT_PREVIEW_CHARS))), "{quote}");
        assert!(!quote.contains(&"é".repeat(COMMENT_PREVIEW_CHARS + 1)));

        let exact = "a".repeat(COMMENT_PREVIEW_CHARS);
        let text = text_of(&slack_message(AlertKind::Feedback, &response(&exact), LINK));
        assert!(!text.contains('…') && !text.contains("Read the whole comment"), "{text}");
    }
}
