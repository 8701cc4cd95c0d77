//! The widget's state machine: what the visitor has entered and where their response is.
//!
//! The DOM layer turns clicks and keys into [`Event`]s and renders the [`Widget`] after each one;
//! the machine answers with a [`Command`] when the outside world must act (deliver a response).
//! Nothing the visitor typed is dropped until their response is delivered or safely stored.

use crate::draft::{Draft, DraftAction};
use crate::identity::Identity;
use crate::metadata::Metadata;
use crate::question::{Prompt, prompt};
use platinum_payload::{
    Feedback, MAX_BODY_BYTES, MAX_TITLE_CHARS, MAX_URL_CHARS, MAX_USER_AGENT_CHARS, Page, SCHEMA_VERSION, Scale,
    MAX_COMMENT_CHARS, Viewport, is_email,
};

/// How few characters may be left in the text box before its counter is read out as the
/// visitor types; further from the limit it would only interrupt them.
pub const NEAR_LIMIT_LEFT: usize = 250;

/// Whether a text box holding `used` UTF-16 units (what `maxlength` counts) is near its limit.
pub fn near_limit(used: usize) -> bool {
    used + NEAR_LIMIT_LEFT >= MAX_COMMENT_CHARS
}

/// `s` cut to at most `max` characters.
fn clip(mut s: String, max: usize) -> String {
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
    }
    s
}

/// Cuts the page facts, never the visitor's words, until the payload's JSON fits in
/// [`MAX_BODY_BYTES`]: a receiver refuses a larger body, and a refused response is lost.
fn fit(f: &mut Feedback) {
    let mut over = f.to_json().len().saturating_sub(MAX_BODY_BYTES);
    for fact in [&mut f.page.referrer, &mut f.page.title, &mut f.page.url, &mut f.user_agent] {
        // A character's JSON is never shorter than its UTF-8, so cutting `over` bytes of UTF-8
        // shortens the payload by at least that much.
        let at = fact.floor_char_boundary(fact.len().saturating_sub(over));
        over = over.saturating_sub(fact.len() - at);
        fact.truncate(at);
    }
}

/// Where the visitor's response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The form is being filled in.
    Editing,
    /// The response is on its way to the endpoint.
    Sending,
    /// The endpoint confirmed it.
    Thanked,
    /// Stored in the browser; it will be delivered when the endpoint can be reached.
    Saved,
    /// Delivery failed; the form keeps what was typed and offers to try again.
    Failed,
    /// The endpoint refused the response for good (a 4xx other than 408/429).
    Refused,
}

/// Why the form cannot be sent yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// No rating chosen; the rating is required.
    NeedRating,
    /// The email field holds something that is not an address.
    BadEmail,
}

/// Facts about the visitor's page, gathered by the DOM layer when Send is pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// A fresh UUID v4, used if this press starts a new response.
    pub id: String,
    /// Now, RFC 3339 UTC.
    pub created_at: String,
    /// The page.
    pub page: Page,
    /// `navigator.userAgent`.
    pub user_agent: String,
    /// The window size.
    pub viewport: Viewport,
    /// The hidden honeypot field's value.
    pub honeypot: String,
}

/// Something the visitor or the network did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The launcher was pressed.
    Open,
    /// Escape or the close button.
    Close,
    /// The launcher was pressed: opens a closed dialog, closes an open one.
    Toggle,
    /// A rating point was chosen; one off the widget's scale is ignored.
    Rate(u8),
    /// The text box changed.
    Comment(String),
    /// The email field changed.
    Email(String),
    /// Send (or Try again) was pressed.
    Submit(Context),
    /// The endpoint answered 2xx for the response with this id.
    Delivered(String),
    /// The response with this id could not be delivered yet; it is kept in the browser's
    /// storage and will be sent when the endpoint can be reached.
    Saved(String),
    /// The response with this id could not be delivered yet, and the browser would not store
    /// it: it is retried only while the page stays open.
    Failed(String),
    /// The endpoint refused the response with this id; sending it again will not help.
    Refused(String),
    /// The owner named the signed-in visitor (`Platinum.identify`); an email field still empty,
    /// or still holding the previous identity's address, takes the new one.
    Identify(Identity),
    /// A draft kept from an earlier page ([`Draft::decode`]): it fills a form nothing was entered
    /// in yet, and [`Widget::restored`] says so.
    Restore(Draft),
    /// The visitor threw the form's content (and so its draft) away.
    Discard,
}

