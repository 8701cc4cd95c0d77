//! The collector's contract: the OpenAPI 3.1 document of every public route, served at
//! `GET /api/openapi.json` and checked in as `collector/openapi.json`.
//!
//! The request body of `POST /api/feedback` is the payload crate's JSON Schema itself
//! ([`platinum_payload::JSON_SCHEMA`]), so the two cannot differ. The rest is written here beside
//! the handlers and held to them by tests: the checked-in file must equal [`document`], every
//! route the routers declare must be in it (or be one of the dashboard's pages, which are not an
//! API), and real answers of every status must validate against its schemas. `cargo xtask test`
//! also runs schemathesis against a live collector with it.

use std::sync::OnceLock;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::AppState;
use crate::filter::Paging;

/// `GET /api/openapi.json`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(serve))
}

async fn serve() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], text()).into_response()
}

/// The document as served and checked in: pretty-printed, with a final newline.
pub fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
        text.push('\n');
        text
    })
}

/// The routes the document leaves out, with why: HTML pages for a person, not an API.
pub const NOT_API: &[&str] = &[
    "/",
    "/demo.css",
    "/dashboard",
    "/dashboard/login",
    "/dashboard/logout",
    "/dashboard/logout-everywhere",
    "/dashboard/follow-up",
    "/dashboard/export.csv",
    "/dashboard/style.css",
    "/dashboard/feedback/{id}",
    "/dashboard/feedback/{id}/followed-up",
    "/dashboard/feedback/{id}/reply",
    "/dashboard/notifications",
    "/dashboard/notifications/{id}/send-again",
    "/dashboard/erase",
];

