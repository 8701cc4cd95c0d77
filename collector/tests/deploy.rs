//! `deploy/platinum-collector.service`: systemd reads it without a complaint, and its sandbox
//! keeps the exposure `systemd-analyze security` rates low.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The unit as shipped, with `ExecStart` pointing at the binary just built (`verify` checks that
/// the program exists), in a directory of its own under the unit's own name.
fn unit_for_this_build() -> (tempfile::TempDir, PathBuf) {
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/platinum-collector.service")).expect("the unit");
    let installed = "ExecStart=/usr/local/bin/platinum-collector ";
    assert!(shipped.contains(installed), "ExecStart names the installed binary");
    let unit = shipped.replace(installed, &format!("ExecStart={} ", env!("CARGO_BIN_EXE_platinum-collector")));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("platinum-collector.service");
    std::fs::write(&path, unit).expect("write the unit");
    (dir, path)
}

fn systemd_analyze(args: &[&str], unit: &PathBuf) -> Output {
    Command::new("systemd-analyze").args(args).arg(unit).output().expect("systemd-analyze (Debian's systemd package) runs")
}

#[test]
fn systemd_verifies_the_unit_without_a_warning() {
    let (_dir, unit) = unit_for_this_build();
    let verified = systemd_analyze(&["verify"], &unit);
    let said = String::from_utf8_lossy(&verified.stderr);
    assert!(verified.status.success(), "{said}");
    // A misspelt setting is only a warning, and the setting is ignored: none may be there.
    assert_eq!(said.trim(), "", "systemd-analyze verify warned");
}

#[test]
fn the_sandbox_keeps_the_exposure_low() {
    let (_dir, unit) = unit_for_this_build();
    // Fails above 2.0 of 10 (shipped: 1.4, "OK").
    let rated = systemd_analyze(&["security", "--offline=yes", "--threshold=20", "--no-pager"], &unit);
    let said = String::from_utf8_lossy(&rated.stdout);
    assert!(rated.status.success(), "{said}{}", String::from_utf8_lossy(&rated.stderr));
    for setting in ["DynamicUser=", "ProtectSystem=", "NoNewPrivileges=", "PrivateDevices="] {
        assert!(said.lines().any(|line| line.contains('✓') && line.contains(setting)), "{setting} not in effect:\n{said}");
    }
}
