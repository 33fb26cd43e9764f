//! Report: plan_actual (being written).
