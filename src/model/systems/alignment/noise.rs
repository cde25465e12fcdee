//! Stance noise: independent Gaussian perturbations after the alignment rule.

use bevy_ecs::prelude::{Local, Query, Res, ResMut};

use crate::model::components::{NationIndex, Stance};
use crate::model::resources::{Params, RunRng, Shape};
use crate::model::systems::fit;
use crate::stats::normal::standard_normal;

/// Adds N(0, σ²) to every stance component and clamps to \[0,1\], σ = `alignment.noise`.
///
/// Draws come from the dynamics stream, nations in index order, dimensions in order:
/// x_i\[d\] ← clamp(x_i\[d\] + σ z_{i,d}, 0, 1), z ~ N(0,1). No draws when σ = 0.
///
/// `buffer` holds the stances, n×K, when the query does not visit the nations in index
/// order (a `Local`: it outlives runs, see `model::engine`; it is overwritten in full each
/// step before it is read).
pub fn add_noise(
    params: Res<Params>,
    shape: Res<Shape>,
    mut rng: ResMut<RunRng>,
    mut buffer: Local<Vec<f64>>,
    mut stances: Query<(&NationIndex, &mut Stance)>,
) {
    let sigma = params.alignment.noise;
    if sigma <= 0.0 || shape.nations == 0 {
        return;
    }
    let k = shape.dims;
    let rng = &mut rng.dynamics;
    if in_index_order(&stances, shape.nations, k) {
        // The query visits the nations in index order with K values each: the same draws
        // in the same order straight into the components, without the copies.
        for (_, mut stance) in &mut stances {
            for v in stance.0.iter_mut() {
                let z = standard_normal(rng);
                *v = (*v + sigma * z).clamp(0.0, 1.0);
            }
        }
        return;
    }
    let x = &mut *buffer;
    fit(x, shape.nations * k, 0.0);
    for (index, stance) in &stances {
        let i = index.0 as usize;
        x[i * k..(i + 1) * k].copy_from_slice(&stance.0);
    }
    for v in x.iter_mut() {
        let z = standard_normal(rng);
        *v = (*v + sigma * z).clamp(0.0, 1.0);
    }
    for (index, mut stance) in &mut stances {
        let i = index.0 as usize;
        stance.0.copy_from_slice(&x[i * k..(i + 1) * k]);
    }
}

/// Whether `stances` iterates exactly the nations 0..n in index order, each with `k`
/// values. It does whenever the nations were spawned in index order and none has changed
/// archetype, which is every run today; checking costs far less than gathering and
/// scattering the stances, and any other order takes the buffered path, so the draws never
/// depend on iteration order.
fn in_index_order(stances: &Query<(&NationIndex, &mut Stance)>, n: usize, k: usize) -> bool {
    let mut expected = 0usize;
    for (index, stance) in stances {
        if index.0 as usize != expected || stance.0.len() != k {
            return false;
        }
        expected += 1;
    }
    expected == n
}
