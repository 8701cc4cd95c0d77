//! The command line: every option, its environment variable and its default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Receives Platinum feedback, stores it in SQLite or PostgreSQL, serves the widget and shows the owner what
/// visitors said.
///
/// At start-up it prints the demo page URL, the dashboard URL and where the admin token comes from.
#[derive(Debug, Parser)]
#[command(
    name = "platinum-collector",
    version,
    args_conflicts_with_subcommands = true,
    after_long_help = "Logging: PLATINUM_LOG takes a tracing filter such as info (the default), warn or platinum_collector=debug.\n\
                       Prefer PLATINUM_ADMIN_TOKEN to --admin-token: other local users can read command lines."
)]
pub struct Cli {
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Port 0 picks a free port (the chosen one is printed).
    #[arg(long, env = "PLATINUM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where responses are kept: `sqlite://FILE` (created if missing, kept in WAL mode) or
    /// `postgres://user:password@host:port/database` (TLS as `?sslmode=require` or
    /// `verify-full` says), which several collectors can share. Default: sqlite://platinum.db.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, conflicts_with = "db", value_parser = parse_database_url)]
    pub database_url: Option<crate::store::Database>,

    /// SQLite database file: the same as --database-url sqlite://FILE.
    #[arg(long, env = "PLATINUM_DB")]
    pub db: Option<PathBuf>,

    /// How long a collector sharing a PostgreSQL database with others may hold an alert or reply
    /// it is sending before another collector takes it over (as after a crash mid-send), such
    /// as 2m. Longer than a delivery try takes, or a slow one could be sent twice.
    #[arg(long, env = "PLATINUM_NOTIFICATION_LEASE", default_value = "2m", value_parser = parse_duration)]
    pub notification_lease: Duration,

    /// A site allowed to post feedback, as an origin like https://shop.example (repeatable; in the
    /// environment, comma-separated). Pages served by the collector itself may always post.
    #[arg(long = "allow-origin", env = "PLATINUM_ALLOW_ORIGIN", value_delimiter = ',', value_parser = parse_origin)]
    pub allow_origins: Vec<String>,

    /// The owner's secret for the dashboard and GET /api/feedback, at least 32 characters. If
    /// unset, a random token is generated at start-up and printed once.
    #[arg(long, env = "PLATINUM_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    #[command(flatten)]
    pub rate_limit: RateLimit,

    #[command(flatten)]
    pub auth_limit: AuthLimit,

    #[command(flatten)]
    pub sessions: SessionArgs,

    #[command(flatten)]
    pub connections: ConnectionArgs,

    #[command(flatten)]
    pub notify: NotifyArgs,

    /// A reverse proxy in front of the collector, as an address (127.0.0.1) or network
    /// (10.0.0.0/8); repeatable, in the environment comma-separated. Requests from it are
    /// rate-limited by the client address it appends to X-Forwarded-For instead of its own.
    /// Without it, behind a proxy every visitor would share the proxy's limit.
    #[arg(long = "trusted-proxy", env = "PLATINUM_TRUSTED_PROXY", value_delimiter = ',', value_parser = crate::client::parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    #[command(flatten)]
    pub operations: OperationsArgs,
}

/// Options for running the collector: metrics for a scraper, and how long responses are kept.
#[derive(Debug, Clone, Args)]
pub struct OperationsArgs {
    /// Also serve GET /metrics at this address and port without the admin token, for a
    /// Prometheus scraper on a private network (such as 10.0.0.5:9090). The main address serves
    /// it with the token either way.
    #[arg(long, env = "PLATINUM_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Delete responses received more than this many days ago, with their metadata, replies
    /// and notifications: at start-up, then every hour, 500 per transaction. Default: keep
    /// everything.
    #[arg(long, env = "PLATINUM_RETAIN_DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub retain_days: Option<u32>,
}

impl ServeArgs {
    /// The database to open: --database-url, else --db, else `platinum.db` here.
    pub fn database(&self) -> crate::store::Database {
        chosen_database(self.database_url.as_ref(), self.db.as_ref())
    }
}

/// --database-url, else --db, else `platinum.db` here.
fn chosen_database(url: Option<&crate::store::Database>, db: Option<&PathBuf>) -> crate::store::Database {
    match (url, db) {
        (Some(url), _) => url.clone(),
        (None, Some(path)) => crate::store::Database::Sqlite(path.clone()),
        (None, None) => crate::store::Database::Sqlite(PathBuf::from("platinum.db")),
    }
}

fn parse_database_url(value: &str) -> Result<crate::store::Database, String> {
    crate::store::Database::parse(value)
}

