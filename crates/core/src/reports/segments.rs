//! Report: segments (being written).
