//! The npm package's TypeScript declarations (`www/npm/index.d.ts`) against the options the widget
//! reads: every key declared and nothing more, the enumerations' literal unions equal to the values
//! accepted, and each limit written in its TSDoc the one the widget enforces.
#![cfg(not(target_arch = "wasm32"))]

use platinum_payload::{MAX_EMAIL_CHARS, MAX_USER_ID_CHARS, MAX_USER_NAME_CHARS, Scale};
use platinum_widget::config::{Config, KEYS, MAX_TEXT_CHARS, Position, Source};
use platinum_widget::i18n::LANGS;
use platinum_widget::pacing::MAX_COOLDOWN_DAYS;
use platinum_widget::target::MAX_PATTERN_CHARS;
use platinum_widget::trigger::{MAX_AFTER_S, MAX_VISIT};

const DECLARATIONS: &str = include_str!("../www/npm/index.d.ts");

/// One member of `interface Options`: its name, its type as written and its TSDoc.
struct Member {
    name: String,
    ty: String,
    doc: String,
}

fn options() -> Vec<Member> {
    let body = DECLARATIONS.split("export interface Options {").nth(1).and_then(|rest| rest.split("\n}").next()).expect("interface Options");
    let mut members = Vec::new();
    let mut doc = String::new();
    for line in body.lines().map(str::trim) {
        if let Some((name, ty)) = line.strip_suffix(';').and_then(|l| l.split_once(": ")) {
            members.push(Member { name: name.trim_end_matches('?').to_owned(), ty: ty.to_owned(), doc: std::mem::take(&mut doc) });
        } else {
            doc.push_str(line.trim_start_matches("/**").trim_start_matches('*').trim_end_matches("*/").trim());
            doc.push(' ');
        }
    }
    members
}

/// The string literals of a union type, resolving `export type Name = …;` aliases.
fn literals(ty: &str) -> Vec<String> {
    ty.split('|')
        .map(str::trim)
        .flat_map(|part| match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            Some(literal) => vec![literal.to_owned()],
            None => alias(part).map(literals).unwrap_or_default(),
        })
        .collect()
}

fn alias(name: &str) -> Option<&'static str> {
    let start = ["export type ", name, " ="].concat();
    DECLARATIONS.split(start.as_str()).nth(1)?.split(';').next()
}

fn member<'a>(members: &'a [Member], name: &str) -> &'a Member {
    members.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} is not declared"))
}

fn warnings(key: &str, value: &str) -> Vec<String> {
    let parsed = Config::parse(Source::Options, [("endpoint", "/feedback"), (key, value)], &[]).expect("valid");
    parsed.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn every_option_the_widget_reads_is_declared_and_nothing_else() {
    let mut declared: Vec<String> = options().into_iter().map(|m| m.name).collect();
    let mut read: Vec<String> = KEYS.iter().map(|k| k.name(Source::Options).to_owned()).collect();
    declared.sort();
    read.sort();
    assert_eq!(declared, read);
    assert!(DECLARATIONS.contains("  endpoint: string;"), "endpoint is required, as the widget shows nothing without it");
}

/// The values the widget's warning for a bad `key` names as allowed, notes in brackets left out.
fn allowed(key: &str) -> Vec<String> {
    let line = warnings(key, "unheard-of").pop().unwrap_or_default();
    let list = line.split("allowed: ").nth(1).and_then(|rest| rest.split(". Using").next()).unwrap_or_default();
    let mut words = String::new();
    let mut depth = 0;
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if depth == 0 => words.push(c),
            _ => {}
        }
    }
    words.split(',').map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[test]
fn each_enumeration_declares_exactly_the_values_accepted() {
    let members = options();
    for key in ["theme", "position", "launcher", "scale", "lang"] {
        let declared = literals(&member(&members, key).ty);
        assert_eq!(declared, allowed(key), "{key}: the declared values are those the widget names as allowed");
        for value in &declared {
            assert_eq!(warnings(key, value), Vec::<String>::new(), "{key} {value:?} is accepted");
        }
    }
    let scales: Vec<&str> = Scale::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(literals(&member(&members, "scale").ty), scales);
    assert_eq!(literals(&member(&members, "position").ty), Position::NAMES);
    assert!(member(&members, "lang").ty.contains("`${Language}-${string}`"), "a region subtag may follow");
    let tags = allowed("lang");
    for lang in LANGS {
        let base = lang.tag().split('-').next().unwrap_or_default();
        assert!(tags.iter().any(|t| t == lang.tag() || t == base), "{} is declared", lang.tag());
    }
    for key in ["askEmail", "triggerExit"] {
        assert_eq!(member(&members, key).ty, "boolean", "{key}");
        assert_eq!(allowed(key), ["true", "false"], "{key}");
    }
}

#[test]
fn each_limit_in_the_docs_is_the_one_enforced() {
    let members = options();
    let text = MAX_TEXT_CHARS.to_string();
    let limits = [
        ("label", ["at most ", &text, " characters"].concat()),
        ("title", ["at most ", &text, " characters"].concat()),
        ("prompt", ["at most ", &text, " characters"].concat()),
        ("promptLow", ["at most ", &text, " characters"].concat()),
        ("promptHigh", ["at most ", &text, " characters"].concat()),
        ("userId", format!("at most {MAX_USER_ID_CHARS} characters")),
        ("userEmail", format!("at most {MAX_EMAIL_CHARS} characters")),
        ("userName", format!("at most {MAX_USER_NAME_CHARS} characters")),
        ("showOn", format!("at most {MAX_PATTERN_CHARS} characters")),
        ("cooldown", format!("from 0 to {MAX_COOLDOWN_DAYS}")),
        ("triggerAfter", format!("from 1 to {MAX_AFTER_S}")),
        ("triggerScroll", "from 1 to 100".to_owned()),
        ("triggerVisit", format!("from 1 to {MAX_VISIT}")),
    ];
    for (key, limit) in limits {
        assert!(member(&members, key).doc.contains(&limit), "the TSDoc of {key} says {limit:?}");
    }
    for (key, over) in [("cooldown", MAX_COOLDOWN_DAYS + 1), ("triggerAfter", MAX_AFTER_S + 1), ("triggerScroll", 101), ("triggerVisit", MAX_VISIT + 1)] {
        assert_eq!(warnings(key, &over.to_string()).len(), 1, "{key} {over} is beyond the limit");
    }
    for member in &members {
        assert!(member.doc.contains(&["`data-", &kebab(&member.name), "`"].concat()), "the TSDoc of {} names its attribute", member.name);
        assert!(member.name == "endpoint" || member.doc.contains("Default"), "the TSDoc of {} says its default", member.name);
    }
}

fn kebab(key: &str) -> String {
    key.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['-', c.to_ascii_lowercase()] } else { vec![c] }).collect()
}