/// What the outside world must do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Deliver this response to the endpoint.
    Deliver(Feedback),
}

/// The whole state of one widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widget {
    /// Whether the dialog is showing.
    pub open: bool,
    /// Where the current response is.
    pub phase: Phase,
    /// The chosen rating point, if any.
    pub rating: Option<u8>,
    /// The text box's content.
    pub comment: String,
    /// The email field's content.
    pub email: String,
    /// Why the last Send was not accepted, until the visitor fixes it.
    pub invalid: Option<Invalid>,
    /// Whether the form shows a restored draft ("Your unsent feedback was restored."), until it
    /// is sent, discarded or a new response starts.
    pub restored: bool,
    /// The owner's facts for every response (`Platinum.setMetadata`, merged with [`Metadata::merge`]).
    pub metadata: Metadata,
    scale: Scale,
    identity: Identity,
    /// The response last handed out for delivery; kept so a retry reuses its id.
    pending: Option<Feedback>,
    /// Whether a response was handed out for delivery on this page.
    sent_here: bool,
    locale: &'static str,
    widget_version: &'static str,
    ask_email: bool,
}

impl Widget {
    /// A closed widget with an empty form asking on the five-point scale, visitor unnamed.
    pub fn new(locale: &'static str, widget_version: &'static str, ask_email: bool) -> Widget {
        Widget::with(Scale::Csat5, Identity::default(), locale, widget_version, ask_email)
    }

    /// A closed widget asking on `scale` for the visitor `identity`, whose email (if known)
    /// fills the email field; the visitor may change it.
    pub fn with(scale: Scale, identity: Identity, locale: &'static str, widget_version: &'static str, ask_email: bool) -> Widget {
        Widget {
            open: false,
            phase: Phase::Editing,
            rating: None,
            comment: String::new(),
            email: identity.email.clone().unwrap_or_default(),
            invalid: None,
            restored: false,
            metadata: Metadata::default(),
            scale,
            identity,
            pending: None,
            sent_here: false,
            locale,
            widget_version,
            ask_email,
        }
    }

    /// Whether the visitor sent a response from this page, whatever became of it; triggers leave
    /// such a page alone.
    pub fn answered(&self) -> bool {
        self.sent_here
    }

    /// The scale the widget asks on.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The signed-in visitor, as far as the owner named them.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Which follow-up question the text box asks for the current rating.
    pub fn prompt(&self) -> Prompt {
        prompt(self.scale, self.rating)
    }

    /// What the DOM side does with the stored draft now, `now_ms` being the time to stamp a
    /// saved one with: save the open, unsent form; remove it once the response is sent or kept
    /// for delivery, or the form holds nothing; otherwise (dialog closed, response on its way)
    /// leave it.
    pub fn draft(&self, now_ms: u64) -> DraftAction {
        match self.phase {
            Phase::Thanked | Phase::Saved | Phase::Refused => DraftAction::Remove,
            Phase::Sending => DraftAction::Keep,
            Phase::Editing | Phase::Failed if !self.open => DraftAction::Keep,
            Phase::Editing | Phase::Failed if self.blank() => DraftAction::Remove,
            Phase::Editing | Phase::Failed => DraftAction::Save(
                Draft { rating: self.rating, comment: self.comment.clone(), email: self.email.clone(), saved_at_ms: now_ms }
                    .encode(self.scale),
            ),
        }
    }

    /// Whether the form holds nothing the visitor entered (an email the owner filled in does not count).
    fn blank(&self) -> bool {
        let email = self.email.trim();
        self.rating.is_none() && self.comment.trim().is_empty() && (email.is_empty() || Some(email) == self.identity.email.as_deref())
    }

    /// Whether the form's fields can be changed now.
    pub fn editable(&self) -> bool {
        matches!(self.phase, Phase::Editing | Phase::Failed)
    }

