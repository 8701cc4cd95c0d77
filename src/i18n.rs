//! The visitor-facing words of the widget, per language: choosing the language to speak, its
//! plural rules and digits, and reading a language's words from its locale file.
//!
//! English is built in. Every other language's words ship as a locale file of their own, written
//! by `cargo xtask dist` from `src/locales/` and fetched only by visitors who speak it, so the
//! download does not grow with the number of languages.

use crate::text::{decimal, join};
#[cfg(target_arch = "wasm32")]
use std::cell::Cell;

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
    /// Brazilian Portuguese: `pt`, and every Portuguese but Portugal's and Africa's.
    Pt,
    /// European Portuguese: `pt-PT`, and `pt-AO`, `pt-MZ` and the other African variants.
    PtPt,
    /// Italian.
    It,
    /// Dutch.
    Nl,
    /// Polish.
    Pl,
    /// Swedish.
    Sv,
    /// Danish.
    Da,
    /// Norwegian Bokmål, also for `no` and `nn`.
    Nb,
    /// Finnish.
    Fi,
    /// Czech.
    Cs,
    /// Turkish.
    Tr,
    /// Russian.
    Ru,
    /// Ukrainian.
    Uk,
    /// Greek.
    El,
    /// Japanese.
    Ja,
    /// Korean.
    Ko,
    /// Simplified Chinese: `zh`, `zh-CN`, `zh-SG`, `zh-Hans`.
    ZhHans,
    /// Traditional Chinese: `zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant`.
    ZhHant,
    /// Hindi.
    Hi,
    /// Indonesian.
    Id,
    /// Vietnamese.
    Vi,
    /// Arabic, written right to left.
    Ar,
    /// Hebrew, written right to left.
    He,
    /// Persian, written right to left.
    Fa,
}

/// Every language the widget ships, in the order the README lists them.
pub const LANGS: [Lang; 28] = [
    Lang::En, Lang::Es, Lang::Fr, Lang::De, Lang::Pt, Lang::PtPt, Lang::It, Lang::Nl, Lang::Pl, Lang::Sv,
    Lang::Da, Lang::Nb, Lang::Fi, Lang::Cs, Lang::Tr, Lang::Ru, Lang::Uk, Lang::El, Lang::Ja, Lang::Ko,
    Lang::ZhHans, Lang::ZhHant, Lang::Hi, Lang::Id, Lang::Vi, Lang::Ar, Lang::He, Lang::Fa,
];

/// The tags `data-lang` accepts, for the warning that names them.
pub const TAGS: &str = "en, es, fr, de, pt, pt-PT, it, nl, pl, sv, da, nb, fi, cs, tr, ru, uk, el, ja, ko, zh, zh-Hant, hi, id, vi, ar, he, fa (and region subtags)";

/// The launcher's label in each language, in [`LANGS`] order, between `|`s: one string read up
/// to the language's place ships in fewer bytes than a match, which compiles to a table of where
/// each text starts and how long it is.
const LABELS: &str = "Feedback|Opinión|Votre avis|Feedback|Opinião|Opinião|Feedback|Feedback|Opinia|Tyck till|Feedback|Tilbakemelding|Palaute|Zpětná vazba|Geri bildirim|Отзыв|Відгук|Σχόλια|フィードバック|의견 보내기|反馈|意見回饋|प्रतिक्रिया|Masukan|Góp ý|ملاحظات|משוב|بازخورد";

/// The CLDR plural category a number falls in, which picks the form of a counted word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Arabic 0.
    Zero,
    /// 1 in most languages; also 0 in French, Brazilian Portuguese, Hindi and Persian; 21, 31… in Russian.
    One,
    /// Arabic and Hebrew 2.
    Two,
    /// 2–4 in Czech; 2–4, 22–24… in Polish, Russian and Ukrainian; 3–10, 103–110… in Arabic.
    Few,
    /// 5–20, 25–30… in Polish, Russian and Ukrainian; 11–99, 111–199… in Arabic.
    Many,
    /// Everything else.
    Other,
}

