//! The limits a payload must meet, checked the same way by widget and collector.

use std::borrow::Cow;

use crate::{
    Feedback, MAX_COMMENT_CHARS, MAX_EMAIL_CHARS, MAX_LOCALE_CHARS, MAX_METADATA_ENTRIES, MAX_METADATA_KEY_CHARS,
    MAX_METADATA_VALUE_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, MAX_USER_AGENT_CHARS, MAX_USER_ID_CHARS, MAX_USER_NAME_CHARS,
    MAX_VERSION_CHARS, MAX_VIEWPORT_PX, METADATA_KEY_SEPARATOR, OLDEST_SCHEMA_VERSION, SCHEMA_VERSION, User,
};

/// A payload field that breaks a limit, named as it appears in the JSON (`page.url`,
/// `metadata.plan`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct PayloadError {
    /// The JSON path of the offending field.
    pub field: Cow<'static, str>,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a payload field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The field must not be empty.
    #[error("must not be empty")]
    Empty,
    /// The field holds more characters than allowed.
    #[error("must be at most {max} characters (got {got})")]
    TooLong {
        /// The limit.
        max: usize,
        /// The length seen.
        got: usize,
    },
    /// A number outside its range.
    #[error("must be between {min} and {max} (got {got})")]
    OutOfRange {
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
        /// The value seen.
        got: u32,
    },
    /// The field does not have the expected form.
    #[error("must be {expected}")]
    Malformed {
        /// The form expected, in words.
        expected: &'static str,
    },
    /// The field holds a value of the wrong kind, shown as it was sent.
    #[error("must be {expected} (got {got})")]
    Unexpected {
        /// What it must be, in words.
        expected: &'static str,
        /// What it was, as in the JSON.
        got: String,
    },
    /// A list or object with more entries than allowed.
    #[error("must have at most {max} entries (got {got})")]
    TooMany {
        /// The limit.
        max: usize,
        /// The number seen.
        got: usize,
    },
    /// A key given more than once.
    #[error("must be given only once")]
    Repeated,
}

fn error(field: impl Into<Cow<'static, str>>, problem: Problem) -> PayloadError {
    PayloadError { field: field.into(), problem }
}

fn max_chars(field: impl Into<Cow<'static, str>>, value: &str, max: usize) -> Result<(), PayloadError> {
    // Counting stops just past the limit, so an oversized value costs no more than a valid one.
    let got = value.chars().take(max + 1).count();
    if got > max {
        return Err(error(field, Problem::TooLong { max, got: value.chars().count() }));
    }
    Ok(())
}

fn email(field: &'static str, value: &str) -> Result<(), PayloadError> {
    max_chars(field, value, MAX_EMAIL_CHARS)?;
    if !is_email(value) {
        return Err(error(field, Problem::Malformed { expected: "an email address like name@example.com" }));
    }
    Ok(())
}

/// A member that is there must say something; an unknown one is left out or `null`.
fn known(field: &'static str, value: &str, max: usize) -> Result<(), PayloadError> {
    if value.is_empty() {
        return Err(error(field, Problem::Empty));
    }
    max_chars(field, value, max)
}

/// `metadata.<key>`, the key cut to its limit so an oversized one does not make a huge name.
fn metadata_field(key: &str) -> String {
    let mut field = String::from("metadata.");
    match key.char_indices().nth(MAX_METADATA_KEY_CHARS) {
        Some((at, _)) => {
            field.push_str(&key[..at]);
            field.push('…');
        }
        None => field.push_str(key),
    }
    field
}

fn user(user: &User) -> Result<(), PayloadError> {
    if let Some(id) = &user.id {
        known("user.id", id, MAX_USER_ID_CHARS)?;
    }
    if let Some(address) = &user.email {
        email("user.email", address)?;
    }
    if let Some(name) = &user.name {
        known("user.name", name, MAX_USER_NAME_CHARS)?;
    }
    Ok(())
}

