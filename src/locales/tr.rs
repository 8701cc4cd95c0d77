//! Turkish.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Bizi nasıl buluyorsunuz?",
    prompt: "Nasıl daha iyi olabiliriz?",
    ratings: ["Çok kötü", "Kötü", "İdare eder", "İyi", "Harika"],
    prompt_hint: "İsteğe bağlı. Neyin daha iyi olabileceğini bize anlatın.",
    email: "E-posta (isteğe bağlı)",
    email_hint: "Yalnızca yanıt almak istiyorsanız.",
    send: "Gönder",
    sending: "Gönderiliyor…",
    close: "Kapat",
    thanks: "Teşekkürler! Her mesajı okuyoruz.",
    saved: "Kaydedildi — yeniden çevrimiçi olduğunuzda göndereceğiz.",
    failed: "Mesajınız gönderilemedi. Yazdıklarınız kaybolmadı; lütfen tekrar deneyin.",
    refused: "Üzgünüz, mesajınız kabul edilemedi.",
    retry: "Tekrar dene",
    need_rating: "Lütfen önce bir puan seçin.",
    bad_email: "Bu e-posta adresi doğru görünmüyor.",
    nps_title: "Bizi bir arkadaşınıza önerme olasılığınız nedir?",
    prompt_low: "Ne ters gitti?",
    prompt_high: "Neyi beğendiniz?",
    stars: Plural::two("{n} yıldız", "{n} yıldız"),
    moods: ["Çok mutsuz", "Mutsuz", "Nötr", "Mutlu", "Çok mutlu"],
    thumbs: ["Yararlı değil", "Yararlı"],
    nps_anchors: ["Hiç olası değil", "Çok olası"],
    restored: "Gönderilmemiş geri bildiriminiz geri yüklendi.",
    discard: "Sil",
    counter: Plural::two("{n} karakter kaldı", "{n} karakter kaldı"),
    comma: ", ",
}
.strings();
