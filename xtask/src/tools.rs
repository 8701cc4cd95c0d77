//! Installing the build and test tools a fresh machine lacks.

use crate::{Result, run_cmd};
use std::path::Path;
use std::process::Command;

fn output(cmd: &mut Command) -> Option<String> {
    cmd.output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Adds the `wasm32-unknown-unknown` target through rustup if it is missing.
pub fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run_cmd(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// The exact toolchain the shipped widget is built with, so that a build today and one in six
/// months give the same bytes: `-Zbuild-std` and `panic=immediate-abort` need a nightly, and a
/// floating `nightly` would change the output (and the size table) whenever it moves. Moving it is
/// a deliberate change: bump the date, rebuild, and update the README's sizes.
pub const WIDGET_TOOLCHAIN: &str = "nightly-2026-05-20";

/// Makes sure [`WIDGET_TOOLCHAIN`] is installed with what the size build needs (the wasm target
/// and std's sources), installing what is missing through rustup.
pub fn ensure_nightly_wasm() -> Result {
    let toolchain = WIDGET_TOOLCHAIN;
    if output(Command::new("rustc").arg(format!("+{toolchain}")).arg("--version")).is_none() {
        println!("installing the widget's toolchain {toolchain}");
        run_cmd(Command::new("rustup").args(["toolchain", "install", toolchain, "--profile", "minimal"]).args([
            "--component",
            "rust-src",
            "--target",
            "wasm32-unknown-unknown",
        ]))?;
    }
    let installed = output(Command::new("rustup").args(["component", "list", "--toolchain", toolchain, "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.starts_with("rust-src")) {
        run_cmd(Command::new("rustup").args(["component", "add", "rust-src", "--toolchain", toolchain]))?;
    }
    let targets = output(Command::new("rustup").args(["target", "list", "--toolchain", toolchain, "--installed"])).unwrap_or_default();
    if !targets.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run_cmd(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown", "--toolchain", toolchain]))?;
    }
    Ok(())
}

/// The `wasm-bindgen` version Cargo.lock resolved; the CLI must match it exactly.
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("could not read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")).and_then(|v| v.strip_suffix('"')) {
                return Ok(v.to_owned());
            }
    }
    Err("Cargo.lock does not list wasm-bindgen".into())
}

/// Installs the `wasm-bindgen` CLI (and its test runner) at the locked version if it differs.
pub fn ensure_wasm_bindgen(root: &Path) -> Result {
    let want = locked_wasm_bindgen(root)?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(want.as_str()) {
        println!("installing wasm-bindgen-cli {want} (about two minutes)");
        // Not --locked: the CLI's own lockfile pins a crate release some registry mirrors lack.
        run_cmd(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want]))?;
    }
    Ok(())
}

/// Installs the npm packages of `dir` from its lockfile unless they are already there.
pub fn npm_ci(dir: &Path) -> Result {
    if dir.join("node_modules/.package-lock.json").exists() {
        return Ok(());
    }
    run_cmd(Command::new("npm").current_dir(dir).args(["ci", "--no-audit", "--no-fund"]))
}

/// Installs the Debian packages that are missing (as root, with apt-get).
pub fn ensure_apt(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !Command::new("dpkg").args(["-s", p]).output().is_ok_and(|o| o.status.success()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing {} with apt-get", missing.join(", "));
    run_cmd(Command::new("apt-get").args(["update", "-qq"]))?;
    run_cmd(Command::new("apt-get").args(["install", "-y", "-qq"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive"))
        .map_err(|e| format!("{e}; install the Debian packages {} by hand", missing.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::WIDGET_TOOLCHAIN;

    #[test]
    fn the_widget_is_built_with_a_dated_nightly() {
        let date = WIDGET_TOOLCHAIN.strip_prefix("nightly-").expect("a nightly");
        let parts: Vec<&str> = date.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [4, 2, 2], "nightly-YYYY-MM-DD, not {WIDGET_TOOLCHAIN}");
        assert!(parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())), "{WIDGET_TOOLCHAIN}");
    }
}
