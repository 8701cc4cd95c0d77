//! The payload types' serde impls, which read JSON objects only.
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
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Feedback, Page, Viewport};

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

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, serializer)
            }
        }
    )*};
}

objects_only! {
    Feedback => "a JSON object with the feedback payload's members",
    Page => "a JSON object with url, title and referrer",
    Viewport => "a JSON object with width and height",
}

#[cfg(test)]
mod tests {
    use crate::Feedback;
    use crate::validate::tests::sample;
    use serde_json::{Value, json};

    fn parse(value: &Value) -> Result<Feedback, String> {
        serde_json::from_value(value.clone()).map_err(|e| e.to_string())
    }

    fn sample_json() -> Value {
        serde_json::to_value(sample()).expect("serializes")
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

    #[test]
    fn serializing_writes_the_same_members_as_to_json() {
        let written: Value = serde_json::from_str(&sample().to_json()).expect("JSON");
        assert_eq!(sample_json(), written);
    }
}
