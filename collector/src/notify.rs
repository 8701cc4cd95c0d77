//! The notifications worker: sends what the outbox table owes each of the owner's channels,
//! retries with backoff when a channel is down, and records how each try went.
//!
//! The outbox row is written in the same transaction as the response it is about (see
//! [`crate::store::AlertPlan`]), so a response that is stored always has its alert recorded; the
//! row is marked sent only after the channel accepted it, so a collector killed at any moment
//! sends every alert at least once after it restarts. A try whose answer was lost may be
//! repeated: webhooks carry the response id as an idempotency key for that.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;

use crate::config::NotifyArgs;
use crate::delivery::{Links, Outcome, backoff};
use crate::mail::{MailSettings, Mailer};
use crate::webhook::{SlackWebhook, Webhook};
use crate::digest::{Digest, Schedule};
use crate::store::{DeliveryRecord, NotificationRow, ReplyRow, Store, StoredFeedback};
use crate::{AppError, Clock};

/// Most notifications read from the outbox in one round.
const BATCH: u32 = 512;
/// Most deliveries in flight at once, so an owner's endpoint is not met with hundreds of
/// connections when a backlog is sent.
const IN_FLIGHT: usize = 32;
/// Responses a second above which the collector is taken to be flooded: far above what any
/// site's visitors send, and there storing comes first. Alerts then wait, up to [`MAX_HOLD`].
const FLOOD_PER_SECOND: u64 = 1_000;
/// Longest an alert waits for a flood to ebb, in seconds; after that it is sent flood or not.
const MAX_HOLD: i64 = 30;
/// Pause after a round that emptied the queue before the next: under a stream of alerts, rounds
/// of many instead of one round per stored batch, each of which costs the writer a statement.
const ROUND_GAP: Duration = Duration::from_millis(100);
/// Longest sleep between looks at the table, so that retries come due without a wake-up.
const IDLE_LOOK: Duration = Duration::from_secs(5);
/// How often the digest schedule is looked at.
const DIGEST_LOOK: Duration = Duration::from_secs(60);

/// Whether responses are arriving faster than [`FLOOD_PER_SECOND`], from the writer's count of
/// stored responses sampled over at least a tenth of a second.
struct FloodGauge {
    since: Instant,
    count_then: u64,
    flooded: bool,
}

impl FloodGauge {
    fn new(count: u64, now: Instant) -> Self {
        Self { since: now, count_then: count, flooded: false }
    }

    /// Whether the writer's `count` at `now` says the collector is flooded; the answer changes
    /// at most once per [`ROUND_GAP`].
    fn flooded(&mut self, count: u64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.since);
        if elapsed >= ROUND_GAP {
            let arrived = count.saturating_sub(self.count_then);
            // Compared as arrived / elapsed > limit, without floating point.
            let flooded = u128::from(arrived) * 1000 > u128::from(FLOOD_PER_SECOND) * elapsed.as_millis();
            *self = Self { since: now, count_then: count, flooded };
        }
        self.flooded
    }
}

/// What an alert is about, read before its delivery starts.
enum About {
    /// The stored response.
    Response(Arc<StoredFeedback>),
    /// The response is no longer stored.
    Gone,
    /// Reading it failed; tried again later.
    Unreadable(String),
    /// Not an alert.
    Other,
}

/// One of the owner's configured channels.
pub enum Channel {
    /// E-mail to the owner over SMTP.
    Email(crate::mail::Mailer),
    /// A signed JSON webhook.
    Webhook(crate::webhook::Webhook),
    /// A Slack-compatible incoming webhook.
    Slack(crate::webhook::SlackWebhook),
}

impl Channel {
    /// The id stored in `notification.channel`: stable across restarts, and without secrets
    /// (Slack webhook URLs are credentials), so a hash stands for a URL.
    pub fn id(&self) -> String {
        match self {
            Self::Email(_) => "email".to_owned(),
            Self::Webhook(w) => format!("webhook:{}", short_hash(w.url.as_str())),
            Self::Slack(s) => format!("slack:{}", short_hash(s.url.as_str())),
        }
    }

    /// What the owner sees the channel called.
    pub fn name(&self) -> String {
        match self {
            Self::Email(m) => format!("e-mail to {}", m.settings().owner),
            Self::Webhook(w) => format!("webhook {}", w.url),
            Self::Slack(s) => format!("Slack-compatible webhook at {}", host_of(s.url.as_str())),
        }
    }

