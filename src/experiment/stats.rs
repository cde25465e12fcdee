//! Statistics of per-run values across an ensemble.
//!
//! Each run of an arm yields one value per metric (and step); [`summarize`] condenses the runs
//! into a mean with a 95 % confidence interval and a few quantiles. Runs use distinct seeds
//! and share nothing else, so their values are i.i.d. draws and the interval
//! mean ± t_{0.975, n−1} · sd / √n applies. Ensembles are often small (tens of runs), where
//! the normal quantile 1.96 would make the interval too narrow; Student's t fixes that and
//! agrees with the normal at large n. The quantile is computed here, without a statistics
//! crate, by inverting the t CDF expressed through the regularized incomplete beta function.
//!
//! Everything is pure and order-fixed: the same input slice gives bit-identical output, on
//! every platform: `exp`, `ln`, `ln_1p` and `sin` come from the pure-Rust `libm` crate, not
//! the platform's C library (whose last bit differs between glibc, musl, macOS and Windows).
//! That is also why these functions are not taken from a statistics crate such as `statrs`:
//! it calls the platform's functions, so its interval bounds could differ in the last bit
//! between machines.

/// Two-sided quantile of Student's t: returns t such that P(T ≤ t) = p, with df degrees of freedom (df > 0, may be non-integer). p in (0,1).
///
/// For t ≥ 0 the CDF is F(t) = 1 − ½ I_{df/(df+t²)}(df/2, ½), with I the regularized
/// incomplete beta function; it is inverted on the smaller tail q = min(p, 1 − p) (so tiny
/// tails keep their relative precision) by bracketing and safeguarded Newton steps, and the
/// sign restored by symmetry. Above df = 10⁷ the t and normal quantiles differ by less than
/// 10⁻⁶ relative, so the normal quantile is returned. Edge cases: p = ½ gives 0, p = 0 and
/// p = 1 give ∓∞, and p outside [0, 1], NaN p, or df that is not positive give NaN.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if p.is_nan() || df.is_nan() || !(0.0..=1.0).contains(&p) || df <= 0.0 {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if df > 1e7 {
        return normal_quantile(p);
    }
    // q is exact: p itself, or 1 − p with p in (½, 1) (Sterbenz).
    let (q, sign) = if p < 0.5 { (p, -1.0) } else { (1.0 - p, 1.0) };
    sign * t_upper_quantile(q, df)
}

/// Summary of the ensemble values of one metric; see [`summarize`] for the definitions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Number of finite values summarised.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1 denominator; 0 when n = 1).
    pub sd: f64,
    /// Lower end of the 95 % t interval for the mean.
    pub ci95_lo: f64,
    /// Upper end of the 95 % t interval for the mean.
    pub ci95_hi: f64,
    /// 5th percentile (type 7).
    pub p05: f64,
    /// Median (type 7).
    pub p50: f64,
    /// 95th percentile (type 7).
    pub p95: f64,
}

/// Summary of the finite values among `values` (NaN are skipped; they stand for "undefined in this run"). None when no value is finite.
/// sd is the sample standard deviation (n−1 denominator; 0 when n == 1). CI: mean ± t_{0.975, n−1} · sd / √n; when n == 1 the CI is [mean, mean].
/// Quantiles: type 7 (linear interpolation between order statistics, the default of R and NumPy), computed on a sorted copy (f64::total_cmp).
/// Mean and variance computed in a numerically stable, order-fixed way (e.g. two-pass over the input order, or Welford in input order): result must be bit-identical for the same input order.
///
/// Infinite values are skipped like NaN (they are not finite). The mean is computed in two
/// passes (a plain mean, then the mean residual added back as a correction) and the variance
/// from residuals about it, all summed in input order: stable, and bit-reproducible.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = finite.len();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let rough = finite.iter().sum::<f64>() / nf;
    let correction = finite.iter().map(|x| x - rough).sum::<f64>() / nf;
    let mean = rough + correction;
    let (sd, half_width) = if n == 1 {
        (0.0, 0.0)
    } else {
        let ss: f64 = finite
            .iter()
            .map(|x| {
                let r = x - mean;
                r * r
            })
            .sum();
        let sd = (ss / (nf - 1.0)).sqrt();
        (sd, t_quantile(0.975, nf - 1.0) * sd / nf.sqrt())
    };
    let mut sorted = finite;
    sorted.sort_by(f64::total_cmp);
    Some(Summary {
        n,
        mean,
        sd,
        ci95_lo: mean - half_width,
        ci95_hi: mean + half_width,
        p05: quantile_sorted(&sorted, 0.05),
        p50: quantile_sorted(&sorted, 0.5),
        p95: quantile_sorted(&sorted, 0.95),
    })
}

