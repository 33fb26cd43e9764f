//! The Quota relay: authenticates workspaces, syncs their documents over the automerge-repo
//! protocol, persists them, relays WebRTC signalling, and can serve the built app.
//!
//! The binary (`main.rs`) only parses flags and runs a [`Relay`]; everything else lives here so
//! tests can also drive the relay in-process.

pub mod auth;
pub mod config;
pub mod connection;
pub mod server;
pub mod signal;
pub mod static_files;
pub mod storage;
pub mod sync;

pub use auth::{AuthError, Credentials, Token, WorkspaceId};
pub use config::Config;
pub use server::{Relay, StartError};
pub use storage::{Storage, StorageError};
