//! Tests: the annual review and workspace files (being written).
