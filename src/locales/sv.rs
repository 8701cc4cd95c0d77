//! Swedish.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Vad tycker du om oss?",
    prompt: "Vad kan vi göra bättre?",
    ratings: ["Mycket dåligt", "Dåligt", "Okej", "Bra", "Mycket bra"],
    prompt_hint: "Valfritt. Berätta vad som skulle göra det bättre.",
    email: "E-post (valfritt)",
    email_hint: "Bara om du vill ha svar.",
    send: "Skicka",
    sending: "Skickar…",
    close: "Stäng",
    thanks: "Tack! Vi läser varje meddelande.",
    saved: "Sparat – vi skickar det så snart du är online igen.",
    failed: "Vi kunde inte skicka ditt meddelande. Inget av det du skrev har försvunnit; försök igen.",
    refused: "Tyvärr kunde ditt meddelande inte tas emot.",
    retry: "Försök igen",
    need_rating: "Välj ett betyg först.",
    bad_email: "E-postadressen ser inte riktig ut.",
    nps_title: "Hur troligt är det att du skulle rekommendera oss till en vän?",
    prompt_low: "Vad gick fel?",
    prompt_high: "Vad var bra?",
    stars: Plural::two("{n} stjärna", "{n} stjärnor"),
    moods: ["Mycket missnöjd", "Missnöjd", "Neutral", "Nöjd", "Mycket nöjd"],
    thumbs: ["Inte till hjälp", "Till hjälp"],
    nps_anchors: ["Inte troligt", "Mycket troligt"],
    restored: "Din osända feedback har återställts.",
    discard: "Släng",
    counter: Plural::two("{n} tecken kvar", "{n} tecken kvar"),
    comma: ", ",
}
.strings();
