//! The e-mail channel against a real SMTP server: Python's aiosmtpd, storing what it receives in
//! a Maildir that the tests read back.

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{TestApp, feedback, new_id};
use platinum_collector::delivery::Outcome;
use platinum_collector::filter::FeedbackFilter;
use platinum_collector::mail::{Mail, MailSettings, Mailer};
use platinum_collector::store::StoredFeedback;
use serde_json::Value;

const DASHBOARD: &str = "https://collector.example/dashboard?q=";
const VISITOR: &str = "ana@example.com";
const OWNER: &str = "owner@shop.example";
const FROM: &str = "alerts@shop.example";

/// The SMTP handler for refusals: it answers RCPT for the two addresses below as a real server
/// would for a mailbox that does not exist and for one that is busy, and stores the rest.
const REFUSING_HANDLER: &str = r#"
from aiosmtpd.handlers import Mailbox

class RefusingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "nobody@shop.example":
            return "550 5.1.1 <nobody@shop.example>: no such mailbox here"
        if address == "busy@shop.example":
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
"#;

/// Reads one stored message with Python's own MIME parser and prints its decoded headers and
/// text parts as JSON, so the assertions see what a mail client would show.
const READ_MESSAGE: &str = r#"
import email, email.policy, json, sys
with open(sys.argv[1], "rb") as f:
    message = email.message_from_binary_file(f, policy=email.policy.default)
headers = {}
for name, value in message.items():
    headers.setdefault(name.lower(), []).append(str(value))
parts = {}
for part in message.walk():
    if part.get_content_maintype() == "text":
        parts.setdefault(part.get_content_type(), part.get_content())
print(json.dumps({"headers": headers, "parts": parts, "content_type": message.get_content_type()}))
"#;

/// The first Python that has aiosmtpd; the tests fail, saying how to get one, when none has.
fn python() -> &'static str {
    static FOUND: OnceLock<Option<&'static str>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        ["python3", "/usr/bin/python3"].into_iter().find(|python| {
            Command::new(python)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
    });
    found.unwrap_or_else(|| {
        panic!(
            "the mail tests need a real SMTP server: no Python with aiosmtpd was found (tried python3, /usr/bin/python3). \
             Install it with `apt-get install -y python3-aiosmtpd` (Debian) or `python3 -m pip install aiosmtpd`."
        )
    })
}

