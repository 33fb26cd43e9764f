//! Tests: generate (being written).
