//! Tests: selling (being written).
