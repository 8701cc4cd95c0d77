//! European Portuguese (`pt-PT`, and the African variants).

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Como nos estamos a sair?",
    prompt: "Como podemos melhorar?",
    ratings: ["Péssimo", "Mau", "Razoável", "Bom", "Ótimo"],
    prompt_hint: "Opcional. Diga-nos o que poderia ser melhor.",
    email: "E-mail (opcional)",
    email_hint: "Apenas se quiser uma resposta.",
    send: "Enviar",
    sending: "A enviar…",
    close: "Fechar",
    thanks: "Obrigado! Lemos todas as mensagens.",
    saved: "Guardado — enviaremos assim que voltar a estar online.",
    failed: "Não foi possível enviar a sua mensagem. Nada do que escreveu se perdeu; tente novamente.",
    refused: "Lamentamos, mas não foi possível aceitar a sua mensagem.",
    retry: "Tentar novamente",
    need_rating: "Escolha primeiro uma avaliação.",
    bad_email: "Esse endereço de e-mail não parece correto.",
    nps_title: "Qual a probabilidade de nos recomendar a um amigo?",
    prompt_low: "O que correu mal?",
    prompt_high: "Do que gostou?",
    stars: Plural::two("{n} estrela", "{n} estrelas"),
    moods: ["Muito insatisfeito", "Insatisfeito", "Neutro", "Satisfeito", "Muito satisfeito"],
    thumbs: ["Não foi útil", "Foi útil"],
    nps_anchors: ["Pouco provável", "Muito provável"],
    restored: "Recuperámos a mensagem que não chegou a enviar.",
    discard: "Descartar",
    counter: Plural::two("Resta {n} carácter", "Restam {n} caracteres"),
    comma: ", ",
}
.strings();
