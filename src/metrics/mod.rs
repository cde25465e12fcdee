//! Fragmentation metrics as pure functions of a snapshot, and the catalogue that names them.
//!
//! Every metric here takes plain slices (stances, weights, capabilities) and returns numbers:
//! no world, no ECS query, no I/O. That keeps them small enough to check against values
//! computed by hand in the unit tests, and lets the recorder (and anything else that holds a
//! snapshot) share exactly one definition of each metric. The [`catalogue`] gives each metric
//! its column name, texts, range and orientation, for every file, chart and table that shows
//! it.
//!
//! The pairwise metrics are the expensive part (O(N² K)); [`pairwise_metrics`] visits each
//! unordered pair once, computes its distance once, and feeds all four pairwise metrics from
//! it. All sums run in input order, so a result depends only on the order of the input.

mod capability;
pub mod catalogue;
mod pairwise;
#[cfg(test)]
mod tests;

pub use capability::{gini, group_mean_ratio};
pub use catalogue::{Metric, MetricColumn, PRIMARY, metric_names, metric_names_with};
pub use pairwise::{
    PairwiseMetrics, compatible_components, distance, pairwise_metrics, regions, weights,
};
