//! The outbox: responses kept in the browser until the endpoint confirms them, within fixed bounds.
//!
//! Each entry is stored under its own key, so two tabs adding at once never overwrite each
//! other. The bounds keep a visitor's storage small and their data short-lived: at most
//! [`MAX_ENTRIES`] entries and [`MAX_BYTES`] of payload, none older than [`MAX_AGE_MS`]; when a
//! bound is hit the oldest entries go first, and each one dropped is reported.

use crate::text::{decimal, join};

/// Most responses kept waiting.
pub const MAX_ENTRIES: usize = 50;
/// Most payload bytes kept waiting.
pub const MAX_BYTES: usize = 256 * 1024;
/// How long a response may wait: seven days.
pub const MAX_AGE_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// Prefix of the storage keys; the response id follows.
pub const KEY_PREFIX: &str = "platinum:outbox:";

/// One response waiting for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The response's id (also in its JSON).
    pub id: String,
    /// The payload exactly as it will be sent.
    pub json: String,
    /// When it was saved, in milliseconds since the Unix epoch.
    pub saved_at_ms: u64,
    /// Delivery attempts made so far.
    pub attempts: u32,
}

impl Entry {
    /// The storage key for this entry.
    pub fn key(&self) -> String {
        join(&[KEY_PREFIX, &self.id])
    }

    /// The stored form: a version line, the save time, the attempts, then the JSON.
    pub fn encode(&self) -> String {
        join(&["1\n", &decimal(self.saved_at_ms as usize), "\n", &decimal(self.attempts as usize), "\n", &self.json])
    }

    /// Reads an entry stored under `key`; `None` for keys or values that are not ours.
    pub fn decode(key: &str, value: &str) -> Option<Entry> {
        let id = key.strip_prefix(KEY_PREFIX)?;
        let mut lines = value.splitn(4, '\n');
        if lines.next()? != "1" {
            return None;
        }
        let saved_at_ms = lines.next()?.parse().ok()?;
        let attempts = lines.next()?.parse().ok()?;
        let json = lines.next()?;
        Some(Entry { id: id.to_owned(), json: json.to_owned(), saved_at_ms, attempts })
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

/// An entry dropped to keep the outbox within its bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The response's id.
    pub id: String,
    /// Why.
    pub reason: Reason,
}

impl Dropped {
    /// The console warning the owner sees.
    pub fn message(&self) -> String {
        let why = match self.reason {
            Reason::Expired => " was not delivered within 7 days and is dropped",
            Reason::Full => " is dropped: the outbox holds at most 50 responses and 256 KB",
        };
        join(&["undelivered response ", &self.id, why])
    }
}

/// The waiting responses, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    entries: Vec<Entry>,
}

impl Outbox {
    /// An outbox holding `entries` (any order), already brought within bounds at `now_ms`.
    pub fn from_entries(mut entries: Vec<Entry>, now_ms: u64) -> (Outbox, Vec<Dropped>) {
        entries.sort_by(|a, b| a.saved_at_ms.cmp(&b.saved_at_ms).then_with(|| a.id.cmp(&b.id)));
        let mut outbox = Outbox { entries };
        let dropped = outbox.bound(now_ms);
        (outbox, dropped)
    }

    /// The waiting entries, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Payload bytes waiting.
    pub fn bytes(&self) -> usize {
        self.entries.iter().map(|e| e.json.len()).sum()
    }

    /// Adds (or replaces, by id) an entry, then drops what the bounds no longer allow.
    pub fn push(&mut self, entry: Entry, now_ms: u64) -> Vec<Dropped> {
        self.entries.retain(|e| e.id != entry.id);
        self.entries.push(entry);
        self.bound(now_ms)
    }

    /// Removes the entry with `id` (delivered, or refused for good); whether it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.entries.len() != before
    }

    /// Drops expired entries, then the oldest until the count and size bounds hold.
    /// The newest entry is never dropped for room: a response too large alone cannot exist,
    /// since payloads are limited far below [`MAX_BYTES`].
    pub fn bound(&mut self, now_ms: u64) -> Vec<Dropped> {
        let mut dropped = Vec::new();
        self.entries.retain(|e| {
            let fresh = now_ms.saturating_sub(e.saved_at_ms) <= MAX_AGE_MS;
            if !fresh {
                dropped.push(Dropped { id: e.id.clone(), reason: Reason::Expired });
            }
            fresh
        });
        while self.entries.len() > 1 && (self.entries.len() > MAX_ENTRIES || self.bytes() > MAX_BYTES) {
            let oldest = self.entries.remove(0);
            dropped.push(Dropped { id: oldest.id, reason: Reason::Full });
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64, bytes: usize, saved_at_ms: u64) -> Entry {
        Entry { id: format!("id-{n}"), json: "x".repeat(bytes), saved_at_ms, attempts: 0 }
    }

    #[test]
    fn entries_survive_storage() {
        let e = Entry { id: "0b6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4".into(), json: "{\"comment\":\"two\\nlines\"}\n".into(), saved_at_ms: 1_795_400_000_000, attempts: 3 };
        assert_eq!(Entry::decode(&e.key(), &e.encode()), Some(e.clone()));
        assert_eq!(Entry::decode("other:key", &e.encode()), None);
        assert_eq!(Entry::decode(&e.key(), "2\n1\n0\n{}"), None, "a future format is left alone");
        assert_eq!(Entry::decode(&e.key(), "1\nnot a time\n0\n{}"), None);
    }

    #[test]
    fn replaces_by_id_and_removes() {
        let mut o = Outbox::default();
        o.push(entry(1, 10, 0), 0);
        o.push(Entry { attempts: 2, ..entry(1, 10, 0) }, 0);
        assert_eq!(o.entries().len(), 1);
        assert_eq!(o.entries()[0].attempts, 2);
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
        assert!(dropped[0].message().contains("at most 50 responses"));
    }

    #[test]
    fn week_old_responses_expire() {
        let (o, dropped) = Outbox::from_entries(vec![entry(1, 10, 0), entry(2, 10, 5)], MAX_AGE_MS + 1);
        assert_eq!(dropped, vec![Dropped { id: "id-1".into(), reason: Reason::Expired }]);
        assert_eq!(o.entries().len(), 1);
        assert!(dropped[0].message().contains("within 7 days"));
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
