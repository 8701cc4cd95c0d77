//! The rating scales a widget can ask on: their names, ranges, and which points count as low or high.

/// A question's answer options. The payload names the scale beside the rating, so a receiver
/// knows what a rating of 1 means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scale {
    /// "How are we doing?" from 1 (Terrible) to 5 (Great), each point a word. Schema version 1's only scale.
    #[default]
    Csat5,
    /// One to five stars.
    Stars5,
    /// Five faces from very unhappy (1) to very happy (5).
    Emoji5,
    /// Not helpful (0) or helpful (1).
    Thumbs,
    /// Net Promoter Score: "How likely are you to recommend us to a friend?", 0 to 10.
    Nps,
}

impl Scale {
    /// Every scale, in the order the documentation lists them.
    pub const ALL: [Scale; 5] = [Scale::Csat5, Scale::Stars5, Scale::Emoji5, Scale::Thumbs, Scale::Nps];

    /// The name used in `data-scale`, `init({ scale })` and the payload.
    pub const fn name(self) -> &'static str {
        match self {
            Scale::Csat5 => "csat5",
            Scale::Stars5 => "stars5",
            Scale::Emoji5 => "emoji5",
            Scale::Thumbs => "thumbs",
            Scale::Nps => "nps",
        }
    }

    /// The scale with this name, if there is one (names are lowercase, as documented).
    pub fn from_name(name: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The worst rating.
    pub const fn lowest(self) -> u8 {
        match self {
            Scale::Thumbs | Scale::Nps => 0,
            _ => 1,
        }
    }

    /// The best rating.
    pub const fn highest(self) -> u8 {
        match self {
            Scale::Thumbs => 1,
            Scale::Nps => 10,
            _ => 5,
        }
    }

    /// How many points the visitor chooses from.
    pub const fn points(self) -> u8 {
        self.highest() - self.lowest() + 1
    }

    /// Whether `rating` is one of this scale's points.
    pub const fn contains(self, rating: u8) -> bool {
        rating >= self.lowest() && rating <= self.highest()
    }

    /// The highest rating counted as unhappy unless the owner sets another: 2 of 5, 6 of NPS
    /// (its detractors), thumbs down.
    pub const fn unhappy_up_to(self) -> u8 {
        match self {
            Scale::Thumbs => 0,
            Scale::Nps => 6,
            _ => 2,
        }
    }

    /// The lowest rating counted as happy: 4 of 5, 9 of NPS (its promoters), thumbs up.
    /// Ratings between the two are neither.
    pub const fn happy_from(self) -> u8 {
        match self {
            Scale::Thumbs => 1,
            Scale::Nps => 9,
            _ => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_none() {
        for scale in Scale::ALL {
            assert_eq!(Scale::from_name(scale.name()), Some(scale));
        }
        assert_eq!(Scale::from_name("NPS"), None);
        assert_eq!(Scale::from_name("5"), None);
        assert_eq!(Scale::from_name(""), None);
    }

    #[test]
    fn ranges_are_the_documented_ones() {
        let ranges: Vec<_> = Scale::ALL.iter().map(|s| (s.name(), s.lowest(), s.highest(), s.points())).collect();
        assert_eq!(
            ranges,
            [("csat5", 1, 5, 5), ("stars5", 1, 5, 5), ("emoji5", 1, 5, 5), ("thumbs", 0, 1, 2), ("nps", 0, 10, 11)]
        );
        assert!(Scale::Nps.contains(0) && Scale::Nps.contains(10) && !Scale::Nps.contains(11));
        assert!(!Scale::Csat5.contains(0) && !Scale::Thumbs.contains(2));
    }

    #[test]
    fn unhappy_and_happy_points_leave_a_neutral_middle_where_the_scale_has_one() {
        for scale in Scale::ALL {
            assert!(scale.contains(scale.unhappy_up_to()) && scale.contains(scale.happy_from()));
            assert!(scale.unhappy_up_to() < scale.happy_from(), "{}", scale.name());
        }
        assert_eq!((Scale::Nps.unhappy_up_to(), Scale::Nps.happy_from()), (6, 9));
        assert_eq!((Scale::Thumbs.unhappy_up_to(), Scale::Thumbs.happy_from()), (0, 1));
    }
}
