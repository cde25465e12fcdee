//! Fragmentation metrics as pure functions of a snapshot.
//!
//! Every metric here takes plain slices (stances, weights, capabilities) and returns numbers:
//! no world, no ECS query, no I/O. That keeps them small enough to check against values
//! computed by hand in the unit tests below, and lets the recorder (and anything else that
//! holds a snapshot) share exactly one definition of each metric.
//!
//! The pairwise metrics are the expensive part (O(N² K)); [`pairwise_metrics`] visits each
//! unordered pair once, computes its distance once, and feeds all four pairwise metrics from
//! it. All sums run in input order, so a result depends only on the order of the input.

use crate::scenario::Weighting;

/// Column names, in output order: "fragmentation","clusters","effective_blocs","dispersion",
/// "capability_gini","south_capability_ratio", then `"members_<id>"` for each body id in order.
///
/// One function owns the order so that headers and rows written by different parts of the
/// crate cannot drift apart.
pub fn metric_names(body_ids: &[String]) -> Vec<String> {
    let fixed = [
        "fragmentation",
        "clusters",
        "effective_blocs",
        "dispersion",
        "capability_gini",
        "south_capability_ratio",
    ];
    let mut names: Vec<String> = Vec::with_capacity(fixed.len() + body_ids.len());
    names.extend(fixed.iter().map(|s| (*s).to_string()));
    names.extend(body_ids.iter().map(|id| format!("members_{id}")));
    names
}

/// [`metric_names`], with `"regions"` after `"south_capability_ratio"` when `regions` is set.
///
/// Only scenarios where `rule = "culture"` can be in force ask for regions, so every other
/// scenario keeps exactly the columns (and golden files) it had before the metric existed.
pub fn metric_names_with(body_ids: &[String], regions: bool) -> Vec<String> {
    let mut names = metric_names(body_ids);
    if regions {
        names.insert(6, "regions".to_string());
    }
    names
}

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
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, x: usize) -> usize {
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
    fn union_root(&mut self, root_a: usize, b: usize) -> usize {
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

    fn union(&mut self, a: usize, b: usize) {
        let ra = self.find(a);
        self.union_root(ra, b);
    }
}

/// Gini coefficient G = Σ_i Σ_j |c_i − c_j| / (2 n² mean); 0 when n==0 or mean<=0. Compute in O(n log n) by sorting a copy (sort with f64::total_cmp).
///
/// On the ascending order statistics x_(1) ≤ … ≤ x_(n) the double sum equals
/// 2 Σ_i (2i − n − 1) x_(i), hence G = Σ_i (2i − n − 1) x_(i) / (n Σ_i x_i). A NaN value
/// makes the mean NaN, which is treated like mean ≤ 0 (result 0).
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return 0.0;
    }
    let nf = n as f64;
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i + 1) as f64 - nf - 1.0) * x)
        .sum();
    weighted / (nf * total)
}

