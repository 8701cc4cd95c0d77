//! The owner's configuration: reading it from `data-*` attributes or `Platinum.init({...})`, and validating it.
//!
//! Both sources go through [`Config::parse`], so an attribute and an option with the same meaning
//! are checked by the same code. A missing or unusable endpoint is an error (the widget does not
//! render); any other bad value is a [`ConfigWarning`] and its default is used.

use crate::i18n::{Lang, Strings};
use crate::identity::Identity;
use crate::pacing::{DEFAULT_COOLDOWN_DAYS, EVERYONE, MAX_COOLDOWN_DAYS, parse_share};
use crate::question::{Prompt, question};
use crate::target::{BadPattern, MAX_PATTERN_CHARS, patterns};
use crate::text::{decimal, join};
use crate::trigger::{MAX_AFTER_S, MAX_VISIT, Triggers};
use platinum_payload::Scale;
use std::fmt;

/// Most characters accepted for an owner's text override (label, title, prompt).
pub const MAX_TEXT_CHARS: usize = 120;

/// Where the configuration came from; decides how keys are named in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `data-*` attributes on the `<script>` tag.
    Attributes,
    /// The object given to `Platinum.init`.
    Options,
}

/// A configuration key, named as an option (`askEmail`) or attribute (`data-ask-email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    option: &'static str,
    attribute: &'static str,
}

impl Key {
    const fn new(option: &'static str, attribute: &'static str) -> Key {
        Key { option, attribute }
    }

    /// The key's name as the owner wrote it for `source`.
    pub fn name(self, source: Source) -> &'static str {
        match source {
            Source::Attributes => self.attribute,
            Source::Options => self.option,
        }
    }
}

const ENDPOINT: Key = Key::new("endpoint", "data-endpoint");
const LANG: Key = Key::new("lang", "data-lang");
const THEME: Key = Key::new("theme", "data-theme");
const POSITION: Key = Key::new("position", "data-position");
const ACCENT: Key = Key::new("accent", "data-accent");
const LABEL: Key = Key::new("label", "data-label");
const TITLE: Key = Key::new("title", "data-title");
const PROMPT: Key = Key::new("prompt", "data-prompt");
const ASK_EMAIL: Key = Key::new("askEmail", "data-ask-email");
const LAUNCHER: Key = Key::new("launcher", "data-launcher");
const SCALE: Key = Key::new("scale", "data-scale");
const PROMPT_LOW: Key = Key::new("promptLow", "data-prompt-low");
const PROMPT_HIGH: Key = Key::new("promptHigh", "data-prompt-high");
const USER_ID: Key = Key::new("userId", "data-user-id");
const USER_EMAIL: Key = Key::new("userEmail", "data-user-email");
const USER_NAME: Key = Key::new("userName", "data-user-name");
const SHOW_ON: Key = Key::new("showOn", "data-show-on");
const HIDE_ON: Key = Key::new("hideOn", "data-hide-on");
const SAMPLE: Key = Key::new("sample", "data-sample");
const COOLDOWN: Key = Key::new("cooldown", "data-cooldown");
const TRIGGER_AFTER: Key = Key::new("triggerAfter", "data-trigger-after");
const TRIGGER_SCROLL: Key = Key::new("triggerScroll", "data-trigger-scroll");
const TRIGGER_EXIT: Key = Key::new("triggerExit", "data-trigger-exit");
const TRIGGER_VISIT: Key = Key::new("triggerVisit", "data-trigger-visit");

/// Every key the widget reads; the names are those of `HTMLElement.dataset` and `Platinum.init`.
pub const KEYS: [Key; 24] = [
    ENDPOINT, LANG, THEME, POSITION, ACCENT, LABEL, TITLE, PROMPT, ASK_EMAIL, LAUNCHER, SCALE, PROMPT_LOW, PROMPT_HIGH,
    USER_ID, USER_EMAIL, USER_NAME, SHOW_ON, HIDE_ON, SAMPLE, COOLDOWN, TRIGGER_AFTER, TRIGGER_SCROLL, TRIGGER_EXIT,
    TRIGGER_VISIT,
];

/// Colour scheme of the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Follows the visitor's `prefers-color-scheme`.
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The corner the launcher sits in: at the end or start of the line in the widget's reading
/// direction (the default, bottom-end, is bottom right in English and bottom left in Arabic), or a
/// corner named left or right, which stays where it is named in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Bottom, at the end of the line: the default.
    BottomEnd,
    /// Bottom, at the start of the line.
    BottomStart,
    /// Top, at the end of the line.
    TopEnd,
    /// Top, at the start of the line.
    TopStart,
    /// Bottom right.
    BottomRight,
    /// Bottom left.
    BottomLeft,
    /// Top right.
    TopRight,
    /// Top left.
    TopLeft,
}

