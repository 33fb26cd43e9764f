//! The automerge-repo sync endpoint.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::WorkspaceId;
use crate::config::Config;
use crate::connection::{Close, Outbox, Socket};
use crate::storage::Storage;

pub struct Hubs {
    _storage: Arc<Storage>,
}

impl Hubs {
    pub fn new(storage: Arc<Storage>, _config: &Config) -> Hubs {
        Hubs { _storage: storage }
    }

    pub async fn serve(&self, _workspace: WorkspaceId, _outbox: Outbox, socket: Socket) {
        socket.finish(Close::new(1011, "not yet")).await;
    }

    pub fn active_workspaces(&self) -> usize {
        0
    }

    pub async fn shutdown(&self, _grace: Duration) {}
}

pub async fn refuse(socket: Socket, close: Close) {
    socket.finish(close).await;
}
