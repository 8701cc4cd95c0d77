//! The e-mail channel: which SMTP server to use and as whom, the messages the collector writes
//! (alerts to the owner, the owner's replies to visitors, a test message) and handing them over.
//!
//! The server comes from one URL (`--smtp-url`): `smtp://` requires STARTTLS, `smtps://` is TLS
//! from the first byte, and `smtp://host:port?tls=none` is a plain connection for a server on the
//! same machine. Its password is kept out of every `Debug`, `Display`, error and delivery reason.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{MessageBuilder, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use maud::{DOCTYPE, Markup, html};
use percent_encoding::percent_decode_str;

use crate::delivery::{Links, Outcome};
use crate::digest::{Digest, DigestItem};
use crate::rating::Unhappiness;
use crate::store::{AddressSource, StoredFeedback};

pub use lettre::message::Mailbox;

/// How the option is named in errors, on the command line and in the environment.
const SMTP_URL_OPTION: &str = "--smtp-url (PLATINUM_SMTP_URL)";
/// The three accepted forms, for error messages.
const SMTP_URL_FORMS: &str =
    "smtp://user:password@mail.example:587, smtps://user:password@mail.example:465 or smtp://localhost:25?tls=none";

/// How long connecting, and then the whole exchange with the server, may take. The transport
/// only bounds the connect; a server that accepts and then says nothing must not hold a delivery
/// forever.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// About how much of a comment a subject shows.
const SUBJECT_COMMENT_CHARS: usize = 60;
/// About how much of a page title a reply's subject shows.
const SUBJECT_TITLE_CHARS: usize = 80;
/// About how much of a page title a message body shows.
const BODY_TITLE_CHARS: usize = 300;
/// About how much of a comment an alert shows before linking to the whole.
const ALERT_COMMENT_CHARS: usize = 1000;

static RESPONSE_ID_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Platinum-Response-Id");

const BODY_STYLE: &str = "font-family: sans-serif; line-height: 1.4";
const QUOTE_STYLE: &str = "margin: 0.5em 0 0.5em 0.8ex; padding-left: 1ex; border-left: 3px solid #ccc; white-space: pre-wrap";

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain at first, then STARTTLS, which the server must offer.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Tls,
    /// `smtp://…?tls=none`: no encryption, for a server on the same machine or in tests.
    Plain,
}

/// The mail server, as `--smtp-url` names it. Its `Debug` and `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    /// Host name or IP address (without brackets).
    pub host: String,
    /// Port; 587, 465 or 25 when the URL gives none.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    login: Option<Login>,
}

#[derive(Clone, PartialEq, Eq)]
struct Login {
    user: String,
    password: String,
}

impl SmtpUrl {
    /// The user name the collector logs in with, if any.
    pub fn user(&self) -> Option<&str> {
        self.login.as_ref().map(|login| login.user.as_str())
    }

    /// `host:port`, as delivery reasons name the server.
    pub fn address(&self) -> String {
        if self.host.contains(':') { format!("[{}]:{}", self.host, self.port) } else { format!("{}:{}", self.host, self.port) }
    }

    fn password(&self) -> Option<&str> {
        self.login.as_ref().map(|login| login.password.as_str()).filter(|password| !password.is_empty())
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user())
            .field("password", &self.login.as_ref().map(|_| "(hidden)"))
            .finish()
    }
}

impl fmt::Display for SmtpUrl {
    /// The URL without its password: `smtp://user@host:587`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.security == Security::Tls { "smtps" } else { "smtp" };
        let user = self.user().map(|user| format!("{user}@")).unwrap_or_default();
        let plain = if self.security == Security::Plain { "?tls=none" } else { "" };
        write!(f, "{scheme}://{user}{}{plain}", self.address())
    }
}

/// Reads `--smtp-url`. Errors name the option and never repeat the password.
///
/// As a clap `value_parser` prefer [`SmtpUrlParser`]: clap repeats a rejected value, password and
/// all, in front of the message of a plain function.
pub fn parse_smtp_url(value: &str) -> Result<SmtpUrl, String> {
    let url = url::Url::parse(value.trim())
        .map_err(|e| format!("{SMTP_URL_OPTION} is not a URL such as {SMTP_URL_FORMS} ({e})"))?;
    let security = security_of(&url)?;
    let host = match url.host() {
        Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => return Err(format!("{SMTP_URL_OPTION} names no mail server: give one as in {SMTP_URL_FORMS}")),
    };
    if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
        return Err(format!("{SMTP_URL_OPTION} has a path or #fragment; it takes only {SMTP_URL_FORMS}"));
    }
    let login = login_of(&url)?;
    if login.is_some() && security == Security::Plain {
        return Err(format!(
            "{SMTP_URL_OPTION} has a user and password but tls=none would send them unencrypted: use smtps:// or smtp:// (STARTTLS)"
        ));
    }
    if security != Security::Plain {
        TlsParameters::new(host.clone())
            .map_err(|e| format!("{SMTP_URL_OPTION}: {host} cannot be checked against a TLS certificate ({e})"))?;
    }
    let port = url.port().unwrap_or(match security {
        Security::StartTls => 587,
        Security::Tls => 465,
        Security::Plain => 25,
    });
    Ok(SmtpUrl { host, port, security, login })
}

fn security_of(url: &url::Url) -> Result<Security, String> {
    let mut plain = false;
    for (key, value) in url.query_pairs() {
        if key == "tls" && value == "none" {
            plain = true;
        } else {
            // Only the key is repeated: a value could be a secret put in the wrong place.
            return Err(format!("{SMTP_URL_OPTION} knows only ?tls=none, not ?{key}=…"));
        }
    }
    match (url.scheme(), plain) {
        ("smtp", false) => Ok(Security::StartTls),
        ("smtp", true) => Ok(Security::Plain),
        ("smtps", false) => Ok(Security::Tls),
        ("smtps", true) => Err(format!("{SMTP_URL_OPTION}: smtps:// always uses TLS; a plain connection is smtp://host:port?tls=none")),
        (other, _) => Err(format!("{SMTP_URL_OPTION} must start with smtp:// or smtps://, not {other}://")),
    }
}

fn login_of(url: &url::Url) -> Result<Option<Login>, String> {
    let decode = |part: &str, what: &str| {
        percent_decode_str(part)
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| format!("{SMTP_URL_OPTION}: the {what} is not UTF-8 once percent-decoded"))
    };
    let user = decode(url.username(), "user name")?;
    let password = url.password().map(|password| decode(password, "password")).transpose()?;
    match (user.is_empty(), password) {
        (true, None) => Ok(None),
        (true, Some(_)) => Err(format!("{SMTP_URL_OPTION} has a password but no user name (smtp://user:password@host)")),
        (false, None) => Err(format!("{SMTP_URL_OPTION} has a user name but no password (smtp://user:password@host)")),
        (false, Some(password)) => Ok(Some(Login { user, password })),
    }
}