impl Position {
    /// Every position, the default first.
    pub const ALL: [Position; 8] = [
        Position::BottomEnd, Position::BottomStart, Position::TopEnd, Position::TopStart,
        Position::BottomRight, Position::BottomLeft, Position::TopRight, Position::TopLeft,
    ];

    /// The values as written in configuration, in [`Position::ALL`] order.
    pub const NAMES: [&'static str; 8] =
        ["bottom-end", "bottom-start", "top-end", "top-start", "bottom-right", "bottom-left", "top-right", "top-left"];

    /// The value as written in configuration.
    pub fn name(self) -> &'static str {
        Position::NAMES[self as usize]
    }

    /// The CSS sides of the corner (`bottom`, `right`), for a widget written right to left or not.
    pub fn sides(self, rtl: bool) -> (&'static str, &'static str) {
        let (end, start) = if rtl { ("left", "right") } else { ("right", "left") };
        match self {
            Position::BottomEnd => ("bottom", end),
            Position::BottomStart => ("bottom", start),
            Position::TopEnd => ("top", end),
            Position::TopStart => ("top", start),
            Position::BottomRight => ("bottom", "right"),
            Position::BottomLeft => ("bottom", "left"),
            Position::TopRight => ("top", "right"),
            Position::TopLeft => ("top", "left"),
        }
    }
}

/// An accent colour as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent {
    /// Red, green, blue.
    pub rgb: [u8; 3],
}

impl Accent {
    /// The default accent: dark enough for white text at WCAG AA on it.
    pub const DEFAULT: Accent = Accent { rgb: [0x43, 0x38, 0xca] };

    /// Parses `#rgb` or `#rrggbb`.
    pub fn parse(s: &str) -> Option<Accent> {
        let hex = s.trim().strip_prefix('#')?;
        let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        let b = hex.as_bytes();
        let rgb = match b.len() {
            3 => [digit(b[0])? * 17, digit(b[1])? * 17, digit(b[2])? * 17],
            6 => [digit(b[0])? * 16 + digit(b[1])?, digit(b[2])? * 16 + digit(b[3])?, digit(b[4])? * 16 + digit(b[5])?],
            _ => return None,
        };
        Some(Accent { rgb })
    }

    /// `#rrggbb`.
    pub fn css(self) -> String {
        let mut out = String::from("#");
        for c in self.rgb {
            platinum_payload::push_hex(&mut out, c.into(), 2);
        }
        out
    }

    /// Black or white, whichever reads better on the accent (WCAG relative luminance).
    pub fn text_css(self) -> &'static str {
        let linear = |c: u8| {
            let c = f32::from(c) / 255.0;
            // x^2.4 ≈ x^2.375 = x^2 · x^(1/4) · x^(1/8): within 2% where the choice is close,
            // and square roots are single wasm instructions where `powf` would ship a libm routine.
            let x = (c + 0.055) / 1.055;
            let root4 = x.sqrt().sqrt();
            if c <= 0.040_45 { c / 12.92 } else { x * x * root4 * root4.sqrt() }
        };
        let [r, g, b] = self.rgb;
        let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
        // White wins when its contrast (1.05 / (L + 0.05)) beats black's ((L + 0.05) / 0.05).
        if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 { "#ffffff" } else { "#000000" }
    }
}

/// The validated configuration the widget runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where responses are POSTed: an absolute http(s) URL or a path on this site.
    pub endpoint: String,
    /// The language spoken.
    pub lang: Lang,
    /// The colour scheme.
    pub theme: Theme,
    /// The launcher's corner.
    pub position: Position,
    /// The accent colour.
    pub accent: Accent,
    /// Launcher text.
    pub label: String,
    /// Dialog title; by default the scale's question.
    pub title: String,
    /// Text box label before a rating and after one in the middle.
    pub prompt: String,
    /// Text box label after a low rating.
    pub prompt_low: String,
    /// Text box label after a high rating.
    pub prompt_high: String,
    /// The rating scale asked on.
    pub scale: Scale,
    /// The signed-in visitor, as far as the owner named them.
    pub identity: Identity,
    /// Path patterns the widget shows on; empty for every page (see [`crate::target::shown`]).
    pub show_on: Vec<String>,
    /// Path patterns the widget never shows on.
    pub hide_on: Vec<String>,
    /// Share of visitors triggers may ask, in parts per 10,000.
    pub sample: u16,
    /// Days after answering or dismissing before a trigger asks the same visitor again.
    pub cooldown_days: u16,
    /// When the dialog opens by itself.
    pub triggers: Triggers,
    /// Whether to offer the email field.
    pub ask_email: bool,
    /// Whether the launcher button shows; without it (`data-launcher="none"`) the dialog opens
    /// only through `Platinum.open()`.
    pub launcher: bool,
}

