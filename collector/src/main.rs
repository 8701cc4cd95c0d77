//! The `platinum-collector` binary: reads the command line, opens the database and serves
//! [`platinum_collector::app`] until SIGTERM or Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use axum::http::HeaderValue;
use clap::Parser;
use platinum_collector::config::{Command, ServeArgs};
use platinum_collector::config::{AlertOn, NotifyArgs};
use platinum_collector::delivery::{Links, Outcome};
use platinum_collector::notify::{self, Channel, Notifier};
use platinum_collector::store::{AlertPlan, Database, Writer, is_unavailable};
use platinum_collector::{AdminToken, AppState, Cli, Clock, Policy, SessionPolicy, Store, app, bench, serve};
use tokio::net::{TcpListener, TcpSocket};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("PLATINUM_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("platinum-collector: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::NotifyTest { notify }) => notify_test(&notify).await,
            Some(Command::BenchReceiver { listen }) => bench::receiver(listen).await.map_err(|e| e.to_string()),
            Some(Command::MigrateSqliteToPostgres { from, to }) => migrate_sqlite_to_postgres(&from, &to).await,
            Some(Command::Count { db, database_url }) => {
                let database = database_url.or_else(|| db.map(Database::Sqlite)).ok_or("give --db or --database-url")?;
                bench::count(&database).await.map_err(|e| e.to_string())
            }
            Some(Command::BenchSqlite { db, seconds }) => bench::sqlite_insert_rate(&db, seconds).await.map_err(|e| e.to_string()),
            Some(Command::Backup { to, database }) => backup(&database.database(), &to).await,
            Some(Command::Forget { email, database }) => forget(&database.database(), &email).await,
            None => serve(cli.serve).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("platinum-collector: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let given = args.admin_token.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let (admin, token_note) = match given {
        Some(token) => (AdminToken::new(token).map_err(|e| e.to_string())?, "from PLATINUM_ADMIN_TOKEN".to_owned()),
        None => {
            let admin = AdminToken::generate().map_err(|e| e.to_string())?;
            let note = format!("{} (generated for this run; set PLATINUM_ADMIN_TOKEN to choose one)", admin.reveal());
            (admin, note)
        }
    };
    let allowed_origins = args
        .allow_origins
        .iter()
        .map(|o| HeaderValue::from_str(o).map_err(|_| format!("--allow-origin {o:?} is not a valid header value")))
        .collect::<Result<Vec<_>, _>>()?;

    // Each connection holds a descriptor: take all the system allows, then cap connections
    // below it so the database can always open its files.
    let descriptors = match serve::raise_descriptor_limit() {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit; assuming 1024");
            1024
        }
    };
    let connections = &args.connections;
    let max_connections = match connections.max_connections {
        Some(max) => usize::try_from(max).unwrap_or(usize::MAX),
        None => serve::max_connections_for(descriptors),
    };
    let limits = serve::Limits {
        header_timeout: connections.header_timeout,
        body_timeout: connections.body_timeout,
        idle_timeout: connections.idle_timeout,
        max_connections,
        shutdown_grace: connections.shutdown_grace,
    };

    let channels: Arc<[Channel]> = notify::channels_from(&args.notify)?.into();
    let schedule = args.notify.schedule();
    let wake = Arc::new(tokio::sync::Notify::new());
    let plan = AlertPlan { unhappiness: args.notify.unhappiness(), on: Some(args.notify.alert_on), channels: channels.iter().map(Channel::id).collect(), wake: wake.clone() };
    let database = args.database();
    let policy = Policy {
        allowed_origins,
        rate_limit: args.rate_limit,
        auth_limit: args.auth_limit,
        trusted_proxies: args.trusted_proxies.clone(),
        sessions: SessionPolicy {
            idle: args.sessions.session_idle_timeout,
            lifetime: args.sessions.session_lifetime,
            secure: args.sessions.cookie_secure,
        },
    };
    let listener = bind(args.listen).map_err(|e| format!("listening on {}: {e}", args.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let metrics_listener = match args.operations.metrics_listen {
        Some(at) => Some(bind(at).map_err(|e| format!("listening on {at} (--metrics-listen): {e}"))?),
        None => None,
    };
    let shown = if address.ip().is_unspecified() { SocketAddr::from(([127, 0, 0, 1], address.port())) } else { address };
    let links = Links::new(args.notify.public_url.as_deref().unwrap_or(&format!("http://{shown}")));
    // The port answers (503, "starting") while the database is reached and migrated.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let gate = serve::Gate::default();
    let server = tokio::spawn(serve::serve(listener, gate.router(), limits, stopped(stopping.clone())));
    let Some((store, writer)) = open_store(&database, plan, stopping.clone()).await? else {
        let _ = server.await;
        return Ok(());
    };
    let store = store.with_claim_lease(args.notification_lease);
    let mut state = AppState::new(store.clone(), admin, policy, Clock::system());
    state.channel_names = channels.iter().map(|c| (c.id(), c.name())).collect();
    state.notify_wake = wake.clone();
    state.reply_domain = channels.iter().find_map(|channel| match channel {
        Channel::Email(mailer) => Some(Arc::from(mailer.settings().from.email.domain())),
        _ => None,
    });
    let notifier = Notifier::new(store.clone(), channels.clone(), links, wake, Clock::system(), schedule.clone())?;
    let (stop_notifier, notifier_stops) = tokio::sync::watch::channel(false);
    let notifier = notify::spawn_low_priority(notifier, notifier_stops).map_err(|e| format!("starting the notifications thread: {e}"))?;
    let alerts = if channels.is_empty() {
        "off (no channel configured)".to_owned()
    } else {
        let names: Vec<String> = channels.iter().map(Channel::name).collect();
        let digest = schedule.map_or_else(|| "no digest".to_owned(), |s| format!("{} digest at {}:00 {}", s.name(), s.hour, s.time_zone_name));
        let which = match args.notify.alert_on {
            AlertOn::Unhappy => "unhappy responses",
            AlertOn::All => "every response",
            AlertOn::None => "no response (digests only)",
        };
        format!("{which} to {}; {digest}", names.join(", "))
    };

    let rate_limit = if args.rate_limit.rate_limit_per_minute == 0 {
        "off".to_owned()
    } else {
        format!("{} posts/minute per client, bursts of {}", args.rate_limit.rate_limit_per_minute, args.rate_limit.rate_limit_burst)
    };
    let rate_limit = if args.trusted_proxies.is_empty() {
        rate_limit
    } else {
        let proxies: Vec<String> = args.trusted_proxies.iter().map(ToString::to_string).collect();
        format!("{rate_limit}; clients behind {} known by X-Forwarded-For", proxies.join(", "))
    };
    let banner = format!(
        "Platinum collector listening on http://{address}/\n  demo page:   http://{shown}/\n  dashboard:   http://{shown}/dashboard\n  \
         admin token: {token_note}\n  database:    {}\n  rate limit:  {rate_limit}\n  alerts:      {alerts}\n  \
         connections: at most {max_connections} open (open-file limit {descriptors}); timeouts: headers {}, body {}, idle {}\n",
        database.describe(),
        humantime::format_duration(limits.header_timeout),
        humantime::format_duration(limits.body_timeout),
        humantime::format_duration(limits.idle_timeout),
    );
    let (metrics_server, metrics_note) = match metrics_listener {
        Some(listener) => {
            let at = listener.local_addr().map_err(|e| e.to_string())?;
            let router = platinum_collector::metrics::open_router(state.clone());
            let server = tokio::spawn(serve::serve(listener, router, limits, stopped(stopping.clone())));
            (Some(server), format!("http://{at}/metrics without a token, and here with it"))
        }
        None => (None, format!("http://{shown}/metrics with the admin token")),
    };
    let retention = args.operations.retain_days.map(|days| platinum_collector::retention::spawn(store.clone(), Clock::system(), days, stopping.clone()));
    let retention_note = args.operations.retain_days.map_or_else(|| "keeps every response".to_owned(), |days| format!("deletes responses after {days} days, hourly"));
    let banner = format!("{banner}  metrics:     {metrics_note}\n  retention:   {retention_note}\n");
    gate.open(app(state));
    // One write, and its failure ignored: a supervisor or pipe that closed stdout must not stop
    // the server (println! would panic on the broken pipe).
    {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    }

    if let Err(e) = server.await {
        tracing::error!(error = %e, "the server task ended abnormally");
    }
    // The retention task and the metrics router hold handles on the store too.
    join(retention, "the retention task").await;
    join(metrics_server, "the metrics server task").await;
    // The router holds a handle on the store: the writer finishes once every handle is gone.
    drop(gate);
    let _ = stop_notifier.send(true);
    // A delivery in flight may take up to its 10 s timeout to give up; wait for it off the runtime.
    if !matches!(tokio::task::spawn_blocking(move || notifier.join()).await, Ok(Ok(()))) {
        tracing::error!("the notifications worker ended abnormally");
    }
    // Requests in flight have finished or run out of time; let the writer commit what is queued.
    store.close().await;
    drop(store);
    writer.finish().await;
    tracing::info!("stopped");
    Ok(())
}

/// Copies the SQLite store at `from` into the PostgreSQL database at `to` and prints what it did.
async fn migrate_sqlite_to_postgres(from: &std::path::Path, to: &str) -> Result<(), String> {
    let target = match Database::parse(to)? {
        Database::Postgres(url) => url,
        Database::Sqlite(_) => return Err("--to must be a postgres:// URL".to_owned()),
    };
    let copied = platinum_collector::store::copy::sqlite_to_postgres(from, &target)
        .await
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), Database::Postgres(target.clone()).describe()))?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(copied.to_string().as_bytes()).and_then(|()| out.flush());
    Ok(())
}

