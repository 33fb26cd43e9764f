//! Report: forecast (being written).
