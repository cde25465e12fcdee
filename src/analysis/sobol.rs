//! Sobol' indices from the outputs of a Saltelli design, exactly as SALib's `sobol.analyze`
//! computes them, so that the same design and outputs give the same estimates.
//!
//! The outputs `y` are in SALib's row order (per base row: A, A_B^1 … A_B^D, with
//! `second_order` B_A^1 … B_A^D, then B). They are first standardised, (y − mean)/sd with the
//! population sd, as SALib does; each estimator is then divided by the population variance
//! of [f(A); f(B)]:
//!
//! - S1 (Saltelli et al. 2010): mean(f(B) (f(A_B^j) − f(A))) / V;
//! - ST (Jansen 1999): ½ mean((f(A) − f(A_B^j))²) / V;
//! - S2 (Saltelli 2002): mean(f(B_A^j) f(A_B^k) − f(A) f(B)) / V − S1_j − S1_k.
//!
//! An output that does not vary (or [f(A); f(B)] that does not vary by more than machine
//! epsilon) gives indices of exactly 0, as in SALib ≥ 1.4, never NaN. Intervals resample the
//! base rows with replacement ([`resample::RESAMPLES`] times) and recompute every index on
//! the standardised outputs, as SALib does.

use super::resample::{self, Estimate, RESAMPLES};

/// Sobol' indices of one output.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// First-order index of each parameter.
    pub s1: Vec<Estimate>,
    /// Total-order index of each parameter.
    pub st: Vec<Estimate>,
    /// Second-order index of each pair `(j, k)`, `j < k` in order; empty without second order.
    pub s2: Vec<(usize, usize, Estimate)>,
    /// Whether the output was constant (every index is then 0).
    pub constant: bool,
}

/// The standardised outputs split into SALib's blocks.
struct Blocks {
    a: Vec<f64>,
    b: Vec<f64>,
    /// `ab[j][i]`: row i of A_B^j.
    ab: Vec<Vec<f64>>,
    /// `ba[j][i]`: row i of B_A^j (empty without second order).
    ba: Vec<Vec<f64>>,
}

/// The number of base rows N of a design of `len` outputs over `d` parameters, when `len` is
/// a whole number of blocks.
pub fn base_rows(len: usize, d: usize, second_order: bool) -> Option<usize> {
    let step = if second_order { 2 * d + 2 } else { d + 2 };
    (d > 0 && len > 0 && len.is_multiple_of(step)).then_some(len / step)
}

/// Sobol' indices of the outputs `y` of a Saltelli design over `d` parameters, with bootstrap
/// intervals drawn from `seed`. `None` when `y` is not a whole number of blocks.
pub fn sobol_indices(y: &[f64], d: usize, second_order: bool, seed: u64) -> Option<SobolIndices> {
    let n = base_rows(y.len(), d, second_order)?;
    let pairs: Vec<(usize, usize)> = if second_order {
        (0..d)
            .flat_map(|j| (j + 1..d).map(move |k| (j, k)))
            .collect()
    } else {
        Vec::new()
    };
    let m = resample::mean(y);
    let sd = resample::pvar(y).sqrt();
    if sd.is_nan() || sd <= 0.0 || resample::ptp(y) <= f64::EPSILON {
        return Some(SobolIndices {
            s1: vec![Estimate::ZERO; d],
            st: vec![Estimate::ZERO; d],
            s2: pairs
                .into_iter()
                .map(|(j, k)| (j, k, Estimate::ZERO))
                .collect(),
            constant: true,
        });
    }
    let z: Vec<f64> = y.iter().map(|v| (v - m) / sd).collect();
    let step = if second_order { 2 * d + 2 } else { d + 2 };
    let column = |offset: usize| -> Vec<f64> { (0..n).map(|i| z[i * step + offset]).collect() };
    let blocks = Blocks {
        a: column(0),
        b: column(step - 1),
        ab: (0..d).map(|j| column(1 + j)).collect(),
        ba: if second_order {
            (0..d).map(|j| column(1 + d + j)).collect()
        } else {
            Vec::new()
        },
    };
    let all: Vec<usize> = (0..n).collect();
    let point = estimates(&blocks, &all, &pairs);
    let mut rng = resample::rng(seed);
    let boots: Vec<Vec<f64>> = (0..RESAMPLES)
        .map(|_| estimates(&blocks, &resample::draw(&mut rng, n, n), &pairs))
        .collect();
    let mut out = point
        .iter()
        .enumerate()
        .map(|(i, &e)| Estimate::from_bootstrap(e, boots.iter().map(|b| b[i]).collect()));
    let s1 = out.by_ref().take(d).collect();
    let st = out.by_ref().take(d).collect();
    let s2 = pairs
        .iter()
        .zip(out)
        .map(|(&(j, k), e)| (j, k, e))
        .collect();
    Some(SobolIndices {
        s1,
        st,
        s2,
        constant: false,
    })
}

