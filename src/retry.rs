//! When to try delivering a response again: exponential backoff with jitter, honouring `Retry-After`.

/// What an endpoint's answer (or its absence) means for delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: delivered.
    Delivered,
    /// Worth trying again: network error, timeout, 408, 429 or 5xx.
    Retry,
    /// Any other status: the endpoint will never accept this payload.
    Refused,
}

impl Outcome {
    /// Classifies an HTTP status; `None` means no answer arrived (network error or timeout).
    pub fn of(status: Option<u16>) -> Outcome {
        match status {
            Some(200..=299) => Outcome::Delivered,
            None | Some(408 | 429 | 500..=599) => Outcome::Retry,
            Some(_) => Outcome::Refused,
        }
    }
}

/// Exponential backoff bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry, in milliseconds.
    pub base_ms: u32,
    /// Longest delay between tries, in milliseconds.
    pub cap_ms: u32,
}

impl RetryPolicy {
    /// One second, doubling, at most five minutes apart.
    pub const DEFAULT: RetryPolicy = RetryPolicy { base_ms: 1_000, cap_ms: 300_000 };

    /// Delay before retry number `attempt` (0 = first retry).
    ///
    /// `jitter` in `[0, 1)` spreads clients out by up to half the delay, so many visitors coming
    /// back online together do not arrive together. A `Retry-After` from the server (seconds)
    /// is a floor: we never come back sooner than asked, even past the cap.
    pub fn delay_ms(&self, attempt: u32, jitter: f64, retry_after_s: Option<u32>) -> u32 {
        let exp = u64::from(self.base_ms).saturating_mul(1u64 << attempt.min(30));
        let capped = exp.min(u64::from(self.cap_ms)) as f64;
        let jittered = capped * (0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        let asked = retry_after_s.map_or(0, |s| s.saturating_mul(1000));
        (jittered as u32).max(asked)
    }
}

/// The pause between delivery rounds over the outbox.
///
/// A round sends every waiting response; when it ends with some still waiting, the next round
/// comes after [`RetryPolicy::delay_ms`]. The pause grows only while rounds deliver nothing: a
/// reachable endpoint that drops a few requests is retried briskly, an unreachable one gently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    policy: RetryPolicy,
    /// Rounds in a row that delivered nothing.
    stalled: u32,
    /// Whether this round delivered something.
    delivered: bool,
    /// The longest `Retry-After` heard this round, in seconds.
    asked_s: Option<u32>,
}

impl Backoff {
    /// A backoff with nothing recorded yet.
    pub const fn new(policy: RetryPolicy) -> Backoff {
        Backoff { policy, stalled: 0, delivered: false, asked_s: None }
    }

    /// Records how one attempt of the current round went.
    pub fn record(&mut self, outcome: Outcome, retry_after_s: Option<u32>) {
        match outcome {
            Outcome::Delivered => self.delivered = true,
            Outcome::Retry => self.asked_s = self.asked_s.max(retry_after_s),
            Outcome::Refused => {}
        }
    }

    /// Ends a round that left responses waiting: the delay before the next one.
    pub fn next_delay_ms(&mut self, jitter: f64) -> u32 {
        if self.delivered {
            self.stalled = 0;
        }
        let delay = self.policy.delay_ms(self.stalled, jitter, self.asked_s);
        if !self.delivered {
            self.stalled = self.stalled.saturating_add(1);
        }
        self.delivered = false;
        self.asked_s = None;
        delay
    }
}

/// Parses a `Retry-After` header given in seconds (the HTTP-date form is ignored).
pub fn parse_retry_after(value: &str) -> Option<u32> {
    value.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Properties over many generated cases (native only: proptest needs an OS random source).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn delays_grow_stay_capped_and_never_undercut_retry_after(
                attempt in 0u32..64,
                jitter in 0.0f64..1.0,
                retry_after in prop::option::of(0u32..100_000),
            ) {
                let p = RetryPolicy::DEFAULT;
                let delay = p.delay_ms(attempt, jitter, retry_after);
                let next = p.delay_ms(attempt + 1, jitter, retry_after);
                prop_assert!(next >= delay, "later retries never come sooner");
                prop_assert!(delay >= p.base_ms / 2, "never a tight loop");
                match retry_after {
                    Some(s) => prop_assert!(delay >= s.saturating_mul(1000)),
                    None => prop_assert!(delay <= p.cap_ms),
                }
            }

            #[test]
            fn rounds_never_come_sooner_than_asked_nor_later_than_the_cap(
                rounds in prop::collection::vec((any::<bool>(), prop::option::of(0u32..600), 0.0f64..1.0), 1..40),
            ) {
                let mut b = Backoff::new(RetryPolicy::DEFAULT);
                for (delivered, retry_after, jitter) in rounds {
                    b.record(Outcome::Retry, retry_after);
                    if delivered {
                        b.record(Outcome::Delivered, None);
                    }
                    let delay = b.next_delay_ms(jitter);
                    let floor = retry_after.map_or(0, |s| s * 1000);
                    prop_assert!(delay >= floor.max(500));
                    prop_assert!(delay <= floor.max(RetryPolicy::DEFAULT.cap_ms));
                    if delivered && retry_after.is_none() {
                        prop_assert!(delay <= 1_000, "progress resets the pause");
                    }
                }
            }
        }
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(Outcome::of(Some(201)), Outcome::Delivered);
        assert_eq!(Outcome::of(Some(200)), Outcome::Delivered);
        for s in [None, Some(408), Some(429), Some(500), Some(503)] {
            assert_eq!(Outcome::of(s), Outcome::Retry, "{s:?}");
        }
        for s in [400, 403, 404, 413, 415] {
            assert_eq!(Outcome::of(Some(s)), Outcome::Refused, "{s}");
        }
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let p = RetryPolicy::DEFAULT;
        let full: Vec<u32> = (0..12).map(|a| p.delay_ms(a, 1.0, None)).collect();
        assert_eq!(&full[..4], &[1_000, 2_000, 4_000, 8_000]);
        assert!(full.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*full.last().unwrap_or(&0), 300_000);
        assert_eq!(p.delay_ms(1_000, 1.0, None), 300_000, "huge attempt counts do not overflow");
        assert_eq!(p.delay_ms(2, 0.0, None), 2_000, "jitter takes off at most half");
    }

    #[test]
    fn rounds_back_off_while_nothing_gets_through_and_recover_when_something_does() {
        let mut b = Backoff::new(RetryPolicy::DEFAULT);
        let mut delays = Vec::new();
        for _ in 0..4 {
            b.record(Outcome::Retry, None);
            delays.push(b.next_delay_ms(1.0));
        }
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000]);
        b.record(Outcome::Retry, None);
        b.record(Outcome::Delivered, None);
        assert_eq!(b.next_delay_ms(1.0), 1_000, "a round that delivered starts over");
        b.record(Outcome::Retry, Some(7));
        assert_eq!(b.next_delay_ms(0.0), 7_000, "Retry-After is honoured");
        b.record(Outcome::Retry, None);
        assert_eq!(b.next_delay_ms(1.0), 2_000, "and forgotten once that round is over");
    }

    #[test]
    fn retry_after_is_a_floor() {
        let p = RetryPolicy::DEFAULT;
        assert_eq!(p.delay_ms(0, 0.0, Some(2)), 2_000);
        assert_eq!(p.delay_ms(10, 1.0, Some(1)), 300_000);
        assert_eq!(p.delay_ms(0, 0.0, Some(600)), 600_000, "the server's word beats the cap");
        assert_eq!(parse_retry_after(" 2 "), Some(2));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
