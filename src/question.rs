//! What each rating scale shows and says: its question, each point's visible text and accessible name, and which follow-up prompt a rating calls for.

use crate::i18n::{Lang, Strings};
use crate::text::join;
use platinum_payload::Scale;

/// The faces of the emoji scale, unhappiest first; [`Strings::moods`] names them.
const FACES: [&str; 5] = ["😞", "🙁", "😐", "🙂", "😄"];
/// Thumbs down, thumbs up; [`Strings::thumbs`] names them.
const THUMBS: [&str; 2] = ["👎", "👍"];

/// One point the visitor can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// The rating it stands for.
    pub value: u8,
    /// What shows on it: a word, a star, a face, a thumb or a number.
    pub visible: String,
    /// Its accessible name, which says what it means in words ("3 stars", "Very happy"); on NPS
    /// the ends carry their anchors ("0, Not likely").
    pub name: String,
}

/// The question a scale asks when the owner did not set a title: the NPS one for NPS,
/// "How are we doing?" for the others.
pub fn question(scale: Scale, strings: &'static Strings) -> &'static str {
    if scale == Scale::Nps { strings.nps_title() } else { strings.title() }
}

/// The scale's points in `lang`, worst first; numbers are written in its digits.
pub fn points(scale: Scale, lang: Lang) -> Vec<Point> {
    let strings = lang.strings();
    (scale.lowest()..=scale.highest())
        .map(|value| {
            let i = usize::from(value - scale.lowest());
            let number = lang.number(value.into());
            let (visible, name) = match scale {
                Scale::Csat5 => (strings.ratings()[i].to_owned(), strings.ratings()[i].to_owned()),
                Scale::Stars5 => ("★".to_owned(), strings.stars().count(lang, value.into())),
                Scale::Emoji5 => (FACES[i].to_owned(), strings.moods()[i].to_owned()),
                Scale::Thumbs => (THUMBS[i].to_owned(), strings.thumbs()[i].to_owned()),
                Scale::Nps => {
                    let name = match value {
                        0 => join(&[&number, strings.comma(), strings.nps_anchors()[0]]),
                        10 => join(&[&number, strings.comma(), strings.nps_anchors()[1]]),
                        _ => number.clone(),
                    };
                    (number, name)
                }
            };
            Point { value, visible, name }
        })
        .collect()
}

/// The words shown under the ends of the scale, worst end first; only NPS has them.
pub fn anchors(scale: Scale, strings: &'static Strings) -> Option<[&'static str; 2]> {
    (scale == Scale::Nps).then_some(strings.nps_anchors())
}

/// Which follow-up question the text box asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// No rating yet, or one in the middle: "How can we get better?" (`prompt`).
    Default,
    /// A rating up to [`Scale::unhappy_up_to`]: "What went wrong?" (`promptLow`).
    Low,
    /// A rating from [`Scale::happy_from`]: "What did you like?" (`promptHigh`).
    High,
}

