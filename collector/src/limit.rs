//! Per-client limits: how often one client may post feedback, and how many wrong admin tokens it
//! may try. Clients are told apart by [`crate::client::client_ip`]; addresses are never stored.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

use crate::client::client_ip;
use crate::config::{AuthLimit, RateLimit};
use crate::AppError;

/// How long a quiet client's state is kept before it is dropped.
pub const FORGET_AFTER: Duration = Duration::from_secs(60);
/// Most clients the wrong-token limit tracks; past it, the quiet ones are dropped at once.
const MAX_TRACKED: usize = 100_000;

/// The per-client limit on posted feedback.
pub struct PostLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    trusted: Arc<[IpNet]>,
}

impl PostLimit {
    /// The limit `rate` describes, or none when it is switched off.
    pub fn new(rate: RateLimit, trusted: Arc<[IpNet]>) -> Option<Arc<Self>> {
        let per_minute = NonZeroU32::new(rate.rate_limit_per_minute)?;
        let burst = NonZeroU32::new(rate.rate_limit_burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Some(Arc::new(Self { limiter: RateLimiter::keyed(quota), trusted }))
    }
}

/// Middleware: answers `429` with the whole seconds to wait when the client is over its limit.
pub async fn limit_posts(State(limit): State<Arc<PostLimit>>, request: Request, next: Next) -> Response {
    let Some(client) = client_of(&request, &limit.trusted) else {
        return AppError::Internal("rate limit: no peer address on the request".into()).into_response();
    };
    match limit.limiter.check_key(&client) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(limit.limiter.clock().now());
            AppError::RateLimited { retry_after: whole_seconds(wait) }.into_response()
        }
    }
}

fn client_of(request: &Request, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    Some(client_ip(peer, request.headers(), trusted))
}

/// `Retry-After` counts whole seconds: rounded up, or a client that waits exactly that long is
/// refused again.
pub fn whole_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

/// The per-client limit on wrong admin tokens, at the dashboard login and on the API.
///
/// Governor cannot tell whether a client is over its limit without spending from it, and only
/// failures may spend here while a blocked client must be refused before its token is even
/// compared (otherwise a lucky guess would still get in). So this is a small GCRA of its own:
/// each failure pushes the client's "theoretical arrival time" one period on, and the client
/// is blocked while that lies more than `burst - 1` periods ahead.
pub struct FailureLimit {
    period: Duration,
    tolerance: Duration,
    trusted: Arc<[IpNet]>,
    clients: Mutex<HashMap<IpAddr, Instant>>,
}

impl FailureLimit {
    /// The limit `limit` describes.
    pub fn new(limit: AuthLimit, trusted: Arc<[IpNet]>) -> Arc<Self> {
        let period = Duration::from_secs(60) / limit.auth_failures_per_minute.max(1);
        let tolerance = period * limit.auth_failure_burst.saturating_sub(1);
        Arc::new(Self { period, tolerance, trusted, clients: Mutex::new(HashMap::new()) })
    }

    /// The client a request came from.
    pub fn client(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        peer.map(|peer| client_ip(peer.ip(), headers, &self.trusted))
    }

    /// `Err` with the time to wait while `client` has used up its wrong tries.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        let Some(client) = client else { return Ok(()) };
        let now = Instant::now();
        let clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        match clients.get(&client) {
            Some(&arrival) if arrival > now + self.tolerance => {
                Err(AppError::TooManyWrongTokens { retry_after: whole_seconds(arrival - now - self.tolerance) })
            }
            _ => Ok(()),
        }
    }

    /// Counts a wrong token from `client`.
    pub fn record_failure(&self, client: Option<IpAddr>) {
        let Some(client) = client else { return };
        let now = Instant::now();
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if clients.len() >= MAX_TRACKED {
            clients.retain(|_, arrival| *arrival > now);
        }
        let arrival = clients.get(&client).map_or(now, |a| (*a).max(now)) + self.period;
        clients.insert(client, arrival);
    }

    /// Drops the clients whose failures have all been forgiven.
    fn forget_quiet(&self) {
        let now = Instant::now();
        self.clients.lock().unwrap_or_else(PoisonError::into_inner).retain(|_, arrival| *arrival > now);
    }
}

/// Without pruning, every address ever seen would keep a slot in memory. Stops when both limits
/// are dropped.
pub fn forget_quiet_clients(posts: Option<&Arc<PostLimit>>, failures: &Arc<FailureLimit>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let posts: Option<Weak<PostLimit>> = posts.map(Arc::downgrade);
    let failures = Arc::downgrade(failures);
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(FORGET_AFTER);
        loop {
            tick.tick().await;
            let Some(failures) = failures.upgrade() else { break };
            failures.forget_quiet();
            if let Some(posts) = posts.as_ref().and_then(Weak::upgrade) {
                posts.limiter.retain_recent();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1_001)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(1_999)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::ZERO), 1);
    }

    #[test]
    fn a_burst_of_failures_blocks_the_client_and_only_that_client() {
        let limit = FailureLimit::new(AuthLimit { auth_failures_per_minute: 6, auth_failure_burst: 3 }, Arc::from([]));
        let (mallory, alice) = (Some("203.0.113.9".parse().expect("ip")), Some("198.51.100.4".parse().expect("ip")));
        for _ in 0..3 {
            assert!(limit.check(mallory).is_ok());
            limit.record_failure(mallory);
        }
        match limit.check(mallory) {
            Err(AppError::TooManyWrongTokens { retry_after }) => assert!((1..=10).contains(&retry_after), "{retry_after}"),
            other => panic!("expected a block, got {other:?}"),
        }
        assert!(limit.check(alice).is_ok(), "another address is not affected");
    }
}