    /// Applies one event; returns what must be done next, if anything.
    pub fn update(&mut self, event: Event) -> Option<Command> {
        match event {
            Event::Open => {
                if matches!(self.phase, Phase::Thanked | Phase::Saved | Phase::Refused) {
                    self.start_over();
                }
                self.open = true;
            }
            Event::Close => self.open = false,
            Event::Toggle if self.open => self.open = false,
            Event::Toggle => return self.update(Event::Open),
            Event::Rate(point) if self.editable() && self.scale.contains(point) => {
                self.rating = Some(point);
                if self.invalid == Some(Invalid::NeedRating) {
                    self.invalid = None;
                }
            }
            Event::Comment(text) if self.editable() => self.comment = text,
            Event::Email(text) if self.editable() => {
                self.email = text;
                if self.invalid == Some(Invalid::BadEmail) {
                    self.invalid = None;
                }
            }
            Event::Submit(context) if self.editable() => return self.submit(context),
            // Answers about another response (an older one still in the outbox) change nothing here.
            Event::Delivered(id) if self.is_pending(&id) && self.awaits_answer() => {
                self.phase = Phase::Thanked;
                self.pending = None;
            }
            Event::Saved(id) if self.is_pending(&id) && self.phase == Phase::Sending => self.phase = Phase::Saved,
            Event::Failed(id) if self.is_pending(&id) && self.phase == Phase::Sending => self.phase = Phase::Failed,
            Event::Refused(id) if self.is_pending(&id) && self.awaits_answer() => {
                self.phase = Phase::Refused;
                self.pending = None;
            }
            Event::Identify(identity) => {
                let email = self.email.trim();
                if self.editable() && (email.is_empty() || Some(email) == self.identity.email.as_deref()) {
                    self.email = identity.email.clone().unwrap_or_default();
                }
                self.identity = identity;
            }
            Event::Restore(draft) if self.phase == Phase::Editing && self.blank() && draft.rating.is_none_or(|r| self.scale.contains(r)) => {
                self.rating = draft.rating;
                self.comment = draft.comment;
                if !draft.email.trim().is_empty() {
                    self.email = draft.email;
                }
                self.restored = true;
            }
            Event::Discard if self.editable() => self.start_over(),
            _ => {}
        }
        None
    }

    /// Whether `id` is the response last handed out, and the form still says what it says.
    fn is_pending(&self, id: &str) -> bool {
        let email = if self.ask_email { self.email.trim() } else { "" };
        self.pending.as_ref().is_some_and(|p| {
            p.id == id && Some(p.rating) == self.rating && p.comment == self.comment.trim() && p.email.as_deref().unwrap_or("") == email
        })
    }

    /// Whether the visitor is still waiting to hear how their response fared: it is on its way,
    /// or kept for a later delivery that may still confirm it.
    fn awaits_answer(&self) -> bool {
        matches!(self.phase, Phase::Sending | Phase::Saved | Phase::Failed)
    }

    fn submit(&mut self, context: Context) -> Option<Command> {
        let Some(rating) = self.rating else {
            self.invalid = Some(Invalid::NeedRating);
            return None;
        };
        let email = self.email.trim();
        let email = if self.ask_email && !email.is_empty() { Some(email.to_owned()) } else { None };
        if email.as_deref().is_some_and(|e| !is_email(e)) {
            self.invalid = Some(Invalid::BadEmail);
            return None;
        }
        self.invalid = None;
        self.restored = false;
        let comment = self.comment.trim().to_owned();
        // A retry of an unchanged response keeps its id, so the receiver can drop a duplicate
        // whose first delivery did arrive; an edited response is a new one.
        let same = self.pending.as_ref().is_some_and(|p| p.rating == rating && p.comment == comment && p.email == email);
        if !same {
            let mut feedback = Feedback {
                id: context.id,
                schema_version: SCHEMA_VERSION,
                rating,
                scale: self.scale,
                comment,
                email,
                // Page facts are the browser's, not the visitor's words: a long one is cut, never refused.
                page: Page {
                    url: clip(context.page.url, MAX_URL_CHARS),
                    title: clip(context.page.title, MAX_TITLE_CHARS),
                    referrer: clip(context.page.referrer, MAX_URL_CHARS),
                },
                locale: self.locale.to_owned(),
                user_agent: clip(context.user_agent, MAX_USER_AGENT_CHARS),
                viewport: context.viewport,
                created_at: context.created_at,
                widget_version: self.widget_version.to_owned(),
                honeypot: clip(context.honeypot, MAX_TITLE_CHARS),
                user: self.identity.user(),
                metadata: self.metadata.entries().to_vec(),
            };
            fit(&mut feedback);
            self.pending = Some(feedback);
        }
        self.phase = Phase::Sending;
        self.sent_here = true;
        self.pending.clone().map(Command::Deliver)
    }

