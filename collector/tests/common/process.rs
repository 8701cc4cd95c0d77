//! The built collector binary as a real process on a loopback port, and raw HTTP/1.1 over it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::TOKEN;

/// A running collector; killed when dropped, so a failing test leaves no process behind.
pub struct Collector {
    pub child: Child,
    pub address: String,
    banner: Arc<Mutex<String>>,
    log: Arc<Mutex<String>>,
}

impl Collector {
    /// Starts the collector on a free port with `db` and `args` (rate limit off unless `args` set it).
    pub fn start(db: &Path, args: &[&str]) -> Self {
        Self::start_with(db, args, None)
    }

    /// Starts it with its open-file limit set to `soft`:`hard` first (through util-linux `prlimit`).
    pub fn start_with_open_files(db: &Path, args: &[&str], soft: u64, hard: u64) -> Self {
        Self::start_with(db, args, Some((soft, hard)))
    }

    /// Starts the collector on a free port with the database at `url` and `args`.
    pub fn start_on(url: &str, args: &[&str]) -> Self {
        Self::attach(Self::spawn(&["--database-url".into(), url.into()], args, None))
    }

    fn start_with(db: &Path, args: &[&str], open_files: Option<(u64, u64)>) -> Self {
        Self::attach(Self::spawn(&super::database_args(db), args, open_files))
    }

    /// Starts the process with `database` (its options) and `args`, on a free port unless `args`
    /// give `--listen`, without waiting for anything.
    pub fn spawn(database: &[std::ffi::OsString], args: &[&str], open_files: Option<(u64, u64)>) -> Child {
        let binary = env!("CARGO_BIN_EXE_platinum-collector");
        let mut command = match open_files {
            Some((soft, hard)) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--nofile={soft}:{hard}")).arg("--").arg(binary);
                c
            }
            None => Command::new(binary),
        };
        let mut defaults = if args.contains(&"--listen") { vec![] } else { vec!["--listen", "127.0.0.1:0"] };
        if !args.contains(&"--rate-limit-per-minute") {
            defaults.extend(["--rate-limit-per-minute", "0"]);
        }
        command
            .args(defaults)
            .args(args)
            .args(database)
            .env("PLATINUM_ADMIN_TOKEN", TOKEN)
            .env("PLATINUM_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the collector")
    }

    /// Waits for `child`'s start-up banner (printed once it serves) and keeps reading its output.
    pub fn attach(mut child: Child) -> Self {
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("start-up line");
        let banner = Arc::new(Mutex::new(first.clone()));
        // Keep reading, so the rest of the output never meets a closed pipe.
        let lines = banner.clone();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let mut banner = lines.lock().expect("banner");
                banner.push_str(&line);
                banner.push('\n');
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        // A test that read the log before may have taken it.
        if let Some(stderr) = child.stderr.take() {
            let lines = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut log = lines.lock().expect("log");
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let address = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_owned();
        Self { child, address, banner, log }
    }

    /// What it printed to stdout at start-up, waiting until `needle` is in it (up to 5 s).
    pub fn banner_containing(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let banner = self.banner.lock().expect("banner").clone();
            if banner.contains(needle) || Instant::now() > deadline {
                return banner;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// What it has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// What it has logged, waiting until `needle` is in it (up to 5 s).
    pub fn log_containing(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.log();
            if log.contains(needle) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A new connection with reads and writes bounded, so a collector that stops answering
    /// fails the test instead of hanging it.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
        stream.set_write_timeout(Some(Duration::from_secs(10))).expect("write timeout");
        stream
    }

    /// `GET path` on a new connection: status and body.
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        exchange(&mut self.connect(), &format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.address))
    }

    /// A complete `POST /api/feedback` request with `body`.
    pub fn post_request(&self, body: &str) -> String {
        format!(
            "POST /api/feedback HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        )
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().expect("kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits up to `limit` for the process to exit; its exit status if it did.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll") {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange on `stream`; the status and body, or None if the connection failed.
pub fn exchange(stream: &mut TcpStream, request: &str) -> Option<(u16, String)> {
    stream.write_all(request.as_bytes()).ok()?;
    read_response(stream)
}

/// Reads one response (with a `Content-Length` body) from `stream`.
pub fn read_response(stream: &mut TcpStream) -> Option<(u16, String)> {
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    if reader.read_line(&mut status_line).ok()? == 0 {
        return None;
    }
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((status, String::from_utf8_lossy(&body).into_owned()))
}
