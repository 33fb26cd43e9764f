//! Commands: the annual review's plan versions (being written).