    fn start_over(&mut self) {
        self.phase = Phase::Editing;
        self.rating = None;
        self.comment.clear();
        self.email = self.identity.email.clone().unwrap_or_default();
        self.invalid = None;
        self.restored = false;
        self.pending = None;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_counter_speaks_up_only_near_the_limit() {
        assert!(!super::near_limit(0));
        assert!(!super::near_limit(MAX_COMMENT_CHARS - NEAR_LIMIT_LEFT - 1));
        assert!(super::near_limit(MAX_COMMENT_CHARS - NEAR_LIMIT_LEFT));
        assert!(super::near_limit(MAX_COMMENT_CHARS));
    }

    use super::*;

    fn context(id: &str) -> Context {
        Context {
            id: id.to_owned(),
            created_at: "2026-11-23T10:00:00.000Z".into(),
            page: Page { url: "https://shop.example/".into(), title: "Shop".into(), referrer: String::new() },
            user_agent: "test".into(),
            viewport: Viewport { width: 800, height: 600 },
            honeypot: String::new(),
        }
    }

    const ID1: &str = "00000000-0000-4000-8000-000000000001";
    const ID2: &str = "00000000-0000-4000-8000-000000000002";

    fn deliver(cmd: Option<Command>) -> Feedback {
        match cmd {
            Some(Command::Deliver(f)) => f,
            None => panic!("expected a delivery"),
        }
    }

    fn filled(ask_email: bool) -> Widget {
        let mut w = Widget::new("en", "0.1.0", ask_email);
        w.update(Event::Open);
        w.update(Event::Rate(2));
        w.update(Event::Comment("  The search is slow.  ".into()));
        w
    }

    #[test]
    fn closed_open_sending_thanked() {
        let mut w = Widget::new("en", "0.1.0", false);
        assert!(!w.open);
        w.update(Event::Open);
        assert!(w.open && w.phase == Phase::Editing);
        w.update(Event::Rate(4));
        let f = deliver(w.update(Event::Submit(context(ID1))));
        assert_eq!(w.phase, Phase::Sending);
        assert!(!w.editable());
        assert_eq!((f.id.as_str(), f.rating, f.scale, f.comment.as_str(), f.email.as_ref()), (ID1, 4, Scale::Csat5, "", None));
        assert_eq!(f.validate(), Ok(()));
        w.update(Event::Delivered(ID2.into()));
        assert_eq!(w.phase, Phase::Sending, "another response's delivery is not this one's");
        w.update(Event::Delivered(ID1.into()));
        assert_eq!(w.phase, Phase::Thanked);
        w.update(Event::Toggle);
        assert!(!w.open, "the launcher closes an open dialog");
        w.update(Event::Toggle);
        assert!(w.open);
        assert_eq!((w.phase, w.rating, w.comment.as_str()), (Phase::Editing, None, ""), "a new visit starts a fresh form");
    }

    #[test]
    fn rating_is_required() {
        let mut w = Widget::new("en", "0.1.0", false);
        w.update(Event::Open);
        w.update(Event::Comment("text only".into()));
        assert_eq!(w.update(Event::Submit(context(ID1))), None);
        assert_eq!((w.phase, w.invalid), (Phase::Editing, Some(Invalid::NeedRating)));
        w.update(Event::Rate(1));
        assert_eq!(w.invalid, None);
        assert_eq!(deliver(w.update(Event::Submit(context(ID1)))).comment, "text only");
    }

    #[test]
    fn out_of_range_ratings_are_ignored() {
        let mut w = Widget::new("en", "0.1.0", false);
        w.update(Event::Rate(0));
        w.update(Event::Rate(6));
        assert_eq!(w.rating, None);
    }

    #[test]
    fn failure_keeps_the_text_and_retry_keeps_the_id() {
        let mut w = filled(false);
        let first = deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Failed(ID1.into()));
        assert_eq!((w.phase, w.rating, w.comment.as_str()), (Phase::Failed, Some(2), "  The search is slow.  "));
        w.update(Event::Close);
        w.update(Event::Open);
        assert_eq!(w.phase, Phase::Failed, "reopening after a failure shows the failure and the text");
        let again = deliver(w.update(Event::Submit(context(ID2))));
        assert_eq!(again, first, "an unchanged retry is the same response");
        w.update(Event::Failed(ID1.into()));
        w.update(Event::Comment("The search is slow on phones.".into()));
        let edited = deliver(w.update(Event::Submit(context(ID2))));
        assert_eq!((edited.id.as_str(), edited.comment.as_str()), (ID2, "The search is slow on phones."));
    }

