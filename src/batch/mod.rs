//! Batch runs from a CSV file (issue 3).

pub mod create;