/// S1 of every parameter, then ST of every parameter, then S2 of every pair, on base rows
/// `rows` (the whole design, or a bootstrap resample).
fn estimates(bl: &Blocks, rows: &[usize], pairs: &[(usize, usize)]) -> Vec<f64> {
    let d = bl.ab.len();
    let len = rows.len() as f64;
    let pick = |v: &[f64]| -> Vec<f64> { rows.iter().map(|&i| v[i]).collect() };
    let (a, b) = (pick(&bl.a), pick(&bl.b));
    let y: Vec<f64> = a.iter().chain(&b).copied().collect();
    let var = resample::pvar(&y);
    let flat = resample::ptp(&y) <= f64::EPSILON || var <= f64::EPSILON;
    let ratio = |num: f64| if flat { 0.0 } else { num / var };
    let ab: Vec<Vec<f64>> = bl.ab.iter().map(|c| pick(c)).collect();
    let s1: Vec<f64> = ab
        .iter()
        .map(|abj| {
            ratio(
                b.iter()
                    .zip(abj)
                    .zip(&a)
                    .map(|((b, x), a)| b * (x - a))
                    .sum::<f64>()
                    / len,
            )
        })
        .collect();
    let st = ab.iter().map(|abj| {
        ratio(
            0.5 * a
                .iter()
                .zip(abj)
                .map(|(a, x)| (a - x) * (a - x))
                .sum::<f64>()
                / len,
        )
    });
    let mut out: Vec<f64> = Vec::with_capacity(2 * d + pairs.len());
    out.extend(&s1);
    out.extend(st);
    for &(j, k) in pairs {
        let baj = pick(&bl.ba[j]);
        let v = baj
            .iter()
            .zip(&ab[k])
            .zip(a.iter().zip(&b))
            .map(|((p, q), (x, y))| p * q - x * y)
            .sum::<f64>()
            / len;
        out.push(ratio(v) - s1[j] - s1[k]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::sobol_sequence::SobolSequence;
    use std::f64::consts::PI;

    /// SALib-ordered rows of a Saltelli design on [0, 1)^d from a scrambled Sobol' sequence.
    fn design(d: usize, n: u32, second_order: bool) -> Vec<Vec<f64>> {
        let seeds: Vec<u32> = (0..2 * d as u32)
            .map(|i| i.wrapping_mul(2_654_435_761) ^ 77)
            .collect();
        let base = SobolSequence::new(2 * d).unwrap().scrambled(n, &seeds);
        let mut rows = Vec::new();
        for p in base {
            let (a, b) = p.split_at(d);
            rows.push(a.to_vec());
            for i in 0..d {
                let mut r = a.to_vec();
                r[i] = b[i];
                rows.push(r);
            }
            if second_order {
                for i in 0..d {
                    let mut r = b.to_vec();
                    r[i] = a[i];
                    rows.push(r);
                }
            }
            rows.push(b.to_vec());
        }
        rows
    }

    fn ishigami(x: &[f64]) -> f64 {
        let x: Vec<f64> = x.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let rows = design(3, 4096, true);
        let y: Vec<f64> = rows.iter().map(|r| ishigami(r)).collect();
        let s = sobol_indices(&y, 3, true, 11).unwrap();
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for j in 0..3 {
            for (e, truth) in [(s.s1[j], s1[j]), (s.st[j], st[j])] {
                assert!((e.estimate - truth).abs() < 0.03, "{j}: {e:?} vs {truth}");
                assert!(
                    e.ci95_lo <= truth && truth <= e.ci95_hi,
                    "{j}: {e:?} vs {truth}"
                );
                assert!(e.conf95 > 0.0 && e.conf95 < 0.1);
            }
        }
        // S2: only (x1, x3) interacts, 0.2437 (= ST3).
        assert_eq!(s.s2.len(), 3);
        let s13 = s.s2.iter().find(|(j, k, _)| (*j, *k) == (0, 2)).unwrap().2;
        assert!((s13.estimate - 0.2437).abs() < 0.05, "{s13:?}");
        assert!(!s.constant);
    }

    #[test]
    fn g_function_indices_match_the_analytic_values() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let g = |x: &[f64]| -> f64 {
            x.iter()
                .zip(&a)
                .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
                .product()
        };
        let vi: Vec<f64> = a
            .iter()
            .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
            .collect();
        let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
        let rows = design(6, 4096, false);
        let y: Vec<f64> = rows.iter().map(|r| g(r)).collect();
        let s = sobol_indices(&y, 6, false, 3).unwrap();
        for j in 0..6 {
            let s1 = vi[j] / v;
            let others: f64 = (0..6).filter(|&k| k != j).map(|k| 1.0 + vi[k]).product();
            let st = vi[j] * others / v;
            assert!(
                (s.s1[j].estimate - s1).abs() < 0.03,
                "S1 {j}: {:?} vs {s1}",
                s.s1[j]
            );
            assert!(
                (s.st[j].estimate - st).abs() < 0.03,
                "ST {j}: {:?} vs {st}",
                s.st[j]
            );
        }
        assert!(s.s2.is_empty());
    }

    #[test]
    fn constant_outputs_give_zero_never_nan() {
        let s = sobol_indices(&[2.5; 4 * 6], 4, false, 0).unwrap();
        assert!(s.constant);
        assert!(s.s1.iter().chain(&s.st).all(|e| *e == Estimate::ZERO));
        assert!(sobol_indices(&[1.0; 7], 4, false, 0).is_none());
    }

    #[test]
    fn an_unused_parameter_gets_exactly_zero() {
        // f ignores x2: A_B^2 rows equal A rows, so S1 and ST of x2 are exactly 0.
        let rows = design(3, 256, false);
        let y: Vec<f64> = rows.iter().map(|r| r[0] + 2.0 * r[2] * r[2]).collect();
        let s = sobol_indices(&y, 3, false, 5).unwrap();
        assert_eq!(s.s1[1], Estimate::ZERO);
        assert_eq!(s.st[1], Estimate::ZERO);
        assert!(s.st[0].estimate > 0.1);
    }

    #[test]
    fn intervals_depend_on_the_seed_only() {
        let rows = design(3, 64, false);
        let y: Vec<f64> = rows.iter().map(|r| ishigami(r)).collect();
        let a = sobol_indices(&y, 3, false, 9).unwrap();
        assert_eq!(a, sobol_indices(&y, 3, false, 9).unwrap());
        let b = sobol_indices(&y, 3, false, 10).unwrap();
        assert_eq!(a.s1[0].estimate, b.s1[0].estimate);
        assert_ne!(a.s1[0].ci95_lo, b.s1[0].ci95_lo);
    }
}