    #[test]
    fn email_only_when_asked_and_well_formed() {
        let mut w = filled(false);
        w.update(Event::Email("ana@example.com".into()));
        assert_eq!(deliver(w.update(Event::Submit(context(ID1)))).email, None, "not asked, not sent");

        let mut w = filled(true);
        w.update(Event::Email("not an address".into()));
        assert_eq!(w.update(Event::Submit(context(ID1))), None);
        assert_eq!(w.invalid, Some(Invalid::BadEmail));
        w.update(Event::Email(" ana@example.com ".into()));
        assert_eq!(w.invalid, None);
        assert_eq!(deliver(w.update(Event::Submit(context(ID1)))).email.as_deref(), Some("ana@example.com"));

        let mut w = filled(true);
        assert_eq!(deliver(w.update(Event::Submit(context(ID1)))).email, None, "an empty email field is fine");
    }

    #[test]
    fn an_email_that_would_rewrite_the_reply_link_is_a_bad_email() {
        let mut w = filled(true);
        w.update(Event::Email("owner@shop.example?bcc=attacker%40evil.example".into()));
        assert_eq!(w.update(Event::Submit(context(ID1))), None, "not sent");
        assert_eq!((w.phase, w.invalid), (Phase::Editing, Some(Invalid::BadEmail)));
        assert_eq!(w.email, "owner@shop.example?bcc=attacker%40evil.example", "what was typed stays to be fixed");
    }

