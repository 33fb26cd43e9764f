//! Report: costs (being written).
