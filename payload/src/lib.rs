//! The feedback payload: the one shape, JSON form and set of limits that widget and collector share.
//!
//! The widget builds a [`Feedback`] and writes it with [`Feedback::to_json`]; the collector parses
//! it (feature `serde`) and drops control characters with [`Feedback::drop_control_chars`]; both
//! call [`Feedback::validate`], so a response the widget accepts is a response the collector
//! stores. The JSON Schema shipped in `payload/feedback.schema.json` describes the same limits for
//! other receivers.

mod controls;
mod json;
#[cfg(feature = "serde")]
mod objects;
mod scale;
mod validate;

pub use json::{push_decimal, push_hex};
#[cfg(feature = "serde")]
pub use objects::ReceivedFeedback;
pub use scale::Scale;
pub use validate::{PayloadError, Problem, is_email, is_uuid_v4};

/// Version of the payload's shape. Bumped only for changes a receiver must know about.
///
/// Version 2 names the rating's scale (`"scale": "nps"`) and adds `user` and `metadata`.
/// Receivers still accept version 1, whose `scale` is the number 5 (meaning csat5).
pub const SCHEMA_VERSION: u32 = 2;
/// The JSON Schema of the payload (`payload/feedback.schema.json`): what other receivers
/// validate against, and what the collector's OpenAPI document names as its request body.
pub const JSON_SCHEMA: &str = include_str!("../feedback.schema.json");
/// The oldest schema version receivers accept.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;
/// Points of the five-point scales, and the number schema version 1 sends as `scale`.
pub const SCALE: u8 = 5;
/// Most characters (Unicode scalar values) a comment may hold.
pub const MAX_COMMENT_CHARS: usize = 5000;
/// Most characters an email address may hold (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Most characters of a page URL or referrer.
pub const MAX_URL_CHARS: usize = 2048;
/// Most characters of a page title.
pub const MAX_TITLE_CHARS: usize = 1000;
/// Most characters of the user agent string.
pub const MAX_USER_AGENT_CHARS: usize = 512;
/// Most characters of a BCP 47 locale tag.
pub const MAX_LOCALE_CHARS: usize = 35;
/// Most characters of the widget version.
pub const MAX_VERSION_CHARS: usize = 32;
/// Largest viewport side accepted, in CSS pixels.
pub const MAX_VIEWPORT_PX: u32 = 100_000;
/// Most characters of the signed-in visitor's id in the owner's system.
pub const MAX_USER_ID_CHARS: usize = 128;
/// Most characters of the signed-in visitor's name.
pub const MAX_USER_NAME_CHARS: usize = 200;
/// Most entries of `metadata`.
pub const MAX_METADATA_ENTRIES: usize = 20;
/// Most characters of a `metadata` key; a key has at least one.
pub const MAX_METADATA_KEY_CHARS: usize = 64;
/// Most characters of a `metadata` value; a value may be empty.
pub const MAX_METADATA_VALUE_CHARS: usize = 256;
/// The character a `metadata` key may not hold: filters write `key:value`.
pub const METADATA_KEY_SEPARATOR: char = ':';
/// Largest request body a receiver needs to accept. The widget keeps within it: the longest
/// comment (5,000 UTF-16 units, at most 15,000 bytes), email, user and metadata always fit whole,
/// and the page facts are cut when the whole would not.
///
/// Version 1 needed 16 KiB. Version 2's `user` (up to 582 characters) and `metadata` (20 entries
/// of up to 64 + 256 characters) can add about 27,000 bytes at 4 bytes a character (what JSON
/// costs at most per character, as [`Feedback::to_json`] leaves out the controls receivers drop),
/// so the largest whole response is about 44,000 bytes: 48 KiB holds it, with room left for the
/// page's address. It stays below the 60 KB a browser lets a page send while it is being left.
pub const MAX_BODY_BYTES: usize = 48 * 1024;

