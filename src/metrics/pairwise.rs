//! The pairwise metrics of a snapshot: fragmentation, clusters, effective blocs and
//! dispersion, from one pass over the pairs (see `sorted`).
//!
//! [`pairwise_metrics`] turns the pass's sums and partition into the metrics; the partition
//! is summarised in a canonical order, so equal partitions give equal bits.

use super::sorted::{self, PairwiseSelection, Pass};

/// Results of the pairwise metrics of one snapshot.
///
/// They come together because they share one sort and one scan of the near pairs;
/// computing them separately would repeat that work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairwiseMetrics {
    /// Σ_{i<j} w_i w_j \[d_ij > δ\] / Σ_{i<j} w_i w_j: the weighted share of pairs whose
    /// rules are incompatible (0 when no pair has weight, e.g. n ≤ 1).
    pub fragmentation: f64,
    /// Number of connected components of the "d_ij ≤ δ" graph having at least
    /// max(1, ⌈min_cluster_share · n⌉) members: regulatory blocs big enough to matter.
    pub clusters: usize,
    /// 1 / Σ_c W_c² over all components, W_c the weight of component c: an inverse
    /// Herfindahl index, i.e. how many equal-weight blocs would concentrate weight as much.
    pub effective_blocs: f64,
    /// Unweighted mean of d_ij over pairs i<j (0 when n ≤ 1): the spread of stances,
    /// independent of δ.
    pub dispersion: f64,
}
/// stances: flat row-major n×dims (nation i's stance is stances[i*dims..(i+1)*dims]); weights: len n (normalised).
///
/// Definitions are on [`PairwiseMetrics`]. Compatibility is `d_ij ≤ δ` and incompatibility
/// its negation, so a NaN distance (or δ) counts as incompatible and disconnected in both
/// fragmentation and components. n is `weights.len()` (capped at the number of complete rows
/// when `dims > 0`).
///
/// Exact in what is counted and deterministic in every bit, but (beyond a few nations) not a
/// naive pair loop: the nations are sorted by their first coordinate (see `sorted`), which makes the 1-D case
/// O(N log N) and lets K > 1 visit only the pairs near enough to be compatible (dispersion
/// still sums all pairs, in a fixed-lane reduction). Which pairs are compatible is decided
/// with the same distance bits as [`distance`](crate::metrics::distance()), so clusters and components are exactly those
/// of the pair loop; the sums (fragmentation, dispersion) agree with the pair loop's to about
/// 1e-12 relative, being sums of the same terms in another order. Component weights are
/// summed in index order and their squares in a canonical order (ascending weight, then
/// smallest member), so the same partition into blocs gives the same effective_blocs bits.
pub fn pairwise_metrics(
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    min_cluster_share: f64,
) -> PairwiseMetrics {
    pairwise_selected(
        stances,
        dims,
        weights,
        tolerance,
        min_cluster_share,
        PairwiseSelection::ALL,
    )
}

/// [`pairwise_metrics`] computing only what `selection` asks for; the others are NaN
/// (clusters 0) and must not be shown.
pub fn pairwise_selected(
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    min_cluster_share: f64,
    selection: PairwiseSelection,
) -> PairwiseMetrics {
    debug_assert!(
        dims == 0 || stances.len() == weights.len() * dims,
        "stances must hold weights.len() rows of `dims` values"
    );
    let n = stances
        .len()
        .checked_div(dims)
        .map_or(weights.len(), |rows| weights.len().min(rows));
    if n == 0 {
        return PairwiseMetrics {
            fragmentation: 0.0,
            clusters: 0,
            effective_blocs: 0.0,
            dispersion: 0.0,
        };
    }
    let weights = &weights[..n];
    let stances = &stances[..n * dims];
    let pass = if n <= SMALL || dims == 0 || stances.iter().any(|x| !x.is_finite()) {
        // Sorting needs a total order of distances along the first coordinate, which a NaN
        // or infinite stance does not have; and for a few nations, sorting and its buffers
        // cost more than the pairs they would skip.
        sorted::pair_loop(stances, dims, weights, tolerance)
    } else {
        sorted::sorted_pass(stances, dims, weights, tolerance, selection)
    };
    finish(&pass, weights, min_cluster_share, selection)
}

/// Up to this many nations, [`pairwise_selected`] takes the plain pair loop (a choice that
/// depends on n alone, so it is deterministic): with 13 nations the sorted pass costs half as
/// much again as the loop, with a thousand it saves nearly all of it.
const SMALL: usize = 32;

/// The metrics of a pass over `weights.len()` nations.
pub(super) fn finish(
    pass: &Pass,
    weights: &[f64],
    min_cluster_share: f64,
    selection: PairwiseSelection,
) -> PairwiseMetrics {
    let n = weights.len();
    let fragmentation = if !selection.fragmentation {
        f64::NAN
    } else if pass.pair_weight > 0.0 {
        pass.incompatible_weight / pass.pair_weight
    } else {
        0.0
    };
    let pairs = n * n.saturating_sub(1) / 2;
    let dispersion = if !selection.dispersion {
        f64::NAN
    } else if pairs > 0 {
        pass.distance_sum / pairs as f64
    } else {
        0.0
    };
    let (clusters, effective_blocs) = if selection.components {
        blocs(&pass.component, weights, min_cluster_share)
    } else {
        (0, f64::NAN)
    };
    PairwiseMetrics {
        fragmentation,
        clusters,
        effective_blocs,
        dispersion,
    }
}
/// (clusters, effective blocs) of the partition `component` (one representative per nation).
///
/// Components are numbered by their smallest member and their sizes and weights accumulated
/// in index order, so a component's weight depends on its members only; the squares are then
/// summed in ascending order of weight (ties by smallest member), so the same partition gives
/// the same bits however the components happen to be numbered.
pub(super) fn blocs(component: &[usize], weights: &[f64], min_cluster_share: f64) -> (usize, f64) {
    let n = weights.len();
    let labels = canonical_labels(component);
    let count = labels.iter().max().map_or(0, |&m| m + 1);
    let mut sizes = vec![0usize; count];
    let mut masses = vec![0.0f64; count];
    for (&c, &w) in labels.iter().zip(weights) {
        sizes[c] += 1;
        masses[c] += w;
    }
    let threshold = ((min_cluster_share * n as f64) - 1e-9).ceil().max(1.0) as usize;
    let clusters = sizes.iter().filter(|&&s| s >= threshold).count();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| masses[a].total_cmp(&masses[b]).then(a.cmp(&b)));
    let concentration: f64 = order.iter().map(|&c| masses[c] * masses[c]).sum();
    let effective_blocs = if concentration > 0.0 {
        1.0 / concentration
    } else {
        0.0
    };
    (clusters, effective_blocs)
}

/// Component labels numbered 0, 1, … in order of each component's smallest member, from any
/// one representative in 0..n per nation.
pub(super) fn canonical_labels(component: &[usize]) -> Vec<usize> {
    let mut label_of = vec![usize::MAX; component.len()];
    let mut next = 0;
    component
        .iter()
        .map(|&rep| {
            if label_of[rep] == usize::MAX {
                label_of[rep] = next;
                next += 1;
            }
            label_of[rep]
        })
        .collect()
}