    async fn alert(&self, client: &reqwest::Client, response: &crate::store::StoredFeedback, link: &str) -> Outcome {
        match self {
            Self::Email(m) => m.send(&crate::mail::Mail::alert(response, link, m.settings())).await,
            Self::Webhook(w) => w.send_alert(client, response, link).await,
            Self::Slack(s) => s.send_alert(client, response, link).await,
        }
    }

    /// Sends a sample alert, for `notify-test`.
    pub async fn test(&self, client: &reqwest::Client, links: &Links) -> Outcome {
        match self {
            Self::Email(m) => m.send(&crate::mail::Mail::test(m.settings())).await,
            Self::Webhook(w) => w.send_test(client, &links.dashboard()).await,
            Self::Slack(s) => s.send_test(client, &links.dashboard()).await,
        }
    }

    async fn digest(&self, client: &reqwest::Client, digest: &Digest, links: &Links) -> Outcome {
        match self {
            Self::Email(m) => m.send(&crate::mail::Mail::digest(digest, links, m.settings())).await,
            Self::Webhook(w) => match serde_json::to_vec(&DigestEvent { kind: "digest", digest, link: links.dashboard() }) {
                Ok(body) => crate::webhook::deliver_webhook(client, w, &format!("digest-{}", digest.to), body).await,
                Err(e) => Outcome::Refused { reason: format!("the digest could not be written: {e}") },
            },
            Self::Slack(s) => crate::webhook::deliver_slack(client, s, &slack_digest(digest, links)).await,
        }
    }

    async fn reply(&self, reply: &ReplyRow, earlier: &[String], response: &StoredFeedback) -> Outcome {
        match self {
            Self::Email(m) => {
                let mail = crate::mail::Mail::reply_as(reply.message_id.clone(), response, &reply.body, earlier, m.settings());
                m.send(&mail).await
            }
            _ => Outcome::Refused { reason: "replies go by e-mail only".to_owned() },
        }
    }
}

/// A digest as a webhook receives it.
#[derive(serde::Serialize)]
struct DigestEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    digest: &'a Digest,
    link: String,
}

/// A digest as a Slack message: the subject line, then the waiting visitors.
fn slack_digest(digest: &Digest, links: &Links) -> serde_json::Value {
    let escape = crate::webhook::escape_mrkdwn;
    let mut text = escape(&crate::mail::digest_subject(digest));
    for item in &digest.waiting {
        text.push_str(&format!("\n• {}: {} <{}|open>", item.rating_words(), escape(&item.comment.replace('\n', " ")), links.response(&item.id)));
    }
    text.push_str(&format!("\n<{}|Open the dashboard>", links.dashboard()));
    serde_json::json!({ "text": text, "unfurl_links": false, "unfurl_media": false })
}

/// The channels the options configure; an error names the option at fault and what it needs.
pub fn channels_from(args: &NotifyArgs) -> Result<Vec<Channel>, String> {
    let mut channels = Vec::new();
    // Most mail services log in with the owner's own address: it is the default --mail-to.
    let login_address = args.smtp_url.as_ref().and_then(|server| server.user()).and_then(|user| user.parse::<crate::mail::Mailbox>().ok());
    match (&args.smtp_url, &args.mail_from, args.mail_to.as_ref().or(login_address.as_ref())) {
        (Some(server), from, Some(owner)) => {
            // Mail from the owner's own address is what most servers accept without more ado.
            let from = from.clone().unwrap_or_else(|| owner.clone());
            let settings = MailSettings { server: server.clone(), from, owner: owner.clone(), unhappiness: args.unhappiness() };
            channels.push(Channel::Email(Mailer::new(&settings)?));
        }
        (None, None, None) => {}
        (Some(_), _, None) => {
            return Err("--smtp-url needs --mail-to, the owner's address that alerts go to (unless its user name is that address)".to_owned());
        }
        (None, _, _) => return Err("--mail-from and --mail-to need --smtp-url, the server to send mail through".to_owned()),
    }
    if !args.webhooks.is_empty() {
        let secret = args.webhook_secret.clone().ok_or_else(|| {
            "--webhook needs --webhook-secret (at least 32 characters) to sign its requests; receivers check the signature with it".to_owned()
        })?;
        for url in &args.webhooks {
            channels.push(Channel::Webhook(Webhook { url: url.clone(), secret: secret.clone() }));
        }
    }
    for url in &args.slack_webhooks {
        channels.push(Channel::Slack(SlackWebhook { url: url.clone() }));
    }
    Ok(channels)
}

