//! The payload types' serde impls: both schema versions read through [`ReceivedFeedback`], and
//! JSON objects only.
//!
//! serde's derived `Deserialize` for a struct also takes a sequence of its fields in declaration
//! order, so `["0b6f…", 1, 5, 5, …]` would parse as a [`Feedback`]. No sender writes that, and a
//! receiver that took it would accept payloads no schema describes. The types derive with
//! `#[serde(remote = "Self")]`, which turns the derived code into inherent functions; the trait
//! impls here reach that code through a map only, so every derived behaviour (unknown members
//! ignored, duplicates refused, defaults, "missing field" messages) is unchanged.

use core::fmt;
use core::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validate::{PayloadError, Problem};
use crate::{Feedback, OLDEST_SCHEMA_VERSION, Page, SCALE, SCHEMA_VERSION, Scale, User, Viewport};

/// A payload type whose derived deserializer is fed the members of a JSON object.
trait FromMembers<'de>: Sized {
    /// Completes "expected …" in the error for anything that is not an object.
    const EXPECTING: &'static str;

    fn from_members<A: MapAccess<'de>>(members: A) -> Result<Self, A::Error>;
}

/// Visits a map only: every other `visit_*` keeps serde's default, an "invalid type" error.
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromMembers<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, members: A) -> Result<T, A::Error> {
        T::from_members(members)
    }
}

macro_rules! objects_only {
    ($($ty:ident => $expecting:literal),* $(,)?) => {$(
        impl<'de> FromMembers<'de> for $ty {
            const EXPECTING: &'static str = $expecting;

            fn from_members<A: MapAccess<'de>>(members: A) -> Result<Self, A::Error> {
                // Inherent functions win over trait methods: this is the derived code.
                $ty::deserialize(MapAccessDeserializer::new(members))
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(ObjectVisitor::<Self>(PhantomData))
            }
        }
    )*};
}

objects_only! {
    ReceivedFeedback => "a JSON object with the feedback payload's members",
    Page => "a JSON object with url, title and referrer",
    Viewport => "a JSON object with width and height",
    User => "a JSON object with id, email and name",
}

macro_rules! serialized_as_derived {
    ($($ty:ident),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, serializer)
            }
        }
    )*};
}

serialized_as_derived!(Page, Viewport, User);

/// A payload as its JSON says it, before its `schema_version` decides what `scale` means.
///
/// Receivers parse this (so a type error names its JSON path) and turn it into a [`Feedback`]
/// with [`ReceivedFeedback::into_feedback`], whose error names the member at fault and what it
/// held. `Feedback`'s own `Deserialize` does both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self")]
pub struct ReceivedFeedback {
    /// See [`Feedback::id`].
    pub id: String,
    /// 1 or 2.
    #[serde(deserialize_with = "whole_number")]
    pub schema_version: u32,
    /// See [`Feedback::rating`].
    #[serde(deserialize_with = "whole_number")]
    pub rating: u8,
    /// The number 5 in version 1, a scale's name in version 2.
    pub scale: ScaleMember,
    /// See [`Feedback::comment`].
    pub comment: String,
    /// See [`Feedback::email`]; required like every member the schema requires, `null` when
    /// the visitor gave none (a plain `Option` would let it be left out).
    #[serde(deserialize_with = "Option::deserialize")]
    pub email: Option<String>,
    /// See [`Feedback::page`].
    pub page: Page,
    /// See [`Feedback::locale`].
    pub locale: String,
    /// See [`Feedback::user_agent`].
    pub user_agent: String,
    /// See [`Feedback::viewport`].
    pub viewport: Viewport,
    /// See [`Feedback::created_at`].
    pub created_at: String,
    /// See [`Feedback::widget_version`].
    pub widget_version: String,
    /// See [`Feedback::honeypot`]; empty when left out.
    #[serde(default)]
    pub honeypot: String,
    /// Version 2 only; `null` or left out when unknown.
    #[serde(default)]
    pub user: Option<User>,
    /// Version 2 only; `null`, `{}` or left out when there is none.
    #[serde(default, deserialize_with = "metadata_members")]
    pub metadata: Vec<(String, String)>,
}

/// `scale` as sent: a number (version 1) or a name (version 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleMember {
    /// Version 1's form.
    Number(i64),
    /// Version 2's form.
    Name(String),
}

impl fmt::Display for ScaleMember {
    /// As it was in the JSON: `5`, `"nps"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Name(name) => write!(f, "{name:?}"),
        }
    }
}

