//! When the widget opens by itself: the owner's triggers and the once-per-page decision on what the page has seen.
//!
//! The DOM side reports what it observed as [`Seen`] and asks [`Watch::open_now`]; pacing
//! ([`crate::pacing::may_trigger`]) says whether this visitor may be asked at all.

use crate::state::Widget;

/// Most seconds on the page `triggerAfter` accepts: an hour.
pub const MAX_AFTER_S: u16 = 3600;
/// Most page views `triggerVisit` accepts.
pub const MAX_VISIT: u16 = 1000;

/// The owner's triggers; any one of them opens the dialog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Triggers {
    /// Seconds on the page, 1 to [`MAX_AFTER_S`].
    pub after_s: Option<u16>,
    /// Percent of the page scrolled, 1 to 100.
    pub scroll_percent: Option<u8>,
    /// The pointer leaving the page through its top edge (desktop pointers only).
    pub exit: bool,
    /// The visitor's Nth page view of the site, 1 to [`MAX_VISIT`]; later page views count too,
    /// pacing keeping them apart.
    pub visit: Option<u16>,
}

impl Triggers {
    /// Whether any trigger is set; without one the DOM side need not observe anything.
    pub fn any(&self) -> bool {
        self.after_s.is_some() || self.scroll_percent.is_some() || self.exit || self.visit.is_some()
    }
}

/// What the DOM side observed on this page so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// Milliseconds since the page started.
    pub ms_on_page: u64,
    /// The furthest the visitor scrolled, in percent of the scrollable height (100 when the page
    /// does not scroll).
    pub scroll_percent: u8,
    /// The pointer left through the top edge.
    pub exit_intent: bool,
    /// This page view's number on the site, from [`crate::pacing::Visitor::page_views`].
    pub page_views: u32,
}

/// The triggers' memory of one page: whether one already opened the dialog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watch {
    fired: bool,
}

impl Watch {
    /// The memory of a page a trigger `fired` on already or not, as the launcher hands it to the
    /// whole widget that takes over from it.
    pub fn handed_over(fired: bool) -> Watch {
        Watch { fired }
    }

    /// Whether a trigger opened the dialog on this page.
    pub fn fired(&self) -> bool {
        self.fired
    }

    /// Whether a trigger opens the dialog now. At most once per page, never while the dialog is
    /// open or once a response was sent from this page, and only when pacing `allowed` it.
    /// A `true` is final for this page: the DOM side opens the dialog and notes the visitor as asked.
    pub fn open_now(&mut self, triggers: &Triggers, seen: &Seen, widget: &Widget, allowed: bool) -> bool {
        self.open_unless(triggers, seen, widget.open || widget.answered(), allowed)
    }

    /// [`Watch::open_now`] told only whether the widget is `busy`: open, or answered on this page.
    /// The launcher, whose dialog is never open (opening hands over to the whole widget), says
    /// `false` without building a widget state, which would cost every page's first download.
    pub fn open_unless(&mut self, triggers: &Triggers, seen: &Seen, busy: bool, allowed: bool) -> bool {
        if self.fired || busy || !allowed {
            return false;
        }
        let due = triggers.after_s.is_some_and(|s| seen.ms_on_page >= u64::from(s) * 1000)
            || triggers.scroll_percent.is_some_and(|p| seen.scroll_percent >= p)
            || (triggers.exit && seen.exit_intent)
            || triggers.visit.is_some_and(|n| seen.page_views >= u32::from(n));
        self.fired = due;
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Context, Event};
    use platinum_payload::{Page, Viewport};

    fn widget() -> Widget {
        Widget::new("en", "0.1.0", false)
    }

    fn after(s: u16) -> Triggers {
        Triggers { after_s: Some(s), ..Triggers::default() }
    }

    fn at(ms_on_page: u64) -> Seen {
        Seen { ms_on_page, ..Seen::default() }
    }

