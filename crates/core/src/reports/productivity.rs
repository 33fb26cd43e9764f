//! Report: productivity (being written).
