//! The owner's secret: its minimum length, checking it in constant time, and the bearer-token
//! proof the API asks for. Dashboard sessions are in [`crate::session`].

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::client::Peer;
use crate::{AppError, AppState};

/// Shortest admin token accepted: guessing one is then hopeless even without the rate limit.
pub const MIN_TOKEN_CHARS: usize = 32;

/// Why an admin token cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token is too easy to guess.
    #[error(
        "the admin token (PLATINUM_ADMIN_TOKEN or --admin-token) must be at least {MIN_TOKEN_CHARS} characters, got {got}; \
         leave it unset to have one generated, or make one with `openssl rand -hex 32`"
    )]
    TooShort {
        /// Characters in the token given.
        got: usize,
    },
    /// The system gave no randomness.
    #[error("no randomness for the admin token: {0}")]
    Randomness(#[from] getrandom::Error),
}

/// The owner's secret.
#[derive(Clone)]
pub struct AdminToken {
    token: Arc<str>,
    fingerprint: Arc<str>,
}

impl AdminToken {
    /// Uses `token` (surrounding whitespace ignored) as the owner's secret.
    pub fn new(token: &str) -> Result<Self, TokenError> {
        let token = token.trim();
        let got = token.chars().count();
        if got < MIN_TOKEN_CHARS {
            return Err(TokenError::TooShort { got });
        }
        // Half a SHA-256: enough to tell tokens apart, too little to test guesses against.
        let fingerprint = sha256_hex(token)[..16].to_owned();
        Ok(Self { token: token.into(), fingerprint: fingerprint.into() })
    }

    /// A fresh random token (64 hex digits).
    pub fn generate() -> Result<Self, TokenError> {
        Self::new(&random_hex(32)?)
    }

    /// The token itself, to print at start-up.
    pub fn reveal(&self) -> &str {
        &self.token
    }

    /// Whether `given` is the token, without leaking how much of it matched.
    pub fn matches(&self, given: &str) -> bool {
        bool::from(self.token.as_bytes().ct_eq(given.trim().as_bytes()))
    }

    /// Names the token in stored sessions, so that a new token ends the sessions of the old one.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// `bytes` random bytes as hex digits.
pub fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(hex(&buf))
}

/// SHA-256 of `text` as 64 hex digits.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]]).map(char::from).collect()
}

/// The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once([' ', '\t'])?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// Proof that the request carries `Authorization: Bearer <admin token>`.
///
/// A client that sent too many wrong tokens is answered `429` before its token is compared.
pub struct Bearer;

impl FromRequestParts<AppState> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client = state.auth_failures.client(Peer::of(parts), &parts.headers);
        state.auth_failures.check(client)?;
        let given = bearer_token(&parts.headers).ok_or(AppError::Unauthorized)?;
        if state.admin.matches(given) {
            Ok(Self)
        } else {
            tracing::warn!("API request with a wrong bearer token");
            state.auth_failures.record_failure(client);
            Err(AppError::Unauthorized)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tokens_are_refused_with_their_length() {
        let e = AdminToken::new("x").err().expect("refused");
        assert!(e.to_string().contains("at least 32 characters, got 1"), "{e}");
        assert!(AdminToken::new(&"é".repeat(32)).is_ok(), "counted in characters");
        assert!(AdminToken::generate().is_ok_and(|t| t.reveal().len() == 64));
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "BeArEr   abc  "] {
            let headers: HeaderMap = [(header::AUTHORIZATION, value.parse().expect("value"))].into_iter().collect();
            assert_eq!(bearer_token(&headers), Some("abc"), "{value:?}");
        }
        for value in ["Basic abc", "Bearer", "Bearerabc", "Bearer  "] {
            let headers: HeaderMap = [(header::AUTHORIZATION, value.parse().expect("value"))].into_iter().collect();
            assert_eq!(bearer_token(&headers), None, "{value:?}");
        }
    }

    #[test]
    fn fingerprints_tell_tokens_apart() {
        let a = AdminToken::new(&"a".repeat(40)).expect("token");
        let b = AdminToken::new(&"b".repeat(40)).expect("token");
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