/// Per-client limit on posted feedback, keyed by the client's address (which is never stored).
#[derive(Debug, Clone, Copy, Args)]
pub struct RateLimit {
    /// Posts one client may make per minute, on average. 0 switches rate limiting off (for load
    /// tests).
    #[arg(long, env = "PLATINUM_RATE_LIMIT_PER_MINUTE", default_value_t = 30)]
    pub rate_limit_per_minute: u32,

    /// Posts one client may make in a quick burst before the per-minute rate applies.
    #[arg(long, env = "PLATINUM_RATE_LIMIT_BURST", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_burst: u32,
}

impl RateLimit {
    /// No limit at all.
    pub const OFF: Self = Self { rate_limit_per_minute: 0, rate_limit_burst: 1 };
}

/// Where the owner is told about new feedback, and when.
#[derive(Debug, Clone, Args)]
pub struct NotifyArgs {
    /// Which responses alert the owner: `unhappy` (see --unhappy-up-to), `all` or `none`
    /// (digests only). Responses flagged as spam never alert.
    #[arg(long, env = "PLATINUM_ALERT_ON", value_enum, default_value_t = AlertOn::Unhappy)]
    pub alert_on: AlertOn,

    /// Ratings up to this one (of 5, on the csat5, stars5 and emoji5 scales) count as unhappy:
    /// they make the dashboard's follow-up list and the digest's waiting list, alert with
    /// `--alert-on unhappy`, and are headed "Unhappy visitor" in alerts. 1 to 4.
    #[arg(long, env = "PLATINUM_UNHAPPY_UP_TO", default_value_t = DEFAULT_UNHAPPY_UP_TO, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub unhappy_up_to: u8,

    /// NPS ratings (0–10) up to this one count as unhappy, as --unhappy-up-to does for five
    /// points; by default NPS's detractors, 0 to 6. 0 to 9. Thumbs down always counts as unhappy.
    #[arg(long, env = "PLATINUM_NPS_UNHAPPY_UP_TO", default_value_t = DEFAULT_NPS_UNHAPPY_UP_TO, value_parser = clap::value_parser!(u8).range(0..=9))]
    pub nps_unhappy_up_to: u8,

    /// The address the owner opens the dashboard at, for links in alerts and digests, such as
    /// `https://feedback.shop.example`. Default: http:// and the listening address.
    #[arg(long, env = "PLATINUM_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// The SMTP server for e-mail alerts, digests and replies: `smtp://user:pass@host:587`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS), or `smtp://host:25?tls=none` (a server on
    /// this machine). Needs --mail-to unless the user name is the owner's address.
    #[arg(long, env = "PLATINUM_SMTP_URL", hide_env_values = true, value_parser = crate::mail::SmtpUrlParser)]
    pub smtp_url: Option<crate::mail::SmtpUrl>,

    /// The address the collector's mail comes from, e.g. "Shop feedback <alerts@shop.example>".
    /// Default: --mail-to.
    #[arg(long, env = "PLATINUM_MAIL_FROM", value_parser = crate::mail::parse_mail_from)]
    pub mail_from: Option<crate::mail::Mailbox>,

    /// The owner's address: alerts and digests go there, and visitors' answers to replies.
    /// Default: the --smtp-url user name, when it is an address.
    #[arg(long, env = "PLATINUM_MAIL_TO", value_parser = crate::mail::parse_mail_to)]
    pub mail_to: Option<crate::mail::Mailbox>,

    /// A URL that receives each alert as signed JSON (repeatable; in the environment
    /// comma-separated). Needs --webhook-secret.
    #[arg(long = "webhook", env = "PLATINUM_WEBHOOK", value_delimiter = ',', value_parser = crate::webhook::parse_webhook_url)]
    pub webhooks: Vec<reqwest::Url>,

    /// The secret webhook requests are signed with (HMAC-SHA256), at least 32 characters.
    #[arg(long, env = "PLATINUM_WEBHOOK_SECRET", hide_env_values = true, value_parser = crate::webhook::parse_webhook_secret)]
    pub webhook_secret: Option<crate::webhook::WebhookSecret>,

    /// A Slack incoming-webhook URL (or another service that takes the same messages) for
    /// readable alerts (repeatable; in the environment comma-separated).
    #[arg(long = "slack-webhook", env = "PLATINUM_SLACK_WEBHOOK", hide_env_values = true, value_delimiter = ',', value_parser = crate::webhook::parse_slack_webhook_url)]
    pub slack_webhooks: Vec<reqwest::Url>,

    /// A digest of the period on every channel: `off`, `daily` or `weekly`. Sent only when there
    /// is something to say.
    #[arg(long, env = "PLATINUM_DIGEST", default_value = "off")]
    pub digest: crate::digest::DigestOption,