fn short_hash(text: &str) -> String {
    crate::auth::sha256_hex(text)[..12].to_owned()
}

fn host_of(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Sends what the outbox owes; run it with [`Notifier::run`].
#[derive(Clone)]
pub struct Notifier {
    store: Store,
    channels: Arc<[Channel]>,
    /// The channels' ids, in the same order (each is a hash of a URL: made once, not per try).
    ids: Arc<[String]>,
    links: Links,
    wake: Arc<Notify>,
    clock: Clock,
    client: reqwest::Client,
    schedule: Option<Schedule>,
}

impl Notifier {
    /// A worker for `channels`, woken through `wake` when new notifications are recorded, making
    /// digests on `schedule` if there is one.
    pub fn new(store: Store, channels: Arc<[Channel]>, links: Links, wake: Arc<Notify>, clock: Clock, schedule: Option<Schedule>) -> Result<Self, String> {
        let client = crate::webhook::client().map_err(|e| format!("cannot set up the HTTP client for webhooks: {e}"))?;
        let ids = channels.iter().map(Channel::id).collect();
        Ok(Self { store, channels, ids, links, wake, clock, client, schedule })
    }

    /// Makes the digest of the period that has just ended, if it is due and not made yet.
    async fn digest_if_due(&self) {
        let Some(schedule) = &self.schedule else { return };
        if let Err(e) = crate::digest::tick(&self.store, schedule, &self.ids, self.clock.now()).await {
            tracing::error!(error = %e, "digest: cannot make it now; trying again in a minute");
        }
    }

    /// Delivers due notifications until `stop` turns true. A delivery in flight at that moment
    /// is abandoned: it is tried again at the next start.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        // Shared by the round's delivery tasks, so starting one copies nothing.
        let this = Arc::new(self);
        let mut digest_checked: Option<tokio::time::Instant> = None;
        let mut flood = FloodGauge::new(this.store.stored_since_start(), Instant::now());
        loop {
            if *stop.borrow() {
                return;
            }
            if digest_checked.is_none_or(|at| at.elapsed() >= DIGEST_LOOK) {
                this.digest_if_due().await;
                digest_checked = Some(tokio::time::Instant::now());
            }
            if flood.flooded(this.store.stored_since_start(), Instant::now()) && this.oldest_due_is_younger_than(MAX_HOLD).await {
                tokio::select! {
                    () = tokio::time::sleep(ROUND_GAP) => continue,
                    _ = stop.changed() => return,
                }
            }
            let delivered = match this.deliver_due().await {
                Ok(count) => count,
                Err(e) => {
                    tracing::error!(error = %e, "notifications: cannot read the outbox");
                    0
                }
            };
            if delivered == BATCH as usize {
                continue;
            }
            if delivered > 0 {
                tokio::select! {
                    () = tokio::time::sleep(ROUND_GAP) => continue,
                    _ = stop.changed() => return,
                }
            }
            let wait = match this.store.next_notification_due().await {
                Ok(Some(due)) => Duration::from_secs(u64::try_from(due - this.clock.now()).unwrap_or(0)).min(IDLE_LOOK),
                _ => IDLE_LOOK,
            };
            tokio::select! {
                () = this.wake.notified() => {}
                () = tokio::time::sleep(wait.max(Duration::from_millis(200))) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Whether every pending notification came due less than `seconds` ago (or none is pending).
    async fn oldest_due_is_younger_than(&self, seconds: i64) -> bool {
        match self.store.next_notification_due().await {
            Ok(Some(due)) => self.clock.now() - due < seconds,
            Ok(None) => true,
            Err(_) => false,
        }
    }

    /// Tries every notification due now, at once, and records the outcomes together; how many
    /// there were.
    pub async fn deliver_due(self: &Arc<Self>) -> Result<usize, AppError> {
        let due = self.store.due_notifications(self.clock.now(), BATCH).await?;
        let count = due.len();
        // The responses the alerts are about, read together: one query instead of one per alert.
        let wanted: Vec<&str> = due.iter().filter(|row| row.kind == "alert").filter_map(|row| row.feedback_id.as_deref()).collect();
        let mut responses: HashMap<String, Arc<StoredFeedback>> = HashMap::new();
        let mut unread = None;
        if !wanted.is_empty() {
            match self.store.feedback_many(&wanted).await {
                Ok(found) => responses.extend(found.into_iter().map(|f| (f.id.clone(), Arc::new(f)))),
                Err(e) => unread = Some(e.to_string()),
            }
        }
        let mut tries = JoinSet::new();
        let slots = Arc::new(Semaphore::new(IN_FLIGHT));
        for row in due {
            let worker = Arc::clone(self);
            let slots = Arc::clone(&slots);
            let about = match (&unread, row.kind.as_str(), row.feedback_id.as_deref()) {
                (Some(e), "alert", _) => About::Unreadable(e.clone()),
                (None, "alert", Some(id)) => responses.get(id).map_or(About::Gone, |f| About::Response(Arc::clone(f))),
                _ => About::Other,
            };
            tries.spawn(async move {
                // The semaphore is never closed, so acquiring fails only in theory; then it
                // goes ahead unthrottled rather than not at all.
                let _slot = slots.acquire().await.ok();
                let outcome = worker.deliver(&row, about).await;
                (row, outcome)
            });
        }
        let mut results = Vec::with_capacity(count);
        while let Some(done) = tries.join_next().await {
            match done {
                Ok((row, outcome)) => results.push((row.id, self.record(&row, outcome))),
                Err(e) => tracing::error!(error = %e, "notifications: a delivery task failed"),
            }
        }
        if let Err(e) = self.store.record_deliveries(results, self.clock.now()).await {
            // Left pending as they were: they are tried again, and may arrive twice.
            tracing::error!(error = %e, "notifications: cannot record the deliveries");
        }
        Ok(count)
    }

    async fn deliver(&self, row: &NotificationRow, about: About) -> Outcome {
        let Some(channel) = self.ids.iter().position(|id| *id == row.channel).and_then(|at| self.channels.get(at)) else {
            return Outcome::Refused { reason: "this channel is no longer configured".to_owned() };
        };
        match (row.kind.as_str(), row.feedback_id.as_deref()) {
            ("alert", Some(id)) => match about {
                About::Response(response) => channel.alert(&self.client, &response, &self.links.response(id)).await,
                About::Gone | About::Other => Outcome::Refused { reason: "the response is no longer stored".to_owned() },
                About::Unreadable(e) => Outcome::Retry { after: None, reason: format!("reading the response: {e}") },
            },
            ("test", _) => channel.test(&self.client, &self.links).await,
            ("digest", _) => match row.digest_id {
                Some(id) => match self.store.digest_body(id).await {
                    Ok(Some(body)) => match serde_json::from_str::<Digest>(&body) {
                        Ok(digest) => channel.digest(&self.client, &digest, &self.links).await,
                        Err(e) => Outcome::Refused { reason: format!("the stored digest cannot be read: {e}") },
                    },
                    Ok(None) => Outcome::Refused { reason: "the digest is no longer stored".to_owned() },
                    Err(e) => Outcome::Retry { after: None, reason: format!("reading the digest: {e}") },
                },
                None => Outcome::Refused { reason: "a digest notification without its digest".to_owned() },
            },
            ("reply", Some(id)) => match (row.reply_id, self.store.feedback(id).await) {
                (Some(reply_id), Ok(Some(response))) => match self.store.reply_with_thread(reply_id).await {
                    Ok(Some((reply, earlier))) => channel.reply(&reply, &earlier, &response).await,
                    Ok(None) => Outcome::Refused { reason: "the reply is no longer stored".to_owned() },
                    Err(e) => Outcome::Retry { after: None, reason: format!("reading the reply: {e}") },
                },
                (_, Ok(_)) => Outcome::Refused { reason: "the response or the reply is no longer stored".to_owned() },
                (_, Err(e)) => Outcome::Retry { after: None, reason: format!("reading the response: {e}") },
            },
            (kind, _) => Outcome::Refused { reason: format!("unknown kind of notification {kind:?}") },
        }
    }

    /// What `outcome` means for `row`'s record, logged.
    fn record(&self, row: &NotificationRow, outcome: Outcome) -> DeliveryRecord {
        match outcome {
            Outcome::Delivered => {
                tracing::info!(notification = row.id, channel = %row.channel, kind = %row.kind, "notification sent");
                DeliveryRecord::Sent
            }
            Outcome::Retry { after, reason } => {
                let attempts = u32::try_from(row.attempts + 1).unwrap_or(u32::MAX);
                let wait = backoff(attempts, after, jitter());
                let next_try_at = self.clock.now() + i64::try_from(wait.as_secs().max(1)).unwrap_or(i64::MAX);
                tracing::warn!(notification = row.id, channel = %row.channel, attempts, retry_in = ?wait, reason = %reason, "notification not delivered yet");
                DeliveryRecord::Retry { next_try_at, error: reason }
            }
            Outcome::Refused { reason } => {
                tracing::error!(notification = row.id, channel = %row.channel, reason = %reason, "notification refused for good");
                DeliveryRecord::Failed { error: reason }
            }
        }
    }
}

/// Runs `notifier` on a thread of its own at idle CPU priority until `stop` turns true, so that
/// sending alerts never takes processor time from storing responses: under a flood the alerts
/// wait and catch up when it ebbs. Join the handle after setting `stop`.
pub fn spawn_low_priority(notifier: Notifier, stop: watch::Receiver<bool>) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("notifications".to_owned()).spawn(move || {
        lower_this_threads_priority();
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(async move {
                // Opened from this thread, so the database work of sending runs at its priority.
                let store = notifier.store.with_reads_of_its_own();
                Notifier { store, ..notifier }.run(stop).await;
            }),
            Err(e) => tracing::error!(error = %e, "notifications: cannot start their runtime; nothing will be sent"),
        }
    })
}

/// Idle scheduling for the calling thread: it runs when the processor has nothing else to do
/// (Linux still gives it a small share under sustained load, so it is never starved for good).
/// Nice 10 where idle scheduling is refused. On Linux both belong to each thread, and threads it
/// starts inherit them.
fn lower_this_threads_priority() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: sched_setscheduler reads `param` only during the call; pid 0 names the calling thread.
    if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &raw const param) } == 0 {
        return;
    }
    let idle_refused = std::io::Error::last_os_error();
    // SAFETY: setpriority only reads its integer arguments; `who = 0` names the calling thread.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    if done != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), idle = %idle_refused, "notifications: cannot lower their CPU priority");
    }
}

