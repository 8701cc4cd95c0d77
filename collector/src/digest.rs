//! Digests: when a daily or weekly period ends (at the owner's hour, in the owner's time zone),
//! sum it up once — responses against the period before, each scale's figures (the five-point
//! average and distribution, the NPS score, the share of thumbs up), the unhappy visitors still
//! waiting for an answer, the newest comments — and queue it for every channel, unless there is
//! nothing to say.
//!
//! Each period that ends gets one `digest` row (its end is unique), written in the same
//! transaction as its notifications, so a restart never sums up or sends a period twice.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, ZonedDateTime};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::store::{NpsScore, Store, ThumbsShare};

/// How often digests are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Each day at the hour.
    Day,
    /// Each week, on this day at the hour.
    Week(Weekday),
}

/// When digests are made: how often, at which hour, in which time zone.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// How often.
    pub every: Every,
    /// Hour of the day (0–23) at which a period ends.
    pub hour: i8,
    /// The owner's time zone.
    pub time_zone: TimeZone,
    /// Its name as the owner gave it (`Europe/Lisbon`).
    pub time_zone_name: String,
}

/// Reads a `--digest-time-zone` value: an IANA name such as `Europe/Lisbon`, or `UTC`.
pub fn parse_time_zone(value: &str) -> Result<(String, TimeZone), String> {
    let name = value.trim();
    TimeZone::get(name)
        .map(|tz| (name.to_owned(), tz))
        .map_err(|_| format!("{name:?} is not a time zone: use an IANA name such as Europe/Lisbon, America/New_York or UTC"))
}

/// Reads a `--digest-weekday` value: `monday` … `sunday`, or their first three letters or more.
pub fn parse_weekday(value: &str) -> Result<Weekday, String> {
    let day = value.trim().to_ascii_lowercase();
    let days = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    days.iter()
        .find(|(name, _)| day.len() >= 3 && name.starts_with(day.as_str()))
        .map(|(_, weekday)| *weekday)
        .ok_or_else(|| format!("{value:?} is not a day of the week: use monday … sunday"))
}

impl Schedule {
    /// The most recent period that has ended at `now` (Unix seconds): its start and end.
    pub fn last_period(&self, now: i64) -> Result<(i64, i64), AppError> {
        let failed = |e: jiff::Error| AppError::Internal(format!("digest schedule: {e}"));
        let now = Timestamp::from_second(now).map_err(failed)?.to_zoned_datetime(self.time_zone.clone());
        let mut end = self.boundary_on(now.date()).map_err(failed)?;
        if end.timestamp() > now.timestamp() {
            end = self.boundary_on(now.date().yesterday().map_err(failed)?).map_err(failed)?;
        }
        let start = match self.every {
            Every::Day => self.boundary_on(end.date().yesterday().map_err(failed)?).map_err(failed)?,
            Every::Week(day) => {
                while end.weekday() != day {
                    end = self.boundary_on(end.date().yesterday().map_err(failed)?).map_err(failed)?;
                }
                let week_before = end.date().checked_sub(7.days()).map_err(failed)?;
                self.boundary_on(week_before).map_err(failed)?
            }
        };
        Ok((start.timestamp().as_second(), end.timestamp().as_second()))
    }

    /// The hour on `date` in the owner's time zone (a time skipped by a clock change moves on).
    fn boundary_on(&self, date: jiff::civil::Date) -> Result<ZonedDateTime, jiff::Error> {
        date.at(self.hour, 0, 0, 0).to_zoned_datetime(self.time_zone.clone())
    }

    /// `daily` or `weekly`.
    pub fn name(&self) -> &'static str {
        match self.every {
            Every::Day => "daily",
            Every::Week(_) => "weekly",
        }
    }
}

/// How often the owner asked for digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestOption {
    /// No digests.
    Off,
    /// Daily.
    Daily,
    /// Weekly.
    Weekly,
}

impl FromStr for DigestOption {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Ok(Self::Off),
            "daily" => Ok(Self::Daily),
            "weekly" => Ok(Self::Weekly),
            _ => Err(format!("{value:?}: --digest must be off, daily or weekly")),
        }
    }
}

impl fmt::Display for DigestOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Off => "off",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        })
    }
}

