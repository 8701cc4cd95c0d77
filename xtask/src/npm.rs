//! Writing `dist/npm/`: the `platinum-feedback` package, an ES module beside the same wasm builds.
//!
//! Bundlers copy a package's files only when the code names each one statically, so the entry
//! (`www/npm/index.js`) imports every glue and locale module by its hashed name, and each glue
//! loads its wasm with `new URL("./<name>.wasm", import.meta.url)`. The locale files become
//! modules: as text files below Vite's 4 KB inlining limit they would be inlined, all 27 of them,
//! into the page's script as `data:` URLs, which a strict `connect-src` also refuses.

use crate::dist::{Locales, Module, content_hash, read, write};
use crate::Result;
use std::fs;
use std::path::Path;

/// What wasm-bindgen's glue loads when given no wasm: renamed to the build's hashed wasm.
const DEFAULT_WASM: &str = "\"platinum_widget_bg.wasm\"";

/// Writes the package into `out`: `launcher` and `widget` are the builds `dist/` ships.
pub fn write_package(root: &Path, out: &Path, [launcher, widget]: [&Module; 2], locales: &Locales) -> Result {
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out).map_err(|e| format!("could not create {}: {e}", out.display()))?;
    let mut glues = Vec::new();
    for module in [launcher, widget] {
        let glue = String::from_utf8(module.glue.clone()).map_err(|_| "the glue is not UTF-8")?;
        if !glue.contains(DEFAULT_WASM) {
            return Err(format!("the glue {} does not name {DEFAULT_WASM}", module.glue_name));
        }
        let glue = glue.replace(DEFAULT_WASM, &format!("\"./{}\"", module.wasm_name));
        let prefix = module.glue_name.rsplit_once('-').map_or("", |(prefix, _)| prefix);
        let name = format!("{prefix}-{}.js", content_hash(glue.as_bytes()));
        write(&out.join(&name), glue.as_bytes())?;
        write(&out.join(&module.wasm_name), &module.wasm)?;
        glues.push(name);
    }
    let mut table = String::from("{\n");
    for (tag, text) in &locales.texts {
        let name = format!("{}{tag}-{}.js", crate::dist::LOCALE, locales.hash);
        write(&out.join(&name), format!("export default {};\n", js_string(text)).as_bytes())?;
        table.push_str(&format!("  \"{tag}\": () => import(\"./{name}\"),\n"));
    }
    table.push('}');

    let www = root.join("www/npm");
    let text = |name: &str| String::from_utf8(read(&www.join(name))?).map_err(|_| format!("www/npm/{name} is not UTF-8"));
    let version = env!("CARGO_PKG_VERSION");
    let entry = text("index.js")?
        .replace("__VERSION__", version)
        .replace("__LAUNCHER_GLUE__", &glues[0])
        .replace("__GLUE__", &glues[1])
        .replace("__LOCALES__", &table);
    write(&out.join("index.js"), entry.as_bytes())?;
    write(&out.join("package.json"), text("package.json")?.replace("__VERSION__", version).as_bytes())?;
    for name in ["index.d.ts", "README.md"] {
        write(&out.join(name), &read(&www.join(name))?)?;
    }
    println!("built dist/npm/: the platinum-feedback package");
    Ok(())
}

/// `text` as a double-quoted JavaScript string.
fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c < ' ' || c == '\u{2028}' || c == '\u{2029}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::js_string;

    #[test]
    fn text_becomes_a_string_literal_that_reads_back_the_same() {
        assert_eq!(js_string("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        assert_eq!(js_string("one\ntwo\there\u{2028}"), r#""one\ntwo\u0009here\u2028""#);
        assert_eq!(js_string("Как дела?"), "\"Как дела?\"");
    }
}