/// A number in 0..=1 for spreading retries.
fn jitter() -> f64 {
    let mut bytes = [0u8; 2];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u16::from_le_bytes(bytes)) / f64::from(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channels(args: &[&str]) -> Result<Vec<Channel>, String> {
        use clap::Parser;
        let cli = crate::Cli::try_parse_from(std::iter::once("platinum-collector").chain(args.iter().copied())).map_err(|e| e.to_string())?;
        channels_from(&cli.serve.notify)
    }

    #[test]
    fn slack_and_webhooks_get_the_digests_nps_and_thumbs() {
        let digest: Digest = serde_json::from_value(serde_json::json!({
            "period": "daily", "from": "2026-11-30T08:00:00+00:00", "to": "2026-12-01T08:00:00+00:00", "time_zone": "UTC",
            "responses": 10, "average": null, "previous_responses": 4, "previous_average": null, "distribution": [0, 0, 0, 0, 0],
            "nps": { "promoters": 3, "passives": 1, "detractors": 2, "score": 16.7 }, "previous_nps": null,
            "thumbs": { "up": 3, "down": 1, "up_percent": 75.0 }, "waiting": [], "waiting_total": 0, "newest": []
        }))
        .expect("digest");
        let links = Links::new("https://feedback.shop.example");
        let slack = slack_digest(&digest, &links);
        assert!(slack["text"].as_str().is_some_and(|t| t.starts_with("Daily digest: 10 responses, NPS +17, 75% thumbs up\n")), "{slack}");
        let event = serde_json::to_value(DigestEvent { kind: "digest", digest: &digest, link: links.dashboard() }).expect("JSON");
        assert_eq!((event["nps"]["promoters"].clone(), event["thumbs"]["up_percent"].clone()), (3.into(), 75.0.into()));
        assert_eq!(event["previous_nps"], serde_json::Value::Null);
    }

    #[test]
    fn the_owner_defaults_to_the_smtp_login_when_it_is_an_address() {
        let found = channels(&["--smtp-url", "smtps://owner%40shop.example:secret@smtp.shop.example:465"]).expect("one channel");
        assert_eq!(found.iter().map(Channel::name).collect::<Vec<_>>(), ["e-mail to owner@shop.example"]);
        let missing = channels(&["--smtp-url", "smtps://login-name:secret@smtp.shop.example:465"]).err().expect("refused");
        assert!(missing.contains("--mail-to"), "{missing}");
        let no_secret = channels(&["--webhook", "https://hooks.shop.example/x"]).err().expect("refused");
        assert!(no_secret.contains("--webhook-secret"), "{no_secret}");
        assert!(channels(&[]).is_ok_and(|c| c.is_empty()));
    }

    #[test]
    fn the_unhappy_threshold_is_the_owners_within_the_scale() {
        use crate::config::NotifyArgs;
        use clap::Parser;
        use platinum_payload::Scale;
        let parse = |args: &[&str]| crate::Cli::try_parse_from(std::iter::once("platinum-collector").chain(args.iter().copied()));
        let default = parse(&[]).expect("no options").serve.notify;
        assert_eq!(default.unhappy_up_to, 2);
        assert_eq!(default.nps_unhappy_up_to, 6, "NPS's detractors");
        let three = parse(&["--unhappy-up-to", "3"]).expect("3 is allowed").serve.notify;
        let alerts = |args: &NotifyArgs, scale: Scale, rating: i64| args.alert_on.alerts(scale, rating, false, args.unhappiness());
        assert!(alerts(&three, Scale::Csat5, 3) && alerts(&three, Scale::Stars5, 3));
        assert!(!alerts(&three, Scale::Emoji5, 4));
        assert!(!three.alert_on.alerts(Scale::Csat5, 1, true, three.unhappiness()), "spam never alerts");
        assert!(alerts(&three, Scale::Nps, 6) && !alerts(&three, Scale::Nps, 7), "NPS keeps its own threshold");
        assert!(alerts(&three, Scale::Thumbs, 0) && !alerts(&three, Scale::Thumbs, 1), "thumbs down always");
        let nps = parse(&["--nps-unhappy-up-to", "3"]).expect("3 is allowed").serve.notify;
        assert!(alerts(&nps, Scale::Nps, 3) && !alerts(&nps, Scale::Nps, 4) && alerts(&nps, Scale::Csat5, 2));
        assert!(parse(&["--nps-unhappy-up-to", "0"]).is_ok());
        for (option, bad) in [("--unhappy-up-to", "0"), ("--unhappy-up-to", "5"), ("--unhappy-up-to", "two"), ("--nps-unhappy-up-to", "10")] {
            let refused = parse(&[option, bad]).expect_err("refused").to_string();
            assert!(refused.contains(option), "{refused}");
        }
    }

    #[test]
    fn a_flood_is_a_thousand_responses_a_second_or_more() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut gauge = FloodGauge::new(0, start);
        assert!(!gauge.flooded(500, at(50)), "judged only once a tenth of a second has passed");
        assert!(gauge.flooded(200, at(150)), "200 in 150 ms is 1,333 a second");
        assert!(gauge.flooded(200, at(200)), "kept until the next tenth");
        assert!(!gauge.flooded(290, at(300)), "90 in 150 ms is 600 a second");
        assert!(!gauge.flooded(390, at(400)), "exactly 1,000 a second is not yet a flood");
        assert!(gauge.flooded(10_390, at(5_400)), "10,000 in 5 s is 2,000 a second");
        assert!(!gauge.flooded(10_390, at(5_500)), "nothing arrived: the flood is over");
    }

    #[test]
    fn hosts_stand_for_secret_urls() {
        assert_eq!(host_of("https://hooks.slack.com/services/T000/B000/XXXX"), "hooks.slack.com");
        assert_eq!(host_of("http://127.0.0.1:9000/hook?x=1"), "127.0.0.1:9000");
        assert_eq!(short_hash("https://a.example/").len(), 12);
    }
}

