//! Builds, runs, tests and measures Platinum; `cargo xtask help` lists the commands.
//!
//! Every command installs what it needs and is missing (the wasm target, the pinned
//! `wasm-bindgen` CLI, the npm build tools), so each works on a fresh machine.

mod bench_collector;
mod bench_export;
mod contract;
mod dist;
mod npm;
mod sizes;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const HELP: &str = "\
cargo xtask <command>

  dist      build the widget into dist/: loader, glue and optimized wasm
  sizes     build dist/, print each shipped file's raw, gzip -9 and brotli size, check the budget
  run       build dist/ and start the collector on 127.0.0.1:8080 with SQLite
  test      run every test: native, browser (wasm-bindgen-test), size budget, the API contract
            (schemathesis), end-to-end
  openapi   regenerate collector/openapi.json from the collector's OpenAPI document
  contract  run schemathesis against a collector with its OpenAPI document (a step of test)
  bench     print shipped sizes, then time the demo page in headless Chromium
  bench-collector [--postgres | --database-url postgres://…]
            drive concurrent POST load at the collector and print throughput, latency, memory;
            with --postgres (a throwaway server) or a URL: SQLite, PostgreSQL, two collectors
            on one PostgreSQL, and pgbench's raw insert rate
  bench-export
            load a million responses into a collector's SQLite file, export them as NDJSON
            and CSV over HTTP, print time, rows/s, bytes and the collector's peak RSS
";

/// A failed step, with what was being done.
pub type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let root = workspace_root();
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "dist" => dist::build(&root).map(drop),
        "sizes" => tools::ensure_apt(&["brotli"])
            .and_then(|()| dist::build(&root))
            .and_then(|files| sizes::print(&files).and_then(|()| sizes::check_budget(&files))),
        "run" => run(&root),
        "test" => test(&root),
        "bench" => bench(&root),
        "bench-collector" => bench_collector::run(&root),
        "bench-export" => bench_export::run(&root),
        "openapi" => contract::regenerate(&root),
        "contract" => dist::build(&root).and_then(|_| contract::schemathesis(&root, None)),
        "help" | "--help" | "-h" | "" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Runs `cmd` with inherited output; an unsuccessful exit is an error naming the command.
pub fn run_cmd(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(root: &Path) -> Result {
    dist::build(root)?;
    let args: Vec<String> = std::env::args().skip(2).collect();
    run_cmd(cargo().current_dir(root).args(["run", "--release", "--package", "platinum-collector", "--"]).args(args))
}

fn test(root: &Path) -> Result {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen(root)?;
    tools::ensure_apt(&["chromium", "chromium-driver", "brotli", "python3-aiosmtpd", "postgresql"])?;
    println!("== native tests");
    run_cmd(cargo().current_dir(root).args(["test", "--workspace"]))?;
    println!("== the collector's integration tests again, on PostgreSQL (a throwaway server)");
    let postgres = pg_throwaway::Server::start()?;
    // Every integration test file but the one about PostgreSQL itself, which starts servers of
    // its own and has just run.
    let mut suite = cargo();
    suite.current_dir(root).env("PLATINUM_TEST_POSTGRES_PORT", postgres.port().to_string()).args(["test", "--package", "platinum-collector"]);
    let tests = std::fs::read_dir(root.join("collector/tests")).map_err(|e| format!("reading collector/tests: {e}"))?;
    let mut names: Vec<String> = tests.filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".rs").map(str::to_owned)).collect();
    names.sort();
    for name in names.iter().filter(|name| *name != "postgres") {
        suite.args(["--test", name]);
    }
    run_cmd(&mut suite)?;
    drop(postgres);
    println!("== browser tests (wasm-bindgen-test in headless Chromium)");
    run_cmd(cargo().current_dir(root).args(["test", "--target", "wasm32-unknown-unknown", "--package", "platinum-widget"]))?;
    println!("== size budget");
    let files = dist::build(root)?;
    sizes::print(&files)?;
    sizes::check_budget(&files)?;
    // After dist/ is built, so the collector it starts serves the widget's real files.
    println!("== the API contract (schemathesis against a collector, with collector/openapi.json's document)");
    contract::schemathesis(root, Some(contract::CI_SEED))?;
    println!("== end-to-end tests (Playwright, headless Chromium)");
    // A debug build reuses the native tests' artifacts; it embeds the dist/ just built.
    run_cmd(cargo().current_dir(root).args(["build", "--package", "platinum-collector"]))?;
    let e2e = root.join("tests/e2e");
    tools::npm_ci(&e2e)?;
    // outage.test.mjs restarts this server under a collector.
    let postgres = pg_throwaway::Server::start()?;
    let json = |line: Vec<String>| format!("[{}]", line.iter().map(|part| format!("{part:?}")).collect::<Vec<_>>().join(","));
    run_cmd(
        Command::new("node")
            .current_dir(&e2e)
            .env("PLATINUM_COLLECTOR", root.join("target/debug/platinum-collector"))
            .env("PLATINUM_TEST_POSTGRES_PORT", postgres.port().to_string())
            .env("PLATINUM_TEST_POSTGRES_STOP", json(postgres.pause_command()))
            .env("PLATINUM_TEST_POSTGRES_START", json(postgres.resume_command()))
            .args(["--test", "--test-concurrency=1", "--test-reporter=spec"]),
    )
}

fn bench(root: &Path) -> Result {
    tools::ensure_apt(&["chromium", "chromium-driver", "brotli"])?;
    let files = dist::build(root)?;
    sizes::print(&files)?;
    let e2e = root.join("tests/e2e");
    tools::npm_ci(&e2e)?;
    run_cmd(Command::new("node").current_dir(&e2e).arg("bench.mjs"))
}
