//! Facts the owner attaches to every response (`Platinum.setMetadata({ plan: "pro" })`), within their bounds.

use crate::config::ConfigWarning;
use crate::text::{decimal, join};
use platinum_payload::{MAX_METADATA_ENTRIES, MAX_METADATA_KEY_CHARS, MAX_METADATA_VALUE_CHARS, METADATA_KEY_SEPARATOR};

/// The owner's key–value facts, in the order first set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    entries: Vec<(String, String)>,
}

impl Metadata {
    /// The entries, in the order their keys were first set.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }

    /// Merges one `setMetadata` call into what was set before: a value replaces the key's old one,
    /// `None` (JavaScript `null` or `undefined`) deletes the key. Numbers and booleans arrive as
    /// their text.
    ///
    /// An entry with a key of no or too many characters, a value too long, or a new key past
    /// [`MAX_METADATA_ENTRIES`] is dropped with one warning naming its key.
    pub fn merge<'a>(&mut self, changes: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Vec<ConfigWarning> {
        let mut warnings = Vec::new();
        for (key, value) in changes {
            let at = self.entries.iter().position(|(k, _)| k == key);
            let why = match (value, at) {
                _ if key.is_empty() || key.chars().count() > MAX_METADATA_KEY_CHARS => {
                    join(&["a key has 1 to ", &decimal(MAX_METADATA_KEY_CHARS), " characters"])
                }
                // The dashboard's filter `meta=key:value` splits at the first colon.
                _ if key.contains(METADATA_KEY_SEPARATOR) => "a key has no colon".to_owned(),
                (None, Some(at)) => {
                    self.entries.remove(at);
                    continue;
                }
                (None, None) => continue,
                (Some(value), _) if value.chars().count() > MAX_METADATA_VALUE_CHARS => {
                    join(&["its value is longer than ", &decimal(MAX_METADATA_VALUE_CHARS), " characters"])
                }
                (Some(value), Some(at)) => {
                    self.entries[at].1 = value.to_owned();
                    continue;
                }
                (Some(_), None) if self.entries.len() >= MAX_METADATA_ENTRIES => {
                    join(&["at most ", &decimal(MAX_METADATA_ENTRIES), " entries are kept"])
                }
                (Some(value), None) => {
                    self.entries.push((key.to_owned(), value.to_owned()));
                    continue;
                }
            };
            warnings.push(ConfigWarning::LeftOut { key: join(&["metadata \"", key, "\""]), why });
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(m: &Metadata) -> Vec<(&str, &str)> {
        m.entries().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    #[test]
    fn calls_merge_replace_and_delete() {
        let mut m = Metadata::default();
        assert!(m.merge([("plan", Some("pro")), ("seats", Some("12"))]).is_empty());
        assert!(m.merge([("plan", Some("team")), ("beta", Some("true"))]).is_empty());
        assert_eq!(pairs(&m), [("plan", "team"), ("seats", "12"), ("beta", "true")]);
        assert!(m.merge([("seats", None), ("never-set", None)]).is_empty(), "deleting an unknown key is no mistake");
        assert_eq!(pairs(&m), [("plan", "team"), ("beta", "true")]);
        assert!(m.merge([("note", Some(""))]).is_empty());
        assert_eq!(pairs(&m).last(), Some(&("note", "")), "an empty value is a value");
    }

    #[test]
    fn bad_entries_are_dropped_with_one_warning_naming_the_key() {
        let mut m = Metadata::default();
        m.merge([("plan", Some("pro"))]);
        let long_key = "k".repeat(MAX_METADATA_KEY_CHARS + 1);
        let long_value = "v".repeat(MAX_METADATA_VALUE_CHARS + 1);
        let warnings = m.merge([("", Some("x")), (long_key.as_str(), Some("x")), ("plan", Some(long_value.as_str()))]);
        let lines: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], "metadata \"\" is left out: a key has 1 to 64 characters.");
        assert!(lines[1].starts_with(&["metadata \"", &long_key, "\" is left out"].concat()), "{lines:?}");
        assert_eq!(lines[2], "metadata \"plan\" is left out: its value is longer than 256 characters.");
        assert_eq!(pairs(&m), [("plan", "pro")], "a refused value leaves the old one");
        let key = "k".repeat(MAX_METADATA_KEY_CHARS);
        let value = "é".repeat(MAX_METADATA_VALUE_CHARS);
        assert!(m.merge([(key.as_str(), Some(value.as_str()))]).is_empty(), "the limits themselves fit");
    }

    #[test]
    fn a_key_with_a_colon_is_dropped_since_the_dashboards_filter_splits_there() {
        let mut m = Metadata::default();
        let lines: Vec<String> = m.merge([("plan:tier", Some("pro"))]).iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["metadata \"plan:tier\" is left out: a key has no colon."]);
        assert!(m.entries().is_empty());
    }

    #[test]
    fn the_21st_key_is_dropped_but_known_keys_still_change() {
        let mut m = Metadata::default();
        let keys: Vec<String> = (0..MAX_METADATA_ENTRIES + 1).map(|n| ["k", &decimal(n)].concat()).collect();
        let warnings = m.merge(keys.iter().map(|k| (k.as_str(), Some("1"))));
        let lines: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["metadata \"k20\" is left out: at most 20 entries are kept."]);
        assert_eq!(m.entries().len(), MAX_METADATA_ENTRIES);
        assert!(m.merge([("k0", Some("2"))]).is_empty());
        assert_eq!(m.merge([("k0", None), ("k20", Some("1"))]), vec![], "a deletion makes room");
        assert_eq!(pairs(&m).last(), Some(&("k20", "1")));
    }
}
