//! Commands: selling (being written).
