//! The dashboard and its exports against what visitors send and what a strict
//! Content-Security-Policy forbids.

mod common;

use axum::http::StatusCode;
use common::{TestApp, feedback, form, new_id};
use platinum_collector::store::{NewFeedback, now_rfc3339};
use platinum_payload::Feedback;
use serde_json::Value;

/// Stores `payload` without validating it, like a row written by an older collector whose
/// checks were looser: the dashboard must show whatever the database holds safely.
async fn store_as_is(app: &TestApp, payload: Value) {
    let feedback: Feedback = serde_json::from_value(payload).expect("payload shape");
    app.store.insert(NewFeedback { feedback, received_at: now_rfc3339(), origin: None, clock_skewed: false }).await.expect("stored");
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[tokio::test]
async fn bidi_controls_in_visitor_text_are_isolated_and_shown_as_markers() {
    let app = TestApp::new().await;
    let comment = "Refund approved \u{202E}gnp.exe\u{202C}";
    let mut body = feedback(&new_id(), 1, comment);
    body["page"]["title"] = "Cart \u{2067}sale\u{2069}".into();
    body["page"]["url"] = "https://shop.example/\u{202B}cart".into();
    body["user_agent"] = "Mozilla/5.0 \u{202D}x".into();
    body["email"] = "ana\u{2066}@example.com".into();
    store_as_is(&app, body).await;
    let cookie = app.login().await;

    for view in ["/dashboard", "/dashboard/follow-up"] {
        let html = app.get_with_cookie(view, &cookie).await.text();
        assert!(
            html.contains(
                "<bdi>Refund approved <span class=\"control\" title=\"U+202E RIGHT-TO-LEFT OVERRIDE\">[U+202E]</span>gnp.exe\
                 <span class=\"control\" title=\"U+202C POP DIRECTIONAL FORMATTING\">[U+202C]</span></bdi>"
            ),
            "{view}: {html}"
        );
        assert!(
            html.contains(
                "<bdi>Cart <span class=\"control\" title=\"U+2067 RIGHT-TO-LEFT ISOLATE\">[U+2067]</span>sale\
                 <span class=\"control\" title=\"U+2069 POP DIRECTIONAL ISOLATE\">[U+2069]</span></bdi>"
            ),
            "{view}: {html}"
        );
        for marker in ["[U+202B]", "[U+202D]", "[U+2066]"] {
            assert!(html.contains(marker), "{view}: page URL, user agent and email show {marker}");
        }
        assert!(html.contains("<bdi>en</bdi>"), "{view}: the locale is isolated too");
        assert!(!html.contains(is_bidi_control), "{view}: no raw bidi control reaches the page");
    }

    let stored = app.get_with_token("/api/feedback").await.json();
    assert_eq!(stored["items"][0]["comment"], comment, "the stored words are unchanged");
}

#[tokio::test]
async fn a_stored_address_with_a_query_cannot_add_mail_headers() {
    let app = TestApp::new().await;
    let address = "owner@shop.example?bcc=attacker%40evil.example&subject=Refund";
    let mut body = feedback(&new_id(), 2, "Call me");
    body["email"] = address.into();
    store_as_is(&app, body).await;
    let mut plain = feedback(&new_id(), 2, "Write me");
    plain["email"] = "ana.silva@example.com".into();
    store_as_is(&app, plain).await;
    let cookie = app.login().await;

    let html = app.get_with_cookie("/dashboard", &cookie).await.text();
    let hrefs: Vec<&str> =
        html.split("href=\"mailto:").skip(1).map(|rest| rest.split('"').next().unwrap_or(rest)).collect();
    assert_eq!(hrefs.len(), 2, "{html}");
    assert!(hrefs.contains(&"owner@shop.example%3Fbcc%3Dattacker%2540evil.example%26subject%3DRefund"), "{hrefs:?}");
    assert!(hrefs.iter().all(|href| !href.contains(['?', '&'])), "{hrefs:?}");
    assert!(hrefs.contains(&"ana.silva@example.com"), "an ordinary address stays as it is: {hrefs:?}");
    assert!(html.contains("<bdi>owner@shop.example?bcc=attacker%40evil.example&amp;subject=Refund</bdi>"), "the link text is the address as stored");
}

#[tokio::test]
async fn csv_cells_hiding_a_formula_behind_whitespace_or_full_width_signs_are_neutralised() {
    let app = TestApp::new().await;
    let formulas = ["  =1+1", "\n=1+1", "\u{FF1D}1+1", "\u{3000}\u{FF0B}1", "\u{FF0D}1", "\u{FF20}SUM(A1:A2)", " \t-1"];
    for comment in formulas.iter().chain(&["fine, 1+1=2"]) {
        store_as_is(&app, feedback(&new_id(), 3, comment)).await;
    }
    let answer = app.get_with_token("/api/feedback?format=csv").await;
    assert_eq!(answer.status, StatusCode::OK);
    let mut csv = csv::Reader::from_reader(answer.body.as_slice());
    let column = csv.headers().expect("header row").iter().position(|h| h == "comment").expect("comment column");
    let comments: Vec<String> = csv.records().map(|r| r.expect("CSV record")[column].to_owned()).collect();
    for formula in formulas {
        assert!(comments.contains(&format!("'{formula}")), "{formula:?} is text: {comments:?}");
    }
    assert!(comments.contains(&"fine, 1+1=2".to_owned()), "a comment that is no formula stays as it is: {comments:?}");
}

#[tokio::test]
async fn a_back_field_that_is_not_a_dashboard_path_is_refused_before_marking() {
    let app = TestApp::new().await;
    let (id, other) = (new_id(), new_id());
    store_as_is(&app, feedback(&id, 1, "Broken checkout")).await;
    store_as_is(&app, feedback(&other, 2, "Slow")).await;
    let cookie = app.login().await;
    let mark = format!("/dashboard/feedback/{id}/followed-up");
    let still_waiting = format!("action=\"{mark}\"");

    for back in [
        "%0D%0A",
        "%2Fdashboard%0D%0ASet-Cookie%3A%20x%3D1",
        "%2Fdashboard%2Ffollow-up%20x",
        "%2F%2Fevil.example%2Fdashboard",
        "%2Fdashboard%2F%2Fevil.example",
        "%2Fdashboard%5C%5Cevil.example",
        "%2Fdashboardevil",
        "%2Fdashboard%2F%C3%A9",
        "https%3A%2F%2Fevil.example",
    ] {
        let answer = app.send(form(&mark, &format!("back={back}"), Some(&cookie))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "back={back}");
        assert_eq!(answer.json()["field"], "back", "back={back}");
        let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
        assert!(html.contains("data-pending=\"2\"") && html.contains(&still_waiting), "back={back}: the row is not marked");
    }

    let marked = app.send(form(&mark, "back=%2Fdashboard%3Frating%3D1%26page%3D2", Some(&cookie))).await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert_eq!(marked.header("location"), Some("/dashboard?rating=1&page=2"), "a filtered list is a place to go back to");
    let empty = app.send(form(&format!("/dashboard/feedback/{other}/followed-up"), "back=", Some(&cookie))).await;
    assert_eq!(empty.status, StatusCode::SEE_OTHER);
    assert_eq!(empty.header("location"), Some("/dashboard/follow-up"), "no back: the follow-up view");
    let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    assert!(html.contains("data-pending=\"0\"") && !html.contains(&still_waiting));
}

#[tokio::test]
async fn pages_link_their_stylesheet_and_hold_no_inline_style() {
    let app = TestApp::new().await;
    store_as_is(&app, feedback(&new_id(), 1, "Too slow \u{202E}x")).await;
    store_as_is(&app, feedback(&new_id(), 5, "Great")).await;
    let cookie = app.login().await;
    let login_page = app.get("/dashboard").await;
    assert_eq!(login_page.status, StatusCode::UNAUTHORIZED);
    let pages = [
        ("login", login_page.text()),
        ("overview", app.get_with_cookie("/dashboard", &cookie).await.text()),
        ("follow-up", app.get_with_cookie("/dashboard/follow-up", &cookie).await.text()),
    ];
    for (name, html) in &pages {
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/dashboard/style.css\">"), "{name}: {html}");
        assert!(!html.contains("<style"), "{name}: no inline style element");
        assert!(!html.contains(" style="), "{name}: no inline style attribute");
    }

    let sheet = app.get("/dashboard/style.css").await;
    assert_eq!(sheet.status, StatusCode::OK, "no login needed");
    assert_eq!(sheet.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(sheet.header("cache-control"), Some("public, max-age=300"));
    let css = sheet.text();
    assert!(css.contains(".response{") && css.contains(".control{"), "{css}");
}