/// mean(values where in_group) / mean(values where !in_group); None when either side is empty or the denominator mean is 0.
///
/// Used for e.g. the Global South's mean capability relative to everyone else: a ratio of
/// means rather than of sums, so group sizes do not matter. Pairs are taken in order up to the
/// shorter of the two slices.
pub fn group_mean_ratio(values: &[f64], in_group: &[bool]) -> Option<f64> {
    debug_assert_eq!(values.len(), in_group.len());
    let (mut in_sum, mut in_n, mut out_sum, mut out_n) = (0.0, 0usize, 0.0, 0usize);
    for (&v, &g) in values.iter().zip(in_group) {
        if g {
            in_sum += v;
            in_n += 1;
        } else {
            out_sum += v;
            out_n += 1;
        }
    }
    if in_n == 0 || out_n == 0 {
        return None;
    }
    let denominator = out_sum / out_n as f64;
    if denominator == 0.0 {
        return None;
    }
    Some((in_sum / in_n as f64) / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn names_in_contract_order() {
        let names = metric_names(&["g7".to_string(), "oecd".to_string()]);
        assert_eq!(
            names,
            [
                "fragmentation",
                "clusters",
                "effective_blocs",
                "dispersion",
                "capability_gini",
                "south_capability_ratio",
                "members_g7",
                "members_oecd",
            ]
        );
        assert_eq!(metric_names(&[]).len(), 6);
    }

    #[test]
    fn distance_is_normalised_by_sqrt_k() {
        assert_eq!(distance(&[0.25], &[0.75]), 0.5);
        assert!(close(distance(&[0.2], &[0.7]), 0.5));
        assert_eq!(distance(&[0.0; 4], &[1.0; 4]), 1.0);
        assert_eq!(distance(&[0.0, 0.0], &[1.0, 0.0]), 1.0 / 2.0_f64.sqrt());
        // sqrt(0.25 + 0.25 + 0 + 0) / 2 = sqrt(0.5) / 2
        assert!(close(
            distance(&[0.5, 0.5, 0.1, 0.3], &[0.0, 1.0, 0.1, 0.3]),
            0.5_f64.sqrt() / 2.0
        ));
        assert_eq!(distance(&[], &[]), 0.0);
        assert_eq!(distance(&[0.3, 0.9], &[0.3, 0.9]), 0.0);
    }

    #[test]
    fn weights_gdp_equal_and_fallback() {
        assert_eq!(weights(&[2.0, 1.0, 1.0], Weighting::Gdp), [0.5, 0.25, 0.25]);
        assert_eq!(weights(&[2.0, 1.0, 1.0, 4.0], Weighting::Equal), [0.25; 4]);
        assert_eq!(weights(&[0.0, 0.0], Weighting::Gdp), [0.5, 0.5]);
        assert_eq!(weights(&[-1.0, f64::NAN], Weighting::Gdp), [0.5, 0.5]);
        assert_eq!(
            weights(&[3.0, -5.0, f64::NAN, 1.0], Weighting::Gdp),
            [0.75, 0.0, 0.0, 0.25]
        );
        assert!(weights(&[], Weighting::Gdp).is_empty());
        assert!(weights(&[], Weighting::Equal).is_empty());
        let huge = weights(&[f64::MAX, f64::MAX], Weighting::Gdp);
        assert_eq!(huge, [0.5, 0.5]);
    }

    const THREE: [f64; 3] = [0.0, 0.05, 0.9];

    #[test]
    fn three_nations_equal_weights() {
        let w = weights(&[1.0, 1.0, 1.0], Weighting::Equal);
        let m = pairwise_metrics(&THREE, 1, &w, 0.1, 0.0);
        assert!(close(m.fragmentation, 2.0 / 3.0), "{m:?}");
        assert_eq!(m.clusters, 2);
        assert!(close(m.effective_blocs, 1.8), "{m:?}");
        assert!(close(m.dispersion, 0.6), "{m:?}");
    }

    #[test]
    fn three_nations_gdp_weights() {
        let w = weights(&[2.0, 1.0, 1.0], Weighting::Gdp);
        let m = pairwise_metrics(&THREE, 1, &w, 0.1, 0.0);
        // (0.5·0.25 + 0.25·0.25) / (0.5·0.25 + 0.5·0.25 + 0.25·0.25) = 0.1875 / 0.3125
        assert!(close(m.fragmentation, 0.6), "{m:?}");
        assert_eq!(m.clusters, 2);
        // components {0,1} with weight 0.75 and {2} with 0.25
        assert!(close(m.effective_blocs, 1.0 / (0.75 * 0.75 + 0.25 * 0.25)));
        assert!(close(m.dispersion, 0.6));
    }

    #[test]
    fn min_cluster_share_drops_small_components() {
        let w = weights(&[1.0; 3], Weighting::Equal);
        // threshold ceil(0.5 · 3) = 2: only {0, 1} counts
        assert_eq!(pairwise_metrics(&THREE, 1, &w, 0.1, 0.5).clusters, 1);
        // threshold exactly 1/3 · 3 = 1 despite rounding: both count
        assert_eq!(pairwise_metrics(&THREE, 1, &w, 0.1, 1.0 / 3.0).clusters, 2);
        // effective blocs still uses every component
        assert!(close(
            pairwise_metrics(&THREE, 1, &w, 0.1, 0.5).effective_blocs,
            1.8
        ));
        // threshold above n: nothing counts
        assert_eq!(pairwise_metrics(&THREE, 1, &w, 0.1, 1.5).clusters, 0);
    }

    #[test]
    fn chains_connect_but_fragmentation_counts_the_far_pair() {
        let w = weights(&[1.0; 3], Weighting::Equal);
        let m = pairwise_metrics(&[0.0, 0.08, 0.16], 1, &w, 0.1, 0.0);
        assert_eq!(m.clusters, 1);
        assert!(close(m.effective_blocs, 1.0));
        assert!(close(m.fragmentation, 1.0 / 3.0), "{m:?}");
        assert!(close(m.dispersion, (0.08 + 0.16 + 0.08) / 3.0));
    }

    #[test]
    fn single_and_empty() {
        let m = pairwise_metrics(&[0.3, 0.4], 2, &[1.0], 0.1, 0.2);
        assert_eq!(
            m,
            PairwiseMetrics {
                fragmentation: 0.0,
                clusters: 1,
                effective_blocs: 1.0,
                dispersion: 0.0
            }
        );
        let e = pairwise_metrics(&[], 2, &[], 0.1, 0.2);
        assert_eq!(
            e,
            PairwiseMetrics {
                fragmentation: 0.0,
                clusters: 0,
                effective_blocs: 0.0,
                dispersion: 0.0
            }
        );
    }

    #[test]
    fn multi_dimensional_pairs() {
        // d01 = sqrt(0.01 + 0.01) / √2 = 0.1 ≤ δ = 0.15; d02 = 1 and d12 = 0.9 exceed it.
        let stances = [0.0, 0.0, 0.1, 0.1, 1.0, 1.0];
        let w = weights(&[1.0; 3], Weighting::Equal);
        let m = pairwise_metrics(&stances, 2, &w, 0.15, 0.0);
        assert_eq!(m.clusters, 2);
        assert!(close(m.fragmentation, 2.0 / 3.0));
        let d01 = distance(&stances[0..2], &stances[2..4]);
        let d02 = distance(&stances[0..2], &stances[4..6]);
        let d12 = distance(&stances[2..4], &stances[4..6]);
        assert!(close(m.dispersion, (d01 + d02 + d12) / 3.0));
        assert!(close(d01, 0.1) && close(d02, 1.0) && close(d12, 0.9));
    }

    #[test]
    fn permutation_invariance() {
        let dims = 2;
        let stances = [
            0.10, 0.20, 0.12, 0.25, 0.80, 0.90, 0.85, 0.88, 0.50, 0.50, 0.15, 0.18, 0.95, 0.05,
        ];
        let gdp = [3.0, 1.0, 7.0, 2.0, 0.5, 4.0, 1.5];
        let n = gdp.len();
        let w = weights(&gdp, Weighting::Gdp);
        let base = pairwise_metrics(&stances, dims, &w, 0.1, 0.2);
        let perms: [[usize; 7]; 3] = [
            [6, 5, 4, 3, 2, 1, 0],
            [3, 0, 6, 1, 5, 2, 4],
            [1, 2, 3, 4, 5, 6, 0],
        ];
        for p in perms {
            let mut s2 = Vec::with_capacity(stances.len());
            let mut w2 = Vec::with_capacity(n);
            for &i in &p {
                s2.extend_from_slice(&stances[i * dims..(i + 1) * dims]);
                w2.push(w[i]);
            }
            let m = pairwise_metrics(&s2, dims, &w2, 0.1, 0.2);
            assert_eq!(m.clusters, base.clusters);
            assert!(close(m.fragmentation, base.fragmentation), "{m:?} {base:?}");
            assert!(close(m.effective_blocs, base.effective_blocs));
            assert!(close(m.dispersion, base.dispersion));
        }
        // Sanity: this configuration is non-trivial.
        assert!(base.clusters >= 2 && base.fragmentation > 0.0 && base.fragmentation < 1.0);
    }

    /// The pair loop as first written (row-major distances via [`distance`], one
    /// `union(i, j)` per compatible pair): the optimised pass must give the same bits.
    fn pairwise_metrics_naive(
        stances: &[f64],
        dims: usize,
        weights: &[f64],
        tolerance: f64,
        min_cluster_share: f64,
    ) -> PairwiseMetrics {
        let n = weights.len();
        let row = |i: usize| &stances[i * dims..(i + 1) * dims];
        let mut uf = UnionFind::new(n);
        let (mut incompatible, mut pair_weight, mut distance_sum) = (0.0, 0.0, 0.0);
        for i in 0..n {
            for j in i + 1..n {
                let d = distance(row(i), row(j));
                let ww = weights[i] * weights[j];
                pair_weight += ww;
                distance_sum += d;
                if d <= tolerance {
                    uf.union(i, j);
                } else {
                    incompatible += ww;
                }
            }
        }
        let mut component_of_root = vec![usize::MAX; n];
        let (mut sizes, mut masses) = (Vec::<usize>::new(), Vec::<f64>::new());
        for (i, &w) in weights.iter().enumerate() {
            let root = uf.find(i);
            if component_of_root[root] == usize::MAX {
                component_of_root[root] = sizes.len();
                sizes.push(0);
                masses.push(0.0);
            }
            sizes[component_of_root[root]] += 1;
            masses[component_of_root[root]] += w;
        }
        let threshold = ((min_cluster_share * n as f64) - 1e-9).ceil().max(1.0) as usize;
        let concentration: f64 = masses.iter().map(|m| m * m).sum();
        let pairs = n * (n - 1) / 2;
        PairwiseMetrics {
            fragmentation: if pair_weight > 0.0 {
                incompatible / pair_weight
            } else {
                0.0
            },
            clusters: sizes.iter().filter(|&&s| s >= threshold).count(),
            effective_blocs: if concentration > 0.0 {
                1.0 / concentration
            } else {
                0.0
            },
            dispersion: if pairs > 0 {
                distance_sum / pairs as f64
            } else {
                0.0
            },
        }
    }

    #[test]
    fn optimised_pair_loop_gives_the_same_bits_as_the_naive_one() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(17);
        for (n, dims, clumped) in [
            (2, 1, false),
            (57, 1, true),
            (300, 3, true),
            (240, 6, false),
            (120, 7, true),
            (90, 4, true),
        ] {
            // Clumped stances sit on a few centres, so many pairs are compatible and unions
            // chain across rows; others are uniform.
            let centres: Vec<f64> = (0..4 * dims).map(|_| rng.random::<f64>()).collect();
            let stances: Vec<f64> = (0..n)
                .flat_map(|_| {
                    let c = rng.random_range(0..4usize);
                    (0..dims)
                        .map(|d| {
                            if clumped {
                                centres[c * dims + d] + 0.05 * rng.random::<f64>()
                            } else {
                                rng.random::<f64>()
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            let gdp: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 10.0).collect();
            for weighting in [Weighting::Gdp, Weighting::Equal] {
                let w = weights(&gdp, weighting);
                for tolerance in [0.05, 0.15, 0.4] {
                    let fast = pairwise_metrics(&stances, dims, &w, tolerance, 0.05);
                    let naive = pairwise_metrics_naive(&stances, dims, &w, tolerance, 0.05);
                    assert_eq!(fast.clusters, naive.clusters, "n={n} dims={dims}");
                    for (a, b) in [
                        (fast.fragmentation, naive.fragmentation),
                        (fast.effective_blocs, naive.effective_blocs),
                        (fast.dispersion, naive.dispersion),
                    ] {
                        assert_eq!(a.to_bits(), b.to_bits(), "n={n} dims={dims} δ={tolerance}");
                    }
                }
            }
        }
    }

    #[test]
    fn names_with_regions_only_when_asked() {
        let ids = ["waico".to_string()];
        assert_eq!(metric_names_with(&ids, false), metric_names(&ids));
        let with = metric_names_with(&ids, true);
        assert_eq!(
            with[5..],
            ["south_capability_ratio", "regions", "members_waico"]
        );
    }

    /// 2×3 lattice, indices
    /// 0 1 2
    /// 3 4 5
    /// with von Neumann ties.
    const GRID: [(usize, usize); 7] = [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)];

    #[test]
    fn regions_hand_counted() {
        // Cultures (two features):   A A B
        //                            C A B   → regions {0,1,4}, {2,5}, {3} = 3.
        let a = [0.0, 0.5];
        let b = [1.0, 0.5];
        let c = [0.0, 1.0];
        let stances: Vec<f64> = [a, a, b, c, a, b].concat();
        assert_eq!(regions(&stances, 2, GRID), 3);
        // Identical cultures that are not tied form separate regions:
        //                            A B A
        //                            B A B   → every nation alone = 6.
        let stances: Vec<f64> = [a, b, a, b, a, b].concat();
        assert_eq!(regions(&stances, 2, GRID), 6);
        // One culture everywhere: one region.
        let stances: Vec<f64> = [c; 6].concat();
        assert_eq!(regions(&stances, 2, GRID), 1);
        // A difference in one feature is enough to separate.
        let stances = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0 / 3.0];
        assert_eq!(regions(&stances, 1, GRID), 2);
        // No ties: every nation is its own region; out-of-range ties are ignored.
        assert_eq!(regions(&[0.0; 4], 1, []), 4);
        assert_eq!(regions(&[0.0; 2], 1, [(0, 1), (1, 7)]), 1);
        assert_eq!(regions(&[], 1, [(0, 1)]), 0);
        assert_eq!(regions(&[0.0], 0, []), 0);
    }

    #[test]
    fn gini_hand_values() {
        assert_eq!(gini(&[1.0, 1.0, 1.0]), 0.0);
        assert_eq!(gini(&[0.0, 0.0, 0.0, 1.0]), 0.75);
        assert_eq!(gini(&[1.0, 0.0, 0.0, 0.0]), 0.75);
        assert_eq!(gini(&[1.0, 2.0, 3.0, 4.0]), 0.25);
        assert_eq!(gini(&[4.0, 1.0, 3.0, 2.0]), 0.25);
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
        assert_eq!(gini(&[-1.0, -2.0]), 0.0);
        assert_eq!(gini(&[5.0]), 0.0);
    }

    #[test]
    fn group_mean_ratio_cases() {
        // in: mean(4, 2) = 3; out: mean(1, 2) = 1.5
        assert_eq!(
            group_mean_ratio(&[4.0, 1.0, 2.0, 2.0], &[true, false, true, false]),
            Some(2.0)
        );
        assert_eq!(group_mean_ratio(&[1.0, 4.0], &[true, false]), Some(0.25));
        assert_eq!(group_mean_ratio(&[1.0, 4.0], &[true, true]), None);
        assert_eq!(group_mean_ratio(&[1.0, 4.0], &[false, false]), None);
        assert_eq!(group_mean_ratio(&[], &[]), None);
        assert_eq!(group_mean_ratio(&[1.0, 0.0], &[true, false]), None);
        assert_eq!(group_mean_ratio(&[0.0, 3.0], &[true, false]), Some(0.0));
    }
}
