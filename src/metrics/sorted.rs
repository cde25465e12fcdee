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
//! - K > 1: components and the incompatible weight visit only the window; dispersion, which
//!   needs every pair, sums the square roots of each row in [`LANES`] fixed lanes combined in a
//!   fixed order, which the compiler vectorises and which gives the same bits on every machine.
//!
//! The weight of all pairs, Σ_{i<j} w_i w_j, is Σ_p w_p · (Σ_{q>p} w_q): the same O(N) as
//! ((Σw)² − Σw²)/2 but with no cancellation when one nation holds nearly all the weight.

use super::distance::{UnionFind, Within, distance, squared_threshold};

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
/// Lanes of the dispersion sum: fixed, not the machine's vector width, so that the order of
/// additions (and so every bit) is the same everywhere; 8 fills AVX-512 registers and unrolls
/// narrower ones.
pub(super) const LANES: usize = 8;

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

/// The sorted pass (see the module header). `stances` must be finite and `dims` ≥ 1.
pub(super) fn sorted_pass(
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    selection: PairwiseSelection,
) -> Pass {
    let n = weights.len();
    let order = first_coordinate_order(stances, dims, n);
    // Dimension-major columns in sorted order: column d holds x_·[d] for positions 0..n.
    let mut columns = vec![0.0; dims * n];
    for (p, &i) in order.iter().enumerate() {
        for (d, &x) in stances[i * dims..(i + 1) * dims].iter().enumerate() {
            columns[d * n + p] = x;
        }
    }
    let w: Vec<f64> = order.iter().map(|&i| weights[i]).collect();
    // suffix[p] = Σ_{q ≥ p} w_q, summed from the end.
    let mut suffix = vec![0.0; n + 1];
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
    let mut row = vec![0.0; n];
    let mut joined = vec![0; n];
    let row_squares = row_squares_for_this_machine();
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
        let squares = &mut row[..visit - p - 1];
        let roots = selection.dispersion.then_some(&mut lanes);
        row_squares(&columns, n, dims, p, squares, roots);
        let (far, near_count) = scan_window(
            &squares[..end - p - 1],
            &w[p + 1..end],
            limit,
            p + 1,
            &mut joined[..end - p - 1],
        );
        incompatible_weight += w[p] * (suffix[end] + far);
        if selection.components {
            let mut root = uf.find(p);
            for &q in &joined[..near_count] {
                root = uf.union_root(root, q);
            }
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

/// A row of squared sums (see [`row_squares_body`]), compiled for the machine's widest
/// vectors among those it checks at run time.
pub(super) type RowSquares = fn(&[f64], usize, usize, usize, &mut [f64], Option<&mut [f64; LANES]>);

/// The [`RowSquares`] for this machine: with AVX on x86-64, four pairs per instruction and a
/// square root twice as fast per pair as SSE2's (measured here: 0.69 against 1.37 ns). The
/// bits are the same either way: each lane does the same IEEE operations in the same order
/// (no fused multiply-add), whatever the width of the instruction that carries it.
pub(super) fn row_squares_for_this_machine() -> RowSquares {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        return |columns, n, dims, p, out, lanes| {
            // SAFETY: the CPU supports AVX, checked just above; nothing else is required.
            unsafe { row_squares_avx(columns, n, dims, p, out, lanes) }
        };
    }
    row_squares_body
}

/// [`row_squares_body`] compiled with AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn row_squares_avx(
    columns: &[f64],
    n: usize,
    dims: usize,
    p: usize,
    out: &mut [f64],
    lanes: Option<&mut [f64; LANES]>,
) {
    row_squares_body(columns, n, dims, p, out, lanes);
}

