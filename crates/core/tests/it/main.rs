//! Integration tests of the core, built into one binary.

mod support;

mod channels;
mod generate;
mod management;
mod selling;
mod workspace;
