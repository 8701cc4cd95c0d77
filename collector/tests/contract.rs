//! The OpenAPI document against the collector: the checked-in file is the served one, every
//! route is in it, and real answers of every kind match what it says.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{TOKEN, TestApp, feedback, new_id, post_request};
use platinum_collector::{AuthLimit, Policy, RateLimit};
use serde_json::{Value, json};

const REGENERATE: &str = "PLATINUM_UPDATE_OPENAPI";

fn checked_in_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

fn document() -> Value {
    serde_json::from_str(platinum_collector::openapi::text()).expect("the document is JSON")
}

#[tokio::test]
async fn the_checked_in_document_is_the_one_served() {
    let app = TestApp::new().await;
    let served = app.get("/api/openapi.json").await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type"), Some("application/json"));
    let served = served.text();
    if std::env::var_os(REGENERATE).is_some() {
        std::fs::write(checked_in_path(), &served).expect("write collector/openapi.json");
    }
    let checked_in = std::fs::read_to_string(checked_in_path()).unwrap_or_default();
    assert!(
        checked_in == served,
        "collector/openapi.json differs from the document the collector serves: run `cargo xtask openapi` to regenerate it, \
         and commit it with the change"
    );
}

/// Every path given to `.route(` in the collector's source.
fn routes_in_source() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).expect("collector/src") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for piece in text.split(".route(\"").skip(1) {
            let route = piece.split('"').next().expect("a closing quote");
            found.insert(route.to_owned());
        }
    }
    found
}

#[test]
fn every_route_is_documented_or_a_dashboard_page() {
    let doc = document();
    let documented: BTreeSet<String> = doc["paths"].as_object().expect("paths").keys().cloned().collect();
    let pages: BTreeSet<String> = platinum_collector::openapi::NOT_API.iter().map(|p| (*p).to_owned()).collect();
    let source = routes_in_source();
    let undocumented: Vec<&String> = source.iter().filter(|r| !documented.contains(*r) && !pages.contains(*r)).collect();
    assert!(undocumented.is_empty(), "routes missing from the OpenAPI document (src/openapi.rs): {undocumented:?}");
    let gone: Vec<&String> = documented.union(&pages).filter(|r| !source.contains(*r)).collect();
    assert!(gone.is_empty(), "documented routes no router declares: {gone:?}");
}

#[tokio::test]
async fn each_documented_path_answers_its_methods_and_only_those() {
    let app = TestApp::new().await;
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let uri = path.replace("{file}", "feedback.js");
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            let documented = item.get(method.as_str().to_ascii_lowercase()).is_some();
            let answer = app.send(Request::builder().method(method.clone()).uri(&uri).body(Body::empty()).expect("request")).await;
            if documented {
                assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented");
            } else {
                assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is not documented");
            }
        }
    }
}

/// Checks `answer` to `method path` against the document: its status is listed, its content
/// type is one the status lists, a JSON body matches the schema, and documented headers are there.
fn assert_conforms(doc: &Value, method: &str, path: &str, answer: &common::Answer) {
    let status = answer.status.as_u16().to_string();
    let what = format!("{} {method} {path}", answer.status);
    let response = &doc["paths"][path][method]["responses"][&status];
    assert!(response.is_object(), "{what} is not documented: {}", answer.text());
    for name in response.get("headers").and_then(Value::as_object).into_iter().flat_map(|h| h.keys()) {
        if name != "ETag" {
            assert!(answer.header(name).is_some(), "{what} lacks the documented {name} header");
        }
    }
    let Some(content) = response.get("content") else {
        assert!(answer.body.is_empty(), "{what} has a body the document does not describe");
        return;
    };
    let essence = answer.header("content-type").expect("a content type").split(';').next().expect("essence").trim();
    let media = content.get(essence).unwrap_or_else(|| panic!("{what}: content type {essence} is not documented"));
    if essence == "application/json" {
        let body: Value = serde_json::from_slice(&answer.body).expect("JSON");
        assert_valid(doc, &media["schema"], &body, &what);
    }
}

/// Validates `value` against `schema`, whose references point into `doc`.
fn assert_valid(doc: &Value, schema: &Value, value: &Value, what: &str) {
    let rooted = json!({ "allOf": [schema], "components": doc["components"] });
    let validator = jsonschema::draft202012::new(&rooted).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not match the document: {errors:?}\n{value}");
}

