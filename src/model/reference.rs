//! A plain-array reference of the pairwise (Deffuant–Weisbuch) kernel, without ECS.
//!
//! It exists to keep the ECS engine honest in two ways: `tests/reference.rs` checks that
//! the engine gives bit-identical stances on the same inputs (so the systems implement
//! exactly this kernel), and `benches/engine.rs` times both, so the cost of the ECS layer is
//! visible. It covers the classic case only: complete network, homogeneous ε and μ, no
//! stubbornness, rivalry, noise, bodies or diffusion.

use rand::RngExt;
use rand::SeedableRng;
use rand::prelude::SliceRandom;
use rand_chacha::ChaCha12Rng;

use crate::metrics::{self, PairwiseMetrics};

/// Initial stances of a `[population]` with `stance = "uniform"`, exactly as the engine
/// draws them (stream 0 of the run's generator), flat n×k.
pub fn uniform_population(n: usize, k: usize, seed: u64) -> Vec<f64> {
    let mut init = ChaCha12Rng::seed_from_u64(seed);
    init.set_stream(0);
    (0..n * k).map(|_| init.random::<f64>()).collect()
}

/// Runs `steps` Deffuant steps on flat n×k `stances` in place: each step every nation, in
/// a random order, meets a uniformly drawn other nation; if d_ij < ε both move μ of the gap.
/// Draws come from stream 1 of the run's generator, as in the engine.
pub fn pairwise(stances: &mut [f64], k: usize, confidence: f64, rate: f64, steps: u32, seed: u64) {
    let n = stances.len() / k.max(1);
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let mut order: Vec<u32> = (0..n as u32).collect();
    for _ in 0..steps {
        for (slot, i) in order.iter_mut().zip(0u32..) {
            *slot = i;
        }
        order.shuffle(&mut rng);
        for &i in &order {
            let i = i as usize;
            if n < 2 {
                continue;
            }
            let r = rng.random_range(0..(n - 1) as u32) as usize;
            let j = if r >= i { r + 1 } else { r };
            let (xi, xj) = (&stances[i * k..(i + 1) * k], &stances[j * k..(j + 1) * k]);
            if metrics::distance(xi, xj) < confidence {
                for d in 0..k {
                    let (a, b) = (stances[i * k + d], stances[j * k + d]);
                    stances[i * k + d] = a + rate * (b - a);
                    stances[j * k + d] = b + rate * (a - b);
                }
            }
        }
    }
}

/// Fragmentation metrics of flat stances with equal weights, as the recorder computes them.
pub fn equal_weight_metrics(stances: &[f64], k: usize, tolerance: f64) -> PairwiseMetrics {
    let n = stances.len() / k.max(1);
    let w = vec![1.0 / n as f64; n];
    metrics::pairwise_metrics(stances, k, &w, tolerance, 0.0)
}