/// One period summed up, as it is stored and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// `daily` or `weekly`.
    pub period: String,
    /// The period's start and end, RFC 3339 in the owner's time zone.
    pub from: String,
    /// See `from`.
    pub to: String,
    /// The owner's time zone.
    pub time_zone: String,
    /// Responses received in the period on every scale (spam left out).
    pub responses: i64,
    /// The mean rating of its five-point responses.
    pub average: Option<f64>,
    /// Responses in the period before, for the change.
    pub previous_responses: i64,
    /// The mean rating of its five-point responses.
    pub previous_average: Option<f64>,
    /// Five-point responses per rating in the period, index 0 is rating 1.
    pub distribution: [i64; 5],
    /// The NPS score of the period, when it had NPS responses (digests made before scales
    /// had their own figures have none).
    #[serde(default)]
    pub nps: Option<NpsScore>,
    /// The NPS score of the period before, when it had NPS responses.
    #[serde(default)]
    pub previous_nps: Option<NpsScore>,
    /// The share of thumbs up in the period, when it had thumbs responses.
    #[serde(default)]
    pub thumbs: Option<ThumbsShare>,
    /// Unhappy visitors not yet followed up, oldest first (at most 10).
    pub waiting: Vec<DigestItem>,
    /// How many unhappy visitors are waiting in all.
    pub waiting_total: i64,
    /// The newest comments of the period (at most 5).
    pub newest: Vec<DigestItem>,
}

/// A response as a digest mentions it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct DigestItem {
    /// Its id, for the dashboard link.
    pub id: String,
    /// The rating's scale by name; digests stored before scales had names are csat5.
    #[serde(default = "csat5")]
    pub scale: String,
    /// The rating.
    pub rating: i64,
    /// The comment, cut to 300 characters.
    pub comment: String,
    /// The visitor's address, if given (typed, else their account's).
    pub email: Option<String>,
    /// When it arrived, RFC 3339 UTC.
    pub received_at: String,
}

fn csat5() -> String {
    platinum_payload::Scale::Csat5.name().to_owned()
}

impl DigestItem {
    /// The rating in words on its scale: `2 of 5`, `3 of 10 (NPS)`, `not helpful`.
    pub fn rating_words(&self) -> String {
        crate::rating::rating_words(crate::rating::scale_named(&self.scale), self.rating)
    }
}

impl Digest {
    /// Whether the period had five-point responses (csat5, stars5, emoji5).
    pub fn has_five_point(&self) -> bool {
        self.distribution.iter().any(|&n| n > 0)
    }

    /// Whether there is anything to tell the owner.
    pub fn has_news(&self) -> bool {
        self.responses > 0 || self.waiting_total > 0
    }
}

/// Most characters of a comment quoted in a digest.
pub const QUOTE_CHARS: usize = 300;

/// Makes the digest of the last period that ended at `now`, unless one was made already, and
/// queues it on `channels` when it has news; the digest's number if one was queued.
pub async fn tick(store: &Store, schedule: &Schedule, channels: &[String], now: i64) -> Result<Option<i64>, AppError> {
    let (start, end) = schedule.last_period(now)?;
    if store.digest_made(end).await? {
        return Ok(None);
    }
    let before = schedule.last_period(start)?.0;
    let digest = gather(store, schedule, start, end, before).await?;
    let body = if digest.has_news() && !channels.is_empty() {
        Some(serde_json::to_string(&digest).map_err(|e| AppError::Internal(format!("digest as JSON: {e}")))?)
    } else {
        None
    };
    let queued = store.record_digest(start, end, body.as_deref(), channels, now).await?;
    if let Some(id) = queued {
        tracing::info!(digest = id, responses = digest.responses, waiting = digest.waiting_total, "digest queued");
    }
    Ok(queued.filter(|_| body.is_some()))
}

