//! Generated workspaces: the sample workspace and the large one for benchmarks (being written).
