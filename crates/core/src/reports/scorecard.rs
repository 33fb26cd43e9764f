//! Report: scorecard (being written).
