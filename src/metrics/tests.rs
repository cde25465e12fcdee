//! Hand-computed values of the metric functions, and the sorted pass checked against the
//! naive pair loop that defines the pairwise metrics.

use proptest::prelude::*;

use super::distance::UnionFind;
use super::pairwise::{blocs, canonical_labels, finish};
use super::*;
use crate::scenario::Weighting;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
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

/// The definition: every pair in index order, one `union(i, j)` per compatible pair,
/// component weights and squares summed in label order. The sorted pass must give exactly
/// its partition and clusters, and its sums to 1e-12 relative.
fn pairwise_metrics_naive(
    stances: &[f64],
    dims: usize,
    weights: &[f64],
    tolerance: f64,
    min_cluster_share: f64,
) -> (PairwiseMetrics, Vec<usize>) {
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
    let mut labels = Vec::with_capacity(n);
    let (mut sizes, mut masses) = (Vec::<usize>::new(), Vec::<f64>::new());
    for (i, &w) in weights.iter().enumerate() {
        let root = uf.find(i);
        if component_of_root[root] == usize::MAX {
            component_of_root[root] = sizes.len();
            sizes.push(0);
            masses.push(0.0);
        }
        labels.push(component_of_root[root]);
        sizes[component_of_root[root]] += 1;
        masses[component_of_root[root]] += w;
    }
    let threshold = ((min_cluster_share * n as f64) - 1e-9).ceil().max(1.0) as usize;
    let concentration: f64 = masses.iter().map(|m| m * m).sum();
    let pairs = n * (n - 1) / 2;
    let metrics = PairwiseMetrics {
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
    };
    (metrics, labels)
}

/// |a − b| ≤ 1e-12 · max(|a|, |b|), or both NaN.
fn rel_close(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

/// The fast metrics and partition of a snapshot against the definition's.
fn assert_matches_definition(
    stances: &[f64],
    dims: usize,
    w: &[f64],
    tolerance: f64,
    share: f64,
) -> Result<(), TestCaseError> {
    let sorted = |selection| {
        if stances.iter().all(|x| x.is_finite()) {
            sorted::sorted_pass(stances, dims, w, tolerance, selection)
        } else {
            sorted::pair_loop(stances, dims, w, tolerance)
        }
    };
    let pass = sorted(PairwiseSelection::ALL);
    let fast = finish(&pass, w, share, PairwiseSelection::ALL);
    let (naive, labels) = pairwise_metrics_naive(stances, dims, w, tolerance, share);
    prop_assert_eq!(canonical_labels(&pass.component), labels);
    prop_assert_eq!(fast.clusters, naive.clusters);
    let public = pairwise_metrics(stances, dims, w, tolerance, share);
    prop_assert_eq!(public.clusters, naive.clusters);
    for (what, a, b) in [
        ("fragmentation", fast.fragmentation, naive.fragmentation),
        (
            "effective_blocs",
            fast.effective_blocs,
            naive.effective_blocs,
        ),
        ("dispersion", fast.dispersion, naive.dispersion),
        (
            "public fragmentation",
            public.fragmentation,
            naive.fragmentation,
        ),
        (
            "public effective_blocs",
            public.effective_blocs,
            naive.effective_blocs,
        ),
        ("public dispersion", public.dispersion, naive.dispersion),
    ] {
        prop_assert!(rel_close(a, b), "{what}: {a} vs {b} (δ={tolerance})");
    }
    for (fragmentation, components, dispersion) in [
        (true, false, false),
        (false, true, false),
        (false, false, true),
    ] {
        let only = PairwiseSelection {
            fragmentation,
            components,
            dispersion,
        };
        let part = finish(&sorted(only), w, share, only);
        if fragmentation {
            prop_assert_eq!(part.fragmentation.to_bits(), fast.fragmentation.to_bits());
        }
        if components {
            prop_assert_eq!(part.clusters, fast.clusters);
            prop_assert_eq!(
                part.effective_blocs.to_bits(),
                fast.effective_blocs.to_bits()
            );
        }
        if dispersion {
            prop_assert_eq!(part.dispersion.to_bits(), fast.dispersion.to_bits());
        }
        let public = pairwise_selected(stances, dims, w, tolerance, share, only);
        if dispersion && !w.is_empty() {
            prop_assert!(public.fragmentation.is_nan() && public.effective_blocs.is_nan());
        }
    }
    Ok(())
}

/// A stance coordinate: on a coarse dyadic grid (ties, duplicates and distances of exactly
/// δ), uniform, or an extreme of \[0, 1\].
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..=16).prop_map(|k| f64::from(k) / 16.0),
        (0u32..=20).prop_map(|k| f64::from(k) * 0.05),
        0.0..=1.0f64,
        prop::sample::select(vec![
            0.0,
            1.0,
            0.5,
            f64::EPSILON,
            1.0 - f64::EPSILON / 2.0,
            1e-9,
            0.1,
            0.2,
        ]),
    ]
}

