//! The pairwise metrics: distances between stances, GDP or equal weights, and the one pass
//! (see `sorted`) that yields fragmentation, clusters, effective blocs and dispersion; also
//! Axelrod's regions and the compatible components the stance chart colours.
//!
//! [`pairwise_metrics`] turns the pass's sums and partition into the metrics; the partition
//! is summarised in a canonical order, so equal partitions give equal bits.

use super::sorted;
use crate::scenario::Weighting;

/// Axelrod's stable regions: connected components of the graph of ties `(i, j)` whose two
/// ends have identical stances (every dimension exactly equal).
///
/// Culture stances are exact trait values t/(q−1), so exact equality is the right test: a
/// region is a contiguous patch of one culture. `stances` is n×`dims` row-major with
/// n = `stances.len() / dims` (n = 0 when `dims` is 0); ties naming a nation ≥ n are
/// ignored. Every nation belongs to exactly one region, so the result is ≥ 1 when n ≥ 1.
pub fn regions(
    stances: &[f64],
    dims: usize,
    ties: impl IntoIterator<Item = (usize, usize)>,
) -> usize {
    let n = stances.len().checked_div(dims).unwrap_or(0);
    if n == 0 {
        return 0;
    }
    let row = |i: usize| &stances[i * dims..(i + 1) * dims];
    let mut uf = UnionFind::new(n);
    for (i, j) in ties {
        if i < n && j < n && row(i) == row(j) {
            uf.union(i, j);
        }
    }
    (0..n).filter(|&i| uf.find(i) == i).count()
}

/// Distance between two stances: Euclidean distance / sqrt(K), so it lies in \[0,1\] for stances in \[0,1\]^K.
///
/// Dividing by √K makes one tolerance δ mean the same thing whatever the number of policy
/// dimensions: δ is a root-mean-square difference per dimension. K is `a.len()`; the stances
/// are expected to have equal length (extra entries of the longer one are ignored). K = 0
/// gives 0.
pub fn distance(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len(), "stances of different dimension");
    let k = a.len().min(b.len());
    if k == 0 {
        return 0.0;
    }
    distance_with(a, b, (k as f64).sqrt())
}

/// `‖a − b‖ / sqrt_k`, with √K hoisted out of the pair loop (bit-identical to [`distance`]).
#[inline]
fn distance_with(a: &[f64], b: &[f64], sqrt_k: f64) -> f64 {
    let sum_sq: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| {
            let d = x - y;
            d * d
        })
        .sum();
    sum_sq.sqrt() / sqrt_k
}

/// Normalised weights w_i summing to 1: GDP shares (negative/NaN GDP treated as 0; if the total is 0, fall back to equal) or equal 1/n. Empty input -> empty vec.
///
/// GDP weighting makes fragmentation read as "share of world output facing incompatible
/// rules"; equal weighting counts nations. Any GDP that is not a finite positive number
/// (negative, NaN, ±∞) counts as 0, so one bad value cannot poison every share; if nothing
/// positive is left, equal weights are the only neutral choice.
pub fn weights(gdp: &[f64], weighting: Weighting) -> Vec<f64> {
    let n = gdp.len();
    if n == 0 {
        return Vec::new();
    }
    let equal = || vec![1.0 / n as f64; n];
    match weighting {
        Weighting::Equal => equal(),
        Weighting::Gdp => {
            let clean: Vec<f64> = gdp
                .iter()
                .map(|&g| if g.is_finite() && g > 0.0 { g } else { 0.0 })
                .collect();
            let mut total: f64 = clean.iter().sum();
            if total.is_infinite() {
                // The finite values overflowed when added: rescale by the largest first.
                let max = clean.iter().copied().fold(0.0_f64, f64::max);
                let scaled: Vec<f64> = clean.iter().map(|g| g / max).collect();
                total = scaled.iter().sum();
                return scaled.iter().map(|g| g / total).collect();
            }
            if total > 0.0 {
                clean.iter().map(|g| g / total).collect()
            } else {
                equal()
            }
        }
    }
}

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

/// Which of the pairwise metrics to compute (`[metrics] compute`): a study that needs only
/// fragmentation should not pay for the all-pairs dispersion sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairwiseSelection {
    /// Compute [`PairwiseMetrics::fragmentation`].
    pub fragmentation: bool,
    /// Compute the components: [`PairwiseMetrics::clusters`] and
    /// [`PairwiseMetrics::effective_blocs`].
    pub components: bool,
    /// Compute [`PairwiseMetrics::dispersion`].
    pub dispersion: bool,
}

impl PairwiseSelection {
    /// Every pairwise metric.
    pub const ALL: PairwiseSelection = PairwiseSelection {
        fragmentation: true,
        components: true,
        dispersion: true,
    };
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
/// with the same distance bits as [`distance`], so clusters and components are exactly those
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

/// The sums and the partition one pass over the pairs yields.
pub(super) struct Pass {
    /// Σ_{i<j} w_i w_j \[d_ij > δ\] (0 when fragmentation is not selected).
    pub(super) incompatible_weight: f64,
    /// Σ_{i<j} w_i w_j (0 when fragmentation is not selected).
    pub(super) pair_weight: f64,
    /// Σ_{i<j} d_ij (0 when dispersion is not selected).
    pub(super) distance_sum: f64,
    /// One representative per nation (index order): nations share it iff they are in the
    /// same component (empty when components are not selected).
    pub(super) component: Vec<usize>,
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

/// Disjoint sets with path compression and union by size.
pub(super) struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    pub(super) fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    pub(super) fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut cur = x;
        while self.parent[cur] != root {
            let next = self.parent[cur];
            self.parent[cur] = root;
            cur = next;
        }
        root
    }

    /// Joins the set whose root is `root_a` with the set of `b`; returns the root of the union.
    pub(super) fn union_root(&mut self, root_a: usize, b: usize) -> usize {
        let rb = self.find(b);
        if root_a == rb {
            return root_a;
        }
        let (big, small) = if self.size[root_a] >= self.size[rb] {
            (root_a, rb)
        } else {
            (rb, root_a)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
        big
    }

    pub(super) fn union(&mut self, a: usize, b: usize) {
        let ra = self.find(a);
        self.union_root(ra, b);
    }
}

/// Connected components of the graph joining nations whose stances lie within `tolerance`
/// of each other (d_ij ≤ δ, as in [`pairwise_metrics`]), as one label per nation; components
/// are numbered in order of their smallest member.
///
/// The stance chart colours nations by these labels; numbering by smallest member keeps the
/// colours independent of anything but the input order.
pub fn compatible_components(stances: &[&[f64]], tolerance: f64) -> Vec<usize> {
    let n = stances.len();
    let mut label = vec![usize::MAX; n];
    let mut next = 0;
    for start in 0..n {
        if label[start] != usize::MAX {
            continue;
        }
        label[start] = next;
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            for j in 0..n {
                if label[j] == usize::MAX && distance(stances[i], stances[j]) <= tolerance {
                    label[j] = next;
                    stack.push(j);
                }
            }
        }
        next += 1;
    }
    label
}