    /// The hour (0–23) at which a digest's period ends and it is sent.
    #[arg(long, env = "PLATINUM_DIGEST_HOUR", default_value_t = 8, value_parser = clap::value_parser!(i8).range(0..=23))]
    pub digest_hour: i8,

    /// The day a weekly digest is sent: monday … sunday.
    #[arg(long, env = "PLATINUM_DIGEST_WEEKDAY", default_value = "monday", value_parser = crate::digest::parse_weekday)]
    pub digest_weekday: jiff::civil::Weekday,

    /// The time zone of --digest-hour, as an IANA name such as Europe/Lisbon.
    #[arg(long, env = "PLATINUM_DIGEST_TIME_ZONE", default_value = "UTC", value_parser = crate::digest::parse_time_zone)]
    pub digest_time_zone: (String, jiff::tz::TimeZone),
}

impl NotifyArgs {
    /// Which ratings count as unhappy, per scale.
    pub fn unhappiness(&self) -> crate::rating::Unhappiness {
        crate::rating::Unhappiness { five_point_up_to: self.unhappy_up_to, nps_up_to: self.nps_unhappy_up_to }
    }

    /// When digests are made, if they are.
    pub fn schedule(&self) -> Option<crate::digest::Schedule> {
        let every = match self.digest {
            crate::digest::DigestOption::Off => return None,
            crate::digest::DigestOption::Daily => crate::digest::Every::Day,
            crate::digest::DigestOption::Weekly => crate::digest::Every::Week(self.digest_weekday),
        };
        let (time_zone_name, time_zone) = self.digest_time_zone.clone();
        Some(crate::digest::Schedule { every, hour: self.digest_hour, time_zone, time_zone_name })
    }
}

/// Reads `--public-url`: an http(s) address, perhaps with a path prefix.
fn parse_public_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("--public-url {value:?} must start with https:// or http://, like https://feedback.shop.example"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#', ' ']) {
        return Err(format!("--public-url {value:?} must be an address such as https://feedback.shop.example"));
    }
    Ok(value.to_owned())
}

/// Per-client limit on wrong admin tokens (dashboard logins and bearer tokens together).
#[derive(Debug, Clone, Copy, Args)]
pub struct AuthLimit {
    /// Wrong tokens one client address may send per minute, on average, before it is answered
    /// 429 without the token being looked at.
    #[arg(long, env = "PLATINUM_AUTH_FAILURES_PER_MINUTE", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..))]
    pub auth_failures_per_minute: u32,

    /// Wrong tokens one client may send in a quick burst before the per-minute rate applies.
    #[arg(long, env = "PLATINUM_AUTH_FAILURE_BURST", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub auth_failure_burst: u32,
}

/// How long a dashboard session lasts and how its cookie is marked.
#[derive(Debug, Clone, Copy, Args)]
pub struct SessionArgs {
    /// A dashboard session unused for this long ends (e.g. 30m, 12h).
    #[arg(long, env = "PLATINUM_SESSION_IDLE_TIMEOUT", default_value = "12h", value_parser = parse_duration)]
    pub session_idle_timeout: Duration,

    /// A dashboard session ends this long after its login however much it is used (e.g. 7d).
    #[arg(long, env = "PLATINUM_SESSION_LIFETIME", default_value = "7d", value_parser = parse_duration)]
    pub session_lifetime: Duration,

    /// When the session cookie is marked Secure: `auto` when the login came over HTTPS (through
    /// a --trusted-proxy that sets X-Forwarded-Proto), `always` to force it.
    #[arg(long, env = "PLATINUM_COOKIE_SECURE", value_enum, default_value_t = CookieSecure::Auto)]
    pub cookie_secure: CookieSecure,
}

/// When the session cookie carries `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CookieSecure {
    /// When the request that logged in came over HTTPS.
    Auto,
    /// Always: the dashboard is only ever reached over HTTPS.
    Always,
}

/// Deadlines for slow clients and the cap on open connections.
#[derive(Debug, Clone, Copy, Args)]
pub struct ConnectionArgs {
    /// Time a client may take from a request's first byte to the end of its headers.
    #[arg(long, env = "PLATINUM_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,

    /// Time a client may take to send a request body once its headers are in; later, it is
    /// answered 408 and the connection closed.
    #[arg(long, env = "PLATINUM_BODY_TIMEOUT", default_value = "15s", value_parser = parse_duration)]
    pub body_timeout: Duration,

    /// A connection with no request in progress (new or kept alive) is closed after this long.
    #[arg(long, env = "PLATINUM_IDLE_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub idle_timeout: Duration,

    /// Connections open at once. At the cap, the connection waiting longest on its client is
    /// closed to make room. Default: the open-file limit less 64, at most 4096.
    #[arg(long, env = "PLATINUM_MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: Option<u64>,

