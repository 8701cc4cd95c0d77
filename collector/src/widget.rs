//! The built widget under `/widget/` (embedded at compile time, already compressed) and the demo
//! page at `/` that loads it from this server.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::AppError;

/// One file of `dist/` with its precompressed forms.
pub(crate) struct EmbeddedFile {
    name: &'static str,
    raw: Representation,
    gzip: Option<Representation>,
    brotli: Option<Representation>,
}

/// The bytes of one encoding of a file and the entity-tag that names exactly those bytes.
///
/// Each encoding has its own tag: a cache that holds the gzip body must not be told by a `304`
/// that it may serve it to a request that was answered in brotli.
pub(crate) struct Representation {
    bytes: &'static [u8],
    /// A strong entity-tag, quotes included.
    etag: &'static str,
}

static FILES: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/widget_files.rs"));

static DEMO_PAGE: &str = include_str!("../../www/index.html");
static DEMO_CSS: &str = include_str!("../../www/demo.css");

/// `/` (the demo page and its stylesheet) and `/widget/{file}`.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
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
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (chosen, encoding) = match (&file.brotli, &file.gzip) {
        (Some(br), _) if accepts(accepted, "br") => (br, Some("br")),
        (_, Some(gz)) if accepts(accepted, "gzip") => (gz, Some("gzip")),
        _ => (&file.raw, None),
    };
    let mut response = if is_not_modified(headers, chosen.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = chosen.bytes.into_response();
        if let Some(encoding) = encoding {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(file.name)));
        response
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ETAG, HeaderValue::from_static(chosen.etag));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // Other sites embed the widget: its module script and wasm are fetched in CORS mode.
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// Whether `If-None-Match` is `*` or lists `etag`, by the weak comparison of RFC 9110 §13.1.2
/// (a `W/` on either side does not matter), so the client's copy may be used as it is.
fn is_not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let ours = opaque_tag(etag.as_bytes());
    headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        let value = value.as_bytes();
        value.trim_ascii() == b"*" || entity_tags(value).any(|tag| opaque_tag(tag) == ours)
    })
}

/// The entity-tags of a comma-separated `If-None-Match` list, up to the first item that is not one.
///
/// Read quote to quote rather than split at commas, because a comma may stand inside a tag.
fn entity_tags(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = list;
    std::iter::from_fn(move || {
        let skipped = rest.iter().take_while(|b| matches!(b, b',' | b' ' | b'\t')).count();
        rest = &rest[skipped..];
        let weak = usize::from(rest.starts_with(b"W/")) * 2;
        let inner = rest[weak..].strip_prefix(b"\"")?;
        let end = weak + 2 + inner.iter().position(|&b| b == b'"')?;
        let (tag, after) = rest.split_at(end);
        rest = after;
        Some(tag)
    })
}

/// An entity-tag without its weakness indicator: what the weak comparison compares.
fn opaque_tag(tag: &[u8]) -> &[u8] {
    tag.strip_prefix(b"W/").unwrap_or(tag)
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
        raw: Representation { bytes: b"\0asm raw", etag: "\"00000000000000aa\"" },
        gzip: Some(Representation { bytes: b"gzip bytes", etag: "\"00000000000000aa-gz\"" }),
        brotli: Some(Representation { bytes: b"brotli bytes", etag: "\"00000000000000aa-br\"" }),
    };
    const LOADER: EmbeddedFile = EmbeddedFile {
        name: "feedback.js",
        raw: Representation { bytes: b"loader", etag: "\"00000000000000bb\"" },
        gzip: Some(Representation { bytes: b"gz", etag: "\"00000000000000bb-gz\"" }),
        brotli: None,
    };

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

    fn brotli_request_with(if_none_match: &'static str) -> Response {
        serve(&WASM, &request(&[(header::ACCEPT_ENCODING, "gzip, br"), (header::IF_NONE_MATCH, if_none_match)]))
    }

    #[test]
    fn a_weak_tag_a_list_holding_the_tag_or_a_star_revalidate() {
        for if_none_match in [
            "W/\"00000000000000aa-br\"",
            "\"00000000000000aa-br\"",
            "\"00000000000000aa\", W/\"ff,ff\" ,\"00000000000000aa-br\"",
            "*",
        ] {
            let response = brotli_request_with(if_none_match);
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{if_none_match}");
            let h = response.headers();
            assert_eq!(h[header::ETAG], "\"00000000000000aa-br\"", "{if_none_match}");
            assert_eq!(h[header::VARY], "Accept-Encoding", "{if_none_match}");
        }
    }

    #[test]
    fn another_encodings_tag_does_not_revalidate() {
        for if_none_match in ["\"00000000000000aa-gz\"", "W/\"00000000000000aa\"", "\"00000000000000aa-gz\", \"00000000000000aa\"", "00000000000000aa-br", ""] {
            let response = brotli_request_with(if_none_match);
            assert_eq!(response.status(), StatusCode::OK, "{if_none_match}");
            assert_eq!(response.headers()[header::CONTENT_ENCODING], "br", "{if_none_match}");
            assert_eq!(response.headers()[header::ETAG], "\"00000000000000aa-br\"", "{if_none_match}");
        }
    }

    #[test]
    fn each_encoding_has_its_own_tag() {
        let tag = |accept: &'static str| serve(&WASM, &request(&[(header::ACCEPT_ENCODING, accept)])).headers()[header::ETAG].clone();
        let (br, gzip, identity) = (tag("br"), tag("gzip"), tag("identity"));
        assert!(br != gzip && gzip != identity && br != identity, "{br:?} {gzip:?} {identity:?}");
        let gzip_revalidated = serve(&WASM, &request(&[(header::ACCEPT_ENCODING, "gzip"), (header::IF_NONE_MATCH, "W/\"00000000000000aa-gz\"")]));
        assert_eq!(gzip_revalidated.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(gzip_revalidated.headers()[header::ETAG], gzip);
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
