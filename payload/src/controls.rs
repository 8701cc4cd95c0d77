//! The control characters dropped from a payload's text before it is checked and stored.

use crate::Feedback;

/// C0 controls other than tab and newline, and DEL: none is typed into a text box, and each can
/// hide text, ring a terminal's bell or rewrite its screen when an owner reads an export or log.
pub(crate) fn is_dropped(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}')
}

fn drop_from(text: &mut String) {
    // Every dropped character is ASCII, so scanning bytes finds them; `retain` works in place.
    if text.bytes().any(|b| is_dropped(char::from(b))) {
        text.retain(|c| !is_dropped(c));
    }
}

impl Feedback {
    /// Removes the C0 control characters U+0000–U+0008 and U+000B–U+001F (carriage return
    /// included) and DEL U+007F from every string field, keeping tab and newline.
    ///
    /// Every other character stays exactly as sent, whatever its script (emoji and bidi marks
    /// included). A receiver calls this before [`Feedback::validate`], so limits count what is
    /// kept. The work is done in place: a payload without such characters costs a scan and no
    /// allocation.
    pub fn drop_control_chars(&mut self) {
        let Feedback {
            id,
            schema_version: _,
            rating: _,
            scale: _,
            comment,
            email,
            page,
            locale,
            user_agent,
            viewport: _,
            created_at,
            widget_version,
            honeypot,
            user,
            metadata,
        } = self;
        // Destructured, so a string field added later cannot be forgotten here.
        for text in [id, comment, &mut page.url, &mut page.title, &mut page.referrer, locale, user_agent, created_at, widget_version, honeypot] {
            drop_from(text);
        }
        let user = user.as_mut().map(|u| [&mut u.id, &mut u.email, &mut u.name]);
        for text in [email].into_iter().chain(user.into_iter().flatten()).flatten() {
            drop_from(text);
        }
        for (key, value) in metadata {
            drop_from(key);
            drop_from(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::tests::sample;

    /// Every character whose fate is decided here, each between two letters.
    fn every_c0_and_del() -> String {
        (0u8..0x20).chain([0x7f]).map(|b| format!("a{}b", char::from(b))).collect()
    }

    #[test]
    fn controls_other_than_tab_and_newline_are_dropped_from_the_comment() {
        let mut f = sample();
        f.comment = every_c0_and_del();
        f.drop_control_chars();
        // U+0000–U+0008, then tab and newline, then U+000B–U+001F and DEL.
        assert_eq!(f.comment, ["ab".repeat(9), "a\tba\nb".into(), "ab".repeat(22)].concat());
        f.comment = "line one\r\nline two\u{1b}[2J\u{7}\u{0}".into();
        f.drop_control_chars();
        assert_eq!(f.comment, "line one\nline two[2J");
    }

    #[test]
    fn every_string_field_is_cleaned() {
        let mut f = sample();
        f.id.insert(0, '\u{0}');
        f.email = Some("ana@example.com\r".into());
        f.page.url.push('\u{7f}');
        f.page.title.insert(2, '\u{1b}');
        f.page.referrer = "\u{8}".into();
        f.locale.push('\u{1f}');
        f.user_agent.insert(0, '\u{b}');
        f.created_at.push('\u{c}');
        f.widget_version.push('\u{7}');
        f.honeypot = "\u{1}".into();
        let user = f.user.as_mut().expect("sample has a user");
        user.id.as_mut().expect("id").push('\u{0}');
        user.email.as_mut().expect("email").insert(0, '\r');
        user.name.as_mut().expect("name").push('\u{1b}');
        f.metadata[0].0.push('\u{7}');
        f.metadata[1].1.insert(1, '\u{7f}');
        f.drop_control_chars();
        assert_eq!(f, sample());
        assert_eq!(f.validate(), Ok(()));
    }

    #[test]
    fn other_characters_are_kept_exactly() {
        let mut f = sample();
        // Other Unicode controls and format characters are not C0: they stay.
        let text = "Olá 中文 🎉👩‍💻 \u{202e}reversed\u{202c} \u{200b}\u{feff} \u{85}\u{9f} tab\there\nnext";
        f.comment = text.into();
        f.page.title = text.into();
        f.drop_control_chars();
        assert_eq!((f.comment.as_str(), f.page.title.as_str()), (text, text));
    }

    #[test]
    fn text_is_cleaned_in_place() {
        let mut f = sample();
        let clean = f.comment.as_ptr();
        f.drop_control_chars();
        assert_eq!(f.comment.as_ptr(), clean, "a clean comment keeps its buffer");
        f.comment.push('\u{0}');
        let dirty = f.comment.as_ptr();
        f.drop_control_chars();
        assert_eq!((f.comment.as_ptr(), f.comment.as_str()), (dirty, sample().comment.as_str()));
    }
}
