//! Morris elementary effects from the outputs of Morris trajectories, as SALib's
//! `morris.analyze` computes them.
//!
//! A trajectory is `D + 1` consecutive rows, each moving one parameter. The elementary effect
//! of the parameter moved between rows k and k + 1 is (f(higher value) − f(lower value)) / Δ,
//! with Δ = p/(2(p−1)) on the unit grid (so effects are per unit of the normalised range,
//! whatever the parameter's `[min, max]`). Per parameter: μ = mean effect, μ* = mean absolute
//! effect, σ = standard deviation of the effects (ddof = 1). μ*'s interval resamples the
//! trajectories with replacement.

use super::resample::{self, Estimate, RESAMPLES};

/// Morris statistics of one output.
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisIndices {
    /// Mean elementary effect of each parameter.
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect, with its bootstrap interval.
    pub mu_star: Vec<Estimate>,
    /// Standard deviation of the elementary effects (ddof = 1; 0 with one trajectory).
    pub sigma: Vec<f64>,
    /// Whether the output was constant (every statistic is then 0).
    pub constant: bool,
}

/// Elementary effects `ee[param][trajectory]` of trajectories `x` (rows of parameter values,
/// unit or scaled: only the direction of each move is used) with outputs `y`.
/// `None` unless `y` has one value per row and the rows are whole trajectories.
pub fn elementary_effects(x: &[Vec<f64>], y: &[f64], delta: f64) -> Option<Vec<Vec<f64>>> {
    let d = x.first()?.len();
    let size = d + 1;
    if d == 0 || x.len() != y.len() || !x.len().is_multiple_of(size) {
        return None;
    }
    let r = x.len() / size;
    let mut ee = vec![vec![0.0; r]; d];
    for (t, (xs, ys)) in x.chunks(size).zip(y.chunks(size)).enumerate() {
        for k in 0..d {
            let dy = ys[k + 1] - ys[k];
            for (j, e) in ee.iter_mut().enumerate() {
                if xs[k + 1][j] > xs[k][j] {
                    e[t] += dy / delta;
                } else if xs[k + 1][j] < xs[k][j] {
                    e[t] -= dy / delta;
                }
            }
        }
    }
    Some(ee)
}

/// μ, μ* (with a bootstrap interval drawn from `seed`) and σ of each parameter.
pub fn morris_indices(x: &[Vec<f64>], y: &[f64], delta: f64, seed: u64) -> Option<MorrisIndices> {
    let ee = elementary_effects(x, y, delta)?;
    let r = ee.first().map_or(0, Vec::len);
    let mut rng = resample::rng(seed);
    let draws: Vec<Vec<usize>> = (0..RESAMPLES)
        .map(|_| resample::draw(&mut rng, r, r))
        .collect();
    let abs_mean =
        |e: &[f64], idx: &[usize]| idx.iter().map(|&i| e[i].abs()).sum::<f64>() / idx.len() as f64;
    Some(MorrisIndices {
        mu: ee.iter().map(|e| resample::mean(e)).collect(),
        mu_star: ee
            .iter()
            .map(|e| {
                let all: Vec<usize> = (0..r).collect();
                let boot = draws.iter().map(|idx| abs_mean(e, idx)).collect();
                Estimate::from_bootstrap(abs_mean(e, &all), boot)
            })
            .collect(),
        sigma: ee.iter().map(|e| resample::sd(e)).collect(),
        constant: resample::ptp(y) == 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-built trajectories on the 4-level grid (Δ = 2/3) over three parameters.
    fn trajectories() -> Vec<Vec<f64>> {
        let t = 1.0 / 3.0;
        let d = 2.0 / 3.0;
        let mut rows = Vec::new();
        // Each: a start and the order of moves with their signs.
        type Plan = ([f64; 3], [(usize, f64); 3]);
        let plans: [Plan; 4] = [
            ([0.0, 0.0, 0.0], [(0, d), (1, d), (2, d)]),
            ([t, 1.0, 0.0], [(1, -d), (2, d), (0, d)]),
            ([1.0, t, 1.0], [(2, -d), (0, -d), (1, d)]),
            ([0.0, 2.0 * t, t], [(1, -d), (0, d), (2, d)]),
        ];
        for (start, moves) in plans {
            let mut x = start.to_vec();
            rows.push(x.clone());
            for (j, step) in moves {
                x[j] += step;
                rows.push(x.clone());
            }
        }
        rows
    }

    #[test]
    fn linear_nonlinear_and_inert_inputs_are_told_apart() {
        // f = 3 x1 + 10 x2² (x3 inert).
        let x = trajectories();
        let y: Vec<f64> = x.iter().map(|r| 3.0 * r[0] + 10.0 * r[1] * r[1]).collect();
        let m = morris_indices(&x, &y, 2.0 / 3.0, 1).unwrap();
        assert!(m.mu_star[1].estimate > m.mu_star[0].estimate);
        assert!(m.mu_star[0].estimate > m.mu_star[2].estimate);
        assert!((m.mu[0] - 3.0).abs() < 1e-12 && (m.mu_star[0].estimate - 3.0).abs() < 1e-12);
        assert!(m.sigma[0] < 1e-12, "linear input: σ = {}", m.sigma[0]);
        assert!(m.sigma[1] > 1.0, "non-linear input: σ = {}", m.sigma[1]);
        assert_eq!(
            (m.mu[2], m.mu_star[2], m.sigma[2]),
            (0.0, Estimate::ZERO, 0.0)
        );
        // x2's effects: 10((u+Δ)² − u²)/Δ = 10(2u + Δ) for the lower end u of each move.
        let lows = [0.0, 1.0 / 3.0, 1.0 / 3.0, 0.0];
        let expect: f64 = lows
            .iter()
            .map(|u| 10.0 * (2.0 * u + 2.0 / 3.0))
            .sum::<f64>()
            / 4.0;
        assert!((m.mu[1] - expect).abs() < 1e-12);
        assert!(m.mu_star[1].ci95_lo <= expect && expect <= m.mu_star[1].ci95_hi);
    }

    #[test]
    fn constant_outputs_and_bad_shapes() {
        let x = trajectories();
        let m = morris_indices(&x, &vec![1.0; x.len()], 2.0 / 3.0, 1).unwrap();
        assert!(m.constant);
        assert!(m.mu_star.iter().all(|e| *e == Estimate::ZERO));
        assert!(morris_indices(&x, &[1.0; 3], 2.0 / 3.0, 1).is_none());
    }
}
