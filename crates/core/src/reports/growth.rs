//! Report: growth (being written).
