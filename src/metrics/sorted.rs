//! The passes over pairs behind [`super::pairwise_metrics`], and what they take and give
//! ([`PairwiseSelection`], [`Pass`]): the sorted pass used for every finite snapshot of more
//! than a few nations, and the plain pair loop kept for the others.
//!
//! Sorting the nations by their first coordinate (stably: by value, then index) orders the
//! pairs so that the ones that can be compatible are contiguous. The first coordinate alone
//! bounds a distance from below, *in floating point too*: the squared differences are added
//! in dimension order starting with the first, adding a non-negative number never rounds a
//! sum down, and the square root and the division by √K are monotone. So once
//! √(t₀²)/√K > δ for t₀ the first-coordinate gap, the pair is incompatible whatever its other
//! coordinates, and so is every later nation in sorted order. Compatible pairs are then
//! decided exactly as [`super::distance()`] decides them, by comparing the sum of squares
//! under its root with [`super::squared_threshold`], which is why components and clusters
//! are exactly those of the pair loop.
//!
//! - K = 1: the first coordinate is the whole distance, so the near pairs of nation p are the
//!   window p+1..e(p) and the components are the runs of sorted neighbours within δ.
//!   Fragmentation takes the far weight of each window from suffix sums of the weights,
//!   dispersion is Σ_k g_k · k(n − k) over the gaps g_k between sorted neighbours (every term
//!   non-negative, so no cancellation): O(N log N) in all.
//! - K > 1: components and the incompatible weight visit only the window; dispersion needs
//!   every pair. Each row is one sweep of [`super::row`], its sums in [`LANES`] fixed lanes
//!   combined in a fixed order, which is vectorised and gives the same bits on every machine.
//!
//! The weight of all pairs, Σ_{i<j} w_i w_j, is Σ_p w_p · (Σ_{q>p} w_q): the same O(N) as
//! ((Σw)² − Σw²)/2 but with no cancellation when one nation holds nearly all the weight.

use std::cell::RefCell;

use super::distance::{UnionFind, Within, distance, squared_threshold};
use super::row::{LANES, Row, RowSums, row_for_this_machine};

/// Which of the pairwise metrics to compute (`[metrics] compute`): a study that needs only
/// fragmentation should not pay for the all-pairs dispersion sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairwiseSelection {
    /// Compute [`super::PairwiseMetrics::fragmentation`].
    pub fragmentation: bool,
    /// Compute the components: [`super::PairwiseMetrics::clusters`] and
    /// [`super::PairwiseMetrics::effective_blocs`].
    pub components: bool,
    /// Compute [`super::PairwiseMetrics::dispersion`].
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

/// The definition: every pair in index order, each distance by [`distance`]. For snapshots
/// with a non-finite stance, where sorting gives no order of distances, and for a few nations.
pub(super) fn pair_loop(stances: &[f64], dims: usize, weights: &[f64], tolerance: f64) -> Pass {
    let n = weights.len();
    let row = |i: usize| &stances[i * dims..(i + 1) * dims];
    let mut uf = UnionFind::new(n);
    let (mut incompatible_weight, mut pair_weight, mut distance_sum) = (0.0, 0.0, 0.0);
    for i in 0..n {
        for j in i + 1..n {
            let d = distance(row(i), row(j));
            let ww = weights[i] * weights[j];
            pair_weight += ww;
            distance_sum += d;
            if d <= tolerance {
                uf.union(i, j);
            } else {
                incompatible_weight += ww;
            }
        }
    }
    Pass {
        incompatible_weight,
        pair_weight,
        distance_sum,
        component: (0..n).map(|i| uf.find(i)).collect(),
    }
}

