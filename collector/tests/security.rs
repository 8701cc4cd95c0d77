//! The owner's session and secret, and what every answer tells the browser: one test per way in
//! that a review of the collector found open.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::{TOKEN, TestApp, feedback, form, new_id};
use platinum_collector::config::CookieSecure;
use platinum_collector::{AuthLimit, Policy, RateLimit, SessionPolicy};

const HOUR: i64 = 3600;

fn from(request: Request<Body>, peer: [u8; 4]) -> Request<Body> {
    let mut request = request;
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 40000))));
    request
}

async fn dashboard_status(app: &TestApp, cookie: &str) -> StatusCode {
    app.get_with_cookie("/dashboard", cookie).await.status
}

#[tokio::test]
async fn every_login_gets_its_own_session_and_logging_out_revokes_it() {
    let app = TestApp::new().await;
    let (first, second) = (app.login().await, app.login().await);
    assert_ne!(first, second, "two logins, two sessions");
    assert_eq!(dashboard_status(&app, &first).await, StatusCode::OK);

    let out = app.send(form("/dashboard/logout", "", Some(&first))).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(dashboard_status(&app, &first).await, StatusCode::UNAUTHORIZED, "a copied cookie is dead after logout");
    assert_eq!(dashboard_status(&app, &second).await, StatusCode::OK, "the other session goes on");

    let everywhere = app.send(form("/dashboard/logout-everywhere", "", Some(&second))).await;
    assert_eq!(everywhere.status, StatusCode::SEE_OTHER);
    let third = app.login().await;
    assert_eq!(dashboard_status(&app, &second).await, StatusCode::UNAUTHORIZED);
    assert_eq!(dashboard_status(&app, &third).await, StatusCode::OK);
    let page = app.get_with_cookie("/dashboard", &third).await.text();
    assert!(page.contains("action=\"/dashboard/logout-everywhere\""), "the dashboard offers it");
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_their_lifetime() {
    let sessions = SessionPolicy { idle: Duration::from_secs(HOUR as u64), lifetime: Duration::from_secs(86_400), ..SessionPolicy::default() };
    let app = TestApp::with_policy(Policy { rate_limit: RateLimit::OFF, sessions, ..Policy::default() }).await;

    let idle = app.login().await;
    app.clock.advance(HOUR - 60);
    assert_eq!(dashboard_status(&app, &idle).await, StatusCode::OK, "used within the hour");
    app.clock.advance(HOUR - 60);
    assert_eq!(dashboard_status(&app, &idle).await, StatusCode::OK, "each use starts the hour again");
    app.clock.advance(HOUR + 1);
    assert_eq!(dashboard_status(&app, &idle).await, StatusCode::UNAUTHORIZED, "an hour unused ends it");

    let busy = app.login().await;
    for _ in 0..24 {
        app.clock.advance(HOUR - 120);
        assert_eq!(dashboard_status(&app, &busy).await, StatusCode::OK);
    }
    app.clock.advance(HOUR);
    assert_eq!(dashboard_status(&app, &busy).await, StatusCode::UNAUTHORIZED, "a day after login it ends however busy");
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let app = TestApp::new().await;
    let cookie = app.login().await;
    let dir = app.stop().await;
    let app = TestApp::open_in(dir, RateLimit::OFF, &[]).await;
    assert_eq!(dashboard_status(&app, &cookie).await, StatusCode::OK);
}

#[tokio::test]
async fn wrong_tokens_are_rate_limited_per_client_before_the_token_is_looked_at() {
    let auth_limit = AuthLimit { auth_failures_per_minute: 1, auth_failure_burst: 3 };
    let app = TestApp::with_policy(Policy { rate_limit: RateLimit::OFF, auth_limit, ..Policy::default() }).await;
    let mallory = [203, 0, 113, 9];
    for _ in 0..3 {
        let wrong = app.send(from(form("/dashboard/login", "token=guess-guess-guess-guess-guess-guess", None), mallory)).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let limited = app.send(from(form("/dashboard/login", "token=another-guess-another-guess-another", None), mallory)).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| (1..=60).contains(&s)));
    assert!(limited.text().contains("too many wrong admin tokens"), "the login page says why");
    let right = app.send(from(form("/dashboard/login", &format!("token={TOKEN}"), None), mallory)).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "not even the right token is compared while blocked");
    let api = app
        .send(from(Request::get("/api/feedback").header(header::AUTHORIZATION, format!("Bearer {TOKEN}")).body(Body::empty()).expect("request"), mallory))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS, "the API shares the limit");
    assert!(api.header("retry-after").is_some());

    // Someone else is not affected.
    let alice = [198, 51, 100, 4];
    let login = app.send(from(form("/dashboard/login", &format!("token={TOKEN}"), None), alice)).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_bearer_tokens_count_too() {
    let auth_limit = AuthLimit { auth_failures_per_minute: 1, auth_failure_burst: 2 };
    let app = TestApp::with_policy(Policy { rate_limit: RateLimit::OFF, auth_limit, ..Policy::default() }).await;
    let bearer = |token: &str| {
        from(Request::get("/api/feedback").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("request"), [203, 0, 113, 10])
    };
    assert_eq!(app.send(bearer("wrong-1")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.send(bearer("wrong-2")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.send(bearer("wrong-3")).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::new().await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let request = Request::get("/api/feedback").header(header::AUTHORIZATION, format!("{scheme} {TOKEN}")).body(Body::empty()).expect("request");
        assert_eq!(app.send(request).await.status, StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_login_came_over_https() {
    let proxied = Policy { rate_limit: RateLimit::OFF, trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")], ..Policy::default() };
    let app = TestApp::with_policy(proxied.clone()).await;
    let login = |proto: Option<&str>| {
        let mut request = form("/dashboard/login", &format!("token={TOKEN}"), None);
        if let Some(proto) = proto {
            request.headers_mut().insert("x-forwarded-proto", proto.parse().expect("value"));
        }
        request
    };
    let over_https = app.send(login(Some("https"))).await;
    assert!(over_https.header("set-cookie").is_some_and(|c| c.contains("; Secure")), "{:?}", over_https.header("set-cookie"));
    let plain = app.send(login(None)).await;
    assert!(plain.header("set-cookie").is_some_and(|c| !c.contains("Secure")));
    let spoofed = app.send(from(login(Some("https")), [203, 0, 113, 11])).await;
    assert!(spoofed.header("set-cookie").is_some_and(|c| !c.contains("Secure")), "an untrusted peer's header is ignored");

    let forced = Policy { sessions: SessionPolicy { secure: CookieSecure::Always, ..SessionPolicy::default() }, ..proxied };
    let app = TestApp::with_policy(forced).await;
    assert!(app.send(login(None)).await.header("set-cookie").is_some_and(|c| c.contains("; Secure")));
}

#[tokio::test]
async fn dashboard_and_api_answers_forbid_caching_framing_sniffing_and_referrers() {
    let app = TestApp::new().await;
    let cookie = app.login().await;
    let answers = [
        ("login page", app.get("/dashboard").await),
        ("dashboard", app.get_with_cookie("/dashboard", &cookie).await),
        ("follow-up", app.get_with_cookie("/dashboard/follow-up", &cookie).await),
        ("export", app.get_with_token("/api/feedback").await),
        ("post", app.post(&feedback(&new_id(), 4, "fine")).await),
    ];
    for (what, answer) in answers {
        assert_eq!(
            answer.header("content-security-policy"),
            Some("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"),
            "{what}"
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{what}");
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"), "{what}");
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}");
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{what}");
    }
    assert_eq!(app.get("/healthz").await.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn dashboard_forms_posted_from_another_site_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.login().await;
    let cross = |name: &str, value: &str| {
        let mut request = form("/dashboard/logout-everywhere", "", Some(&cookie));
        request.headers_mut().insert(axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"), value.parse().expect("value"));
        request
    };
    let foreign = app.send(cross("origin", "https://evil.example")).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert!(foreign.text().contains("cross-site"));
    assert_eq!(app.send(cross("sec-fetch-site", "cross-site")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(cross("sec-fetch-site", "same-site")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(dashboard_status(&app, &cookie).await, StatusCode::OK, "nothing happened");
    assert_eq!(app.send(cross("origin", "http://collector.test")).await.status, StatusCode::SEE_OTHER, "from the dashboard itself");
    assert_eq!(dashboard_status(&app, &cookie).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn request_ids_are_made_by_the_server_not_the_client() {
    let app = TestApp::new().await;
    let request = Request::get("/healthz").header("x-request-id", "chosen-by-the-client").body(Body::empty()).expect("request");
    let answer = app.send(request).await;
    let id = answer.header("x-request-id").expect("request id");
    assert_ne!(id, "chosen-by-the-client");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn retry_after_is_rounded_up_so_waiting_that_long_is_enough() {
    // One post per 2 s: right after one, the wait is just under 2 s.
    let app = TestApp::with(RateLimit { rate_limit_per_minute: 30, rate_limit_burst: 1 }, &[]).await;
    assert_eq!(app.post(&feedback(&new_id(), 3, "first")).await.status, StatusCode::CREATED);
    for round in 0..3 {
        let refused = app.post(&feedback(&new_id(), 3, "too soon")).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = refused.header("retry-after").and_then(|s| s.parse().ok()).expect("Retry-After");
        assert_eq!(wait, 2, "round {round}");
        // Honouring the header exactly, as the widget does.
        tokio::time::sleep(Duration::from_secs(wait)).await;
        assert_eq!(app.post(&feedback(&new_id(), 3, "after waiting")).await.status, StatusCode::CREATED, "round {round}");
    }
}

#[tokio::test]
async fn a_visitor_clock_far_from_the_arrival_time_is_kept_and_flagged() {
    let app = TestApp::new().await;
    let (future, now) = (new_id(), new_id());
    let mut far = feedback(&future, 2, "from the future");
    far["created_at"] = "9999-12-31T23:59:59Z".into();
    assert_eq!(app.post(&far).await.status, StatusCode::CREATED);
    let mut fine = feedback(&now, 4, "on time");
    fine["created_at"] = platinum_collector::store::now_rfc3339().into();
    assert_eq!(app.post(&fine).await.status, StatusCode::CREATED);
    let listed = app.get_with_token("/api/feedback").await.json();
    let item = |id: &str| listed["items"].as_array().and_then(|items| items.iter().find(|i| i["id"] == id)).cloned().expect("stored");
    assert_eq!(item(&future)["created_at"], "9999-12-31T23:59:59Z", "the visitor's value is kept");
    assert_eq!(item(&future)["clock_skewed"], true);
    assert_eq!(item(&now)["clock_skewed"], false);
    let cookie = app.login().await;
    let page = app.get_with_cookie("/dashboard", &cookie).await.text();
    assert_eq!(page.matches("visitor's clock off").count(), 1, "the dashboard says which one");
    let csv = app.get_with_token("/api/feedback?format=csv").await.text();
    assert!(csv.lines().next().is_some_and(|header| header.split(',').any(|column| column == "clock_skewed")), "{csv}");
}

#[test]
fn an_admin_token_shorter_than_32_characters_stops_start_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_platinum-collector"))
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("short.db"))
        .env("PLATINUM_ADMIN_TOKEN", "x")
        .output()
        .expect("run the collector");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("must be at least 32 characters, got 1"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
}
