//! Embeds the built widget (`dist/` at the workspace root) with gzip and brotli forms made once here.
//!
//! The collector serves these bytes as they are, so no request pays for compression. A missing
//! `dist/` is created empty: the collector still builds and `/widget/` answers 404 until
//! `cargo xtask dist` has run.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dist = manifest.join("..").join("dist");
    // Watching a directory that exists lets cargo notice new builds of the widget; a missing one
    // would make cargo rerun this script on every build.
    if !dist.is_dir() {
        std::fs::create_dir_all(&dist).expect("create the empty dist/ folder");
    }
    println!("cargo::rerun-if-changed={}", dist.display());

    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dist)
        .expect("read dist/")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    entries.sort();

    let mut code = String::from("&[\n");
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).expect("file names in dist/ are UTF-8").to_owned();
        println!("cargo::rerun-if-changed={}", path.display());
        let raw = std::fs::read(&path).expect("read a dist/ file");
        // The compressed forms are made from the raw bytes with fixed settings, so the raw hash
        // and a suffix naming the encoding tell every form of every version apart.
        let hash = fnv1a(&raw);
        let (gzip, brotli) = if worth_compressing(&name) {
            let gz = write_next_to(&out, &name, "gz", &gzip(&raw));
            let br = write_next_to(&out, &name, "br", &brotli(&raw));
            (format!("Some({})", representation(&gz, hash, "-gz")), format!("Some({})", representation(&br, hash, "-br")))
        } else {
            ("None".to_owned(), "None".to_owned())
        };
        let raw = representation(&path.display().to_string(), hash, "");
        let _ = writeln!(code, "    EmbeddedFile {{ name: {name:?}, raw: {raw}, gzip: {gzip}, brotli: {brotli} }},");
    }
    code.push(']');
    std::fs::write(out.join("widget_files.rs"), code).expect("write widget_files.rs");
}

/// Rust source for a `Representation` of the file at `path`, tagged with `hash` and the suffix of
/// its encoding.
fn representation(path: &str, hash: u64, suffix: &str) -> String {
    let etag = format!("\"{hash:016x}{suffix}\"");
    format!("Representation {{ bytes: include_bytes!({path:?}), etag: {etag:?} }}")
}

fn worth_compressing(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    matches!(ext, "js" | "mjs" | "wasm" | "css" | "html" | "json" | "map" | "svg" | "txt")
}

fn write_next_to(out: &Path, name: &str, suffix: &str, bytes: &[u8]) -> String {
    let path = out.join(format!("{name}.{suffix}"));
    std::fs::write(&path, bytes).expect("write a compressed widget file");
    path.display().to_string()
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

fn brotli(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        encoder.write_all(raw).expect("brotli in memory");
    }
    out
}

/// A strong validator for `ETag`: any change to the bytes changes it.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