/// A GDP: ordinary, zero, or one nation holding nearly everything.
fn gdp() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..10.0f64,
        1 => Just(0.0),
        1 => Just(1e12),
    ]
}

fn tolerance() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::sample::select(vec![0.0, 0.05, 0.0625, 0.1, 0.125, 0.25, 0.5, 1.0]),
        0.0..=1.0f64,
    ]
}

/// n nations × dims coordinates, n GDPs.
fn snapshot() -> impl Strategy<Value = (usize, Vec<f64>, Vec<f64>)> {
    (1usize..=5, 0usize..90).prop_flat_map(|(dims, n)| {
        (
            Just(dims),
            prop::collection::vec(coordinate(), n * dims),
            prop::collection::vec(gdp(), n),
        )
    })
}

proptest! {
    #[test]
    fn the_sorted_pass_matches_the_pair_loop(
        (dims, stances, gdp) in snapshot(),
        tolerance in tolerance(),
        share in prop::sample::select(vec![0.0, 0.05, 0.2, 0.5]),
        equal in any::<bool>(),
    ) {
        let weighting = if equal { Weighting::Equal } else { Weighting::Gdp };
        let w = weights(&gdp, weighting);
        assert_matches_definition(&stances, dims, &w, tolerance, share)?;
    }
}

/// Whether a sum of squares is within `bound` the slow way: root, division, comparison.
fn within_by_root(s: f64, bound: f64, dims: usize, within: Within) -> bool {
    let d = s.sqrt() / (dims as f64).sqrt();
    match within {
        Within::Below => d < bound,
        Within::AtMost => d <= bound,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]
    #[test]
    fn squared_threshold_decides_as_the_distance_does(
        bound in prop_oneof![0.0..1.5f64, any::<f64>()],
        dims in 1usize..=9,
        below in any::<bool>(),
        probes in prop::collection::vec(0.0..4.0f64, 8),
        ulps in -3i64..=3,
    ) {
        let within = if below { Within::Below } else { Within::AtMost };
        let t = squared_threshold(bound, dims, within);
        let mut sums = probes;
        sums.extend([0.0, f64::INFINITY, f64::NAN]);
        if t.is_finite() && t >= 0.0 {
            // Right at the threshold, where rounding decides.
            sums.push(f64::from_bits((t.to_bits() as i64 + ulps).max(0) as u64));
            sums.push(t);
            sums.push(t.next_up());
        }
        for s in sums {
            prop_assert_eq!(s <= t, within_by_root(s, bound, dims, within), "s {} bound {} dims {}", s, bound, dims);
        }
    }
}

#[test]
fn squared_threshold_hand_values() {
    // δ = 0.1 in 1-D: the largest s with √s ≤ 0.1 is a float near 0.01.
    let t = squared_threshold(0.1, 1, Within::AtMost);
    assert!(t.sqrt() <= 0.1 && t.next_up().sqrt() > 0.1);
    assert!((t - 0.01).abs() < 1e-17);
    // A bound no distance can be under, and one every distance is under.
    assert_eq!(squared_threshold(0.0, 3, Within::Below), f64::NEG_INFINITY);
    assert_eq!(
        squared_threshold(f64::NAN, 3, Within::AtMost),
        f64::NEG_INFINITY
    );
    assert_eq!(
        squared_threshold(-1.0, 2, Within::AtMost),
        f64::NEG_INFINITY
    );
    assert_eq!(squared_threshold(0.0, 3, Within::AtMost), 0.0);
    assert_eq!(
        squared_threshold(f64::INFINITY, 3, Within::AtMost),
        f64::INFINITY
    );
    // Sums of squares of real stance pairs decide like their distances.
    let (a, b) = ([0.1, 0.25, 0.7], [0.2, 0.3, 0.55]);
    let d = distance(&a, &b);
    let s = squared_gap(&a, &b);
    for bound in [d, d.next_down(), d.next_up()] {
        let t = squared_threshold(bound, 3, Within::AtMost);
        assert_eq!(s <= t, d <= bound, "bound {bound}");
        let t = squared_threshold(bound, 3, Within::Below);
        assert_eq!(s <= t, d < bound, "bound {bound}");
    }
}

