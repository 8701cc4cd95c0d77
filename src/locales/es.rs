//! Spanish.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "¿Qué tal lo estamos haciendo?",
    prompt: "¿Cómo podemos mejorar?",
    ratings: ["Pésimo", "Malo", "Regular", "Bueno", "Excelente"],
    prompt_hint: "Opcional. Cuéntanos qué lo haría mejor.",
    email: "Correo electrónico (opcional)",
    email_hint: "Solo si quieres una respuesta.",
    send: "Enviar",
    sending: "Enviando…",
    close: "Cerrar",
    thanks: "¡Gracias! Leemos todos los mensajes.",
    saved: "Guardado: lo enviaremos en cuanto vuelvas a estar conectado.",
    failed: "No pudimos enviar tu mensaje. No se ha perdido nada de lo que escribiste; inténtalo de nuevo.",
    refused: "Lo sentimos, no se pudo aceptar tu mensaje.",
    retry: "Reintentar",
    need_rating: "Elige primero una valoración.",
    bad_email: "Esa dirección de correo no parece correcta.",
    nps_title: "¿Qué probabilidad hay de que nos recomiendes a un amigo?",
    prompt_low: "¿Qué salió mal?",
    prompt_high: "¿Qué te gustó?",
    stars: Plural::two("{n} estrella", "{n} estrellas"),
    moods: ["Muy insatisfecho", "Insatisfecho", "Neutral", "Satisfecho", "Muy satisfecho"],
    thumbs: ["No es útil", "Útil"],
    nps_anchors: ["Nada probable", "Muy probable"],
    restored: "Recuperamos tu mensaje sin enviar.",
    discard: "Descartar",
    counter: Plural::two("Queda {n} carácter", "Quedan {n} caracteres"),
    comma: ", ",
}
.strings();
