//! Process tests of the relay: the real binary on loopback, driven over HTTP and WebSocket.

mod client;
mod health;
mod in_process;
mod restart;
mod robustness;
mod signal;
mod static_files;
mod support;
mod sync;
