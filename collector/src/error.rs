//! The one error type of the collector and how each kind of failure is answered.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Everything a request can fail with. 4xx answers explain the problem to the sender; 5xx answers
/// stay generic and the detail goes to the log, tagged with the request id.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is not what the route accepts; `field` names the offending part when known.
    #[error("{message}")]
    Invalid {
        /// The JSON path or query parameter at fault.
        field: Option<String>,
        /// What is wrong, in words.
        message: String,
    },
    /// The body is over the limit.
    #[error("the request body must be at most {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is neither JSON nor plain text.
    #[error("the content type must be application/json or text/plain")]
    UnsupportedMediaType,
    /// The post came from a site that is not allowed to send feedback here.
    #[error("the origin {0} may not post feedback here")]
    ForbiddenOrigin(String),
    /// The admin token is missing or wrong.
    #[error("a valid admin token is required (Authorization: Bearer <token>)")]
    Unauthorized,
    /// No such thing.
    #[error("not found")]
    NotFound,
    /// The client posted too often.
    #[error("too many requests; try again in {retry_after} s")]
    RateLimited {
        /// Seconds until the next post is accepted.
        retry_after: u64,
    },
    /// The client sent too many wrong admin tokens; its next try is not even looked at yet.
    #[error("too many wrong admin tokens from your address; try again in {retry_after} s")]
    TooManyWrongTokens {
        /// Seconds until the next try is looked at.
        retry_after: u64,
    },
    /// The request body did not arrive by its deadline.
    #[error("the request body did not arrive in time; send it again")]
    RequestTimeout,
    /// A state-changing dashboard form was posted from another site.
    #[error("this form may only be posted from the dashboard itself (cross-site request refused)")]
    CrossSite,
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The database cannot be reached just now (or the collector is starting or stopping):
    /// `503` with `Retry-After`, so the widget keeps the response and sends it again.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else that is the server's fault.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// Seconds the client is asked to wait, for answers that carry `Retry-After`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } | Self::TooManyWrongTokens { retry_after } => Some(*retry_after),
            _ if self.status() == StatusCode::SERVICE_UNAVAILABLE => Some(UNAVAILABLE_RETRY_AFTER),
            _ => None,
        }
    }

    /// A 400 naming the field at fault.
    pub fn invalid(field: impl Into<Option<String>>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }

    /// The status code this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid { .. } => StatusCode::BAD_REQUEST,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ForbiddenOrigin(_) | Self::CrossSite => StatusCode::FORBIDDEN,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::RateLimited { .. } | Self::TooManyWrongTokens { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Database(e) if crate::store::is_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Seconds a client is asked to wait when the database is away.
pub const UNAVAILABLE_RETRY_AFTER: u64 = 5;

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    field: Option<&'a str>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = %self, "request not served: the database is unavailable");
            let body = ErrorBody { error: "temporarily unavailable; nothing was stored, send it again shortly", field: None };
            let mut response = (status, Json(body)).into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_AFTER));
            return response;
        }
        if status.is_server_error() {
            // Runs inside the request's span, so the log line carries the request id.
            tracing::error!(error = %self, "request failed");
            let body = ErrorBody { error: "internal error; the server log has the details", field: None };
            return (status, Json(body)).into_response();
        }
        let message = self.to_string();
        let field = match &self {
            Self::Invalid { field, .. } => field.as_deref(),
            _ => None,
        };
        let mut response = (status, Json(ErrorBody { error: &message, field })).into_response();
        match &self {
            Self::RateLimited { retry_after } | Self::TooManyWrongTokens { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            Self::RequestTimeout => {
                // The rest of the body may still be on its way: the connection cannot be reused.
                response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Self::Unauthorized => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
