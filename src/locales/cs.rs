//! Czech: counted words have one, few and other forms (1 hvězdička, 2 hvězdičky, 5 hvězdiček).

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Jak se nám daří?",
    prompt: "Co můžeme zlepšit?",
    ratings: ["Hrozné", "Špatné", "Ujde to", "Dobré", "Skvělé"],
    prompt_hint: "Nepovinné. Napište nám, co by to zlepšilo.",
    email: "E-mail (nepovinný)",
    email_hint: "Jen pokud chcete odpověď.",
    send: "Odeslat",
    sending: "Odesílání…",
    close: "Zavřít",
    thanks: "Děkujeme! Čteme každou zprávu.",
    saved: "Uloženo – odešleme ji, jakmile budete znovu online.",
    failed: "Zprávu se nepodařilo odeslat. Nic z toho, co jste napsali, se neztratilo; zkuste to znovu.",
    refused: "Je nám líto, vaši zprávu nebylo možné přijmout.",
    retry: "Zkusit znovu",
    need_rating: "Nejprve prosím vyberte hodnocení.",
    bad_email: "Tato e-mailová adresa nevypadá správně.",
    nps_title: "Jak pravděpodobné je, že nás doporučíte příteli?",
    prompt_low: "Co se nepovedlo?",
    prompt_high: "Co se vám líbilo?",
    stars: Plural(["", "{n} hvězdička", "", "{n} hvězdičky", "{n} hvězdičky", "{n} hvězdiček"]),
    moods: ["Velmi nespokojený", "Nespokojený", "Neutrální", "Spokojený", "Velmi spokojený"],
    thumbs: ["Nepomohlo", "Pomohlo"],
    nps_anchors: ["Nepravděpodobné", "Velmi pravděpodobné"],
    restored: "Vaše neodeslaná zpráva byla obnovena.",
    discard: "Zahodit",
    counter: Plural(["", "Zbývá {n} znak", "", "Zbývají {n} znaky", "Zbývá {n} znaku", "Zbývá {n} znaků"]),
    comma: ", ",
}
.strings();