/// One visitor's answer to "How are we doing?" and "How can we get better?".
///
/// Receivers read it through [`ReceivedFeedback`] (feature `serde`), which knows both schema
/// versions; JSON is always written in version 2's form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Feedback {
    /// UUID v4 made once per response and kept on every retry, so receivers can deduplicate.
    pub id: String,
    /// The version the payload was written in: [`SCHEMA_VERSION`] for payloads this crate builds,
    /// 1 for a version 1 payload a receiver read. Written as [`SCHEMA_VERSION`] whatever it holds,
    /// since the rest is then written in that version's form.
    #[cfg_attr(feature = "serde", serde(serialize_with = "objects::current_version"))]
    pub schema_version: u32,
    /// The chosen point, from the scale's lowest (worst) to its highest (best).
    pub rating: u8,
    /// The scale the visitor chose on; in JSON its name.
    pub scale: Scale,
    /// What the visitor wrote; may be empty.
    pub comment: String,
    /// Where the visitor asked to be contacted, if the owner asked for it and they gave it.
    pub email: Option<String>,
    /// The page the widget was on.
    pub page: Page,
    /// The language the widget spoke, as a BCP 47 tag.
    pub locale: String,
    /// The visitor's browser, as `navigator.userAgent` reports it.
    pub user_agent: String,
    /// The visitor's window size.
    pub viewport: Viewport,
    /// When Send was pressed: RFC 3339, UTC (`2026-11-23T10:00:00.000Z`).
    pub created_at: String,
    /// Version of the widget that wrote this payload.
    pub widget_version: String,
    /// A field people never see and bots fill in; non-empty marks the response as spam.
    pub honeypot: String,
    /// Who the visitor is in the owner's system, when the page told the widget.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub user: Option<User>,
    /// The owner's facts about the visit (`plan: pro`), in the order given; keys are unique and
    /// hold no [`METADATA_KEY_SEPARATOR`]. In JSON an object, left out when empty.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty", serialize_with = "objects::metadata_object"))]
    pub metadata: Vec<(String, String)>,
}

/// The signed-in visitor, as the owner's page knows them; any part may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(remote = "Self"))]
pub struct User {
    /// Their id in the owner's system.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub id: Option<String>,
    /// Their account's e-mail address; where to answer them when they typed none.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub email: Option<String>,
    /// Their name.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub name: Option<String>,
}

/// The page a response was given on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(remote = "Self"))]
pub struct Page {
    /// `location.href`.
    pub url: String,
    /// `document.title`.
    pub title: String,
    /// `document.referrer`; empty when there is none.
    pub referrer: String,
}

/// The visitor's window size in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(remote = "Self"))]
pub struct Viewport {
    /// `innerWidth`.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::objects::whole_number"))]
    pub width: u32,
    /// `innerHeight`.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::objects::whole_number"))]
    pub height: u32,
}