    /// On SIGTERM or Ctrl-C, how long requests in flight may take to finish before their
    /// connections are closed.
    #[arg(long, env = "PLATINUM_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
}

/// Reads a duration such as `500ms`, `10s`, `30m`, `12h` or `7d`; it must be above zero.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value.trim())
        .map_err(|e| format!("{value:?} is not a duration such as 10s, 30m or 12h ({e})"))?;
    if duration.is_zero() {
        return Err(format!("{value:?}: the duration must be above zero"));
    }
    Ok(duration)
}

/// Ratings of 5 up to this one count as unhappy unless the owner says otherwise.
pub const DEFAULT_UNHAPPY_UP_TO: u8 = platinum_payload::Scale::Csat5.unhappy_up_to();
/// NPS ratings up to this one (the detractors) count as unhappy unless the owner says otherwise.
pub const DEFAULT_NPS_UNHAPPY_UP_TO: u8 = platinum_payload::Scale::Nps.unhappy_up_to();

/// Which stored responses alert the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertOn {
    /// Unhappy ratings (the default; 1 and 2 of 5 unless `--unhappy-up-to` says otherwise, NPS 0
    /// to 6 unless `--nps-unhappy-up-to` does, thumbs down).
    Unhappy,
    /// Every response.
    All,
    /// None: digests only.
    None,
}

impl AlertOn {
    /// Whether a stored response with `rating` on `scale`, flagged `spam` or not, alerts, when
    /// `unhappiness` says which ratings are unhappy.
    pub fn alerts(self, scale: platinum_payload::Scale, rating: i64, spam: bool, unhappiness: crate::rating::Unhappiness) -> bool {
        !spam
            && match self {
                Self::Unhappy => unhappiness.is_unhappy(scale, rating),
                Self::All => true,
                Self::None => false,
            }
    }
}

/// What else the binary can do besides serving.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a sample alert on every configured channel and print what each answered.
    #[command(name = "notify-test")]
    NotifyTest {
        #[command(flatten)]
        notify: Box<NotifyArgs>,
    },
    /// Print how many responses a database holds, and its notifications sent, pending, failed.
    #[command(hide = true)]
    Count {
        /// SQLite database file.
        #[arg(long, required_unless_present = "database_url")]
        db: Option<PathBuf>,
        /// Or any database, as --database-url takes it.
        #[arg(long, value_parser = parse_database_url)]
        database_url: Option<crate::store::Database>,
    },
    /// Answer every request 204: a webhook receiver for benchmarks.
    #[command(name = "bench-receiver", hide = true)]
    BenchReceiver {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
    },
    /// Copy a SQLite store into a PostgreSQL database: responses, follow-up state and notes,
    /// replies, digests and the notification history. Safe to run again: what is already there
    /// is left as it is. Run it with the collectors stopped, or before the first one starts on
    /// PostgreSQL.
    #[command(name = "migrate-sqlite-to-postgres")]
    MigrateSqliteToPostgres {
        /// The SQLite database file to copy from; it is only read.
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database to copy into, as a postgres:// URL; it is migrated first.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        to: String,
    },
    /// Copy the SQLite database to a new file while the collector serves: a consistent snapshot
    /// (`VACUUM INTO`), compacted, that a collector can be started on. Refuses to overwrite a
    /// file. On PostgreSQL, use pg_dump.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Delete every response left with an e-mail address (typed, or the signed-in visitor's; in
    /// any case), the replies to them and their notifications, and replace the address in
    /// stored digests; prints how many of each. Safe while the collector serves.
    Forget {
        /// The visitor's address.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Time durable inserts straight into SQLite, one row per commit and in batches.
    #[command(name = "bench-sqlite", hide = true)]
    BenchSqlite {
        /// SQLite database file to create for the measurement (it is overwritten).
        #[arg(long)]
        db: PathBuf,
        /// Seconds to spend on each measurement.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
    },
}

/// Which database a command other than serving works on, as the server is told.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// The database as the server's --database-url takes it.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, conflicts_with = "db", value_parser = parse_database_url)]
    pub database_url: Option<crate::store::Database>,

    /// SQLite database file: the same as --database-url sqlite://FILE. Default: platinum.db.
    #[arg(long, env = "PLATINUM_DB")]
    pub db: Option<PathBuf>,
}

impl DatabaseArgs {
    /// The database named, as [`ServeArgs::database`] picks it.
    pub fn database(&self) -> crate::store::Database {
        chosen_database(self.database_url.as_ref(), self.db.as_ref())
    }
}

fn parse_origin(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("{value:?} is not an origin: it must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains('/') {
        return Err(format!("{value:?} is not an origin: scheme and host only, like https://shop.example"));
    }
    Ok(value.to_ascii_lowercase())
}