/// `--smtp-url` for clap, with errors that do not repeat the value (it may hold a password).
#[derive(Debug, Clone, Copy, Default)]
pub struct SmtpUrlParser;

impl clap::builder::TypedValueParser for SmtpUrlParser {
    type Value = SmtpUrl;

    fn parse_ref(&self, cmd: &clap::Command, _arg: Option<&clap::Arg>, value: &std::ffi::OsStr) -> Result<SmtpUrl, clap::Error> {
        let text = value.to_str().ok_or_else(|| format!("{SMTP_URL_OPTION} is not UTF-8"));
        text.and_then(parse_smtp_url)
            .map_err(|message| clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{message}\n")).with_cmd(cmd))
    }
}

/// Reads `--mail-from`, the address the collector's mail comes from (`alerts@shop.example` or
/// `Shop alerts <alerts@shop.example>`).
pub fn parse_mail_from(value: &str) -> Result<Mailbox, String> {
    parse_mailbox("--mail-from", value, "alerts@shop.example")
}

/// Reads `--mail-to`, the owner's address: alerts go there, and visitors' answers to replies.
pub fn parse_mail_to(value: &str) -> Result<Mailbox, String> {
    parse_mailbox("--mail-to", value, "owner@shop.example")
}

fn parse_mailbox(option: &str, value: &str, example: &str) -> Result<Mailbox, String> {
    value.trim().parse().map_err(|_| format!("{option} {value:?} is not an e-mail address such as {example}"))
}

/// Everything the e-mail channel is configured with.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP server (`--smtp-url`).
    pub server: SmtpUrl,
    /// Who the collector's mail comes from (`--mail-from`).
    pub from: Mailbox,
    /// The owner (`--mail-to`).
    pub owner: Mailbox,
    /// Which ratings make an alert say "Unhappy visitor" (`--unhappy-up-to`, `--nps-unhappy-up-to`).
    pub unhappiness: Unhappiness,
}

impl MailSettings {
    /// Settings from the three options' values; the error names the one that is wrong.
    pub fn parse(smtp_url: &str, mail_from: &str, mail_to: &str) -> Result<Self, String> {
        Ok(Self {
            server: parse_smtp_url(smtp_url)?,
            from: parse_mail_from(mail_from)?,
            owner: parse_mail_to(mail_to)?,
            unhappiness: Unhappiness::default(),
        })
    }
}

/// A message ready to hand to the server, or the reason it cannot be sent (which
/// [`Mailer::send`] reports as [`Outcome::Refused`]).
#[derive(Debug, Clone)]
pub struct Mail {
    message_id: String,
    subject: String,
    message: Result<Message, String>,
}

impl Mail {
    /// An alert to the owner about a stored response. Its `Reply-To` is the visitor when they left
    /// an address, so that answering from a mail client reaches them; `link` (the response in the
    /// dashboard) is where a long comment can be read whole.
    pub fn alert(response: &StoredFeedback, link: &str, settings: &MailSettings) -> Mail {
        let up_to = settings.unhappiness;
        let subject = alert_subject(response, up_to);
        let message_id = new_message_id(&settings.from);
        let reply_to = visitor_mailbox(response).ok();
        let message = headers(settings, settings.owner.clone(), reply_to, &subject, &message_id)
            .raw_header(HeaderValue::new(RESPONSE_ID_HEADER.clone(), header_text(&response.id)))
            .multipart(MultiPart::alternative_plain_html(alert_text(response, link, up_to), alert_html(response, link, &subject, up_to).into_string()))
            .map_err(|e| format!("the alert about response {} could not be written: {e}", response.id));
        Mail { message_id, subject, message }
    }

    /// The owner's reply to the visitor who wrote `response`, quoting their words. Answers come
    /// back to the owner (`Reply-To`). `previous_message_ids` are the ids of mail already sent to
    /// this visitor about it, oldest first; the reply is threaded under them.
    ///
    /// A response without a usable visitor address gives a mail that [`Mailer::send`] refuses.
    pub fn reply(response: &StoredFeedback, owner_text: &str, previous_message_ids: &[String], settings: &MailSettings) -> Mail {
        Self::reply_as(new_message_id(&settings.from), response, owner_text, previous_message_ids, settings)
    }

    /// As [`Mail::reply`], with the `Message-ID` chosen when the reply was written, so that every
    /// try carries the same one and later replies thread under it.
    pub fn reply_as(message_id: String, response: &StoredFeedback, owner_text: &str, previous_message_ids: &[String], settings: &MailSettings) -> Mail {
        let subject = format!("Re: your feedback on {}", page_name(response, SUBJECT_TITLE_CHARS));
        let message = visitor_mailbox(response).and_then(|visitor| {
            let body = MultiPart::alternative_plain_html(reply_text(response, owner_text), reply_html(response, owner_text, &subject).into_string());
            threaded(headers(settings, visitor, Some(settings.owner.clone()), &subject, &message_id), previous_message_ids)
                .multipart(body)
                .map_err(|e| format!("the reply about response {} could not be written: {e}", response.id))
        });
        Mail { message_id, subject, message }
    }

    /// A short message to the owner that shows the settings work (`notify-test`).
    pub fn test(settings: &MailSettings) -> Mail {
        let subject = "Platinum test message".to_owned();
        let message_id = new_message_id(&settings.from);
        let text = format!(
            "This is a test message from the Platinum collector.\n\n\
             Alerts about visitors' feedback will come like this one: from {} to {}, through {}.\n",
            settings.from, settings.owner, settings.server
        );
        let message = headers(settings, settings.owner.clone(), None, &subject, &message_id)
            .singlepart(SinglePart::plain(text))
            .map_err(|e| format!("the test message could not be written: {e}"));
        Mail { message_id, subject, message }
    }

    /// A digest of a period to the owner.
    pub fn digest(digest: &Digest, links: &Links, settings: &MailSettings) -> Mail {
        let subject = digest_subject(digest);
        let message_id = new_message_id(&settings.from);
        let message = headers(settings, settings.owner.clone(), None, &subject, &message_id)
            .multipart(MultiPart::alternative_plain_html(digest_text(digest, links), digest_html(digest, links, &subject).into_string()))
            .map_err(|e| format!("the digest could not be written: {e}"));
        Mail { message_id, subject, message }
    }

