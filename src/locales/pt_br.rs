//! Brazilian Portuguese (`pt-BR`, and plain `pt`).

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Como estamos indo?",
    prompt: "Como podemos melhorar?",
    ratings: ["Péssimo", "Ruim", "Razoável", "Bom", "Ótimo"],
    prompt_hint: "Opcional. Conte o que deixaria tudo melhor.",
    email: "E-mail (opcional)",
    email_hint: "Só se você quiser uma resposta.",
    send: "Enviar",
    sending: "Enviando…",
    close: "Fechar",
    thanks: "Obrigado! Lemos todas as mensagens.",
    saved: "Salvo — vamos enviar assim que você estiver on-line de novo.",
    failed: "Não conseguimos enviar sua mensagem. Nada do que você escreveu foi perdido; tente novamente.",
    refused: "Desculpe, sua mensagem não pôde ser aceita.",
    retry: "Tentar novamente",
    need_rating: "Escolha uma avaliação primeiro.",
    bad_email: "Esse endereço de e-mail não parece correto.",
    nps_title: "Qual a probabilidade de você nos recomendar a um amigo?",
    prompt_low: "O que deu errado?",
    prompt_high: "Do que você gostou?",
    stars: Plural::two("{n} estrela", "{n} estrelas"),
    moods: ["Muito insatisfeito", "Insatisfeito", "Neutro", "Satisfeito", "Muito satisfeito"],
    thumbs: ["Não ajudou", "Ajudou"],
    nps_anchors: ["Pouco provável", "Muito provável"],
    restored: "Recuperamos sua mensagem não enviada.",
    discard: "Descartar",
    counter: Plural::two("{n} caractere restante", "{n} caracteres restantes"),
    comma: ", ",
}
.strings();