    #[test]
    fn no_trigger_never_opens() {
        let seen = Seen { ms_on_page: 3_600_000, scroll_percent: 100, exit_intent: true, page_views: 1000 };
        assert!(!Watch::default().open_now(&Triggers::default(), &seen, &widget(), true));
    }

    #[test]
    fn each_trigger_opens_when_its_moment_comes() {
        let w = widget();
        assert!(!Watch::default().open_now(&after(30), &at(29_999), &w, true));
        assert!(Watch::default().open_now(&after(30), &at(30_000), &w, true));
        let scroll = Triggers { scroll_percent: Some(50), ..Triggers::default() };
        assert!(!Watch::default().open_now(&scroll, &Seen { scroll_percent: 49, ..Seen::default() }, &w, true));
        assert!(Watch::default().open_now(&scroll, &Seen { scroll_percent: 50, ..Seen::default() }, &w, true));
        let exit = Triggers { exit: true, ..Triggers::default() };
        assert!(!Watch::default().open_now(&exit, &at(1_000_000), &w, true));
        assert!(Watch::default().open_now(&exit, &Seen { exit_intent: true, ..Seen::default() }, &w, true));
        let visit = Triggers { visit: Some(3), ..Triggers::default() };
        assert!(!Watch::default().open_now(&visit, &Seen { page_views: 2, ..Seen::default() }, &w, true));
        assert!(Watch::default().open_now(&visit, &Seen { page_views: 3, ..Seen::default() }, &w, true));
        assert!(Watch::default().open_now(&visit, &Seen { page_views: 4, ..Seen::default() }, &w, true), "and later views");
    }

    #[test]
    fn triggers_are_ored_and_fire_once_per_page() {
        let both = Triggers { after_s: Some(60), scroll_percent: Some(80), ..Triggers::default() };
        let mut watch = Watch::default();
        let w = widget();
        assert!(!watch.open_now(&both, &Seen { ms_on_page: 10_000, scroll_percent: 40, ..Seen::default() }, &w, true));
        assert!(watch.open_now(&both, &Seen { ms_on_page: 10_000, scroll_percent: 90, ..Seen::default() }, &w, true));
        assert!(!watch.open_now(&both, &Seen { ms_on_page: 60_000, scroll_percent: 90, ..Seen::default() }, &w, true), "once per page");
        assert!(watch.fired());
        let mut taken_over = Watch::handed_over(watch.fired());
        assert!(!taken_over.open_now(&both, &Seen { ms_on_page: 60_000, scroll_percent: 90, ..Seen::default() }, &w, true), "nor again after the takeover");
        assert!(Watch::handed_over(false).open_now(&both, &Seen { scroll_percent: 90, ..Seen::default() }, &w, true));
    }

    #[test]
    fn never_while_open_once_answered_or_when_pacing_says_no() {
        let mut w = widget();
        let mut watch = Watch::default();
        assert!(!watch.open_now(&after(1), &at(5_000), &w, false), "pacing");
        assert!(!watch.open_unless(&after(1), &at(5_000), true, true), "busy");
        w.update(Event::Open);
        assert!(!watch.open_now(&after(1), &at(5_000), &w, true), "already open");
        w.update(Event::Rate(5));
        let context = Context {
            id: "00000000-0000-4000-8000-000000000001".into(),
            created_at: "2026-11-23T10:00:00.000Z".into(),
            page: Page { url: "https://shop.example/".into(), title: String::new(), referrer: String::new() },
            user_agent: "test".into(),
            viewport: Viewport { width: 800, height: 600 },
            honeypot: String::new(),
        };
        w.update(Event::Submit(context));
        w.update(Event::Close);
        assert!(!watch.open_now(&after(1), &at(5_000), &w, true), "answered on this page");
        assert!(watch.open_now(&after(1), &at(5_000), &widget(), true), "the refusals above did not use the page's one trigger");
    }
}
