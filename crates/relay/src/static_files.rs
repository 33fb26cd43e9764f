//! Serving the built app: Trunk's output directory, with the single-page fallback and caching
//! rules an offline-first app needs.
//!
//! `index.html`, `sw.js` and the web manifest must always be revalidated (`no-cache`), or a new
//! release would never reach installed clients. Files whose names carry Trunk's content hash never
//! change, so they are cached for a year as immutable. A path that names no file and has no file
//! extension gets `index.html`, so a reload on any app route works; a missing file with an
//! extension is a plain 404, so a broken asset link is not masked by HTML.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

const REVALIDATE: &str = "no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The app's files on disk.
#[derive(Debug, Clone)]
pub struct StaticFiles {
    root: PathBuf,
}

impl StaticFiles {
    pub fn new(root: impl Into<PathBuf>) -> StaticFiles {
        StaticFiles { root: root.into() }
    }

    /// Answers a GET or HEAD for `uri`.
    pub async fn respond(&self, uri: &Uri, headers: &HeaderMap) -> Response {
        let Some(relative) = safe_relative_path(uri.path()) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let requested = self.root.join(&relative);
        let file = match tokio::fs::metadata(&requested).await {
            Ok(meta) if meta.is_file() => requested,
            _ if has_extension(&relative) => return StatusCode::NOT_FOUND.into_response(),
            _ => self.root.join("index.html"),
        };
        serve_file(&file, headers).await
    }
}

async fn serve_file(path: &Path, request: &HeaderMap) -> Response {
    let (bytes, meta) = match tokio::try_join!(tokio::fs::read(path), tokio::fs::metadata(path)) {
        Ok(found) => found,
        Err(error) => {
            tracing::debug!(path = %path.display(), %error, "static file not served");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    let modified = meta.modified().ok().and_then(|time| time.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
    let etag = format!("\"{:x}-{:x}\"", modified.as_nanos(), meta.len());

    let mut response = if request.get(header::IF_NONE_MATCH).is_some_and(|tag| tag.as_bytes() == etag.as_bytes()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(bytes))
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(name)));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The request path as a relative file path, or `None` if it tries to leave the directory.
fn safe_relative_path(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        let forbidden = segment == "." || segment == ".." || segment.contains('\\') || segment.contains('\0');
        if forbidden {
            return None;
        }
        relative.push(segment);
    }
    Some(relative)
}

fn has_extension(path: &Path) -> bool {
    path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.contains('.'))
}

fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        _ => mime_guess::from_ext(&ext).first_raw().unwrap_or("application/octet-stream"),
    }
}

fn cache_control(name: &str) -> &'static str {
    let always_fresh = matches!(name, "index.html" | "sw.js" | "manifest.json") || name.ends_with(".webmanifest");
    if !always_fresh && is_hashed(name) { IMMUTABLE } else { REVALIDATE }
}

/// Whether a file name carries a content hash the way Trunk writes it: `name-<hex>.ext`, possibly
/// with a suffix such as `_bg` after the hash.
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let Some((_, tail)) = stem.rsplit_once('-') else { return false };
    let hash = tail.split('_').next().unwrap_or_default();
    hash.len() >= 8 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, expect: (&str, &str)) {
        assert_eq!((content_type(name), cache_control(name)), expect, "{name}");
    }

    #[test]
    fn content_types_and_caching_follow_the_file_name() {
        check("index.html", ("text/html; charset=utf-8", REVALIDATE));
        check("sw.js", ("text/javascript; charset=utf-8", REVALIDATE));
        check("manifest.json", ("application/json", REVALIDATE));
        check("app.webmanifest", ("application/manifest+json", REVALIDATE));
        check("quota-5f3a9c0e1b2d4f6a_bg.wasm", ("application/wasm", IMMUTABLE));
        check("quota-5f3a9c0e1b2d4f6a.js", ("text/javascript; charset=utf-8", IMMUTABLE));
        check("style-0123456789abcdef.css", ("text/css; charset=utf-8", IMMUTABLE));
        check("icon-192.png", ("image/png", REVALIDATE));
        check("favicon.ico", ("image/x-icon", REVALIDATE));
    }

    #[test]
    fn paths_leaving_the_directory_are_refused() {
        assert_eq!(safe_relative_path("/../etc/passwd"), None);
        assert_eq!(safe_relative_path("/a/./b"), None);
        assert_eq!(safe_relative_path("/assets/app.js"), Some(PathBuf::from("assets/app.js")));
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
    }
}
