//! The visitor-facing words of the widget, per language, and choosing the language to speak.

/// A language the widget ships words for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English, the fallback.
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// German.
    De,
    /// Portuguese.
    Pt,
}

/// Every language the widget ships, in the order the README lists them.
pub const LANGS: [Lang; 5] = [Lang::En, Lang::Es, Lang::Fr, Lang::De, Lang::Pt];

impl Lang {
    /// The BCP 47 primary tag (`en`, `es`, ...).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Pt => "pt",
        }
    }

    /// The shipped language for a tag such as `pt-BR` or `FR`, by its primary subtag.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        LANGS.into_iter().find(|lang| primary.eq_ignore_ascii_case(lang.tag()))
    }

    /// The first of the visitor's preferred languages that ships, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred.into_iter().find_map(Lang::from_tag).unwrap_or(Lang::En)
    }

    /// The words for this language.
    /// The launcher button's text. Apart from [`Strings`], so the launcher build, which
    /// shows nothing else, ships none of the dialog's texts.
    pub fn label(self) -> &'static str {
        match self {
            Lang::En | Lang::De => "Feedback",
            Lang::Es => "Opinión",
            Lang::Fr => "Votre avis",
            Lang::Pt => "Opinião",
        }
    }

    /// Every text the dialog shows, in this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
            Lang::Fr => &FR,
            Lang::De => &DE,
            Lang::Pt => &PT,
        }
    }
}

