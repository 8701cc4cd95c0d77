//! Indonesian: one form for every number.

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Bagaimana layanan kami?",
    prompt: "Apa yang bisa kami tingkatkan?",
    ratings: ["Sangat buruk", "Buruk", "Biasa saja", "Bagus", "Sangat bagus"],
    prompt_hint: "Opsional. Beri tahu kami apa yang bisa membuatnya lebih baik.",
    email: "Email (opsional)",
    email_hint: "Hanya jika Anda ingin dibalas.",
    send: "Kirim",
    sending: "Mengirim…",
    close: "Tutup",
    thanks: "Terima kasih! Kami membaca setiap pesan.",
    saved: "Tersimpan — kami akan mengirimnya begitu Anda kembali online.",
    failed: "Pesan Anda tidak dapat dikirim. Tulisan Anda tidak hilang; silakan coba lagi.",
    refused: "Maaf, pesan Anda tidak dapat diterima.",
    retry: "Coba lagi",
    need_rating: "Silakan pilih penilaian terlebih dahulu.",
    bad_email: "Alamat email itu sepertinya tidak benar.",
    nps_title: "Seberapa besar kemungkinan Anda merekomendasikan kami kepada teman?",
    prompt_low: "Apa yang kurang?",
    prompt_high: "Apa yang Anda sukai?",
    stars: Plural::one_form("{n} bintang"),
    moods: ["Sangat tidak senang", "Tidak senang", "Netral", "Senang", "Sangat senang"],
    thumbs: ["Tidak membantu", "Membantu"],
    nps_anchors: ["Tidak mungkin", "Sangat mungkin"],
    restored: "Masukan Anda yang belum terkirim telah dipulihkan.",
    discard: "Buang",
    counter: Plural::one_form("Sisa {n} karakter"),
    comma: ", ",
}
.strings();
