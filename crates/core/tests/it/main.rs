//! Integration tests of the core, built into one binary.

mod support;

mod channels;
mod csv;
mod generate;
mod management;
mod merge;
mod review;
mod selling;
mod workspace;