    #[test]
    fn nothing_changes_while_sending() {
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Comment("changed".into()));
        w.update(Event::Rate(5));
        assert_eq!(w.update(Event::Submit(context(ID2))), None, "a second press does not send twice");
        assert_eq!((w.rating, w.comment.as_str()), (Some(2), "  The search is slow.  "));
    }

    #[test]
    fn saved_then_confirmed_later_thanks_only_then() {
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Saved(ID1.into()));
        assert_eq!(w.phase, Phase::Saved, "kept for later, not thanked");
        w.update(Event::Failed(ID1.into()));
        assert_eq!(w.phase, Phase::Saved, "a later failed retry does not take the promise back");
        w.update(Event::Delivered(ID1.into()));
        assert_eq!(w.phase, Phase::Thanked, "thanked once the endpoint confirmed");
    }

    #[test]
    fn refused_ends_the_response() {
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Refused(ID1.into()));
        assert_eq!(w.phase, Phase::Refused);
        w.update(Event::Open);
        assert_eq!(w.phase, Phase::Editing);
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Saved(ID1.into()));
        w.update(Event::Refused(ID1.into()));
        assert_eq!(w.phase, Phase::Refused, "a saved response refused on a later try says so");
    }

    #[test]
    fn a_new_response_ignores_answers_about_the_saved_one() {
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Saved(ID1.into()));
        w.update(Event::Close);
        w.update(Event::Open);
        w.update(Event::Rate(5));
        deliver(w.update(Event::Submit(context(ID2))));
        w.update(Event::Delivered(ID1.into()));
        assert_eq!(w.phase, Phase::Sending);
        w.update(Event::Delivered(ID2.into()));
        assert_eq!(w.phase, Phase::Thanked);
    }

    #[test]
    fn an_edit_after_a_failure_is_not_thanked_for_the_old_text() {
        let mut w = filled(true);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Failed(ID1.into()));
        w.update(Event::Comment("More detail.".into()));
        w.update(Event::Delivered(ID1.into()));
        assert_eq!((w.phase, w.comment.as_str()), (Phase::Failed, "More detail."), "the edit waits for Try again");
        w.update(Event::Comment("  The search is slow.  ".into()));
        w.update(Event::Email("ana@example.com".into()));
        w.update(Event::Delivered(ID1.into()));
        assert_eq!(w.phase, Phase::Failed, "an added email is an edit too");
        w.update(Event::Email(String::new()));
        w.update(Event::Delivered(ID1.into()));
        assert_eq!(w.phase, Phase::Thanked, "the unchanged response is confirmed");
    }

    #[test]
    fn oversized_page_facts_are_cut_to_the_limits() {
        let mut w = filled(false);
        let mut c = context(ID1);
        c.page.url = format!("https://shop.example/?q={}", "é".repeat(5000));
        c.page.title = "t".repeat(2000);
        c.user_agent = "u".repeat(1000);
        let f = deliver(w.update(Event::Submit(c)));
        assert_eq!(f.page.url.chars().count(), platinum_payload::MAX_URL_CHARS);
        assert_eq!(f.validate(), Ok(()), "what the widget sends, the collector accepts");
    }

    #[test]
    fn the_longest_comment_in_any_script_fits_the_body_limit_whole() {
        // The textarea holds 5,000 UTF-16 units; an emoji takes two.
        for (ch, times) in [('中', 4998), ('é', 4998), ('"', 4998), ('\\', 4998), ('\n', 4998), ('<', 4998), ('🎉', 2499)] {
            let mut w = Widget::new("en", "0.1.0", true);
            let comment: String = ["x".to_owned(), ch.to_string().repeat(times), "x".to_owned()].concat();
            let email = format!("{}@example.com", "a".repeat(240));
            w.update(Event::Open);
            w.update(Event::Rate(1));
            w.update(Event::Comment(comment.clone()));
            w.update(Event::Email(email.clone()));
            let mut c = context(ID1);
            c.page.url = format!("https://shop.example/{}", "中".repeat(3000));
            c.page.title = "中".repeat(1000);
            c.page.referrer = c.page.url.clone();
            c.user_agent = "u".repeat(512);
            let f = deliver(w.update(Event::Submit(c)));
            assert!(f.to_json().len() <= MAX_BODY_BYTES, "{ch:?}: {} bytes", f.to_json().len());
            assert_eq!((f.comment == comment, f.email.as_deref()), (true, Some(email.as_str())), "{ch:?}");
            assert!(f.page.url.starts_with("https://shop.example/"), "{ch:?}: the page is still named");
            assert_eq!(f.validate(), Ok(()), "{ch:?}");
        }
    }

    #[test]
    fn a_usual_response_keeps_its_page_facts_whole() {
        let mut w = filled(false);
        let mut c = context(ID1);
        c.page.referrer = format!("https://search.example/?q={}", "r".repeat(1500));
        let f = deliver(w.update(Event::Submit(c.clone())));
        assert_eq!((f.page, f.user_agent), (c.page, c.user_agent));
    }

    #[test]
    fn a_response_carries_its_scale_the_visitor_and_the_owners_facts_as_schema_version_2() {
        let visitor = Identity { id: Some("u-42".into()), email: Some("ana@example.com".into()), name: Some("Ana".into()) };
        let mut w = Widget::with(Scale::Nps, visitor, "en", "0.1.0", false);
        assert!(w.metadata.merge([("plan", Some("pro")), ("build", Some("1.4.2"))]).is_empty());
        w.update(Event::Open);
        w.update(Event::Rate(0));
        let f = deliver(w.update(Event::Submit(context(ID1))));
        assert_eq!((f.schema_version, f.scale, f.rating), (2, Scale::Nps, 0));
        let user = f.user.clone().expect("the visitor is named");
        assert_eq!((user.id.as_deref(), user.email.as_deref(), user.name.as_deref()), (Some("u-42"), Some("ana@example.com"), Some("Ana")));
        assert_eq!(f.metadata, [("plan".to_owned(), "pro".to_owned()), ("build".to_owned(), "1.4.2".to_owned())]);
        assert_eq!(f.validate(), Ok(()));
        let json = f.to_json();
        assert!(json.contains(r#""scale":"nps""#) && json.contains(r#""metadata":{"plan":"pro","build":"1.4.2"}"#), "{json}");
        // Unnamed, with nothing set: neither member is sent.
        let plain = deliver(filled(false).update(Event::Submit(context(ID2))));
        assert!(plain.user.is_none() && !plain.to_json().contains("metadata"));
    }

    #[test]
    fn delivery_while_closed_still_thanks() {
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Close);
        w.update(Event::Delivered(ID1.into()));
        assert_eq!((w.open, w.phase), (false, Phase::Thanked));
    }

    fn identified(email: &str) -> Identity {
        Identity { id: Some("u-7".into()), email: Some(email.into()), name: None }
    }

    fn saved_text(action: DraftAction) -> String {
        match action {
            DraftAction::Save(text) => text,
            other => panic!("expected a draft to save, got {other:?}"),
        }
    }

    const NOW: u64 = 1_764_590_000_000;

    #[test]
    fn each_scale_takes_its_own_points() {
        for scale in Scale::ALL {
            let mut w = Widget::with(scale, Identity::default(), "en", "0.1.0", false);
            w.update(Event::Open);
            for point in 0..=11 {
                w.rating = None;
                w.update(Event::Rate(point));
                assert_eq!(w.rating.is_some(), scale.contains(point), "{scale:?} {point}");
            }
        }
        let mut w = Widget::with(Scale::Thumbs, Identity::default(), "en", "0.1.0", false);
        w.update(Event::Rate(0));
        assert_eq!((w.rating, w.prompt()), (Some(0), Prompt::Low), "thumbs down is a rating, and a low one");
    }

    #[test]
    fn the_follow_up_question_follows_the_rating() {
        let mut w = Widget::with(Scale::Nps, Identity::default(), "en", "0.1.0", false);
        assert_eq!(w.prompt(), Prompt::Default);
        for (point, prompt) in [(3, Prompt::Low), (8, Prompt::Default), (10, Prompt::High), (6, Prompt::Low)] {
            w.update(Event::Rate(point));
            assert_eq!(w.prompt(), prompt, "{point}");
        }
    }

    #[test]
    fn the_visitors_known_email_fills_the_field_and_can_be_changed() {
        let mut w = Widget::with(Scale::Csat5, identified("ana@example.com"), "en", "0.1.0", true);
        assert_eq!(w.email, "ana@example.com");
        w.update(Event::Open);
        w.update(Event::Rate(4));
        w.update(Event::Email("ana.work@example.com".into()));
        let f = deliver(w.update(Event::Submit(context(ID1))));
        assert_eq!(f.email.as_deref(), Some("ana.work@example.com"));
        w.update(Event::Delivered(ID1.into()));
        w.update(Event::Close);
        w.update(Event::Open);
        assert_eq!(w.email, "ana@example.com", "a new response starts from the known address again");
        assert_eq!(w.identity().id.as_deref(), Some("u-7"));
    }

    #[test]
    fn identifying_later_fills_an_untouched_email_field_only() {
        let mut w = Widget::new("en", "0.1.0", true);
        w.update(Event::Identify(identified("ana@example.com")));
        assert_eq!(w.email, "ana@example.com");
        w.update(Event::Identify(identified("bo@example.com")));
        assert_eq!(w.email, "bo@example.com", "the previous identity's address was not the visitor's doing");
        w.update(Event::Email("me@example.com".into()));
        w.update(Event::Identify(identified("cy@example.com")));
        assert_eq!(w.email, "me@example.com", "what the visitor typed stays");
        w.update(Event::Identify(Identity::default()));
        assert_eq!((w.email.as_str(), w.identity()), ("me@example.com", &Identity::default()));
    }

    #[test]
    fn the_open_form_is_kept_as_a_draft_until_it_is_sent() {
        let mut w = Widget::new("en", "0.1.0", true);
        assert_eq!(w.draft(NOW), DraftAction::Keep, "closed: a draft from an earlier page is not touched");
        w.update(Event::Open);
        assert_eq!(w.draft(NOW), DraftAction::Remove, "nothing entered, nothing to keep");
        w.update(Event::Rate(2));
        w.update(Event::Comment("The search is slow.".into()));
        let text = saved_text(w.draft(NOW));
        let kept = Draft::decode(&text, Scale::Csat5, NOW).expect("readable");
        assert_eq!((kept.rating, kept.comment.as_str(), kept.saved_at_ms), (Some(2), "The search is slow.", NOW));
        w.update(Event::Close);
        assert_eq!(w.draft(NOW), DraftAction::Keep, "closing does not throw the words away");
        w.update(Event::Open);
        deliver(w.update(Event::Submit(context(ID1))));
        assert_eq!(w.draft(NOW), DraftAction::Keep, "on its way: not yet safe");
        w.update(Event::Failed(ID1.into()));
        assert!(matches!(w.draft(NOW), DraftAction::Save(_)), "not delivered and not stored: the draft is all there is");
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Saved(ID1.into()));
        assert_eq!(w.draft(NOW), DraftAction::Remove, "the outbox has it now");
        let mut w = filled(false);
        deliver(w.update(Event::Submit(context(ID1))));
        w.update(Event::Delivered(ID1.into()));
        assert_eq!(w.draft(NOW), DraftAction::Remove);
    }

    #[test]
    fn an_identity_email_alone_is_no_draft() {
        let mut w = Widget::with(Scale::Csat5, identified("ana@example.com"), "en", "0.1.0", true);
        w.update(Event::Open);
        assert_eq!(w.draft(NOW), DraftAction::Remove);
        w.update(Event::Email("other@example.com".into()));
        assert!(matches!(w.draft(NOW), DraftAction::Save(_)));
    }

    #[test]
    fn a_restored_draft_fills_an_empty_form_and_says_so() {
        let draft = Draft { rating: Some(9), comment: "Love it".into(), email: "ana@example.com".into(), saved_at_ms: NOW };
        let mut w = Widget::with(Scale::Nps, Identity::default(), "en", "0.1.0", true);
        w.update(Event::Restore(draft.clone()));
        assert_eq!((w.rating, w.comment.as_str(), w.email.as_str(), w.restored), (Some(9), "Love it", "ana@example.com", true));
        w.update(Event::Open);
        assert_eq!(Draft::decode(&saved_text(w.draft(NOW + 5)), Scale::Nps, NOW + 5).map(|d| d.comment), Some("Love it".into()));
        deliver(w.update(Event::Submit(context(ID1))));
        assert!(!w.restored, "the note goes once the words are sent");

        let mut typed = Widget::new("en", "0.1.0", false);
        typed.update(Event::Comment("new words".into()));
        typed.update(Event::Restore(Draft { rating: Some(3), ..draft.clone() }));
        assert_eq!((typed.comment.as_str(), typed.rating, typed.restored), ("new words", None, false), "never over what is typed");

        let mut csat = Widget::new("en", "0.1.0", false);
        csat.update(Event::Restore(draft));
        assert_eq!((csat.rating, csat.restored), (None, false), "a rating off this scale is not restored");
    }

    #[test]
    fn discard_empties_the_form_and_its_draft() {
        let mut w = Widget::with(Scale::Stars5, identified("ana@example.com"), "en", "0.1.0", true);
        w.update(Event::Restore(Draft { rating: Some(1), comment: "Broken".into(), email: String::new(), saved_at_ms: NOW }));
        w.update(Event::Open);
        w.update(Event::Discard);
        assert_eq!((w.rating, w.comment.as_str(), w.email.as_str(), w.restored), (None, "", "ana@example.com", false));
        assert_eq!((w.phase, w.draft(NOW)), (Phase::Editing, DraftAction::Remove));
    }

    #[test]
    fn metadata_is_kept_for_the_payload() {
        let mut w = Widget::new("en", "0.1.0", false);
        assert!(w.metadata.merge([("plan", Some("pro"))]).is_empty());
        w.update(Event::Open);
        w.update(Event::Close);
        assert_eq!(w.metadata.entries(), [("plan".to_owned(), "pro".to_owned())]);
    }
}