impl<'de> Deserialize<'de> for ScaleMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScaleVisitor;
        impl Visitor<'_> for ScaleVisitor {
            type Value = ScaleMember;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scale name such as \"nps\" (schema version 2) or 5 (schema version 1)")
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ScaleMember, E> {
                Ok(ScaleMember::Number(n))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ScaleMember, E> {
                Ok(ScaleMember::Number(i64::try_from(n).unwrap_or(i64::MAX)))
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<ScaleMember, E> {
                Ok(ScaleMember::Name(name.to_owned()))
            }
        }
        deserializer.deserialize_any(ScaleVisitor)
    }
}

/// The scale names, for errors.
const SCALE_NAMES: &str = "one of \"csat5\", \"stars5\", \"emoji5\", \"thumbs\" or \"nps\" in schema version 2";

impl ReceivedFeedback {
    /// The payload, once its version and its form of `scale` agree. Version 1's `scale` must be
    /// 5 (csat5); version 2's must name a scale. A version 1 payload's `user` and `metadata`,
    /// members version 1 does not have, are ignored as every unknown member is.
    pub fn into_feedback(self) -> Result<Feedback, PayloadError> {
        let Self { id, schema_version, rating, scale, comment, email, page, locale, user_agent, viewport, created_at, widget_version, honeypot, user, metadata } = self;
        let mismatch = |expected: &'static str| PayloadError { field: "scale".into(), problem: Problem::Unexpected { expected, got: scale.to_string() } };
        let (scale, user, metadata) = match (schema_version, &scale) {
            (1, ScaleMember::Number(n)) if *n == i64::from(SCALE) => (Scale::Csat5, None, Vec::new()),
            (1, _) => return Err(mismatch("5 in schema version 1")),
            (2, ScaleMember::Name(name)) => (Scale::from_name(name).ok_or_else(|| mismatch(SCALE_NAMES))?, user, metadata),
            (2, _) => return Err(mismatch(SCALE_NAMES)),
            (got, _) => {
                let problem = Problem::OutOfRange { min: OLDEST_SCHEMA_VERSION, max: SCHEMA_VERSION, got };
                return Err(PayloadError { field: "schema_version".into(), problem });
            }
        };
        Ok(Feedback { id, schema_version, rating, scale, comment, email, page, locale, user_agent, viewport, created_at, widget_version, honeypot, user, metadata })
    }
}

impl<'de> Deserialize<'de> for Feedback {
    /// Either schema version, through [`ReceivedFeedback`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <ReceivedFeedback as Deserialize>::deserialize(deserializer)?.into_feedback().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Scale {
    /// Its name.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Writes [`SCHEMA_VERSION`]: a payload is always written in the current version's form.
pub(crate) fn current_version<S: Serializer>(_: &u32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u32(SCHEMA_VERSION)
}

/// Writes `metadata` as a JSON object, in its order.
pub(crate) fn metadata_object<S: Serializer>(entries: &[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (key, value) in entries {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Reads an unsigned integer member, also when it is written with a zero fraction (`2.0`): JSON
/// has one kind of number, and the schema's `integer` takes both. The error names the type, as
/// serde's own does (`expected u32`).
pub(crate) fn whole_number<'de, D: Deserializer<'de>, T: TryFrom<u64>>(deserializer: D) -> Result<T, D::Error> {
    struct Whole<T>(PhantomData<T>);
    impl<'de, T: TryFrom<u64>> Visitor<'de> for Whole<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(core::any::type_name::<T>())
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self)).and_then(|v| self.visit_u64(v))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<T, E> {
            // Exactly representable and whole: 2.0, not 2.5 or 1e300.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            let whole = (v >= 0.0 && v.fract() == 0.0 && v < u64::MAX as f64).then_some(v as u64);
            match whole {
                Some(n) => self.visit_u64(n),
                None => Err(E::invalid_type(serde::de::Unexpected::Float(v), &self)),
            }
        }
    }
    deserializer.deserialize_any(Whole(PhantomData))
}

/// Reads `metadata`: an object's members in their order, repeats included so that validation
/// can name them; `null` is none.
fn metadata_members<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, String)>, D::Error> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, String)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object of strings")
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::with_capacity(members.size_hint().unwrap_or(0).min(crate::MAX_METADATA_ENTRIES + 1));
            while let Some(entry) = members.next_entry::<String, String>()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_option(Members)
}

#[cfg(test)]
mod tests {
    use super::ReceivedFeedback;
    use crate::validate::tests::sample;
    use crate::{Feedback, Scale, User};
    use serde_json::{Value, json};