    /// The `Message-ID` header, angle brackets included: store it to thread later replies.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// The subject, as the owner will see it.
    pub fn subject(&self) -> &str {
        &self.subject
    }
}

/// The headers every message has.
fn headers(settings: &MailSettings, to: Mailbox, reply_to: Option<Mailbox>, subject: &str, message_id: &str) -> MessageBuilder {
    let builder = Message::builder()
        .from(settings.from.clone())
        .to(to)
        .subject(header_text(subject))
        .message_id(Some(message_id.to_owned()));
    match reply_to {
        Some(reply_to) => builder.reply_to(reply_to),
        None => builder,
    }
}

/// `In-Reply-To` the last of `previous`, `References` all of them (RFC 5322, 3.6.4).
fn threaded(builder: MessageBuilder, previous: &[String]) -> MessageBuilder {
    let ids: Vec<String> = previous.iter().filter_map(|id| message_id_token(id)).collect();
    match ids.last() {
        Some(last) => builder.in_reply_to(last.clone()).references(ids.join(" ")),
        None => builder,
    }
}

/// `<uuid@domain of the From address>`.
fn new_message_id(from: &Mailbox) -> String {
    format!("<{}@{}>", uuid::Uuid::new_v4(), from.email.domain())
}

/// A stored message id as a header token: no spaces or controls, in angle brackets.
fn message_id_token(id: &str) -> Option<String> {
    let core: String = id.chars().filter(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>')).collect();
    (!core.is_empty()).then(|| format!("<{core}>"))
}

fn visitor_mailbox(response: &StoredFeedback) -> Result<Mailbox, String> {
    let email = response.reply_address().map(|(address, _)| address);
    let email = email.ok_or_else(|| format!("response {} has no visitor e-mail address to reply to", response.id))?;
    email
        .parse::<Address>()
        .map(|address| Mailbox::new(None, address))
        .map_err(|_| format!("the visitor's address {email:?} (response {}) is not one mail can be sent to", response.id))
}

fn alert_subject(response: &StoredFeedback, up_to: Unhappiness) -> String {
    let head = format!("{} ({})", verdict(response, up_to), crate::rating::rating_short(response.rated_on(), response.rating));
    let words = snippet(&response.comment, SUBJECT_COMMENT_CHARS);
    if words.is_empty() { head } else { format!("{head}: \"{words}\"") }
}

/// How an alert is headed when `up_to` says which ratings count as unhappy.
fn verdict(response: &StoredFeedback, up_to: Unhappiness) -> &'static str {
    if up_to.is_unhappy(response.rated_on(), response.rating) { "Unhappy visitor" } else { "New feedback" }
}

/// The page's title on one line, or its URL when it has none.
fn page_name(response: &StoredFeedback, max_chars: usize) -> String {
    let title = snippet(&response.page_title, max_chars);
    if title.is_empty() { snippet(&response.page_url, max_chars) } else { title }
}

/// `text` on one line with controls gone, cut to about `max_chars` at a word, `…` when cut.
fn snippet(text: &str, max_chars: usize) -> String {
    let line = header_text(text);
    match cut(&line, max_chars) {
        Some(start) => format!("{start}…"),
        None => line,
    }
}

/// What may go into a header: line breaks, tabs and other controls become single spaces, so
/// visitor text can never start a header of its own.
fn header_text(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
}

/// What may go into a body: `\n` line ends, tabs, no other controls.
fn body_text(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|&c| c == '\n' || c == '\t' || !c.is_control()).collect()
}

/// The start of `text` when it is longer than `max_chars`: cut after a word if one ends in the
/// last fifth, else mid-word. `None` when it fits.
fn cut(text: &str, max_chars: usize) -> Option<&str> {
    let (end, _) = text.char_indices().nth(max_chars)?;
    let start = &text[..end];
    let word_end = start.rfind(char::is_whitespace).filter(|&at| start[..at].chars().count() >= max_chars - max_chars / 5);
    Some(start[..word_end.unwrap_or(end)].trim_end())
}

/// The comment as an alert shows it, and whether it was cut.
fn alert_comment(response: &StoredFeedback) -> (String, bool) {
    let comment = body_text(&response.comment);
    match cut(&comment, ALERT_COMMENT_CHARS) {
        Some(start) => (format!("{start}…"), true),
        None => (comment, false),
    }
}

fn alert_text(response: &StoredFeedback, link: &str, up_to: Unhappiness) -> String {
    let (comment, was_cut) = alert_comment(response);
    let mut text = format!("{}\n\n", headline(response, up_to));
    match comment.trim() {
        "" => text.push_str("(No comment.)\n"),
        _ => text.push_str(&quoted(&comment)),
    }
    if was_cut {
        text.push_str(&format!("\nThe comment goes on; read all of it in the dashboard: {link}\n"));
    }
    text.push_str(&format!("\nPage:     {}\n          {}\n", page_name(response, BODY_TITLE_CHARS), header_text(&response.page_url)));
    if let Some((email, source)) = response.reply_address() {
        text.push_str(&format!("E-mail:   {} ({}; answering this message writes to them)\n", header_text(email), address_source(source)));
    }
    if let Some(user) = user_line(response) {
        text.push_str(&format!("User:     {}\n", header_text(&user)));
    }
    for (key, value) in &response.metadata.0 {
        text.push_str(&format!("{}: {}\n", header_text(key), header_text(value)));
    }
    text.push_str(&format!("Received: {}\n\nIn the dashboard: {link}\n", response.received_at));
    text
}

/// `Unhappy visitor: 1 of 5 on Cart.`, `New feedback: 9 of 10 (NPS) on Cart.`
fn headline(response: &StoredFeedback, up_to: Unhappiness) -> String {
    format!("{}: {} on {}.", verdict(response, up_to), response.rating_words(), page_name(response, BODY_TITLE_CHARS))
}

/// "typed by the visitor" or "their account's address".
fn address_source(source: AddressSource) -> &'static str {
    match source {
        AddressSource::Typed => "typed by the visitor",
        AddressSource::Account => "their account's address",
    }
}

