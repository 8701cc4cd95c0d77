//! The signed-in visitor the owner names (`data-user-*`, `Platinum.identify`), checked against the payload's limits.

use crate::config::ConfigWarning;
use crate::text::{decimal, join};
use platinum_payload::{MAX_EMAIL_CHARS, MAX_USER_ID_CHARS, MAX_USER_NAME_CHARS, User, is_email};

/// The member names of `Platinum.identify({ id, email, name })`, as its warnings give them.
pub const IDENTIFY_KEYS: [&str; 3] = ["id", "email", "name"];

/// Who the visitor is, as far as the owner told the widget; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The owner's own id for the visitor, at most [`MAX_USER_ID_CHARS`].
    pub id: Option<String>,
    /// An address that passes [`is_email`]; it fills the email field at the start of a response.
    pub email: Option<String>,
    /// The visitor's name, at most [`MAX_USER_NAME_CHARS`].
    pub name: Option<String>,
}

impl Identity {
    /// Checks an identity given as `id`, `email` and `name` (empty for not given), whose keys are
    /// named `keys` (in that order) in warnings: [`IDENTIFY_KEYS`] for `Platinum.identify`, the
    /// `data-user-*` attributes or `user*` options for configuration.
    ///
    /// A bad member is left out with one warning naming it; the others are kept.
    pub fn parse(id: &str, email: &str, name: &str, keys: [&str; 3]) -> (Identity, Vec<ConfigWarning>) {
        let mut warnings = Vec::new();
        let mut check = |key: &str, value: &str, max: usize, problem: Option<String>| -> Option<String> {
            let value = value.trim();
            let why = if value.is_empty() {
                return None;
            } else if value.chars().count() > max {
                join(&["longer than ", &decimal(max), " characters"])
            } else if let Some(problem) = problem {
                problem
            } else {
                return Some(value.to_owned());
            };
            warnings.push(ConfigWarning::LeftOut { key: key.to_owned(), why });
            None
        };
        let email_problem = (!is_email(email.trim())).then(|| join(&["\"", email.trim(), "\" is not an email address"]));
        let identity = Identity {
            id: check(keys[0], id, MAX_USER_ID_CHARS, None),
            email: check(keys[1], email, MAX_EMAIL_CHARS, email_problem),
            name: check(keys[2], name, MAX_USER_NAME_CHARS, None),
        };
        (identity, warnings)
    }

    /// The payload's `user`: none when the owner named no part of the visitor.
    pub fn user(&self) -> Option<User> {
        let Identity { id, email, name } = self.clone();
        (id.is_some() || email.is_some() || name.is_some()).then_some(User { id, email, name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(warnings: &[ConfigWarning]) -> Vec<String> {
        warnings.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_full_identity_is_kept_trimmed() {
        let (who, warnings) = Identity::parse(" u-42 ", "ana@example.com", "Ana Lima", IDENTIFY_KEYS);
        assert!(warnings.is_empty());
        assert_eq!(
            who,
            Identity { id: Some("u-42".into()), email: Some("ana@example.com".into()), name: Some("Ana Lima".into()) }
        );
        assert_eq!(Identity::parse("", " ", "", IDENTIFY_KEYS), (Identity::default(), vec![]), "nothing given, nothing known");
    }

    #[test]
    fn a_bad_member_is_left_out_with_one_warning_naming_it() {
        let (who, warnings) = Identity::parse("u-1", "ana@", "Ana", IDENTIFY_KEYS);
        assert_eq!((who.id.as_deref(), who.email, who.name.as_deref()), (Some("u-1"), None, Some("Ana")));
        assert_eq!(lines(&warnings), ["email is left out: \"ana@\" is not an email address."]);

        let long_id = "i".repeat(MAX_USER_ID_CHARS + 1);
        let long_name = "n".repeat(MAX_USER_NAME_CHARS + 1);
        let long_email = ["a".repeat(250), "@example.com".into()].concat();
        let keys = ["data-user-id", "data-user-email", "data-user-name"];
        let (who, warnings) = Identity::parse(&long_id, &long_email, &long_name, keys);
        assert_eq!(who, Identity::default());
        assert_eq!(
            lines(&warnings),
            [
                "data-user-id is left out: longer than 128 characters.",
                "data-user-email is left out: longer than 254 characters.",
                "data-user-name is left out: longer than 200 characters.",
            ]
        );
    }

    #[test]
    fn members_at_their_limits_are_kept() {
        let id = "i".repeat(MAX_USER_ID_CHARS);
        let name = "é".repeat(MAX_USER_NAME_CHARS);
        let (who, warnings) = Identity::parse(&id, "", &name, IDENTIFY_KEYS);
        assert!(warnings.is_empty());
        assert_eq!((who.id, who.name), (Some(id), Some(name)));
    }

    #[test]
    fn an_email_that_could_add_recipients_is_refused() {
        let (who, warnings) = Identity::parse("", "ana@example.com?bcc=x@evil.example", "", IDENTIFY_KEYS);
        assert_eq!((who.email, warnings.len()), (None, 1));
    }
}