impl Lang {
    /// The BCP 47 tag (`en`, `pt-PT`, `zh-Hant`, ...): what responses carry as `locale` and what
    /// names the locale file.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Pt => "pt-BR",
            Lang::PtPt => "pt-PT",
            Lang::It => "it",
            Lang::Nl => "nl",
            Lang::Pl => "pl",
            Lang::Sv => "sv",
            Lang::Da => "da",
            Lang::Nb => "nb",
            Lang::Fi => "fi",
            Lang::Cs => "cs",
            Lang::Tr => "tr",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
            Lang::El => "el",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::Hi => "hi",
            Lang::Id => "id",
            Lang::Vi => "vi",
            Lang::Ar => "ar",
            Lang::He => "he",
            Lang::Fa => "fa",
        }
    }

    /// The shipped language for a tag such as `pt-BR`, `zh-TW` or `FR`: by its primary subtag,
    /// and for Chinese and Portuguese by script and region too.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        let is = |name: &str| primary.eq_ignore_ascii_case(name);
        // Whether a script or region subtag is one of `names`.
        let has = |names: &[&str]| tag.trim().split(['-', '_']).skip(1).any(|s| names.iter().any(|n| s.eq_ignore_ascii_case(n)));
        Some(if is("zh") {
            // The script decides; without one, the region does.
            if has(&["Hant"]) || (!has(&["Hans"]) && has(&["TW", "HK", "MO"])) { Lang::ZhHant } else { Lang::ZhHans }
        } else if is("pt") {
            if has(&["PT", "AO", "MZ", "CV", "GW", "ST", "TL", "LU", "CH", "GQ"]) { Lang::PtPt } else { Lang::Pt }
        } else if is("no") || is("nn") {
            Lang::Nb
        } else if is("iw") {
            // Tags from before the current codes, which some systems still send.
            Lang::He
        } else if is("in") {
            Lang::Id
        } else {
            return LANGS.into_iter().find(|lang| is(lang.tag()));
        })
    }

    /// The first of the visitor's preferred languages that ships, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred.into_iter().find_map(Lang::from_tag).unwrap_or(Lang::En)
    }

    /// The launcher button's text. Apart from [`Strings`], so the launcher build, which
    /// shows nothing else, fetches no locale file before the dialog is wanted.
    pub fn label(self) -> &'static str {
        LABELS.split('|').nth(self as usize).unwrap_or("Feedback")
    }

    /// Whether the language is written right to left.
    pub fn rtl(self) -> bool {
        matches!(self, Lang::Ar | Lang::He | Lang::Fa)
    }

    /// `n` in the digits the language writes: Arabic-Indic for Arabic, Persian for Persian,
    /// Western for the others (Hebrew included).
    pub fn number(self, n: usize) -> String {
        let zero = match self {
            Lang::Ar => 0x660,
            Lang::Fa => 0x6f0,
            _ => return decimal(n),
        };
        let mut out = String::new();
        for digit in decimal(n).bytes() {
            out.push(char::from_u32(zero + u32::from(digit - b'0')).unwrap_or('?'));
        }
        out
    }

    /// The CLDR cardinal plural category of the whole number `n` in this language.
    pub fn plural(self, n: usize) -> Category {
        let (last, last2) = (n % 10, n % 100);
        // Spanish, French, Italian and Portuguese say "de" after a round million: "1 million de …".
        let million = n != 0 && n % 1_000_000 == 0;
        match self {
            Lang::Ja | Lang::Ko | Lang::ZhHans | Lang::ZhHant | Lang::Id | Lang::Vi => Category::Other,
            Lang::Fr | Lang::Pt if n <= 1 => Category::One,
            Lang::Hi | Lang::Fa if n <= 1 => Category::One,
            Lang::Fr | Lang::Pt | Lang::PtPt | Lang::Es | Lang::It if million => Category::Many,
            Lang::Ru | Lang::Uk if last == 1 && last2 != 11 => Category::One,
            Lang::Ru | Lang::Uk | Lang::Pl if (2..=4).contains(&last) && !(12..=14).contains(&last2) => Category::Few,
            Lang::Ru | Lang::Uk => Category::Many,
            Lang::Pl if n == 1 => Category::One,
            Lang::Pl => Category::Many,
            Lang::Cs if (2..=4).contains(&n) => Category::Few,
            Lang::Ar if n == 0 => Category::Zero,
            Lang::Ar | Lang::He if n == 2 => Category::Two,
            Lang::Ar if (3..=10).contains(&last2) => Category::Few,
            Lang::Ar if (11..=99).contains(&last2) => Category::Many,
            Lang::Ar if n == 1 => Category::One,
            Lang::Ar => Category::Other,
            _ if n == 1 => Category::One,
            _ => Category::Other,
        }
    }

    /// Every text the dialog shows, in this language.
    ///
    /// In the browser, a language other than English has its words once its locale file has been
    /// read ([`load`]); until then, or if it could not be fetched, the words are English. Natively
    /// (tests, and `cargo xtask dist`, which writes the locale files) they come from
    /// `src/locales/`, the one source of the files.
    pub fn strings(self) -> &'static Strings {
        #[cfg(not(target_arch = "wasm32"))]
        return crate::locales::source(self);
        #[cfg(target_arch = "wasm32")]
        LOADED.with(Cell::get).filter(|(lang, _)| *lang == self).map_or(&crate::locales::EN, |(_, strings)| strings)
    }
}

