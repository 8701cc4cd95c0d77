//! The collector benchmark: concurrent `POST /api/feedback` load from `oha` on loopback, with the
//! figures the README records and a check that every `201` is a stored row; run once without
//! alerts and once with every unhappy response alerting a signed webhook on loopback.
//!
//! The collector runs in release with rate limiting switched off (`--rate-limit-per-minute 0`) on
//! a fresh database in a temporary directory. `oha` sends a random line of a body file per
//! request, so ids can repeat: repeats are answered `200` and stored nothing, which is why the
//! check compares the row count with the number of `201`s.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Connections `oha` keeps open.
const CONNECTIONS: u32 = 64;
/// How long the load runs.
const SECONDS: u32 = 10;
/// Rounds of each kind, interleaved.
const ROUNDS: u32 = 3;
/// Distinct payloads in the body file; with ~250k requests in a run most ids are sent once.
const LINES: u64 = 1_000_000;
/// The admin token of every collector these commands start.
pub(crate) const TOKEN: &str = "benchmark-token-0123456789abcdef0123456";

/// Builds the collector, drives load at it and prints throughput, latency, memory and the raw
/// SQLite insert rate of this machine. With `--postgres` (a throwaway server started here) or
/// `--database-url postgres://…` (a server of your own; the database is used as it is), it
/// compares SQLite, PostgreSQL, and two collectors on one PostgreSQL instead.
pub fn run(root: &Path) -> Result<(), String> {
    let options: Vec<String> = std::env::args().skip(2).collect();
    let postgres = match options.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => None,
        ["--postgres"] => Some(None),
        ["--database-url", url] => Some(Some((*url).to_owned())),
        other => return Err(format!("bench-collector takes --postgres or --database-url postgres://…, not {other:?}")),
    };
    println!("== building the collector (release)");
    status(cargo().current_dir(root).args(["build", "--release", "--package", "platinum-collector"]))?;
    ensure_oha()?;
    let binary = root.join("target").join("release").join("platinum-collector");

    let work = std::env::temp_dir().join(format!("platinum-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    let result = match postgres {
        None => measure(&binary, &work),
        Some(url) => measure_postgres(&binary, &work, url),
    };
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// SQLite, PostgreSQL and two collectors sharing PostgreSQL, under the same load, and
/// PostgreSQL's own rate of single-row durable inserts from pgbench.
fn measure_postgres(binary: &Path, work: &Path, url: Option<String>) -> Result<(), String> {
    let server = match url {
        Some(_) => None,
        None => {
            println!("== starting a throwaway PostgreSQL server");
            Some(pg_throwaway::Server::start()?)
        }
    };
    let database = |name: &str| -> Result<String, String> {
        match (&server, &url) {
            (Some(server), _) => server.fresh_database(),
            (None, Some(url)) => Ok(url.clone()),
            (None, None) => Err(format!("no database for {name}")),
        }
    };
    let bodies = work.join("bodies.jsonl");
    println!("== writing {LINES} distinct payloads");
    write_bodies(&bodies)?;
    let sqlite = Database::Sqlite(work.join("sqlite.db"));
    println!("== one collector, SQLite");
    let one_sqlite = load_on(binary, &bodies, &sqlite, 1, &[])?;
    println!("== one collector, PostgreSQL");
    let one_postgres = load_on(binary, &bodies, &Database::Postgres(database("one collector")?), 1, &[])?;
    println!("== two collectors, one PostgreSQL, the load spread across both");
    let two_postgres = load_on(binary, &bodies, &Database::Postgres(database("two collectors")?), 2, &[])?;
    let raw = pgbench(server.as_ref(), &database("pgbench")?, work)?;
    println!("== summary ({CONNECTIONS} connections, {SECONDS} s each)");
    println!("| setup | new responses/s | p50 ms | p99 ms | rows = 201s |");
    println!("|---|---|---|---|---|");
    for (name, figures) in [("one collector, SQLite", one_sqlite), ("one collector, PostgreSQL", one_postgres), ("two collectors, one PostgreSQL", two_postgres)] {
        println!("| {name} | {:.0} | {:.2} | {:.2} | yes |", figures.per_second, figures.p50 * 1000.0, figures.p99 * 1000.0);
    }
    println!("| PostgreSQL alone (pgbench, one ~1 KB row per commit) | {raw:.0} | | | |");
    Ok(())
}

/// pgbench with [`CONNECTIONS`] clients, each committing single-row inserts of a ~1 KB row
/// (`ON CONFLICT DO NOTHING` on a random id) for [`SECONDS`]; transactions per second.
fn pgbench(server: Option<&pg_throwaway::Server>, url: &str, work: &Path) -> Result<f64, String> {
    println!("== PostgreSQL alone: pgbench, {CONNECTIONS} clients, one ~1 KB row per commit");
    let program = match server {
        Some(server) => server.bindir().join("pgbench"),
        None => PathBuf::from("pgbench"),
    };
    let setup = "CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, body TEXT NOT NULL)";
    status(Command::new(program.with_file_name("psql")).args(["-q", "-c", setup, url]))?;
    let script = work.join("insert.sql");
    std::fs::write(&script, "INSERT INTO bench_rows VALUES (md5(random()::text || clock_timestamp()::text), repeat('x', 1000)) ON CONFLICT DO NOTHING;\n")
        .map_err(|e| format!("writing {}: {e}", script.display()))?;
    let output = Command::new(&program)
        .args(["-n", "-c", &CONNECTIONS.to_string(), "-j", "2", "-T", &SECONDS.to_string(), "-f"])
        .arg(&script)
        .arg(url)
        .output()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("pgbench failed: {text}{}", String::from_utf8_lossy(&output.stderr)));
    }
    let tps = text.lines().find_map(|line| line.strip_prefix("tps = ")).and_then(|rest| rest.split_whitespace().next()).and_then(|n| n.parse().ok());
    let tps = tps.ok_or_else(|| format!("pgbench printed no tps: {text}"))?;
    println!("{tps:.0} transactions/s");
    Ok(tps)
}

