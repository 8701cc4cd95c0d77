//! Which pages the widget shows on: the owner's `showOn` / `hideOn` path patterns and matching a path against them.
//!
//! A pattern is a path such as `/pricing` or `/checkout/*`; `*` stands for any run of characters,
//! `/` included. Paths are compared as the browser reports `location.pathname` (case and percent
//! escapes count); a query or hash is not part of the path, and a trailing slash makes no difference.

/// Most characters of one pattern.
pub const MAX_PATTERN_CHARS: usize = 200;

/// Why a pattern is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPattern {
    /// It does not start with `/`, as every path does.
    NotAPath,
    /// Longer than [`MAX_PATTERN_CHARS`].
    TooLong,
}

/// Splits an owner's list (commas and/or spaces between patterns) into its patterns, each checked.
pub fn patterns(list: &str) -> impl Iterator<Item = Result<&str, (&str, BadPattern)>> {
    list.split(|c: char| c == ',' || c.is_whitespace()).filter(|p| !p.is_empty()).map(|p| {
        if !p.starts_with('/') {
            Err((p, BadPattern::NotAPath))
        } else if p.chars().count() > MAX_PATTERN_CHARS {
            Err((p, BadPattern::TooLong))
        } else {
            Ok(p)
        }
    })
}

/// Whether the widget shows on `path`: when `show_on` is empty or one of its patterns matches,
/// and none of `hide_on` does.
pub fn shown(path: &str, show_on: &[String], hide_on: &[String]) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    // `/checkout/*` covers `/checkout` as it covers `/checkout/`.
    let slashed = crate::text::join(&[path, "/"]);
    let any = |list: &[String]| {
        list.iter().any(|p| {
            let p = p.trim_end_matches('/');
            matches(p.as_bytes(), path.as_bytes()) || matches(p.as_bytes(), slashed.as_bytes())
        })
    };
    (show_on.is_empty() || any(show_on)) && !any(hide_on)
}

/// Whether `text` matches `pattern`, where `*` matches any run of bytes. Backtracks only to the
/// last `*`, so the work is at most the product of the lengths, which the limits keep small.
fn matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Vec<String> {
        patterns(s).map(|p| p.expect("good pattern").to_owned()).collect()
    }

    #[test]
    fn lists_split_on_commas_and_spaces() {
        assert_eq!(list("/checkout/*, /pricing"), ["/checkout/*", "/pricing"]);
        assert_eq!(list(" /a,/b  /c ,, "), ["/a", "/b", "/c"]);
        assert!(list("").is_empty());
        let long = ["/", &"x".repeat(MAX_PATTERN_CHARS)].concat();
        let given = ["pricing /ok ", &long].concat();
        let checked: Vec<_> = patterns(&given).collect();
        assert_eq!(checked, [Err(("pricing", BadPattern::NotAPath)), Ok("/ok"), Err((long.as_str(), BadPattern::TooLong))]);
    }

    #[test]
    fn exact_patterns_ignore_query_hash_and_trailing_slash() {
        let show = list("/pricing");
        for path in ["/pricing", "/pricing/", "/pricing?plan=pro", "/pricing#faq", "/pricing/?a=1#b"] {
            assert!(shown(path, &show, &[]), "{path}");
        }
        for path in ["/pricing/teams", "/pricingx", "/Pricing", "/", "/pric"] {
            assert!(!shown(path, &show, &[]), "{path}");
        }
        assert!(shown("/pricing", &list("/pricing/"), &[]), "a pattern's trailing slash makes no difference either");
    }

    #[test]
    fn a_star_matches_any_run_including_slashes() {
        let show = list("/checkout/*");
        for path in ["/checkout", "/checkout/", "/checkout/pay", "/checkout/pay/card/"] {
            assert!(shown(path, &show, &[]), "{path}");
        }
        assert!(!shown("/checkouts", &show, &[]));
        assert!(!shown("/cart/checkout/pay", &show, &[]));
        let middle = list("/docs/*/edit");
        assert!(shown("/docs/a/b/edit", &middle, &[]) && !shown("/docs/a/edit/more", &middle, &[]));
        let everything = list("/*");
        assert!(shown("/", &everything, &[]) && shown("/any/where", &everything, &[]));
        assert!(shown("/", &list("/"), &[]) && !shown("/home", &list("/"), &[]));
        assert!(shown("/a*b*c", &list("/a*b*c"), &[]) && shown("/aXbYbZc", &list("/a*b*c"), &[]));
        assert!(!shown("/aXbYbZ", &list("/a*b*c"), &[]));
    }

    #[test]
    fn hide_wins_over_show_and_no_show_list_means_everywhere() {
        assert!(shown("/anything", &[], &[]));
        let hide = list("/admin/*, /login");
        assert!(shown("/", &[], &hide));
        assert!(!shown("/admin/users", &[], &hide) && !shown("/login/", &[], &hide));
        let show = list("/shop/*");
        assert!(!shown("/shop/admin", &show, &list("/shop/admin")));
        assert!(shown("/shop/cart", &show, &list("/shop/admin")));
    }

    #[test]
    fn matching_stays_quick_on_many_stars() {
        let pattern = ["/", &"*a".repeat(50), "b"].concat();
        let path = ["/", &"a".repeat(MAX_PATTERN_CHARS * 10)].concat();
        assert!(!shown(&path, &[pattern], &[]));
    }
}
