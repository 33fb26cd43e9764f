//! Report: pipeline (being written).