/// Type-7 quantile of an already sorted, non-empty slice.
///
/// With h = (n − 1) q, the result interpolates linearly between the order statistics
/// x_⌊h⌋ and x_⌊h⌋+1 (0-based). q is clamped to [0, 1]; an empty slice or a NaN q gives NaN.
/// The interpolation is anchored at the nearer order statistic (as NumPy does), so it
/// returns the order statistics themselves exactly at their positions and stays within them.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    if frac == 0.0 || a == b {
        return a;
    }
    let diff = b - a;
    if frac < 0.5 {
        a + diff * frac
    } else {
        b - diff * (1.0 - frac)
    }
}

/// Upper-tail t quantile: t ≥ 0 with P(T > t) = q, for q in (0, ½].
fn t_upper_quantile(q: f64, df: f64) -> f64 {
    // Bracket: tail(0) = ½ ≥ q; double `hi` until the tail falls to q.
    let mut lo = 0.0_f64;
    let mut hi = 1.0_f64;
    while t_tail(hi, df) > q {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    // Start from the bracket's midpoint; Newton steps on tail(t) − q, falling back to bisection
    // whenever a step leaves the bracket.
    let mut t = 0.5 * (lo + hi);
    for _ in 0..200 {
        let f = t_tail(t, df) - q;
        if f == 0.0 || f.abs() <= 1e-15 * q {
            return t;
        }
        if f > 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        if hi - lo <= 4.0 * f64::EPSILON * hi {
            return 0.5 * (lo + hi);
        }
        let newton = t + f / t_density(t, df);
        let next = if newton.is_finite() && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if next == t {
            return t;
        }
        t = next;
    }
    t
}

/// P(T > t) for t ≥ 0: ½ I_x(df/2, ½) with x = df/(df + t²).
///
/// x and 1 − x are formed as 1/(1 + r) and 1/(1 + 1/r), r = t²/df, and their logarithms with
/// `ln_1p`, so neither loses precision when x is close to 0 or 1.
fn t_tail(t: f64, df: f64) -> f64 {
    if t <= 0.0 {
        return 0.5;
    }
    let r = t * t / df;
    if r == 0.0 {
        return 0.5;
    }
    let (a, b) = (0.5 * df, 0.5);
    let x = 1.0 / (1.0 + r);
    let y = 1.0 / (1.0 + 1.0 / r);
    let ln_x = -libm::log1p(r);
    let ln_y = -libm::log1p(1.0 / r);
    let front = libm::exp(ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * ln_x + b * ln_y);
    let i = if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, y) / b
    };
    0.5 * i.clamp(0.0, 1.0)
}

/// Density of Student's t: Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + t²/ν)^(−(ν+1)/2).
fn t_density(t: f64, df: f64) -> f64 {
    let ln = ln_gamma(0.5 * (df + 1.0))
        - ln_gamma(0.5 * df)
        - 0.5 * libm::log(df * std::f64::consts::PI)
        - 0.5 * (df + 1.0) * libm::log1p(t * t / df);
    libm::exp(ln)
}

/// Continued fraction of the incomplete beta function (Numerical Recipes `betacf`), evaluated
/// by the modified Lentz method. Converges fast for x < (a+1)/(a+b+2), in O(√max(a, b)) terms.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const MAX_ITER: usize = 20_000;
    const EPS: f64 = 1e-16;
    const FPMIN: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; relative error ≈ 1e-15),
/// with the reflection formula below ½.
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return libm::log(pi / libm::sin(pi * x).abs()) - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * libm::log(2.0 * std::f64::consts::PI) + (x + 0.5) * libm::log(t) - t + libm::log(sum)
}

/// Standard normal quantile: Acklam's rational approximation (relative error < 1.2e-9)
/// refined by one Halley step on Φ(x) − p, which brings it to about machine precision.
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    let tail = |q: f64| {
        let q = (-2.0 * libm::log(q)).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < P_LOW {
        tail(p)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail(1.0 - p)
    };
    // Halley: e = Φ(x) − p, u = e / φ(x), x ← x − u / (1 + x u / 2).
    let e = 0.5 * erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * libm::exp(0.5 * x * x);
    let refined = x - u / (1.0 + 0.5 * x * u);
    if refined.is_finite() { refined } else { x }
}

