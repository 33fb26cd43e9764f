//! Report: priority (being written).
