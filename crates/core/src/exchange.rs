//! Workspace files for offline exchange between devices (being written).
