use super::*;

/// SplitMix64 in [0, 1): a fixed pseudo-random sequence, the same on every machine.
fn uniform(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// 2,000 points in the unit cube; a case of interest iff x1 < 0.3 and x2 > 0.6 (x3 inert).
fn known_box() -> (Vec<Vec<f64>>, Vec<bool>) {
    let mut state = 20_250_726;
    let mut x = vec![Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..2000 {
        for column in &mut x {
            column.push(uniform(&mut state));
        }
    }
    let y = (0..2000).map(|i| x[0][i] < 0.3 && x[1][i] > 0.6).collect();
    (x, y)
}

#[test]
fn the_recommended_box_is_the_true_box_and_leaves_the_inert_parameter_free() {
    let (x, y) = known_box();
    let t = find_box(&x, &y, &Options::default());
    assert_eq!(t.points, 2000);
    let k = recommend(&t, 0.05);
    let b = &t.boxes[k];
    assert_eq!(b.restricted, [0, 1], "{b:?}");
    assert!((b.limits[0].1 - 0.3).abs() < 0.03, "{b:?}");
    assert!((b.limits[1].0 - 0.6).abs() < 0.03, "{b:?}");
    assert_eq!(b.limits[2], t.initial[2], "x3 stays free");
    assert!(b.density >= 0.95 && b.coverage >= 0.9, "{b:?}");
    // Both limits matter: dropping either leaves a far lower density.
    let qp = quasi_p(&x, &y, &t.initial, b);
    assert_eq!((qp[0].0, qp[1].1, qp[2]), (None, None, (None, None)));
    let (upper_x1, lower_x2) = (qp[0].1.unwrap(), qp[1].0.unwrap());
    // The EMA Workbench 2.5.3 on the same points (`Prim(x, y, threshold=0.5).find_box()`):
    // 44 boxes, box 41 with these limits and quasi-p values.
    assert_eq!((t.boxes.len(), k), (44, 41));
    assert_eq!(
        (b.limits[0].1, b.limits[1].0),
        (0.3086679888923081, 0.5914520825637437)
    );
    assert!(
        (upper_x1 / 7.681854555495814e-105 - 1.0).abs() < 1e-9,
        "{upper_x1:e}"
    );
    assert!(
        (lower_x2 / 1.137070701821075e-81 - 1.0).abs() < 1e-9,
        "{lower_x2:e}"
    );
    // The trajectory ends at the densest box the mass floor allows; every step is a box.
    let last = t.boxes.last().unwrap();
    assert!(last.density >= b.density && last.mass >= 0.05);
    assert!(t.boxes.windows(2).all(|w| w[1].n != w[0].n));
    assert_eq!(t.boxes[0].how, Move::Start);
}

/// Ten points 0, 1, …, 9, the cases 8 and 9, α = 0.1. The lower peel cuts half-way between
/// the two lowest values (the Workbench's quantile); it gains density at the cost of one
/// point each time, while the upper peel loses a case: 8 lower peels to [7.5, 9], then every
/// peel keeps density 1 (objective 0) and stops, and no paste raises the density.
#[test]
fn a_hand_computed_peel() {
    let x = vec![(0..10).map(f64::from).collect::<Vec<_>>()];
    let y: Vec<bool> = (0..10).map(|v| v >= 8).collect();
    let options = Options {
        peel_alpha: 0.1,
        paste_alpha: 0.1,
        mass_min: 0.05,
    };
    let t = find_box(&x, &y, &options);
    let lowers: Vec<f64> = t.boxes.iter().map(|b| b.limits[0].0).collect();
    assert_eq!(lowers, [0.0, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
    assert!(t.boxes.iter().all(|b| b.limits[0].1 == 9.0));
    assert!(t.boxes[1..].iter().all(|b| b.how == Move::Peel));
    let densities: Vec<f64> = t.boxes.iter().map(|b| b.density).collect();
    let expected = [
        2.0 / 10.0,
        2.0 / 9.0,
        0.25,
        2.0 / 7.0,
        1.0 / 3.0,
        0.4,
        0.5,
        2.0 / 3.0,
        1.0,
    ];
    assert_eq!(densities, expected);
    let last = t.boxes.last().unwrap();
    assert_eq!(
        (last.n, last.cases, last.coverage, last.mass),
        (2, 2, 1.0, 0.2)
    );
    assert_eq!(recommend(&t, 0.05), 8);
    assert_eq!(recommend(&t, 0.5), 6, "0.5 is the first density ≥ 1 − 0.5");
    // Dropping the lower limit gives 10 points with 2 cases: P(X ≥ 2 | Bin(2, 0.2)) = 0.04.
    let qp = quasi_p(&x, &y, &t.initial, last);
    assert!((qp[0].0.unwrap() - 0.04).abs() < 1e-15, "{qp:?}");
    assert_eq!(qp[0].1, None);
}

/// Pasting takes back points a peel cut off once other limits make them worth having: on
/// noisy data (cases mostly where x ≥ 3 and z ≥ 4, with 15 % noise elsewhere) the 18th
/// pseudo-random set of 60 points on a 10 × 10 grid ends with a paste (x's upper limit
/// 8.5 → 9, density 0.950 → 0.955), as the EMA Workbench 2.5.3's trajectory on the same
/// points does, box for box. Every box's statistics agree with its limits.
#[test]
fn pasting_widens_a_box_when_density_rises() {
    let mut state = 7u64;
    let mut found = None;
    for _ in 0..18 {
        let xs: Vec<f64> = (0..60)
            .map(|_| (uniform(&mut state) * 10.0).floor())
            .collect();
        let zs: Vec<f64> = (0..60)
            .map(|_| (uniform(&mut state) * 10.0).floor())
            .collect();
        let y: Vec<bool> = (0..60)
            .map(|i| {
                let p = if xs[i] >= 3.0 && zs[i] >= 4.0 {
                    0.9
                } else {
                    0.15
                };
                uniform(&mut state) < p
            })
            .collect();
        found = Some((xs, zs, y));
    }
    let (xs, zs, y) = found.unwrap();
    let t = find_box(&[xs.clone(), zs.clone()], &y, &Options::default());
    let last = t.boxes.last().unwrap();
    let before = &t.boxes[t.boxes.len() - 2];
    assert_eq!(last.how, Move::Paste, "{t:?}");
    assert_eq!(
        (before.limits.clone(), before.n, before.cases),
        (vec![(2.5, 8.5), (3.5, 8.5)], 20, 19)
    );
    assert_eq!(
        (last.limits.clone(), last.n, last.cases),
        (vec![(2.5, 9.0), (3.5, 8.5)], 22, 21)
    );
    for b in &t.boxes {
        let inside: Vec<usize> = (0..60)
            .filter(|&i| {
                b.limits[0].0 <= xs[i]
                    && xs[i] <= b.limits[0].1
                    && b.limits[1].0 <= zs[i]
                    && zs[i] <= b.limits[1].1
            })
            .collect();
        assert_eq!(b.n, inside.len());
        assert_eq!(b.cases, inside.iter().filter(|&&i| y[i]).count());
        assert_eq!(b.restricted, restricted(&b.limits, &t.initial));
    }
    // A peel or a paste is only taken when it raises the density.
    assert!(t.boxes.windows(2).all(|w| w[1].density > w[0].density));
}

#[test]
fn the_workbench_quantile_never_splits_ties() {
    assert_eq!(cut_quantile(&[1.0, 2.0, 3.0], 0.05), 1.5);
    assert_eq!(cut_quantile(&[1.0, 2.0, 3.0], 0.95), 2.5);
    // Position 0.1 lies within the tied 1s: the cut moves to the next distinct value.
    assert_eq!(cut_quantile(&[1.0, 1.0, 1.0, 5.0], 0.05), 3.0);
    assert_eq!(cut_quantile(&[1.0, 5.0, 5.0, 5.0], 0.95), 3.0);
    assert_eq!(cut_quantile(&[4.0, 4.0], 0.05), 4.0);
    assert_eq!(cut_quantile(&[7.0], 0.95), 7.0);
}

#[test]
fn binomial_upper_tails() {
    assert_eq!(binomial_at_least(0, 10, 0.3), 1.0);
    assert_eq!(binomial_at_least(11, 10, 0.3), 0.0);
    assert_eq!(binomial_at_least(3, 10, 0.0), 0.0);
    assert_eq!(binomial_at_least(3, 10, 1.0), 1.0);
    // (C(5,4) + C(5,5)) / 2^5 = 6/32.
    assert!((binomial_at_least(4, 5, 0.5) - 0.1875).abs() < 1e-15);
    assert!((binomial_at_least(2, 2, 0.2) - 0.04).abs() < 1e-15);
    // SciPy: binomtest(60, 100, 0.5, alternative="greater").pvalue.
    assert!((binomial_at_least(60, 100, 0.5) - 0.028_443_966_820_490_4).abs() < 1e-12);
    // Far tails stay finite and positive until they underflow.
    let tiny = binomial_at_least(900, 1000, 0.5);
    assert!(tiny > 0.0 && tiny < 1e-150, "{tiny}");
}

#[test]
fn narrowest_parameters_first() {
    let initial = [(0.0, 1.0), (0.0, 10.0), (5.0, 5.0)];
    let limits = [(0.0, 0.5), (2.0, 3.0), (5.0, 5.0)];
    assert_eq!(narrowest(&limits, &initial), [1, 0, 2]);
    assert_eq!(restricted(&limits, &initial), [0, 1]);
}

#[test]
fn no_cases_gives_the_initial_box_only() {
    let x = vec![vec![0.0, 1.0, 2.0]];
    let t = find_box(&x, &[false, false, false], &Options::default());
    assert_eq!(t.boxes.len(), 1);
    assert_eq!((t.boxes[0].coverage, t.boxes[0].density), (0.0, 0.0));
    let t = find_box(&[vec![]], &[], &Options::default());
    assert_eq!(t.boxes.len(), 1);
}
