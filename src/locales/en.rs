//! English, built into the widget: what it shows until another language's file arrives, or if it cannot.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "How are we doing?",
    prompt: "How can we get better?",
    ratings: ["Terrible", "Bad", "Okay", "Good", "Great"],
    prompt_hint: "Optional. Tell us what would make it better.",
    email: "Email (optional)",
    email_hint: "Only if you would like a reply.",
    send: "Send",
    sending: "Sending…",
    close: "Close",
    thanks: "Thank you! We read every message.",
    saved: "Saved — we'll send it as soon as you're back online.",
    failed: "We couldn't send your message. Nothing you wrote is lost; please try again.",
    refused: "Sorry, your message couldn't be accepted.",
    retry: "Try again",
    need_rating: "Please choose a rating first.",
    bad_email: "That email address doesn't look right.",
    nps_title: "How likely are you to recommend us to a friend?",
    prompt_low: "What went wrong?",
    prompt_high: "What did you like?",
    stars: Plural::two("{n} star", "{n} stars"),
    moods: ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"],
    thumbs: ["Not helpful", "Helpful"],
    nps_anchors: ["Not likely", "Very likely"],
    restored: "Your unsent feedback was restored.",
    discard: "Discard",
    counter: Plural::two("{n} character left", "{n} characters left"),
    comma: ", ",
}
.strings();