fn measure(binary: &Path, work: &Path) -> Result<(), String> {
    let bodies = work.join("bodies.jsonl");
    println!("== writing {LINES} distinct payloads");
    write_bodies(&bodies)?;
    // The same load with alerts on: two in five payloads are unhappy, each alerting a signed
    // webhook on loopback that takes everything as fast as it comes. The two are interleaved,
    // ROUNDS times each, because this machine's disk speed drifts between runs minutes apart.
    let mut receiver = Collector::start_command(Command::new(binary).args(["bench-receiver"]))?;
    let hook = format!("http://{}/hook", receiver.address);
    let alerts = ["--webhook", hook.as_str(), "--webhook-secret", "benchmark-webhook-secret-0123456789abcdef"];
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        println!("== round {round}: alerts off");
        without.push(load(binary, work, &bodies, &format!("plain-{round}.db"), &[])?);
        println!("== round {round}: alerts on, every unhappy response to a webhook at {hook}");
        with.push(load(binary, work, &bodies, &format!("alerts-{round}.db"), &alerts)?);
    }
    let _ = receiver.child.kill();
    let mean = |runs: &[f64]| runs.iter().sum::<f64>() / runs.len() as f64;
    let shown = |runs: &[f64]| runs.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ");
    println!(
        "== new responses/s: alerts off {} (mean {:.0}); alerts on {} (mean {:.0}): {:+.1}%",
        shown(&without),
        mean(&without),
        shown(&with),
        mean(&with),
        (mean(&with) / mean(&without) - 1.0) * 100.0
    );

    println!();
    println!("== raw SQLite on this machine, same row, WAL + synchronous=FULL");
    status(Command::new(binary).args(["bench-sqlite", "--seconds", "3", "--db"]).arg(work.join("raw.db")))
}