    fn parse(value: &Value) -> Result<Feedback, String> {
        serde_json::from_value(value.clone()).map_err(|e| e.to_string())
    }

    fn sample_json() -> Value {
        serde_json::to_value(sample()).expect("serializes")
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let mut value = sample_json();
        value["rating"] = json!(4.0);
        value["viewport"] = json!({ "width": 1280.0, "height": 800 });
        let parsed = parse(&value).expect("2.0 is the integer 2");
        assert_eq!((parsed.rating, parsed.viewport.width), (4, 1280));
        for (member, bad) in [("rating", json!(4.5)), ("rating", json!(-1)), ("rating", json!(300)), ("schema_version", json!(2.5))] {
            let mut value = sample_json();
            value[member] = bad.clone();
            assert!(parse(&value).is_err(), "{member}: {bad}");
        }
    }

    #[test]
    fn email_must_be_given_even_as_null() {
        let mut value = sample_json();
        value["email"] = Value::Null;
        assert!(parse(&value).is_ok());
        value.as_object_mut().expect("an object").remove("email");
        assert_eq!(parse(&value).map(drop), Err("missing field `email`".into()));
    }

    #[test]
    fn the_array_form_of_a_payload_is_refused() {
        let object = sample_json();
        let names = ["id", "schema_version", "rating", "scale", "comment", "email", "page", "locale", "user_agent", "viewport", "created_at", "widget_version", "honeypot"];
        let array: Vec<Value> = names.iter().map(|name| object[name].clone()).collect();
        assert_eq!(
            parse(&Value::Array(array)),
            Err("invalid type: sequence, expected a JSON object with the feedback payload's members".into())
        );
        let from_text = serde_json::from_str::<Feedback>("[1]").expect_err("an array is refused");
        assert!(from_text.to_string().starts_with("invalid type: sequence, expected a JSON object"), "{from_text}");
    }

    #[test]
    fn nested_arrays_and_other_values_are_refused() {
        let mut page = sample_json();
        page["page"] = json!(["https://shop.example/cart", "Cart", ""]);
        assert_eq!(parse(&page), Err("invalid type: sequence, expected a JSON object with url, title and referrer".into()));
        let mut viewport = sample_json();
        viewport["viewport"] = json!([390, 844]);
        assert_eq!(parse(&viewport), Err("invalid type: sequence, expected a JSON object with width and height".into()));
        assert_eq!(parse(&json!("text")), Err("invalid type: string \"text\", expected a JSON object with the feedback payload's members".into()));
    }

    #[test]
    fn objects_parse_as_the_derive_would() {
        assert_eq!(parse(&sample_json()), Ok(sample()));
        let mut extra = sample_json();
        extra["from_a_newer_widget"] = json!([1, 2]);
        extra["page"]["scroll"] = json!(0.5);
        assert_eq!(parse(&extra), Ok(sample()), "unknown members are ignored");
        let mut no_honeypot = sample_json();
        no_honeypot.as_object_mut().expect("object").remove("honeypot");
        assert_eq!(parse(&no_honeypot), Ok(sample()), "honeypot defaults to empty");
    }

    #[test]
    fn missing_and_duplicate_members_are_named() {
        let mut no_rating = sample_json();
        no_rating.as_object_mut().expect("object").remove("rating");
        assert_eq!(parse(&no_rating), Err("missing field `rating`".into()));
        let mut no_url = sample_json();
        no_url["page"].as_object_mut().expect("page").remove("url");
        assert_eq!(parse(&no_url), Err("missing field `url`".into()));
        let text = sample().to_json().replacen("{\"id\"", "{\"rating\":1,\"id\"", 1);
        let twice = serde_json::from_str::<Feedback>(&text).expect_err("a duplicate is refused");
        assert!(twice.to_string().starts_with("duplicate field `rating`"), "{twice}");
    }

    fn version_1() -> Value {
        json!({
            "id": "0b6f1e2c-3d4a-4b5c-8d6e-7f8091a2b3c4", "schema_version": 1, "rating": 4, "scale": 5, "comment": "Fine",
            "email": null, "page": { "url": "https://shop.example/", "title": "Shop", "referrer": "" }, "locale": "en",
            "user_agent": "Mozilla/5.0", "viewport": { "width": 390, "height": 844 }, "created_at": "2026-11-23T10:00:00Z",
            "widget_version": "0.1.0", "honeypot": ""
        })
    }

    fn received(value: &Value) -> Result<Feedback, String> {
        let received: ReceivedFeedback = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
        received.into_feedback().map_err(|e| e.to_string())
    }

