//! The health endpoint.

use crate::client::SyncClient;
use crate::support::{RelayProcess, credential};

#[tokio::test]
async fn health_reports_status_version_and_counts() {
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

    let (id, token) = credential(1);
    let client = SyncClient::connect(&relay.ws_url("sync", &id, &token), "client").await;
    let body: serde_json::Value = serde_json::from_slice(&relay.get("/healthz").body).unwrap();
    assert_eq!(
        (&body["workspaces"], &body["active_workspaces"], &body["connections"]),
        (&1.into(), &1.into(), &1.into())
    );
    drop(client);
    relay.wait_for_health("the connection to be counted as gone", |health| health["connections"] == 0);
}
