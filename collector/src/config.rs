//! The command line: every option, its environment variable and its default.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Receives Platinum feedback, stores it in SQLite, serves the widget and shows the owner what
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

    /// SQLite database file, created if missing and kept in WAL mode.
    #[arg(long, env = "PLATINUM_DB", default_value = "platinum.db")]
    pub db: PathBuf,

    /// A site allowed to post feedback, as an origin like https://shop.example (repeatable; in the
    /// environment, comma-separated). Pages served by the collector itself may always post.
    #[arg(long = "allow-origin", env = "PLATINUM_ALLOW_ORIGIN", value_delimiter = ',', value_parser = parse_origin)]
    pub allow_origins: Vec<String>,

    /// The owner's secret for the dashboard and GET /api/feedback. If unset, a random token is
    /// generated at start-up and printed once.
    #[arg(long, env = "PLATINUM_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    #[command(flatten)]
    pub rate_limit: RateLimit,

    /// A reverse proxy in front of the collector, as an address (127.0.0.1) or network
    /// (10.0.0.0/8); repeatable, in the environment comma-separated. Requests from it are
    /// rate-limited by the client address it appends to X-Forwarded-For instead of its own.
    /// Without it, behind a proxy every visitor would share the proxy's limit.
    #[arg(long = "trusted-proxy", env = "PLATINUM_TRUSTED_PROXY", value_delimiter = ',', value_parser = crate::client::parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
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

/// Tools for measuring and checking a database; not part of normal use.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print how many responses a database holds.
    #[command(hide = true)]
    Count {
        /// SQLite database file.
        #[arg(long)]
        db: PathBuf,
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