fn metadata(entries: &[(String, String)]) -> Result<(), PayloadError> {
    if entries.len() > MAX_METADATA_ENTRIES {
        return Err(error("metadata", Problem::TooMany { max: MAX_METADATA_ENTRIES, got: entries.len() }));
    }
    for (i, (key, value)) in entries.iter().enumerate() {
        if key.is_empty() {
            return Err(error("metadata", Problem::Malformed { expected: "an object whose keys are not empty" }));
        }
        max_chars(metadata_field(key), key, MAX_METADATA_KEY_CHARS)?;
        if key.contains(METADATA_KEY_SEPARATOR) {
            return Err(error(metadata_field(key), Problem::Malformed { expected: "under a key without ':'" }));
        }
        // At most 20 entries: comparing each with those before it is cheaper than a set.
        if entries[..i].iter().any(|(earlier, _)| earlier == key) {
            return Err(error(metadata_field(key), Problem::Repeated));
        }
        max_chars(metadata_field(key), value, MAX_METADATA_VALUE_CHARS)?;
    }
    Ok(())
}

fn range(field: &'static str, got: u32, min: u32, max: u32) -> Result<(), PayloadError> {
    if got < min || got > max {
        return Err(error(field, Problem::OutOfRange { min, max, got }));
    }
    Ok(())
}

impl Feedback {
    /// Checks every field against the shared limits; the first problem found is returned.
    pub fn validate(&self) -> Result<(), PayloadError> {
        if !is_uuid_v4(&self.id) {
            return Err(error("id", Problem::Malformed { expected: "a UUID v4 (8-4-4-4-12 hex digits)" }));
        }
        range("schema_version", self.schema_version, OLDEST_SCHEMA_VERSION, SCHEMA_VERSION)?;
        range("rating", self.rating.into(), self.scale.lowest().into(), self.scale.highest().into())?;
        max_chars("comment", &self.comment, MAX_COMMENT_CHARS)?;
        if let Some(address) = &self.email {
            email("email", address)?;
        }
        if self.page.url.is_empty() {
            return Err(error("page.url", Problem::Empty));
        }
        max_chars("page.url", &self.page.url, MAX_URL_CHARS)?;
        max_chars("page.title", &self.page.title, MAX_TITLE_CHARS)?;
        max_chars("page.referrer", &self.page.referrer, MAX_URL_CHARS)?;
        if !is_locale(&self.locale) {
            return Err(error("locale", Problem::Malformed { expected: "a language tag like en or pt-BR" }));
        }
        max_chars("locale", &self.locale, MAX_LOCALE_CHARS)?;
        max_chars("user_agent", &self.user_agent, MAX_USER_AGENT_CHARS)?;
        range("viewport.width", self.viewport.width, 0, MAX_VIEWPORT_PX)?;
        range("viewport.height", self.viewport.height, 0, MAX_VIEWPORT_PX)?;
        if !is_utc_timestamp(&self.created_at) {
            return Err(error(
                "created_at",
                Problem::Malformed { expected: "an RFC 3339 UTC time like 2026-11-23T10:00:00Z" },
            ));
        }
        if self.widget_version.is_empty() {
            return Err(error("widget_version", Problem::Empty));
        }
        max_chars("widget_version", &self.widget_version, MAX_VERSION_CHARS)?;
        max_chars("honeypot", &self.honeypot, MAX_TITLE_CHARS)?;
        if let Some(known_user) = &self.user {
            user(known_user)?;
        }
        metadata(&self.metadata)
    }
}

/// Whether `s` is a UUID v4 in its 8-4-4-4-12 hex form (either case).
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}

/// Whether `s` has the shape of an email address: `local@domain.tld`, no spaces or angle brackets,
/// and none of `?`, `&` or `%`.
///
/// Deliberately loose: the only way to know an address works is to write to it, and rejecting a
/// real address loses a visitor who wanted an answer. The three URL characters are refused because
/// an owner answers through a `mailto:` link, where `owner@shop.example?bcc=…` would add
/// recipients or a subject of the sender's choosing; real addresses hardly ever hold them.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let clean = |part: &str| {
        !part.is_empty()
            && !part.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '\\' | '"' | '@' | '?' | '&' | '%')
            })
    };
    let labels_ok = domain.split('.').all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    clean(local) && clean(domain) && domain.contains('.') && labels_ok && s.chars().count() <= MAX_EMAIL_CHARS
}