/// Complementary error function via the regularized upper incomplete gamma function:
/// erfc(z) = Q(½, z²) for z ≥ 0, and 2 − erfc(−z) for z < 0.
fn erfc(z: f64) -> f64 {
    if z < 0.0 {
        return 2.0 - erfc(-z);
    }
    gamma_q(0.5, z * z)
}

/// Regularized upper incomplete gamma Q(a, x) (Numerical Recipes `gammq`): the series for
/// P when x < a + 1, otherwise the continued fraction for Q by the modified Lentz method.
fn gamma_q(a: f64, x: f64) -> f64 {
    const MAX_ITER: usize = 1_000;
    const EPS: f64 = 1e-16;
    const FPMIN: f64 = 1e-300;
    if x <= 0.0 {
        return 1.0;
    }
    let front = libm::exp(-x + a * libm::log(x) - ln_gamma(a));
    if x < a + 1.0 {
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..MAX_ITER {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        1.0 - sum * front
    } else {
        let guard = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / FPMIN;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..=MAX_ITER {
            let i = i as f64;
            let an = -i * (i - a);
            b += 2.0;
            d = 1.0 / guard(an * d + b);
            c = guard(b + an / c);
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPS {
                break;
            }
        }
        front * h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel_close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn t_quantile_tabulated() {
        for (df, want) in [
            (1.0, 12.706204736),
            (2.0, 4.302652730),
            (3.0, 3.182446305),
            (9.0, 2.262157163),
            (29.0, 2.045229642),
            (999.0, 1.962341461),
        ] {
            let got = t_quantile(0.975, df);
            assert!(rel_close(got, want, 1e-9), "df {df}: {got} vs {want}");
        }
    }

    #[test]
    fn t_quantile_closed_forms() {
        // df = 1 is Cauchy: t = tan(π (p − ½)).
        for p in [0.6_f64, 0.75, 0.9, 0.99, 0.999_999] {
            let want = (std::f64::consts::PI * (p - 0.5)).tan();
            assert!(rel_close(t_quantile(p, 1.0), want, 1e-10), "p {p}");
        }
        // df = 2: t = (2p − 1) / sqrt(2 p (1 − p)).
        for p in [0.55_f64, 0.8, 0.975, 0.9999] {
            let want = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            assert!(rel_close(t_quantile(p, 2.0), want, 1e-10), "p {p}");
        }
    }

    #[test]
    fn t_quantile_median_symmetry_and_edges() {
        for df in [0.3, 1.0, 2.5, 9.0, 1e4, 1e9] {
            assert_eq!(t_quantile(0.5, df), 0.0);
            for p in [0.975, 0.9, 0.6, 0.999] {
                let (up, down) = (t_quantile(p, df), t_quantile(1.0 - p, df));
                assert!(up > 0.0);
                assert!(rel_close(-down, up, 1e-12), "df {df} p {p}: {up} {down}");
            }
        }
        assert!(t_quantile(1.5, 3.0).is_nan());
        assert!(t_quantile(0.9, 0.0).is_nan());
        assert!(t_quantile(f64::NAN, 3.0).is_nan());
        assert_eq!(t_quantile(1.0, 3.0), f64::INFINITY);
        assert_eq!(t_quantile(0.0, 3.0), f64::NEG_INFINITY);
    }

    #[test]
    fn t_quantile_large_df_approaches_normal() {
        let z = 1.959963985;
        assert!(rel_close(t_quantile(0.975, 1e8), z, 1e-9));
        assert!(rel_close(t_quantile(0.975, 1e12), z, 1e-9));
        assert!(rel_close(
            normal_quantile(0.975),
            1.959_963_984_540_054,
            1e-14
        ));
        assert!(rel_close(
            normal_quantile(0.01),
            -2.326_347_874_040_841,
            1e-13
        ));
        // Cornish–Fisher: t ≈ z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²).
        let z = 1.959_963_984_540_054_f64;
        for df in [1e3, 1e5, 5e6, 1e7] {
            let want = z
                + (z.powi(3) + z) / (4.0 * df)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * df * df);
            let got = t_quantile(0.975, df);
            assert!(rel_close(got, want, 1e-8), "df {df}: {got} vs {want}");
        }
    }

    #[test]
    fn t_quantile_inverts_cdf_for_fractional_df() {
        for df in [0.5, 1.7, 4.2, 33.3] {
            for p in [0.51, 0.8, 0.975, 0.9999] {
                let t = t_quantile(p, df);
                let back = 1.0 - t_tail(t, df);
                assert!((back - p).abs() < 1e-13, "df {df} p {p}: {back}");
            }
        }
    }

    #[test]
    fn summarize_one_to_four() {
        let s = summarize(&[1.0, 2.0, 3.0, 4.0]).expect("finite values");
        let sd = (5.0_f64 / 3.0).sqrt();
        let half = 3.182446305 * sd / 2.0;
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - sd).abs() < 1e-12);
        assert!((s.ci95_lo - (2.5 - half)).abs() < 1e-8);
        assert!((s.ci95_hi - (2.5 + half)).abs() < 1e-8);
        assert!((s.p05 - 1.15).abs() < 1e-12);
        assert_eq!(s.p50, 2.5);
        assert!((s.p95 - 3.85).abs() < 1e-12);
        // Bit-identical on repetition, and the quantiles do not depend on input order.
        assert_eq!(summarize(&[1.0, 2.0, 3.0, 4.0]), Some(s));
        let shuffled = summarize(&[3.0, 1.0, 4.0, 2.0]).expect("finite values");
        assert_eq!(
            (shuffled.p05, shuffled.p50, shuffled.p95),
            (s.p05, s.p50, s.p95)
        );
    }

    #[test]
    fn summarize_single_nan_and_constant() {
        let one = summarize(&[0.7]).expect("one value");
        assert_eq!(
            one,
            Summary {
                n: 1,
                mean: 0.7,
                sd: 0.0,
                ci95_lo: 0.7,
                ci95_hi: 0.7,
                p05: 0.7,
                p50: 0.7,
                p95: 0.7
            }
        );
        let skipped = summarize(&[f64::NAN, 1.0, f64::NAN, 2.0, 3.0, 4.0, f64::INFINITY]);
        assert_eq!(skipped, summarize(&[1.0, 2.0, 3.0, 4.0]));
        assert_eq!(summarize(&[f64::NAN, f64::NAN]), None);
        assert_eq!(summarize(&[]), None);
        let same = summarize(&[0.1; 5]).expect("finite values");
        assert_eq!(same.mean, 0.1);
        assert_eq!(same.sd, 0.0);
        assert_eq!((same.ci95_lo, same.ci95_hi), (0.1, 0.1));
        assert_eq!((same.p05, same.p50, same.p95), (0.1, 0.1, 0.1));
    }

    #[test]
    fn quantile_sorted_type7() {
        let xs = [10.0, 20.0, 30.0];
        assert_eq!(quantile_sorted(&xs, 0.0), 10.0);
        assert_eq!(quantile_sorted(&xs, 0.25), 15.0);
        assert_eq!(quantile_sorted(&xs, 0.5), 20.0);
        assert_eq!(quantile_sorted(&xs, 0.75), 25.0);
        assert_eq!(quantile_sorted(&xs, 1.0), 30.0);
        assert_eq!(quantile_sorted(&xs, 2.0), 30.0);
        assert_eq!(quantile_sorted(&[5.0], 0.95), 5.0);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    /// The quantiles behind every interval have pinned bits, the same on every platform.
    #[test]
    fn quantile_golden_bits() {
        let got: Vec<u64> = [
            (0.975, 1.0),
            (0.975, 9.0),
            (0.975, 199.0),
            (0.975, 1e5),
            (0.025, 3.5),
        ]
        .iter()
        .map(|&(p, df)| t_quantile(p, df).to_bits())
        .collect();
        assert_eq!(got, GOLDEN_QUANTILES);
        let s = summarize(&[0.1, 0.25, 0.7, 0.3]).expect("finite values");
        assert_eq!([s.ci95_lo.to_bits(), s.ci95_hi.to_bits()], GOLDEN_INTERVAL);
    }

    const GOLDEN_QUANTILES: [u64; 5] = [
        4623342575419149598,
        4612276343877733155,
        4611559721930530107,
        4611505819081798946,
        13837174946702020845,
    ];
    const GOLDEN_INTERVAL: [u64; 2] = [13813089830111655788, 4604886750616440966];
}