/// A counted phrase: one form per [`Category`], each with `{n}` where the number goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plural(
    /// Zero, one, two, few, many, other; empty for a category the language does not use.
    pub [&'static str; 6],
);

impl Plural {
    /// A phrase with a singular and a plural, as in English.
    pub const fn two(one: &'static str, other: &'static str) -> Plural {
        Plural(["", one, "", "", "", other])
    }

    /// A phrase that never changes with the number, as in Japanese.
    pub const fn one_form(other: &'static str) -> Plural {
        Plural(["", "", "", "", "", other])
    }

    /// The form for `category`; a category without its own form uses "other".
    pub fn form(&self, category: Category) -> &'static str {
        Some(self.0[category as usize]).filter(|f| !f.is_empty()).unwrap_or(self.0[Category::Other as usize])
    }

    /// The phrase for `n` in `lang`, the number written in its digits.
    pub fn count(&self, lang: Lang, n: usize) -> String {
        let form = self.form(lang.plural(n));
        // By its brace rather than by "{n}" itself: a string pattern brings a substring searcher.
        match form.split_once('{').and_then(|(before, rest)| Some((before, rest.strip_prefix("n}")?))) {
            Some((before, after)) => join(&[before, &lang.number(n), after]),
            None => form.to_owned(),
        }
    }
}

/// Every visitor-facing string of the dialog in one language, by name: what a file under
/// `src/locales/` fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
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
    /// Shown once the endpoint confirmed.
    pub thanks: &'static str,
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
    /// A point of the stars scale: "3 stars".
    pub stars: Plural,
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
    /// Under the text box: how many characters may still be written.
    pub counter: Plural,
    /// What separates an NPS end's number from its anchor in its accessible name ("0, Not likely").
    pub comma: &'static str,
}

impl Words {
    /// The words as the widget holds them: every text in one list, in the order locale files
    /// list them. This is the one place that order is written.
    pub const fn strings(&self) -> Strings {
        Strings([
            self.title, self.prompt, self.ratings[0], self.ratings[1],
            self.ratings[2], self.ratings[3], self.ratings[4], self.prompt_hint,
            self.email, self.email_hint, self.send, self.sending,
            self.close, self.thanks, self.saved, self.failed,
            self.refused, self.retry, self.need_rating, self.bad_email,
            self.nps_title, self.prompt_low, self.prompt_high, self.stars.0[0],
            self.stars.0[1], self.stars.0[2], self.stars.0[3], self.stars.0[4],
            self.stars.0[5], self.moods[0], self.moods[1], self.moods[2],
            self.moods[3], self.moods[4], self.thumbs[0], self.thumbs[1],
            self.nps_anchors[0], self.nps_anchors[1], self.restored, self.discard,
            self.counter.0[0], self.counter.0[1], self.counter.0[2], self.counter.0[3],
            self.counter.0[4], self.counter.0[5], self.comma,
        ])
    }
}

