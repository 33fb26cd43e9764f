//! Commands: people (being written).
