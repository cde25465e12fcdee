//! The pairwise rule: Deffuant–Weisbuch bounded-confidence meetings, with rivalry.

use bevy_ecs::prelude::{Local, Query, Res, ResMut};
use rand::seq::SliceRandom;

use super::{Reach, draw_neighbour, rows_mut};
use crate::metrics;
use crate::model::components::{
    BodyConfig, BodyIndex, BodyState, Memberships, NationIndex, Stance, Susceptibility, Ties,
};
use crate::model::resources::{Params, Rivalries, RunRng, Shape};
use crate::model::systems::fit;
use crate::scenario::Alignment;

/// Scratch of [`align_pairwise`] (a `Local`: it outlives runs, see `model::engine`; every
/// buffer is overwritten in full each step before it is read).
#[derive(Debug, Default)]
pub struct PairwiseBuffers {
    /// Stances, n×K row-major.
    stances: Vec<f64>,
    /// Meeting order, n.
    order: Vec<u32>,
    /// ε_i, s_i, memberships and dialogue.
    reach: Reach,
}

/// Pairwise meetings (Deffuant–Weisbuch, sequential; notation in [`super`]).
///
/// Nations act in a random order (one shuffle of the dynamics stream per step). Acting
/// nation i (if it has ties) meets j drawn with probability ∝ τ_ij. With pre-meeting
/// values, if i and j are rivals both move apart:
/// x_i ← clamp(x_i − ρσ_ij (x_j − x_i)), x_j ← clamp(x_j − ρσ_ij (x_i − x_j)); otherwise
/// if d_ij < conf_{i→j}: x_i ← x_i + μ(1 − s_i)(x_j − x_i), and if d_ij < conf_{j→i}:
/// x_j ← x_j + μ(1 − s_j)(x_i − x_j).
#[allow(clippy::too_many_arguments)]
pub fn align_pairwise(
    params: Res<Params>,
    shape: Res<Shape>,
    rivals: Res<Rivalries>,
    mut rng: ResMut<RunRng>,
    mut buffers: Local<PairwiseBuffers>,
    nations: Query<(&NationIndex, &Ties, &Susceptibility, &Memberships)>,
    mut stances: Query<(&NationIndex, &mut Stance)>,
    bodies: Query<(&BodyIndex, &BodyConfig, &BodyState)>,
) {
    let (n, k) = (shape.nations, shape.dims);
    if n == 0 {
        return;
    }
    let alignment = &params.alignment;
    let s = &mut *buffers;
    fit(&mut s.stances, n * k, 0.0);
    fit(&mut s.order, n, 0);
    s.reach.fit(n, shape.bodies);
    s.reach.gather_bodies(&bodies);

    let mut ties: Vec<&Ties> = Vec::with_capacity(n);
    ties.resize(n, &Ties::Everyone);
    for (index, tie, susceptibility, memberships) in &nations {
        let i = index.0 as usize;
        ties[i] = tie;
        s.reach
            .set_nation(i, alignment, susceptibility, memberships.0);
    }
    for (index, stance) in &stances {
        let i = index.0 as usize;
        s.stances[i * k..(i + 1) * k].copy_from_slice(&stance.0);
    }

    meet(n, k, alignment, &rivals, &ties, s, &mut rng.dynamics);

    for (index, mut stance) in &mut stances {
        let i = index.0 as usize;
        stance.0.copy_from_slice(&s.stances[i * k..(i + 1) * k]);
    }
}

/// One step of meetings on `s.stances` (see [`align_pairwise`]).
fn meet(
    n: usize,
    k: usize,
    alignment: &Alignment,
    rivals: &Rivalries,
    ties: &[&Ties],
    s: &mut PairwiseBuffers,
    rng: &mut rand_chacha::ChaCha12Rng,
) {
    for (slot, i) in s.order.iter_mut().zip(0u32..) {
        *slot = i;
    }
    s.order.shuffle(rng);
    let mu = alignment.rate;
    let repel = alignment.rivalry_rate;
    let any_rivals = !rivals.pairs.is_empty();
    let reach = &s.reach;
    for o in 0..n {
        let i = s.order[o] as usize;
        let Some(j) = draw_neighbour(ties[i], i, n, rng) else {
            continue;
        };

        let (xi, xj) = rows_mut(&mut s.stances, i, j, k);
        if any_rivals
            && !rivals.of(i).is_empty()
            && let Some(sigma) = rivals.strength(i as u32, j as u32)
        {
            let push = repel * sigma;
            for (a, b) in xi.iter_mut().zip(xj.iter_mut()) {
                let (pa, pb) = (*a, *b);
                *a = (pa - push * (pb - pa)).clamp(0.0, 1.0);
                *b = (pb - push * (pa - pb)).clamp(0.0, 1.0);
            }
            continue;
        }
        let distance = metrics::distance(xi, xj);
        let extra = reach.dialogue(i, j);
        let move_i = distance < reach.confidence[i] + extra;
        let move_j = distance < reach.confidence[j] + extra;
        if move_i || move_j {
            let mi = if move_i {
                mu * (1.0 - reach.stubbornness[i])
            } else {
                0.0
            };
            let mj = if move_j {
                mu * (1.0 - reach.stubbornness[j])
            } else {
                0.0
            };
            for (a, b) in xi.iter_mut().zip(xj.iter_mut()) {
                let (pa, pb) = (*a, *b);
                if move_i {
                    *a = pa + mi * (pb - pa);
                }
                if move_j {
                    *b = pb + mj * (pa - pb);
                }
            }
        }
    }
}
