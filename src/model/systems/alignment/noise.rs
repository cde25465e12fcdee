//! Stance noise: independent Gaussian perturbations after the alignment rule.

use bevy_ecs::prelude::{Res, ResMut};

use crate::model::resources::{Params, RunRng, Stances};
use crate::stats::normal::standard_normal;

/// Adds N(0, σ²) to every stance component and clamps to \[0,1\], σ = `alignment.noise`.
///
/// Draws come from the dynamics stream, nations in index order, dimensions in order:
/// x_i\[d\] ← clamp(x_i\[d\] + σ z_{i,d}, 0, 1), z ~ N(0,1). No draws when σ = 0.
pub fn add_noise(params: Res<Params>, mut rng: ResMut<RunRng>, mut stances: ResMut<Stances>) {
    let sigma = params.alignment.noise;
    if sigma <= 0.0 {
        return;
    }
    let rng = &mut rng.dynamics;
    for v in stances.all_mut() {
        let z = standard_normal(rng);
        *v = (*v + sigma * z).clamp(0.0, 1.0);
    }
}
