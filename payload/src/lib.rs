//! The feedback payload: the one shape, JSON form and set of limits that widget and collector share.
//!
//! The widget builds a [`Feedback`] and writes it with [`Feedback::to_json`]; the collector parses
//! it (feature `serde`) and drops control characters with [`Feedback::drop_control_chars`]; both
//! call [`Feedback::validate`], so a response the widget accepts is a response the collector
//! stores. The JSON Schema shipped in `payload/feedback.schema.json` describes the same limits for
//! other receivers.

mod controls;
mod json;
#[cfg(feature = "serde")]
mod objects;
mod scale;
mod validate;

pub use json::{push_decimal, push_hex};
pub use scale::Scale;
pub use validate::{PayloadError, Problem, is_email, is_uuid_v4};

/// Version of the payload's shape. Bumped only for changes a receiver must know about.
pub const SCHEMA_VERSION: u32 = 1;
/// Number of points on the rating scale.
pub const SCALE: u8 = 5;
/// Most characters (Unicode scalar values) a comment may hold.
pub const MAX_COMMENT_CHARS: usize = 5000;
/// Most characters an email address may hold (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Most characters of a page URL or referrer.
pub const MAX_URL_CHARS: usize = 2048;
/// Most characters of a page title.
pub const MAX_TITLE_CHARS: usize = 1000;
/// Most characters of the user agent string.
pub const MAX_USER_AGENT_CHARS: usize = 512;
/// Most characters of a BCP 47 locale tag.
pub const MAX_LOCALE_CHARS: usize = 35;
/// Most characters of the widget version.
pub const MAX_VERSION_CHARS: usize = 32;
/// Largest viewport side accepted, in CSS pixels.
pub const MAX_VIEWPORT_PX: u32 = 100_000;
/// Largest request body a receiver needs to accept. The widget keeps within it: the longest
/// comment (5,000 UTF-16 units, at most 15,000 bytes) and email always fit, and the page facts are
/// cut when the whole would not.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// One visitor's answer to "How are we doing?" and "How can we get better?".
#[derive(Debug, Clone, PartialEq, Eq)]
// JSON objects only: the trait impls in `objects.rs` call the code this derives.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(remote = "Self"))]
pub struct Feedback {
    /// UUID v4 made once per response and kept on every retry, so receivers can deduplicate.
    pub id: String,
    /// Always [`SCHEMA_VERSION`] for payloads this crate writes.
    pub schema_version: u32,
    /// The chosen point, 1 (worst) to `scale` (best).
    pub rating: u8,
    /// Number of points offered; [`SCALE`].
    pub scale: u8,
    /// What the visitor wrote; may be empty.
    pub comment: String,
    /// Where the visitor asked to be contacted, if the owner asked for it and they gave it.
    pub email: Option<String>,
    /// The page the widget was on.
    pub page: Page,
    /// The language the widget spoke, as a BCP 47 tag.
    pub locale: String,
    /// The visitor's browser, as `navigator.userAgent` reports it.
    pub user_agent: String,
    /// The visitor's window size.
    pub viewport: Viewport,
    /// When Send was pressed: RFC 3339, UTC (`2026-11-23T10:00:00.000Z`).
    pub created_at: String,
    /// Version of the widget that wrote this payload.
    pub widget_version: String,
    /// A field people never see and bots fill in; non-empty marks the response as spam.
    #[cfg_attr(feature = "serde", serde(default))]
    pub honeypot: String,
}

/// The page a response was given on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(remote = "Self"))]
pub struct Page {
    /// `location.href`.
    pub url: String,
    /// `document.title`.
    pub title: String,
    /// `document.referrer`; empty when there is none.
    pub referrer: String,
}

/// The visitor's window size in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(remote = "Self"))]
pub struct Viewport {
    /// `innerWidth`.
    pub width: u32,
    /// `innerHeight`.
    pub height: u32,
}

impl Feedback {
    /// Whether the honeypot was filled in, which people do not do.
    pub fn is_spam(&self) -> bool {
        !self.honeypot.is_empty()
    }
}