/// A configuration the widget cannot run with; it does not render.
///
/// Its text is built without `format!` (see [`crate::text`]); `Display` prints [`ConfigError::message`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// No endpoint was given.
    MissingEndpoint {
        /// `data-endpoint` or `endpoint`.
        key: &'static str,
    },
    /// The endpoint is not an http(s) URL or site path.
    BadEndpoint {
        /// `data-endpoint` or `endpoint`.
        key: &'static str,
        /// What was given.
        value: String,
    },
}

/// An optional value that was not usable; the default is used instead.
///
/// `Display` prints [`ConfigWarning::message`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigWarning {
    /// A value outside the allowed set.
    Unsupported {
        /// The key as the owner wrote it.
        key: &'static str,
        /// What was given.
        value: String,
        /// The allowed values, in words.
        allowed: &'static str,
        /// What is used instead.
        default: String,
    },
    /// A text override too long to fit the widget.
    TooLong {
        /// The key as the owner wrote it.
        key: &'static str,
        /// Its length.
        got: usize,
        /// The limit.
        max: usize,
    },
    /// A value, list item or entry that was not usable and has no default: it is left out.
    LeftOut {
        /// The key (or member, or metadata entry) as the owner wrote it.
        key: String,
        /// What is wrong with it, in words.
        why: String,
    },
    /// A key the widget does not know, likely a typo.
    Unknown {
        /// The key as the owner wrote it.
        key: String,
        /// The known keys for this source.
        known: String,
    },
}