async fn gather(store: &Store, schedule: &Schedule, start: i64, end: i64, before: i64) -> Result<Digest, AppError> {
    let utc = |t: i64| -> Result<String, AppError> {
        let at = time::OffsetDateTime::from_unix_timestamp(t).map_err(|e| AppError::Internal(format!("digest time: {e}")))?;
        Ok(crate::store::rfc3339_millis(at))
    };
    let local = |t: i64| -> String {
        Timestamp::from_second(t).map(|ts| ts.to_zoned_datetime(schedule.time_zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()).unwrap_or_default()
    };
    let (from, to, earlier) = (utc(start)?, utc(end)?, utc(before)?);
    let period = store.tally_between(&from, &to).await?;
    let previous = store.tally_between(&earlier, &from).await?;
    let (waiting, waiting_total) = store.waiting_for_follow_up(10).await?;
    let newest = store.newest_comments_between(&from, &to, 5).await?;
    let cut = |mut item: DigestItem| {
        if item.comment.chars().count() > QUOTE_CHARS {
            item.comment = item.comment.chars().take(QUOTE_CHARS).collect::<String>() + "…";
        }
        item
    };
    Ok(Digest {
        period: schedule.name().to_owned(),
        from: local(start),
        to: local(end),
        time_zone: schedule.time_zone_name.clone(),
        responses: period.total,
        average: period.average,
        previous_responses: previous.total,
        previous_average: previous.average,
        distribution: period.distribution,
        nps: period.nps,
        previous_nps: previous.nps,
        thumbs: period.thumbs,
        waiting: waiting.into_iter().map(cut).collect(),
        waiting_total,
        newest: newest.into_iter().map(cut).collect(),
    })
}

/// The mean rating of a distribution (index 0 is rating 1), if it has any response.
#[allow(clippy::cast_precision_loss)] // counts far below 2^53
pub fn average(distribution: &[i64; 5]) -> Option<f64> {
    let total: i64 = distribution.iter().sum();
    let weighted: i64 = distribution.iter().zip(1..).map(|(n, r)| n * r).sum();
    (total > 0).then(|| weighted as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(every: Every, hour: i8, zone: &str) -> Schedule {
        let (name, tz) = parse_time_zone(zone).expect("zone");
        Schedule { every, hour, time_zone: tz, time_zone_name: name }
    }

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().expect("timestamp").as_second()
    }

    #[test]
    fn a_daily_period_ends_at_the_owners_hour_in_their_zone() {
        let s = schedule(Every::Day, 8, "Europe/Lisbon");
        // 2026-12-01 is winter time in Lisbon: UTC+0.
        assert_eq!(s.last_period(at("2026-12-01T09:30:00Z")).ok(), Some((at("2026-11-30T08:00:00Z"), at("2026-12-01T08:00:00Z"))));
        assert_eq!(s.last_period(at("2026-12-01T07:59:59Z")).ok(), Some((at("2026-11-29T08:00:00Z"), at("2026-11-30T08:00:00Z"))));
        let ny = schedule(Every::Day, 8, "America/New_York");
        assert_eq!(ny.last_period(at("2026-12-01T14:00:00Z")).ok(), Some((at("2026-11-30T13:00:00Z"), at("2026-12-01T13:00:00Z"))));
    }

    #[test]
    fn a_day_with_a_clock_change_is_23_or_25_hours() {
        let s = schedule(Every::Day, 8, "Europe/Lisbon");
        // Summer time starts on 2026-03-29: that day's 08:00 is 07:00 UTC.
        let (start, end) = s.last_period(at("2026-03-29T12:00:00Z")).expect("period");
        assert_eq!(end - start, 23 * 3600);
    }

    #[test]
    fn a_weekly_period_ends_on_the_owners_day() {
        let s = schedule(Every::Week(Weekday::Monday), 9, "UTC");
        // 2026-12-02 is a Wednesday; the last Monday 09:00 is 2026-11-30.
        assert_eq!(s.last_period(at("2026-12-02T10:00:00Z")).ok(), Some((at("2026-11-23T09:00:00Z"), at("2026-11-30T09:00:00Z"))));
    }

    #[test]
    fn options_are_read_with_clear_errors() {
        assert!(parse_time_zone("Mars/Olympus").is_err_and(|e| e.contains("Mars/Olympus") && e.contains("IANA")));
        assert_eq!(parse_weekday("Monday"), Ok(Weekday::Monday));
        assert_eq!(parse_weekday("sun"), Ok(Weekday::Sunday));
        assert!(parse_weekday("someday").is_err());
        assert_eq!("weekly".parse::<DigestOption>(), Ok(DigestOption::Weekly));
        assert!("hourly".parse::<DigestOption>().is_err_and(|e| e.contains("--digest")));
    }
}
