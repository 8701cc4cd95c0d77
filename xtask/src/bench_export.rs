//! The export benchmark: a million responses written straight into a collector's SQLite file,
//! then exported over HTTP as NDJSON and as CSV, with the time, rate, size and the collector's
//! peak resident memory, which streaming keeps flat however many rows there are.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::bench_collector::{Collector, TOKEN, vm_hwm_kib};
use crate::{Result, cargo, run_cmd, tools};

/// Responses loaded.
const ROWS: u64 = 1_000_000;

/// Builds the collector in release, loads [`ROWS`] responses and times both exports.
pub fn run(root: &Path) -> Result {
    tools::ensure_apt(&["sqlite3", "curl"])?;
    println!("== building the collector (release)");
    run_cmd(cargo().current_dir(root).args(["build", "--release", "--package", "platinum-collector"]))?;
    let binary = root.join("target").join("release").join("platinum-collector");
    let work = std::env::temp_dir().join(format!("platinum-bench-export-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    let result = measure(&binary, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(binary: &Path, work: &Path) -> Result {
    let db = work.join("platinum.db");
    // The collector creates and migrates the file; the rows go in while it is stopped.
    start(binary, &db)?.stop()?;
    let loading = Instant::now();
    run_cmd(Command::new("sqlite3").arg(&db).arg(fill_sql()))?;
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("loaded {ROWS} rows in {:.1} s (sqlite3, one transaction); database {} MiB", loading.elapsed().as_secs_f64(), size >> 20);

    let mut collector = start(binary, &db)?;
    let pid = collector.child.id();
    println!("collector peak RSS before the exports: {:>6.1} MiB (VmHWM)", peak_mib(pid));
    println!();
    println!("format    seconds     rows/s        bytes   peak RSS after");
    for format in ["ndjson", "csv"] {
        let (seconds, rows, bytes) = export(&collector.address, format)?;
        // CSV has a header line.
        let rows = if format == "csv" { rows - 1 } else { rows };
        if rows != ROWS {
            return Err(format!("the {format} export held {rows} rows, not {ROWS}"));
        }
        println!("{format:<8} {seconds:>8.2} {:>10.0} {bytes:>12} {:>10.1} MiB", rows as f64 / seconds, peak_mib(pid));
    }
    collector.stop()
}

fn start(binary: &Path, db: &Path) -> Result<Collector> {
    Collector::start_command(Command::new(binary).args(["--listen", "127.0.0.1:0", "--db"]).arg(db))
}

/// The collector's peak resident memory so far, in MiB.
fn peak_mib(pid: u32) -> f64 {
    let kib = std::fs::read_to_string(format!("/proc/{pid}/status")).ok().as_deref().and_then(vm_hwm_kib).unwrap_or(0);
    kib as f64 / 1024.0
}

/// Downloads the whole export in `format` with curl, counting lines and bytes as they arrive:
/// (seconds, lines, bytes).
fn export(address: &str, format: &str) -> Result<(f64, u64, u64)> {
    let url = format!("http://{address}/api/feedback?format={format}&spam=include");
    let started = Instant::now();
    let mut curl = Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "--header", &format!("Authorization: Bearer {TOKEN}"), &url])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start curl: {e}"))?;
    let mut body = curl.stdout.take().ok_or("no output from curl")?;
    let (mut lines, mut bytes) = (0u64, 0u64);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = body.read(&mut buffer).map_err(|e| format!("reading the export: {e}"))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        lines += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let exit = curl.wait().map_err(|e| format!("waiting for curl: {e}"))?;
    if !exit.success() {
        return Err(format!("curl {url} failed ({exit})"));
    }
    Ok((started.elapsed().as_secs_f64(), lines, bytes))
}

/// One statement that writes [`ROWS`] responses like the widget's, one every 30 s up to a
/// fixed day, a third of them with a comment, the rest of every kind of scale.
fn fill_sql() -> String {
    format!(
        "PRAGMA synchronous = OFF;
         BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})
         INSERT INTO feedback (id, received_at, origin, schema_version, rating, scale, comment, email, page_url, page_title,
             page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, widget_version, honeypot, spam, clock_skewed)
         SELECT printf('%08x-0000-4000-8000-%012x', i, i), t, 'https://shop.example', 2, 1 + i % 5, 'csat5',
             CASE WHEN i % 3 = 0 THEN 'The checkout was slow on my phone; the \"Pay\" button moved twice.' ELSE '' END,
             CASE WHEN i % 7 = 0 THEN 'visitor' || i || '@example.com' END,
             'https://shop.example/cart?step=' || (i % 4), 'Your cart', 'https://shop.example/', 'en-GB',
             'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', 1280, 800, t, '1.4.0', '', 0, 0
         FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', 1800000000 - ({ROWS} - i) * 30, 'unixepoch') AS t FROM n);
         COMMIT;"
    )
}
