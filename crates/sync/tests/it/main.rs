//! The sync crate's tests, built as one binary.

mod codec;
mod convergence;
mod hub;
mod net;
