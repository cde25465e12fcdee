//! The averaging rule: synchronous Hegselmann–Krause / DeGroot averaging with the
//! Friedkin–Johnsen anchor, and rivalry.

use bevy_ecs::prelude::{Local, Query, Res, ResMut};

use super::Reach;
use crate::metrics;
use crate::model::components::{
    BodyConfig, BodyIndex, BodyState, Memberships, NationIndex, Susceptibility, Ties,
};
use crate::model::resources::{Params, Rivalries, Shape, Stances};
use crate::model::systems::fit;
use crate::scenario::Alignment;

/// Static per-nation data the averaging rule reads.
type NationView = (
    &'static NationIndex,
    &'static Ties,
    &'static Susceptibility,
    &'static Memberships,
);

/// Scratch of [`align_averaging`] (a `Local`: it outlives runs, see `model::engine`; every
/// buffer is overwritten in full each step before it is read, and `marks` is all false
/// again when the step ends).
#[derive(Debug, Default)]
pub struct AveragingBuffers {
    /// x(t+1), n×K row-major; swapped with the [`Stances`] matrix once computed, so it holds
    /// a stale x between steps.
    next: Vec<f64>,
    /// Rivals of the nation being updated, n.
    marks: Vec<bool>,
    /// The weighted sum of one nation, K.
    sum: Vec<f64>,
    /// ε_i, s_i, memberships and dialogue.
    reach: Reach,
}

/// Synchronous averaging (Hegselmann–Krause / DeGroot / Friedkin–Johnsen; notation in
/// [`super`]).
///
/// x_i(t+1) = s_i x_i(0) + (1 − s_i) [w x_i(t) + Σ_{j∈N_i, j not rival, d_ij ≤ conf_{i→j}} τ_ij x_j(t)]
/// / (w + Σ τ_ij), with w = self_weight (the bracket is x_i(t) when the denominator is 0);
/// then, if ρ > 0 and i has rivals R_i: x_i(t+1) += ρ · (1/|R_i|) Σ_{j∈R_i} σ_ij (x_i(t) − x_j(t));
/// finally clamped to \[0,1\]. Draws nothing.
pub fn align_averaging(
    params: Res<Params>,
    shape: Res<Shape>,
    rivals: Res<Rivalries>,
    mut buffers: Local<AveragingBuffers>,
    nations: Query<NationView>,
    mut stances: ResMut<Stances>,
    bodies: Query<(&BodyIndex, &BodyConfig, &BodyState)>,
) {
    let (n, k) = (shape.nations, shape.dims);
    if n == 0 || !stances.fits(&shape) {
        return;
    }
    let alignment = &params.alignment;
    let s = &mut *buffers;
    fit(&mut s.next, n * k, 0.0);
    fit(&mut s.marks, n, false);
    fit(&mut s.sum, k, 0.0);
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
    average(n, k, alignment, &rivals, &ties, &stances, s);
    stances.swap(&mut s.next);
}

/// One synchronous step from `stances` into `s.next` (see [`align_averaging`]).
fn average(
    n: usize,
    k: usize,
    alignment: &Alignment,
    rivals: &Rivalries,
    ties: &[&Ties],
    stances: &Stances,
    s: &mut AveragingBuffers,
) {
    let w_self = alignment.self_weight;
    let repel = alignment.rivalry_rate;
    let (x, initial) = (stances.all(), stances.initial());
    let AveragingBuffers {
        next,
        marks,
        sum,
        reach,
    } = s;
    for (i, &ties_i) in ties.iter().enumerate() {
        let ri = i * k;
        let xi = &x[ri..ri + k];
        let rivals_i = rivals.of(i);
        for &(j, _) in rivals_i {
            marks[j as usize] = true;
        }
        for (acc, &v) in sum.iter_mut().zip(xi) {
            *acc = w_self * v;
        }
        let mut denominator = w_self;
        let mut listen = |j: usize, tau: f64| {
            if marks[j] {
                return;
            }
            let xj = &x[j * k..(j + 1) * k];
            let conf = reach.confidence[i] + reach.dialogue(i, j);
            if metrics::distance(xi, xj) <= conf {
                for (acc, &v) in sum.iter_mut().zip(xj) {
                    *acc += tau * v;
                }
                denominator += tau;
            }
        };
        match ties_i {
            Ties::Everyone => {
                for j in (0..n).filter(|&j| j != i) {
                    listen(j, 1.0);
                }
            }
            Ties::List(list) => {
                for (&j, &tau) in list.neighbours.iter().zip(&list.weights) {
                    listen(j as usize, tau);
                }
            }
        }

        let anchor = reach.stubbornness[i];
        let out = &mut next[ri..ri + k];
        for d in 0..k {
            let bracket = if denominator > 0.0 {
                sum[d] / denominator
            } else {
                xi[d]
            };
            out[d] = anchor * initial[ri + d] + (1.0 - anchor) * bracket;
        }
        if repel > 0.0 && !rivals_i.is_empty() {
            let scale = repel / rivals_i.len() as f64;
            for &(j, sigma) in rivals_i {
                let xj = &x[j as usize * k..(j as usize + 1) * k];
                for d in 0..k {
                    out[d] += scale * sigma * (xi[d] - xj[d]);
                }
            }
        }
        for v in out.iter_mut() {
            *v = v.clamp(0.0, 1.0);
        }
        for &(j, _) in rivals_i {
            marks[j as usize] = false;
        }
    }
}
