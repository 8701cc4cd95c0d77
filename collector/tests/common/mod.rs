//! What the integration tests share: a valid payload builder and a collector on a fresh database.

#![allow(dead_code)] // each test file uses its own part of this

pub mod postgres;
pub mod process;
pub mod receiver;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use platinum_collector::client::parse_proxy;
use platinum_collector::rating::Unhappiness;
use platinum_collector::store::{AlertPlan, Writer};
use platinum_collector::{AdminToken, AppState, Clock, Policy, RateLimit, Store, app};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The admin token every test collector uses.
pub const TOKEN: &str = "test-token-0123456789abcdef0123456789";

/// A fresh UUID v4.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A payload the widget could have sent, valid in every field.
pub fn feedback(id: &str, rating: u8, comment: &str) -> Value {
    json!({
        "id": id,
        "schema_version": 1,
        "rating": rating,
        "scale": 5,
        "comment": comment,
        "email": null,
        "page": { "url": "https://shop.example/cart", "title": "Cart", "referrer": "" },
        "locale": "en",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "viewport": { "width": 1280, "height": 800 },
        "created_at": "2026-11-23T10:00:00.000Z",
        "widget_version": "0.1.0",
        "honeypot": ""
    })
}

/// A schema version 2 payload on `scale` (by name), without user or metadata.
pub fn feedback_v2(id: &str, scale: &str, rating: u8, comment: &str) -> Value {
    let mut payload = feedback(id, rating, comment);
    payload["schema_version"] = json!(2);
    payload["scale"] = json!(scale);
    payload
}

/// A collector on its own database file in a temporary directory.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub store: Store,
    writer: Writer,
    pub router: Router,
    /// The collector's clock, standing still until a test moves it.
    pub clock: Clock,
}

/// A response with its body read.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// Rate limit off, one other site allowed.
    pub async fn new() -> Self {
        Self::with(RateLimit::OFF, &["https://shop.example"]).await
    }

    pub async fn with(rate_limit: RateLimit, allowed: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::open_in(dir, rate_limit, allowed).await
    }

    pub async fn open_in(dir: tempfile::TempDir, rate_limit: RateLimit, allowed: &[&str]) -> Self {
        Self::build(dir, rate_limit, allowed, &[]).await
    }

    /// Behind reverse proxies at `proxies` (addresses or networks).
    pub async fn behind(rate_limit: RateLimit, proxies: &[&str]) -> Self {
        Self::build(tempfile::tempdir().expect("temp dir"), rate_limit, &[], proxies).await
    }

    async fn build(dir: tempfile::TempDir, rate_limit: RateLimit, allowed: &[&str], proxies: &[&str]) -> Self {
        let policy = Policy {
            allowed_origins: allowed.iter().map(|o| HeaderValue::from_str(o).expect("origin")).collect(),
            rate_limit,
            trusted_proxies: proxies.iter().map(|p| parse_proxy(p).expect("proxy")).collect(),
            ..Policy::default()
        };
        Self::with_policy_in(dir, policy).await
    }

    /// Under `policy`, on a fresh database.
    pub async fn with_policy(policy: Policy) -> Self {
        Self::with_policy_in(tempfile::tempdir().expect("temp dir"), policy).await
    }

    /// Rate limit off, with ratings of 5 up to `unhappy_up_to` counting as unhappy.
    pub async fn with_unhappy_up_to(unhappy_up_to: u8) -> Self {
        Self::with_unhappiness(Unhappiness { five_point_up_to: unhappy_up_to, ..Unhappiness::default() }).await
    }

    /// Rate limit off, with `unhappiness` saying which ratings are unhappy.
    pub async fn with_unhappiness(unhappiness: Unhappiness) -> Self {
        let plan = AlertPlan { unhappiness, ..AlertPlan::default() };
        Self::with_plan_in(tempfile::tempdir().expect("temp dir"), Policy { rate_limit: RateLimit::OFF, ..Policy::default() }, plan).await
    }

    async fn with_policy_in(dir: tempfile::TempDir, policy: Policy) -> Self {
        Self::with_plan_in(dir, policy, AlertPlan::default()).await
    }

    async fn with_plan_in(dir: tempfile::TempDir, policy: Policy, plan: AlertPlan) -> Self {
        let (store, writer) = Store::open_with(&database_in(dir.path()), plan).await.expect("open database");
        let clock = Clock::manual(1_800_000_000);
        let state = AppState::new(store.clone(), AdminToken::new(TOKEN).expect("token"), policy, clock.clone());
        Self { dir, store, writer, router: app(state), clock }
    }

    /// Stops the collector as `main` does at shutdown and hands back its directory.
    pub async fn stop(self) -> tempfile::TempDir {
        let Self { dir, store, writer, router, .. } = self;
        drop(router);
        store.close().await;
        drop(store);
        writer.finish().await;
        dir
    }

    pub async fn send(&self, mut request: Request<Body>) -> Answer {
        // The rate limiter keys on the peer address, which a real connection provides.
        if request.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        }
        if !request.headers().contains_key(header::HOST) {
            request.headers_mut().insert(header::HOST, HeaderValue::from_static("collector.test"));
        }
        let response: Response<Body> = self.router.clone().oneshot(request).await.expect("router answers");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes().to_vec();
        Answer { status: parts.status, headers: parts.headers, body }
    }

    /// `POST /api/feedback` with a JSON body and no `Origin` (like a server-side sender).
    pub async fn post(&self, body: &Value) -> Answer {
        self.send(post_request(body.to_string(), "application/json", None)).await
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).expect("request")).await
    }

    pub async fn get_with_token(&self, uri: &str) -> Answer {
        let request = Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {TOKEN}")).body(Body::empty()).expect("request");
        self.send(request).await
    }

    /// Logs in to the dashboard and returns the session cookie.
    pub async fn login(&self) -> String {
        let answer = self.send(form("/dashboard/login", &format!("token={TOKEN}"), None)).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        let cookie = answer.header("set-cookie").expect("session cookie");
        cookie.split(';').next().expect("cookie pair").to_owned()
    }

    pub async fn get_with_cookie(&self, uri: &str, cookie: &str) -> Answer {
        self.send(Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).expect("request")).await
    }

    /// Rows stored, spam included.
    pub async fn rows(&self) -> i64 {
        self.store.count_all().await.expect("count")
    }
}

pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("platinum.db")
}

pub fn post_request(body: String, content_type: &str, origin: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/api/feedback").header(header::CONTENT_TYPE, content_type);
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.body(Body::from(body)).expect("request")
}

pub fn form(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).expect("request")
}

/// The database a test collector in `dir` uses: SQLite in `dir`, or a fresh PostgreSQL database
/// when the suite runs against PostgreSQL (see [`postgres::backend`]).
pub fn database_in(dir: &Path) -> platinum_collector::store::Database {
    database_at(&db_path(dir))
}

/// The database a test collector given the SQLite file `path` uses: that file, or on
/// PostgreSQL the database made for it the first time it was asked for (its URL is kept beside
/// the file), so that a collector restarted on the same path finds the same data.
pub fn database_at(path: &Path) -> platinum_collector::store::Database {
    let Some(server) = postgres::backend() else { return platinum_collector::store::Database::Sqlite(path.to_owned()) };
    let kept = path.with_extension("postgres-url");
    let url = match std::fs::read_to_string(&kept) {
        Ok(url) => url,
        Err(_) => {
            let url = server.fresh_database();
            std::fs::write(&kept, &url).expect("keep the test database's URL");
            url
        }
    };
    platinum_collector::store::Database::Postgres(url)
}

/// The command-line options that give a spawned collector the database [`database_at`] names.
pub fn database_args(path: &Path) -> Vec<std::ffi::OsString> {
    match database_at(path) {
        platinum_collector::store::Database::Sqlite(file) => vec!["--db".into(), file.into()],
        platinum_collector::store::Database::Postgres(url) => vec!["--database-url".into(), url.into()],
    }
}

/// The store a collector given the SQLite file `path` wrote to (see [`database_at`]), for
/// looking at what it left.
pub async fn open_store(path: &Path) -> Store {
    Store::open_with(&database_at(path), AlertPlan::default()).await.expect("open the test database").0
}

/// Stores `payload` as received at `received_at` (RFC 3339 UTC), straight through the store: a
/// response as old or as new as a test needs.
pub async fn store_received(store: &Store, mut payload: Value, received_at: &str) {
    payload["created_at"] = received_at.into();
    let feedback: platinum_payload::Feedback = serde_json::from_value(payload).expect("payload");
    let row = platinum_collector::store::NewFeedback { feedback, received_at: received_at.to_owned(), origin: None, clock_skewed: false };
    store.insert(row).await.expect("stored");
}

/// The single number `sql` (with `$1` bound to `bind`) answers on the test database at `path`
/// (see [`database_at`]), read over a connection of its own: what is really in the tables.
pub async fn count_in(path: &Path, sql: &str, bind: &str) -> i64 {
    use sqlx::Connection;
    match database_at(path) {
        platinum_collector::store::Database::Sqlite(file) => {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).read_only(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options).await.expect("open the SQLite file");
            sqlx::query_scalar(sql).bind(bind).fetch_one(&mut conn).await.expect(sql)
        }
        platinum_collector::store::Database::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect to the test database");
            sqlx::query_scalar(sql).bind(bind).fetch_one(&mut conn).await.expect(sql)
        }
    }
}