/// The signed-in visitor: `Ana Silva <ana@shop.example>, id u_4821`, as much as is known.
pub fn user_line(response: &StoredFeedback) -> Option<String> {
    let mut parts = Vec::new();
    match (&response.user_name, &response.user_email) {
        (Some(name), Some(email)) => parts.push(format!("{name} <{email}>")),
        (Some(known), None) | (None, Some(known)) => parts.push(known.clone()),
        (None, None) => {}
    }
    if let Some(id) = &response.user_id {
        parts.push(format!("id {id}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn alert_html(response: &StoredFeedback, link: &str, subject: &str, up_to: Unhappiness) -> Markup {
    let (comment, was_cut) = alert_comment(response);
    let page = page_name(response, BODY_TITLE_CHARS);
    page_html(
        subject,
        html! {
            p { strong { (headline(response, up_to)) } }
            @if comment.trim().is_empty() {
                p { em { "No comment." } }
            } @else {
                blockquote style=(QUOTE_STYLE) { (comment) }
            }
            @if was_cut {
                p { "The comment goes on: " (web_link(link, "read all of it in the dashboard")) "." }
            }
            table {
                tr { th align="left" { "Page" } td { (web_link(&response.page_url, &page)) } }
                @if let Some((email, source)) = response.reply_address() {
                    tr { th align="left" { "E-mail" } td { (email) " (" (address_source(source)) "; answering this message writes to them)" } }
                }
                @if let Some(user) = user_line(response) {
                    tr { th align="left" { "User" } td { (user) } }
                }
                @for (key, value) in &response.metadata.0 {
                    tr { th align="left" { (key) } td { (value) } }
                }
                tr { th align="left" { "Received" } td { (response.received_at) } }
            }
            p { (web_link(link, "Open it in the dashboard")) }
        },
    )
}

fn reply_text(response: &StoredFeedback, owner_text: &str) -> String {
    let mut text = body_text(owner_text).trim_end().to_owned();
    text.push_str(&format!("\n\n{}\n", reply_attribution(response)));
    text.push_str(&quoted(&visitor_words(response)));
    text
}

fn reply_html(response: &StoredFeedback, owner_text: &str, subject: &str) -> Markup {
    page_html(
        subject,
        html! {
            div style="white-space: pre-wrap" { (body_text(owner_text).trim_end()) }
            p { (reply_attribution(response)) }
            blockquote style=(QUOTE_STYLE) { (visitor_words(response)) }
        },
    )
}

fn reply_attribution(response: &StoredFeedback) -> String {
    format!("On {} you wrote about {} ({}):", response.received_at, page_name(response, BODY_TITLE_CHARS), header_text(&response.page_url))
}

/// What the visitor said, as a reply quotes it.
fn visitor_words(response: &StoredFeedback) -> String {
    let comment = body_text(&response.comment);
    match comment.trim() {
        "" => format!("(A rating of {}, without a comment.)", response.rating_words()),
        words => words.to_owned(),
    }
}

/// `text` with every line behind `> `, as mail clients quote.
fn quoted(text: &str) -> String {
    text.lines().map(|line| if line.is_empty() { ">\n".to_owned() } else { format!("> {line}\n") }).collect()
}

/// A link when `url` is a web address; visitors choose page URLs, and a `javascript:` one must
/// stay text.
fn web_link(url: &str, text: &str) -> Markup {
    let lower = url.trim_start().to_ascii_lowercase();
    html! {
        @if lower.starts_with("https://") || lower.starts_with("http://") {
            a href=(url) { (text) }
        } @else {
            (text)
        }
    }
}

fn page_html(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html {
            head { meta charset="utf-8"; title { (title) } }
            body style=(BODY_STYLE) { (content) }
        }
    }
}

/// "Daily digest: 12 responses, average 3.8 (up 0.2), NPS +33 (down 4), 75% thumbs up; 3
/// waiting for an answer", each figure only when the period had responses on its scales.
pub fn digest_subject(digest: &Digest) -> String {
    let period = if digest.period == "weekly" { "Weekly" } else { "Daily" };
    let mut subject = format!("{period} digest: {} {}", digest.responses, if digest.responses == 1 { "response" } else { "responses" });
    if let Some(average) = digest.average {
        subject.push_str(&format!(", average {average:.1}"));
        if let Some(before) = digest.previous_average {
            subject.push_str(&change(average - before, 1));
        }
    }
    if let Some(nps) = digest.nps {
        subject.push_str(&format!(", NPS {}", crate::rating::nps_score_words(nps.score)));
        if let Some(before) = digest.previous_nps {
            subject.push_str(&change(nps.score - before.score, 0));
        }
    }
    if let Some(thumbs) = digest.thumbs {
        subject.push_str(&format!(", {:.0}% thumbs up", thumbs.up_percent));
    }
    if digest.waiting_total > 0 {
        subject.push_str(&format!("; {} waiting for an answer", digest.waiting_total));
    }
    subject
}

/// " (up 0.2)", " (down 4)" or " (unchanged)" when the change shows as zero with `decimals`.
fn change(delta: f64, decimals: usize) -> String {
    let size = format!("{:.decimals$}", delta.abs());
    if size.chars().all(|c| c == '0' || c == '.') {
        " (unchanged)".to_owned()
    } else if delta > 0.0 {
        format!(" (up {size})")
    } else {
        format!(" (down {size})")
    }
}

/// The period's figures as (heading, value), for the text and the HTML alike: each scale's
/// only when the period had responses on it.
fn digest_figures(digest: &Digest) -> Vec<(&'static str, String)> {
    let mut figures = vec![("Responses", format!("{} (the period before: {})", digest.responses, digest.previous_responses))];
    if digest.has_five_point() {
        if let Some(average) = digest.average {
            figures.push(("Average rating", format!("{average:.2}")));
        }
        figures.push(("Ratings 1 to 5", digest.distribution.iter().map(ToString::to_string).collect::<Vec<_>>().join(" / ")));
    }
    if let Some(nps) = digest.nps {
        let before = digest.previous_nps.map(|b| format!(" (the period before: {})", crate::rating::nps_score_words(b.score))).unwrap_or_default();
        figures.push(("NPS", format!("{}{before}", crate::rating::nps_score_words(nps.score))));
        figures.push(("Promoters 9–10 / passives 7–8 / detractors 0–6", format!("{} / {} / {}", nps.promoters, nps.passives, nps.detractors)));
    }
    if let Some(thumbs) = digest.thumbs {
        figures.push(("Thumbs up", format!("{:.0}% ({} helpful, {} not helpful)", thumbs.up_percent, thumbs.up, thumbs.down)));
    }
    figures
}

fn digest_text(digest: &Digest, links: &Links) -> String {
    let mut text = format!("{} to {} ({})\n\n", digest.from, digest.to, digest.time_zone);
    for (heading, value) in digest_figures(digest) {
        text.push_str(&format!("{heading}: {value}\n"));
    }
    if digest.waiting_total > 0 {
        text.push_str(&format!("\nWaiting for an answer ({}), oldest first:\n", digest.waiting_total));
        for item in &digest.waiting {
            text.push_str(&digest_item_text(item, links));
        }
    }
    if !digest.newest.is_empty() {
        text.push_str("\nNewest comments:\n");
        for item in &digest.newest {
            text.push_str(&digest_item_text(item, links));
        }
    }
    text
}

fn digest_item_text(item: &DigestItem, links: &Links) -> String {
    let email = item.email.as_deref().map(|e| format!(" — {e}")).unwrap_or_default();
    format!("- {}{email}: {}\n  {}\n", item.rating_words(), body_text(&item.comment).replace('\n', " "), links.response(&item.id))
}

fn digest_html(digest: &Digest, links: &Links, subject: &str) -> Markup {
    let item = |item: &DigestItem| {
        html! {
            li {
                strong { (item.rating_words()) } @if let Some(email) = &item.email { " — " (email) } ": "
                (body_text(&item.comment)) " " (web_link(&links.response(&item.id), "open"))
            }
        }
    };
    page_html(
        subject,
        html! {
            p { (digest.from) " to " (digest.to) " (" (digest.time_zone) ")" }
            table {
                @for (heading, value) in digest_figures(digest) { tr { th align="left" { (heading) } td { (value) } } }
            }
            @if digest.waiting_total > 0 {
                h3 { "Waiting for an answer (" (digest.waiting_total) "), oldest first" }
                ul { @for waiting in &digest.waiting { (item(waiting)) } }
            }
            @if !digest.newest.is_empty() {
                h3 { "Newest comments" }
                ul { @for newest in &digest.newest { (item(newest)) } }
            }
            p { (web_link(&links.dashboard(), "Open the dashboard")) }
        },
    )
}

/// Sends [`Mail`] through the configured server. Cheap to clone; each send opens its own
/// connection, as notifications are few and far between.
#[derive(Clone)]
pub struct Mailer(Arc<Transport>);

struct Transport {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    server: String,
    password: Option<String>,
    settings: MailSettings,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer").field("server", &self.0.server).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for the server in `settings`.
    pub fn new(settings: &MailSettings) -> Result<Self, String> {
        let server = &settings.server;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|e| format!("{SMTP_URL_OPTION}: {host} cannot be checked against a TLS certificate ({e})"))
        };
        let tls = match server.security {
            Security::StartTls => Tls::Required(tls(&server.host)?),
            Security::Tls => Tls::Wrapper(tls(&server.host)?),
            Security::Plain => Tls::None,
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&server.host).port(server.port).tls(tls).timeout(Some(SMTP_TIMEOUT));
        if let Some(login) = &server.login {
            builder = builder.credentials(Credentials::new(login.user.clone(), login.password.clone()));
        }
        let transport = Transport {
            smtp: builder.build(),
            server: server.address(),
            password: server.password().map(str::to_owned),
            settings: settings.clone(),
        };
        Ok(Self(Arc::new(transport)))
    }

    /// The settings it sends with.
    pub fn settings(&self) -> &MailSettings {
        &self.0.settings
    }

    /// Hands `mail` to the server: [`Outcome::Retry`] when it may work later (a `4xx` answer, no
    /// connection, no answer within [`SMTP_TIMEOUT`]), [`Outcome::Refused`] when it will not (a
    /// `5xx` answer such as an address the server refuses, a server without the required TLS).
    pub async fn send(&self, mail: &Mail) -> Outcome {
        let message = match &mail.message {
            Ok(message) => message.clone(),
            Err(reason) => return Outcome::Refused { reason: reason.clone() },
        };
        let server = &self.0.server;
        let outcome = match tokio::time::timeout(SMTP_TIMEOUT, self.0.smtp.send(message)).await {
            Ok(Ok(_)) => Outcome::Delivered,
            Ok(Err(error)) => outcome_of(&error, server),
            Err(_) => Outcome::Retry { after: None, reason: format!("{server} did not finish taking the message within {SMTP_TIMEOUT:?}") },
        };
        self.redacted(outcome)
    }

    /// The outcome with the password replaced, should any server or library ever repeat it.
    fn redacted(&self, outcome: Outcome) -> Outcome {
        let Some(password) = &self.0.password else { return outcome };
        let hide = |reason: String| reason.replace(password.as_str(), "(password)");
        match outcome {
            Outcome::Retry { after, reason } => Outcome::Retry { after, reason: hide(reason) },
            Outcome::Refused { reason } => Outcome::Refused { reason: hide(reason) },
            Outcome::Delivered => Outcome::Delivered,
        }
    }
}

