//! How a stored rating reads on its scale, and which ratings count as unhappy on each scale.

use platinum_payload::Scale;

/// The scale a stored `scale` column names; csat5 for anything else (nothing else is stored).
pub fn scale_named(name: &str) -> Scale {
    Scale::from_name(name).unwrap_or_default()
}

/// Whether `scale` asks five points (csat5, stars5, emoji5), where ratings are averaged.
pub fn is_five_point(scale: Scale) -> bool {
    matches!(scale, Scale::Csat5 | Scale::Stars5 | Scale::Emoji5)
}

/// The five-point scales' names as an SQL list, for `scale IN (…)`.
pub const FIVE_POINT_SQL: &str = "('csat5', 'stars5', 'emoji5')";

/// A rating in words on its scale: `2 of 5`, `9 of 10 (NPS)`, `helpful` or `not helpful`.
pub fn rating_words(scale: Scale, rating: i64) -> String {
    match scale {
        Scale::Nps => format!("{rating} of 10 (NPS)"),
        Scale::Thumbs => thumbs_words(rating).to_owned(),
        _ => format!("{rating} of 5"),
    }
}

/// As [`rating_words`], without parentheses, for a place that already has them (a subject's
/// `(…)`): `2 of 5`, `NPS 9 of 10`, `not helpful`.
pub fn rating_short(scale: Scale, rating: i64) -> String {
    match scale {
        Scale::Nps => format!("NPS {rating} of 10"),
        _ => rating_words(scale, rating),
    }
}

/// An NPS score as it is shown, signed and whole: `+33`, `-20`, `+0`.
pub fn nps_score_words(score: f64) -> String {
    format!("{score:+.0}")
}

fn thumbs_words(rating: i64) -> &'static str {
    if rating >= 1 { "helpful" } else { "not helpful" }
}

/// Which ratings count as unhappy: up to `--unhappy-up-to` on the five-point scales, up to
/// `--nps-unhappy-up-to` on NPS, and thumbs down always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhappiness {
    /// Highest unhappy rating of 5 (1–4).
    pub five_point_up_to: u8,
    /// Highest unhappy NPS rating (0–9).
    pub nps_up_to: u8,
}

impl Default for Unhappiness {
    /// 2 of 5 and NPS's detractors (0–6), the scales' own defaults.
    fn default() -> Self {
        Self { five_point_up_to: Scale::Csat5.unhappy_up_to(), nps_up_to: Scale::Nps.unhappy_up_to() }
    }
}

impl Unhappiness {
    /// The highest unhappy rating on `scale`.
    pub fn up_to(self, scale: Scale) -> u8 {
        match scale {
            Scale::Nps => self.nps_up_to,
            Scale::Thumbs => Scale::Thumbs.unhappy_up_to(),
            _ => self.five_point_up_to,
        }
    }

    /// Whether `rating` on `scale` counts as unhappy.
    pub fn is_unhappy(self, scale: Scale, rating: i64) -> bool {
        rating <= i64::from(self.up_to(scale))
    }

    /// The same test as an SQL condition on the `scale` and `rating` columns. The thresholds are
    /// numbers the options checked, so they are written into the SQL rather than bound.
    pub fn sql(self) -> String {
        format!(
            "(rating <= CASE scale WHEN 'nps' THEN {} WHEN 'thumbs' THEN {} ELSE {} END)",
            self.nps_up_to,
            Scale::Thumbs.unhappy_up_to(),
            self.five_point_up_to
        )
    }

    /// "Ratings of 1 or 2", "NPS 0 to 6" and thumbs down, in words for the follow-up page.
    pub fn describe(self) -> String {
        let five = match self.five_point_up_to {
            1 => "1".to_owned(),
            2 => "1 or 2".to_owned(),
            n => format!("1 to {n}"),
        };
        format!("Ratings of {five} (of 5), NPS ratings of 0 to {}, and thumbs down", self.nps_up_to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scale_has_its_own_threshold() {
        let owner = Unhappiness { five_point_up_to: 3, nps_up_to: 4 };
        assert!(owner.is_unhappy(Scale::Stars5, 3) && !owner.is_unhappy(Scale::Emoji5, 4));
        assert!(owner.is_unhappy(Scale::Nps, 4) && !owner.is_unhappy(Scale::Nps, 5));
        assert!(owner.is_unhappy(Scale::Thumbs, 0) && !owner.is_unhappy(Scale::Thumbs, 1));
        assert_eq!(Unhappiness::default(), Unhappiness { five_point_up_to: 2, nps_up_to: 6 });
    }

    #[test]
    fn ratings_read_in_their_scale() {
        assert_eq!(rating_words(Scale::Csat5, 2), "2 of 5");
        assert_eq!(rating_words(Scale::Nps, 9), "9 of 10 (NPS)");
        assert_eq!((rating_words(Scale::Thumbs, 0).as_str(), rating_words(Scale::Thumbs, 1).as_str()), ("not helpful", "helpful"));
        assert_eq!(rating_short(Scale::Nps, 9), "NPS 9 of 10");
    }
}
