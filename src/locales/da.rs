//! Danish.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Hvordan klarer vi os?",
    prompt: "Hvad kan vi gøre bedre?",
    ratings: ["Meget dårlig", "Dårlig", "Okay", "God", "Rigtig god"],
    prompt_hint: "Valgfrit. Fortæl os, hvad der ville gøre det bedre.",
    email: "E-mail (valgfrit)",
    email_hint: "Kun hvis du gerne vil have svar.",
    send: "Send",
    sending: "Sender…",
    close: "Luk",
    thanks: "Tak! Vi læser alle beskeder.",
    saved: "Gemt – vi sender den, så snart du er online igen.",
    failed: "Vi kunne ikke sende din besked. Intet af det, du skrev, er gået tabt; prøv igen.",
    refused: "Beklager, din besked kunne ikke modtages.",
    retry: "Prøv igen",
    need_rating: "Vælg en bedømmelse først.",
    bad_email: "Den e-mailadresse ser ikke rigtig ud.",
    nps_title: "Hvor sandsynligt er det, at du vil anbefale os til en ven?",
    prompt_low: "Hvad gik galt?",
    prompt_high: "Hvad kunne du lide?",
    stars: Plural::two("{n} stjerne", "{n} stjerner"),
    moods: ["Meget utilfreds", "Utilfreds", "Neutral", "Tilfreds", "Meget tilfreds"],
    thumbs: ["Ikke nyttig", "Nyttig"],
    nps_anchors: ["Usandsynligt", "Meget sandsynligt"],
    restored: "Din ikke-sendte feedback er gendannet.",
    discard: "Kassér",
    counter: Plural::two("{n} tegn tilbage", "{n} tegn tilbage"),
    comma: ", ",
}
.strings();
