//! Schema versions 1 and 2 side by side: every scale, the signed-in visitor and the owner's
//! metadata, stored, filtered, summed up, counted as unhappy per scale and exported.

mod common;

use axum::http::StatusCode;
use common::{TestApp, feedback, feedback_v2, new_id, post_request};
use platinum_collector::rating::Unhappiness;
use serde_json::{Value, json};

fn with_user_and_metadata(mut payload: Value) -> Value {
    payload["user"] = json!({ "id": "u_4821", "email": "ana.silva@shop.example", "name": "Ana Silva" });
    payload["metadata"] = json!({ "zone": "eu", "plan": "pro" });
    payload
}

fn item<'a>(listed: &'a Value, id: &str) -> &'a Value {
    listed["items"].as_array().and_then(|items| items.iter().find(|i| i["id"] == id)).expect("listed")
}

#[tokio::test]
async fn both_versions_are_stored_with_their_scale_user_and_metadata() {
    let app = TestApp::new().await;
    let (old, new) = (new_id(), new_id());
    assert_eq!(app.post(&feedback(&old, 4, "version 1")).await.status, StatusCode::CREATED);
    // serde_json's objects sort their keys: the order is set in the text.
    let text = with_user_and_metadata(feedback_v2(&new, "nps", 9, "version 2")).to_string();
    let text = text.replace(r#""metadata":{"plan":"pro","zone":"eu"}"#, r#""metadata":{"zone":"eu","plan":"pro"}"#);
    assert!(text.contains(r#"{"zone":"eu","plan":"pro"}"#));
    let answer = app.send(post_request(text, "application/json", None)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());

    let listed = app.get_with_token("/api/feedback").await;
    let json = listed.json();
    let v1 = item(&json, &old);
    assert_eq!((&v1["scale"], &v1["schema_version"], &v1["rating"]), (&json!("csat5"), &json!(1), &json!(4)));
    assert_eq!((&v1["user_id"], &v1["user_email"], &v1["metadata"]), (&Value::Null, &Value::Null, &json!({})));
    let v2 = item(&json, &new);
    assert_eq!((&v2["scale"], &v2["schema_version"], &v2["rating"]), (&json!("nps"), &json!(2), &json!(9)));
    assert_eq!((&v2["user_id"], &v2["user_email"], &v2["user_name"]), (&json!("u_4821"), &json!("ana.silva@shop.example"), &json!("Ana Silva")));
    assert!(listed.text().contains(r#""metadata":{"zone":"eu","plan":"pro"}"#), "in the order given: {}", listed.text());

    let cookie = app.login().await;
    let html = app.get_with_cookie(&format!("/dashboard/feedback/{new}"), &cookie).await.text();
    assert!(html.contains("9 / 10"), "NPS shows as 9 / 10");
    assert!(html.contains("Ana Silva") && html.contains("u_4821") && html.contains("ana.silva@shop.example"), "the user");
    assert!(html.contains("zone") && html.contains("eu") && html.contains("plan") && html.contains("pro"), "the metadata");
}

/// The status, `field` and `error` of the answer to posting `body`.
async fn answer_to(app: &TestApp, body: &Value) -> (StatusCode, String, String) {
    let answer = app.post(body).await;
    let json = answer.json();
    let text = |key: &str| json[key].as_str().unwrap_or_default().to_owned();
    (answer.status, text("field"), text("error"))
}

#[tokio::test]
async fn a_scale_or_rating_that_does_not_fit_is_refused_naming_it() {
    let app = TestApp::new().await;
    let mut v2_number = feedback_v2(&new_id(), "csat5", 3, "");
    v2_number["scale"] = json!(5);
    let mut v1_name = feedback(&new_id(), 3, "");
    v1_name["scale"] = json!("nps");
    let mut too_many = feedback_v2(&new_id(), "csat5", 3, "");
    too_many["metadata"] = (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let mut long_value = feedback_v2(&new_id(), "csat5", 3, "");
    long_value["metadata"] = json!({ "plan": "p".repeat(257) });
    let mut bad_user = feedback_v2(&new_id(), "csat5", 3, "");
    bad_user["user"] = json!({ "email": "ana@shop.example?bcc=x@evil.example" });
    let cases = [
        (v2_number, "scale", "(got 5)"),
        (v1_name, "scale", "must be 5 in schema version 1 (got \"nps\")"),
        (feedback_v2(&new_id(), "nps10", 3, ""), "scale", "(got \"nps10\")"),
        (feedback_v2(&new_id(), "nps", 11, ""), "rating", "between 0 and 10 (got 11)"),
        (feedback_v2(&new_id(), "thumbs", 2, ""), "rating", "between 0 and 1 (got 2)"),
        (feedback_v2(&new_id(), "stars5", 0, ""), "rating", "between 1 and 5 (got 0)"),
        (too_many, "metadata", "at most 20 entries (got 21)"),
        (long_value, "metadata.plan", "at most 256 characters (got 257)"),
        (bad_user, "user.email", "an email address"),
    ];
    for (body, field, words) in cases {
        let (status, got_field, error) = answer_to(&app, &body).await;
        assert_eq!((status, got_field.as_str()), (StatusCode::BAD_REQUEST, field), "{error}");
        assert!(error.contains(words), "{error}");
    }
    assert_eq!(app.rows().await, 0, "nothing refused is stored");
    for scale in ["csat5", "stars5", "emoji5", "thumbs", "nps"] {
        assert_eq!(answer_to(&app, &feedback_v2(&new_id(), scale, 1, "")).await.0, StatusCode::CREATED, "{scale}");
    }
}

#[tokio::test]
async fn the_metadata_filter_finds_responses_by_key_and_value() {
    let app = TestApp::new().await;
    let (pro, free, pro_four, none) = (new_id(), new_id(), new_id(), new_id());
    for (id, metadata) in [(&pro, json!({ "plan": "pro" })), (&free, json!({ "plan": "free" })), (&pro_four, json!({ "seats": "4", "plan": "pro" })), (&none, Value::Null)] {
        let mut body = feedback_v2(id, "csat5", 4, "");
        body["metadata"] = metadata;
        assert_eq!(app.post(&body).await.status, StatusCode::CREATED);
    }
    let ids = |json: Value| -> Vec<String> {
        let mut ids: Vec<String> = json["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<&String>| { v.sort(); v.into_iter().cloned().collect::<Vec<_>>() };
    assert_eq!(ids(app.get_with_token("/api/feedback?meta=plan:pro").await.json()), sorted(vec![&pro, &pro_four]));
    assert_eq!(ids(app.get_with_token("/api/feedback?meta=plan:pro&meta=seats:4").await.json()), vec![pro_four.clone()], "every entry must match");
    assert_eq!(ids(app.get_with_token("/api/feedback?meta=plan:Pro").await.json()), Vec::<String>::new(), "values match exactly");
    assert_eq!(ids(app.get_with_token("/api/feedback?meta=plan%3Apro%3Aplus").await.json()), Vec::<String>::new(), "the value is all after the first ':'");
    let cookie = app.login().await;
    let html = app.get_with_cookie("/dashboard?meta=plan%3Afree", &cookie).await.text();
    assert_eq!(html.matches("data-feedback-id=").count(), 1);
    assert!(html.contains(&format!("data-feedback-id=\"{free}\"")));
    assert!(html.contains("value=\"plan:free\""), "the form keeps the filter");
    assert!(html.contains("export.csv?meta=plan%3Afree"), "so does the export link");
    for bad in ["meta=plan", "meta=%3Apro"] {
        let answer = app.get_with_cookie(&format!("/dashboard?{bad}"), &cookie).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer.json()["field"], "meta", "{bad}");
        assert!(answer.json()["error"].as_str().is_some_and(|e| e.contains("key:value")), "{bad}");
    }
}

#[tokio::test]
async fn the_summary_gives_each_scale_the_nps_score_and_the_thumbs_share() {
    let app = TestApp::new().await;
    for rating in [10, 9, 9, 7, 3] {
        app.post(&feedback_v2(&new_id(), "nps", rating, "")).await;
    }
    for rating in [1, 1, 1, 0] {
        app.post(&feedback_v2(&new_id(), "thumbs", rating, "")).await;
    }
    app.post(&feedback(&new_id(), 5, "")).await;
    app.post(&feedback_v2(&new_id(), "stars5", 2, "")).await;
    let cookie = app.login().await;
    let html = app.get_with_cookie("/dashboard", &cookie).await.text();
    assert!(html.contains("data-total=\"11\""), "every scale counts in the total");
    // 3 promoters of 5 (60%) less 1 detractor (20%).
    assert!(html.contains("data-nps=\"40\"") && html.contains("+40"), "NPS score");
    assert!(html.contains("data-thumbs-up=\"75\"") && html.contains("75%"), "3 of 4 thumbs up");
    assert!(html.contains("3.50"), "the average is of the five-point ratings only");
    for scale in ["csat5", "stars5", "thumbs", "nps"] {
        assert!(html.contains(&format!("<tr data-scale=\"{scale}\">")), "{scale} has its row");
    }
    assert!(!html.contains("<tr data-scale=\"emoji5\">"), "a scale without responses has none");
    let nps_only = app.get_with_cookie("/dashboard?scale=nps", &cookie).await.text();
    assert!(nps_only.contains("data-total=\"5\"") && nps_only.contains("data-nps=\"40\"") && !nps_only.contains("data-thumbs-up"));
    let promoters = app.get_with_cookie("/dashboard?scale=nps&rating=9", &cookie).await.text();
    assert_eq!(promoters.matches("data-feedback-id=").count(), 2);
    let off_scale = app.get_with_cookie("/dashboard?scale=thumbs&rating=5", &cookie).await;
    assert_eq!((off_scale.status, off_scale.json()["field"].clone()), (StatusCode::BAD_REQUEST, json!("rating")));
    let unknown = app.get_with_cookie("/dashboard?scale=nps10", &cookie).await;
    assert_eq!((unknown.status, unknown.json()["field"].clone()), (StatusCode::BAD_REQUEST, json!("scale")));
}

/// Posts one response per `(scale, rating)` and says which of them are on the follow-up list.
async fn follow_up_of(app: &TestApp, ratings: &[(&str, u8)]) -> Vec<(String, u8)> {
    let mut ids = Vec::new();
    for (scale, rating) in ratings {
        let id = new_id();
        assert_eq!(app.post(&feedback_v2(&id, scale, *rating, "Said something")).await.status, StatusCode::CREATED);
        ids.push((id, (*scale).to_owned(), *rating));
    }
    let cookie = app.login().await;
    let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    let listed: Vec<(String, u8)> =
        ids.iter().filter(|(id, _, _)| html.contains(&format!("data-feedback-id=\"{id}\""))).map(|(_, s, r)| (s.clone(), *r)).collect();
    let (_, waiting) = app.store.waiting_for_follow_up(50).await.expect("the digest's list");
    assert_eq!(usize::try_from(waiting).expect("count"), listed.len(), "the digest counts the same");
    let overview = app.get_with_cookie("/dashboard", &cookie).await.text();
    assert_eq!(overview.matches(" unhappy\"").count(), listed.len(), "the overview marks the same");
    listed
}

const SPREAD: [(&str, u8); 10] =
    [("csat5", 2), ("csat5", 3), ("emoji5", 3), ("nps", 3), ("nps", 4), ("nps", 6), ("nps", 7), ("thumbs", 0), ("thumbs", 1), ("stars5", 1)];

#[tokio::test]
async fn each_scale_counts_as_unhappy_by_its_own_threshold() {
    let app = TestApp::new().await;
    let listed = follow_up_of(&app, &SPREAD).await;
    let expected: Vec<(String, u8)> =
        [("csat5", 2), ("nps", 3), ("nps", 4), ("nps", 6), ("thumbs", 0), ("stars5", 1)].iter().map(|(s, r)| ((*s).to_owned(), *r)).collect();
    assert_eq!(listed, expected, "2 of 5, NPS detractors 0–6 and thumbs down by default");
}

#[tokio::test]
async fn the_owner_sets_the_nps_threshold_apart_from_the_five_point_one() {
    let app = TestApp::with_unhappiness(Unhappiness { five_point_up_to: 3, nps_up_to: 3 }).await;
    let listed = follow_up_of(&app, &SPREAD).await;
    let expected: Vec<(String, u8)> =
        [("csat5", 2), ("csat5", 3), ("emoji5", 3), ("nps", 3), ("thumbs", 0), ("stars5", 1)].iter().map(|(s, r)| ((*s).to_owned(), *r)).collect();
    assert_eq!(listed, expected, "--unhappy-up-to 3 --nps-unhappy-up-to 3");
    let cookie = app.login().await;
    let lead = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    assert!(lead.contains("Ratings of 1 to 3 (of 5), NPS ratings of 0 to 3, and thumbs down"), "the page says which");
}

#[tokio::test]
async fn exports_carry_scale_user_and_metadata() {
    let app = TestApp::new().await;
    let id = new_id();
    let mut body = with_user_and_metadata(feedback_v2(&id, "thumbs", 0, "Not what I looked for"));
    body["metadata"] = json!({ "plan": "=cmd|' /C calc'!A0", "zone": "eu" });
    app.post(&body).await;
    app.post(&feedback(&new_id(), 5, "Great")).await;
    let cookie = app.login().await;
    for csv in [app.get_with_token("/api/feedback?format=csv").await.text(), app.get_with_cookie("/dashboard/export.csv", &cookie).await.text()] {
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
        let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let row = rows.iter().find(|r| &r[column("id")] == id.as_str()).expect("the response");
        assert_eq!((&row[column("scale")], &row[column("rating")]), ("thumbs", "0"));
        assert_eq!((&row[column("user_id")], &row[column("user_email")], &row[column("user_name")]), ("u_4821", "ana.silva@shop.example", "Ana Silva"));
        let metadata: Value = serde_json::from_str(&row[column("metadata")]).expect("metadata as JSON");
        assert_eq!(metadata, json!({ "plan": "=cmd|' /C calc'!A0", "zone": "eu" }));
        assert!(row[column("metadata")].starts_with('{'), "a JSON object, which no spreadsheet runs");
        let other = rows.iter().find(|r| &r[column("id")] != id.as_str()).expect("the other");
        assert_eq!((&other[column("scale")], &other[column("metadata")], &other[column("user_id")]), ("csat5", "", ""));
    }
    let json = app.get_with_token("/api/feedback").await.json();
    assert_eq!(item(&json, &id)["metadata"], json!({ "plan": "=cmd|' /C calc'!A0", "zone": "eu" }));
}

#[tokio::test]
async fn a_signed_in_visitor_is_answered_at_their_account_address() {
    let app = TestApp::new().await;
    let (account, typed) = (new_id(), new_id());
    app.post(&with_user_and_metadata(feedback_v2(&account, "csat5", 1, "No address typed"))).await;
    let mut both = with_user_and_metadata(feedback_v2(&typed, "csat5", 1, "Typed one"));
    both["email"] = json!("ana.private@example.com");
    app.post(&both).await;
    let cookie = app.login().await;
    let html = app.get_with_cookie("/dashboard/follow-up", &cookie).await.text();
    let article = |id: &str| html.split(&format!("data-feedback-id=\"{id}\"")).nth(1).and_then(|rest| rest.split("</article>").next()).expect("listed").to_owned();
    let first = article(&account);
    assert!(first.contains("mailto:ana.silva@shop.example") && first.contains(">account<"), "the account's address, said to be");
    let second = article(&typed);
    assert!(second.contains("mailto:ana.private@example.com") && !second.contains(">account<"), "the typed address comes first");
    let stored = app.store.feedback(&account).await.expect("read").expect("stored");
    assert_eq!(stored.reply_address().map(|(a, _)| a), Some("ana.silva@shop.example"));
}
