//! Exploratory-modelling analyses over the design points of a sweep: pure functions over plain
//! arrays of point outcomes, so each estimator can be checked against hand-computed and
//! analytic results without simulating anything. The output layer reads the folder's tables,
//! calls these and writes what they return.
//!
//! - [`prim`]: scenario discovery with PRIM (Friedman & Fisher 1999), in the binary form of
//!   the EMA Workbench, with Bryant & Lempert's quasi-p values.
//! - [`robustness`]: how each arm fares across the points (quantiles, Savage regret, share
//!   best, share satisficing).

pub mod prim;
pub mod robustness;
