//! The Quota relay: authenticates workspaces, syncs their documents over the automerge-repo
//! protocol, persists them, relays WebRTC signalling, and can serve the built app.
//!
//! The binary (`main.rs`) only parses flags and runs a [`Relay`]; everything else lives here so
//! tests can also drive the relay in-process.
//!
//! # Endpoints
//!
//! | route | what |
//! |---|---|
//! | `GET /healthz` | `{"status":"ok","version":..,"workspaces":..,"active_workspaces":..,"connections":..,"signalling_peers":..}` |
//! | `GET /sync?workspace=<id>&token=<token>` | WebSocket, the automerge-repo protocol in binary CBOR frames ([`sync`]) |
//! | `GET /signal?workspace=<id>&token=<token>` | WebSocket, JSON text frames for WebRTC signalling ([`signal`]) |
//! | anything else | the app from `--static-dir` ([`static_files`]), or 404 without it |
//!
//! # Access
//!
//! A workspace id is 32 hex digits and a token 64 hex digits, both derived by the app from the
//! workspace secret. The first connection for a workspace id registers `sha256(token)`; later
//! ones must present the same token ([`auth`]). With `--registration-token`, registering also
//! needs `&registration=<token>`. Because a browser cannot read the HTTP status of a failed
//! WebSocket handshake, a refused connection is upgraded, told why, and closed:
//!
//! | close code | meaning | first message |
//! |---|---|---|
//! | 4401 | wrong, malformed or missing workspace credential | `error`: "invalid workspace credential" |
//! | 4403 | new workspace without a valid registration token | `error` with the reason |
//! | 1013 | the relay is at `--max-connections` | `error` with the reason |
//! | 1008 | malformed message or protocol violation | `error` with the reason |
//! | 1009 | message over `--max-message-bytes` | `error`: "message too big" |
//! | 4008 | the client read too slowly and its queue overflowed | none |
//! | 1011 | the relay could not read or store documents | `error` with the reason |
//! | 1012 | the relay is shutting down; reconnect | none |
//!
//! On `/sync` the first message is an automerge-repo `error` message; on `/signal` it is
//! `{"type":"error","message":...}`.
//!
//! Documents are scoped to a workspace: a workspace's hub can only reach the documents stored
//! under it, so asking for another workspace's document id gets `doc-unavailable`, exactly like
//! an id that exists nowhere.
//!
//! # Storage
//!
//! See [`storage`] for the layout under the data directory. A change is acknowledged to a client
//! (the relay's sync messages show heads that include it) only after it is durably on disk.

pub mod auth;
pub mod config;
pub mod connection;
pub mod server;
pub mod signal;
pub mod static_files;
pub mod storage;
pub mod sync;
pub mod websocket;

pub use auth::{AuthError, Credentials, Token, WorkspaceId};
pub use config::Config;
pub use server::{Relay, StartError};
pub use storage::{Storage, StorageError};
