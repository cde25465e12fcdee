//! Distances between stances, the weights of nations, union-find, and the partitions built
//! from them without weights: Axelrod's regions and the compatible components the stance
//! chart colours. The leaf of the metric modules: the passes (`sorted`) and the pairwise
//! metrics (`pairwise`) build on it.

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
    squared_gap(a, b).sqrt() / sqrt_k
}

/// Σ_d (a_d − b_d)² in dimension order: the sum under [`distance`]'s square root, with its
/// bits (compare it with a [`squared_threshold`] instead of taking the root).
#[inline(always)]
pub fn squared_gap(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = x - y;
            d * d
        })
        .sum()
}

/// How a distance is compared with its bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Within {
    /// d < bound (a confidence: nations closer than ε listen).
    Below,
    /// d ≤ bound (a tolerance: stances within δ are compatible).
    AtMost,
}

/// The largest sum of squares s whose distance in `dims` dimensions, fl(fl(√s) / √K), is
/// within `bound`; −∞ when no s is (a negative or NaN bound), +∞ when every s is.
///
/// A correctly rounded square root and division are monotone, so the distance is a
/// non-decreasing function of s and `s <= threshold` decides exactly what comparing the
/// distance would, for every s including NaN (never within), with neither a root nor a
/// division per pair: the meeting kernel and the metric passes compare millions of pairs
/// per run. Found by bisection over the bit patterns of the non-negative floats, which are
/// ordered as their values: 63 steps.
pub fn squared_threshold(bound: f64, dims: usize, within: Within) -> f64 {
    let sqrt_k = (dims.max(1) as f64).sqrt();
    let holds = |bits: u64| {
        let d = f64::from_bits(bits).sqrt() / sqrt_k;
        match within {
            Within::Below => d < bound,
            Within::AtMost => d <= bound,
        }
    };
    let (mut lo, mut hi) = (0.0f64.to_bits(), f64::INFINITY.to_bits());
    if !holds(lo) {
        return f64::NEG_INFINITY;
    }
    if holds(hi) {
        return f64::INFINITY;
    }
    // holds(lo) and !holds(hi) throughout.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    f64::from_bits(lo)
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

    /// Each element's parent (a root is its own): read by the sorted pass to skip nations
    /// already hanging from a root.
    pub(super) fn parents(&self) -> &[usize] {
        &self.parent
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
        // Once stances cluster, most near pairs join a nation already hanging from the root.
        if self.parent[b] == root_a {
            return root_a;
        }
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
/// of each other (d_ij ≤ δ, as in [`super::pairwise_metrics`]), as one label per nation; components
/// are numbered in order of their smallest member.
///
/// The stance chart colours nations by these labels; numbering by smallest member keeps the
/// colours independent of anything but the input order.
pub fn compatible_components(stances: &[&[f64]], tolerance: f64) -> Vec<usize> {
    let n = stances.len();
    let mut label = vec![usize::MAX; n];
    let mut next = 0;
    // Every pair's sum of squares against one limit: the decisions of `distance <= tolerance`
    // without a root and a division per pair (the chart asks this of every pair).
    let dims = stances.first().map_or(1, |s| s.len());
    let limit = squared_threshold(tolerance, dims, Within::AtMost);
    let near = |a: &[f64], b: &[f64]| {
        if a.len() == dims && b.len() == dims {
            squared_gap(a, b) <= limit
        } else {
            distance(a, b) <= tolerance
        }
    };
    for start in 0..n {
        if label[start] != usize::MAX {
            continue;
        }
        label[start] = next;
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            for j in 0..n {
                if label[j] == usize::MAX && near(stances[i], stances[j]) {
                    label[j] = next;
                    stack.push(j);
                }
            }
        }
        next += 1;
    }
    label
}
