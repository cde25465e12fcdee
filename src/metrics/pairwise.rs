//! The pairwise metrics: distances between stances, GDP or equal weights, and the one
//! O(N² K) pass over all pairs that yields fragmentation, clusters, effective blocs and
//! dispersion; also Axelrod's regions and the compatible components the stance chart colours.
//!
//! [`pairwise_metrics`] visits each unordered pair once, computes its distance once, and feeds
//! all four pairwise metrics from it. All sums run in input order, so a result depends only on
//! the order of the input.

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

/// Results of the one O(N^2 K) pass over all pairs.
///
/// They come together because they share the pair loop; computing them separately would
/// repeat the dominant cost four times.
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
/// when `dims > 0`). Components are numbered by their smallest member, and every sum runs in
/// index order, so the result depends only on the input order.
pub fn pairwise_metrics(
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    min_cluster_share: f64,
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
    // Dimension-major copy of the stances, so that the distances of one row to all later
    // rows are computed by straight-line loops over contiguous columns (which the compiler
    // vectorises), then consumed by the pair loop below in the same order as before.
    let mut columns = vec![0.0; dims * n];
    for (i, row) in stances.chunks_exact(dims.max(1)).take(n).enumerate() {
        for (d, &x) in row.iter().enumerate().take(dims) {
            columns[d * n + i] = x;
        }
    }
    let sqrt_k = (dims as f64).sqrt();
    let mut distances = vec![0.0; n];

    let mut uf = UnionFind::new(n);
    let mut incompatible_weight = 0.0;
    let mut pair_weight = 0.0;
    let mut distance_sum = 0.0;
    for (i, &wi) in weights.iter().enumerate() {
        let row = &mut distances[i + 1..];
        row_distances(&columns, n, dims, i, sqrt_k, row);
        // Components depend only on which pairs are compatible, not on the order of unions,
        // so i's root is carried along the row instead of being looked up for every pair.
        let mut root_i = uf.find(i);
        for ((j, &wj), &d) in weights.iter().enumerate().skip(i + 1).zip(row.iter()) {
            let ww = wi * wj;
            pair_weight += ww;
            distance_sum += d;
            if d <= tolerance {
                root_i = uf.union_root(root_i, j);
            } else {
                incompatible_weight += ww;
            }
        }
    }

    let fragmentation = if pair_weight > 0.0 {
        incompatible_weight / pair_weight
    } else {
        0.0
    };
    let pairs = n * (n - 1) / 2;
    let dispersion = if pairs > 0 {
        distance_sum / pairs as f64
    } else {
        0.0
    };

    // Number components by their smallest member and accumulate sizes and weights in index
    // order, so neither depends on which element union-find happened to make the root.
    let mut component_of_root = vec![usize::MAX; n];
    let mut sizes: Vec<usize> = Vec::with_capacity(n);
    let mut masses: Vec<f64> = Vec::with_capacity(n);
    for (i, &w) in weights.iter().enumerate() {
        let root = uf.find(i);
        let c = if component_of_root[root] == usize::MAX {
            component_of_root[root] = sizes.len();
            sizes.push(0);
            masses.push(0.0);
            sizes.len() - 1
        } else {
            component_of_root[root]
        };
        sizes[c] += 1;
        masses[c] += w;
    }

    let threshold = ((min_cluster_share * n as f64) - 1e-9).ceil().max(1.0) as usize;
    let clusters = sizes.iter().filter(|&&s| s >= threshold).count();
    let concentration: f64 = masses.iter().map(|m| m * m).sum();
    let effective_blocs = if concentration > 0.0 {
        1.0 / concentration
    } else {
        0.0
    };

    PairwiseMetrics {
        fragmentation,
        clusters,
        effective_blocs,
        dispersion,
    }
}

/// d_ij = ‖x_i − x_j‖ / √K for every j > i into `out` (`out[j − i − 1]`), from the
/// dimension-major `columns` (column d holds x_·\[d\], n values).
///
/// Bit-identical to [`distance`]: each d_ij is the same sum of squares in dimension order
/// (x_i\[0\] − x_j\[0\])² + (x_i\[1\] − x_j\[1\])² + …, then the same square root and division;
/// only the loop nest differs (pairs innermost), which lets the compiler run several pairs per
/// instruction. K = 0 gives 0, as in the pair loop.
fn row_distances(columns: &[f64], n: usize, dims: usize, i: usize, sqrt_k: f64, out: &mut [f64]) {
    if dims == 0 {
        out.fill(0.0);
        return;
    }
    for (d, column) in columns.chunks_exact(n).enumerate().take(dims) {
        let xi = column[i];
        let later = &column[i + 1..];
        if d == 0 {
            for (acc, &xj) in out.iter_mut().zip(later) {
                let t = xi - xj;
                *acc = t * t;
            }
        } else {
            for (acc, &xj) in out.iter_mut().zip(later) {
                let t = xi - xj;
                *acc += t * t;
            }
        }
    }
    for acc in out.iter_mut() {
        *acc = acc.sqrt() / sqrt_k;
    }
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
