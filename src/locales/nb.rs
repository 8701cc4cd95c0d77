//! Norwegian Bokmål, also for `no` and `nn`.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Hvordan gjør vi det?",
    prompt: "Hva kan vi gjøre bedre?",
    ratings: ["Svært dårlig", "Dårlig", "Greit", "Bra", "Svært bra"],
    prompt_hint: "Valgfritt. Fortell oss hva som kunne gjort det bedre.",
    email: "E-post (valgfritt)",
    email_hint: "Bare hvis du ønsker svar.",
    send: "Send",
    sending: "Sender…",
    close: "Lukk",
    thanks: "Takk! Vi leser alle meldinger.",
    saved: "Lagret – vi sender den så snart du er på nett igjen.",
    failed: "Vi kunne ikke sende meldingen din. Ingenting av det du skrev, har gått tapt; prøv igjen.",
    refused: "Beklager, meldingen din kunne ikke tas imot.",
    retry: "Prøv igjen",
    need_rating: "Velg en vurdering først.",
    bad_email: "E-postadressen ser ikke riktig ut.",
    nps_title: "Hvor sannsynlig er det at du vil anbefale oss til en venn?",
    prompt_low: "Hva gikk galt?",
    prompt_high: "Hva likte du?",
    stars: Plural::two("{n} stjerne", "{n} stjerner"),
    moods: ["Svært misfornøyd", "Misfornøyd", "Nøytral", "Fornøyd", "Svært fornøyd"],
    thumbs: ["Ikke nyttig", "Nyttig"],
    nps_anchors: ["Lite sannsynlig", "Svært sannsynlig"],
    restored: "Tilbakemeldingen du ikke sendte, er hentet fram igjen.",
    discard: "Forkast",
    counter: Plural::two("{n} tegn igjen", "{n} tegn igjen"),
    comma: ", ",
}
.strings();