/// Every visitor-facing string of the dialog in one language, in the order of [`Words::strings`]:
/// a list, so reading a locale file is filling it line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strings([&'static str; TEXTS]);

/// How many texts a [`Strings`] holds: the lines of a locale file after its tag.
pub const TEXTS: usize = 47;

impl Strings {
    /// Dialog title: the first platinum question.
    pub fn title(&self) -> &'static str {
        self.0[0]
    }

    /// Text box label: the second platinum question.
    pub fn prompt(&self) -> &'static str {
        self.0[1]
    }

    /// Word for each rating point, worst first.
    pub fn ratings(&self) -> [&'static str; 5] {
        [self.0[2], self.0[3], self.0[4], self.0[5], self.0[6]]
    }

    /// Hint under the text box label.
    pub fn prompt_hint(&self) -> &'static str {
        self.0[7]
    }

    /// Label of the email field.
    pub fn email(&self) -> &'static str {
        self.0[8]
    }

    /// Hint under the email field.
    pub fn email_hint(&self) -> &'static str {
        self.0[9]
    }

    /// Send button.
    pub fn send(&self) -> &'static str {
        self.0[10]
    }

    /// Send button while sending.
    pub fn sending(&self) -> &'static str {
        self.0[11]
    }

    /// Close button's accessible name.
    pub fn close(&self) -> &'static str {
        self.0[12]
    }

    /// Shown once the endpoint confirmed.
    pub fn thanks(&self) -> &'static str {
        self.0[13]
    }

    /// Shown when the response is stored in the browser but not yet delivered.
    pub fn saved(&self) -> &'static str {
        self.0[14]
    }

    /// Shown when sending failed and nothing was delivered.
    pub fn failed(&self) -> &'static str {
        self.0[15]
    }

    /// Shown when the endpoint refused the response for good.
    pub fn refused(&self) -> &'static str {
        self.0[16]
    }

    /// Button that sends again after a failure.
    pub fn retry(&self) -> &'static str {
        self.0[17]
    }

    /// Shown when Send is pressed without a rating.
    pub fn need_rating(&self) -> &'static str {
        self.0[18]
    }

    /// Shown when the email field holds something that is not an address.
    pub fn bad_email(&self) -> &'static str {
        self.0[19]
    }

    /// Dialog title on the NPS scale.
    pub fn nps_title(&self) -> &'static str {
        self.0[20]
    }

    /// Text box label after a low rating.
    pub fn prompt_low(&self) -> &'static str {
        self.0[21]
    }

    /// Text box label after a high rating.
    pub fn prompt_high(&self) -> &'static str {
        self.0[22]
    }

    /// A point of the stars scale: "3 stars".
    pub fn stars(&self) -> Plural {
        Plural([self.0[23], self.0[24], self.0[25], self.0[26], self.0[27], self.0[28]])
    }

    /// Name of each face on the emoji scale, unhappiest first.
    pub fn moods(&self) -> [&'static str; 5] {
        [self.0[29], self.0[30], self.0[31], self.0[32], self.0[33]]
    }

    /// Names of thumbs down and thumbs up.
    pub fn thumbs(&self) -> [&'static str; 2] {
        [self.0[34], self.0[35]]
    }

    /// What the NPS scale's ends mean: 0, then 10.
    pub fn nps_anchors(&self) -> [&'static str; 2] {
        [self.0[36], self.0[37]]
    }

    /// Quiet note when the form shows what the visitor wrote earlier and did not send.
    pub fn restored(&self) -> &'static str {
        self.0[38]
    }

    /// Button that clears the form and the kept copy of it.
    pub fn discard(&self) -> &'static str {
        self.0[39]
    }

    /// Under the text box: how many characters may still be written.
    pub fn counter(&self) -> Plural {
        Plural([self.0[40], self.0[41], self.0[42], self.0[43], self.0[44], self.0[45]])
    }

    /// What separates an NPS end's number from its anchor in its accessible name ("0, Not likely").
    pub fn comma(&self) -> &'static str {
        self.0[46]
    }

    /// Reads a locale file: its language's tag on the first line, then one text per line in
    /// [`Words::strings`] order. `None` unless it has exactly that many lines and a shipped tag.
    pub fn parse(file: &'static str) -> Option<(Lang, Strings)> {
        let mut lines = file.split('\n');
        let tag = lines.next()?;
        let lang = Lang::from_tag(tag).filter(|lang| lang.tag() == tag)?;
        let mut texts = crate::locales::EN.0;
        let mut read = 0;
        for line in lines {
            *texts.get_mut(read)? = line;
            read += 1;
        }
        (read == TEXTS).then_some((lang, Strings(texts)))
    }

    /// The locale file for `lang`: what [`Strings::parse`] reads. `None` if a text holds a line
    /// break, which the format cannot carry.
    pub fn encode(&self, lang: Lang) -> Option<String> {
        if self.0.iter().any(|t| t.contains('\n')) {
            return None;
        }
        let mut file = lang.tag().to_owned();
        for text in self.0 {
            file.push('\n');
            file.push_str(text);
        }
        Some(file)
    }

    /// Every text, to check them all.
    pub fn all(&self) -> [&'static str; TEXTS] {
        self.0
    }
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// The one language whose locale file has been read, and its words.
    static LOADED: Cell<Option<(Lang, &'static Strings)>> = const { Cell::new(None) };
}

