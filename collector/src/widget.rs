//! The built widget under `/widget/` (embedded at compile time, already compressed) and the demo
//! page at `/` that loads it from this server.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::{AppError, AppState};

/// One file of `dist/` with its precompressed forms.
pub(crate) struct EmbeddedFile {
    name: &'static str,
    raw: &'static [u8],
    gzip: Option<&'static [u8]>,
    brotli: Option<&'static [u8]>,
    etag: &'static str,
}

static FILES: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/widget_files.rs"));

static DEMO_PAGE: &str = include_str!("../../www/index.html");
static DEMO_CSS: &str = include_str!("../../www/demo.css");

/// `/` (the demo page and its stylesheet) and `/widget/{file}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(demo_page)).route("/demo.css", get(demo_css)).route("/widget/{file}", get(widget_file))
}

async fn demo_page() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-cache")], Html(DEMO_PAGE))
}

async fn demo_css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], DEMO_CSS)
}

async fn widget_file(Path(name): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let file = FILES.iter().find(|f| f.name == name).ok_or(AppError::NotFound)?;
    Ok(serve(file, &headers))
}

/// The file in the best encoding the client accepts, with its caching headers.
fn serve(file: &EmbeddedFile, headers: &HeaderMap) -> Response {
    let cache = if is_content_hashed(file.name) {
        "public, max-age=31536000, immutable"
    } else {
        // The loader names the hashed files, so it must be refetched soon after a release.
        "public, max-age=300, must-revalidate"
    };
    let mut response = if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == file.etag.as_bytes()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
        let (body, encoding) = match (file.brotli, file.gzip) {
            (Some(br), _) if accepts(accepted, "br") => (br, Some("br")),
            (_, Some(gz)) if accepts(accepted, "gzip") => (gz, Some("gzip")),
            _ => (file.raw, None),
        };
        let mut response = body.into_response();
        if let Some(encoding) = encoding {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(file.name)));
        response
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ETAG, HeaderValue::from_static(file.etag));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // Other sites embed the widget: its module script and wasm are fetched in CORS mode.
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// Whether `Accept-Encoding` lists `coding` without `q=0`.
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0)));
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// Names like `platinum-3f9a1c2b.wasm` carry a hash of their content, so they never change.
fn is_content_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Stands in for a built widget, so these tests do not depend on `dist/` having been built.
    const WASM: EmbeddedFile = EmbeddedFile {
        name: "platinum-0123abcd.wasm",
        raw: b"\0asm raw",
        gzip: Some(b"gzip bytes"),
        brotli: Some(b"brotli bytes"),
        etag: "\"00000000000000aa\"",
    };
    const LOADER: EmbeddedFile =
        EmbeddedFile { name: "feedback.js", raw: b"loader", gzip: Some(b"gz"), brotli: None, etag: "\"00000000000000bb\"" };

    fn request(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn hashed_files_are_cached_for_a_year_and_sent_compressed() {
        let response = serve(&WASM, &request(&[(header::ACCEPT_ENCODING, "gzip, deflate, br")]));
        let h = response.headers();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(h[header::CONTENT_ENCODING], "br");
        assert!(h[header::CACHE_CONTROL].to_str().is_ok_and(|c| c.contains("immutable") && c.contains("31536000")));
        assert_eq!(h[header::VARY], "Accept-Encoding");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    }

    #[test]
    fn the_loader_is_cached_briefly_and_revalidated() {
        let response = serve(&LOADER, &request(&[(header::ACCEPT_ENCODING, "gzip, br")]));
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert_eq!(h[header::CONTENT_ENCODING], "gzip", "no brotli form: gzip it is");
        assert!(h[header::CACHE_CONTROL].to_str().is_ok_and(|c| c.contains("max-age=300") && !c.contains("immutable")));
        let plain = serve(&LOADER, &HeaderMap::new());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let unchanged = serve(&LOADER, &request(&[(header::IF_NONE_MATCH, "\"00000000000000bb\"")]));
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_content_hashed("platinum-3f9a1c2b.wasm"));
        assert!(is_content_hashed("platinum-3f9a1c2b.js"));
        assert!(!is_content_hashed("feedback.js"));
        assert!(!is_content_hashed("platinum-core.js"));
    }

    #[test]
    fn encodings_refused_with_q0_are_not_used() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(accepts("gzip;q=0.5", "gzip"));
        assert!(!accepts("", "gzip"));
    }
}
