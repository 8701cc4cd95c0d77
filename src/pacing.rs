//! How often triggers may ask one visitor: the sample they fall in and the cooldown after they were asked, kept per visitor.
//!
//! The record lives in the site's `localStorage` under [`VISITOR_KEY`] (`dom` stores it; this module
//! only reads and writes its text). Without storage the widget cannot tell a visitor it asked
//! from a new one, so triggers never fire then; the launcher always works.

use crate::text::decimal;

/// Where the visitor's record is kept in `localStorage`.
pub const VISITOR_KEY: &str = "platinum:visitor";
/// Parts per 10,000 that mean everyone: `sample` is stored as parts per 10,000.
pub const EVERYONE: u16 = 10_000;
/// Days a visitor who answered or dismissed is not asked again by a trigger, unless the owner
/// sets `cooldown`. A month is the usual spacing of satisfaction surveys: a returning visitor is
/// not asked on every visit, and a monthly one is still heard from again.
pub const DEFAULT_COOLDOWN_DAYS: u16 = 30;
/// Most cooldown days an owner may set: a year.
pub const MAX_COOLDOWN_DAYS: u16 = 365;
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Reads a share of visitors, `0` to `1` as a decimal (`0.25`) or a percentage (`25%`), as parts
/// per 10,000; digits past the fourth decimal (the second of a percentage) are dropped.
pub fn parse_share(s: &str) -> Option<u16> {
    let (number, decimals) = match s.trim().strip_suffix('%') {
        Some(percent) => (percent.trim_end(), 2),
        None => (s.trim(), 4),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) || whole.len() > 5 {
        return None;
    }
    let mut parts = whole.bytes().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    for i in 0..decimals {
        parts = parts * 10 + fraction.as_bytes().get(i).map_or(0, |d| u32::from(d - b'0'));
    }
    u16::try_from(parts).ok().filter(|&p| p <= EVERYONE)
}

/// One visitor's pacing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visitor {
    /// A number from 0 to 9,999 drawn once for this visitor; they are in a sample of `s` parts per
    /// 10,000 when it is below `s`. Keeping the draw rather than a yes or no lets an owner widen
    /// or narrow the sample later without asking anyone twice as often.
    draw: u16,
    /// Pages of the site this visitor has viewed, this one included once [`Visitor::visit`] ran.
    pub page_views: u32,
    /// When they last answered or dismissed, or a trigger opened the dialog, in ms since the epoch.
    pub last_asked_ms: Option<u64>,
}

impl Visitor {
    /// A visitor seen for the first time; `random` is any uniformly random `u32`.
    pub fn new(random: u32) -> Visitor {
        // The top bits of `random × 10,000`: uniform over 0..10,000 without a modulo's bias.
        let draw = ((u64::from(random) * u64::from(EVERYONE)) >> 32) as u16;
        Visitor { draw, page_views: 0, last_asked_ms: None }
    }

    /// The stored record, or a new visitor's when there is none or it is unreadable.
    pub fn load(stored: Option<&str>, random: u32) -> Visitor {
        stored.and_then(Visitor::decode).unwrap_or_else(|| Visitor::new(random))
    }

    /// Reads a record written by [`Visitor::encode`].
    pub fn decode(s: &str) -> Option<Visitor> {
        let mut fields = s.strip_prefix("1,")?.split(',');
        let draw = number(fields.next()?).filter(|&d| d < u64::from(EVERYONE))? as u16;
        let page_views = u32::try_from(number(fields.next()?)?).ok()?;
        let last_asked_ms = match fields.next()? {
            "" => None,
            ms => Some(number(ms)?),
        };
        fields.next().is_none().then_some(Visitor { draw, page_views, last_asked_ms })
    }

    /// The record as stored: `1,<draw>,<page views>,<last asked ms or nothing>`, e.g.
    /// `1,4821,12,1764590000000`; at most 38 bytes.
    pub fn encode(&self) -> String {
        let mut out = crate::text::join(&["1,", &decimal(self.draw.into()), ",", &decimal(self.page_views as usize), ","]);
        if let Some(ms) = self.last_asked_ms {
            // Not `decimal`: a `usize` is 32 bits on wasm32.
            platinum_payload::push_decimal(&mut out, ms);
        }
        out
    }

    /// Counts this page view; call once per page load.
    pub fn visit(&mut self) {
        self.page_views = self.page_views.saturating_add(1);
    }

    /// Notes that the visitor was asked now: they answered, dismissed the dialog, or a trigger
    /// opened it (a visitor who leaves a dialog a trigger opened has been asked too).
    pub fn asked(&mut self, now_ms: u64) {
        self.last_asked_ms = Some(now_ms);
    }

    /// Whether the visitor is in a sample of `sample` parts per 10,000.
    pub fn sampled(&self, sample: u16) -> bool {
        self.draw < sample
    }
}

