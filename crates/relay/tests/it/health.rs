//! The health endpoint.

use crate::support::RelayProcess;

#[test]
fn health_reports_status_version_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let relay = RelayProcess::start(&dir.path().join("data"), &[]);
    let response = relay.get("/healthz");
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").starts_with("application/json"), "{response:?}");
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["workspaces"], 0);
    assert_eq!(body["connections"], 0);
}
