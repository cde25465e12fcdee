//! Exploratory-modelling analyses over the design points of a sweep: pure functions over plain
//! arrays of point outcomes (no I/O, nothing above the leaves), so each estimator can be
//! checked against hand-computed and analytic results without simulating anything. The
//! output layer reads the folder's tables, calls these and writes what they return.
//!
//! - [`sobol`]: Sobol' indices S1, ST, S2 of a Saltelli design, computed as SALib does.
//! - [`morris`]: Morris elementary effects μ, μ*, σ.
//! - [`resample`]: the bootstrap both use and the run-noise share of a design's outcomes.
//! - [`prim`]: scenario discovery with PRIM (Friedman & Fisher 1999), in the binary form of
//!   the EMA Workbench, with Bryant & Lempert's quasi-p values.
//! - [`robustness`]: how each arm fares across the points (quantiles, Savage regret, share
//!   best, share satisficing).

pub mod morris;
pub mod prim;
pub mod resample;
pub mod robustness;
pub mod sobol;
