//! Dutch.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Hoe doen we het?",
    prompt: "Wat kunnen we beter doen?",
    ratings: ["Heel slecht", "Slecht", "Oké", "Goed", "Uitstekend"],
    prompt_hint: "Optioneel. Vertel ons wat het beter zou maken.",
    email: "E-mailadres (optioneel)",
    email_hint: "Alleen als je een reactie wilt.",
    send: "Versturen",
    sending: "Bezig met versturen…",
    close: "Sluiten",
    thanks: "Bedankt! We lezen elk bericht.",
    saved: "Opgeslagen: we versturen het zodra je weer online bent.",
    failed: "Je bericht kon niet worden verstuurd. Wat je schreef, ben je niet kwijt; probeer het opnieuw.",
    refused: "Sorry, je bericht kon niet worden aangenomen.",
    retry: "Opnieuw proberen",
    need_rating: "Kies eerst een beoordeling.",
    bad_email: "Dat e-mailadres lijkt niet te kloppen.",
    nps_title: "Hoe waarschijnlijk is het dat je ons aan een vriend aanbeveelt?",
    prompt_low: "Wat ging er mis?",
    prompt_high: "Wat vond je goed?",
    stars: Plural::two("{n} ster", "{n} sterren"),
    moods: ["Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"],
    thumbs: ["Niet nuttig", "Nuttig"],
    nps_anchors: ["Zeer onwaarschijnlijk", "Zeer waarschijnlijk"],
    restored: "Je niet-verstuurde feedback is teruggezet.",
    discard: "Weggooien",
    counter: Plural::two("Nog {n} teken", "Nog {n} tekens"),
    comma: ", ",
}
.strings();
