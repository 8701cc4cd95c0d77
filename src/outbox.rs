//! The outbox's bounds: what the browser may keep of responses not yet delivered.
//!
//! The bounds keep a visitor's storage small and their data short-lived: at most
//! [`MAX_ENTRIES`] entries and [`MAX_BYTES`] of payload (counted in characters of JSON), none
//! older than [`MAX_AGE_MS`]; when a bound is hit the oldest entries go first, and `courier.js`
//! reports each one dropped. The storage itself is `courier.js`'s.

/// Most responses kept waiting.
pub const MAX_ENTRIES: usize = 50;
/// Most payload bytes kept waiting.
pub const MAX_BYTES: usize = 256 * 1024;
/// How long a response may wait: seven days.
pub const MAX_AGE_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// Whether the outbox keeps an entry `age_ms` old of `bytes`, when the `newer` unexpired entries
/// saved after it hold `newer_bytes`; `None` keeps it.
///
/// Asked newest first, with every unexpired entry counted whether kept or not, the answer turns
/// to [`Reason::Full`] at one point and stays so: the oldest go first when a bound is hit, and the
/// newest entry is never dropped for room (payloads are limited far below [`MAX_BYTES`]).
pub fn verdict(age_ms: u64, newer: usize, newer_bytes: usize, bytes: usize) -> Option<Reason> {
    if age_ms > MAX_AGE_MS {
        Some(Reason::Expired)
    } else if newer > 0 && (newer >= MAX_ENTRIES || newer_bytes + bytes > MAX_BYTES) {
        Some(Reason::Full)
    } else {
        None
    }
}

/// Why an entry left the outbox without being delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Older than [`MAX_AGE_MS`].
    Expired,
    /// The outbox held [`MAX_ENTRIES`] or [`MAX_BYTES`] already.
    Full,
}

#[cfg(test)]
mod tests {
    use super::*;

    // A model of what `courier.js` keeps in storage, driven by `verdict` as `courier.js` drives
    // it; the properties below are checked on it.

