//! Serving the built app from `--static-dir`.

use std::fs;

use crate::support::RelayProcess;

const WASM: &[u8] = b"\0asm\x01\0\0\0";

fn app_dir(root: &std::path::Path) -> std::path::PathBuf {
    let app = root.join("dist");
    fs::create_dir_all(app.join("icons")).unwrap();
    fs::write(app.join("index.html"), "<!doctype html><title>Quota</title>").unwrap();
    fs::write(app.join("quota-0123456789abcdef_bg.wasm"), WASM).unwrap();
    fs::write(app.join("quota-0123456789abcdef.js"), "export default 1;").unwrap();
    fs::write(app.join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
    fs::write(app.join("manifest.json"), "{}").unwrap();
    fs::write(app.join("icons/icon-192.png"), b"\x89PNG").unwrap();
    app
}

#[test]
fn the_app_is_served_with_the_right_types_and_caching() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_dir(dir.path());
    let relay = RelayProcess::start(&dir.path().join("data"), &["--static-dir", app.to_str().unwrap()]);

    // (path, status, content type, cache-control)
    let cases = [
        ("/", 200, "text/html; charset=utf-8", "no-cache"),
        ("/index.html", 200, "text/html; charset=utf-8", "no-cache"),
        ("/quota-0123456789abcdef_bg.wasm", 200, "application/wasm", "public, max-age=31536000, immutable"),
        ("/quota-0123456789abcdef.js", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        ("/sw.js", 200, "text/javascript; charset=utf-8", "no-cache"),
        ("/manifest.json", 200, "application/json", "no-cache"),
        ("/icons/icon-192.png", 200, "image/png", "no-cache"),
    ];
    for (path, status, content_type, cache) in cases {
        let response = relay.get(path);
        let actual = (response.status, response.header("content-type"), response.header("cache-control"));
        assert_eq!(actual, (status, content_type, cache), "GET {path}");
    }
    assert_eq!(relay.get("/quota-0123456789abcdef_bg.wasm").body, WASM);
}

#[test]
fn unknown_app_routes_get_index_html_and_missing_assets_get_404() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_dir(dir.path());
    let relay = RelayProcess::start(&dir.path().join("data"), &["--static-dir", app.to_str().unwrap()]);

    for route in ["/accounts", "/accounts/42/edit", "/deals/"] {
        let response = relay.get(route);
        assert_eq!(response.status, 200, "GET {route}");
        assert_eq!(response.text(), "<!doctype html><title>Quota</title>", "GET {route}");
        assert_eq!(response.header("cache-control"), "no-cache", "GET {route}");
    }
    for missing in ["/missing-0123456789abcdef.wasm", "/icons/none.png", "/../Cargo.toml"] {
        assert_eq!(relay.get(missing).status, 404, "GET {missing}");
    }
}

#[test]
fn without_a_static_dir_nothing_is_served_at_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    assert_eq!(relay.get("/").status, 404);
    assert_eq!(relay.get("/healthz").status, 200);
}