/// One run of the load against a fresh collector started with `args`; new responses stored per
/// second.
fn load(binary: &Path, work: &Path, bodies: &Path, db_name: &str, args: &[&str]) -> Result<f64, String> {
    load_on(binary, bodies, &Database::Sqlite(work.join(db_name)), 1, args).map(|figures| figures.per_second)
}

/// Where the collectors of a run keep their responses.
enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    /// The collector's options for it.
    fn args(&self) -> Vec<std::ffi::OsString> {
        match self {
            Self::Sqlite(path) => vec!["--db".into(), path.into()],
            Self::Postgres(url) => vec!["--database-url".into(), url.into()],
        }
    }
}

/// What one run measured.
#[derive(Clone, Copy)]
struct Figures {
    /// New responses stored per second.
    per_second: f64,
    /// Median latency, seconds (the slowest collector's, with several).
    p50: f64,
    /// 99th percentile latency, seconds (the slowest collector's, with several).
    p99: f64,
}

/// One run: `instances` collectors started with `args` on `database`, each given an equal share
/// of the [`CONNECTIONS`] by its own `oha`, all at once. Ids repeat across the shares, so a
/// response can reach both collectors; the check that rows equal `201`s holds across them.
fn load_on(binary: &Path, bodies: &Path, database: &Database, instances: u32, args: &[&str]) -> Result<Figures, String> {
    let (rows_before, _) = count_rows(binary, database)?;
    let mut collectors = Vec::new();
    for _ in 0..instances {
        collectors.push(Collector::start(binary, database, args)?);
    }
    let share = CONNECTIONS / instances;
    let addresses: Vec<String> = collectors.iter().map(|c| c.address.clone()).collect();
    println!("== {CONNECTIONS} connections ({share} to each of {}) for {SECONDS} s, rate limit off", addresses.join(", "));
    let peaks: Vec<PeakRss> = collectors.iter().map(|c| PeakRss::watch(c.child.id())).collect();
    let runs: Vec<std::thread::JoinHandle<Result<std::process::Output, String>>> = addresses
        .iter()
        .map(|address| {
            let mut oha = Command::new("oha");
            oha.args(["--no-tui", "--output-format", "json", "-w", "-m", "POST", "-T", "application/json"])
                .args(["-c", &share.to_string(), "-z", &format!("{SECONDS}s"), "-Z"])
                .arg(bodies)
                .arg(format!("http://{address}/api/feedback"))
                .stderr(Stdio::inherit());
            std::thread::spawn(move || oha.output().map_err(|e| format!("could not start oha: {e}")))
        })
        .collect();
    let mut reports = Vec::new();
    for run in runs {
        let report = run.join().map_err(|_| "an oha thread panicked".to_owned())??;
        if !report.status.success() {
            return Err(format!("oha failed ({})", report.status));
        }
        reports.push(String::from_utf8_lossy(&report.stdout).into_owned());
    }
    let alerts = if args.is_empty() { None } else { Some(drain_alerts(binary, database)?) };
    let peak_kib: Vec<u64> = peaks.into_iter().map(PeakRss::finish).collect();
    for collector in &mut collectors {
        collector.stop()?;
    }

    let (mut elapsed, mut p50, mut p99, mut created, mut repeated, mut errors) = (0f64, 0f64, 0f64, 0u64, 0u64, 0f64);
    let mut others = Vec::new();
    for json in &reports {
        elapsed = elapsed.max(number_after(json, "\"summary\"", "\"total\"").ok_or("oha report: no summary.total")?);
        p50 = p50.max(number_after(json, "\"latencyPercentiles\"", "\"p50\"").ok_or("oha report: no p50")?);
        p99 = p99.max(number_after(json, "\"latencyPercentiles\"", "\"p99\"").ok_or("oha report: no p99")?);
        let codes = status_codes(json);
        let code = |c: &str| codes.iter().find(|(k, _)| k == c).map_or(0, |(_, n)| *n);
        created += code("201");
        repeated += code("200");
        others.extend(codes.iter().filter(|(k, _)| k != "201" && k != "200").map(|(k, n)| format!("{n}×{k}")));
        errors += number_after(json, "\"errorDistribution\"", ":").unwrap_or(0.0);
    }

    let (rows_after, _) = count_rows(binary, database)?;
    let rows = rows_after - rows_before;
    let per_second = |n: u64| n as f64 / elapsed;
    println!();
    println!("accepted (201 + 200):  {:>8.0} responses/s  ({} in {elapsed:.1} s)", per_second(created + repeated), created + repeated);
    println!("  new, stored (201):   {:>8.0} /s            ({created})", per_second(created));
    println!("  repeated ids (200):  {:>8.0} /s            ({repeated})", per_second(repeated));
    if !others.is_empty() || errors > 0.0 {
        println!("  other answers: {}; connection errors: {errors:.0}", others.join(", "));
    }
    println!("latency p50:           {:>8.2} ms", p50 * 1000.0);
    println!("latency p99:           {:>8.2} ms", p99 * 1000.0);
    let peaks: Vec<String> = peak_kib.iter().map(|kib| format!("{:.1}", *kib as f64 / 1024.0)).collect();
    println!("collector peak RSS:    {:>8} MiB (VmHWM)", peaks.join(" / "));
    println!("rows in the database:  {rows:>8} ({})", if rows == created { "= number of 201s" } else { "MISMATCH with the number of 201s" });
    if let Some(alerts) = alerts {
        println!(
            "alerts:                {:>8} sent during the load; all {} sent {:.1} s after it ended",
            alerts.during, alerts.total, alerts.drained.as_secs_f64()
        );
    }
    println!();
    if rows != created {
        return Err(format!("{rows} rows stored but {created} posts answered 201"));
    }
    Ok(Figures { per_second: per_second(created), p50, p99 })
}

