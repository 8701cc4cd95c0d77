//! Accepting connections and bounding what each may hold: a cap on open connections and
//! deadlines for a client that is slow to send its request head, its body or its next request.
//!
//! `axum::serve` sets no timer at all, so a client that connects and sends nothing keeps a socket,
//! and a file descriptor, for as long as it likes; a few hundred of them stop the server from
//! accepting anyone. Here every connection is watched by a small task-local watchdog:
//!
//! - waiting for a request with nothing received: closed after the idle timeout (new connections
//!   and kept-alive ones alike);
//! - a request head started but not finished: closed after the header timeout;
//! - a request whose body has not fully arrived by the body deadline: answered `408`, then closed;
//! - at the connection cap, the connection that has been waiting on its client the longest is
//!   closed to make room, so idle and slow clients can never lock out a real one; only when
//!   every open connection is busy with a request is a new one refused (`503`, `Retry-After`).
//!
//! On shutdown, connections finish the request in flight but only until the grace period ends.

use std::collections::HashMap;
use std::error::Error as _;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::Request;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// What one client may hold, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From a request's first byte to the end of its head.
    pub header_timeout: Duration,
    /// From the end of a request's head to the end of its body.
    pub body_timeout: Duration,
    /// How long a connection may wait for a request without receiving anything.
    pub idle_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

/// File descriptors kept back from the connection cap for the database, its journal and logs.
pub const RESERVED_DESCRIPTORS: u64 = 64;
/// The default cap when the descriptor limit allows more: enough for any feedback traffic, small
/// enough that the buffers of that many connections stay a few tens of megabytes.
pub const DEFAULT_MAX_CONNECTIONS: u64 = 4096;

/// Evicted connections that may still be closing while new ones are accepted.
const EVICTION_SLACK: usize = 8;

/// The connection cap that fits `descriptor_limit` open files.
pub fn max_connections_for(descriptor_limit: u64) -> usize {
    let usable =
        if descriptor_limit > 2 * RESERVED_DESCRIPTORS { descriptor_limit - RESERVED_DESCRIPTORS } else { descriptor_limit / 2 };
    usize::try_from(usable.clamp(1, DEFAULT_MAX_CONNECTIONS)).unwrap_or(1)
}

/// Raises the soft limit on open files to the hard limit; returns the limit now in force.
pub fn raise_descriptor_limit() -> io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// The error a request body gives when it did not arrive by its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimeout;