/// A response of status `description` whose body is the error object.
fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// The answer to a missing or wrong admin token.
fn unauthorized() -> Value {
    json!({
        "description": "The admin token is missing or wrong.",
        "headers": { "WWW-Authenticate": { "description": "`Bearer`.", "schema": { "type": "string" } } },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

/// The answer once an address has sent too many wrong admin tokens.
fn wrong_tokens() -> Value {
    error_retry("Too many wrong admin tokens from this address; the next try is not looked at before `Retry-After`.")
}

/// An error response that also asks the client to wait (`Retry-After`).
fn error_retry(description: &str) -> Value {
    let mut response = error(description);
    response["headers"] = json!({ "Retry-After": { "$ref": "#/components/headers/RetryAfter" } });
    response
}

/// A query parameter. Each may also be given empty, which means "any" (HTML forms send every
/// field), and surrounding spaces are ignored.
fn query(name: &str, description: &str, schema: Value) -> Value {
    let schema = json!({ "anyOf": [schema, { "type": "string", "maxLength": 0 }] });
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

/// The OpenAPI document.
pub fn document() -> Value {
    let feedback_schema = embedded_payload_schema();
    let scales = json!({ "type": "string", "enum": ["csat5", "stars5", "emoji5", "thumbs", "nps"] });
    let yes_no = json!({ "type": "string", "enum": ["yes", "no", "true", "false", "1", "0"] });
    let date = json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let health = |what: &str| {
        json!({
            "get": {
                "summary": what,
                "tags": ["health"],
                "responses": {
                    "200": { "description": "Up, and the database answers.", "content": { "text/plain": { "schema": { "type": "string" } } } },
                    "503": {
                        "description": "Starting, or the database does not answer.",
                        "headers": { "Retry-After": { "$ref": "#/components/headers/RetryAfter" } },
                        "content": { "text/plain": { "schema": { "type": "string" } } }
                    }
                }
            }
        })
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Platinum collector",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Receives feedback from the Platinum widget and gives it to the site's owner. \
                Visitors' browsers post to `POST /api/feedback`; the owner reads with `GET /api/feedback` and the admin token. \
                Every error is a JSON object `{\"error\": \"…\", \"field\": …}`: 4xx errors explain what was wrong and name the \
                offending member or query parameter in `field` when there is one; 5xx errors are generic (the server log has the detail, \
                under the `x-request-id` the response carries).",
            "license": { "name": env!("CARGO_PKG_LICENSE") }
        },
        "tags": [
            { "name": "feedback", "description": "Responses coming in and going out." },
            { "name": "widget", "description": "The widget's files, which a site's page loads." },
            { "name": "health", "description": "For process supervisors and load balancers." },
            { "name": "operations", "description": "For the people running the collector." }
        ],
        "paths": {
            "/api/feedback": {
                "post": {
                    "operationId": "postFeedback",
                    "summary": "Store a visitor's response",
                    "tags": ["feedback"],
                    "description": "The widget's post. A retry with the same `id` stores nothing new and answers 200. Browsers on \
                        another site may post when that site is allowed (`--allow-origin`); senders that are not browsers send no `Origin`. \
                        `text/plain` is read as JSON too, for senders that cannot set headers (`navigator.sendBeacon`). Each client may post \
                        a limited number of times a minute (`--rate-limit-per-minute`, `--rate-limit-burst`).",
                    "requestBody": {
                        "required": true,
                        "content": {
                            "application/json": { "schema": { "$ref": "#/components/schemas/Feedback" } },
                            "text/plain": { "schema": { "$ref": "#/components/schemas/Feedback" } }
                        }
                    },
                    "responses": {
                        "201": { "description": "Stored.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Accepted" } } } },
                        "200": {
                            "description": "A response with this id was already stored (a retry); nothing was written.",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Accepted" } } }
                        },
                        "400": error("The body is not a valid response; `field` names the member at fault."),
                        "403": error("The `Origin` is another site that may not post here."),
                        "408": error("The body did not arrive in time."),
                        "413": error("The body is over 49,152 bytes."),
                        "415": error("The content type is neither `application/json` nor `text/plain`."),
                        "429": error_retry("This client posted too often; `Retry-After` says when it may again."),
                        "500": error("The server failed."),
                        "503": error_retry("The database cannot be reached just now (or the collector is starting or stopping); nothing was stored, send it again after `Retry-After`.")
                    }
                },
                "get": {
                    "operationId": "listFeedback",
                    "summary": "List or export stored responses",
                    "tags": ["feedback"],
                    "description": "Newest first. `format=json` (the default) answers one page, reached by number (`page`, `per_page`) or by \
                        cursor (`cursor`, from the previous page's `next_cursor`). A cursor walk sees every response stored before it began \
                        exactly once, however many arrive meanwhile; paging by number may repeat or skip one when responses arrive between \
                        pages. `format=csv` and `format=ndjson` stream every matching response (older than `cursor`, when one is given; \
                        `page` and `per_page` do not apply): one JSON object per line, each shaped like a page's items, for `ndjson`. \
                        Every filter applies to every format; empty parameters are ignored, as are unknown ones.",
                    "security": [{ "adminToken": [] }],
                    "parameters": [
                        query("rating", "Only this rating (on `scale`, when given: it must be on that scale).", json!({ "type": "integer", "minimum": 0, "maximum": 10 })),
                        query("scale", "Only ratings on this scale.", scales.clone()),
                        {
                            "name": "meta", "in": "query", "required": false, "style": "form", "explode": true,
                            "description": "`key:value`, repeatable: only responses whose metadata has each entry.",
                            "schema": { "type": "array", "items": { "type": "string", "pattern": "^[^:]+:" } }
                        },
                        query("has_comment", "Only responses with (or without) a comment.", yes_no.clone()),
                        query("has_email", "Only responses with (or without) a typed e-mail address.", yes_no),
                        query("from", "Received on or after this day (UTC).", date.clone()),
                        query("to", "Received on or before this day (UTC).", date),
                        query("q", "Comment, e-mail address or page URL contains this text (case-insensitive for ASCII).", json!({ "type": "string" })),
                        query("spam", "Leave out responses flagged as spam (`hide`, the default), include them, or show only them.", json!({ "type": "string", "enum": ["hide", "include", "only"], "default": "hide" })),
                        query("page", "Page number, from 1 (`format=json`; not with `cursor`).", json!({ "type": "integer", "minimum": 1, "maximum": u32::MAX, "default": 1 })),
                        query("per_page", "Responses per page (`format=json`).", json!({ "type": "integer", "minimum": 1, "maximum": Paging::MAX_PER_PAGE, "default": Paging::default().per_page })),
                        query("cursor", "Go on after the last response of an earlier page: its `next_cursor`, as given.", json!({ "type": "string", "pattern": "^c1\\.[1-9a-f][0-9a-f]{0,14}$" })),
                        query("format", "`json` (a page), `csv` or `ndjson` (every matching response, streamed).", json!({ "type": "string", "enum": ["json", "csv", "ndjson"], "default": "json" }))
                    ],
                    "responses": {
                        "200": {
                            "description": "A page (`json`), or every matching response (`csv`, `ndjson`).",
                            "content": {
                                "application/json": { "schema": { "$ref": "#/components/schemas/Page" } },
                                "text/csv": {
                                    "description": "A header line, then a line per response. Cells a spreadsheet would run as a formula start with `'`.",
                                    "schema": { "type": "string" }
                                },
                                "application/x-ndjson": {
                                    "description": "One `StoredFeedback` JSON object per line.",
                                    "schema": { "type": "string" },
                                    "x-item-schema": { "$ref": "#/components/schemas/StoredFeedback" }
                                }
                            }
                        },
                        "400": error("A query parameter is not valid; `field` names it."),
                        "401": unauthorized(),
                        "429": wrong_tokens(),
                        "500": error("The server failed."),
                        "503": error_retry("The database cannot be reached just now (or the collector is starting or stopping).")
                    }
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "tags": ["feedback"],
                    "responses": {
                        "200": { "description": "The OpenAPI document.", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "503": error_retry("The collector is starting.")
                    }
                }
            },
            "/widget/{file}": {
                "get": {
                    "operationId": "widgetFile",
                    "summary": "A file of the widget",
                    "tags": ["widget"],
                    "description": "What a site's page loads: `feedback.js` (the loader, which a `<script>` tag names), the wasm modules and \
                        their glue, and the locale files the loader names. Names with a content hash are cached for a year; the loader for five \
                        minutes. Served in brotli or gzip as `Accept-Encoding` allows, to any origin.",
                    "parameters": [
                        { "name": "file", "in": "path", "required": true, "description": "The file's name, as the loader names it.", "schema": { "type": "string" }, "example": "feedback.js" },
                        { "name": "If-None-Match", "in": "header", "required": false, "description": "An `ETag` of an earlier answer.", "schema": { "type": "string" } }
                    ],
                    "responses": {
                        "200": {
                            "description": "The file.",
                            "headers": { "ETag": { "description": "Names exactly these bytes.", "schema": { "type": "string" } } },
                            "content": {
                                "text/javascript": { "schema": { "type": "string" } },
                                "application/wasm": { "schema": { "type": "string", "contentMediaType": "application/wasm" } },
                                "application/json": { "schema": { "type": "object" } },
                                "text/css": { "schema": { "type": "string" } }
                            }
                        },
                        "304": { "description": "The copy named by `If-None-Match` is current." },
                        "404": error("There is no such file.")
                    }
                }
            },
            "/healthz": health("Whether the collector is up and its database answers (for a process supervisor)"),
            "/readyz": health("Whether the collector is ready for traffic: the database answers within two seconds (for a load balancer)"),
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Figures for a Prometheus scraper",
                    "tags": ["operations"],
                    "description": "Posts by status, responses stored by scale and rating, the writer's batch sizes and commit times, \
                        pending notifications and resident memory, in the OpenMetrics text format. Also served without a token on \
                        `--metrics-listen`, an address that serves nothing else.",
                    "security": [{ "adminToken": [] }],
                    "responses": {
                        "200": { "description": "The figures.", "content": { "application/openmetrics-text": { "schema": { "type": "string" } } } },
                        "401": unauthorized(),
                        "429": wrong_tokens(),
                        "500": error("The server failed."),
                        "503": error_retry("The database cannot be reached just now (or the collector is starting or stopping).")
                    }
                }
            }
        },
        "components": {
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The owner's admin token (`PLATINUM_ADMIN_TOKEN`), as `Authorization: Bearer <token>`."
                }
            },
            "headers": {
                "RetryAfter": { "description": "Seconds to wait before trying again.", "schema": { "type": "integer", "minimum": 0 } }
            },
            "schemas": {
                "Feedback": feedback_schema,
                "Accepted": {
                    "type": "object",
                    "required": ["id", "status"],
                    "additionalProperties": false,
                    "properties": {
                        "id": { "type": "string", "description": "The response's id, in lower case." },
                        "status": { "type": "string", "enum": ["created", "already stored"] }
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "field"],
                    "additionalProperties": false,
                    "properties": {
                        "error": { "type": "string", "description": "What went wrong, in words." },
                        "field": { "type": ["string", "null"], "description": "The JSON path or query parameter at fault, when known." }
                    }
                },
                "Page": {
                    "type": "object",
                    "required": ["total", "page", "per_page", "next_cursor", "items"],
                    "additionalProperties": false,
                    "properties": {
                        "total": { "type": "integer", "minimum": 0, "description": "Responses matching the filter." },
                        "page": { "type": ["integer", "null"], "minimum": 1, "description": "The page number asked for; null on a page reached by cursor." },
                        "per_page": { "type": "integer", "minimum": 1, "maximum": Paging::MAX_PER_PAGE },
                        "next_cursor": { "type": ["string", "null"], "description": "`cursor` for the next page; null on the last." },
                        "items": { "type": "array", "items": { "$ref": "#/components/schemas/StoredFeedback" } }
                    }
                },
                "StoredFeedback": stored_feedback(&scales)
            }
        }
    })
}

