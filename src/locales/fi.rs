//! Finnish.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Miten olemme onnistuneet?",
    prompt: "Miten voisimme parantaa?",
    ratings: ["Surkea", "Huono", "Kohtalainen", "Hyvä", "Erinomainen"],
    prompt_hint: "Vapaaehtoinen. Kerro, mikä tekisi siitä paremman.",
    email: "Sähköposti (vapaaehtoinen)",
    email_hint: "Vain jos haluat vastauksen.",
    send: "Lähetä",
    sending: "Lähetetään…",
    close: "Sulje",
    thanks: "Kiitos! Luemme jokaisen viestin.",
    saved: "Tallennettu – lähetämme sen heti, kun olet taas verkossa.",
    failed: "Viestiäsi ei voitu lähettää. Mitään kirjoittamaasi ei menetetty; yritä uudelleen.",
    refused: "Valitettavasti viestiäsi ei voitu ottaa vastaan.",
    retry: "Yritä uudelleen",
    need_rating: "Valitse ensin arvio.",
    bad_email: "Sähköpostiosoite ei näytä oikealta.",
    nps_title: "Kuinka todennäköisesti suosittelisit meitä ystävällesi?",
    prompt_low: "Mikä meni pieleen?",
    prompt_high: "Mistä pidit?",
    stars: Plural::two("{n} tähti", "{n} tähteä"),
    moods: ["Hyvin tyytymätön", "Tyytymätön", "Neutraali", "Tyytyväinen", "Hyvin tyytyväinen"],
    thumbs: ["Ei hyödyllinen", "Hyödyllinen"],
    nps_anchors: ["Epätodennäköistä", "Erittäin todennäköistä"],
    restored: "Lähettämätön palautteesi palautettiin.",
    discard: "Hylkää",
    counter: Plural::two("{n} merkki jäljellä", "{n} merkkiä jäljellä"),
    comma: ", ",
}
.strings();
