//! French: a no-break space (U+00A0) before ? ! ; and :.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Comment nous en sortons-nous\u{a0}?",
    prompt: "Comment pouvons-nous nous améliorer\u{a0}?",
    ratings: ["Très mauvais", "Mauvais", "Correct", "Bien", "Excellent"],
    prompt_hint: "Facultatif. Dites-nous ce qui serait mieux.",
    email: "E-mail (facultatif)",
    email_hint: "Seulement si vous souhaitez une réponse.",
    send: "Envoyer",
    sending: "Envoi…",
    close: "Fermer",
    thanks: "Merci\u{a0}! Nous lisons chaque message.",
    saved: "Enregistré\u{a0}: nous l'enverrons dès que vous serez de nouveau en ligne.",
    failed: "Votre message n'a pas pu être envoyé. Rien de ce que vous avez écrit n'est perdu\u{a0}; réessayez.",
    refused: "Désolé, votre message n'a pas pu être accepté.",
    retry: "Réessayer",
    need_rating: "Choisissez d'abord une note.",
    bad_email: "Cette adresse e-mail ne semble pas correcte.",
    nps_title: "Quelle est la probabilité que vous nous recommandiez à un ami\u{a0}?",
    prompt_low: "Qu'est-ce qui n'a pas été\u{a0}?",
    prompt_high: "Qu'avez-vous apprécié\u{a0}?",
    stars: Plural::two("{n}\u{a0}étoile", "{n}\u{a0}étoiles"),
    moods: ["Très mécontent", "Mécontent", "Neutre", "Content", "Très content"],
    thumbs: ["Pas utile", "Utile"],
    nps_anchors: ["Peu probable", "Très probable"],
    restored: "Votre message non envoyé a été restauré.",
    discard: "Effacer",
    counter: Plural::two("{n}\u{a0}caractère restant", "{n}\u{a0}caractères restants"),
    comma: ", ",
}
.strings();
