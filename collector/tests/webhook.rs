//! The HTTP channels against real receivers on 127.0.0.1: what arrives, how it is signed, and how
//! each kind of answer is classified.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use common::{TestApp, feedback, new_id};
use platinum_collector::delivery::Outcome;
use platinum_collector::filter::FeedbackFilter;
use platinum_collector::store::StoredFeedback;
use platinum_collector::webhook::{
    self, DEFAULT_TOLERANCE_SECS, SlackWebhook, Webhook, parse_slack_webhook_url, parse_webhook_secret, parse_webhook_url,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";
const LINK: &str = "https://collector.shop.example/dashboard/feedback/1";

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }
}

/// A local HTTP server that keeps every request and answers the `n`-th (from 0) with
/// `answer(n, request)`.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start<F>(path: &str, answer: F) -> Self
    where
        F: Fn(usize, &Received) -> Response + Clone + Send + Sync + 'static,
    {
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let handler = move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let (kept, answer) = (kept.clone(), answer.clone());
            async move {
                let request = Received { path: uri.path().to_owned(), headers, body };
                let n = {
                    let mut all = kept.lock().expect("lock");
                    all.push(request.clone());
                    all.len() - 1
                };
                answer(n, &request)
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, Router::new().fallback(handler)).await });
        Self { url: format!("http://{address}{path}"), received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

fn unix_now() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
    i64::try_from(since_epoch.as_secs()).expect("fits")
}

/// Answers `204` to a request signed with [`SECRET`], `401` with the reason to any other.
fn verifying(_: usize, request: &Received) -> Response {
    let header = request.headers.get("platinum-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    match webhook::verify(SECRET, header, &request.body, unix_now(), DEFAULT_TOLERANCE_SECS) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::UNAUTHORIZED, e.to_string()).into_response(),
    }
}

fn webhook_to(url: &str) -> Webhook {
    Webhook { url: parse_webhook_url(url).expect("url"), secret: parse_webhook_secret(SECRET).expect("secret") }
}

/// A response posted through the collector and read back as the store keeps it.
async fn stored(app: &TestApp, rating: u8, comment: &str, email: Option<&str>) -> StoredFeedback {
    let id = new_id();
    let mut body = feedback(&id, rating, comment);
    body["email"] = json!(email);
    assert_eq!(app.post(&body).await.status, StatusCode::CREATED);
    let rows = app.store.list(&FeedbackFilter::default(), 10, 0).await.expect("list");
    rows.into_iter().find(|row| row.id == id).expect("the response is stored")
}

/// The reason of a refusal; anything else fails the test.
fn refusal(outcome: Outcome) -> String {
    match outcome {
        Outcome::Refused { reason } => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The asked-for wait and the reason of a retry; anything else fails the test.
fn retry(outcome: Outcome) -> (Option<Duration>, String) {
    match outcome {
        Outcome::Retry { after, reason } => (after, reason),
        other => panic!("expected a retry, got {other:?}"),
    }
}

#[tokio::test]
async fn a_signed_alert_reaches_a_receiver_that_verifies_it() {
    let app = TestApp::new().await;
    let response = stored(&app, 1, "The checkout button does nothing", None).await;
    let receiver = Receiver::start("/platinum", verifying).await;
    let client = webhook::client().expect("client");

    assert_eq!(webhook_to(&receiver.url).send_alert(&client, &response, LINK).await, Outcome::Delivered);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.path, "/platinum");
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(request.header("idempotency-key"), response.id);
    assert!(request.header("user-agent").starts_with("platinum-collector/"), "{}", request.header("user-agent"));
    let event = request.json();
    assert_eq!(event["type"], "feedback.created");
    assert_eq!(event["id"], response.id.as_str());
    assert!(event["created"].as_i64().is_some_and(|t| t > 1_700_000_000), "{event}");
    assert_eq!(event["data"]["comment"], "The checkout button does nothing");
    assert_eq!(event["data"]["rating"], 1);
    assert_eq!(event["data"]["page_url"], "https://shop.example/cart");
    assert_eq!(event["link"], LINK);

    // The same receiver turns away an alert signed with another secret.
    let forged =
        Webhook { secret: parse_webhook_secret("not-the-shared-secret-0123456789abcdef").expect("secret"), ..webhook_to(&receiver.url) };
    let reason = refusal(forged.send_alert(&client, &response, LINK).await);
    assert!(reason.contains("401") && reason.contains("does not match"), "{reason}");
}

#[tokio::test]
async fn a_busy_receiver_is_tried_again_when_it_asks_and_gets_the_same_alert() {
    let app = TestApp::new().await;
    let response = stored(&app, 2, "Slow", None).await;
    let receiver = Receiver::start("/hook", |n, request| {
        if n == 0 { (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "1")], "busy").into_response() } else { verifying(n, request) }
    })
    .await;
    let client = webhook::client().expect("client");
    let hook = webhook_to(&receiver.url);

    let (after, reason) = retry(hook.send_alert(&client, &response, LINK).await);
    assert_eq!(after, Some(Duration::from_secs(1)));
    assert!(reason.contains("503") && reason.contains("busy"), "{reason}");
    assert_eq!(hook.send_alert(&client, &response, LINK).await, Outcome::Delivered);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].header("idempotency-key"), response.id);
    assert_eq!(received[1].header("idempotency-key"), response.id);
    assert_eq!(received[0].body, received[1].body, "a retry sends the same body");
}

