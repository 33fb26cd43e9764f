//! The Quota app.
fn main() {}