    /// One response waiting for delivery, as far as the bounds are concerned.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Entry {
        /// The response's id.
        id: String,
        /// When it was saved, in milliseconds since the Unix epoch.
        saved_at_ms: u64,
        /// Size of its payload.
        bytes: usize,
    }

    /// An entry dropped to keep the outbox within its bounds.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Dropped {
        /// The response's id.
        id: String,
        /// Why.
        reason: Reason,
    }

    /// The waiting responses, oldest first.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    struct Outbox {
        entries: Vec<Entry>,
    }

    impl Outbox {
        /// The waiting entries, oldest first.
        fn entries(&self) -> &[Entry] {
            &self.entries
        }

        /// Payload bytes waiting.
        fn bytes(&self) -> usize {
            self.entries.iter().map(|e| e.bytes).sum()
        }

        /// Adds (or replaces, by id) an entry, then drops what the bounds no longer allow.
        fn push(&mut self, entry: Entry, now_ms: u64) -> Vec<Dropped> {
            self.entries.retain(|e| e.id != entry.id);
            let at = self.entries.partition_point(|e| e.saved_at_ms <= entry.saved_at_ms);
            self.entries.insert(at, entry);
            self.bound(now_ms)
        }

        /// Removes the entry with `id` (delivered, or refused for good); whether it was there.
        fn remove(&mut self, id: &str) -> bool {
            let before = self.entries.len();
            self.entries.retain(|e| e.id != id);
            self.entries.len() != before
        }

        /// Applies [`verdict`] to every entry, newest first, as `courier.js` does on each round.
        fn bound(&mut self, now_ms: u64) -> Vec<Dropped> {
            let (mut newer, mut newer_bytes) = (0, 0);
            let mut dropped = Vec::new();
            let mut kept = Vec::new();
            for e in self.entries.drain(..).rev() {
                let reason = verdict(now_ms.saturating_sub(e.saved_at_ms), newer, newer_bytes, e.bytes);
                if reason != Some(Reason::Expired) {
                    newer += 1;
                    newer_bytes += e.bytes;
                }
                match reason {
                    Some(reason) => dropped.push(Dropped { id: e.id, reason }),
                    None => kept.push(e),
                }
            }
            kept.reverse();
            self.entries = kept;
            dropped
        }
    }

    fn entry(n: u64, bytes: usize, saved_at_ms: u64) -> Entry {
        Entry { id: format!("id-{n}"), saved_at_ms, bytes }
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(0, 0, 0, 100), None);
        assert_eq!(verdict(MAX_AGE_MS, 10, 1000, 100), None, "exactly seven days is still kept");
        assert_eq!(verdict(MAX_AGE_MS + 1, 0, 0, 100), Some(Reason::Expired));
        assert_eq!(verdict(0, MAX_ENTRIES, 1000, 100), Some(Reason::Full));
        assert_eq!(verdict(0, 1, MAX_BYTES - 99, 100), Some(Reason::Full));
        assert_eq!(verdict(0, 1, MAX_BYTES - 100, 100), None);
        assert_eq!(verdict(0, 0, 0, MAX_BYTES * 2), None, "the newest is never dropped for room");
    }

    #[test]
    fn replaces_by_id_and_removes() {
        let mut o = Outbox::default();
        o.push(entry(1, 10, 0), 0);
        o.push(Entry { bytes: 20, ..entry(1, 10, 0) }, 0);
        assert_eq!(o.entries().len(), 1);
        assert_eq!(o.entries()[0].bytes, 20);
        assert!(o.remove("id-1"));
        assert!(!o.remove("id-1"));
    }

    #[test]
    fn the_51st_response_pushes_out_the_oldest_with_a_reason() {
        let mut o = Outbox::default();
        for n in 0..50 {
            assert!(o.push(entry(n, 100, n), 100).is_empty());
        }
        let dropped = o.push(entry(50, 100, 50), 100);
        assert_eq!(dropped, vec![Dropped { id: "id-0".into(), reason: Reason::Full }]);
        assert_eq!(o.entries().len(), MAX_ENTRIES);
    }

    #[test]
    fn week_old_responses_expire() {
        let mut o = Outbox::default();
        o.push(entry(1, 10, 0), 0);
        o.push(entry(2, 10, 5), 5);
        let dropped = o.bound(MAX_AGE_MS + 1);
        assert_eq!(dropped, vec![Dropped { id: "id-1".into(), reason: Reason::Expired }]);
        assert_eq!(o.entries().len(), 1);
    }

    /// Properties over many generated cases (native only: proptest needs an OS random source).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn bounds_always_hold_and_drops_are_oldest_first(
                sizes in prop::collection::vec(1usize..12_000, 1..120),
                start in 0u64..MAX_AGE_MS,
                step in 0u64..10_000_000,
            ) {
                let mut o = Outbox::default();
                let mut now = start;
                for (n, size) in sizes.iter().enumerate() {
                    now += step;
                    let dropped = o.push(entry(n as u64, *size, now), now);
                    prop_assert!(o.entries().len() <= MAX_ENTRIES);
                    prop_assert!(o.bytes() <= MAX_BYTES);
                    prop_assert!(o.entries().iter().all(|e| now - e.saved_at_ms <= MAX_AGE_MS));
                    prop_assert_eq!(&o.entries().last().map(|e| e.id.clone()), &Some(format!("id-{n}")), "the newest is kept");
                    let kept_oldest = o.entries().first().map_or(u64::MAX, |e| e.saved_at_ms);
                    for d in &dropped {
                        let id: u64 = d.id.trim_start_matches("id-").parse().unwrap_or(u64::MAX);
                        prop_assert!(start + step * (id + 1) <= kept_oldest, "only entries older than every kept one are dropped");
                    }
                }
            }
        }
    }
}
