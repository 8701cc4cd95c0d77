//! The visitor's unsent words kept across page loads: the draft's stored text, and what the DOM side should do with it.
//!
//! While the dialog is open, `dom` stores [`crate::state::Widget::draft`]'s answer under
//! [`DRAFT_KEY`] in `localStorage`; on the next page it reads the text back with [`Draft::decode`]
//! and hands it to the widget as [`crate::state::Event::Restore`].

use crate::outbox::MAX_AGE_MS;
use crate::text::{decimal, join};
use platinum_payload::{MAX_COMMENT_CHARS, MAX_EMAIL_CHARS, Scale};

/// Where the draft is kept in `localStorage`.
pub const DRAFT_KEY: &str = "platinum:draft";
/// Most bytes (UTF-8) of an encoded draft: a 38-byte header, the longest email and the longest
/// comment, four bytes a character. In `localStorage`'s UTF-16 it is at most 10,546 units.
pub const MAX_DRAFT_BYTES: usize = 38 + MAX_EMAIL_CHARS * 4 + MAX_COMMENT_CHARS * 4;

/// What the visitor had entered and not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The chosen point, if any.
    pub rating: Option<u8>,
    /// The text box, as typed.
    pub comment: String,
    /// The email field, as typed.
    pub email: String,
    /// When it was saved, in ms since the Unix epoch.
    pub saved_at_ms: u64,
}

/// What the DOM side does with the stored draft after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftAction {
    /// Store this text under [`DRAFT_KEY`], replacing what is there.
    Save(String),
    /// Remove [`DRAFT_KEY`]: the response was sent or stored for delivery, or the form was emptied.
    Remove,
    /// Leave storage as it is.
    Keep,
}

impl Draft {
    /// The draft as stored, for a widget asking on `scale`:
    /// `1,<scale>,<rating or nothing>,<saved at ms>,<email bytes>,<email><comment>`, e.g.
    /// `1,csat5,2,1764590000000,15,ana@example.comThe search is slow.`. The email and comment are
    /// cut to the payload's limits, so the text is at most [`MAX_DRAFT_BYTES`].
    pub fn encode(&self, scale: Scale) -> String {
        let email = clip(&self.email, MAX_EMAIL_CHARS);
        let rating = self.rating.map(|r| decimal(r.into())).unwrap_or_default();
        let mut out = join(&["1,", scale.name(), ",", &rating, ","]);
        // Not `decimal`: a `usize` is 32 bits on wasm32.
        platinum_payload::push_decimal(&mut out, self.saved_at_ms);
        out.push(',');
        out.push_str(&join(&[&decimal(email.len()), ",", email, clip(&self.comment, MAX_COMMENT_CHARS)]));
        out
    }

    /// Reads a stored draft back; `None` for anything not written by [`Draft::encode`] for this
    /// `scale`, a rating off the scale, text past the limits, or a draft older than the outbox
    /// keeps responses ([`MAX_AGE_MS`]) at `now_ms`.
    pub fn decode(s: &str, scale: Scale, now_ms: u64) -> Option<Draft> {
        let mut fields = s.strip_prefix("1,")?.splitn(5, ',');
        if fields.next()? != scale.name() {
            return None;
        }
        let rating = match fields.next()? {
            "" => None,
            r => Some(r.parse().ok().filter(|&r| scale.contains(r))?),
        };
        let saved_at_ms: u64 = fields.next()?.parse().ok()?;
        let email_bytes: usize = fields.next()?.parse().ok()?;
        let rest = fields.next()?;
        let (email, comment) = (rest.get(..email_bytes)?, rest.get(email_bytes..)?);
        let fits = email.chars().count() <= MAX_EMAIL_CHARS && comment.chars().count() <= MAX_COMMENT_CHARS;
        let fresh = now_ms.saturating_sub(saved_at_ms) <= MAX_AGE_MS;
        (fits && fresh).then(|| Draft { rating, comment: comment.to_owned(), email: email.to_owned(), saved_at_ms })
    }
}

/// `s` cut to at most `max` characters.
fn clip(s: &str, max: usize) -> &str {
    s.char_indices().nth(max).map_or(s, |(at, _)| &s[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_590_000_000;

    fn draft(rating: Option<u8>, comment: &str, email: &str) -> Draft {
        Draft { rating, comment: comment.into(), email: email.into(), saved_at_ms: NOW }
    }

    #[test]
    fn drafts_round_trip_whatever_they_hold() {
        let d = draft(Some(2), "The search is slow.", "ana@example.com");
        assert_eq!(d.encode(Scale::Csat5), "1,csat5,2,1764590000000,15,ana@example.comThe search is slow.");
        for d in [
            d,
            draft(None, "", ""),
            draft(Some(0), "a,b,,c\n1,csat5,", "x,y@z"),
            draft(Some(10), "中文 🎉 \"quotes\" \\", "é@é.example"),
        ] {
            let scale = if d.rating.is_some_and(|r| r > 5 || r == 0) { Scale::Nps } else { Scale::Csat5 };
            assert_eq!(Draft::decode(&d.encode(scale), scale, NOW), Some(d.clone()), "{d:?}");
        }
    }

    #[test]
    fn garbage_other_scales_and_off_scale_ratings_are_refused() {
        let stored = draft(Some(3), "ok", "").encode(Scale::Stars5);
        assert!(Draft::decode(&stored, Scale::Stars5, NOW).is_some());
        assert_eq!(Draft::decode(&stored, Scale::Csat5, NOW), None, "a 3 on another scale means something else");
        for bad in [
            "", "garbage", "1,", "2,csat5,2,1,0,", "1,csat5,6,1764590000000,0,", "1,nps,11,1764590000000,0,",
            "1,csat5,x,1764590000000,0,", "1,csat5,2,soon,0,", "1,csat5,2,1764590000000,99,short", "1,csat5,2,1764590000000,1,é",
            "1,csat5,2,1764590000000,-1,",
        ] {
            assert_eq!(Draft::decode(bad, Scale::Csat5, NOW), None, "{bad}");
        }
        assert_eq!(Draft::decode("1,thumbs,0,1764590000000,0,", Scale::Thumbs, NOW).and_then(|d| d.rating), Some(0));
    }

    #[test]
    fn drafts_older_than_the_outbox_keeps_responses_are_gone() {
        let stored = draft(Some(4), "Nice.", "").encode(Scale::Csat5);
        assert!(Draft::decode(&stored, Scale::Csat5, NOW + MAX_AGE_MS).is_some());
        assert_eq!(Draft::decode(&stored, Scale::Csat5, NOW + MAX_AGE_MS + 1), None);
    }

    #[test]
    fn the_longest_draft_is_within_the_stated_bound() {
        let longest = Draft {
            rating: Some(10),
            comment: "🎉".repeat(MAX_COMMENT_CHARS + 10),
            email: "é".repeat(MAX_EMAIL_CHARS + 10),
            saved_at_ms: u64::MAX,
        };
        let stored = longest.encode(Scale::Stars5);
        assert!(stored.len() <= MAX_DRAFT_BYTES, "{}", stored.len());
        let stored = Draft { email: "🎉".repeat(MAX_EMAIL_CHARS), rating: Some(5), ..longest }.encode(Scale::Emoji5);
        assert!(stored.len() <= MAX_DRAFT_BYTES, "{}", stored.len());
        let back = Draft::decode(&stored, Scale::Emoji5, u64::MAX).expect("a cut draft reads back");
        assert_eq!((back.comment.chars().count(), back.email.chars().count()), (MAX_COMMENT_CHARS, MAX_EMAIL_CHARS));
    }
}