/// Reads a field written by [`Visitor::encode`]: decimal digits only. One reader for every
/// field, where `str::parse` would ship one for each integer type to every page.
fn number(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| if b.is_ascii_digit() { n.checked_mul(10)?.checked_add(u64::from(b - b'0')) } else { None })
}

/// Whether a trigger may open the dialog for this visitor now: their record could be kept
/// (`None` when storage is unavailable), they are in the sample, and `cooldown_days` have passed
/// since they were last asked. The launcher is never paced.
pub fn may_trigger(record: Option<&Visitor>, now_ms: u64, sample: u16, cooldown_days: u16) -> bool {
    record.is_some_and(|v| {
        v.sampled(sample) && v.last_asked_ms.is_none_or(|last| now_ms.saturating_sub(last) >= u64::from(cooldown_days) * DAY_MS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_590_000_000;

    #[test]
    fn shares_read_as_decimals_or_percentages() {
        let cases = [
            ("0", 0), ("1", 10_000), ("0.25", 2_500), (".5", 5_000), ("1.0", 10_000), ("0.0001", 1), ("0.33339", 3_333),
            ("25%", 2_500), ("12.5%", 1_250), ("100%", 10_000), ("0%", 0), (" 5 % ", 500), ("0.01%", 1),
        ];
        for (given, parts) in cases {
            assert_eq!(parse_share(given), Some(parts), "{given}");
        }
        for bad in ["", ".", "%", "-0.1", "1.5", "101%", "0,25", "half", "1e-2", "99999999", "0.2.5", "+0.5", "25 %%"] {
            assert_eq!(parse_share(bad), None, "{bad}");
        }
    }

    #[test]
    fn records_round_trip_and_garbage_is_a_new_visitor() {
        let mut v = Visitor::new(u32::MAX / 2);
        assert_eq!(v.encode(), "1,4999,0,");
        v.visit();
        v.visit();
        v.asked(NOW);
        assert_eq!(v.encode(), "1,4999,2,1764590000000");
        assert_eq!(Visitor::decode(&v.encode()), Some(v));
        assert_eq!(Visitor::load(Some(&v.encode()), 0), v);
        let longest = Visitor { draw: 9_999, page_views: u32::MAX, last_asked_ms: Some(u64::MAX) };
        assert!(longest.encode().len() <= 38 && Visitor::decode(&longest.encode()) == Some(longest));
        for bad in ["", "1,", "2,1,1,", "1,10000,1,", "1,1,-1,", "1,1,1,x", "1,1,1,1,1", "1,a,1,", "{\"draw\":1}", "1,+1,1,", "1,1,4294967296,", "1,1,1,18446744073709551616", "1,,1,"] {
            assert_eq!(Visitor::decode(bad), None, "{bad}");
        }
        assert_eq!(Visitor::load(Some("garbage"), 0), Visitor::new(0));
        assert_eq!(Visitor::load(None, 7), Visitor::new(7));
    }

    #[test]
    fn draws_spread_over_the_whole_range() {
        assert_eq!(Visitor::new(0).draw, 0);
        assert_eq!(Visitor::new(u32::MAX).draw, 9_999);
        let in_quarter = (0..1000u32).filter(|i| Visitor::new(i.wrapping_mul(4_294_967)).sampled(2_500)).count();
        assert!((200..300).contains(&in_quarter), "{in_quarter} of 1000 in a 25% sample");
    }

    #[test]
    fn sample_zero_never_asks_and_one_always_does() {
        for random in [0, 1, u32::MAX / 3, u32::MAX - 1, u32::MAX] {
            let v = Visitor::new(random);
            assert!(!may_trigger(Some(&v), NOW, 0, 0), "{random}");
            assert!(may_trigger(Some(&v), NOW, EVERYONE, 0), "{random}");
        }
    }

    #[test]
    fn the_cooldown_stops_a_second_trigger_until_it_has_passed() {
        let mut v = Visitor::new(0);
        assert!(may_trigger(Some(&v), NOW, EVERYONE, 30), "never asked: may ask");
        v.asked(NOW);
        let day = 24 * 60 * 60 * 1000;
        assert!(!may_trigger(Some(&v), NOW + 29 * day, EVERYONE, 30));
        assert!(may_trigger(Some(&v), NOW + 30 * day, EVERYONE, 30));
        assert!(may_trigger(Some(&v), NOW, EVERYONE, 0), "no cooldown");
        assert!(!may_trigger(Some(&v), NOW - day, EVERYONE, 1), "a clock set back does not ask early");
    }

    #[test]
    fn without_storage_triggers_never_fire() {
        assert!(!may_trigger(None, NOW, EVERYONE, 0));
    }
}
