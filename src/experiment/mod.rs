//! Experiments: seeding, ensembles over arms and runs, and their statistics.

pub mod stats;