proptest! {
    /// The vector width a machine picks never shows in the bits, and a row's decisions and
    /// sums are those of `distance`.
    #[test]
    fn row_kernels_have_the_same_bits_on_every_path(
        dims in 1usize..=7,
        values in prop::collection::vec(coordinate(), 7 * 40),
        weights in prop::collection::vec(0.0..1.0f64, 40),
        parent in prop::collection::vec(0usize..40, 40),
        p in 0usize..39,
        window in 0usize..40,
        root in 0usize..40,
        tolerance in tolerance(),
    ) {
        use super::distance::{Within, squared_threshold};
        use super::row::{LANES, Row, RowKernel, RowSums, row_body, row_for_this_machine};
        let n = 40;
        let columns = &values[..dims * n];
        let end = (p + 1 + window).min(n);
        let row = Row {
            columns,
            n,
            dims,
            p,
            visit: n,
            end,
            weights: &weights,
            limit: squared_threshold(tolerance, dims, Within::AtMost),
            parent: &parent,
            root,
        };
        let run = |kernel: RowKernel| {
            let (mut roots, mut far, mut joined) = ([0.0; LANES], [0.0; LANES], Vec::new());
            kernel(&row, &mut RowSums { roots: Some(&mut roots), far: &mut far, joined: Some(&mut joined) });
            (roots, far, joined)
        };
        let (plain, fast) = (run(row_body), run(row_for_this_machine()));
        let bits = |v: &[f64; LANES]| v.map(f64::to_bits);
        prop_assert_eq!(bits(&plain.0), bits(&fast.0));
        prop_assert_eq!(bits(&plain.1), bits(&fast.1));
        prop_assert_eq!(&plain.2, &fast.2);
        // Against the definition, pair by pair.
        let point = |i: usize| (0..dims).map(|d| columns[d * n + i]).collect::<Vec<_>>();
        let d = |q: usize| distance(&point(p), &point(q));
        let near = |q: usize| d(q) <= tolerance;
        let joined: Vec<usize> = (p + 1..n).filter(|&q| near(q) && parent[q] != root).collect();
        prop_assert_eq!(&plain.2, &joined);
        let far: f64 = (p + 1..end).filter(|&q| !near(q)).map(|q| weights[q]).sum();
        let roots: f64 = (p + 1..n).map(|q| d(q) * (dims as f64).sqrt()).sum();
        let total = |v: &[f64; LANES]| v.iter().sum::<f64>();
        prop_assert!((total(&plain.1) - far).abs() <= 1e-12 * far.max(1.0), "far {} vs {}", total(&plain.1), far);
        prop_assert!((total(&plain.0) - roots).abs() <= 1e-12 * roots.max(1.0), "roots {} vs {}", total(&plain.0), roots);
    }
}

proptest! {
    #[test]
    fn first_coordinate_order_is_total_cmp_then_index(
        values in prop::collection::vec(prop_oneof![
            any::<f64>(),
            prop::sample::select(vec![0.0, -0.0, 1.0, 0.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]),
        ], 0..60),
        dims in 1usize..=3,
    ) {
        let n = values.len() / dims;
        let mut expected: Vec<usize> = (0..n).collect();
        expected.sort_by(|&a, &b| values[a * dims].total_cmp(&values[b * dims]).then(a.cmp(&b)));
        prop_assert_eq!(super::sorted::first_coordinate_order(&values, dims, n), expected);
    }
}

#[test]
fn the_sorted_pass_matches_the_pair_loop_on_large_clumped_snapshots() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(17);
    for (n, dims, clumped) in [
        (2, 1, false),
        (57, 1, true),
        (800, 1, false),
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
                assert_matches_definition(&stances, dims, &w, tolerance, 0.05).unwrap();
            }
        }
    }
}

