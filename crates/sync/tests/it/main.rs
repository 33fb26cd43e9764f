//! The sync crate's tests, built as one binary.

mod batching;
mod codec;
mod convergence;
mod document_id;
mod hub;
mod net;
mod workspaces;