/// Σ_d (x_p\[d\] − x_q\[d\])² for q = p+1, p+2, … into `out` (`out[q − p − 1]`), from the
/// dimension-major `columns` (column d holds x_·\[d\], n values); with `lanes`, also adds
/// the square root of the k-th into lane k mod [`LANES`] (the distances times √K, summed as
/// the dispersion needs).
///
/// The sum runs in dimension order, as in [`super::squared_gap`], so it has the bits of the sum
/// under [`distance`]'s root. Pairs go [`LANES`] at a time with every dimension summed in
/// registers, which the compiler turns into packed arithmetic; one pass over the pairs per
/// dimension instead loaded and stored each sum K times.
#[inline(always)]
pub(super) fn row_squares_body(
    columns: &[f64],
    n: usize,
    dims: usize,
    p: usize,
    out: &mut [f64],
    mut lanes: Option<&mut [f64; LANES]>,
) {
    let count = out.len();
    let start = p + 1;
    let mut chunks = out.chunks_exact_mut(LANES);
    let mut base = start;
    for chunk in &mut chunks {
        let mut acc = [0.0; LANES];
        for (d, column) in columns.chunks_exact(n).enumerate().take(dims) {
            let xp = column[p];
            let mut later = [0.0; LANES];
            later.copy_from_slice(&column[base..base + LANES]);
            let squares = later.map(|xq| (xp - xq) * (xp - xq));
            acc = if d == 0 {
                squares
            } else {
                std::array::from_fn(|l| acc[l] + squares[l])
            };
        }
        chunk.copy_from_slice(&acc);
        if let Some(lanes) = lanes.as_deref_mut() {
            for (lane, &s) in lanes.iter_mut().zip(&acc) {
                *lane += s.sqrt();
            }
        }
        base += LANES;
    }
    let rest = chunks.into_remainder();
    let left = start + count - base;
    for (d, column) in columns.chunks_exact(n).enumerate().take(dims) {
        let xp = column[p];
        for (a, &xq) in rest.iter_mut().zip(&column[base..base + left]) {
            let t = xp - xq;
            *a = if d == 0 { t * t } else { *a + t * t };
        }
    }
    if let Some(lanes) = lanes {
        for (lane, &s) in lanes.iter_mut().zip(rest.iter()) {
            *lane += s.sqrt();
        }
    }
}

/// The far weight of a window (the weights of its positions whose sum of squares exceeds
/// `limit`, added in position order) and, in `joined`, the near positions (`first` is the
/// position of `squares[0]`); returns the far weight and how many positions are near.
///
/// Adding 0 for a near position leaves the sum's bits as skipping it would, and the near
/// positions are listed by always writing and advancing the count only when near: no branch
/// on what is, once stances cluster, a coin flip per pair.
fn scan_window(
    squares: &[f64],
    weights: &[f64],
    limit: f64,
    first: usize,
    joined: &mut [usize],
) -> (f64, usize) {
    /// Positions per step: the near tests and far weights of a chunk are computed as one
    /// vector operation, which the compiler cannot turn back into a branch per position
    /// (it did with the scalar select).
    const CHUNK: usize = 4;
    let len = squares.len().min(weights.len()).min(joined.len());
    let (squares, weights, joined) = (&squares[..len], &weights[..len], &mut joined[..len]);
    let mut far = 0.0;
    let mut count = 0;
    let whole = len - len % CHUNK;
    for start in (0..whole).step_by(CHUNK) {
        let sq = &squares[start..start + CHUNK];
        let w = &weights[start..start + CHUNK];
        let near: [bool; CHUNK] = std::array::from_fn(|l| sq[l] <= limit);
        let far_weight: [f64; CHUNK] = std::array::from_fn(|l| if near[l] { 0.0 } else { w[l] });
        for (l, (&is_near, &fw)) in near.iter().zip(&far_weight).enumerate() {
            far += fw;
            // count ≤ start + l < len: always in bounds, and kept only when near.
            joined[count.min(start + l)] = first + start + l;
            count += usize::from(is_near);
        }
    }
    for k in whole..len {
        let near = squares[k] <= limit;
        far += if near { 0.0 } else { weights[k] };
        joined[count.min(k)] = first + k;
        count += usize::from(near);
    }
    (far, count)
}

/// The lanes' total, in a fixed tree order.
fn combine(lanes: &[f64; LANES]) -> f64 {
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
}