/// What an SMTP failure means for the next try, in words for the owner.
fn outcome_of(error: &lettre::transport::smtp::Error, server: &str) -> Outcome {
    let detail = std::error::Error::source(error).map(ToString::to_string).unwrap_or_default();
    let retry = |reason: String| Outcome::Retry { after: None, reason };
    let refused = |reason: String| Outcome::Refused { reason };
    match error.status() {
        Some(code) if error.is_permanent() => refused(format!("{server} refused the message: {code} {detail}")),
        Some(code) => retry(format!("{server} asked to try again later: {code} {detail}")),
        None if error.is_timeout() => retry(format!("{server} did not answer within {SMTP_TIMEOUT:?}")),
        // The server or the settings do not allow sending at all (no STARTTLS, no usable login
        // method, an address it cannot take): trying again would change nothing.
        None if error.is_client() => refused(format!("cannot send through {server}: {detail}")),
        None if error.is_tls() => retry(format!("TLS with {server} failed: {detail}")),
        None if error.is_response() => retry(format!("{server} gave an answer that is not SMTP: {detail}")),
        None => retry(format!("could not reach {server}: {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NpsScore, ThumbsShare};

    const PASSWORD: &str = "s3cr3t-p@ss";
    const DEFAULT: Unhappiness = Unhappiness { five_point_up_to: 2, nps_up_to: 6 };

    fn settings() -> MailSettings {
        MailSettings::parse("smtp://127.0.0.1:2525?tls=none", "Shop alerts <alerts@shop.example>", "owner@shop.example").expect("settings")
    }

    fn response(rating: i64, comment: &str, email: Option<&str>) -> StoredFeedback {
        StoredFeedback {
            id: "0b5c3f4e-8a8e-4f43-9d5e-2f1a7c9e6b11".into(),
            received_at: "2026-11-23T10:00:01.000Z".into(),
            origin: Some("https://shop.example".into()),
            rating,
            scale: "csat5".into(),
            comment: comment.into(),
            email: email.map(Into::into),
            user_id: None,
            user_email: None,
            user_name: None,
            metadata: crate::store::Metadata::default(),
            page_url: "https://shop.example/cart".into(),
            page_title: "Cart".into(),
            page_referrer: String::new(),
            locale: "en".into(),
            user_agent: "Mozilla/5.0".into(),
            viewport_width: 1280,
            viewport_height: 800,
            created_at: "2026-11-23T10:00:00.000Z".into(),
            widget_version: "0.1.0".into(),
            schema_version: 1,
            spam: false,
            followed_up_at: None,
            clock_skewed: false,
            follow_up_note: None,
        }
    }

    /// The header lines of a built message, unfolded.
    fn header_lines(mail: &Mail) -> Vec<String> {
        let formatted = String::from_utf8(mail.message.as_ref().expect("message").formatted()).expect("ASCII");
        let head = formatted.split("\r\n\r\n").next().expect("headers").replace("\r\n ", " ").replace("\r\n\t", " ");
        head.split("\r\n").map(str::to_owned).collect()
    }

    fn header<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
        let prefix = format!("{}: ", name.to_ascii_lowercase());
        lines.iter().find(|line| line.to_ascii_lowercase().starts_with(&prefix)).map(|line| &line[prefix.len()..])
    }

    #[test]
    fn the_three_url_forms_give_their_security_and_default_port() {
        let url = parse_smtp_url("smtp://alerts%40shop.example:s3cr3t-p%40ss@mail.example").expect("starttls");
        assert_eq!((url.host.as_str(), url.port, url.security), ("mail.example", 587, Security::StartTls));
        assert_eq!(url.user(), Some("alerts@shop.example"));
        assert_eq!(url.password(), Some(PASSWORD));

        let url = parse_smtp_url("smtps://u:p@mail.example").expect("tls");
        assert_eq!((url.port, url.security), (465, Security::Tls));

        let url = parse_smtp_url("smtp://127.0.0.1:2525?tls=none").expect("plain");
        assert_eq!((url.host.as_str(), url.port, url.security, url.user()), ("127.0.0.1", 2525, Security::Plain, None));

        let url = parse_smtp_url("smtp://[::1]:25/?tls=none").expect("ipv6");
        assert_eq!((url.host.as_str(), url.address()), ("::1", "[::1]:25".to_owned()));
    }

    #[test]
    fn wrong_urls_name_the_option_and_never_the_password() {
        let wrong = [
            ("http://u:s3cr3t-p%40ss@mail.example", "smtp:// or smtps://"),
            ("mail.example:587", "smtp:// or smtps://"),
            ("smtp://u:s3cr3t-p%40ss@:587", "empty host"),
            ("smtp:s3cr3t-p%40ss", "names no mail server"),
            ("smtp://u:s3cr3t-p%40ss@mail.example:587/inbox", "path"),
            ("smtp://u:s3cr3t-p%40ss@mail.example:99999", "not a URL"),
            ("smtp://u:s3cr3t-p%40ss@127.0.0.1:25?tls=none", "unencrypted"),
            ("smtps://mail.example?tls=none", "always uses TLS"),
            ("smtp://mail.example?password=s3cr3t-p%40ss", "only ?tls=none"),
            ("smtp://:s3cr3t-p%40ss@mail.example", "no user name"),
            ("smtp://alerts@mail.example", "no password"),
            ("not a url s3cr3t-p@ss", "not a URL"),
        ];
        for (value, expected) in wrong {
            let error = parse_smtp_url(value).expect_err(value);
            assert!(error.starts_with("--smtp-url (PLATINUM_SMTP_URL)"), "{value}: {error}");
            assert!(error.contains(expected), "{value}: {error}");
            assert!(!error.contains("s3cr3t"), "{value}: {error}");
        }
    }

    #[test]
    fn the_password_is_never_shown() {
        let url = parse_smtp_url("smtps://alerts:s3cr3t-p%40ss@mail.example").expect("url");
        assert_eq!(url.to_string(), "smtps://alerts@mail.example:465");
        let settings = MailSettings { server: url.clone(), from: parse_mail_from("a@shop.example").expect("from"), owner: parse_mail_to("o@shop.example").expect("to"), unhappiness: Unhappiness::default() };
        let mailer = Mailer::new(&settings).expect("mailer");
        for shown in [format!("{url:?}"), format!("{settings:?}"), format!("{mailer:?}")] {
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(shown.contains("mail.example"), "{shown}");
        }
    }

    #[test]
    fn a_rejected_url_on_the_command_line_does_not_echo_the_password() {
        let command = clap::Command::new("collector").arg(clap::Arg::new("smtp-url").long("smtp-url").value_parser(SmtpUrlParser));
        let error = command.try_get_matches_from(["collector", "--smtp-url", "smtp://u:s3cr3t@mail.example/x"]).expect_err("rejected");
        let shown = error.render().to_string();
        assert!(shown.contains("--smtp-url") && shown.contains("path"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn addresses_are_checked_with_the_option_and_an_example() {
        assert_eq!(parse_mail_from("alerts@shop.example").expect("plain").email.to_string(), "alerts@shop.example");
        let named = parse_mail_from("Shop alerts <alerts@shop.example>").expect("named");
        assert_eq!(named.name.as_deref(), Some("Shop alerts"));
        assert_eq!(parse_mail_from("x").expect_err("x"), r#"--mail-from "x" is not an e-mail address such as alerts@shop.example"#);
        assert_eq!(parse_mail_to("owner@").expect_err("no domain"), r#"--mail-to "owner@" is not an e-mail address such as owner@shop.example"#);
        let error = MailSettings::parse("smtp://localhost?tls=none", "alerts@shop.example", "nobody").expect_err("bad owner");
        assert!(error.starts_with("--mail-to"), "{error}");
    }

    #[test]
    fn subjects_tell_unhappy_from_the_rest_and_show_the_first_words() {
        let long = "The checkout button does nothing when I press it, three times now, on two browsers";
        let subject = alert_subject(&response(1, long, None), DEFAULT);
        assert_eq!(subject, "Unhappy visitor (1 of 5): \"The checkout button does nothing when I press it, three…\"");
        assert_eq!(alert_subject(&response(2, "Slow.", None), DEFAULT), "Unhappy visitor (2 of 5): \"Slow.\"");
        assert_eq!(alert_subject(&response(4, "", None), DEFAULT), "New feedback (4 of 5)");
        assert_eq!(alert_subject(&response(3, "  ", None), DEFAULT), "New feedback (3 of 5)");
        assert_eq!(alert_subject(&response(3, "Meh", None), Unhappiness { five_point_up_to: 3, ..DEFAULT }), "Unhappy visitor (3 of 5): \"Meh\"", "the owner's threshold");
        let unbroken = alert_subject(&response(1, &"x".repeat(100), None), DEFAULT);
        assert_eq!(unbroken, format!("Unhappy visitor (1 of 5): \"{}…\"", "x".repeat(60)));
    }

    #[test]
    fn alerts_read_each_scale_in_its_own_terms() {
        let on = |scale: &str, rating: i64| StoredFeedback { scale: scale.into(), ..response(rating, "", None) };
        assert_eq!(alert_subject(&on("nps", 6), DEFAULT), "Unhappy visitor (NPS 6 of 10)");
        assert_eq!(alert_subject(&on("nps", 7), DEFAULT), "New feedback (NPS 7 of 10)");
        assert_eq!(alert_subject(&on("nps", 7), Unhappiness { nps_up_to: 7, ..DEFAULT }), "Unhappy visitor (NPS 7 of 10)");
        assert_eq!(alert_subject(&on("thumbs", 0), DEFAULT), "Unhappy visitor (not helpful)");
        assert_eq!(alert_subject(&on("thumbs", 1), DEFAULT), "New feedback (helpful)");
        let text = alert_text(&on("nps", 9), "https://collector.example/dashboard", DEFAULT);
        assert!(text.starts_with("New feedback: 9 of 10 (NPS) on Cart."), "{text}");
    }

    #[test]
    fn a_signed_in_visitor_is_written_to_at_their_account_address() {
        let mut signed_in = response(1, "Broken", None);
        signed_in.user_email = Some("ana.silva@shop.example".into());
        signed_in.user_name = Some("Ana Silva".into());
        signed_in.user_id = Some("u_4821".into());
        signed_in.metadata = crate::store::Metadata(vec![("plan".into(), "pro".into())]);
        let reply = Mail::reply(&signed_in, "Sorry", &[], &settings());
        assert_eq!(header(&header_lines(&reply), "To"), Some("ana.silva@shop.example"));
        let alert = Mail::alert(&signed_in, "https://collector.example/dashboard", &settings());
        assert_eq!(header(&header_lines(&alert), "Reply-To"), Some("ana.silva@shop.example"));
        let text = alert_text(&signed_in, "https://collector.example/dashboard", DEFAULT);
        assert!(text.contains("ana.silva@shop.example (their account's address;"), "{text}");
        assert!(text.contains("User:     Ana Silva <ana.silva@shop.example>, id u_4821") && text.contains("plan: pro"), "{text}");
        signed_in.email = Some("typed@example.com".into());
        assert_eq!(header(&header_lines(&Mail::reply(&signed_in, "Sorry", &[], &settings())), "To"), Some("typed@example.com"));
    }

    #[test]
    fn visitor_text_cannot_add_headers() {
        let comment = "Broken\r\nBcc: victim@else.example\r\n\r\nhi";
        let mut visitor = response(1, comment, Some("ana@example.com"));
        visitor.page_title = "Cart\nX-Injected: yes".into();
        visitor.id = "id\r\nX-Injected: yes".into();
        let alert = Mail::alert(&visitor, "https://collector.example/dashboard", &settings());
        let reply = Mail::reply(&visitor, "Thanks", &["<a@b>\r\nX-Injected: yes".into()], &settings());
        for mail in [&alert, &reply] {
            let lines = header_lines(mail);
            assert!(header(&lines, "Bcc").is_none(), "{lines:#?}");
            assert!(header(&lines, "X-Injected").is_none(), "{lines:#?}");
        }
        assert_eq!(alert.subject(), "Unhappy visitor (1 of 5): \"Broken Bcc: victim@else.example hi\"");
        assert_eq!(reply.subject(), "Re: your feedback on Cart X-Injected: yes");
    }

    #[test]
    fn an_alert_escapes_visitor_text_and_links_only_web_pages() {
        let mut visitor = response(1, "<script>alert(1)</script> & <b>bold</b>", None);
        visitor.page_url = "javascript:alert(2)".into();
        visitor.page_title = "<img src=x onerror=alert(3)>".into();
        let html = alert_html(&visitor, "https://collector.example/dashboard", &alert_subject(&visitor, DEFAULT), DEFAULT).into_string();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script") && !html.contains("<b>") && !html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(html.contains("href=\"https://collector.example/dashboard\""), "{html}");
    }

    #[test]
    fn a_long_comment_is_cut_with_a_link_to_the_whole() {
        let comment = "word ".repeat(400);
        let visitor = response(2, &comment, None);
        let link = "https://collector.example/dashboard?q=0b5c3f4e";
        let text = alert_text(&visitor, link, DEFAULT);
        let quoted_chars: usize = text.lines().filter(|line| line.starts_with("> ")).map(|line| line.chars().count() - 2).sum();
        assert!((800..=1001).contains(&quoted_chars), "{quoted_chars}");
        assert!(text.contains("word…"), "{text}");
        assert!(text.contains(&format!("read all of it in the dashboard: {link}")), "{text}");
        let short = alert_text(&response(2, "Too slow", None), link, DEFAULT);
        assert!(!short.contains("goes on"), "{short}");
    }

    #[test]
    fn an_alert_answers_to_the_visitor_only_when_they_left_an_address() {
        let with = header_lines(&Mail::alert(&response(1, "Hi", Some("ana@example.com")), "https://c.example/d", &settings()));
        assert_eq!(header(&with, "Reply-To"), Some("ana@example.com"));
        assert_eq!(header(&with, "To"), Some("owner@shop.example"));
        assert_eq!(header(&with, "X-Platinum-Response-Id"), Some("0b5c3f4e-8a8e-4f43-9d5e-2f1a7c9e6b11"));
        let without = header_lines(&Mail::alert(&response(1, "Hi", None), "https://c.example/d", &settings()));
        assert_eq!(header(&without, "Reply-To"), None);
    }

    #[test]
    fn message_ids_are_fresh_and_under_the_from_domain() {
        let first = Mail::test(&settings());
        let second = Mail::test(&settings());
        assert!(first.message_id().starts_with('<') && first.message_id().ends_with("@shop.example>"), "{}", first.message_id());
        assert_ne!(first.message_id(), second.message_id());
        assert_eq!(header(&header_lines(&first), "Message-ID"), Some(first.message_id()));
    }

    #[test]
    fn a_reply_quotes_the_visitor_and_threads_under_earlier_mail() {
        let visitor = response(2, "The cart forgets\nmy items", Some("ana@example.com"));
        let earlier = ["<one@shop.example>".to_owned(), "two@shop.example".to_owned()];
        let reply = Mail::reply(&visitor, "Sorry, fixed now.", &earlier, &settings());
        let lines = header_lines(&reply);
        assert_eq!(header(&lines, "To"), Some("ana@example.com"));
        assert_eq!(header(&lines, "Reply-To"), Some("owner@shop.example"));
        assert_eq!(header(&lines, "In-Reply-To"), Some("<two@shop.example>"));
        assert_eq!(header(&lines, "References"), Some("<one@shop.example> <two@shop.example>"));
        let text = reply_text(&visitor, "Sorry, fixed now.");
        assert!(text.starts_with("Sorry, fixed now.\n\nOn 2026-11-23T10:00:01.000Z you wrote about Cart"), "{text}");
        assert!(text.ends_with("> The cart forgets\n> my items\n"), "{text}");
        let first = header_lines(&Mail::reply(&visitor, "Hello", &[], &settings()));
        assert_eq!((header(&first, "In-Reply-To"), header(&first, "References")), (None, None));
    }

    #[test]
    fn a_reply_without_a_visitor_address_cannot_be_sent() {
        let reply = Mail::reply(&response(2, "Hi", None), "Hello", &[], &settings());
        let reason = reply.message.expect_err("no address");
        assert!(reason.contains("no visitor e-mail address"), "{reason}");
    }

    #[test]
    fn the_reply_html_escapes_both_sides() {
        let visitor = response(2, "<i>me</i>", Some("ana@example.com"));
        let html = reply_html(&visitor, "Use <b>this</b>", "Re").into_string();
        assert!(html.contains("&lt;i&gt;me&lt;/i&gt;") && html.contains("Use &lt;b&gt;this&lt;/b&gt;"), "{html}");
        assert!(html.contains("<blockquote"), "{html}");
    }

    fn digest(responses: i64, distribution: [i64; 5], nps: Option<NpsScore>, thumbs: Option<ThumbsShare>) -> Digest {
        Digest {
            period: "daily".into(),
            from: "2026-11-30T08:00:00+00:00".into(),
            to: "2026-12-01T08:00:00+00:00".into(),
            time_zone: "UTC".into(),
            responses,
            average: crate::digest::average(&distribution),
            previous_responses: 10,
            previous_average: None,
            distribution,
            nps,
            previous_nps: Some(NpsScore { promoters: 4, passives: 4, detractors: 2, score: 20.0 }),
            thumbs,
            waiting: Vec::new(),
            waiting_total: 3,
            newest: Vec::new(),
        }
    }

    const NPS: NpsScore = NpsScore { promoters: 6, passives: 4, detractors: 2, score: 100.0 * 4.0 / 12.0 };

    #[test]
    fn a_digest_of_nps_responses_gives_the_score_and_leaves_out_the_five_point_lines() {
        let digest = digest(12, [0; 5], Some(NPS), None);
        assert_eq!(digest_subject(&digest), "Daily digest: 12 responses, NPS +33 (up 13); 3 waiting for an answer");
        let links = Links::new("https://feedback.shop.example");
        let text = digest_text(&digest, &links);
        assert!(text.contains("NPS: +33 (the period before: +20)\n"), "{text}");
        assert!(text.contains("Promoters 9–10 / passives 7–8 / detractors 0–6: 6 / 4 / 2\n"), "{text}");
        assert!(!text.contains("Ratings 1 to 5") && !text.contains("Average") && !text.contains("Thumbs"), "{text}");
        let html = digest_html(&digest, &links, "Digest").into_string();
        assert!(html.contains("<th align=\"left\">NPS</th><td>+33 (the period before: +20)</td>"), "{html}");
        assert!(!html.contains("Ratings 1 to 5"), "{html}");

        let first = Digest { previous_nps: None, ..digest };
        assert_eq!(digest_subject(&first), "Daily digest: 12 responses, NPS +33; 3 waiting for an answer", "no change without NPS before");
        assert!(digest_text(&first, &links).contains("NPS: +33\n"));
    }

    #[test]
    fn a_digest_of_every_scale_gives_each_scales_figures() {
        let thumbs = ThumbsShare { up: 3, down: 1, up_percent: 75.0 };
        let mut digest = digest(21, [1, 0, 1, 0, 3], Some(NpsScore { promoters: 1, passives: 0, detractors: 3, score: -50.0 }), Some(thumbs));
        digest.previous_average = Some(3.6);
        assert_eq!(
            digest_subject(&digest),
            "Daily digest: 21 responses, average 3.8 (up 0.2), NPS -50 (down 70), 75% thumbs up; 3 waiting for an answer"
        );
        let text = digest_text(&digest, &Links::new("https://feedback.shop.example"));
        for line in ["Average rating: 3.80\n", "Ratings 1 to 5: 1 / 0 / 1 / 0 / 3\n", "NPS: -50 (the period before: +20)\n", "Thumbs up: 75% (3 helpful, 1 not helpful)\n"] {
            assert!(text.contains(line), "{line:?} in {text}");
        }
        let thumbs_only = Digest { nps: None, previous_nps: None, distribution: [0; 5], average: None, ..digest };
        assert_eq!(digest_subject(&thumbs_only), "Daily digest: 21 responses, 75% thumbs up; 3 waiting for an answer");
    }

    #[test]
    fn a_digest_stored_before_scales_had_figures_reads_as_it_did() {
        let stored = r#"{"period":"weekly","from":"2026-11-23T09:00:00+00:00","to":"2026-11-30T09:00:00+00:00","time_zone":"UTC",
            "responses":3,"average":3.0,"previous_responses":1,"previous_average":4.0,"distribution":[1,0,1,0,1],
            "waiting":[{"id":"0b5c3f4e-8a8e-4f43-9d5e-2f1a7c9e6b11","rating":1,"comment":"Broken","email":null,"received_at":"2026-11-24T09:00:00.000Z"}],
            "waiting_total":1,"newest":[]}"#;
        let digest: Digest = serde_json::from_str(stored).expect("an old digest still reads");
        assert_eq!((digest.nps, digest.previous_nps, digest.thumbs), (None, None, None));
        assert_eq!(digest_subject(&digest), "Weekly digest: 3 responses, average 3.0 (down 1.0); 1 waiting for an answer");
        let text = digest_text(&digest, &Links::new("https://feedback.shop.example"));
        assert!(text.contains("Ratings 1 to 5: 1 / 0 / 1 / 0 / 1\n") && text.contains("- 1 of 5: Broken"), "{text}");
        assert!(!text.contains("NPS") && !text.contains("Thumbs"), "{text}");
    }
}
