//! Report: winloss (being written).
