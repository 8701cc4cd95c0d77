//! The words of every shipped language, one file per language: the one source of the locale files
//! `cargo xtask dist` writes, and of English, which is built into the widget.
//!
//! To add a language, copy `en.rs`, translate it, and add it to [`crate::i18n::Lang`] (its tag,
//! launcher label, plural rule and direction) and to [`source`]; `cargo test -p platinum-widget`
//! checks every text is there and every counted phrase has the forms its plural rule needs.

use crate::i18n::{Lang, Strings};

mod ar;
mod cs;
mod da;
mod de;
mod el;
mod en;
mod es;
mod fa;
mod fi;
mod fr;
mod he;
mod hi;
mod id;
mod it;
mod ja;
mod ko;
mod nb;
mod nl;
mod pl;
mod pt_br;
mod pt_pt;
mod ru;
mod sv;
mod tr;
mod uk;
mod vi;
mod zh_hans;
mod zh_hant;

pub use en::STRINGS as EN;

/// The words for `lang`. In the browser only English is used from here: the rest arrive as files.
pub fn source(lang: Lang) -> &'static Strings {
    match lang {
        Lang::En => &en::STRINGS,
        Lang::Es => &es::STRINGS,
        Lang::Fr => &fr::STRINGS,
        Lang::De => &de::STRINGS,
        Lang::Pt => &pt_br::STRINGS,
        Lang::PtPt => &pt_pt::STRINGS,
        Lang::It => &it::STRINGS,
        Lang::Nl => &nl::STRINGS,
        Lang::Pl => &pl::STRINGS,
        Lang::Sv => &sv::STRINGS,
        Lang::Da => &da::STRINGS,
        Lang::Nb => &nb::STRINGS,
        Lang::Fi => &fi::STRINGS,
        Lang::Cs => &cs::STRINGS,
        Lang::Tr => &tr::STRINGS,
        Lang::Ru => &ru::STRINGS,
        Lang::Uk => &uk::STRINGS,
        Lang::El => &el::STRINGS,
        Lang::Ja => &ja::STRINGS,
        Lang::Ko => &ko::STRINGS,
        Lang::ZhHans => &zh_hans::STRINGS,
        Lang::ZhHant => &zh_hant::STRINGS,
        Lang::Hi => &hi::STRINGS,
        Lang::Id => &id::STRINGS,
        Lang::Vi => &vi::STRINGS,
        Lang::Ar => &ar::STRINGS,
        Lang::He => &he::STRINGS,
        Lang::Fa => &fa::STRINGS,
    }
}
