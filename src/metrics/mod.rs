//! Fragmentation metrics as pure functions of a snapshot, and the catalogue that names them.
//!
//! Every metric here takes plain slices (stances, weights, capabilities) and returns numbers:
//! no world, no ECS query, no I/O. That keeps them small enough to check against values
//! computed by hand in the unit tests, and lets the recorder (and anything else that holds a
//! snapshot) share exactly one definition of each metric. The [`catalogue`] gives each metric
//! its column name, texts, range and orientation, for every file, chart and table that shows
//! it.
//!
//! The pairwise metrics are the expensive part; [`pairwise_metrics`] sorts the nations once
//! and visits only the pairs that can be compatible (all pairs only for dispersion when
//! K > 1), in a fixed order, so a result depends only on the input.

mod capability;
pub mod catalogue;
mod distance;
mod pairwise;
mod row;
mod sorted;
#[cfg(test)]
mod tests;

pub use capability::{gini, group_mean_ratio};
pub use catalogue::{Metric, MetricColumn, PRIMARY, metric_names, metric_names_with};
pub use distance::{
    Within, compatible_components, distance, regions, squared_gap, squared_threshold, weights,
};
pub use pairwise::{PairwiseMetrics, pairwise_metrics, pairwise_selected};
pub use sorted::PairwiseSelection;
