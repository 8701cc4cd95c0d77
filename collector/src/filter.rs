//! The filters and paging shared by the dashboard and `GET /api/feedback` (with the API's cursor
//! and formats), read from a query string.

use platinum_payload::{METADATA_KEY_SEPARATOR, Scale};
use time::Date;
use time::macros::format_description;

use crate::AppError;

/// Which responses to show. Empty query parameters (as HTML forms send them) mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackFilter {
    /// `rating=0..10`: only this rating (on the `scale` when one is given).
    pub rating: Option<u8>,
    /// `scale=csat5|stars5|emoji5|thumbs|nps`: only ratings on this scale.
    pub scale: Option<Scale>,
    /// `meta=key:value`, repeatable: only responses whose metadata has each of these entries.
    pub metadata: Vec<(String, String)>,
    /// `has_comment=yes|no`.
    pub has_comment: Option<bool>,
    /// `has_email=yes|no`.
    pub has_email: Option<bool>,
    /// `from=YYYY-MM-DD`: received on or after this day (UTC).
    pub from: Option<Date>,
    /// `to=YYYY-MM-DD`: received on or before this day (UTC).
    pub to: Option<Date>,
    /// `q=text`: comment, email or page URL contains this text (case-insensitive for ASCII).
    pub q: Option<String>,
    /// `spam=hide|include|only`; hidden by default.
    pub spam: SpamFilter,
}

/// Whether responses flagged as spam (honeypot filled) are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SpamFilter {
    /// Leave spam out (the default).
    #[default]
    Hide,
    /// Show spam with the rest.
    Include,
    /// Show only spam.
    Only,
}

/// Which slice of the matching responses to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// `page=N`, from 1.
    pub page: u32,
    /// `per_page=N`, 1 to [`Paging::MAX_PER_PAGE`].
    pub per_page: u32,
}

impl Paging {
    /// Largest page size accepted.
    pub const MAX_PER_PAGE: u32 = 500;

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self { page: 1, per_page: 50 }
    }
}

/// How `GET /api/feedback` answers: `format=json|csv|ndjson`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// One page as a JSON object (the default).
    #[default]
    Json,
    /// Every matching response as CSV, streamed.
    Csv,
    /// Every matching response as one JSON object per line, streamed.
    Ndjson,
}

/// Where a cursor walk goes on: after the response numbered `seq`, towards older ones.
///
/// Responses are numbered in the order they were stored and the numbers never change, so a walk
/// sees every response stored before it began exactly once, however many arrive meanwhile.
/// Clients treat the text as opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The number of the last response already returned.
    pub seq: i64,
}

impl Cursor {
    const PREFIX: &'static str = "c1.";

    /// The cursor as `next_cursor` gives it.
    pub fn encode(&self) -> String {
        format!("{}{:x}", Self::PREFIX, self.seq)
    }

    /// Reads a cursor made by [`Cursor::encode`] (lower-case hex, no leading zero, at most 15
    /// digits); none for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        let digits = text.strip_prefix(Self::PREFIX)?;
        let canonical = (1..=15).contains(&digits.len())
            && !digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        canonical.then(|| i64::from_str_radix(digits, 16).ok()).flatten().map(|seq| Self { seq })
    }
}

/// The parsed query string of a listing.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Which responses.
    pub filter: FeedbackFilter,
    /// Which page of them.
    pub paging: Paging,
    /// `cursor=…`: go on after the response this names (the API only); `page` is then not used.
    pub cursor: Option<Cursor>,
    /// `format=json|csv|ndjson` (the API only).
    pub format: Format,
}

