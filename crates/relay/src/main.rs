//! The Quota relay.
fn main() {}