#[tokio::test]
async fn a_receiver_that_is_gone_refuses_with_its_status() {
    let app = TestApp::new().await;
    let response = stored(&app, 1, "Broken", None).await;
    let receiver = Receiver::start("/old", |_, _| (StatusCode::GONE, "this hook was deleted").into_response()).await;
    let client = webhook::client().expect("client");

    let reason = refusal(webhook_to(&receiver.url).send_alert(&client, &response, LINK).await);
    assert!(reason.contains("410") && reason.contains("this hook was deleted"), "{reason}");
}

#[tokio::test]
async fn a_redirect_is_shown_to_the_owner_not_followed() {
    let app = TestApp::new().await;
    let response = stored(&app, 1, "Broken", None).await;
    let target = Receiver::start("/new", verifying).await;
    let target_url = target.url.clone();
    let moved = Receiver::start("/old", move |_, _| (StatusCode::FOUND, [(header::LOCATION, target_url.clone())]).into_response()).await;
    let client = webhook::client().expect("client");

    let reason = refusal(webhook_to(&moved.url).send_alert(&client, &response, LINK).await);
    assert!(reason.contains("302"), "{reason}");
    assert!(target.received().is_empty(), "the redirect was not followed");
}

#[tokio::test]
async fn nothing_listening_is_tried_again_and_the_reason_keeps_the_url_secret() {
    let app = TestApp::new().await;
    let response = stored(&app, 1, "Broken", None).await;
    // A port that was free a moment ago and has nobody listening now.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let client = webhook::client().expect("client");

    let hook = webhook_to(&format!("http://127.0.0.1:{port}/hook?token=query-secret"));
    let (after, reason) = retry(hook.send_alert(&client, &response, LINK).await);
    assert_eq!(after, None);
    assert!(reason.starts_with("could not connect to 127.0.0.1: tcp connect error: "), "{reason}");
    assert!(!reason.contains("query-secret"), "{reason}");
    let slack = SlackWebhook { url: parse_slack_webhook_url(&format!("http://127.0.0.1:{port}/services/T0/B0/path-secret")).expect("url") };
    let (after, reason) = retry(slack.send_alert(&client, &response, LINK).await);
    assert_eq!(after, None);
    assert!(reason.starts_with("could not connect to 127.0.0.1: ") && !reason.contains("path-secret"), "{reason}");
}

#[tokio::test]
async fn slack_gets_a_readable_message_with_the_comment_escaped() {
    let app = TestApp::new().await;
    let comment = "Checkout broke <!channel> see <https://evil.example|click here> & retry";
    let response = stored(&app, 2, comment, Some("ann@example.com")).await;
    let receiver = Receiver::start("/services/T0/B0/X", |_, _| (StatusCode::OK, "ok").into_response()).await;
    let slack = SlackWebhook { url: parse_slack_webhook_url(&receiver.url).expect("url") };
    let client = webhook::client().expect("client");

    assert_eq!(slack.send_alert(&client, &response, LINK).await, Outcome::Delivered);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("content-type"), "application/json");
    let message = received[0].json();
    let text = message["text"].as_str().expect("text");
    assert!(text.starts_with("*New feedback: ★★☆☆☆ Bad (2 of 5)* on <https://shop.example/cart|Cart>"), "{text}");
    assert!(text.contains("> Checkout broke &lt;!channel&gt; see &lt;https://evil.example|click here&gt; &amp; retry"), "{text}");
    assert!(text.contains("From <mailto:ann@example.com|ann@example.com>"), "{text}");
    assert!(text.contains(&format!("<{LINK}|Open in the dashboard>")), "{text}");
    let sent = message.to_string();
    assert!(!sent.contains("<!channel>") && !sent.contains("<https://evil"), "{sent}");
    assert_eq!(message["blocks"].as_array().map(Vec::len), Some(3), "{message}");
}

#[tokio::test]
async fn test_alerts_arrive_signed_and_marked_as_tests() {
    let hook_receiver = Receiver::start("/hook", verifying).await;
    let slack_receiver = Receiver::start("/services/T0/B0/X", |_, _| (StatusCode::OK, "ok").into_response()).await;
    let client = webhook::client().expect("client");

    assert_eq!(webhook_to(&hook_receiver.url).send_test(&client, LINK).await, Outcome::Delivered);
    let event = hook_receiver.received()[0].json();
    assert_eq!(event["type"], "feedback.test");
    assert_eq!(event["link"], LINK);

    let slack = SlackWebhook { url: parse_slack_webhook_url(&slack_receiver.url).expect("url") };
    assert_eq!(slack.send_test(&client, LINK).await, Outcome::Delivered);
    let message = slack_receiver.received()[0].json();
    assert!(message["text"].as_str().is_some_and(|t| t.starts_with("*Test alert: ")), "{message}");
}
