//! Writing a [`Feedback`] as JSON without serde or `core::fmt`, so the widget ships neither.

use crate::{Feedback, SCHEMA_VERSION};

/// Appends `n` in decimal; the widget uses it too, instead of `core::fmt`'s machinery.
pub fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
    }
}

/// Appends the low `width` hex digits of `n`, most significant first.
pub fn push_hex(out: &mut String, n: u32, width: u32) {
    for shift in (0..width).rev() {
        let digit = (n >> (shift * 4)) & 0xf;
        out.push(char::from(b"0123456789abcdef"[digit as usize]));
    }
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            // The other controls are what receivers drop (`drop_control_chars`): leaving them out
            // here sends what is kept, and no character costs more than 4 bytes, which is what
            // the body limit is reckoned with.
            c if crate::controls::is_dropped(c) => {}
            // Only what JSON requires, so every other character costs what it costs in UTF-8.
            c => out.push(c),
        }
    }
    out.push('"');
}

fn optional_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// Appends `"key":` after a comma when the object already has a member.
fn key(out: &mut String, name: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    string(out, name);
    out.push(':');
}

impl Feedback {
    /// The payload as compact JSON, member names as in the JSON Schema.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(512 + self.comment.len() + 64 * self.metadata.len());
        out.push('{');
        key(&mut out, "id");
        string(&mut out, &self.id);
        // Whatever version it was read from, the rest is written in the current one's form.
        key(&mut out, "schema_version");
        push_decimal(&mut out, SCHEMA_VERSION.into());
        key(&mut out, "rating");
        push_decimal(&mut out, self.rating.into());
        key(&mut out, "scale");
        string(&mut out, self.scale.name());
        key(&mut out, "comment");
        string(&mut out, &self.comment);
        key(&mut out, "email");
        optional_string(&mut out, self.email.as_deref());
        key(&mut out, "page");
        out.push('{');
        key(&mut out, "url");
        string(&mut out, &self.page.url);
        key(&mut out, "title");
        string(&mut out, &self.page.title);
        key(&mut out, "referrer");
        string(&mut out, &self.page.referrer);
        out.push('}');
        key(&mut out, "locale");
        string(&mut out, &self.locale);
        key(&mut out, "user_agent");
        string(&mut out, &self.user_agent);
        key(&mut out, "viewport");
        out.push('{');
        key(&mut out, "width");
        push_decimal(&mut out, self.viewport.width.into());
        key(&mut out, "height");
        push_decimal(&mut out, self.viewport.height.into());
        out.push('}');
        key(&mut out, "created_at");
        string(&mut out, &self.created_at);
        key(&mut out, "widget_version");
        string(&mut out, &self.widget_version);
        key(&mut out, "honeypot");
        string(&mut out, &self.honeypot);
        if let Some(user) = &self.user {
            key(&mut out, "user");
            out.push('{');
            for (name, value) in [("id", &user.id), ("email", &user.email), ("name", &user.name)] {
                if let Some(value) = value {
                    key(&mut out, name);
                    string(&mut out, value);
                }
            }
            out.push('}');
        }
        if !self.metadata.is_empty() {
            key(&mut out, "metadata");
            out.push('{');
            for (name, value) in &self.metadata {
                key(&mut out, name);
                string(&mut out, value);
            }
            out.push('}');
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::tests::sample;
    use serde_json::Value;

    #[test]
    fn json_parses_back_to_the_same_values() {
        let mut f = sample();
        f.comment = "quote \" backslash \\ tab \t newline \n </script> \u{2028} emoji 🎉".into();
        let v: Value = serde_json::from_str(&f.to_json()).expect("valid JSON");
        assert_eq!(v["comment"], f.comment.as_str());
        assert_eq!(v["rating"], 2);
        assert_eq!(v["scale"], "csat5");
        assert_eq!(v["email"], "ana@example.com");
        assert_eq!(v["page"]["url"], "https://shop.example/cart?x=1");
        assert_eq!(v["page"]["title"], "Cart — Shop");
        assert_eq!(v["viewport"]["width"], 390);
        assert_eq!(v["schema_version"], 2);
        assert_eq!(v["user"], serde_json::json!({ "id": "u_4821", "email": "ana.silva@shop.example", "name": "Ana Silva" }));
        assert_eq!(v["metadata"], serde_json::json!({ "cart_items": "3", "plan": "pro" }));
        // A body, never embedded in HTML: characters JSON does not require escaping go as they are.
        assert!(f.to_json().contains("</script> \u{2028} emoji 🎉"));
    }

    #[test]
    fn controls_receivers_drop_are_not_sent() {
        let mut f = sample();
        f.comment = "nul \u{0} bell \u{7} cr \r del \u{7f} kept".into();
        f.metadata = vec![("pl\u{1b}an".into(), "p\u{8}ro".into())];
        let v: Value = serde_json::from_str(&f.to_json()).expect("valid JSON");
        assert_eq!(v["comment"], "nul  bell  cr  del  kept");
        assert_eq!(v["metadata"], serde_json::json!({ "plan": "pro" }));
        f.drop_control_chars();
        assert_eq!(v["comment"], f.comment.as_str(), "what is sent is what the receiver keeps");
    }

    #[test]
    fn metadata_keeps_its_order_and_unknown_parts_are_left_out() {
        let mut f = sample();
        f.metadata = vec![("zone".into(), "eu".into()), ("plan".into(), "pro".into()), ("a".into(), String::new())];
        f.user = Some(crate::User { id: Some("42".into()), ..crate::User::default() });
        let json = f.to_json();
        assert!(json.contains(r#""user":{"id":"42"},"metadata":{"zone":"eu","plan":"pro","a":""}}"#), "{json}");
        f.user = None;
        f.metadata.clear();
        let json = f.to_json();
        assert!(!json.contains(r#""user":"#) && !json.contains("metadata"), "{json}");
        assert!(json.ends_with(r#""honeypot":""}"#), "{json}");
    }

    #[test]
    fn numbers_and_hex() {
        let mut out = String::new();
        for n in [0, 7, 10, 5000, u64::MAX] {
            out.clear();
            super::push_decimal(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        out.clear();
        super::push_hex(&mut out, 0x2028, 4);
        super::push_hex(&mut out, 0xab, 2);
        assert_eq!(out, "2028ab");
    }

    #[test]
    fn missing_email_is_null() {
        let f = crate::Feedback { email: None, ..sample() };
        let v: Value = serde_json::from_str(&f.to_json()).expect("valid JSON");
        assert!(v["email"].is_null());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_reads_what_to_json_writes() {
        let f = sample();
        let back: crate::Feedback = serde_json::from_str(&f.to_json()).expect("parses");
        assert_eq!(back, f);
    }
}