/// Whether `error`, or anything it wraps, is a [`BodyTimeout`].
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<BodyTimeout>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in flight finish
/// within [`Limits::shutdown_grace`].
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: impl Future<Output = ()>) {
    let registry = Arc::new(Registry::default());
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let (mut exhausted, mut refused) = (Throttled::default(), Throttled::default());
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Answers are small and written whole: never hold one back for more.
                    let _ = stream.set_nodelay(true);
                    let Some(slot) = registry.admit(limits.max_connections) else {
                        refuse(&stream);
                        refused.note(|count| tracing::warn!(count, "connections refused: every open connection is busy with a request"));
                        continue;
                    };
                    let router = router.clone();
                    let stopping = stopping.clone();
                    connections.spawn(connection(stream, peer, router, limits, slot, stopping));
                    // An evicted connection holds its descriptor until its task has run: let
                    // them close before accepting more, or a burst would run out of descriptors.
                    while registry.len() >= limits.max_connections + EVICTION_SLACK {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
                Err(e) => {
                    // Out of descriptors despite the cap (other files, a low limit): make room
                    // by closing a waiting connection, and do not spin on the error.
                    if is_descriptor_exhaustion(&e) {
                        registry.evict_one();
                        exhausted.note(|count| tracing::warn!(error = %e, count, "accept: out of file descriptors; closing idle connections"));
                    } else {
                        tracing::debug!(error = %e, "accept failed");
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let open = connections.len();
    if open > 0 {
        tracing::info!(open, grace = ?limits.shutdown_grace, "waiting for requests in flight");
    }
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(left = connections.len(), "shutdown grace period over: closing the connections still open");
        connections.shutdown().await;
    }
}

fn is_descriptor_exhaustion(e: &io::Error) -> bool {
    // The process's limit and the system's.
    matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

/// Answers a connection there is no room for, without waiting on it.
fn refuse(stream: &TcpStream) {
    const ANSWER: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\
        Content-Type: text/plain; charset=utf-8\r\nContent-Length: 30\r\n\r\ntoo many connections; retry 1s\n";
    let _ = stream.try_write(ANSWER);
}

/// A warning that may recur many times a second under attack: logged at most every 10 s, with
/// how many times it happened.
#[derive(Default)]
struct Throttled {
    last: Option<Instant>,
    count: u64,
}

impl Throttled {
    fn note(&mut self, log: impl FnOnce(u64)) {
        self.count += 1;
        if self.last.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
            log(self.count);
            self.last = Some(Instant::now());
            self.count = 0;
        }
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    slot: Slot,
    mut stopping: watch::Receiver<bool>,
) {
    let watch = slot.watch.clone();
    let io = TokioIo::new(WatchedIo { inner: stream, watch: watch.clone() });
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let busy = Busy::start(watch.clone());
        let router = router.clone();
        async move {
            let (mut parts, body) = request.into_parts();
            parts.extensions.insert(ConnectInfo(peer));
            let body = Body::new(DeadlineBody::new(body, limits.body_timeout));
            let response = router.oneshot(Request::from_parts(parts, body)).await?;
            // Busy until hyper has taken the whole response body.
            Ok::<_, std::convert::Infallible>(response.map(|body| Body::new(BusyBody { inner: body, _busy: busy })))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(io, service);
    tokio::pin!(conn);
    let watch = slot.watch.clone();
    tokio::select! {
        served = conn.as_mut() => log_end(served),
        () = watchdog(&watch, &limits) => {}
        () = until_stopping(&mut stopping) => {
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                served = conn.as_mut() => log_end(served),
                () = watchdog(&watch, &limits) => {}
            }
        }
    }
    drop(slot);
}

async fn until_stopping(stopping: &mut watch::Receiver<bool>) {
    loop {
        if *stopping.borrow_and_update() {
            return;
        }
        if stopping.changed().await.is_err() {
            // The server is gone without a word: nothing will ever ask this connection to stop.
            std::future::pending::<()>().await;
        }
    }
}

fn log_end(served: Result<(), hyper::Error>) {
    if let Err(e) = served {
        // Clients that vanish or send garbage are routine; nothing for the owner to act on.
        tracing::debug!(error = %e, cause = ?e.source(), "connection ended with an error");
    }
}

/// Returns when the connection has overstayed its current deadline or was evicted.
///
/// It looks at the connection's phase when the deadline it knows of comes, and at least every
/// quarter of the shortest timeout, rather than being woken at every change: that would cost a
/// task wake-up and a new timer per request, which measured as a large part of the time spent on
/// a small post. So a deadline may pass by up to a quarter of a timeout before it is noticed.
async fn watchdog(watch: &Watch, limits: &Limits) {
    let longest_nap = (limits.header_timeout.min(limits.idle_timeout) / 4).max(Duration::from_millis(10));
    loop {
        if watch.evicted.load(Ordering::Acquire) {
            return;
        }
        let now = Instant::now();
        let nap = match watch.deadline(limits) {
            Some(deadline) if deadline <= now => return,
            Some(deadline) => (deadline - now).min(longest_nap),
            None => longest_nap,
        };
        tokio::select! {
            () = tokio::time::sleep(nap) => {}
            () = watch.evict_now.notified() => {}
        }
    }
}

/// When this process started, the origin of the times a [`Watch`] keeps as numbers.
fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn millis_since_epoch(at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(epoch()).as_millis()).unwrap_or(u64::MAX)
}

/// What a connection is doing, as far as its deadlines are concerned, shared by its IO, its
/// service and its watchdog. Atomics, because the IO notes every read.
struct Watch {
    /// Requests being answered.
    busy: AtomicUsize,
    /// Since when it has waited for a request (milliseconds from [`epoch`]).
    waiting_since: AtomicU64,
    /// When the waited-for request's first byte came, plus one; 0 while none has.
    head_from: AtomicU64,
    evict_now: Notify,
    evicted: AtomicBool,
}

impl Watch {
    fn new() -> Self {
        Self {
            busy: AtomicUsize::new(0),
            waiting_since: AtomicU64::new(millis_since_epoch(Instant::now())),
            head_from: AtomicU64::new(0),
            evict_now: Notify::new(),
            evicted: AtomicBool::new(false),
        }
    }

    fn bytes_arrived(&self) {
        if self.head_from.load(Ordering::Relaxed) == 0 && self.busy.load(Ordering::Acquire) == 0 {
            let now = millis_since_epoch(Instant::now()) + 1;
            let _ = self.head_from.compare_exchange(0, now, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    fn request_started(&self) {
        self.busy.fetch_add(1, Ordering::AcqRel);
    }

    fn request_finished(&self) {
        self.waiting_since.store(millis_since_epoch(Instant::now()), Ordering::Release);
        self.head_from.store(0, Ordering::Release);
        self.busy.fetch_sub(1, Ordering::AcqRel);
    }

    /// When the connection must be closed if nothing changes; none while a request is answered
    /// (its body has a deadline of its own).
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        if self.busy.load(Ordering::Acquire) > 0 {
            return None;
        }
        let at = |millis: u64| epoch() + Duration::from_millis(millis);
        match self.head_from.load(Ordering::Acquire) {
            0 => Some(at(self.waiting_since.load(Ordering::Acquire)) + limits.idle_timeout),
            from => Some(at(from - 1) + limits.header_timeout),
        }
    }

    /// Since when the connection has been waiting on its client, if it is.
    fn waiting_since(&self) -> Option<Instant> {
        (self.busy.load(Ordering::Acquire) == 0).then(|| epoch() + Duration::from_millis(self.waiting_since.load(Ordering::Acquire)))
    }

    fn evict(&self) {
        self.evicted.store(true, Ordering::Release);
        self.evict_now.notify_one();
    }
}

/// Marks its connection busy from the start of a request until dropped.
struct Busy(Arc<Watch>);

impl Busy {
    fn start(watch: Arc<Watch>) -> Self {
        watch.request_started();
        Self(watch)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// The open connections, for the cap.
#[derive(Default)]
struct Registry {
    open: Mutex<HashMap<u64, Arc<Watch>>>,
    next: AtomicU64,
}

/// A connection's place in the [`Registry`], given up when dropped.
struct Slot {
    registry: Arc<Registry>,
    id: u64,
    watch: Arc<Watch>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.registry.open.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

impl Registry {
    /// A place for a new connection, making room by evicting the longest-waiting one at the cap;
    /// none if every connection is busy with a request.
    fn admit(self: &Arc<Self>, max: usize) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let staying = open.values().filter(|w| !w.evicted.load(Ordering::Acquire)).count();
        if staying >= max && !Self::evict_longest_waiting(&open) {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let watch = Arc::new(Watch::new());
        open.insert(id, watch.clone());
        Some(Slot { registry: self.clone(), id, watch })
    }

    /// Connections open, including evicted ones not yet closed.
    fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn evict_one(&self) {
        Self::evict_longest_waiting(&self.open.lock().unwrap_or_else(PoisonError::into_inner));
    }

    fn evict_longest_waiting(open: &HashMap<u64, Arc<Watch>>) -> bool {
        let victim = open
            .values()
            .filter(|w| !w.evicted.load(Ordering::Acquire))
            .filter_map(|w| w.waiting_since().map(|since| (since, w)))
            .min_by_key(|(since, _)| *since);
        match victim {
            Some((_, watch)) => {
                watch.evict();
                true
            }
            None => false,
        }
    }
}

/// The socket, noting when a request's first byte arrives (which starts the header timeout).
struct WatchedIo {
    inner: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for WatchedIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            self.watch.bytes_arrived();
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for WatchedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A request body that fails with [`BodyTimeout`] if it has not ended by its deadline.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, within: Duration) -> Self {
        Self { inner, deadline: Box::pin(tokio::time::sleep(within)) }
    }
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(BodyTimeout.into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that keeps its connection marked busy until hyper is done with it.
struct BusyBody {
    inner: Body,
    _busy: Busy,
}

impl http_body::Body for BusyBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_database_and_stays_modest() {
        assert_eq!(max_connections_for(256), 192);
        assert_eq!(max_connections_for(1024), 960);
        assert_eq!(max_connections_for(1_048_576), 4096);
        assert_eq!(max_connections_for(100), 50, "a tiny limit is shared half and half");
        assert_eq!(max_connections_for(0), 1);
    }

    #[test]
    fn body_timeouts_are_found_inside_wrapping_errors() {
        let wrapped = axum::Error::new(BodyTimeout);
        assert!(is_body_timeout(&wrapped));
        assert!(!is_body_timeout(&io::Error::other("reset")));
    }

    #[tokio::test]
    async fn the_longest_waiting_connection_makes_room_and_busy_ones_are_kept() {
        let registry = Arc::new(Registry::default());
        let first = registry.admit(2).expect("room");
        tokio::time::sleep(Duration::from_millis(2)).await;
        let second = registry.admit(2).expect("room");
        let third = registry.admit(2).expect("the first is evicted for it");
        assert!(first.watch.evicted.load(Ordering::Acquire), "the longest waiting goes");
        assert!(!second.watch.evicted.load(Ordering::Acquire));
        let _busy = (Busy::start(second.watch.clone()), Busy::start(third.watch.clone()));
        assert!(registry.admit(2).is_none(), "every connection busy: no room");
        drop(first);
        assert_eq!(registry.open.lock().map(|o| o.len()).unwrap_or(0), 2);
    }

    #[tokio::test]
    async fn deadlines_follow_the_phase() {
        let limits = Limits {
            header_timeout: Duration::from_secs(2),
            body_timeout: Duration::from_secs(3),
            idle_timeout: Duration::from_secs(5),
            max_connections: 1,
            shutdown_grace: Duration::from_secs(1),
        };
        let watch = Arc::new(Watch::new());
        let idle = watch.deadline(&limits).expect("idle deadline");
        watch.bytes_arrived();
        let head = watch.deadline(&limits).expect("header deadline");
        assert!(head < idle, "a started head has the shorter header timeout");
        let busy = Busy::start(watch.clone());
        assert_eq!(watch.deadline(&limits), None, "a request being answered is not timed out here");
        drop(busy);
        assert!(watch.deadline(&limits).is_some_and(|d| d >= idle), "idle again, from now");
    }
}

/// The router requests reach while the collector starts: until [`Gate::open`] puts the
/// collector's router behind it, the widget's files and the demo page are served (they need no
/// database, so pages can load the widget and keep what visitors send), and everything else is
/// answered `503` with `Retry-After` (`/healthz` and `/readyz` say why). The port answers from
/// the first moment, so a load balancer sees an instance that is starting, not one that is down.
#[derive(Clone, Default)]
pub struct Gate(Arc<std::sync::OnceLock<Router>>);

impl Gate {
    /// Serves `router` from now on.
    pub fn open(&self, router: Router) {
        let _ = self.0.set(router);
    }

    /// The router to serve: [`Gate::open`]'s once it has been given, the waiting answers before.
    pub fn router(&self) -> Router {
        let gate = Arc::clone(&self.0);
        let waiting: Router = crate::widget::router().fallback(|uri: axum::http::Uri| async move { starting(uri.path()) }).layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ),
        );
        Router::new().fallback_service(tower::service_fn(move |request: Request<axum::body::Body>| {
            let (gate, waiting) = (Arc::clone(&gate), waiting.clone());
            async move {
                match gate.get() {
                    Some(router) => router.clone().oneshot(request).await,
                    None => waiting.oneshot(request).await,
                }
            }
        }))
    }
}

fn starting(path: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    if matches!(path, "/healthz" | "/readyz") {
        let mut response = (axum::http::StatusCode::SERVICE_UNAVAILABLE, "starting: connecting to the database and migrating it\n").into_response();
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(crate::error::UNAVAILABLE_RETRY_AFTER));
        return response;
    }
    crate::AppError::Unavailable("the collector is starting".to_owned()).into_response()
}