/// The payload's JSON Schema as it stands in the document: the same schema, with its `$id`
/// left out and its references to its own `$defs` written from the document's root, which is
/// where OpenAPI tools resolve them.
fn embedded_payload_schema() -> Value {
    fn rebase(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get_mut("$ref")
                    && let Some(rest) = target.strip_prefix("#/$defs/")
                {
                    *target = format!("{PAYLOAD_POINTER}/$defs/{rest}");
                }
                map.values_mut().for_each(rebase);
            }
            Value::Array(items) => items.iter_mut().for_each(rebase),
            _ => {}
        }
    }
    let mut schema: Value = serde_json::from_str(platinum_payload::JSON_SCHEMA).unwrap_or(Value::Null);
    if let Some(map) = schema.as_object_mut() {
        map.remove("$id");
    }
    rebase(&mut schema);
    schema
}

/// Where the payload schema stands in the document.
const PAYLOAD_POINTER: &str = "#/components/schemas/Feedback";

/// A stored response as listed and exported.
fn stored_feedback(scales: &Value) -> Value {
    let text = json!({ "type": "string" });
    let maybe = json!({ "type": ["string", "null"] });
    let fields = [
        ("id", text.clone(), "The response's id (a UUID, lower case)."),
        ("received_at", text.clone(), "When the collector received it, RFC 3339 UTC with milliseconds."),
        ("origin", maybe.clone(), "The `Origin` of the post, if the sender gave one."),
        ("rating", json!({ "type": "integer", "minimum": 0, "maximum": 10 }), "A point of `scale`."),
        ("scale", scales.clone(), "The scale the rating is on."),
        ("comment", text.clone(), "What the visitor wrote; may be empty."),
        ("email", maybe.clone(), "The address the visitor typed, if they did."),
        ("user_id", maybe.clone(), "The signed-in visitor's id in the site's system."),
        ("user_email", maybe.clone(), "The signed-in visitor's account address."),
        ("user_name", maybe.clone(), "The signed-in visitor's name."),
        ("metadata", json!({ "type": "object", "additionalProperties": { "type": "string" } }), "The site's facts about the visit."),
        ("page_url", text.clone(), ""),
        ("page_title", text.clone(), ""),
        ("page_referrer", text.clone(), ""),
        ("locale", text.clone(), ""),
        ("user_agent", text.clone(), ""),
        ("viewport_width", json!({ "type": "integer", "minimum": 0 }), ""),
        ("viewport_height", json!({ "type": "integer", "minimum": 0 }), ""),
        ("created_at", text.clone(), "The visitor's clock when they answered, as sent."),
        ("widget_version", text, ""),
        ("schema_version", json!({ "type": "integer", "enum": [1, 2] }), "The payload version it was posted in."),
        ("spam", json!({ "type": "boolean" }), "The honeypot was filled."),
        ("followed_up_at", maybe.clone(), "When the owner marked it followed up."),
        ("clock_skewed", json!({ "type": "boolean" }), "`created_at` was far from the time it arrived."),
        ("follow_up_note", maybe, "The owner's private note from following it up."),
    ];
    let mut properties = serde_json::Map::new();
    for (name, mut schema, description) in fields {
        if !description.is_empty() {
            schema["description"] = json!(description);
        }
        properties.insert(name.to_owned(), schema);
    }
    let required: Vec<&str> = properties.keys().map(String::as_str).collect();
    json!({ "type": "object", "required": required, "additionalProperties": false, "properties": properties })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feedback_body_is_the_payload_schema_itself() {
        let payload: Value = serde_json::from_str(platinum_payload::JSON_SCHEMA).expect("the payload schema is JSON");
        let embedded = document()["components"]["schemas"]["Feedback"].to_string();
        // Undo the two things embedding changes: where references start, and the `$id`.
        let mut restored: Value = serde_json::from_str(&embedded.replace(&format!("{PAYLOAD_POINTER}/$defs/"), "#/$defs/")).expect("JSON");
        restored["$id"] = payload["$id"].clone();
        assert_eq!(restored, payload);
        assert!(embedded.contains(PAYLOAD_POINTER), "its references are rebased");
    }

    #[test]
    fn every_reference_points_at_something() {
        fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(target)) = map.get("$ref") {
                        found.push(target);
                    }
                    map.values().for_each(|v| refs(v, found));
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
                _ => {}
            }
        }
        let doc = document();
        let mut found = Vec::new();
        refs(&doc["paths"], &mut found);
        refs(&doc["components"], &mut found);
        assert!(!found.is_empty());
        for target in found {
            let pointer = target.strip_prefix('#').expect("a reference inside the document");
            assert!(doc.pointer(pointer).is_some(), "{target} names nothing");
        }
    }
}
