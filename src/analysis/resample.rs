//! The bootstrap behind every sensitivity index's interval, and the share of an outcome's
//! variance that is run noise.
//!
//! Resamples are drawn from one ChaCha12 generator seeded from the caller's seed, so intervals
//! are the same on every machine. Each index reports both the percentile interval of its
//! bootstrap estimates and the normal half-width SALib prints as `*_conf`
//! (z₀.₉₇₅ × their standard deviation with ddof = 1).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha12Rng;

use crate::seed::run_seed;

/// Bootstrap resamples per index.
pub const RESAMPLES: usize = 1000;

/// The standard normal's 97.5 % quantile (SciPy's `norm.ppf(0.975)`).
pub const Z95: f64 = 1.959_963_984_540_054;

/// A point estimate with its bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The estimate on the whole design.
    pub estimate: f64,
    /// 2.5 % quantile of the bootstrap estimates.
    pub ci95_lo: f64,
    /// 97.5 % quantile of the bootstrap estimates.
    pub ci95_hi: f64,
    /// SALib's `*_conf`: [`Z95`] × the standard deviation (ddof = 1) of the bootstrap estimates.
    pub conf95: f64,
}

impl Estimate {
    /// An exact zero with a zero-width interval (constant outcomes, inert parameters).
    pub const ZERO: Estimate = Estimate {
        estimate: 0.0,
        ci95_lo: 0.0,
        ci95_hi: 0.0,
        conf95: 0.0,
    };

    /// `estimate` with the interval of its bootstrap estimates `boot` (any order).
    pub fn from_bootstrap(estimate: f64, mut boot: Vec<f64>) -> Estimate {
        boot.sort_by(f64::total_cmp);
        Estimate {
            estimate,
            ci95_lo: quantile(&boot, 0.025),
            ci95_hi: quantile(&boot, 0.975),
            conf95: Z95 * sd(&boot),
        }
    }
}

/// The generator resamples are drawn from.
pub fn rng(seed: u64) -> ChaCha12Rng {
    ChaCha12Rng::seed_from_u64(run_seed(seed, u64::MAX - 1))
}

/// `count` indices drawn uniformly with replacement from `0..n`.
pub fn draw(rng: &mut ChaCha12Rng, n: usize, count: usize) -> Vec<usize> {
    (0..count)
        .map(|_| rng.random_range(0..n as u64) as usize)
        .collect()
}

/// Quantile `q` of sorted values by linear interpolation (NumPy's default, Hyndman–Fan 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Mean (0 for no values).
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Population variance (ddof = 0, NumPy's `var`).
pub fn pvar(x: &[f64]) -> f64 {
    let m = mean(x);
    mean(&x.iter().map(|v| (v - m) * (v - m)).collect::<Vec<_>>())
}

/// Sample standard deviation (ddof = 1); 0 for fewer than two values.
pub fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// Largest minus smallest value (NumPy's `ptp`).
pub fn ptp(x: &[f64]) -> f64 {
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if x.is_empty() { 0.0 } else { hi - lo }
}

/// The share of an outcome's variance that is run noise: W / (W + V), where W is the mean over
/// points of the within-point variance of the runs (`within`, ddof = 1) and V the population
/// variance of the point means. 0 when both are 0 (a constant outcome).
pub fn noise_share(within: &[f64], means: &[f64]) -> f64 {
    let w = mean(within);
    let total = w + pvar(means);
    if total > 0.0 { w / total } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 4.0);
        assert_eq!(quantile(&x, 0.5), 2.5);
        assert!((quantile(&x, 0.025) - 1.075).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn moments_and_noise_share() {
        assert_eq!(pvar(&[1.0, 3.0]), 1.0);
        assert!((sd(&[1.0, 3.0]) - 2f64.sqrt()).abs() < 1e-15);
        assert_eq!(ptp(&[2.0, -1.0, 5.0]), 6.0);
        assert_eq!(noise_share(&[1.0, 1.0], &[0.0, 2.0]), 0.5);
        assert_eq!(noise_share(&[0.0, 0.0], &[3.0, 3.0]), 0.0);
        let e = Estimate::from_bootstrap(0.5, vec![0.0; 10]);
        assert_eq!((e.ci95_lo, e.ci95_hi, e.conf95), (0.0, 0.0, 0.0));
    }

    #[test]
    fn draws_depend_on_the_seed_only() {
        let a = draw(&mut rng(1), 10, 50);
        assert_eq!(a, draw(&mut rng(1), 10, 50));
        assert_ne!(a, draw(&mut rng(2), 10, 50));
        assert!(a.iter().all(|&i| i < 10));
    }
}
