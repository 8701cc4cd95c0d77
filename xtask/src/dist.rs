//! Building `dist/`: the loader, the wasm-bindgen glue and the optimized wasm, content-hashed.

use crate::{Result, npm, run_cmd, tools};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The loader's name: owners' `<script>` tags point at it, so it is never renamed.
pub const LOADER: &str = "feedback.js";

/// FNV-1a: a stable content hash for file names (not for security).
pub fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{:08x}", hash >> 32)
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("could not read {}: {e}", path.display()))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result {
    fs::write(path, bytes).map_err(|e| format!("could not write {}: {e}", path.display()))
}

fn minify(tools_dir: &Path, input: &Path, esm: bool) -> Result<Vec<u8>> {
    let mut cmd = Command::new(tools_dir.join("node_modules/.bin/esbuild"));
    cmd.arg(input).args(["--minify", "--legal-comments=none", "--target=es2020", "--log-level=warning"]);
    if esm {
        cmd.args(["--bundle", "--format=esm"]);
    }
    let out = cmd.output().map_err(|e| format!("could not run esbuild: {e}"))?;
    if !out.status.success() {
        return Err(format!("esbuild failed on {}: {}", input.display(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(out.stdout)
}

/// Replaces `from` with `to` wherever it stands as a whole identifier.
fn replace_token(text: &str, from: &str, to: &str) -> String {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = if at > 0 { rest[..at].chars().last() } else { out.chars().last() };
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(ident) || after.is_some_and(ident) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Applies wasm-opt's renaming map (`["module", "old", "new"]` import rows, `["old", "new"]`
/// export rows) to the wasm-bindgen glue, whose imports are keyed by name and whose exports
/// are read as `wasm.name`.
fn rename_in_glue(glue: &str, map: &str) -> Result<String> {
    let mut glue = glue.to_owned();
    let mut modules = Vec::new();
    let mut renamed = 0;
    for line in map.lines().map(str::trim).filter(|l| l.starts_with('[')) {
        let fields: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        match fields.as_slice() {
            [module, old, new] => {
                glue = replace_token(&glue, old, new);
                if !modules.contains(module) {
                    modules.push(*module);
                }
            }
            [old, new] => glue = replace_token(&glue, &format!("wasm.{old}"), &format!("wasm.{new}")),
            _ => return Err(format!("unexpected line in wasm-opt's renaming map: {line}")),
        }
        renamed += 1;
    }
    if renamed == 0 || modules.len() != 1 {
        return Err("wasm-opt printed no usable renaming map".into());
    }
    // Every import module is renamed to "a".
    let key = format!("\"{}\"", modules[0]);
    if !glue.contains(&key) {
        return Err(format!("the glue does not name the import module {key}"));
    }
    Ok(glue.replace(&key, "\"a\""))
}

/// Where the whole widget's files start their names; the launcher's start with [`LAUNCHER`].
pub const WIDGET: &str = "platinum";
/// The launcher build's name: what every page downloads first, beside the loader.
pub const LAUNCHER: &str = "launcher";

/// One wasm build of the widget crate, minified and named by content.
pub struct Module {
    pub glue_name: String,
    pub glue: Vec<u8>,
    pub wasm_name: String,
    pub wasm: Vec<u8>,
}

/// Builds the release widget into `dist/` and returns the shipped files: the loader, then the
/// launcher's glue and wasm (the first download), then the whole widget's (fetched on opening),
/// then one locale file per language but English (a visitor fetches only their language's).
pub fn build(root: &Path) -> Result<Vec<PathBuf>> {
    tools::ensure_nightly_wasm()?;
    tools::ensure_wasm_bindgen(root)?;
    let tools_dir = root.join("xtask");
    tools::npm_ci(&tools_dir)?;

    let launcher = module(root, LAUNCHER, false, API)?;
    let widget = module(root, WIDGET, true, &[API, WIDGET_ONLY].join(", "))?;

    let locales = locale_files()?;
    let staging = root.join("target/wasm-bindgen");
    let source = String::from_utf8(read(&root.join("www").join(LOADER))?).map_err(|_| "www/feedback.js is not UTF-8")?;
    let loader = source
        .replace("__VERSION__", env!("CARGO_PKG_VERSION"))
        .replace("__LAUNCHER_GLUE__", &launcher.glue_name)
        .replace("__LAUNCHER_WASM__", &launcher.wasm_name)
        .replace("__GLUE__", &widget.glue_name)
        .replace("__WASM__", &widget.wasm_name)
        .replace("__LOCALES__", &locales.hash);
    let loader_src = staging.join(LOADER);
    write(&loader_src, loader.as_bytes())?;
    let loader = minify(&tools_dir, &loader_src, false)?;

    let dist = root.join("dist");
    let _ = fs::remove_dir_all(&dist);
    fs::create_dir_all(&dist).map_err(|e| format!("could not create dist/: {e}"))?;
    let files = [
        (LOADER, &loader),
        (launcher.glue_name.as_str(), &launcher.glue),
        (launcher.wasm_name.as_str(), &launcher.wasm),
        (widget.glue_name.as_str(), &widget.glue),
        (widget.wasm_name.as_str(), &widget.wasm),
    ];
    let mut paths = Vec::new();
    let locale_files = locales.files.iter().map(|(name, bytes)| (name.as_str(), bytes));
    for (name, bytes) in files.into_iter().chain(locale_files) {
        let path = dist.join(name);
        write(&path, bytes)?;
        paths.push(path);
    }
    println!("built dist/: {}", paths.iter().filter_map(|p| p.file_name()?.to_str()).collect::<Vec<_>>().join(", "));
    npm::write_package(root, &dist.join("npm"), [&launcher, &widget], &locales)?;
    Ok(paths)
}

/// Where locale files start their names: `locale-<tag>-<hash>.txt`.
pub const LOCALE: &str = "locale-";

/// The locale file of every language but English (built in), and the hash they share.
pub struct Locales {
    /// Each file's name and text.
    files: Vec<(String, Vec<u8>)>,
    /// Each language's tag and text, in the order of `files`.
    pub texts: Vec<(&'static str, String)>,
    /// A hash of all of them, in every name: the loader builds a name from the tag and this one
    /// hash, so it needs no table of names, and a change to any file renames them all.
    pub hash: String,
}

/// Writes each language's words from `src/locales/` in the format the widget reads.
fn locale_files() -> Result<Locales> {
    use platinum_widget::i18n::{LANGS, Lang};
    let mut texts = Vec::new();
    for lang in LANGS.into_iter().filter(|l| *l != Lang::En) {
        let text = lang.strings().encode(lang).ok_or_else(|| format!("a text of {} holds a line break", lang.tag()))?;
        texts.push((lang.tag(), text));
    }
    let hash = content_hash(texts.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\0").as_bytes());
    let files = texts.iter().map(|(tag, text)| (format!("{LOCALE}{tag}-{hash}.txt"), text.clone().into_bytes())).collect();
    Ok(Locales { files, texts, hash })
}

/// What the loader calls in either build: `window.Platinum`'s methods and `boot`. A name left out
/// is dropped from the minified glue, and the loader's call to it fails.
const API: &str = "default, boot, init, open, close, destroy";
/// What only the whole widget has: the calls the launcher leaves to it, and delivery's questions
/// to the core.
const WIDGET_ONLY: &str = "identify, setMetadata, outcome, tried, pause, keeps, reported, strings";

/// Builds the crate for the browser with or without the `dialog` feature; `exports` are the
/// names the loader calls, the only ones the minified glue keeps.
fn module(root: &Path, name: &str, dialog: bool, exports: &str) -> Result<Module> {
    let tools_dir = root.join("xtask");
    // The shipped build recompiles std for size and turns panics into a bare trap: the panic
    // machinery and its messages would otherwise cost visitors several KB.
    let target = root.join("target");
    let home = std::env::var("CARGO_HOME").or_else(|_| std::env::var("HOME").map(|h| format!("{h}/.cargo"))).unwrap_or_default();
    let flags = [
        "-Zunstable-options".to_owned(),
        "-Cpanic=immediate-abort".to_owned(),
        "-Zlocation-detail=none".to_owned(),
        // Less inlining than opt-level "z" picks by itself: measured 400 bytes gzip smaller
        // (thresholds 5, 15, 25, 35, 50 and 100 tried; 25 was smallest).
        "-Cllvm-args=-inline-threshold=25".to_owned(),
        // The default 1 MiB stack would be most of the widget's memory; it never nests deeply.
        "-Clink-arg=-zstack-size=131072".to_owned(),
        format!("--remap-path-prefix={home}=cargo"),
        format!("--remap-path-prefix={}=platinum", root.display()),
    ];
    run_cmd(
        Command::new("cargo")
            .current_dir(root)
            .env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"))
            .arg(format!("+{}", tools::WIDGET_TOOLCHAIN))
            .args(["build", "--profile", "wasm-release", "--target", "wasm32-unknown-unknown"])
            .args(["--package", "platinum-widget", "-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"])
            .args(if dialog { &[][..] } else { &["--no-default-features"][..] })
            .arg("--target-dir")
            .arg(target.join("size")),
    )?;
    let staging = target.join("wasm-bindgen").join(name);
    let _ = fs::remove_dir_all(&staging);
    run_cmd(Command::new("wasm-bindgen").args(["--target", "web", "--no-typescript", "--remove-name-section", "--remove-producers-section", "--out-dir"]).arg(&staging).arg(
        target.join("size/wasm32-unknown-unknown/wasm-release/platinum_widget.wasm"),
    ))?;
    let optimized = staging.join("optimized.wasm");
    // Import, export and module names are long hashed identifiers repeated in wasm and glue;
    // shortening them on both sides saves visitors about 3 KB gzip.
    let renamed = Command::new(tools_dir.join("node_modules/.bin/wasm-opt"))
        // Flattening and re-looping before two -Oz rounds measured ~200 bytes gzip smaller than -Oz alone.
        .args(["--flatten", "--rereloop", "-Oz", "-Oz", "--minify-imports-and-exports-and-modules"])
        // The target-features section only tells tools what the code may use; browsers ignore it.
        .arg("--strip-target-features")
        .arg(staging.join("platinum_widget_bg.wasm"))
        .arg("-o")
        .arg(&optimized)
        .output()
        .map_err(|e| format!("could not run wasm-opt: {e}"))?;
    if !renamed.status.success() {
        return Err(format!("wasm-opt failed: {}", String::from_utf8_lossy(&renamed.stderr)));
    }
    let glue_path = staging.join("platinum_widget.js");
    let glue = String::from_utf8(read(&glue_path)?).map_err(|_| "the glue is not UTF-8")?;
    write(&glue_path, rename_in_glue(&glue, &String::from_utf8_lossy(&renamed.stdout))?.as_bytes())?;

    let wasm = read(&optimized)?;
    // Bundling from an entry that re-exports only what the loader calls lets the minifier drop
    // the rest of the glue (the synchronous initialiser and its helpers).
    let entry = staging.join("entry.js");
    write(&entry, format!("export {{ {exports} }} from './platinum_widget.js';\n").as_bytes())?;
    let glue = minify(&tools_dir, &entry, true)?;
    let wasm_name = format!("{name}-{}.wasm", content_hash(&wasm));
    let glue_name = format!("{name}-{}.js", content_hash(&glue));
    Ok(Module { glue_name, glue, wasm_name, wasm })
}