/// aiosmtpd on a loopback port, storing messages in a Maildir; killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// A server that takes every message.
    fn start() -> Self {
        Self::start_with("aiosmtpd.handlers.Mailbox", None)
    }

    /// A server that refuses some recipients (see [`REFUSING_HANDLER`]).
    fn start_refusing() -> Self {
        Self::start_with("refusing.RefusingMailbox", Some(REFUSING_HANDLER))
    }

    fn start_with(handler_class: &str, handler_source: Option<&str>) -> Self {
        let python = python();
        let dir = tempfile::tempdir().expect("temp dir");
        if let Some(source) = handler_source {
            std::fs::write(dir.path().join("refusing.py"), source).expect("write the handler");
        }
        let port = free_port();
        let log = File::create(dir.path().join("smtpd.log")).expect("log file");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", handler_class])
            .arg(dir.path().join("maildir"))
            .env("PYTHONPATH", dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start aiosmtpd");
        let mut server = Self { child, port, dir };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.try_wait().expect("poll aiosmtpd") {
                panic!("aiosmtpd exited ({status}) before listening:\n{}", self.log());
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not listen on port {} within 15 s:\n{}", self.port, self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("smtpd.log")).unwrap_or_default()
    }

    fn settings(&self, owner: &str) -> MailSettings {
        MailSettings::parse(&format!("smtp://127.0.0.1:{}?tls=none", self.port), FROM, owner).expect("settings")
    }

    /// The messages stored so far.
    fn stored(&self) -> Vec<PathBuf> {
        let new = self.dir.path().join("maildir").join("new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(new).map(|dir| dir.map(|entry| entry.expect("entry").path()).collect()).unwrap_or_default();
        files.sort();
        files
    }

    /// Sends `mail` through this server, expects it accepted, and returns it as it arrived, once.
    async fn deliver(&self, settings: &MailSettings, mail: &Mail) -> Received {
        assert_eq!(Mailer::new(settings).expect("mailer").send(mail).await, Outcome::Delivered);
        let mut received = self.received();
        assert_eq!(received.len(), 1, "exactly one message arrives");
        received.remove(0)
    }

    /// Waits (up to 10 s) for a message to be stored and returns all of them.
    fn received(&self) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.stored().is_empty() {
            assert!(Instant::now() < deadline, "no message arrived within 10 s:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stored().iter().map(|path| Received::read(path)).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port()
}

/// A message as a mail client would show it.
struct Received {
    headers: HashMap<String, Vec<String>>,
    parts: HashMap<String, String>,
    content_type: String,
}

impl Received {
    fn read(path: &Path) -> Self {
        let output = Command::new(python()).args(["-c", READ_MESSAGE]).arg(path).output().expect("run the message reader");
        assert!(output.status.success(), "reading {path:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        let json: Value = serde_json::from_slice(&output.stdout).expect("reader prints JSON");
        Self {
            headers: serde_json::from_value(json["headers"].clone()).expect("headers as names to values"),
            parts: serde_json::from_value(json["parts"].clone()).expect("parts as types to text"),
            content_type: json["content_type"].as_str().unwrap_or_default().to_owned(),
        }
    }

    /// The only value of header `name`.
    fn header(&self, name: &str) -> &str {
        match self.headers.get(&name.to_ascii_lowercase()).map(Vec::as_slice) {
            Some([value]) => value,
            other => panic!("expected one {name} header, found {other:?}; headers: {:#?}", self.headers),
        }
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(&name.to_ascii_lowercase())
    }

    fn part(&self, content_type: &str) -> &str {
        self.parts.get(content_type).unwrap_or_else(|| panic!("no {content_type} part in {:?}", self.parts.keys()))
    }
}

/// A response as the collector stores it, posted through its API.
async fn stored_response(rating: u8, comment: &str, email: Option<&str>) -> StoredFeedback {
    let app = TestApp::new().await;
    let id = new_id();
    let mut body = feedback(&id, rating, comment);
    body["email"] = email.map_or(Value::Null, Value::from);
    let answer = app.post(&body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let stored = app.store.list(&FeedbackFilter::default(), 10, 0).await.expect("list");
    stored.into_iter().find(|response| response.id == id).expect("the posted response is stored")
}

#[tokio::test]
async fn an_alert_about_an_unhappy_visitor_arrives_once_with_headers_to_answer_them() {
    let server = SmtpServer::start();
    let settings = server.settings(OWNER);
    let response = stored_response(1, "The <script>alert(1)</script> checkout fails & I give up", Some(VISITOR)).await;
    let link = format!("{DASHBOARD}{}", response.id);
    let alert = Mail::alert(&response, &link, &settings);

    let mail = server.deliver(&settings, &alert).await;

    assert_eq!(mail.header("From"), FROM);
    assert_eq!(mail.header("To"), OWNER);
    assert_eq!(mail.header("Reply-To"), VISITOR);
    assert_eq!(mail.header("X-RcptTo"), OWNER, "the envelope goes to the owner only");
    assert_eq!(mail.header("Subject"), "Unhappy visitor (1 of 5): \"The <script>alert(1)</script> checkout fails & I give up\"");
    assert_eq!(mail.header("Message-ID"), alert.message_id());
    assert!(alert.message_id().ends_with("@shop.example>"), "{}", alert.message_id());
    assert_eq!(mail.header("X-Platinum-Response-Id"), response.id);
    assert_eq!(mail.content_type, "multipart/alternative");

    let text = mail.part("text/plain");
    assert!(text.contains("> The <script>alert(1)</script> checkout fails & I give up"), "{text}");
    assert!(text.contains(VISITOR) && text.contains("https://shop.example/cart") && text.contains(&link), "{text}");
    assert!(text.contains(&response.received_at), "{text}");
    let html = mail.part("text/html");
    assert!(html.contains("The &lt;script&gt;alert(1)&lt;/script&gt; checkout fails &amp; I give up"), "{html}");
    assert!(!html.contains("<script"), "visitor markup must never reach the HTML part raw: {html}");
    assert!(html.contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))), "{html}");
}

#[tokio::test]
async fn an_alert_about_a_happy_visitor_without_an_address_has_no_reply_to() {
    let server = SmtpServer::start();
    let settings = server.settings(OWNER);
    let response = stored_response(5, "", None).await;
    let alert = Mail::alert(&response, DASHBOARD, &settings);

    let mail = server.deliver(&settings, &alert).await;

    assert_eq!(mail.header("Subject"), "New feedback (5 of 5)");
    assert!(!mail.has_header("Reply-To"), "{:#?}", mail.headers);
}

#[tokio::test]
async fn a_reply_reaches_the_visitor_quoting_them_and_threads_under_earlier_mail() {
    let server = SmtpServer::start();
    let settings = server.settings(OWNER);
    let response = stored_response(2, "The cart forgot my items\ntwice", Some(VISITOR)).await;
    let earlier = vec!["<first@shop.example>".to_owned(), "<second@shop.example>".to_owned()];
    let reply = Mail::reply(&response, "Sorry about that: it is fixed now.", &earlier, &settings);

    let mail = server.deliver(&settings, &reply).await;

    assert_eq!(mail.header("From"), FROM);
    assert_eq!(mail.header("To"), VISITOR);
    assert_eq!(mail.header("X-RcptTo"), VISITOR);
    assert_eq!(mail.header("Reply-To"), OWNER, "the visitor's answer goes to the owner");
    assert_eq!(mail.header("Subject"), "Re: your feedback on Cart");
    assert_eq!(mail.header("Message-ID"), reply.message_id());
    assert_eq!(mail.header("In-Reply-To"), "<second@shop.example>");
    assert_eq!(mail.header("References"), "<first@shop.example> <second@shop.example>");
    let text = mail.part("text/plain");
    assert!(text.starts_with("Sorry about that: it is fixed now."), "{text}");
    assert!(text.contains("> The cart forgot my items\n> twice"), "{text}");
    let html = mail.part("text/html");
    assert!(html.contains("<blockquote") && html.contains("The cart forgot my items"), "{html}");
}

#[tokio::test]
async fn a_first_reply_starts_a_thread_of_its_own() {
    let server = SmtpServer::start();
    let settings = server.settings(OWNER);
    let response = stored_response(3, "ok", Some(VISITOR)).await;

    let mail = server.deliver(&settings, &Mail::reply(&response, "Thanks!", &[], &settings)).await;

    assert!(!mail.has_header("In-Reply-To") && !mail.has_header("References"), "{:#?}", mail.headers);
}

#[tokio::test]
async fn the_test_message_reaches_the_owner() {
    let server = SmtpServer::start();
    let settings = server.settings(OWNER);

    let mail = server.deliver(&settings, &Mail::test(&settings)).await;

    assert_eq!((mail.header("To"), mail.header("Subject")), (OWNER, "Platinum test message"));
    assert!(mail.part("text/plain").contains("test message"));
}

#[tokio::test]
async fn no_server_listening_means_try_again_later() {
    let port = free_port();
    let settings = MailSettings::parse(&format!("smtp://127.0.0.1:{port}?tls=none"), FROM, OWNER).expect("settings");

    let outcome = Mailer::new(&settings).expect("mailer").send(&Mail::test(&settings)).await;

    let Outcome::Retry { reason, .. } = outcome else { panic!("expected a retry, got {outcome:?}") };
    assert!(reason.contains(&format!("127.0.0.1:{port}")), "{reason}");
}

#[tokio::test]
async fn a_server_that_never_answers_is_tried_again_later() {
    // The kernel completes the handshake for a listener that never accepts: the server is there
    // but silent.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("address").port();
    let settings = MailSettings::parse(&format!("smtp://127.0.0.1:{port}?tls=none"), FROM, OWNER).expect("settings");
    let mailer = Mailer::new(&settings).expect("mailer");

    let outcome = tokio::time::timeout(Duration::from_secs(30), mailer.send(&Mail::test(&settings))).await.expect("send gives up by itself");

    let Outcome::Retry { reason, .. } = outcome else { panic!("expected a retry, got {outcome:?}") };
    assert!(reason.contains("within 10s"), "{reason}");
}

#[tokio::test]
async fn a_recipient_the_server_refuses_is_refused_and_a_busy_one_retried() {
    let server = SmtpServer::start_refusing();

    let refused = server.settings("nobody@shop.example");
    let outcome = Mailer::new(&refused).expect("mailer").send(&Mail::test(&refused)).await;
    let Outcome::Refused { reason } = outcome else { panic!("expected a refusal, got {outcome:?}") };
    assert!(reason.contains("550") && reason.contains("no such mailbox here"), "{reason}");

    let busy = server.settings("busy@shop.example");
    let outcome = Mailer::new(&busy).expect("mailer").send(&Mail::test(&busy)).await;
    let Outcome::Retry { reason, .. } = outcome else { panic!("expected a retry, got {outcome:?}") };
    assert!(reason.contains("451") && reason.contains("try again later"), "{reason}");

    assert!(server.stored().is_empty(), "nothing was accepted: {:?}", server.stored());
}

#[tokio::test]
async fn a_reply_to_a_visitor_without_an_address_is_refused_without_sending() {
    let server = SmtpServer::start();
    let settings = server.settings(OWNER);
    let response = stored_response(1, "no address given", None).await;

    let outcome = Mailer::new(&settings).expect("mailer").send(&Mail::reply(&response, "Hello", &[], &settings)).await;

    let Outcome::Refused { reason } = outcome else { panic!("expected a refusal, got {outcome:?}") };
    assert!(reason.contains("no visitor e-mail address"), "{reason}");
    assert!(server.stored().is_empty());
}

#[tokio::test]
async fn a_server_without_starttls_gets_nothing_in_the_clear() {
    let server = SmtpServer::start();
    let settings = MailSettings::parse(&format!("smtp://127.0.0.1:{}", server.port), FROM, OWNER).expect("settings");

    let outcome = Mailer::new(&settings).expect("mailer").send(&Mail::test(&settings)).await;

    let Outcome::Refused { reason } = outcome else { panic!("expected a refusal, got {outcome:?}") };
    assert!(reason.contains("STARTTLS"), "{reason}");
    assert!(server.stored().is_empty(), "the message must not go out unencrypted");
}