impl ConfigError {
    /// The one-line explanation the owner sees in the console.
    pub fn message(&self) -> String {
        match self {
            ConfigError::MissingEndpoint { key } => {
                join(&[key, " is missing: set it to the URL that receives feedback, e.g. https://api.example.com/feedback"])
            }
            ConfigError::BadEndpoint { key, value } => join(&[
                key,
                " \"",
                value,
                "\" is not usable: expected an http(s) URL such as https://api.example.com/feedback, or a path on this site such as /feedback",
            ]),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl ConfigWarning {
    /// The one-line explanation the owner sees in the console.
    pub fn message(&self) -> String {
        match self {
            ConfigWarning::Unsupported { key, value, allowed, default } => {
                join(&[key, " \"", value, "\" is not supported; allowed: ", allowed, ". Using \"", default, "\"."])
            }
            ConfigWarning::TooLong { key, got, max } => {
                join(&[key, " is ", &decimal(*got), " characters; at most ", &decimal(*max), " fit. Using the default text."])
            }
            ConfigWarning::LeftOut { key, why } => join(&[key, " is left out: ", why, "."]),
            ConfigWarning::Unknown { key, known } => join(&[key, " is not a Platinum option and is ignored; known: ", known, "."]),
        }
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// A configuration read and checked: what to run with and what to warn about.
#[derive(Debug)]
pub struct Parsed {
    /// The configuration to run with.
    pub config: Config,
    /// One line for the console per unusable optional value.
    pub warnings: Vec<ConfigWarning>,
}

impl Config {
    /// Reads and validates a configuration.
    ///
    /// `entries` are the owner's `(key, value)` pairs, keys as in `HTMLElement.dataset`
    /// (`askEmail`); `preferred_langs` are the visitor's `navigator.languages`.
    pub fn parse<'a>(
        source: Source,
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
        preferred_langs: &[String],
    ) -> Result<Parsed, ConfigError> {
        let mut values: [Option<&str>; KEYS.len()] = [None; KEYS.len()];
        let mut warnings = Vec::new();
        for (key, value) in entries {
            match KEYS.iter().position(|k| k.option == key) {
                Some(i) => values[i] = Some(value),
                None => warnings.push(ConfigWarning::Unknown {
                    key: match source {
                        Source::Attributes => join(&["data-", &kebab(key)]),
                        Source::Options => key.to_owned(),
                    },
                    known: KEYS.iter().fold(String::new(), |mut all, k| {
                        if !all.is_empty() {
                            all.push_str(", ");
                        }
                        all.push_str(k.name(source));
                        all
                    }),
                }),
            }
        }
        let get = |key: Key| KEYS.iter().position(|k| *k == key).and_then(|i| values[i]).map(str::trim);

        let endpoint = match get(ENDPOINT) {
            None | Some("") => return Err(ConfigError::MissingEndpoint { key: ENDPOINT.name(source) }),
            Some(e) if !is_endpoint(e) => {
                return Err(ConfigError::BadEndpoint { key: ENDPOINT.name(source), value: e.to_owned() });
            }
            Some(e) => e.to_owned(),
        };

        let browser_lang = || Lang::negotiate(preferred_langs.iter().map(String::as_str));
        let lang = match get(LANG) {
            None | Some("") => browser_lang(),
            Some(tag) => Lang::from_tag(tag).unwrap_or_else(|| {
                let fallback = browser_lang();
                warnings.push(ConfigWarning::Unsupported {
                    key: LANG.name(source),
                    value: tag.to_owned(),
                    allowed: crate::i18n::TAGS,
                    default: fallback.tag().to_owned(),
                });
                fallback
            }),
        };

        let mut choose = |key: Key, allowed: &'static str, names: &[&str], default: usize| -> usize {
            match get(key) {
                None | Some("") => default,
                Some(v) => names.iter().position(|n| n.eq_ignore_ascii_case(v)).unwrap_or_else(|| {
                    warnings.push(ConfigWarning::Unsupported {
                        key: key.name(source),
                        value: v.to_owned(),
                        allowed,
                        default: names[default].to_owned(),
                    });
                    default
                }),
            }
        };
        let theme = [Theme::Auto, Theme::Light, Theme::Dark][choose(THEME, "auto, light, dark", &["auto", "light", "dark"], 0)];
        let position = Position::ALL[choose(
            POSITION,
            "bottom-end, bottom-start, top-end, top-start (mirrored right to left), bottom-right, bottom-left, top-right, top-left",
            &Position::NAMES,
            0,
        )];
        let ask_email = choose(ASK_EMAIL, "true, false", &["false", "true"], 0) == 1;
        let launcher = choose(LAUNCHER, "button, none", &["button", "none"], 0) == 0;

        let scale_names = Scale::ALL.map(Scale::name);
        let scale = Scale::ALL[choose(SCALE, "csat5, stars5, emoji5, thumbs, nps", &scale_names, 0)];
        let exit = choose(TRIGGER_EXIT, "true, false", &["false", "true"], 0) == 1;

        let mut read = |key: Key, allowed: &'static str, default: &str, parse: &dyn Fn(&str) -> Option<u16>| -> Option<u16> {
            let v = get(key).filter(|v| !v.is_empty())?;
            let parsed = parse(v);
            if parsed.is_none() {
                warnings.push(ConfigWarning::Unsupported { key: key.name(source), value: v.to_owned(), allowed, default: default.to_owned() });
            }
            parsed
        };
        let within = |min: u16, max: u16| move |v: &str| v.parse::<u16>().ok().filter(|n| (min..=max).contains(n));
        let sample = read(SAMPLE, "a share from 0 to 1, such as 0.25 or 25%", "1", &parse_share).unwrap_or(EVERYONE);
        let cooldown_days =
            read(COOLDOWN, "whole days from 0 to 365", "30", &within(0, MAX_COOLDOWN_DAYS)).unwrap_or(DEFAULT_COOLDOWN_DAYS);
        let triggers = Triggers {
            after_s: read(TRIGGER_AFTER, "whole seconds from 1 to 3600", "off", &within(1, MAX_AFTER_S)),
            scroll_percent: read(TRIGGER_SCROLL, "a percentage from 1 to 100", "off", &within(1, 100)).map(|p| p as u8),
            exit,
            visit: read(TRIGGER_VISIT, "a page view number from 1 to 1000", "off", &within(1, MAX_VISIT)),
        };
        let accent = match get(ACCENT) {
            None | Some("") => Accent::DEFAULT,
            Some(v) => Accent::parse(v).unwrap_or_else(|| {
                warnings.push(ConfigWarning::Unsupported {
                    key: ACCENT.name(source),
                    value: v.to_owned(),
                    allowed: "a hex colour like #4338ca or #43c",
                    default: Accent::DEFAULT.css(),
                });
                Accent::DEFAULT
            }),
        };

        // The launcher build shows no dialog: leaving its texts out keeps them out of its download.
        let strings: Option<&Strings> = if cfg!(feature = "dialog") { Some(lang.strings()) } else { None };
        let dialog = |pick: fn(&'static Strings) -> &'static str| strings.map_or("", pick);
        let mut text = |key: Key, default: &str| -> String {
            match get(key) {
                None | Some("") => default.to_owned(),
                Some(v) if v.chars().count() > MAX_TEXT_CHARS => {
                    warnings.push(ConfigWarning::TooLong { key: key.name(source), got: v.chars().count(), max: MAX_TEXT_CHARS });
                    default.to_owned()
                }
                Some(v) => v.to_owned(),
            }
        };
        let label = text(LABEL, lang.label());
        let title = text(TITLE, strings.map_or("", |s| question(scale, s)));
        let prompt = text(PROMPT, dialog(|s| s.prompt()));
        let prompt_low = text(PROMPT_LOW, dialog(|s| s.prompt_low()));
        let prompt_high = text(PROMPT_HIGH, dialog(|s| s.prompt_high()));

        let mut paths = |key: Key| -> Vec<String> {
            let mut kept = Vec::new();
            for pattern in patterns(get(key).unwrap_or("")) {
                match pattern {
                    Ok(p) => kept.push(p.to_owned()),
                    Err((p, bad)) => warnings.push(ConfigWarning::LeftOut {
                        key: join(&[key.name(source), " \"", p, "\""]),
                        why: match bad {
                            BadPattern::NotAPath => "a pattern is a path starting with /, such as /checkout/*".to_owned(),
                            BadPattern::TooLong => join(&["a pattern has at most ", &decimal(MAX_PATTERN_CHARS), " characters"]),
                        },
                    }),
                }
            }
            kept
        };
        let show_on = paths(SHOW_ON);
        let hide_on = paths(HIDE_ON);

        let member = |key: Key| get(key).unwrap_or("");
        let (identity, identity_warnings) = Identity::parse(
            member(USER_ID),
            member(USER_EMAIL),
            member(USER_NAME),
            [USER_ID.name(source), USER_EMAIL.name(source), USER_NAME.name(source)],
        );
        warnings.extend(identity_warnings);

        let config = Config {
            endpoint, lang, theme, position, accent, label, title, prompt, prompt_low, prompt_high, scale, identity, show_on,
            hide_on, sample, cooldown_days, triggers, ask_email, launcher,
        };
        Ok(Parsed { config, warnings })
    }

    /// The text box label for a follow-up `prompt`.
    pub fn prompt_text(&self, prompt: Prompt) -> &str {
        match prompt {
            Prompt::Default => &self.prompt,
            Prompt::Low => &self.prompt_low,
            Prompt::High => &self.prompt_high,
        }
    }
}

/// `askEmail` → `ask-email`, as the browser maps `dataset` keys back to attributes.
fn kebab(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An absolute http(s) URL with a host, or a path on this site; never `javascript:` and the like.
fn is_endpoint(s: &str) -> bool {
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let host_part = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).or_else(|| lower.strip_prefix("//"));
    match host_part {
        Some(rest) => rest.split(['/', '?', '#']).next().is_some_and(|host| !host.is_empty()),
        None => s.starts_with('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: Source, entries: &[(&str, &str)]) -> Result<Parsed, ConfigError> {
        Config::parse(source, entries.iter().copied(), &["en-US".to_owned()])
    }

    fn ok(entries: &[(&str, &str)]) -> Parsed {
        parse(Source::Attributes, entries).expect("valid configuration")
    }

    const EP: (&str, &str) = ("endpoint", "https://api.example.com/feedback");

    #[test]
    fn defaults_with_only_an_endpoint() {
        let p = ok(&[EP]);
        assert!(p.warnings.is_empty());
        let c = p.config;
        assert_eq!(c.endpoint, "https://api.example.com/feedback");
        assert_eq!((c.lang, c.theme, c.position, c.accent, c.ask_email), (Lang::En, Theme::Auto, Position::BottomEnd, Accent::DEFAULT, false));
        assert_eq!((c.label.as_str(), c.title.as_str(), c.prompt.as_str()), ("Feedback", "How are we doing?", "How can we get better?"));
    }

    #[test]
    fn every_option_is_read() {
        let c = ok(&[
            EP, ("lang", "fr-CA"), ("theme", "dark"), ("position", "top-left"), ("accent", "#0A7"),
            ("label", "Avis"), ("title", "Alors ?"), ("prompt", "Mieux ?"), ("askEmail", "true"),
        ])
        .config;
        assert_eq!((c.lang, c.theme, c.position), (Lang::Fr, Theme::Dark, Position::TopLeft));
        assert_eq!(c.accent.css(), "#00aa77");
        assert_eq!((c.label.as_str(), c.title.as_str(), c.prompt.as_str(), c.ask_email), ("Avis", "Alors ?", "Mieux ?", true));
        for (value, theme) in [("light", Theme::Light), ("AUTO", Theme::Auto)] {
            assert_eq!(ok(&[EP, ("theme", value)]).config.theme, theme);
        }
        for (i, position) in Position::ALL.into_iter().enumerate() {
            assert_eq!(position as usize, i, "ALL lists the positions in declaration order, as NAMES does");
        }
        for (value, position) in [("bottom-left", Position::BottomLeft), ("top-right", Position::TopRight), ("bottom-right", Position::BottomRight), ("top-start", Position::TopStart)] {
            assert_eq!(ok(&[EP, ("position", value)]).config.position, position);
        }
        assert!(!ok(&[EP, ("askEmail", "false")]).config.ask_email);
    }

    #[test]
    fn the_launcher_shows_unless_the_owner_says_none() {
        assert!(ok(&[EP]).config.launcher);
        assert!(ok(&[EP, ("launcher", "button")]).config.launcher);
        let hidden = ok(&[EP, ("launcher", "NONE")]);
        assert!(!hidden.config.launcher);
        assert!(hidden.warnings.is_empty());
        let bad = parse(Source::Attributes, &[EP, ("launcher", "hidden")]).expect("valid");
        assert!(bad.config.launcher, "an unknown value keeps the launcher, so the widget stays reachable");
        let lines: Vec<String> = bad.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["data-launcher \"hidden\" is not supported; allowed: button, none. Using \"button\"."]);
    }

    #[test]
    fn missing_or_bad_endpoint_is_an_error_naming_the_attribute() {
        let err = parse(Source::Attributes, &[("lang", "en")]).unwrap_err();
        assert_eq!(err, ConfigError::MissingEndpoint { key: "data-endpoint" });
        assert!(err.to_string().starts_with("data-endpoint is missing"));
        assert_eq!(parse(Source::Options, &[("endpoint", "  ")]).unwrap_err(), ConfigError::MissingEndpoint { key: "endpoint" });
        for bad in ["javascript:alert(1)", "ftp://x.example/f", "https://", "feedback", "https://a b.example/"] {
            let err = parse(Source::Attributes, &[("endpoint", bad)]).unwrap_err();
            assert!(matches!(err, ConfigError::BadEndpoint { key: "data-endpoint", .. }), "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
        for good in ["http://127.0.0.1:8080/api/feedback", "/api/feedback", "//api.example.com/f", "HTTPS://API.EXAMPLE.COM"] {
            assert_eq!(ok(&[("endpoint", good)]).config.endpoint, good);
        }
    }

    #[test]
    fn bad_optional_values_warn_and_use_the_default() {
        let p = ok(&[EP, ("position", "middle"), ("theme", "sepia"), ("accent", "red"), ("askEmail", "yes"), ("lang", "xx")]);
        let c = &p.config;
        assert_eq!((c.position, c.theme, c.accent, c.ask_email, c.lang), (Position::BottomEnd, Theme::Auto, Accent::DEFAULT, false, Lang::En));
        let lines: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines.contains(&"data-position \"middle\" is not supported; allowed: bottom-end, bottom-start, top-end, top-start (mirrored right to left), bottom-right, bottom-left, top-right, top-left. Using \"bottom-end\".".to_owned()));
        assert!(lines.iter().any(|l| l.starts_with("data-theme \"sepia\"") && l.contains("auto, light, dark")));
        assert!(lines.iter().any(|l| l.starts_with("data-accent \"red\"") && l.contains("#4338ca")));
        assert!(lines.iter().any(|l| l.starts_with("data-ask-email \"yes\"") && l.contains("true, false")));
        assert!(lines.iter().any(|l| l.starts_with("data-lang \"xx\"") && l.contains("en, es, fr, de, pt") && l.contains("zh-Hant") && l.contains("fa")));
    }

    #[test]
    fn options_are_named_as_options() {
        let p = parse(Source::Options, &[EP, ("askEmail", "maybe"), ("colour", "#fff")]).expect("valid");
        let lines: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("askEmail \"maybe\"")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("colour is not a Platinum option") && l.contains("askEmail")), "{lines:?}");
        let p = ok(&[EP, ("askEmails", "true")]);
        assert!(p.warnings[0].to_string().starts_with("data-ask-emails is not a Platinum option"), "{:?}", p.warnings);
    }

    #[test]
    fn language_comes_from_the_browser_unless_set() {
        let prefs = ["gd".to_owned(), "pt-PT".to_owned()];
        let p = Config::parse(Source::Attributes, [EP], &prefs).expect("valid");
        assert_eq!(p.config.lang, Lang::PtPt);
        assert_eq!(p.config.title, "Como nos estamos a sair?");
        let p = Config::parse(Source::Attributes, [EP, ("lang", "de")], &prefs).expect("valid");
        assert_eq!((p.config.lang, p.config.label.as_str()), (Lang::De, "Feedback"));
        let p = Config::parse(Source::Attributes, [EP, ("lang", "zz")], &prefs).expect("valid");
        assert_eq!(p.config.lang, Lang::PtPt, "an unsupported data-lang falls back to the browser's");
        let p = Config::parse(Source::Attributes, [EP], &["gd".to_owned(), "cy".to_owned()]).expect("valid");
        assert_eq!(p.config.lang, Lang::En);
        let p = Config::parse(Source::Attributes, [EP, ("lang", "zh-TW")], &prefs).expect("valid");
        assert_eq!((p.config.lang, p.config.label.as_str(), p.config.title.as_str()), (Lang::ZhHant, "意見回饋", "您對我們的服務滿意嗎？"));
        for lang in crate::i18n::LANGS {
            let p = Config::parse(Source::Attributes, [EP, ("lang", lang.tag())], &prefs).expect("valid");
            assert!(p.warnings.is_empty(), "data-lang accepts {}", lang.tag());
            assert_eq!(p.config.lang, lang);
        }
    }

    #[test]
    fn text_overrides_are_trimmed_and_bounded() {
        let c = ok(&[EP, ("title", "  Hi there  "), ("label", "")]).config;
        assert_eq!((c.title.as_str(), c.label.as_str()), ("Hi there", "Feedback"));
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let p = ok(&[EP, ("prompt", long.as_str())]);
        assert_eq!(p.config.prompt, "How can we get better?");
        assert_eq!(p.warnings[0].to_string(), "data-prompt is 121 characters; at most 120 fit. Using the default text.");
        let markup = ok(&[EP, ("label", "<b>hi</b>")]).config;
        assert_eq!(markup.label, "<b>hi</b>", "text is kept verbatim; the DOM layer sets it as text, never HTML");
    }

    #[test]
    fn accent_parsing_and_readable_text() {
        assert_eq!(Accent::parse("#fff"), Some(Accent { rgb: [255, 255, 255] }));
        assert_eq!(Accent::parse("#1A2b3C").map(Accent::css).as_deref(), Some("#1a2b3c"));
        for bad in ["fff", "#ff", "#ggg", "#12345", "#1234567", "rgb(0,0,0)", "#fff;}"] {
            assert_eq!(Accent::parse(bad), None, "{bad}");
        }
        assert_eq!(Accent::DEFAULT.text_css(), "#ffffff");
        assert_eq!(Accent::parse("#ffff00").map(Accent::text_css), Some("#000000"));
        assert_eq!(Accent::parse("#000").map(Accent::text_css), Some("#ffffff"));
        // Either side of the crossover (relative luminance ≈ 0.179, grey ≈ #767676 / #777777 region).
        assert_eq!(Accent::parse("#6e6e6e").map(Accent::text_css), Some("#ffffff"));
        assert_eq!(Accent::parse("#808080").map(Accent::text_css), Some("#000000"));
    }

    #[test]
    fn new_options_default_to_asking_csat_of_everyone_with_no_trigger() {
        let p = ok(&[EP]);
        let c = p.config;
        assert_eq!((c.scale, c.prompt_low.as_str(), c.prompt_high.as_str()), (Scale::Csat5, "What went wrong?", "What did you like?"));
        assert_eq!((c.identity, c.show_on.len(), c.hide_on.len()), (Identity::default(), 0, 0));
        assert_eq!((c.sample, c.cooldown_days, c.triggers), (EVERYONE, 30, Triggers::default()));
        assert!(!c.triggers.any());
    }

    #[test]
    fn every_new_option_is_read() {
        let p = ok(&[
            EP, ("scale", "NPS"), ("promptLow", "Oh no?"), ("promptHigh", "Yay?"), ("userId", "u-7"),
            ("userEmail", "ana@example.com"), ("userName", "Ana"), ("showOn", "/checkout/*, /pricing"), ("hideOn", "/admin/*"),
            ("sample", "25%"), ("cooldown", "0"), ("triggerAfter", "30"), ("triggerScroll", "50"), ("triggerExit", "true"),
            ("triggerVisit", "3"),
        ]);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let c = p.config;
        assert_eq!((c.scale, c.title.as_str()), (Scale::Nps, "How likely are you to recommend us to a friend?"));
        assert_eq!((c.prompt_text(Prompt::Low), c.prompt_text(Prompt::High), c.prompt_text(Prompt::Default)), ("Oh no?", "Yay?", "How can we get better?"));
        assert_eq!(
            c.identity,
            Identity { id: Some("u-7".into()), email: Some("ana@example.com".into()), name: Some("Ana".into()) }
        );
        assert_eq!((c.show_on, c.hide_on), (vec!["/checkout/*".to_owned(), "/pricing".to_owned()], vec!["/admin/*".to_owned()]));
        assert_eq!((c.sample, c.cooldown_days), (2_500, 0));
        assert_eq!(c.triggers, Triggers { after_s: Some(30), scroll_percent: Some(50), exit: true, visit: Some(3) });
        for (value, scale) in [("csat5", Scale::Csat5), ("stars5", Scale::Stars5), ("emoji5", Scale::Emoji5), ("thumbs", Scale::Thumbs)] {
            let c = ok(&[EP, ("scale", value)]).config;
            assert_eq!((c.scale, c.title.as_str()), (scale, "How are we doing?"), "{value}");
        }
        let c = ok(&[EP, ("scale", "nps"), ("title", "Recommend us?"), ("lang", "de")]).config;
        assert_eq!((c.title.as_str(), c.prompt_low.as_str()), ("Recommend us?", "Was lief nicht gut?"), "the owner's title wins");
        let c = ok(&[EP, ("sample", "0.1"), ("cooldown", "365"), ("triggerAfter", "3600"), ("triggerScroll", "100"), ("triggerVisit", "1000")]).config;
        assert_eq!((c.sample, c.cooldown_days), (1_000, 365));
        assert_eq!(c.triggers, Triggers { after_s: Some(3600), scroll_percent: Some(100), exit: false, visit: Some(1000) });
        assert!(!ok(&[EP, ("triggerExit", "false")]).config.triggers.exit);
    }

    #[test]
    fn each_bad_new_value_is_one_warning_naming_its_key_and_the_default_is_used() {
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        let long_pattern = ["/", &"p".repeat(MAX_PATTERN_CHARS)].concat();
        let cases: [(&str, &str, &str); 24] = [
            ("scale", "ten", "data-scale \"ten\" is not supported; allowed: csat5, stars5, emoji5, thumbs, nps. Using \"csat5\"."),
            ("promptLow", &long, "data-prompt-low is 121 characters; at most 120 fit. Using the default text."),
            ("promptHigh", &long, "data-prompt-high is 121 characters"),
            ("userId", &long_pattern, "data-user-id is left out: longer than 128 characters."),
            ("userEmail", "ana at example", "data-user-email is left out: \"ana at example\" is not an email address."),
            ("userName", &long_pattern, "data-user-name is left out: longer than 200 characters."),
            ("showOn", "checkout", "data-show-on \"checkout\" is left out: a pattern is a path starting with /, such as /checkout/*."),
            ("hideOn", &long_pattern, "data-hide-on \"/ppp"),
            ("sample", "1.5", "data-sample \"1.5\" is not supported; allowed: a share from 0 to 1, such as 0.25 or 25%. Using \"1\"."),
            ("sample", "half", "data-sample \"half\""),
            ("cooldown", "366", "data-cooldown \"366\" is not supported; allowed: whole days from 0 to 365. Using \"30\"."),
            ("cooldown", "-1", "data-cooldown \"-1\""),
            ("cooldown", "2.5", "data-cooldown \"2.5\""),
            ("triggerAfter", "0", "data-trigger-after \"0\" is not supported; allowed: whole seconds from 1 to 3600. Using \"off\"."),
            ("triggerAfter", "3601", "data-trigger-after \"3601\""),
            ("triggerAfter", "10s", "data-trigger-after \"10s\""),
            ("triggerScroll", "0", "data-trigger-scroll \"0\" is not supported; allowed: a percentage from 1 to 100. Using \"off\"."),
            ("triggerScroll", "101", "data-trigger-scroll \"101\""),
            ("triggerScroll", "50%", "data-trigger-scroll \"50%\""),
            ("triggerExit", "yes", "data-trigger-exit \"yes\" is not supported; allowed: true, false. Using \"false\"."),
            ("triggerVisit", "0", "data-trigger-visit \"0\" is not supported; allowed: a page view number from 1 to 1000. Using \"off\"."),
            ("triggerVisit", "1001", "data-trigger-visit \"1001\""),
            ("triggerVisit", "99999999999", "data-trigger-visit \"99999999999\""),
            ("cooldown", "soon", "data-cooldown \"soon\""),
        ];
        let defaults = ok(&[EP]).config;
        for (key, value, line) in cases {
            let p = ok(&[EP, (key, value)]);
            let lines: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
            assert_eq!(lines.len(), 1, "{key}={value}: {lines:?}");
            assert!(lines[0].starts_with(line), "{key}={value}: {lines:?}");
            assert_eq!(p.config, defaults, "{key}={value}: the default is used");
            let p = parse(Source::Options, &[EP, (key, value)]).expect("valid");
            assert_eq!(p.warnings.len(), 1, "{key}={value}");
            assert!(p.warnings[0].to_string().starts_with(key), "{key}={value}: {:?}", p.warnings);
        }
    }

    #[test]
    fn a_bad_pattern_or_identity_member_leaves_the_good_ones() {
        let p = ok(&[EP, ("showOn", "/a, b /c"), ("userEmail", "nope"), ("userId", "u-1")]);
        assert_eq!(p.config.show_on, ["/a", "/c"]);
        assert_eq!((p.config.identity.id.as_deref(), p.config.identity.email.as_deref()), (Some("u-1"), None));
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    }
}