/// A collector process this command started, stopped when dropped.
pub(crate) struct Collector {
    pub(crate) child: Child,
    /// `host:port` it listens on.
    pub(crate) address: String,
}

impl Collector {
    fn start(binary: &Path, database: &Database, args: &[&str]) -> Result<Self, String> {
        let mut command = Command::new(binary);
        command.args(["--listen", "127.0.0.1:0", "--rate-limit-per-minute", "0"]).args(args).args(database.args());
        Self::start_command(&mut command)
    }

    /// Starts `command` (with `--listen 127.0.0.1:0` among its arguments) and reads the address
    /// it prints first.
    pub(crate) fn start_command(command: &mut Command) -> Result<Self, String> {
        let mut child = command
            .env("PLATINUM_ADMIN_TOKEN", TOKEN)
            .env("PLATINUM_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {command:?}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout from the collector")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(address) = first.split("http://").nth(1).and_then(|rest| rest.split('/').next()).map(str::to_owned) else {
            let _ = child.kill();
            return Err(format!("the collector did not print its address: {first:?}"));
        };
        // Keep reading so the collector never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, address })
    }

    /// SIGTERM, then wait for the graceful shutdown to finish.
    pub(crate) fn stop(&mut self) -> Result<(), String> {
        status(Command::new("kill").args(["-TERM", &self.child.id().to_string()]))?;
        let exit = self.child.wait().map_err(|e| format!("waiting for the collector: {e}"))?;
        if exit.success() { Ok(()) } else { Err(format!("the collector exited with {exit}")) }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Peak resident memory of a process: the kernel's high-water mark, read until the load ends.
struct PeakRss {
    done: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl PeakRss {
    fn watch(pid: u32) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (d, p) = (done.clone(), peak.clone());
        let thread = std::thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            loop {
                if let Some(kib) = std::fs::read_to_string(&path).ok().as_deref().and_then(vm_hwm_kib) {
                    p.fetch_max(kib, Ordering::Relaxed);
                }
                if d.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        Self { done, peak, thread }
    }

    /// The peak in KiB.
    fn finish(self) -> u64 {
        self.done.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

pub(crate) fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn write_bodies(path: &PathBuf) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    let mut out = BufWriter::new(file);
    // A run-specific prefix keeps ids unique across runs too.
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64) ^ u64::from(std::process::id());
    let comments = ["", "Quick checkout.", "The search is slow on my phone.", "Could not find the return policy."];
    let mut line = String::with_capacity(512);
    for n in 0..LINES {
        line.clear();
        let rating = n % 5 + 1;
        let comment = comments[(n % 4) as usize];
        let _ = writeln!(
            line,
            "{{\"id\":\"{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}\",\"schema_version\":1,\"rating\":{rating},\"scale\":5,\
             \"comment\":\"{comment}\",\"email\":null,\"page\":{{\"url\":\"https://shop.example/p/{n}\",\"title\":\"Product\",\
             \"referrer\":\"\"}},\"locale\":\"en\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\
             \"viewport\":{{\"width\":1280,\"height\":800}},\"created_at\":\"2026-11-23T10:00:00.000Z\",\"widget_version\":\"0.1.0\"}}",
            (seed >> 32) as u32,
            (seed >> 16) as u16,
            seed & 0xfff,
            (n >> 48) & 0xfff,
            n & 0xffff_ffff_ffff,
        );
        out.write_all(line.as_bytes()).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    out.flush().map_err(|e| format!("writing {}: {e}", path.display()))
}

/// The rows stored in `db`, and its notifications (sent, pending, failed).
fn count_rows(binary: &Path, database: &Database) -> Result<(u64, [u64; 3]), String> {
    let output = Command::new(binary).arg("count").args(database.args()).output().map_err(|e| format!("counting rows: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let unexpected = || format!("counting rows: unexpected output {text:?}");
    let mut numbers = text.split_ascii_whitespace().map(str::parse::<u64>);
    let mut next = || numbers.next().and_then(Result::ok).ok_or_else(unexpected);
    Ok((next()?, [next()?, next()?, next()?]))
}

/// How the alerts of one run went.
struct Alerts {
    /// Sent while the load ran.
    during: u64,
    /// Every alert the run owed.
    total: u64,
    /// How long after the load the last was sent.
    drained: Duration,
}

/// Waits (at most a minute) for every alert `db` owes to be sent, counting as it goes.
fn drain_alerts(binary: &Path, db: &Database) -> Result<Alerts, String> {
    let ended = std::time::Instant::now();
    let (_, [during, ..]) = count_rows(binary, db)?;
    loop {
        let (_, [sent, pending, failed]) = count_rows(binary, db)?;
        if failed > 0 {
            return Err(format!("{failed} alerts failed"));
        }
        if pending == 0 {
            return Ok(Alerts { during, total: sent, drained: ended.elapsed() });
        }
        if ended.elapsed() > Duration::from_secs(60) {
            return Err(format!("{pending} alerts still unsent a minute after the load"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first number after `key` that follows `section` in oha's JSON report.
fn number_after(json: &str, section: &str, key: &str) -> Option<f64> {
    let from = json.find(section)? + section.len();
    let at = json[from..].find(key)? + from + key.len();
    let rest = json[at..].trim_start_matches([':', ' ', '"', '{']);
    let end = rest.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `"statusCodeDistribution":{"201":123,"200":4}` as pairs.
fn status_codes(json: &str) -> Vec<(String, u64)> {
    let Some(start) = json.find("\"statusCodeDistribution\"") else { return Vec::new() };
    let rest = &json[start..];
    let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else { return Vec::new() };
    rest[open + 1..close]
        .split(',')
        .filter_map(|pair| {
            let (code, n) = pair.split_once(':')?;
            Some((code.trim().trim_matches('"').to_owned(), n.trim().parse().ok()?))
        })
        .collect()
}

fn ensure_oha() -> Result<(), String> {
    let present = Command::new("oha").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    println!("== installing oha (cargo install oha --locked)");
    status(cargo().args(["install", "oha", "--locked"]))
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn status(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let exit = cmd.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if exit.success() { Ok(()) } else { Err(format!("{shown} failed ({exit})")) }
}
