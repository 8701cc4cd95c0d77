//! Hebrew: right to left, Western digits, gender-neutral plural address, and a dual for 2.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "מה דעתך עלינו?",
    prompt: "איך נוכל להשתפר?",
    ratings: ["גרוע מאוד", "גרוע", "בסדר", "טוב", "מצוין"],
    prompt_hint: "לא חובה. ספרו לנו מה היה משפר את החוויה.",
    email: "אימייל (לא חובה)",
    email_hint: "רק אם תרצו לקבל תשובה.",
    send: "שליחה",
    sending: "בשליחה…",
    close: "סגירה",
    thanks: "תודה! אנחנו קוראים כל הודעה.",
    saved: "נשמר — נשלח ברגע שתחזרו להיות מחוברים.",
    failed: "לא הצלחנו לשלוח את ההודעה. שום דבר ממה שכתבתם לא אבד; נסו שוב.",
    refused: "מצטערים, לא ניתן לקבל את ההודעה.",
    retry: "ניסיון חוזר",
    need_rating: "יש לבחור דירוג קודם.",
    bad_email: "כתובת האימייל הזו לא נראית תקינה.",
    nps_title: "עד כמה סביר שתמליצו עלינו לחבר?",
    prompt_low: "מה לא היה טוב?",
    prompt_high: "מה אהבתם?",
    stars: Plural(["", "{n} כוכב", "{n} כוכבים", "", "", "{n} כוכבים"]),
    moods: ["מאוד לא מרוצה", "לא מרוצה", "ניטרלי", "מרוצה", "מרוצה מאוד"],
    thumbs: ["לא מועיל", "מועיל"],
    nps_anchors: ["לא סביר", "סביר מאוד"],
    restored: "המשוב שלא נשלח שוחזר.",
    discard: "מחיקה",
    counter: Plural(["", "נותר {n} תו", "נותרו {n} תווים", "", "", "נותרו {n} תווים"]),
    comma: ", ",
}
.strings();
