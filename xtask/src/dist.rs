//! Building `dist/`: the loader, the wasm-bindgen glue and the optimized wasm, content-hashed.

use crate::{Result, cargo, run_cmd, tools};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The loader's name: owners' `<script>` tags point at it, so it is never renamed.
pub const LOADER: &str = "feedback.js";

/// FNV-1a: a stable content hash for file names (not for security).
fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{:08x}", hash >> 32)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("could not read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    fs::write(path, bytes).map_err(|e| format!("could not write {}: {e}", path.display()))
}

fn minify(tools_dir: &Path, input: &Path, esm: bool) -> Result<Vec<u8>> {
    let mut cmd = Command::new(tools_dir.join("node_modules/.bin/esbuild"));
    cmd.arg(input).args(["--minify", "--legal-comments=none", "--target=es2020", "--log-level=warning"]);
    if esm {
        cmd.arg("--format=esm");
    }
    let out = cmd.output().map_err(|e| format!("could not run esbuild: {e}"))?;
    if !out.status.success() {
        return Err(format!("esbuild failed on {}: {}", input.display(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(out.stdout)
}

/// Builds the release widget into `dist/` and returns the shipped files, loader first.
pub fn build(root: &Path) -> Result<Vec<PathBuf>> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen(root)?;
    let tools_dir = root.join("xtask");
    tools::npm_ci(&tools_dir)?;

    run_cmd(cargo().current_dir(root).args([
        "build", "--profile", "wasm-release", "--target", "wasm32-unknown-unknown", "--package", "platinum-widget",
    ]))?;
    let target = root.join("target");
    let staging = target.join("wasm-bindgen");
    let _ = fs::remove_dir_all(&staging);
    run_cmd(Command::new("wasm-bindgen").args(["--target", "web", "--no-typescript", "--out-dir"]).arg(&staging).arg(
        target.join("wasm32-unknown-unknown/wasm-release/platinum_widget.wasm"),
    ))?;
    let optimized = staging.join("optimized.wasm");
    run_cmd(
        Command::new(tools_dir.join("node_modules/.bin/wasm-opt"))
            .arg("-Oz")
            .arg(staging.join("platinum_widget_bg.wasm"))
            .arg("-o")
            .arg(&optimized),
    )?;

    let wasm = read(&optimized)?;
    let glue = minify(&tools_dir, &staging.join("platinum_widget.js"), true)?;
    let wasm_name = format!("platinum-{}.wasm", content_hash(&wasm));
    let glue_name = format!("platinum-{}.js", content_hash(&glue));

    let source = String::from_utf8(read(&root.join("www").join(LOADER))?).map_err(|_| "www/feedback.js is not UTF-8")?;
    let loader = source
        .replace("__VERSION__", env!("CARGO_PKG_VERSION"))
        .replace("__GLUE__", &glue_name)
        .replace("__WASM__", &wasm_name);
    let loader_src = staging.join(LOADER);
    write(&loader_src, loader.as_bytes())?;
    let loader = minify(&tools_dir, &loader_src, false)?;

    let dist = root.join("dist");
    let _ = fs::remove_dir_all(&dist);
    fs::create_dir_all(&dist).map_err(|e| format!("could not create dist/: {e}"))?;
    let files = [(LOADER, loader), (glue_name.as_str(), glue), (wasm_name.as_str(), wasm)];
    let mut paths = Vec::new();
    for (name, bytes) in files {
        let path = dist.join(name);
        write(&path, &bytes)?;
        paths.push(path);
    }
    println!("built dist/: {}", paths.iter().filter_map(|p| p.file_name()?.to_str()).collect::<Vec<_>>().join(", "));
    Ok(paths)
}