impl Listing {
    /// Reads a query string; unknown parameters are ignored, bad values name their parameter.
    pub fn parse(query: Option<&str>) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| AppError::invalid(None, format!("query string: {e}")))?;
        let mut listing = Self::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let bad = |expected: &str| AppError::invalid(Some(key.clone()), format!("{key} must be {expected} (got {value:?})"));
            let f = &mut listing.filter;
            match key.as_str() {
                "rating" => f.rating = Some(value.parse().ok().filter(|r| *r <= 10).ok_or_else(|| bad("a rating from 0 to 10"))?),
                "scale" => f.scale = Some(Scale::from_name(value).ok_or_else(|| bad("csat5, stars5, emoji5, thumbs or nps"))?),
                "meta" => {
                    let (name, wanted) = value.split_once(METADATA_KEY_SEPARATOR).ok_or_else(|| bad("key:value, like plan:pro"))?;
                    if name.is_empty() {
                        return Err(bad("key:value with a key, like plan:pro"));
                    }
                    f.metadata.push((name.to_owned(), wanted.to_owned()));
                }
                "has_comment" => f.has_comment = Some(yes_no(value).ok_or_else(|| bad("yes or no"))?),
                "has_email" => f.has_email = Some(yes_no(value).ok_or_else(|| bad("yes or no"))?),
                "from" => f.from = Some(date(value).ok_or_else(|| bad("a date like 2026-11-23"))?),
                "to" => f.to = Some(date(value).ok_or_else(|| bad("a date like 2026-11-23"))?),
                "q" => f.q = Some(value.to_owned()),
                "spam" => {
                    f.spam = match value {
                        "hide" => SpamFilter::Hide,
                        "include" => SpamFilter::Include,
                        "only" => SpamFilter::Only,
                        _ => return Err(bad("hide, include or only")),
                    }
                }
                "page" => listing.paging.page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(|| bad("a page number from 1"))?,
                "per_page" => {
                    listing.paging.per_page = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=Paging::MAX_PER_PAGE).contains(n))
                        .ok_or_else(|| bad("a number from 1 to 500"))?;
                }
                "format" => {
                    listing.format = match value {
                        "json" => Format::Json,
                        "csv" => Format::Csv,
                        "ndjson" => Format::Ndjson,
                        _ => return Err(bad("json, csv or ndjson")),
                    }
                }
                "cursor" => listing.cursor = Some(Cursor::decode(value).ok_or_else(|| bad("a next_cursor from an earlier page"))?),
                _ => {}
            }
        }
        if listing.cursor.is_some() && listing.paging.page > 1 {
            return Err(AppError::invalid(Some("page".to_owned()), "page cannot be combined with cursor: a cursor says where the page starts"));
        }
        let f = &listing.filter;
        if let (Some(rating), Some(scale)) = (f.rating, f.scale)
            && !scale.contains(rating)
        {
            let message = format!("rating {rating} is not on the {} scale ({} to {})", scale.name(), scale.lowest(), scale.highest());
            return Err(AppError::invalid(Some("rating".to_owned()), message));
        }
        Ok(listing)
    }

    /// The filter as query parameters, for links that keep it (paging, export).
    pub fn filter_query(&self) -> String {
        let f = &self.filter;
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(r) = f.rating {
            pairs.push(("rating", r.to_string()));
        }
        if let Some(scale) = f.scale {
            pairs.push(("scale", scale.name().to_owned()));
        }
        for (key, value) in &f.metadata {
            pairs.push(("meta", format!("{key}{METADATA_KEY_SEPARATOR}{value}")));
        }
        if let Some(b) = f.has_comment {
            pairs.push(("has_comment", yes_no(b).to_owned()));
        }
        if let Some(b) = f.has_email {
            pairs.push(("has_email", yes_no(b).to_owned()));
        }
        if let Some(d) = f.from {
            pairs.push(("from", d.to_string()));
        }
        if let Some(d) = f.to {
            pairs.push(("to", d.to_string()));
        }
        if let Some(q) = &f.q {
            pairs.push(("q", q.clone()));
        }
        match f.spam {
            SpamFilter::Hide => {}
            SpamFilter::Include => pairs.push(("spam", "include".to_owned())),
            SpamFilter::Only => pairs.push(("spam", "only".to_owned())),
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

fn yes_no(value: &str) -> Option<bool> {
    match value {
        "yes" | "true" | "1" => Some(true),
        "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn date(value: &str) -> Option<Date> {
    Date::parse(value, format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::{Cursor, Format, Listing};

    #[test]
    fn a_cursor_reads_back_as_the_number_it_was_made_from() {
        for seq in [1, 9, 10, 255, 1_000_000, 0xfff_ffff_ffff_ffff] {
            let text = Cursor { seq }.encode();
            assert_eq!(Cursor::decode(&text), Some(Cursor { seq }), "{text}");
            let listing = Listing::parse(Some(&format!("cursor={text}&format=ndjson"))).expect("a good cursor");
            assert_eq!((listing.cursor, listing.format), (Some(Cursor { seq }), Format::Ndjson));
        }
    }

    #[test]
    fn only_cursors_in_the_form_given_are_read() {
        for text in ["", "c1.", "c1.0", "c1.01", "c1.A", "c1.-1", "c1.1000000000000000", "c2.1", "1", "c1.1 "] {
            assert_eq!(Cursor::decode(text), None, "{text:?}");
        }
        let refused = Listing::parse(Some("cursor=c1.zz")).expect_err("a 400");
        assert_eq!(refused.to_string(), "cursor must be a next_cursor from an earlier page (got \"c1.zz\")");
    }
}
