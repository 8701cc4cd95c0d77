//! The time as the collector's rules see it: the system clock, or one a test moves by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds since the Unix epoch, from the system or from a hand-set value.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that stands at `unix_seconds` until [`Clock::advance`] moves it.
    pub fn manual(unix_seconds: i64) -> Self {
        Self(Some(Arc::new(AtomicI64::new(unix_seconds))))
    }

    /// Now, in seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(set) => set.load(Ordering::Acquire),
            None => time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// Moves a manual clock on by `seconds`; the system clock is not moved.
    pub fn advance(&self, seconds: i64) {
        if let Some(set) = &self.0 {
            set.fetch_add(seconds, Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now(), 1_000);
        clock.advance(61);
        assert_eq!(clock.now(), 1_061);
        assert!(Clock::system().now() > 1_700_000_000);
    }
}
