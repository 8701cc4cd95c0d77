//! The collector's API contract: schemathesis against a running collector with the OpenAPI
//! document it serves, and regenerating the checked-in copy of that document.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::bench_collector::{Collector, TOKEN};
use crate::{Result, cargo, run_cmd};

/// The schemathesis release the check is written against; moving it is a deliberate change.
const SCHEMATHESIS: &str = "4.32.5";
/// Generated requests per operation and phase.
const MAX_EXAMPLES: &str = "100";

/// The seed `cargo xtask test` generates from, so that a run gives the same requests on every
/// machine and CI passes or fails for a change, not for a draw; `cargo xtask contract` draws anew
/// each time, to find what this seed does not reach.
pub const CI_SEED: &str = "20261201";

/// Rewrites `collector/openapi.json` from the document the collector builds.
pub fn regenerate(root: &Path) -> Result {
    run_cmd(cargo().current_dir(root).env("PLATINUM_UPDATE_OPENAPI", "1").args([
        "test",
        "--package",
        "platinum-collector",
        "--test",
        "contract",
        "the_checked_in_document_is_the_one_served",
    ]))?;
    println!("collector/openapi.json regenerated");
    Ok(())
}

/// Runs schemathesis, every check, against a debug collector on a fresh SQLite file with the
/// admin token set and rate limits too generous to hit (429 is documented and checked by the
/// collector's own tests; here it would only stop requests from reaching the handlers).
pub fn schemathesis(root: &Path, seed: Option<&str>) -> Result {
    let st = ensure_schemathesis(root)?;
    run_cmd(cargo().current_dir(root).args(["build", "--package", "platinum-collector"]))?;
    let work = root.join("target").join("schemathesis-run");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    let binary = root.join("target").join("debug").join("platinum-collector");
    let mut command = Command::new(&binary);
    command.args(["--listen", "127.0.0.1:0", "--rate-limit-per-minute", "0"]);
    command.args(["--auth-failures-per-minute", "1000000", "--auth-failure-burst", "1000000"]);
    command.args(["--allow-origin", "https://shop.example", "--db"]).arg(work.join("platinum.db"));
    let collector = Collector::start_command(&mut command)?;
    let base = format!("http://{}", collector.address);
    let started = Instant::now();
    // Runs from its own directory, so that its cache stays under target/.
    let outcome = run_cmd(
        Command::new(&st)
            .current_dir(&work)
            .arg("--config-file")
            .arg(root.join("collector/schemathesis.toml"))
            .args(["run", &format!("{base}/api/openapi.json"), "--url", &base, "--max-examples", MAX_EXAMPLES, "--workers", "2"])
            .args(["--header", &format!("Authorization: Bearer {TOKEN}"), "--wait-for-schema", "30", "--no-color"])
            .args(seed.map(|seed| ["--seed", seed]).into_iter().flatten()),
    );
    println!("schemathesis took {:.0} s", started.elapsed().as_secs_f64());
    drop(collector);
    outcome
}

/// The `st` command of a virtual environment under target/ holding [`SCHEMATHESIS`],
/// made (from PyPI) when it is missing or holds another release.
fn ensure_schemathesis(root: &Path) -> Result<std::path::PathBuf> {
    let venv = root.join("target").join("schemathesis");
    let st = venv.join("bin").join("st");
    let version = Command::new(&st).arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if version.is_some_and(|v| v.split_whitespace().last() == Some(SCHEMATHESIS)) {
        return Ok(st);
    }
    println!("installing schemathesis {SCHEMATHESIS} into {}", venv.display());
    run_cmd(Command::new("python3").args(["-m", "venv"]).arg(&venv))
        .map_err(|e| format!("{e}; schemathesis needs Python 3 with its venv module (Debian: python3-venv)"))?;
    let pip = venv.join("bin").join("pip");
    run_cmd(Command::new(pip).args(["install", "--quiet", &format!("schemathesis=={SCHEMATHESIS}")]))?;
    run_cmd(Command::new(&st).arg("--version"))?;
    Ok(st)
}