impl Feedback {
    /// Whether the honeypot was filled in, which people do not do.
    pub fn is_spam(&self) -> bool {
        !self.honeypot.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 4 bytes in UTF-8 and in JSON: no character costs more once controls are left out.
    const WIDEST: &str = "😀";

    fn widest(chars: usize) -> String {
        WIDEST.repeat(chars)
    }

    /// The largest response the widget can send with its page facts cut to the bare address:
    /// the longest comment its text box holds (5,000 UTF-16 units, 3 bytes each at most), and
    /// every other member at its limit in the widest characters.
    fn largest() -> Feedback {
        let address = |chars: usize| format!("{}@example.com", widest(chars - "@example.com".len()));
        Feedback {
            id: "0b6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4".into(),
            schema_version: SCHEMA_VERSION,
            rating: 10,
            scale: Scale::Nps,
            comment: "中".repeat(MAX_COMMENT_CHARS),
            email: Some(address(MAX_EMAIL_CHARS)),
            page: Page { url: "https://shop.example/".into(), title: String::new(), referrer: String::new() },
            locale: ["abcdefgh"; 4].join("-"),
            user_agent: String::new(),
            viewport: Viewport { width: MAX_VIEWPORT_PX, height: MAX_VIEWPORT_PX },
            created_at: "2026-11-23T10:00:00.123456789Z".into(),
            widget_version: widest(MAX_VERSION_CHARS),
            honeypot: String::new(),
            user: Some(User {
                id: Some(widest(MAX_USER_ID_CHARS)),
                email: Some(address(MAX_EMAIL_CHARS)),
                name: Some(widest(MAX_USER_NAME_CHARS)),
            }),
            metadata: (0..MAX_METADATA_ENTRIES)
                .map(|i| (format!("{i:02}{}", widest(MAX_METADATA_KEY_CHARS - 2)), widest(MAX_METADATA_VALUE_CHARS)))
                .collect(),
        }
    }

    #[test]
    fn the_largest_response_fits_the_body_limit_with_room_for_its_page() {
        let f = largest();
        assert_eq!(f.validate(), Ok(()));
        let bytes = f.to_json().len();
        assert_eq!(f.locale.len(), MAX_LOCALE_CHARS);
        assert!(bytes <= MAX_BODY_BYTES, "{bytes} bytes");
        // The doc comment's figures: about 44,000 bytes, leaving the page more than 4 KiB.
        assert!((43_000..45_000).contains(&bytes), "{bytes} bytes");
        assert!(MAX_BODY_BYTES - bytes > 4096, "{bytes} bytes");
    }

    /// The JSON Schema shipped for other receivers says what these constants say.
    #[test]
    fn the_json_schema_states_the_same_limits() {
        let schema: serde_json::Value = serde_json::from_str(include_str!("../feedback.schema.json")).expect("the schema is JSON");
        let top = &schema["properties"];
        let [v2, v1] = [&schema["oneOf"][0]["properties"], &schema["oneOf"][1]["properties"]];
        let n = |v: &serde_json::Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
        assert_eq!(top["schema_version"]["enum"], serde_json::json!([OLDEST_SCHEMA_VERSION, SCHEMA_VERSION]));
        assert_eq!((v1["schema_version"]["const"].as_u64(), v2["schema_version"]["const"].as_u64()), (Some(1), Some(2)));
        assert_eq!(v1["scale"]["const"].as_u64(), Some(SCALE.into()));
        let names: Vec<&str> = Scale::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(v2["scale"]["enum"], serde_json::json!(names));
        for rule in schema["oneOf"][0]["allOf"].as_array().expect("a rule per kind of scale") {
            let scales: Vec<Scale> = match &rule["if"]["properties"]["scale"] {
                s if s["const"].is_string() => s["const"].as_str().and_then(Scale::from_name).into_iter().collect(),
                s => s["enum"].as_array().expect("names").iter().filter_map(|n| n.as_str().and_then(Scale::from_name)).collect(),
            };
            let rating = &rule["then"]["properties"]["rating"];
            for scale in scales {
                let lowest = rating["minimum"].as_u64().unwrap_or(top["rating"]["minimum"].as_u64().expect("minimum"));
                assert_eq!((lowest, rating["maximum"].as_u64()), (scale.lowest().into(), Some(scale.highest().into())), "{}", scale.name());
            }
        }
        assert_eq!(n(&top["comment"]["maxLength"]), Some(MAX_COMMENT_CHARS));
        assert_eq!(n(&schema["$defs"]["email"]["maxLength"]), Some(MAX_EMAIL_CHARS));
        assert_eq!(n(&top["page"]["properties"]["url"]["maxLength"]), Some(MAX_URL_CHARS));
        assert_eq!(n(&top["page"]["properties"]["title"]["maxLength"]), Some(MAX_TITLE_CHARS));
        assert_eq!(n(&top["user_agent"]["maxLength"]), Some(MAX_USER_AGENT_CHARS));
        assert_eq!(n(&top["locale"]["maxLength"]), Some(MAX_LOCALE_CHARS));
        assert_eq!(n(&top["widget_version"]["maxLength"]), Some(MAX_VERSION_CHARS));
        assert_eq!(top["viewport"]["properties"]["width"]["maximum"].as_u64(), Some(MAX_VIEWPORT_PX.into()));
        let user = &v2["user"]["properties"];
        assert_eq!((n(&user["id"]["maxLength"]), n(&user["name"]["maxLength"])), (Some(MAX_USER_ID_CHARS), Some(MAX_USER_NAME_CHARS)));
        let metadata = &v2["metadata"];
        assert_eq!(n(&metadata["maxProperties"]), Some(MAX_METADATA_ENTRIES));
        assert_eq!(n(&metadata["propertyNames"]["maxLength"]), Some(MAX_METADATA_KEY_CHARS));
        // At least one character that is neither the separator nor one of the control characters
        // dropped before checking (a key of those alone would be empty once they are gone).
        let sep = METADATA_KEY_SEPARATOR;
        assert_eq!(metadata["propertyNames"]["pattern"], format!("^[^{sep}]*[^{sep}\\x00-\\x08\\x0b-\\x1f\\x7f][^{sep}]*$"));
        for kept in [&top["page"]["properties"]["url"], &top["widget_version"], &user["id"], &user["name"]] {
            assert_eq!(kept["pattern"], "[^\\x00-\\x08\\x0b-\\x1f\\x7f]", "{kept}");
        }
        assert!((0..=0x7f_u8).map(char::from).filter(|&c| controls::is_dropped(c)).eq(('\0'..='\u{8}').chain('\u{b}'..='\u{1f}').chain(['\u{7f}'])));
        assert_eq!(n(&metadata["additionalProperties"]["maxLength"]), Some(MAX_METADATA_VALUE_CHARS));
    }
}
