//! Dashboard sessions: a random id per login, kept in the database only as its hash, ended by
//! logging out (here or everywhere), by idle time, by age, or by a change of admin token.
//!
//! Kept in the database rather than in memory so that sessions survive a restart and work the
//! same behind several collectors sharing one database.

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header;

use crate::auth::{random_hex, sha256_hex};
use crate::config::CookieSecure;
use crate::{AppError, AppState};

/// Name of the dashboard session cookie.
pub const SESSION_COOKIE: &str = "platinum_session";
/// A session's last use is written at most this often (seconds), not on every page view.
const TOUCH_EVERY: i64 = 60;

/// How long sessions last and how their cookie is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Unused for this long, a session ends.
    pub idle: Duration,
    /// This long after login, a session ends however much it is used.
    pub lifetime: Duration,
    /// When the cookie is marked `Secure`.
    pub secure: CookieSecure,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::from_secs(12 * 3600), lifetime: Duration::from_secs(7 * 86_400), secure: CookieSecure::Auto }
    }
}

/// A valid session, named by the hash of its cookie value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session(String);

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Starts a session for a login that gave the right token; returns the `Set-Cookie` value.
/// `https` says whether the login came over HTTPS.
pub async fn start(state: &AppState, https: bool) -> Result<String, AppError> {
    let policy = &state.sessions;
    let now = state.clock.now();
    // Logins are rare: a good moment to drop the sessions that have ended by themselves.
    state.store.prune_sessions(now.saturating_sub(seconds(policy.idle)), now.saturating_sub(seconds(policy.lifetime))).await?;
    let id = random_hex(32).map_err(|e| AppError::Internal(format!("no randomness for a session id: {e}")))?;
    state.store.create_session(&sha256_hex(&id), state.admin.fingerprint(), now).await?;
    let secure = https || policy.secure == CookieSecure::Always;
    Ok(cookie(&id, seconds(policy.lifetime), secure))
}

/// The session the request's cookie names, if it is still valid. An ended one is deleted.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let policy = &state.sessions;
    let now = state.clock.now();
    for value in cookie_values(headers) {
        let hash = sha256_hex(value);
        let Some(row) = state.store.session(&hash).await? else { continue };
        let valid = row.token_fingerprint == state.admin.fingerprint()
            && now - row.created_at < seconds(policy.lifetime)
            && now - row.last_seen_at < seconds(policy.idle);
        if !valid {
            state.store.end_session(&hash).await?;
            continue;
        }
        if now - row.last_seen_at >= TOUCH_EVERY {
            state.store.touch_session(&hash, now).await?;
        }
        return Ok(Some(Session(hash)));
    }
    Ok(None)
}

/// Ends `session`.
pub async fn end(state: &AppState, session: &Session) -> Result<(), AppError> {
    state.store.end_session(&session.0).await?;
    Ok(())
}

/// Ends every session, on every device; returns how many there were.
pub async fn end_all(state: &AppState) -> Result<u64, AppError> {
    Ok(state.store.end_all_sessions().await?)
}

/// The `Set-Cookie` value that removes the cookie from the browser.
pub fn clear_cookie() -> String {
    cookie("", 0, false)
}

fn cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    // Only the dashboard needs it; the API takes bearer tokens and the widget nothing.
    format!("{SESSION_COOKIE}={value}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// Every value of the session cookie in the request (a browser may hold more than one).
fn cookie_values(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        // Ids are 64 hex digits; anything far longer is not worth hashing.
        .filter(|(name, value)| *name == SESSION_COOKIE && !value.is_empty() && value.len() <= 128)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_strict_and_scoped_to_the_dashboard() {
        let c = cookie("abc", 60, false);
        assert_eq!(c, "platinum_session=abc; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=60");
        assert!(cookie("abc", 60, true).ends_with("; Secure"));
        assert!(clear_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn every_session_cookie_in_the_request_is_considered() {
        let headers: HeaderMap = [
            (header::COOKIE, "other=1; platinum_session=aaa".parse().expect("value")),
            (header::COOKIE, "platinum_session=bbb; platinum_session=".parse().expect("value")),
        ]
        .into_iter()
        .collect();
        assert_eq!(cookie_values(&headers).collect::<Vec<_>>(), ["aaa", "bbb"]);
    }
}