/// Whether `lang`'s words are here: English always, another language once its file was read.
#[cfg(target_arch = "wasm32")]
pub fn loaded(lang: Lang) -> bool {
    lang == Lang::En || LOADED.with(Cell::get).is_some_and(|(read, _)| read == lang)
}

/// Reads a fetched locale file and makes its words the ones [`Lang::strings`] gives for its
/// language; returns that language, or `None` (and changes nothing) if the file is not one or
/// its language's words are here already.
///
/// The text and the words live as long as the page: there is one such file per page.
#[cfg(target_arch = "wasm32")]
pub fn load(file: String) -> Option<Lang> {
    let (lang, strings) = Strings::parse(file.leak()).filter(|(lang, _)| !loaded(*lang))?;
    LOADED.with(|loaded| loaded.set(Some((lang, Box::leak(Box::new(strings))))));
    Some(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    #[test]
    fn tags_resolve_by_language_script_and_region() {
        let table = [
            ("pt-BR", Some(Lang::Pt)), ("pt", Some(Lang::Pt)), ("pt-PT", Some(Lang::PtPt)), ("pt_AO", Some(Lang::PtPt)),
            ("FR", Some(Lang::Fr)), ("de_AT", Some(Lang::De)), ("es-419", Some(Lang::Es)), ("fr-CA", Some(Lang::Fr)),
            ("zh", Some(Lang::ZhHans)), ("zh-CN", Some(Lang::ZhHans)), ("zh-SG", Some(Lang::ZhHans)), ("zh-Hans", Some(Lang::ZhHans)),
            ("zh-TW", Some(Lang::ZhHant)), ("zh-HK", Some(Lang::ZhHant)), ("zh-MO", Some(Lang::ZhHant)), ("zh-Hant", Some(Lang::ZhHant)),
            ("zh-Hant-CN", Some(Lang::ZhHant)), ("zh-Hans-HK", Some(Lang::ZhHans)), ("zh_tw", Some(Lang::ZhHant)),
            ("nb", Some(Lang::Nb)), ("no", Some(Lang::Nb)), ("nn-NO", Some(Lang::Nb)), ("nb-NO", Some(Lang::Nb)),
            ("ar-EG", Some(Lang::Ar)), ("he-IL", Some(Lang::He)), ("iw", Some(Lang::He)), ("fa-IR", Some(Lang::Fa)),
            ("in", Some(Lang::Id)), ("id-ID", Some(Lang::Id)), ("ja-JP", Some(Lang::Ja)), ("ko-KR", Some(Lang::Ko)),
            ("uk-UA", Some(Lang::Uk)), ("el", Some(Lang::El)), ("hi-IN", Some(Lang::Hi)), ("vi", Some(Lang::Vi)),
            ("nl-BE", Some(Lang::Nl)), ("sv-FI", Some(Lang::Sv)),
            ("en-GB", Some(Lang::En)), ("xx", None), ("", None), ("english", None), ("zhx", None), ("ptt", None),
        ];
        for (tag, lang) in table {
            assert_eq!(Lang::from_tag(tag), lang, "{tag}");
        }
        for lang in LANGS {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang), "every shipped tag is accepted as written");
            let named = TAGS.split([',', ' ']).filter_map(Lang::from_tag).any(|l| l == lang);
            assert!(named, "{lang:?} is named in the warning");
        }
    }

    #[test]
    fn negotiation_walks_the_whole_preference_list_before_english() {
        assert_eq!(Lang::negotiate(["xx-XX", "tlh", "de-DE", "fr"]), Lang::De);
        assert_eq!(Lang::negotiate(["ja", "zh-CN"]), Lang::Ja);
        assert_eq!(Lang::negotiate(["gd", "cy", "zh-HK"]), Lang::ZhHant);
        assert_eq!(Lang::negotiate(["gd", "cy"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
    }

    fn forms(lang: Lang, numbers: &[usize]) -> Vec<Category> {
        numbers.iter().map(|&n| lang.plural(n)).collect()
    }

    #[test]
    fn plural_rules_follow_cldr() {
        let n = [0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 102, 111, 112, 1000];
        assert_eq!(forms(Lang::En, &n), [Other, One, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other]);
        assert_eq!(forms(Lang::Fr, &n[..3]), [One, One, Other]);
        assert_eq!(forms(Lang::Pt, &n[..3]), [One, One, Other]);
        assert_eq!(forms(Lang::PtPt, &n[..3]), [Other, One, Other]);
        assert_eq!(forms(Lang::Hi, &n[..3]), [One, One, Other]);
        assert_eq!(forms(Lang::Fa, &n[..3]), [One, One, Other]);
        assert_eq!(forms(Lang::Pl, &n), [Many, One, Few, Few, Few, Many, Many, Many, Many, Many, Few, Many, Many, Few, Many, Many, Many]);
        for lang in [Lang::Ru, Lang::Uk] {
            assert_eq!(forms(lang, &n), [Many, One, Few, Few, Few, Many, Many, Many, Many, One, Few, Many, One, Few, Many, Many, Many], "{lang:?}");
        }
        assert_eq!(forms(Lang::Cs, &n), [Other, One, Few, Few, Few, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other, Other]);
        assert_eq!(forms(Lang::Ar, &n), [Zero, One, Two, Few, Few, Few, Many, Many, Many, Many, Many, Many, Other, Other, Many, Many, Other]);
        assert_eq!(forms(Lang::Ar, &[10, 99, 100, 103, 110, 199, 200]), [Few, Many, Other, Few, Few, Many, Other]);
        assert_eq!(forms(Lang::He, &[0, 1, 2, 3, 20, 22]), [Other, One, Two, Other, Other, Other]);
        for lang in [Lang::Ja, Lang::Ko, Lang::ZhHans, Lang::ZhHant, Lang::Id, Lang::Vi] {
            assert!(forms(lang, &n).iter().all(|c| *c == Other), "{lang:?}");
        }
        assert_eq!(forms(Lang::Es, &[1, 2, 1_000_000, 2_000_000, 1_000_001]), [One, Other, Many, Many, Other]);
        assert_eq!(forms(Lang::De, &[1, 1_000_000]), [One, Other]);
    }

    #[test]
    fn numbers_are_written_in_the_languages_digits() {
        assert_eq!(Lang::Ar.number(4_907), "٤٩٠٧");
        assert_eq!(Lang::Fa.number(10), "۱۰");
        assert_eq!(Lang::He.number(10), "10");
        assert_eq!(Lang::Ja.number(0), "0");
        assert_eq!(Lang::Ar.strings().counter().count(Lang::Ar, 3), "بقيت ٣ أحرف");
        assert_eq!(Lang::Pl.strings().stars().count(Lang::Pl, 22), "22 gwiazdki");
        assert_eq!(Lang::Ru.strings().counter().count(Lang::Ru, 21), "Остался 21 символ");
    }

    #[test]
    fn each_language_has_its_own_launcher_label() {
        assert_eq!(LABELS.split('|').count(), LANGS.len());
        assert!(LANGS.into_iter().enumerate().all(|(i, lang)| lang as usize == i), "LANGS is in the enum's order, which LABELS follows");
        let labels: Vec<&str> = [Lang::En, Lang::Es, Lang::Fr, Lang::Nb, Lang::ZhHant, Lang::Fa].into_iter().map(Lang::label).collect();
        assert_eq!(labels, ["Feedback", "Opinión", "Votre avis", "Tilbakemelding", "意見回饋", "بازخورد"]);
    }

    #[test]
    fn right_to_left_languages_are_arabic_hebrew_and_persian() {
        let rtl: Vec<Lang> = LANGS.into_iter().filter(|l| l.rtl()).collect();
        assert_eq!(rtl, [Lang::Ar, Lang::He, Lang::Fa]);
    }

    #[test]
    fn every_language_has_every_string_with_englishs_placeholders() {
        let english = Lang::En.strings();
        for lang in LANGS {
            let s = lang.strings();
            assert!(!lang.label().trim().is_empty(), "{lang:?} label");
            for (i, (text, en)) in s.all().into_iter().zip(english.all()).enumerate() {
                // The unused plural forms are the only texts that may be empty.
                let plural_slot = (23..29).contains(&i) || (40..46).contains(&i);
                assert!(plural_slot || !text.trim().is_empty(), "{lang:?} text {i} is empty");
                assert!(!text.contains('\n') && text == text.trim_matches('\n'), "{lang:?} text {i}");
                if !plural_slot {
                    assert_eq!(text.matches("{n}").count(), en.matches("{n}").count(), "{lang:?} text {i}: {text}");
                }
            }
            // Each plural form the numbers the widget shows (0 to 5,000) call for says the number once.
            for n in 0..=5000 {
                for phrase in [s.stars(), s.counter()] {
                    let form = phrase.form(lang.plural(n));
                    assert_eq!(form.matches("{n}").count(), 1, "{lang:?} {n}: {form:?}");
                }
            }
        }
    }

    #[test]
    fn translations_are_their_own() {
        let english = Lang::En.strings();
        for lang in LANGS.into_iter().skip(1) {
            let s = lang.strings();
            for (text, en) in [(s.title(), english.title()), (s.thanks(), english.thanks()), (s.saved(), english.saved()), (s.nps_title(), english.nps_title()), (s.restored(), english.restored()), (s.failed(), english.failed())] {
                assert_ne!(text, en, "{lang:?}");
            }
        }
    }

    #[test]
    fn punctuation_follows_each_languages_rules() {
        for lang in [Lang::Ar, Lang::Fa] {
            assert!(lang.strings().title().ends_with('؟') && !lang.strings().title().contains('?'), "{lang:?}");
        }
        for lang in [Lang::Ja, Lang::ZhHans, Lang::ZhHant] {
            let s = lang.strings();
            assert!(s.title().ends_with('？') && s.thanks().contains('！'), "{lang:?} uses full-width marks");
            assert!(!s.thanks().contains(' '), "{lang:?} puts no spaces between sentences");
        }
        // French puts a no-break space before ? ! ; and :, so they never start a line.
        for text in Lang::Fr.strings().all() {
            let chars: Vec<char> = text.chars().collect();
            for (i, c) in chars.iter().enumerate().filter(|(_, c)| matches!(c, '?' | '!' | ';' | ':')) {
                assert!(i > 0 && matches!(chars[i - 1], '\u{a0}' | '\u{202f}'), "{text}");
                let _ = c;
            }
        }
        assert_eq!(Lang::Es.strings().title().chars().next(), Some('¿'));
        // Persian writes ی and ک where Arabic writes ي and ك: the other's letters look alike and
        // break search and screen readers.
        assert!(Lang::Fa.strings().all().iter().all(|t| !t.contains(['\u{64a}', '\u{643}'])));
        assert!(Lang::Ar.strings().all().iter().all(|t| !t.contains(['\u{6cc}', '\u{6a9}'])));
    }

    #[test]
    fn each_text_is_read_back_under_its_own_name() {
        let words = Words {
            title: "title", prompt: "prompt", ratings: ["r1", "r2", "r3", "r4", "r5"], prompt_hint: "prompt_hint",
            email: "email", email_hint: "email_hint", send: "send", sending: "sending", close: "close", thanks: "thanks",
            saved: "saved", failed: "failed", refused: "refused", retry: "retry", need_rating: "need_rating",
            bad_email: "bad_email", nps_title: "nps_title", prompt_low: "prompt_low", prompt_high: "prompt_high",
            stars: Plural(["s0", "s1", "s2", "s3", "s4", "s5"]), moods: ["m1", "m2", "m3", "m4", "m5"], thumbs: ["t0", "t1"],
            nps_anchors: ["a0", "a10"], restored: "restored", discard: "discard",
            counter: Plural(["c0", "c1", "c2", "c3", "c4", "c5"]), comma: "comma",
        };
        let s = words.strings();
        let named = [
            s.title(), s.prompt(), s.prompt_hint(), s.email(), s.email_hint(), s.send(), s.sending(), s.close(), s.thanks(),
            s.saved(), s.failed(), s.refused(), s.retry(), s.need_rating(), s.bad_email(), s.nps_title(), s.prompt_low(),
            s.prompt_high(), s.restored(), s.discard(), s.comma(),
        ];
        let expected = [
            "title", "prompt", "prompt_hint", "email", "email_hint", "send", "sending", "close", "thanks", "saved", "failed",
            "refused", "retry", "need_rating", "bad_email", "nps_title", "prompt_low", "prompt_high", "restored", "discard", "comma",
        ];
        assert_eq!(named, expected);
        assert_eq!((s.ratings(), s.moods(), s.thumbs(), s.nps_anchors()), (words.ratings, words.moods, words.thumbs, words.nps_anchors));
        assert_eq!((s.stars(), s.counter()), (words.stars, words.counter));
        let mut all = s.all().to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), TEXTS, "every text has its own place");
    }

    #[test]
    fn locale_files_round_trip_through_the_parser() {
        for lang in LANGS {
            let file = lang.strings().encode(lang).expect("no line breaks");
            let (read, strings) = Strings::parse(String::leak(file.clone())).expect("parses");
            assert_eq!((read, &strings), (lang, lang.strings()), "{lang:?}");
            assert_eq!(file.lines().count(), TEXTS + 1);
        }
    }

    #[test]
    fn a_damaged_locale_file_is_refused() {
        let file = Lang::De.strings().encode(Lang::De).expect("encodes");
        let short = file.rsplit_once('\n').map(|(head, _)| head.to_owned()).unwrap_or_default();
        assert_eq!(Strings::parse(short.leak()), None, "a line missing");
        assert_eq!(Strings::parse(String::leak(file.clone() + "\nextra")), None, "a line too many");
        assert_eq!(Strings::parse(String::leak(file.replacen("de", "xx", 1))), None, "not a shipped tag");
        assert_eq!(Strings::parse(""), None);
        assert_eq!(Strings::parse("<!doctype html>\n<title>404</title>"), None);
    }
}