    #[test]
    fn version_1_is_read_as_csat5() {
        let f = parse(&version_1()).expect("version 1 is accepted");
        assert_eq!((f.schema_version, f.scale, f.rating, &f.user, f.metadata.len()), (1, Scale::Csat5, 4, &None, 0));
        assert_eq!(f.validate(), Ok(()));
        let mut with_v2_members = version_1();
        with_v2_members["user"] = json!({ "id": "42" });
        with_v2_members["metadata"] = json!({ "plan": "pro" });
        let f = parse(&with_v2_members).expect("members version 1 does not have are ignored");
        assert_eq!((&f.user, f.metadata.len()), (&None, 0));
        let written: Value = serde_json::from_str(&f.to_json()).expect("JSON");
        assert_eq!((written["schema_version"].clone(), written["scale"].clone()), (json!(2), json!("csat5")), "written as version 2");
    }

    #[test]
    fn a_scale_in_the_other_versions_form_is_refused_naming_it() {
        let mut v1_with_name = version_1();
        v1_with_name["scale"] = json!("nps");
        assert_eq!(received(&v1_with_name), Err("scale must be 5 in schema version 1 (got \"nps\")".into()));
        let mut v1_with_ten = version_1();
        v1_with_ten["scale"] = json!(10);
        assert_eq!(received(&v1_with_ten), Err("scale must be 5 in schema version 1 (got 10)".into()));
        let mut v2_with_number = sample_json();
        v2_with_number["scale"] = json!(5);
        let refused = received(&v2_with_number).expect_err("refused");
        assert!(refused.starts_with("scale must be one of \"csat5\", \"stars5\", \"emoji5\", \"thumbs\" or \"nps\""), "{refused}");
        assert!(refused.ends_with("(got 5)"), "{refused}");
        let mut unknown = sample_json();
        unknown["scale"] = json!("nps10");
        assert!(received(&unknown).is_err_and(|e| e.ends_with("(got \"nps10\")")));
        let mut version_3 = sample_json();
        version_3["schema_version"] = json!(3);
        assert_eq!(received(&version_3), Err("schema_version must be between 1 and 2 (got 3)".into()));
        let mut not_a_scale = sample_json();
        not_a_scale["scale"] = json!(true);
        assert!(received(&not_a_scale).is_err_and(|e| e.contains("expected a scale name")));
        assert!(parse(&v2_with_number).is_err(), "Feedback's own Deserialize refuses the same");
    }

    #[test]
    fn every_scale_is_read_by_name_with_user_and_metadata() {
        for scale in Scale::ALL {
            let mut v = sample_json();
            v["scale"] = json!(scale.name());
            v["rating"] = json!(scale.highest());
            let f = parse(&v).expect("parses");
            assert_eq!((f.scale, f.rating), (scale, scale.highest()));
            assert_eq!(f.validate(), Ok(()));
        }
        let mut v = sample_json();
        v["user"] = json!({ "id": null, "email": "ana@shop.example" });
        v["metadata"] = Value::Null;
        let f = parse(&v).expect("null members are unknown");
        assert_eq!(f.user, Some(User { email: Some("ana@shop.example".into()), ..User::default() }));
        assert!(f.metadata.is_empty());
        v.as_object_mut().expect("object").remove("user");
        assert_eq!(parse(&v).expect("parses").user, None);
        v["metadata"] = json!({ "plan": 3 });
        assert!(parse(&v).is_err_and(|e| e.contains("expected a string")), "metadata values are strings");
        v["user"] = json!(["42"]);
        v["metadata"] = json!({});
        assert!(parse(&v).is_err_and(|e| e.contains("expected a JSON object with id, email and name")));
    }

    #[test]
    fn metadata_is_read_in_order_with_repeats_kept_for_validation() {
        let text = sample().to_json().replacen(r#""metadata":{"cart_items":"3","plan":"pro"}"#, r#""metadata":{"zone":"eu","plan":"pro","zone":"us"}"#, 1);
        let f: Feedback = serde_json::from_str(&text).expect("parses");
        let keys: Vec<&str> = f.metadata.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["zone", "plan", "zone"]);
        assert_eq!(f.validate().map_err(|e| e.to_string()), Err("metadata.zone must be given only once".into()));
    }

    #[test]
    fn serializing_writes_the_same_members_as_to_json() {
        let written: Value = serde_json::from_str(&sample().to_json()).expect("JSON");
        assert_eq!(sample_json(), written);
    }
}