#[test]
fn non_finite_stances_take_the_pair_loop() {
    let w = weights(&[1.0; 4], Weighting::Equal);
    let stances = [0.0, f64::NAN, 0.05, f64::INFINITY];
    let m = pairwise_metrics(&stances, 1, &w, 0.1, 0.0);
    // Only 0–0.05 is compatible: components {0, 2}, {1}, {3}.
    assert_eq!(m.clusters, 3);
    assert!(close(m.fragmentation, 5.0 / 6.0));
    assert!(m.dispersion.is_nan());
    assert_matches_definition(&stances, 1, &w, 0.1, 0.0).unwrap();
}

#[test]
fn differences_whose_squares_underflow_are_compared_as_the_definition_does() {
    // (1e-300)² underflows to 0, so the definition puts 0 and 1e-300 at distance 0: the
    // sorted pass must agree even at δ = 0.
    let w = weights(&[1.0; 3], Weighting::Equal);
    let m = pairwise_metrics(&[0.0, 1e-300, 0.5], 1, &w, 0.0, 0.0);
    assert_eq!(m.clusters, 2);
    let (naive, _) = pairwise_metrics_naive(&[0.0, 1e-300, 0.5], 1, &w, 0.0, 0.0);
    assert_eq!(naive.clusters, 2);
    assert!(close(m.fragmentation, naive.fragmentation));
}

#[test]
fn equal_partitions_give_equal_effective_blocs_bits() {
    // Blocs of sizes 3, 1 and 4 (equal weights), numbered in different orders by their
    // smallest members: the same partition sizes must give the same bits.
    let a = [0.0, 0.0, 0.0, 0.5, 0.9, 0.9, 0.9, 0.9];
    let b = [0.9, 0.5, 0.9, 0.0, 0.9, 0.0, 0.9, 0.0];
    let w = weights(&[1.0; 8], Weighting::Equal);
    let ma = pairwise_metrics(&a, 1, &w, 0.1, 0.0);
    let mb = pairwise_metrics(&b, 1, &w, 0.1, 0.0);
    assert_eq!(ma.effective_blocs.to_bits(), mb.effective_blocs.to_bits());
    assert!(close(ma.effective_blocs, 64.0 / 26.0));
    // And the weights of the components are squared in ascending order whatever the labels.
    let labels_a = [0, 0, 0, 1, 2, 2, 2, 2];
    let labels_b = [2, 2, 2, 2, 0, 0, 0, 1];
    let w = [0.1, 0.2, 0.05, 0.15, 0.1, 0.1, 0.2, 0.1];
    let (_, ea) = blocs(&labels_a, &w, 0.0);
    let (_, eb) = blocs(
        &labels_b,
        &[w[4], w[5], w[6], w[7], w[0], w[1], w[2], w[3]],
        0.0,
    );
    assert_eq!(ea.to_bits(), eb.to_bits());
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

#[test]
fn clusters_are_connected_components() {
    let s: Vec<Vec<f64>> = vec![vec![0.0], vec![0.05], vec![0.5], vec![0.12]];
    let refs: Vec<&[f64]> = s.iter().map(Vec::as_slice).collect();
    // 0.0–0.05–0.12 chain at δ = 0.08; 0.5 alone.
    assert_eq!(compatible_components(&refs, 0.08), vec![0, 0, 1, 0]);
    assert_eq!(compatible_components(&refs, 0.01), vec![0, 1, 2, 3]);
}

proptest! {
    /// The chart's components are the pair loop's components, exact-δ distances included.
    #[test]
    fn compatible_components_are_the_pair_loops(
        (dims, stances, _gdp) in snapshot(),
        tolerance in tolerance(),
    ) {
        let n = stances.len() / dims;
        let rows: Vec<&[f64]> = stances.chunks_exact(dims).collect();
        let labels = compatible_components(&rows, tolerance);
        let mut uf = UnionFind::new(n);
        for i in 0..n {
            for j in i + 1..n {
                if distance(rows[i], rows[j]) <= tolerance {
                    uf.union(i, j);
                }
            }
        }
        let reps: Vec<usize> = (0..n).map(|i| uf.find(i)).collect();
        prop_assert_eq!(labels, canonical_labels(&reps));
    }
}
