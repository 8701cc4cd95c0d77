//! German.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Wie machen wir uns?",
    prompt: "Was können wir besser machen?",
    ratings: ["Schrecklich", "Schlecht", "Okay", "Gut", "Großartig"],
    prompt_hint: "Optional. Sagen Sie uns, was es besser machen würde.",
    email: "E-Mail (optional)",
    email_hint: "Nur wenn Sie eine Antwort möchten.",
    send: "Senden",
    sending: "Wird gesendet…",
    close: "Schließen",
    thanks: "Vielen Dank! Wir lesen jede Nachricht.",
    saved: "Gespeichert – wir senden es, sobald Sie wieder online sind.",
    failed: "Ihre Nachricht konnte nicht gesendet werden. Nichts von Ihrem Text ist verloren; bitte versuchen Sie es erneut.",
    refused: "Ihre Nachricht konnte leider nicht angenommen werden.",
    retry: "Erneut versuchen",
    need_rating: "Bitte wählen Sie zuerst eine Bewertung.",
    bad_email: "Diese E-Mail-Adresse scheint nicht zu stimmen.",
    nps_title: "Wie wahrscheinlich ist es, dass Sie uns einem Freund empfehlen?",
    prompt_low: "Was lief nicht gut?",
    prompt_high: "Was hat Ihnen gefallen?",
    stars: Plural::two("{n} Stern", "{n} Sterne"),
    moods: ["Sehr unzufrieden", "Unzufrieden", "Neutral", "Zufrieden", "Sehr zufrieden"],
    thumbs: ["Nicht hilfreich", "Hilfreich"],
    nps_anchors: ["Unwahrscheinlich", "Sehr wahrscheinlich"],
    restored: "Ihr nicht gesendetes Feedback wurde wiederhergestellt.",
    discard: "Verwerfen",
    counter: Plural::two("Noch {n} Zeichen", "Noch {n} Zeichen"),
    comma: ", ",
}
.strings();
