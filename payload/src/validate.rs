//! The limits a payload must meet, checked the same way by widget and collector.

use crate::{
    Feedback, MAX_COMMENT_CHARS, MAX_EMAIL_CHARS, MAX_LOCALE_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS,
    MAX_USER_AGENT_CHARS, MAX_VERSION_CHARS, MAX_VIEWPORT_PX, SCALE, SCHEMA_VERSION,
};

/// A payload field that breaks a limit, named as it appears in the JSON (`page.url`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct PayloadError {
    /// The JSON path of the offending field.
    pub field: &'static str,
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
}

fn error(field: &'static str, problem: Problem) -> PayloadError {
    PayloadError { field, problem }
}

fn max_chars(field: &'static str, value: &str, max: usize) -> Result<(), PayloadError> {
    // Counting stops just past the limit, so an oversized value costs no more than a valid one.
    let got = value.chars().take(max + 1).count();
    if got > max {
        return Err(error(field, Problem::TooLong { max, got: value.chars().count() }));
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
        range("schema_version", self.schema_version, SCHEMA_VERSION, SCHEMA_VERSION)?;
        range("scale", self.scale.into(), SCALE.into(), SCALE.into())?;
        range("rating", self.rating.into(), 1, self.scale.into())?;
        max_chars("comment", &self.comment, MAX_COMMENT_CHARS)?;
        if let Some(email) = &self.email {
            max_chars("email", email, MAX_EMAIL_CHARS)?;
            if !is_email(email) {
                return Err(error("email", Problem::Malformed { expected: "an email address like name@example.com" }));
            }
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
        Ok(())
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
    use crate::{Page, Viewport};

    pub(crate) fn sample() -> Feedback {
        Feedback {
            id: "0b6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4".into(),
            schema_version: SCHEMA_VERSION,
            rating: 2,
            scale: SCALE,
            comment: "The checkout \"button\" hides on phones.\nPlease fix.".into(),
            email: Some("ana@example.com".into()),
            page: Page { url: "https://shop.example/cart?x=1".into(), title: "Cart — Shop".into(), referrer: String::new() },
            locale: "pt-BR".into(),
            user_agent: "Mozilla/5.0".into(),
            viewport: Viewport { width: 390, height: 844 },
            created_at: "2026-11-23T10:00:00.123Z".into(),
            widget_version: "0.1.0".into(),
            honeypot: String::new(),
        }
    }

    fn field_of(f: Feedback) -> &'static str {
        f.validate().expect_err("payload should be refused").field
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
        assert_eq!(field_of(Feedback { scale: 10, rating: 8, ..sample() }), "scale");
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
        assert_eq!(field_of(Feedback { schema_version: 2, ..sample() }), "schema_version");
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