fn is_locale(s: &str) -> bool {
    !s.is_empty() && s.split('-').all(|part| (1..=8).contains(&part.len()) && part.bytes().all(|c| c.is_ascii_alphanumeric()))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, naming a day that exists and a second that can (a leap
/// second only at 23:59:60). Any four-digit year passes: how far ahead is plausible is the
/// receiver's call, not the format's.
fn is_utc_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, to: usize| -> Option<u32> {
        let part = b.get(from..to)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (digits(0, 4), digits(5, 7), digits(8, 10), digits(11, 13), digits(14, 16), digits(17, 19))
    else {
        return false;
    };
    let separators = b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') && matches!(b.get(10), Some(b'T' | b't'))
        && b.get(13) == Some(&b':') && b.get(16) == Some(&b':');
    let rest = &b[19..];
    let tail_ok = match rest {
        [b'Z' | b'z'] => true,
        [b'.', fraction @ .., b'Z' | b'z'] => !fraction.is_empty() && fraction.len() <= 9 && fraction.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    let second_ok = second < 60 || (second == 60 && hour == 23 && minute == 59);
    separators && tail_ok && (1..=days_in_month(year, month)).contains(&day) && hour < 24 && minute < 60 && second_ok
}

/// Days in `month` (1 to 12) of `year` in the proleptic Gregorian calendar; 0 for any other month.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Page, Scale, Viewport};

    pub(crate) fn sample() -> Feedback {
        Feedback {
            id: "0b6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4".into(),
            schema_version: SCHEMA_VERSION,
            rating: 2,
            scale: Scale::Csat5,
            comment: "The checkout \"button\" hides on phones.\nPlease fix.".into(),
            email: Some("ana@example.com".into()),
            page: Page { url: "https://shop.example/cart?x=1".into(), title: "Cart — Shop".into(), referrer: String::new() },
            locale: "pt-BR".into(),
            user_agent: "Mozilla/5.0".into(),
            viewport: Viewport { width: 390, height: 844 },
            created_at: "2026-11-23T10:00:00.123Z".into(),
            widget_version: "0.1.0".into(),
            honeypot: String::new(),
            user: Some(User { id: Some("u_4821".into()), email: Some("ana.silva@shop.example".into()), name: Some("Ana Silva".into()) }),
            // In key order, so that a round trip through `serde_json::Value` (a sorted map) keeps it.
            metadata: vec![("cart_items".into(), "3".into()), ("plan".into(), "pro".into())],
        }
    }

    fn field_of(f: Feedback) -> String {
        f.validate().expect_err("payload should be refused").field.into_owned()
    }

    #[test]
    fn a_complete_payload_is_valid() {
        assert_eq!(sample().validate(), Ok(()));
        assert_eq!(Feedback { email: None, comment: String::new(), ..sample() }.validate(), Ok(()));
    }

    #[test]
    fn rating_must_be_on_the_scale() {
        assert_eq!(field_of(Feedback { rating: 0, ..sample() }), "rating");
        assert_eq!(field_of(Feedback { rating: 6, ..sample() }), "rating");
        for rating in 1..=5 {
            assert_eq!(Feedback { rating, ..sample() }.validate(), Ok(()));
        }
    }

    #[test]
    fn rating_must_be_on_its_own_scale() {
        for scale in Scale::ALL {
            for rating in 0..=11 {
                let f = Feedback { scale, rating, ..sample() };
                let expected = if scale.contains(rating) { Ok(()) } else { Err("rating".to_owned()) };
                assert_eq!(f.validate().map_err(|e| e.field.into_owned()), expected, "{} {rating}", scale.name());
            }
        }
        let err = Feedback { scale: Scale::Nps, rating: 11, ..sample() }.validate().unwrap_err();
        assert_eq!(err.to_string(), "rating must be between 0 and 10 (got 11)");
        let err = Feedback { scale: Scale::Thumbs, rating: 2, ..sample() }.validate().unwrap_err();
        assert_eq!(err.to_string(), "rating must be between 0 and 1 (got 2)");
    }

    #[test]
    fn user_members_are_limited_and_any_may_be_unknown() {
        let user = |id: Option<&str>, email: Option<&str>, name: Option<&str>| Feedback {
            user: Some(User { id: id.map(Into::into), email: email.map(Into::into), name: name.map(Into::into) }),
            ..sample()
        };
        assert_eq!(user(None, None, None).validate(), Ok(()));
        assert_eq!(Feedback { user: None, ..sample() }.validate(), Ok(()));
        let longest = (Some("i".repeat(MAX_USER_ID_CHARS)), Some("ñ".repeat(MAX_USER_NAME_CHARS)));
        assert_eq!(user(longest.0.as_deref(), Some("a@b.co"), longest.1.as_deref()).validate(), Ok(()));
        let err = user(Some(&"i".repeat(MAX_USER_ID_CHARS + 1)), None, None).validate().unwrap_err();
        assert_eq!(err.to_string(), "user.id must be at most 128 characters (got 129)");
        let err = user(None, None, Some(&"n".repeat(MAX_USER_NAME_CHARS + 1))).validate().unwrap_err();
        assert_eq!(err.to_string(), "user.name must be at most 200 characters (got 201)");
        assert_eq!(field_of(user(Some(""), None, None)), "user.id", "unknown is left out, not empty");
        assert_eq!(field_of(user(None, None, Some(""))), "user.name");
        for bad in ["", "ana", "owner@shop.example?bcc=x@evil.example", &format!("{}@example.com", "a".repeat(250))] {
            assert_eq!(field_of(user(None, Some(bad), None)), "user.email", "{bad}");
        }
    }

    #[test]
    fn metadata_is_limited_in_entries_keys_and_values() {
        let with = |entries: Vec<(String, String)>| Feedback { metadata: entries, ..sample() };
        let entry = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(with(Vec::new()).validate(), Ok(()));
        let full: Vec<_> = (0..MAX_METADATA_ENTRIES).map(|i| (format!("{i:0>64}"), "v".repeat(MAX_METADATA_VALUE_CHARS))).collect();
        assert_eq!(with(full.clone()).validate(), Ok(()));
        let mut over = full;
        over.push(entry("one_more", ""));
        assert_eq!(with(over).validate().unwrap_err().to_string(), "metadata must have at most 20 entries (got 21)");
        let err = with(vec![entry("plan", &"p".repeat(MAX_METADATA_VALUE_CHARS + 1))]).validate().unwrap_err();
        assert_eq!(err.to_string(), "metadata.plan must be at most 256 characters (got 257)");
        let err = with(vec![entry("plan", "pro"), entry("seats", "4"), entry("plan", "free")]).validate().unwrap_err();
        assert_eq!(err.to_string(), "metadata.plan must be given only once");
        assert_eq!(field_of(with(vec![entry("", "x")])), "metadata");
        assert_eq!(field_of(with(vec![entry("a:b", "x")])), "metadata.a:b");
        let long_key = "k".repeat(MAX_METADATA_KEY_CHARS + 1);
        let err = with(vec![entry(&long_key, "x")]).validate().unwrap_err();
        assert_eq!(err.field, format!("metadata.{}…", "k".repeat(MAX_METADATA_KEY_CHARS)));
        assert_eq!(err.problem, Problem::TooLong { max: MAX_METADATA_KEY_CHARS, got: MAX_METADATA_KEY_CHARS + 1 });
        assert_eq!(with(vec![entry("empty value", "")]).validate(), Ok(()), "a value may be empty");
    }

    #[test]
    fn both_schema_versions_are_valid_and_no_other() {
        assert_eq!(Feedback { schema_version: 1, user: None, metadata: Vec::new(), ..sample() }.validate(), Ok(()));
        assert_eq!(field_of(Feedback { schema_version: 0, ..sample() }), "schema_version");
        assert_eq!(field_of(Feedback { schema_version: 3, ..sample() }), "schema_version");
    }

    #[test]
    fn comment_is_limited_in_characters_not_bytes() {
        let at_limit = "é".repeat(MAX_COMMENT_CHARS);
        assert_eq!(Feedback { comment: at_limit, ..sample() }.validate(), Ok(()));
        let err = Feedback { comment: "x".repeat(MAX_COMMENT_CHARS + 1), ..sample() }.validate().unwrap_err();
        assert_eq!(err.to_string(), "comment must be at most 5000 characters (got 5001)");
    }

    #[test]
    fn email_shapes() {
        for good in ["a@b.co", "first.last+tag@mail.example.org", "ünï@例え.jp"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "plain", "@example.com", "a@", "a@b", "a b@c.de", "a@b..c", "<a@b.c>", "a@-b.c", "a@b.c\n"] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert_eq!(field_of(Feedback { email: Some("nope".into()), ..sample() }), "email");
    }

    #[test]
    fn emails_that_would_rewrite_a_mailto_link_are_refused() {
        for bad in [
            "owner@shop.example?bcc=attacker%40evil.example&subject=Invoice",
            "owner@shop.example?subject=Refund",
            "a?b@example.com",
            "a&b@example.com",
            "a%40b@example.com",
            "owner@shop.example%0A",
        ] {
            assert!(!is_email(bad), "{bad}");
            assert_eq!(field_of(Feedback { email: Some(bad.into()), ..sample() }), "email", "{bad}");
        }
        assert!(is_email("o'brien+news@example.ie"), "other punctuation real addresses use is still fine");
    }

    #[test]
    fn ids_must_be_uuid_v4() {
        assert!(is_uuid_v4("0B6F1E2C-3D4A-4B5C-AD6E-7F8091A2B3C4"));
        for bad in ["", "0b6f1e2c3d4a4b5c8d6e7f8091a2b3c4", "0b6f1e2c-3d4a-1b5c-8d6e-7f8091a2b3c4", "0b6f1e2c-3d4a-4b5c-cd6e-7f8091a2b3c4", "zb6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4"] {
            assert!(!is_uuid_v4(bad), "{bad}");
        }
        assert_eq!(field_of(Feedback { id: "1".into(), ..sample() }), "id");
    }

    #[test]
    fn timestamps_must_be_rfc3339_utc() {
        for good in ["2026-11-23T10:00:00Z", "2026-11-23T10:00:00.5Z", "2026-02-28T23:59:60.123456789Z", "2026-11-23t10:00:00z"] {
            assert_eq!(Feedback { created_at: good.into(), ..sample() }.validate(), Ok(()), "{good}");
        }
        for bad in ["", "2026-11-23", "2026-11-23T10:00:00", "2026-11-23T10:00:00+01:00", "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00.1234567890Z"] {
            assert_eq!(field_of(Feedback { created_at: bad.into(), ..sample() }), "created_at", "{bad}");
        }
    }

    #[test]
    fn timestamps_must_name_a_day_and_second_that_exist() {
        let good = [
            "2026-01-31T00:00:00Z",
            "2026-04-30T00:00:00Z",
            "2026-12-31T23:59:60Z",
            "2026-06-30T23:59:60.5Z",
            "2024-02-29T12:00:00Z", // divisible by 4
            "2000-02-29T12:00:00Z", // divisible by 400
            "2026-02-28T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z", // far ahead is for the receiver to judge
        ];
        for value in good {
            assert_eq!(Feedback { created_at: value.into(), ..sample() }.validate(), Ok(()), "{value}");
        }
        let bad = [
            "2026-02-31T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z", // not divisible by 4
            "1900-02-29T00:00:00Z", // divisible by 100, not by 400
            "2026-04-31T00:00:00Z",
            "2026-06-31T00:00:00Z",
            "2026-09-31T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-01-32T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-12-31T12:00:60Z", // a leap second comes only at the end of a day
            "2026-12-31T23:58:60Z",
            "2026-12-31T23:59:61Z",
        ];
        for value in bad {
            assert_eq!(field_of(Feedback { created_at: value.into(), ..sample() }), "created_at", "{value}");
        }
    }

    #[test]
    fn page_locale_and_viewport_are_checked() {
        let mut f = sample();
        f.page.url.clear();
        assert_eq!(field_of(f), "page.url");
        let mut f = sample();
        f.page.referrer = "x".repeat(MAX_URL_CHARS + 1);
        assert_eq!(field_of(f), "page.referrer");
        assert_eq!(field_of(Feedback { locale: "en_US".into(), ..sample() }), "locale");
        assert_eq!(field_of(Feedback { viewport: Viewport { width: 100_001, height: 1 }, ..sample() }), "viewport.width");
        assert_eq!(field_of(Feedback { widget_version: String::new(), ..sample() }), "widget_version");
    }

    #[test]
    fn honeypot_marks_spam_without_refusing_it() {
        let f = Feedback { honeypot: "http://spam.example".into(), ..sample() };
        assert_eq!(f.validate(), Ok(()));
        assert!(f.is_spam());
        assert!(!sample().is_spam());
    }
}
