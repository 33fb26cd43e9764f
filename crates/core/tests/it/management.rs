//! Tests: management (being written).