/// Every visitor-facing string of the widget in one language.
#[derive(Debug)]
pub struct Strings {
    /// Dialog title: the first platinum question.
    pub title: &'static str,
    /// Text box label: the second platinum question.
    pub prompt: &'static str,
    /// Word for each rating point, worst first.
    pub ratings: [&'static str; 5],
    /// Hint under the text box label.
    pub prompt_hint: &'static str,
    /// Label of the email field.
    pub email: &'static str,
    /// Hint under the email field.
    pub email_hint: &'static str,
    /// Send button.
    pub send: &'static str,
    /// Send button while sending.
    pub sending: &'static str,
    /// Close button's accessible name.
    pub close: &'static str,
    /// Heading shown once the endpoint confirmed.
    pub thanks: &'static str,
    /// Line under the thank-you heading.
    pub thanks_body: &'static str,
    /// Shown when the response is stored in the browser but not yet delivered.
    pub saved: &'static str,
    /// Shown when sending failed and nothing was delivered.
    pub failed: &'static str,
    /// Shown when the endpoint refused the response for good.
    pub refused: &'static str,
    /// Button that sends again after a failure.
    pub retry: &'static str,
    /// Shown when Send is pressed without a rating.
    pub need_rating: &'static str,
    /// Shown when the email field holds something that is not an address.
    pub bad_email: &'static str,
    /// Dialog title on the NPS scale.
    pub nps_title: &'static str,
    /// Text box label after a low rating.
    pub prompt_low: &'static str,
    /// Text box label after a high rating.
    pub prompt_high: &'static str,
    /// The stars scale's unit, for one and for more: a point is named "3 stars".
    pub star: [&'static str; 2],
    /// Name of each face on the emoji scale, unhappiest first.
    pub moods: [&'static str; 5],
    /// Names of thumbs down and thumbs up.
    pub thumbs: [&'static str; 2],
    /// What the NPS scale's ends mean: 0, then 10.
    pub nps_anchors: [&'static str; 2],
    /// Quiet note when the form shows what the visitor wrote earlier and did not send.
    pub restored: &'static str,
    /// Button that clears the form and the kept copy of it.
    pub discard: &'static str,
}

static EN: Strings = Strings {
    title: "How are we doing?",
    prompt: "How can we get better?",
    ratings: ["Terrible", "Bad", "Okay", "Good", "Great"],
    prompt_hint: "Optional. Tell us what would make it better.",
    email: "Email (optional)",
    email_hint: "Only if you would like a reply.",
    send: "Send",
    sending: "Sending…",
    close: "Close",
    thanks: "Thank you!",
    thanks_body: "We read every message.",
    saved: "Saved — we'll send it as soon as you're back online.",
    failed: "We couldn't send your message. Nothing you wrote is lost; please try again.",
    refused: "Sorry, your message couldn't be accepted.",
    retry: "Try again",
    need_rating: "Please choose a rating first.",
    bad_email: "That email address doesn't look right.",
    nps_title: "How likely are you to recommend us to a friend?",
    prompt_low: "What went wrong?",
    prompt_high: "What did you like?",
    star: ["star", "stars"],
    moods: ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"],
    thumbs: ["Not helpful", "Helpful"],
    nps_anchors: ["Not likely", "Very likely"],
    restored: "Your unsent feedback was restored.",
    discard: "Discard",
};

static ES: Strings = Strings {
    title: "¿Qué tal lo estamos haciendo?",
    prompt: "¿Cómo podemos mejorar?",
    ratings: ["Pésimo", "Malo", "Regular", "Bueno", "Excelente"],
    prompt_hint: "Opcional. Cuéntanos qué lo haría mejor.",
    email: "Correo electrónico (opcional)",
    email_hint: "Solo si quieres una respuesta.",
    send: "Enviar",
    sending: "Enviando…",
    close: "Cerrar",
    thanks: "¡Gracias!",
    thanks_body: "Leemos todos los mensajes.",
    saved: "Guardado: lo enviaremos en cuanto vuelvas a estar conectado.",
    failed: "No pudimos enviar tu mensaje. No se ha perdido nada de lo que escribiste; inténtalo de nuevo.",
    refused: "Lo sentimos, no se pudo aceptar tu mensaje.",
    retry: "Reintentar",
    need_rating: "Elige primero una valoración.",
    bad_email: "Esa dirección de correo no parece correcta.",
    nps_title: "¿Qué probabilidad hay de que nos recomiendes a un amigo?",
    prompt_low: "¿Qué salió mal?",
    prompt_high: "¿Qué te gustó?",
    star: ["estrella", "estrellas"],
    moods: ["Muy insatisfecho", "Insatisfecho", "Neutral", "Satisfecho", "Muy satisfecho"],
    thumbs: ["No es útil", "Útil"],
    nps_anchors: ["Nada probable", "Muy probable"],
    restored: "Recuperamos tu mensaje sin enviar.",
    discard: "Descartar",
};

static FR: Strings = Strings {
    title: "Comment nous en sortons-nous\u{a0}?",
    prompt: "Comment pouvons-nous nous améliorer\u{a0}?",
    ratings: ["Très mauvais", "Mauvais", "Correct", "Bien", "Excellent"],
    prompt_hint: "Facultatif. Dites-nous ce qui serait mieux.",
    email: "E-mail (facultatif)",
    email_hint: "Seulement si vous souhaitez une réponse.",
    send: "Envoyer",
    sending: "Envoi…",
    close: "Fermer",
    thanks: "Merci\u{a0}!",
    thanks_body: "Nous lisons chaque message.",
    saved: "Enregistré\u{a0}: nous l'enverrons dès que vous serez de nouveau en ligne.",
    failed: "Votre message n'a pas pu être envoyé. Rien de ce que vous avez écrit n'est perdu\u{a0}; réessayez.",
    refused: "Désolé, votre message n'a pas pu être accepté.",
    retry: "Réessayer",
    need_rating: "Choisissez d'abord une note.",
    bad_email: "Cette adresse e-mail ne semble pas correcte.",
    nps_title: "Quelle est la probabilité que vous nous recommandiez à un ami\u{a0}?",
    prompt_low: "Qu'est-ce qui n'a pas été\u{a0}?",
    prompt_high: "Qu'avez-vous apprécié\u{a0}?",
    star: ["étoile", "étoiles"],
    moods: ["Très mécontent", "Mécontent", "Neutre", "Content", "Très content"],
    thumbs: ["Pas utile", "Utile"],
    nps_anchors: ["Peu probable", "Très probable"],
    restored: "Votre message non envoyé a été restauré.",
    discard: "Effacer",
};

static DE: Strings = Strings {
    title: "Wie machen wir uns?",
    prompt: "Was können wir besser machen?",
    ratings: ["Schrecklich", "Schlecht", "Okay", "Gut", "Großartig"],
    prompt_hint: "Optional. Sagen Sie uns, was es besser machen würde.",
    email: "E-Mail (optional)",
    email_hint: "Nur wenn Sie eine Antwort möchten.",
    send: "Senden",
    sending: "Wird gesendet…",
    close: "Schließen",
    thanks: "Vielen Dank!",
    thanks_body: "Wir lesen jede Nachricht.",
    saved: "Gespeichert – wir senden es, sobald Sie wieder online sind.",
    failed: "Ihre Nachricht konnte nicht gesendet werden. Nichts von Ihrem Text ist verloren; bitte versuchen Sie es erneut.",
    refused: "Ihre Nachricht konnte leider nicht angenommen werden.",
    retry: "Erneut versuchen",
    need_rating: "Bitte wählen Sie zuerst eine Bewertung.",
    bad_email: "Diese E-Mail-Adresse scheint nicht zu stimmen.",
    nps_title: "Wie wahrscheinlich ist es, dass Sie uns einem Freund empfehlen?",
    prompt_low: "Was lief nicht gut?",
    prompt_high: "Was hat Ihnen gefallen?",
    star: ["Stern", "Sterne"],
    moods: ["Sehr unzufrieden", "Unzufrieden", "Neutral", "Zufrieden", "Sehr zufrieden"],
    thumbs: ["Nicht hilfreich", "Hilfreich"],
    nps_anchors: ["Unwahrscheinlich", "Sehr wahrscheinlich"],
    restored: "Ihr nicht gesendetes Feedback wurde wiederhergestellt.",
    discard: "Verwerfen",
};

static PT: Strings = Strings {
    title: "Como estamos indo?",
    prompt: "Como podemos melhorar?",
    ratings: ["Péssimo", "Ruim", "Razoável", "Bom", "Ótimo"],
    prompt_hint: "Opcional. Diga-nos o que tornaria tudo melhor.",
    email: "E-mail (opcional)",
    email_hint: "Só se quiser uma resposta.",
    send: "Enviar",
    sending: "Enviando…",
    close: "Fechar",
    thanks: "Obrigado!",
    thanks_body: "Lemos todas as mensagens.",
    saved: "Guardado — enviaremos assim que você estiver online de novo.",
    failed: "Não conseguimos enviar sua mensagem. Nada do que você escreveu foi perdido; tente novamente.",
    refused: "Desculpe, sua mensagem não pôde ser aceita.",
    retry: "Tentar novamente",
    need_rating: "Escolha uma avaliação primeiro.",
    bad_email: "Esse endereço de e-mail não parece correto.",
    nps_title: "Qual a probabilidade de você nos recomendar a um amigo?",
    prompt_low: "O que deu errado?",
    prompt_high: "Do que você gostou?",
    star: ["estrela", "estrelas"],
    moods: ["Muito insatisfeito", "Insatisfeito", "Neutro", "Satisfeito", "Muito satisfeito"],
    thumbs: ["Não ajudou", "Ajudou"],
    nps_anchors: ["Pouco provável", "Muito provável"],
    restored: "Recuperamos sua mensagem não enviada.",
    discard: "Descartar",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_their_language_by_primary_subtag() {
        assert_eq!(Lang::from_tag("pt-BR"), Some(Lang::Pt));
        assert_eq!(Lang::from_tag("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("de_AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("es-419"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("nl"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert_eq!(Lang::from_tag("english"), None);
    }

    #[test]
    fn negotiation_takes_the_first_shipped_preference_else_english() {
        assert_eq!(Lang::negotiate(["nl-NL", "de-DE", "fr"]), Lang::De);
        assert_eq!(Lang::negotiate(["ja", "zh-CN"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
    }

    #[test]
    fn every_language_has_every_string() {
        for lang in LANGS {
            let s = lang.strings();
            let all = [
                lang.label(), s.title, s.prompt, s.prompt_hint, s.email, s.email_hint, s.send, s.sending, s.close,
                s.thanks, s.thanks_body, s.saved, s.failed, s.refused, s.retry, s.need_rating, s.bad_email,
                s.nps_title, s.prompt_low, s.prompt_high, s.restored, s.discard,
            ];
            let lists = s.ratings.iter().chain(&s.star).chain(&s.moods).chain(&s.thumbs).chain(&s.nps_anchors);
            assert!(all.iter().chain(lists).all(|t| !t.trim().is_empty()), "{lang:?}");
        }
    }

    #[test]
    fn translations_differ_from_english() {
        for lang in [Lang::Es, Lang::Fr, Lang::De, Lang::Pt] {
            assert_ne!(lang.strings().title, EN.title, "{lang:?}");
            assert_ne!(lang.strings().thanks, EN.thanks, "{lang:?}");
            assert_ne!(lang.strings().saved, EN.saved, "{lang:?}");
            assert_ne!(lang.strings().nps_title, EN.nps_title, "{lang:?}");
            assert_ne!(lang.strings().prompt_low, EN.prompt_low, "{lang:?}");
            assert_ne!(lang.strings().restored, EN.restored, "{lang:?}");
        }
    }
}