#[tokio::test]
async fn posts_of_every_outcome_match_the_document() {
    let doc = document();
    let policy = Policy {
        allowed_origins: vec![axum::http::HeaderValue::from_static("https://shop.example")],
        // Six posts pass (every post counts, refused or not); the seventh is one too many.
        rate_limit: RateLimit { rate_limit_per_minute: 1, rate_limit_burst: 6 },
        ..Policy::default()
    };
    let app = TestApp::with_policy(policy).await;
    let id = new_id();
    let post = |body: String, content_type: &str, origin: Option<&str>| post_request(body, content_type, origin);
    let cases = [
        (StatusCode::CREATED, post(feedback(&id, 4, "ok").to_string(), "application/json", None)),
        (StatusCode::OK, post(feedback(&id, 4, "ok").to_string(), "text/plain", None)),
        (StatusCode::BAD_REQUEST, post(json!({ "rating": 3 }).to_string(), "application/json", None)),
        (StatusCode::FORBIDDEN, post(feedback(&new_id(), 4, "").to_string(), "application/json", Some("https://elsewhere.example"))),
        (StatusCode::PAYLOAD_TOO_LARGE, post("x".repeat(60_000), "application/json", None)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, post(feedback(&new_id(), 4, "").to_string(), "application/xml", None)),
        (StatusCode::TOO_MANY_REQUESTS, post(feedback(&new_id(), 4, "").to_string(), "application/json", None)),
    ];
    for (expected, request) in cases {
        let answer = app.send(request).await;
        assert_eq!(answer.status, expected, "{}", answer.text());
        assert_conforms(&doc, "post", "/api/feedback", &answer);
    }
}

#[tokio::test]
async fn listings_of_every_outcome_match_the_document() {
    let doc = document();
    let policy = Policy { auth_limit: AuthLimit { auth_failures_per_minute: 1, auth_failure_burst: 1 }, ..Policy::default() };
    let app = TestApp::with_policy(Policy { rate_limit: RateLimit::OFF, ..policy }).await;
    for rating in [1, 5] {
        let mut body = feedback(&new_id(), rating, "words");
        body["email"] = json!("ana@example.com");
        assert_eq!(app.post(&body).await.status, StatusCode::CREATED);
    }
    for uri in ["/api/feedback", "/api/feedback?per_page=1", "/api/feedback?format=csv", "/api/feedback?format=ndjson", "/api/feedback?rating=x"] {
        let answer = app.get_with_token(uri).await;
        assert_conforms(&doc, "get", "/api/feedback", &answer);
        if uri.ends_with("ndjson") {
            let item = json!({ "$ref": "#/components/schemas/StoredFeedback" });
            for line in answer.text().lines() {
                assert_valid(&doc, &item, &serde_json::from_str(line).expect("a JSON line"), "an NDJSON line");
            }
        }
    }
    let wrong = |token: &str| Request::get("/api/feedback").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty());
    let unauthorized = app.send(wrong("not-the-token").expect("request")).await;
    assert_eq!(unauthorized.status, StatusCode::UNAUTHORIZED);
    assert_conforms(&doc, "get", "/api/feedback", &unauthorized);
    let limited = app.send(wrong("still-not-the-token").expect("request")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_conforms(&doc, "get", "/api/feedback", &limited);
    assert_ne!(TOKEN, "not-the-token");
}

#[tokio::test]
async fn health_widget_and_document_answers_match_the_document() {
    let doc = document();
    let app = TestApp::new().await;
    for (path, uri) in [("/healthz", "/healthz"), ("/readyz", "/readyz"), ("/api/openapi.json", "/api/openapi.json"), ("/widget/{file}", "/widget/no-such-file.js")] {
        assert_conforms(&doc, "get", path, &app.get(uri).await);
    }
}

#[tokio::test]
async fn answers_while_starting_match_the_document() {
    use tower::ServiceExt;
    let doc = document();
    let router = platinum_collector::serve::Gate::default().router();
    let send = |request: Request<Body>| {
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await.expect("answer");
            let (parts, body) = response.into_parts();
            let body = http_body_util::BodyExt::collect(body).await.expect("body").to_bytes().to_vec();
            common::Answer { status: parts.status, headers: parts.headers, body }
        }
    };
    let post = send(post_request(feedback(&new_id(), 4, "").to_string(), "application/json", None)).await;
    assert_eq!(post.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_conforms(&doc, "post", "/api/feedback", &post);
    let list = send(Request::get("/api/feedback").body(Body::empty()).expect("request")).await;
    assert_conforms(&doc, "get", "/api/feedback", &list);
    for path in ["/healthz", "/readyz", "/api/openapi.json"] {
        let answer = send(Request::get(path).body(Body::empty()).expect("request")).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_conforms(&doc, "get", path, &answer);
    }
}
