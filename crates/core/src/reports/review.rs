//! Report: the annual review comparison (being written).
