//! The notifications worker: sends what the outbox table owes each of the owner's channels,
//! retries with backoff when a channel is down, and records how each try went.
//!
//! The outbox row is written in the same transaction as the response it is about (see
//! [`crate::store::AlertPlan`]), so a response that is stored always has its alert recorded; the
//! row is marked sent only after the channel accepted it, so a collector killed at any moment
//! sends every alert at least once after it restarts. A try whose answer was lost may be
//! repeated: webhooks carry the response id as an idempotency key for that.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::NotifyArgs;
use crate::delivery::{Links, Outcome, backoff};
use crate::mail::{MailSettings, Mailer};
use crate::webhook::{SlackWebhook, Webhook};
use crate::digest::{Digest, Schedule};
use crate::store::{DeliveryRecord, NotificationRow, ReplyRow, Store, StoredFeedback};
use crate::{AppError, Clock};

/// Most notifications tried at once.
const BATCH: u32 = 128;
/// Longest sleep between looks at the table, so that retries come due without a wake-up.
const IDLE_LOOK: Duration = Duration::from_secs(5);
/// How often the digest schedule is looked at.
const DIGEST_LOOK: Duration = Duration::from_secs(60);

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
        text.push_str(&format!("\n• {} of 5: {} <{}|open>", item.rating, escape(&item.comment.replace('\n', " ")), links.response(&item.id)));
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
            let settings = MailSettings { server: server.clone(), from, owner: owner.clone() };
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
        let mut digest_checked: Option<tokio::time::Instant> = None;
        loop {
            if *stop.borrow() {
                return;
            }
            if digest_checked.is_none_or(|at| at.elapsed() >= DIGEST_LOOK) {
                self.digest_if_due().await;
                digest_checked = Some(tokio::time::Instant::now());
            }
            let delivered_some = match self.deliver_due().await {
                Ok(count) => count > 0,
                Err(e) => {
                    tracing::error!(error = %e, "notifications: cannot read the outbox");
                    false
                }
            };
            if delivered_some {
                continue;
            }
            let wait = match self.store.next_notification_due().await {
                Ok(Some(due)) => Duration::from_secs(u64::try_from(due - self.clock.now()).unwrap_or(0)).min(IDLE_LOOK),
                _ => IDLE_LOOK,
            };
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait.max(Duration::from_millis(200))) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Tries every notification due now, at once, and records the outcomes together; how many
    /// there were.
    pub async fn deliver_due(&self) -> Result<usize, AppError> {
        let due = self.store.due_notifications(self.clock.now(), BATCH).await?;
        let count = due.len();
        let mut tries = JoinSet::new();
        for row in due {
            let worker = self.clone();
            tries.spawn(async move {
                let outcome = worker.deliver(&row).await;
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

    async fn deliver(&self, row: &NotificationRow) -> Outcome {
        let Some(channel) = self.ids.iter().position(|id| *id == row.channel).and_then(|at| self.channels.get(at)) else {
            return Outcome::Refused { reason: "this channel is no longer configured".to_owned() };
        };
        match (row.kind.as_str(), row.feedback_id.as_deref()) {
            ("alert", Some(id)) => match self.store.feedback(id).await {
                Ok(Some(response)) => channel.alert(&self.client, &response, &self.links.response(id)).await,
                Ok(None) => Outcome::Refused { reason: "the response is no longer stored".to_owned() },
                Err(e) => Outcome::Retry { after: None, reason: format!("reading the response: {e}") },
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

/// Runs `notifier` on a thread of its own at a lower CPU priority until `stop` turns true, so
/// that sending alerts never takes processor time from storing responses: under a flood the
/// alerts wait a little and catch up when it ebbs. Join the handle after setting `stop`.
pub fn spawn_low_priority(notifier: Notifier, stop: watch::Receiver<bool>) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("notifications".to_owned()).spawn(move || {
        lower_this_threads_priority();
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(notifier.run(stop)),
            Err(e) => tracing::error!(error = %e, "notifications: cannot start their runtime; nothing will be sent"),
        }
    })
}

/// Nice 10 for the calling thread (on Linux the nice value belongs to each thread).
fn lower_this_threads_priority() {
    // SAFETY: setpriority only reads its integer arguments; `who = 0` names the calling thread.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    if done != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "notifications: cannot lower their CPU priority");
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
    fn hosts_stand_for_secret_urls() {
        assert_eq!(host_of("https://hooks.slack.com/services/T000/B000/XXXX"), "hooks.slack.com");
        assert_eq!(host_of("http://127.0.0.1:9000/hook?x=1"), "127.0.0.1:9000");
        assert_eq!(short_hash("https://a.example/").len(), 12);
    }
}
