//! Analyses of a finished ensemble's design points: pure functions over plain arrays (no I/O,
//! nothing above the leaves), unit-tested against analytic results.
//!
//! - [`sobol`]: Sobol' indices S1, ST, S2 of a Saltelli design, computed as SALib does.
//! - [`morris`]: Morris elementary effects μ, μ*, σ.
//! - [`resample`]: the bootstrap both use and the run-noise share of a design's outcomes.

pub mod morris;
pub mod resample;
pub mod sobol;
