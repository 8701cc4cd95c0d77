//! Italian.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Come stiamo andando?",
    prompt: "Come possiamo migliorare?",
    ratings: ["Pessimo", "Scarso", "Discreto", "Buono", "Ottimo"],
    prompt_hint: "Facoltativo. Dicci cosa potremmo fare meglio.",
    email: "Email (facoltativa)",
    email_hint: "Solo se desideri una risposta.",
    send: "Invia",
    sending: "Invio in corso…",
    close: "Chiudi",
    thanks: "Grazie! Leggiamo ogni messaggio.",
    saved: "Salvato: lo invieremo appena tornerai online.",
    failed: "Non è stato possibile inviare il messaggio. Quello che hai scritto non è andato perso: riprova.",
    refused: "Siamo spiacenti, il tuo messaggio non può essere accettato.",
    retry: "Riprova",
    need_rating: "Scegli prima una valutazione.",
    bad_email: "Questo indirizzo email non sembra corretto.",
    nps_title: "Quanto è probabile che ci consiglieresti a un amico?",
    prompt_low: "Cosa non è andato bene?",
    prompt_high: "Cosa ti è piaciuto?",
    stars: Plural::two("{n} stella", "{n} stelle"),
    moods: ["Molto insoddisfatto", "Insoddisfatto", "Neutrale", "Soddisfatto", "Molto soddisfatto"],
    thumbs: ["Non utile", "Utile"],
    nps_anchors: ["Per niente probabile", "Molto probabile"],
    restored: "Abbiamo ripristinato il messaggio che non avevi inviato.",
    discard: "Elimina",
    counter: Plural::two("Resta {n} carattere", "Restano {n} caratteri"),
    comma: ", ",
}
.strings();
