//! `platinum-collector backup`: a copy made by a separate process while the collector is busy
//! storing posts is sound, holds everything acknowledged before it began, and can be served.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::process::{Collector, exchange};
use common::{TOKEN, feedback, new_id};
use sqlx::{ConnectOptions, Connection};

/// Runs `platinum-collector backup` with `args`.
fn backup(args: &[std::ffi::OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platinum-collector")).arg("backup").args(args).output().expect("run the backup command")
}

/// Posts continuously on one connection until `stop`, recording each acknowledged id.
fn post_until(collector: &Collector, stop: &AtomicBool, acknowledged: &Mutex<Vec<String>>) {
    let mut stream = collector.connect();
    while !stop.load(Ordering::Relaxed) {
        let id = new_id();
        let body = feedback(&id, 3, "posted while the backup runs").to_string();
        match exchange(&mut stream, &collector.post_request(&body)) {
            Some((201, _)) => acknowledged.lock().expect("ids").push(id),
            other => panic!("post answered {other:?}"),
        }
    }
}

/// `GET /api/feedback?per_page=1` with the token: the total the collector reports.
fn total(collector: &Collector) -> i64 {
    let request = format!("GET /api/feedback?per_page=1 HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n", collector.address);
    let (status, body) = exchange(&mut collector.connect(), &request).expect("list");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).expect("JSON")["total"].as_i64().expect("total")
}

async fn open(path: &Path) -> sqlx::SqliteConnection {
    sqlx::sqlite::SqliteConnectOptions::new().filename(path).read_only(true).connect().await.expect("open the copy")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_is_whole_and_can_be_served() {
    if common::postgres::on_postgres() {
        return the_backup_of_postgres_points_to_pg_dump();
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = common::db_path(dir.path());
    let collector = Arc::new(Collector::start(&db, &[]));
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let posters: Vec<_> = (0..4)
        .map(|_| {
            let (collector, stop, acknowledged) = (collector.clone(), stop.clone(), acknowledged.clone());
            std::thread::spawn(move || post_until(&collector, &stop, &acknowledged))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().expect("ids").len() < 300 {
        assert!(Instant::now() < deadline, "the collector stores too slowly");
        std::thread::sleep(Duration::from_millis(20));
    }

    let before: Vec<String> = acknowledged.lock().expect("ids").clone();
    let copy = dir.path().join("copy.db");
    let made = backup(&["--db".into(), db.clone().into(), "--to".into(), copy.clone().into()]);
    let after = acknowledged.lock().expect("ids").len();
    stop.store(true, Ordering::Relaxed);
    for poster in posters {
        poster.join().expect("poster");
    }
    let stdout = String::from_utf8_lossy(&made.stdout);
    assert!(made.status.success(), "{stdout}{}", String::from_utf8_lossy(&made.stderr));
    assert!(after > before.len(), "the posts went on while the backup ran");

    let mut conn = open(&copy).await;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.expect("integrity check");
    assert_eq!(integrity, "ok");
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM feedback").fetch_all(&mut conn).await.expect("ids");
    conn.close().await.expect("close");
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let missing = before.iter().filter(|id| !stored.contains(*id)).count();
    assert_eq!(missing, 0, "of {} acknowledged before the backup began", before.len());
    assert!(stdout.contains(&format!("backed up {} responses", stored.len())), "{stdout}");

    // Another backup to the same file is refused, and leaves the copy as it was.
    let size = std::fs::metadata(&copy).expect("copy").len();
    let again = backup(&["--db".into(), db.into(), "--to".into(), copy.clone().into()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(std::fs::metadata(&copy).expect("copy").len(), size);

    drop(collector);
    let restored = Collector::attach(Collector::spawn(&["--db".into(), copy.into()], &[], None));
    assert_eq!(total(&restored), i64::try_from(stored.len()).expect("count"));
    let body = feedback(&new_id(), 5, "after the restore").to_string();
    assert_eq!(exchange(&mut restored.connect(), &restored.post_request(&body)).map(|(status, _)| status), Some(201));
    assert_eq!(total(&restored), i64::try_from(stored.len()).expect("count") + 1);
}

/// On PostgreSQL the command makes nothing and says to use pg_dump.
fn the_backup_of_postgres_points_to_pg_dump() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("copy.db");
    let mut args = common::database_args(&common::db_path(dir.path()));
    args.extend(["--to".into(), copy.clone().into()]);
    let made = backup(&args);
    assert!(!made.status.success());
    let said = String::from_utf8_lossy(&made.stderr);
    assert!(said.contains("pg_dump"), "{said}");
    assert!(!said.contains("password"), "{said}");
    assert!(!copy.exists());
}
