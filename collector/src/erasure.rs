//! Erasing a visitor: every response left by one e-mail address (typed into the widget, or the
//! signed-in visitor's account address), with its metadata, the owner's replies to it and the
//! notifications about them, deleted at once; the address is replaced in stored digests.
//!
//! `platinum-collector forget --email ADDRESS` does it from the command line, and the
//! dashboard's "Erase an address" page after showing what it would delete and asking to
//! confirm. Both log the counts only, never the address or what the visitor wrote.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use crate::dashboard::{Owner, layout};
use crate::store::{Deleted, Store};
use crate::{AppError, AppState};

/// Longest e-mail address accepted (RFC 5321's limit on a path).
const MAX_ADDRESS_CHARS: usize = 320;

/// `given` trimmed, if it looks like an e-mail address.
pub fn address(given: &str) -> Result<&str, AppError> {
    let address = given.trim();
    let looks_right = address.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if !looks_right || address.chars().count() > MAX_ADDRESS_CHARS || address.chars().any(char::is_whitespace) {
        return Err(AppError::invalid(Some("email".to_owned()), "email must be one e-mail address, such as visitor@example.com"));
    }
    Ok(address)
}

/// Deletes everything stored for `address` and logs the counts; `how` says who asked.
pub async fn forget(store: &Store, address: &str, how: &str) -> Result<Deleted, sqlx::Error> {
    let deleted = store.forget_address(address).await?;
    deleted.log(&format!("erasure: forgot an e-mail address, as asked on the {how}"));
    Ok(deleted)
}

/// The counts in words: `3 responses (2 metadata entries), 1 reply, 4 notifications; the
/// address replaced in 0 digests`.
pub fn words(deleted: &Deleted) -> String {
    format!("{}; the address replaced in {}", response_words(deleted), counted(deleted.digests, "digest", "digests"))
}

/// What the responses' part of the counts says: `3 responses (2 metadata entries), 1 reply, 4
/// notifications`.
fn response_words(deleted: &Deleted) -> String {
    format!(
        "{} ({}), {}, {}",
        counted(deleted.responses, "response", "responses"),
        counted(deleted.metadata, "metadata entry", "metadata entries"),
        counted(deleted.replies, "reply", "replies"),
        counted(deleted.notifications, "notification", "notifications"),
    )
}

fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The dashboard's "Erase an address" page and its form.
pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard/erase", get(form_page).post(erase))
}

async fn form_page(_: Owner) -> Markup {
    layout(
        "Erase an address",
        html! {
            p class="lead" {
                "Deletes every response left with an e-mail address (typed by the visitor, or their account's when they were signed in), "
                "your replies to them and their notifications. You are shown what it would delete and asked to confirm first."
            }
            (address_form(""))
        },
    )
}

fn address_form(value: &str) -> Markup {
    html! {
        form method="post" action="/dashboard/erase" class="erase" {
            label { "E-mail address " input type="email" name="email" required value=(value); }
            " "
            button type="submit" { "Show what would be deleted" }
        }
    }
}

#[derive(Deserialize)]
struct EraseForm {
    #[serde(default)]
    email: String,
    /// `yes` once the owner has seen what would be deleted.
    #[serde(default)]
    confirm: String,
}

async fn erase(_: Owner, State(state): State<AppState>, Form(form): Form<EraseForm>) -> Result<Response, AppError> {
    let address = address(&form.email)?;
    if form.confirm != "yes" {
        let found = state.store.count_address(address).await?;
        let page = layout(
            "Erase an address",
            html! {
                @if found.responses == 0 {
                    p class="lead" data-found="0" { "No response was left with " (address) "." }
                    (address_form(address))
                } @else {
                    p class="lead" data-found=(found.responses) {
                        "This deletes " (response_words(&found))
                        " for " (address) ", for good."
                    }
                    form method="post" action="/dashboard/erase" {
                        input type="hidden" name="email" value=(address);
                        input type="hidden" name="confirm" value="yes";
                        button type="submit" { "Delete them" }
                        " "
                        a href="/dashboard/erase" { "Cancel" }
                    }
                }
            },
        );
        return Ok(page.into_response());
    }
    let deleted = forget(&state.store, address, "dashboard").await?;
    Ok(layout(
        "Erase an address",
        html! {
            p class="lead" data-deleted=(deleted.responses) { "Deleted " (words(&deleted)) "." }
            (address_form(""))
        },
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_address_is_taken() {
        assert_eq!(address("  Visitor@Example.com ").ok(), Some("Visitor@Example.com"));
        for wrong in ["", "visitor", "@example.com", "visitor@", "a b@example.com"] {
            assert!(address(wrong).is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn counts_read_in_words() {
        let deleted = Deleted { responses: 1, metadata: 2, replies: 1, notifications: 0, digests: 3 };
        assert_eq!(words(&deleted), "1 response (2 metadata entries), 1 reply, 0 notifications; the address replaced in 3 digests");
    }
}
