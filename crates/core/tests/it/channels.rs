//! Tests: channels (being written).
