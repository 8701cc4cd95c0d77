//! What every notification channel shares: what one delivery try came to, how long to wait
//! before the next, and the dashboard links messages carry.

use std::time::Duration;

/// The result of one delivery try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The channel accepted it.
    Delivered,
    /// It may work later (network error, timeout, `408`, `429`, `5xx`, SMTP `4xx`): try again,
    /// no sooner than `after` when the channel said so.
    Retry {
        /// What the channel asked for (`Retry-After`), if anything.
        after: Option<Duration>,
        /// What went wrong, for the owner.
        reason: String,
    },
    /// It will never be accepted (a `4xx` other than `408` and `429`, SMTP `5xx`): stop and show
    /// the reason.
    Refused {
        /// What the channel answered, for the owner.
        reason: String,
    },
}

/// Where the owner's dashboard is, for links in alerts and digests.
#[derive(Debug, Clone)]
pub struct Links {
    base: String,
}

impl Links {
    /// Links under `base` (such as `https://feedback.shop.example`).
    pub fn new(base: &str) -> Self {
        Self { base: base.trim_end_matches('/').to_owned() }
    }

    /// The dashboard's overview.
    pub fn dashboard(&self) -> String {
        format!("{}/dashboard", self.base)
    }

    /// The dashboard page of response `id`.
    pub fn response(&self, id: &str) -> String {
        format!("{}/dashboard/feedback/{id}", self.base)
    }
}

/// Shortest wait before a retry.
pub const FIRST_RETRY: Duration = Duration::from_secs(2);
/// Longest wait between retries: a channel down for hours is still tried every ten minutes.
pub const LAST_RETRY: Duration = Duration::from_secs(600);

/// The longest `Retry-After` honoured.
pub const LONGEST_ASKED: Duration = Duration::from_secs(3600);

/// How long to wait after the `attempts`-th failed try: doubling from [`FIRST_RETRY`] up to
/// [`LAST_RETRY`], with up to a quarter more at random (`jitter` in 0..=1) so that many
/// notifications waiting on one channel do not all come back at once; never sooner than the
/// channel asked.
pub fn backoff(attempts: u32, asked: Option<Duration>, jitter: f64) -> Duration {
    let doubling = FIRST_RETRY.saturating_mul(1u32.checked_shl(attempts.saturating_sub(1).min(16)).unwrap_or(u32::MAX));
    let base = doubling.min(LAST_RETRY);
    let wait = base + base.mul_f64(jitter.clamp(0.0, 1.0) / 4.0);
    // A channel may ask for a pause, but not for a day's silence about an unhappy visitor.
    asked.map_or(wait, |asked| wait.max(asked.min(LONGEST_ASKED)))
}

/// Classifies an HTTP answer the way the widget's courier does.
pub fn from_http_status(status: u16, retry_after: Option<Duration>, body: &str) -> Outcome {
    let snippet: String = body.chars().take(200).collect();
    match status {
        200..=299 => Outcome::Delivered,
        408 | 429 | 500..=599 => Outcome::Retry { after: retry_after, reason: format!("HTTP {status}: {snippet}") },
        _ => Outcome::Refused { reason: format!("HTTP {status}: {snippet}") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_honour_what_was_asked() {
        assert_eq!(backoff(1, None, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(2, None, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(5, None, 0.0), Duration::from_secs(32));
        assert_eq!(backoff(40, None, 0.0), LAST_RETRY);
        assert_eq!(backoff(1, None, 1.0), Duration::from_millis(2500));
        assert_eq!(backoff(1, Some(Duration::from_secs(30)), 0.5), Duration::from_secs(30));
        assert_eq!(backoff(1, Some(Duration::from_secs(99_999_999)), 0.0), LONGEST_ASKED, "not a day's silence");
    }

    #[test]
    fn links_point_at_the_dashboard() {
        let links = Links::new("https://feedback.shop.example/");
        assert_eq!(links.response("abc"), "https://feedback.shop.example/dashboard/feedback/abc");
        assert_eq!(links.dashboard(), "https://feedback.shop.example/dashboard");
    }

    #[test]
    fn http_answers_are_classified_like_the_widget_does() {
        assert_eq!(from_http_status(204, None, ""), Outcome::Delivered);
        for status in [408, 429, 500, 503] {
            assert!(matches!(from_http_status(status, None, "busy"), Outcome::Retry { .. }), "{status}");
        }
        for status in [400, 401, 404, 410] {
            assert!(matches!(from_http_status(status, None, "gone"), Outcome::Refused { .. }), "{status}");
        }
    }
}
