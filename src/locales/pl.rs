//! Polish: counted words have one, few and many forms (1 gwiazdka, 2 gwiazdki, 5 gwiazdek).

use crate::i18n::{Plural, Strings, Words};

pub static STRINGS: Strings = Words {
    title: "Jak nam idzie?",
    prompt: "Co możemy poprawić?",
    ratings: ["Fatalnie", "Słabo", "Przeciętnie", "Dobrze", "Świetnie"],
    prompt_hint: "Opcjonalnie. Napisz, co moglibyśmy zrobić lepiej.",
    email: "E-mail (opcjonalnie)",
    email_hint: "Tylko jeśli chcesz otrzymać odpowiedź.",
    send: "Wyślij",
    sending: "Wysyłanie…",
    close: "Zamknij",
    thanks: "Dziękujemy! Czytamy każdą wiadomość.",
    saved: "Zapisano — wyślemy wiadomość, gdy tylko znów będziesz online.",
    failed: "Nie udało się wysłać wiadomości. Twój tekst nie przepadł; spróbuj ponownie.",
    refused: "Przepraszamy, nie możemy przyjąć tej wiadomości.",
    retry: "Spróbuj ponownie",
    need_rating: "Najpierw wybierz ocenę.",
    bad_email: "Ten adres e-mail wygląda na niepoprawny.",
    nps_title: "Jak prawdopodobne jest, że polecisz nas znajomemu?",
    prompt_low: "Co poszło nie tak?",
    prompt_high: "Co Ci się podobało?",
    stars: Plural(["", "{n} gwiazdka", "", "{n} gwiazdki", "{n} gwiazdek", "{n} gwiazdki"]),
    moods: ["Bardzo źle", "Źle", "Neutralnie", "Dobrze", "Bardzo dobrze"],
    thumbs: ["Nieprzydatne", "Przydatne"],
    nps_anchors: ["Mało prawdopodobne", "Bardzo prawdopodobne"],
    restored: "Przywróciliśmy niewysłaną wiadomość.",
    discard: "Odrzuć",
    counter: Plural(["", "Pozostał {n} znak", "", "Pozostały {n} znaki", "Pozostało {n} znaków", "Pozostało {n} znaku"]),
    comma: ", ",
}
.strings();
