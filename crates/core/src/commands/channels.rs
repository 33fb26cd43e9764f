//! Commands: channels (being written).