/// Copies the SQLite database to `to` and prints what the copy holds.
async fn backup(database: &Database, to: &std::path::Path) -> Result<(), String> {
    let copied = platinum_collector::backup::backup(database, to).await.map_err(|e| e.to_string())?;
    let line = format!("backed up {} responses to {} ({} bytes)\n", copied.responses, to.display(), copied.bytes);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    Ok(())
}

/// Deletes what is stored for the address `email` and prints how many of each.
async fn forget(database: &Database, email: &str) -> Result<(), String> {
    use platinum_collector::erasure;
    let address = erasure::address(email).map_err(|e| e.to_string())?;
    let (store, writer) = Store::open_with(database, AlertPlan::default()).await.map_err(|e| format!("opening the database ({}): {e}", database.describe()))?;
    let deleted = erasure::forget(&store, address, "command line").await;
    store.close().await;
    drop(store);
    writer.finish().await;
    let deleted = deleted.map_err(|e| format!("nothing was deleted: {e}"))?;
    let line = format!("deleted {}\n", erasure::words(&deleted));
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    Ok(())
}

/// Sends a sample alert on every configured channel and prints what each answered; fails if any
/// channel did not take it.
async fn notify_test(args: &NotifyArgs) -> Result<(), String> {
    let channels = notify::channels_from(args)?;
    if channels.is_empty() {
        return Err("no channel is configured: give --smtp-url (with --mail-from and --mail-to), --webhook or --slack-webhook".to_owned());
    }
    let client = platinum_collector::webhook::client().map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let links = Links::new(args.public_url.as_deref().unwrap_or("http://127.0.0.1:8080"));
    let mut failed = 0;
    let mut report = String::new();
    for channel in &channels {
        let line = match channel.test(&client, &links).await {
            Outcome::Delivered => "sent".to_owned(),
            Outcome::Retry { reason, .. } => {
                failed += 1;
                format!("not sent, may work later: {reason}")
            }
            Outcome::Refused { reason } => {
                failed += 1;
                format!("refused: {reason}")
            }
        };
        report.push_str(&format!("{}: {line}\n", channel.name()));
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(report.as_bytes()).and_then(|()| out.flush());
    if failed > 0 { Err(format!("{failed} of {} channels did not take the test", channels.len())) } else { Ok(()) }
}

/// Opens `database`, trying again with growing pauses while it cannot be reached (it may still
/// be starting, or restarting); none if the collector is told to stop meanwhile. Anything else,
/// such as a wrong password or a failed migration, ends the start-up with the reason.
async fn open_store(database: &Database, plan: AlertPlan, mut stopping: tokio::sync::watch::Receiver<bool>) -> Result<Option<(Store, Writer)>, String> {
    let mut pause = Duration::from_millis(500);
    loop {
        match Store::open_with(database, plan.clone()).await {
            Ok(opened) => return Ok(Some(opened)),
            Err(e) if is_unavailable(&e) => {
                tracing::warn!(database = %database.describe(), error = %e, retry_in = ?pause, "cannot reach the database yet; trying again");
            }
            Err(e) => return Err(format!("opening the database ({}): {e}", database.describe())),
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            _ = stopping.changed() => return Ok(None),
        }
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

/// Waits for `task`, if there is one, logging if it ended abnormally.
async fn join(task: Option<tokio::task::JoinHandle<()>>, what: &str) {
    let Some(task) = task else { return };
    if let Err(e) = task.await {
        tracing::error!(error = %e, "{what} ended abnormally");
    }
}

/// Completes once `stopping` turns true (or its sender is gone).
async fn stopped(mut stopping: tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Listens with a deep accept queue: tokio's default backlog of 128 overflows under bursts of
/// new connections.
fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.set_nodelay(true)?;
    socket.bind(address)?;
    socket.listen(1024)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
