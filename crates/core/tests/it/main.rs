//! Integration tests of the core, built into one binary.

mod support;
mod workspace;
