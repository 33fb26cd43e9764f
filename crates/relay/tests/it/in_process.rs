//! The relay as a library: started and stopped inside the test process.

use quota_relay::{Config, Relay};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::client::{SyncClient, doc_id};
use crate::support::{credential, until_closed};

async fn start(data: &std::path::Path) -> (String, oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let config = Config::with_data_dir(data).expect("default settings");
    let relay = Relay::open(config).expect("relay opens its data directory");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (id, token) = credential(1);
    let url = format!("ws://{}/sync?workspace={id}&token={token}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(relay.serve(listener, async move {
        // Either a stop request or the sender going away ends the relay.
        let _stop_or_drop = stopped.await;
    }));
    (url, stop, server)
}

#[tokio::test]
async fn an_in_process_relay_syncs_shuts_down_cleanly_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let doc = doc_id(8);

    let (url, stop, server) = start(dir.path()).await;
    let mut alice = SyncClient::connect(&url, "alice").await;
    alice.write_acknowledged(doc, "region", "North").await;
    stop.send(()).unwrap();
    let (close, _) = until_closed(&mut alice.ws).await;
    assert_eq!(close, Some((1012, "relay restarting".to_owned())));
    server.await.unwrap().unwrap();

    let (url, _stop, _server) = start(dir.path()).await;
    let mut bob = SyncClient::connect(&url, "bob").await;
    bob.fetch(doc).await;
    assert_eq!(bob.value(doc, "region").as_deref(), Some("North"));
}