/// The sorted pass's buffers, kept per thread between passes.
///
/// A study that records every step runs a pass per step of every run, and allocating these
/// afresh each time cost more than the allocations: with two worker threads, world2025's
/// row sweeps ran up to a fifth slower over freshly allocated buffers than over the same
/// buffers reused (same instructions; where the allocator places them is the difference).
/// Each is cleared and refilled before it is read, so no pass sees another's values.
#[derive(Default)]
struct Scratch {
    /// Dimension-major columns in sorted order: column d holds x_·\[d\] for positions 0..n.
    columns: Vec<f64>,
    /// Weights in sorted order.
    w: Vec<f64>,
    /// suffix\[p\] = Σ_{q ≥ p} w_q.
    suffix: Vec<f64>,
    /// Later positions a row joins to its component.
    joined: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The sorted pass (see the module header). `stances` must be finite and `dims` ≥ 1.
pub(super) fn sorted_pass(
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    selection: PairwiseSelection,
) -> Pass {
    SCRATCH.with(|cell| {
        let mut kept = cell.try_borrow_mut().ok();
        // Fresh (unallocated) buffers only if a pass ran inside a pass, which none does.
        let mut fresh = Scratch::default();
        let scratch = kept.as_deref_mut().unwrap_or(&mut fresh);
        pass_in(scratch, stances, dims, weights, tolerance, selection)
    })
}

/// [`sorted_pass`] in `scratch`'s buffers.
fn pass_in(
    scratch: &mut Scratch,
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    selection: PairwiseSelection,
) -> Pass {
    let Scratch {
        columns,
        w,
        suffix,
        joined,
    } = scratch;
    let n = weights.len();
    let order = first_coordinate_order(stances, dims, n);
    columns.clear();
    columns.resize(dims * n, 0.0);
    for (p, &i) in order.iter().enumerate() {
        for (d, &x) in stances[i * dims..(i + 1) * dims].iter().enumerate() {
            columns[d * n + p] = x;
        }
    }
    w.clear();
    w.extend(order.iter().map(|&i| weights[i]));
    suffix.clear();
    suffix.resize(n + 1, 0.0);
    for p in (0..n).rev() {
        suffix[p] = w[p] + suffix[p + 1];
    }
    let sqrt_k = (dims as f64).sqrt();
    let first = &columns[..n];
    // d ≤ δ exactly when the sum of squares under d's root is at most `limit`.
    let limit = squared_threshold(tolerance, dims, Within::AtMost);
    // Whether the first coordinate alone leaves positions p < q within δ: the same bits as
    // `distance` for K = 1 (where -0.0 + t² = t² starts its sum), a lower bound otherwise.
    let near = |p: usize, q: usize| {
        let t = first[p] - first[q];
        t * t <= limit
    };
    let mut uf = UnionFind::new(n);
    let (mut incompatible_weight, mut pair_weight, mut distance_sum) = (0.0, 0.0, 0.0);
    let mut lanes = [0.0; LANES];
    joined.clear();
    let row_kernel = row_for_this_machine();
    // Window end e(p): positions p+1..e(p) are near p. It never decreases with p.
    let mut end = 0;
    for p in 0..n {
        end = end.max(p + 1);
        while end < n && near(p, end) {
            end += 1;
        }
        pair_weight += w[p] * suffix[p + 1];
        if dims == 1 {
            incompatible_weight += w[p] * suffix[end];
            if selection.components && p + 1 < n && near(p, p + 1) {
                uf.union(p, p + 1);
            }
            continue;
        }
        let visit = if selection.dispersion {
            n
        } else if selection.fragmentation || selection.components {
            end
        } else {
            p + 1
        };
        let root = if selection.components { uf.find(p) } else { p };
        let mut far = [0.0; LANES];
        joined.clear();
        row_kernel(
            &Row {
                columns,
                n,
                dims,
                p,
                visit,
                end,
                weights: w,
                limit,
                parent: uf.parents(),
                root,
            },
            &mut RowSums {
                roots: selection.dispersion.then_some(&mut lanes),
                far: &mut far,
                joined: selection.components.then_some(&mut *joined),
            },
        );
        incompatible_weight += w[p] * (suffix[end] + combine(&far));
        let mut root = root;
        for &q in joined.iter() {
            root = uf.union_root(root, q);
        }
    }
    if selection.dispersion {
        distance_sum = if dims == 1 {
            // Σ_{p<q} (x_q − x_p) = Σ_k g_k · k(n − k), g_k = x_k − x_{k−1} ≥ 0.
            (1..n)
                .map(|k| (first[k] - first[k - 1]) * (k * (n - k)) as f64)
                .sum::<f64>()
        } else {
            combine(&lanes) / sqrt_k
        };
    }
    let mut component = vec![0; n];
    if selection.components {
        for (p, &i) in order.iter().enumerate() {
            component[i] = uf.find(p);
        }
    }
    Pass {
        incompatible_weight,
        pair_weight,
        distance_sum,
        component,
    }
}

/// Positions 0..n ordered by first coordinate (in `f64::total_cmp`'s order), ties by index.
///
/// Sorted as integer keys: each value's bits mapped so that integer order is `total_cmp`'s,
/// paired with the index (the order is total, so an unstable sort gives the one result).
/// Integer comparisons are cheaper than a float comparison and then an index comparison
/// through a closure, and a study that records every step sorts at every step.
pub(super) fn first_coordinate_order(stances: &[f64], dims: usize, n: usize) -> Vec<usize> {
    let mut keyed: Vec<(i64, usize)> = (0..n)
        .map(|i| {
            let bits = stances[i * dims].to_bits() as i64;
            // As `f64::total_cmp`: negative values have their magnitude bits flipped.
            (bits ^ ((((bits >> 63) as u64) >> 1) as i64), i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The lanes' total, in a fixed tree order.
fn combine(lanes: &[f64; LANES]) -> f64 {
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
}
