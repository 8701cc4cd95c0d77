//! `/dashboard/notifications`: what the collector sent to the owner's channels, what failed and
//! why, and sending a failed one again. Each response's own page shows its part of this.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use crate::dashboard::{Owner, back_target, layout};
use crate::store::NotificationRow;
use crate::{AppError, AppState};

/// The notifications page and its "Send again" form.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/notifications", get(overview))
        .route("/dashboard/notifications/{id}/send-again", post(send_again))
}

async fn overview(_: Owner, State(state): State<AppState>) -> Result<Markup, AppError> {
    let troubled = state.store.troubled_notifications().await?;
    let pending = state.store.pending_notifications().await?;
    let channels = state.channel_names.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>();
    Ok(layout(
        "Notifications",
        html! {
            @if channels.is_empty() {
                p class="lead" { "No channel is configured: set --smtp-url with --mail-to, --slack-webhook or --webhook to be alerted (see the README)." }
            } @else {
                p class="lead" { "Alerts go to: " (channels.join(", ")) ". " (pending) " waiting to be sent." }
            }
            @if troubled.is_empty() {
                p class="empty" data-troubled="0" { "Nothing has failed." }
            } @else {
                (table(&state, &troubled, "/dashboard/notifications"))
            }
        },
    ))
}

/// The notifications `rows` as a table, with "Send again" on each failed one.
pub fn table(state: &AppState, rows: &[NotificationRow], back: &str) -> Markup {
    html! {
        table class="notifications" data-troubled=(rows.len()) {
            thead { tr { th { "Channel" } th { "What" } th { "Status" } th { "When" } th { "Detail" } th {} } }
            tbody {
                @for row in rows {
                    tr class={"notification " (row.status)} data-notification-id=(row.id) {
                        td {
                            // Replies go by the e-mail channel, but to the visitor.
                            @if row.kind == "reply" { "e-mail to the visitor" } @else { (channel_name(state, &row.channel)) }
                        }
                        td {
                            (row.kind)
                            @if let Some(id) = &row.feedback_id { " about " a href={"/dashboard/feedback/" (id)} { "a response" } }
                        }
                        td { (status_words(row)) }
                        td {
                            @match (row.status.as_str(), row.sent_at) {
                                ("sent", Some(at)) => { (when(at)) }
                                ("pending", _) => { "next try " (when(row.next_try_at)) }
                                _ => { (when(row.created_at)) }
                            }
                        }
                        td class="detail" { @if let Some(error) = &row.last_error { (error) } }
                        td {
                            @if row.status == "failed" {
                                form method="post" action={"/dashboard/notifications/" (row.id) "/send-again"} {
                                    input type="hidden" name="back" value=(back);
                                    button type="submit" name="send-again" { "Send again" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn status_words(row: &NotificationRow) -> String {
    match row.status.as_str() {
        "sent" => "sent".to_owned(),
        "failed" => format!("failed after {}", tries(row.attempts)),
        _ if row.attempts > 0 => format!("retrying ({} so far)", tries(row.attempts)),
        _ => "waiting".to_owned(),
    }
}

fn tries(n: i64) -> String {
    if n == 1 { "1 try".to_owned() } else { format!("{n} tries") }
}

fn channel_name(state: &AppState, id: &str) -> String {
    state.channel_names.iter().find(|(known, _)| known == id).map_or_else(|| format!("{id} (no longer configured)"), |(_, name)| name.clone())
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn when(unix_seconds: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix_seconds).ok().and_then(|t| t.format(format).ok()).unwrap_or_else(|| unix_seconds.to_string())
}

#[derive(Deserialize)]
struct SendAgainForm {
    #[serde(default)]
    back: String,
}

async fn send_again(_: Owner, State(state): State<AppState>, Path(id): Path<i64>, Form(form): Form<SendAgainForm>) -> Result<Response, AppError> {
    let back = match back_target(&form.back)? {
        "/dashboard/follow-up" if form.back.is_empty() => "/dashboard/notifications",
        back => back,
    };
    if !state.store.retry_notification(id, state.clock.now()).await? {
        return Err(AppError::invalid(Some("id".to_owned()), format!("notification {id} has not failed, or does not exist")));
    }
    state.notify_wake.notify_one();
    tracing::info!(notification = id, "sending a failed notification again, as the owner asked");
    Ok(Redirect::to(back).into_response())
}
