//! The owner's secret: checking it (in constant time) and the dashboard session cookie it grants.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use subtle::ConstantTimeEq;

use crate::{AppError, AppState};

/// Name of the dashboard session cookie.
pub const SESSION_COOKIE: &str = "platinum_session";

/// The admin token and the session value handed out when it is given.
#[derive(Clone)]
pub struct AdminToken {
    token: Arc<str>,
    // Random per process, so the cookie never contains the token and a restart ends sessions.
    session: Arc<str>,
}

impl AdminToken {
    /// Uses `token` as the owner's secret.
    pub fn new(token: impl Into<Arc<str>>) -> Result<Self, getrandom::Error> {
        Ok(Self { token: token.into(), session: random_hex(32)?.into() })
    }

    /// A fresh random token (64 hex digits).
    pub fn generate() -> Result<Self, getrandom::Error> {
        Self::new(random_hex(32)?)
    }

    /// The token itself, to print at start-up.
    pub fn reveal(&self) -> &str {
        &self.token
    }

    /// Whether `given` is the token, without leaking how much of it matched.
    pub fn matches(&self, given: &str) -> bool {
        bool::from(self.token.as_bytes().ct_eq(given.as_bytes()))
    }

    /// The `Set-Cookie` value that starts a dashboard session.
    pub fn session_cookie(&self) -> String {
        format!("{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000", self.session)
    }

    /// The `Set-Cookie` value that ends it.
    pub fn logout_cookie() -> &'static str {
        "platinum_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    }

    fn session_matches(&self, given: &str) -> bool {
        bool::from(self.session.as_bytes().ct_eq(given.as_bytes()))
    }

    /// Whether the request carries a valid dashboard session cookie.
    pub fn has_session(&self, parts: &Parts) -> bool {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == SESSION_COOKIE && self.session_matches(value))
    }
}

fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Proof that the request carries `Authorization: Bearer <admin token>`.
pub struct Bearer;

impl FromRequestParts<AppState> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or(AppError::Unauthorized)?;
        if state.admin.matches(given.trim()) { Ok(Self) } else { Err(AppError::Unauthorized) }
    }
}
