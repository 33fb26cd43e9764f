//! Report: commission (being written).
