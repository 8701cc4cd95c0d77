//! A throwaway PostgreSQL server: `initdb` into a temporary directory, `pg_ctl` on a free loopback
//! port, trusted local connections as the user `platinum`, and everything removed on drop.
//!
//! The server programs are found through `pg_config --bindir`, else in the newest
//! `/usr/lib/postgresql/*/bin` (Debian's layout). PostgreSQL refuses to run as root, so under
//! root the programs run as the `postgres` user (through `runuser`) and the directory is given to
//! it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The superuser the server is made with.
pub const USER: &str = "platinum";

/// A running server, stopped and deleted when dropped.
#[derive(Debug)]
pub struct Server {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Runs the server programs as this user (when started as root).
    run_as: Option<&'static str>,
}

/// Databases made by [`Server::fresh_database`] so far, for their names.
static DATABASES: AtomicU32 = AtomicU32::new(0);

impl Server {
    /// Makes and starts a server; an error says what is missing or what failed.
    pub fn start() -> Result<Self, String> {
        let bin = bindir()?;
        let run_as = is_root().then_some("postgres");
        let dir = std::env::temp_dir().join(format!("pg-throwaway-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        if let Some(user) = run_as {
            check(Command::new("chown").arg(user).arg(&dir), "chown the data directory")?;
        }
        let port = free_port()?;
        let server = Self { dir, bin, port, run_as };
        let data = server.data().to_string_lossy().into_owned();
        server.run("initdb", &["-D", &data, "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C", "--no-sync"])?;
        // Room for two collectors' pools and a benchmark's clients.
        let settings = "max_connections = 200\nshared_buffers = 128MB\nlisten_addresses = '127.0.0.1'\nfsync = on\nsynchronous_commit = on\n";
        let conf = server.data().join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).map_err(|e| format!("reading {}: {e}", conf.display()))?;
        text.push_str(settings);
        text.push_str(&format!("port = {port}\nunix_socket_directories = '{}'\n", server.dir.display()));
        std::fs::write(&conf, text).map_err(|e| format!("writing {}: {e}", conf.display()))?;
        server.resume()?;
        Ok(server)
    }

    /// The port it listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a new, empty database and returns its URL.
    pub fn fresh_database(&self) -> Result<String, String> {
        fresh_database_at(self.port)
    }

    /// The command line (program first) that [`Server::pause`] runs, for another process to run.
    pub fn pause_command(&self) -> Vec<String> {
        let data = self.data().to_string_lossy().into_owned();
        self.command_line("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"])
    }

    /// The command line (program first) that starts the server again after a pause, for
    /// another process to run.
    pub fn resume_command(&self) -> Vec<String> {
        let data = self.data().to_string_lossy().into_owned();
        let log = self.dir.join("server.log").to_string_lossy().into_owned();
        self.command_line("pg_ctl", &["-D", &data, "-l", &log, "-w", "-t", "60", "start"])
    }

    fn command_line(&self, program: &str, args: &[&str]) -> Vec<String> {
        let mut line = Vec::new();
        if let Some(user) = self.run_as {
            line.extend(["runuser".to_owned(), "-u".to_owned(), user.to_owned(), "--".to_owned()]);
        }
        line.push(self.bin.join(program).to_string_lossy().into_owned());
        line.extend(args.iter().map(|a| (*a).to_owned()));
        line
    }

    /// Stops the server as a restart would (`pg_ctl stop -m fast`: connections are closed,
    /// committed data stays); [`Server::resume`] starts it again on the same port.
    pub fn pause(&self) -> Result<(), String> {
        let data = self.data().to_string_lossy().into_owned();
        self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]).map(drop)
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&self) -> Result<(), String> {
        let data = self.data().to_string_lossy().into_owned();
        let log = self.dir.join("server.log").to_string_lossy().into_owned();
        self.run("pg_ctl", &["-D", &data, "-l", &log, "-w", "-t", "60", "start"])?;
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = self.port.to_string();
        while self.run("pg_isready", &["-h", "127.0.0.1", "-p", &port, "-q"]).is_err() {
            if Instant::now() > deadline {
                return Err(format!("the server did not accept connections in 30 s; its log: {log}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// The directory of `pgbench`, `psql` and the other programs of this server.
    pub fn bindir(&self) -> &Path {
        &self.bin
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Runs server program `program` with `args` (as the server's user); its output if it
    /// succeeded.
    pub fn run(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let path = self.bin.join(program);
        let mut command = match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        command.args(args).current_dir(&self.dir).stdin(Stdio::null());
        let output = command.output().map_err(|e| format!("cannot run {}: {e}", path.display()))?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(format!(
                "{program} {} failed ({}): {}{}",
                args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.data().to_string_lossy().into_owned();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Creates a new, empty database on the throwaway server (made by [`Server::start`], perhaps by
/// another process) listening on 127.0.0.1:`port`, and returns its URL.
pub fn fresh_database_at(port: u16) -> Result<String, String> {
    let name = format!("db_{}_{}", std::process::id(), DATABASES.fetch_add(1, Ordering::Relaxed));
    let createdb = bindir()?.join("createdb");
    let output = Command::new(&createdb)
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", USER, &name])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", createdb.display()))?;
    if !output.status.success() {
        return Err(format!("createdb {name} on port {port} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(format!("postgres://{USER}@127.0.0.1:{port}/{name}"))
}

/// Where the server programs are.
fn bindir() -> Result<PathBuf, String> {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if output.status.success() && dir.join("initdb").is_file() {
            return Ok(dir);
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "no PostgreSQL server programs found (pg_config --bindir, /usr/lib/postgresql/*/bin): install Debian's postgresql".to_owned()
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn check(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("finding a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn unique() -> u32 {
    static STARTED: AtomicU32 = AtomicU32::new(0);
    STARTED.fetch_add(1, Ordering::Relaxed)
}