/// The follow-up question for `rating` on `scale`.
pub fn prompt(scale: Scale, rating: Option<u8>) -> Prompt {
    match rating {
        Some(r) if r <= scale.unhappy_up_to() => Prompt::Low,
        Some(r) if r >= scale.happy_from() => Prompt::High,
        _ => Prompt::Default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{LANGS, Lang};

    fn names(scale: Scale, lang: Lang) -> Vec<String> {
        points(scale, lang).into_iter().map(|p| p.name).collect()
    }

    fn visible(scale: Scale) -> Vec<String> {
        points(scale, Lang::En).into_iter().map(|p| p.visible).collect()
    }

    #[test]
    fn every_scale_offers_each_of_its_points_once_worst_first() {
        for lang in LANGS {
            for scale in Scale::ALL {
                let p = points(scale, lang);
                let values: Vec<u8> = p.iter().map(|p| p.value).collect();
                assert_eq!(values, (scale.lowest()..=scale.highest()).collect::<Vec<_>>(), "{scale:?}");
                assert!(p.iter().all(|p| !p.visible.is_empty() && !p.name.trim().is_empty()), "{lang:?} {scale:?}");
                let mut distinct: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
                distinct.sort_unstable();
                distinct.dedup();
                assert_eq!(distinct.len(), p.len(), "{lang:?} {scale:?}: every point has its own name");
            }
        }
    }

    #[test]
    fn points_read_as_documented() {
        assert_eq!(names(Scale::Csat5, Lang::En), ["Terrible", "Bad", "Okay", "Good", "Great"]);
        assert_eq!(visible(Scale::Csat5), names(Scale::Csat5, Lang::En));
        assert_eq!(visible(Scale::Stars5), ["★"; 5]);
        assert_eq!(names(Scale::Stars5, Lang::En), ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]);
        assert_eq!(names(Scale::Stars5, Lang::De), ["1 Stern", "2 Sterne", "3 Sterne", "4 Sterne", "5 Sterne"]);
        assert_eq!(visible(Scale::Emoji5), FACES);
        assert_eq!(names(Scale::Emoji5, Lang::En), ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"]);
        assert_eq!(visible(Scale::Thumbs), ["👎", "👍"]);
        assert_eq!(names(Scale::Thumbs, Lang::Fr), ["Pas utile", "Utile"]);
        assert_eq!(visible(Scale::Nps), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
        let nps = names(Scale::Nps, Lang::En);
        assert_eq!((nps[0].as_str(), nps[5].as_str(), nps[10].as_str()), ("0, Not likely", "5", "10, Very likely"));
        assert_eq!(anchors(Scale::Nps, Lang::Es.strings()), Some(["Nada probable", "Muy probable"]));
        assert_eq!(names(Scale::Stars5, Lang::Pl), ["1 gwiazdka", "2 gwiazdki", "3 gwiazdki", "4 gwiazdki", "5 gwiazdek"]);
        assert_eq!(names(Scale::Stars5, Lang::Ru)[4], "5 звёзд");
        assert_eq!(names(Scale::Stars5, Lang::Ar), ["١ نجمة", "٢ نجمتان", "٣ نجوم", "٤ نجوم", "٥ نجوم"]);
        assert_eq!(names(Scale::Stars5, Lang::Ja)[2], "星3つ");
        let nps_ar: Vec<String> = points(Scale::Nps, Lang::Ar).into_iter().map(|p| p.visible).collect();
        assert_eq!((nps_ar[0].as_str(), nps_ar[10].as_str()), ("٠", "١٠"));
        assert_eq!(names(Scale::Nps, Lang::Ar)[0], "٠، غير محتمل");
        assert_eq!(names(Scale::Nps, Lang::Ja)[10], "10、可能性は高い");
        assert_eq!(anchors(Scale::Stars5, Lang::En.strings()), None);
    }

    #[test]
    fn nps_asks_its_own_question() {
        assert_eq!(question(Scale::Nps, Lang::En.strings()), "How likely are you to recommend us to a friend?");
        for scale in [Scale::Csat5, Scale::Stars5, Scale::Emoji5, Scale::Thumbs] {
            assert_eq!(question(scale, Lang::En.strings()), "How are we doing?");
        }
    }

    #[test]
    fn low_and_high_ratings_get_their_own_follow_up() {
        assert_eq!(prompt(Scale::Csat5, None), Prompt::Default);
        let csat: Vec<Prompt> = (1..=5).map(|r| prompt(Scale::Csat5, Some(r))).collect();
        assert_eq!(csat, [Prompt::Low, Prompt::Low, Prompt::Default, Prompt::High, Prompt::High]);
        assert_eq!((prompt(Scale::Thumbs, Some(0)), prompt(Scale::Thumbs, Some(1))), (Prompt::Low, Prompt::High));
        let nps: Vec<Prompt> = [0, 6, 7, 8, 9, 10].into_iter().map(|r| prompt(Scale::Nps, Some(r))).collect();
        assert_eq!(nps, [Prompt::Low, Prompt::Low, Prompt::Default, Prompt::Default, Prompt::High, Prompt::High]);
    }
}
