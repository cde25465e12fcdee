//! Open-source capability diffusion and the norm pull that comes with it.

use bevy_ecs::prelude::{DetectChanges, Local, Query, Res, ResMut};

use crate::model::components::{Capability, NationIndex, Openness};
use crate::model::resources::{ExportControls, Params, Shape, Stances};
use crate::model::systems::fit;

/// Scratch of [`diffuse_capabilities`] (a `Local`: it outlives runs, see `model::engine`;
/// every buffer but `controls` and the recipients' lists is overwritten in full each step
/// before it is read, `controls` is all 0 again when the step ends, and the lists are
/// rebuilt whenever [`ExportControls`] changed, which a new run's always has).
#[derive(Debug, Default)]
pub struct DiffusionBuffers {
    /// Stances after the norm pull, n×K row-major; swapped with the [`Stances`] matrix, so
    /// it holds a stale x between steps.
    next: Vec<f64>,
    /// c̃, then c', n.
    capabilities: Vec<f64>,
    /// Open offers o_j c̃_j, n.
    offers: Vec<f64>,
    /// o_i, n.
    openness: Vec<f64>,
    /// Export controls toward the current recipient, indexed by provider, n.
    controls: Vec<f64>,
    /// Each recipient's controls `(provider j, e_{j→i})`: recipient i's are
    /// `controlled[starts[i]..starts[i + 1]]`, providers ascending. A copy of
    /// [`ExportControls`] laid out for the step: looking each recipient up in the map every
    /// step was a twentieth of an uncertainty study.
    controlled: Vec<(u32, f64)>,
    /// n + 1 offsets into `controlled`.
    starts: Vec<usize>,
}

impl DiffusionBuffers {
    /// Lays `controls` out by recipient for `n` nations (pairs outside 0..n are left out:
    /// no nation has them).
    fn index_controls(&mut self, controls: &ExportControls, n: usize) {
        self.controlled.clear();
        self.starts.clear();
        self.starts.push(0);
        let mut pairs = controls.0.iter().peekable();
        for i in 0..n as u32 {
            while let Some((&(_, j), &e)) = pairs.next_if(|&(&(r, _), _)| r <= i) {
                if (j as usize) < n {
                    self.controlled.push((j, e));
                }
            }
            self.starts.push(self.controlled.len());
        }
    }
}

/// Capability growth, absorption of the best open offer, and stance pull toward its provider.
///
/// Skipped entirely unless `diffusion.enabled`. With growth g, absorption α, norm pull ν and
/// capabilities c at the start of the step (all updates synchronous):
///
/// - c̃_i = c_i (1 + g)
/// - offer P_i = max_{j≠i} o_j c̃_j (1 − e_{j→i}), provider p(i) = argmax (lowest index on ties)
/// - if P_i > c̃_i: a_i = α (P_i − c̃_i), c_i' = c̃_i + a_i, s_i = a_i / c_i' (0 if c_i' = 0),
///   x_i' = x_i + ν s_i (x_p − x_i) (clamped to \[0,1\]); otherwise c_i' = c̃_i, x_i' = x_i.
pub fn diffuse_capabilities(
    params: Res<Params>,
    shape: Res<Shape>,
    controls: Res<ExportControls>,
    mut buffers: Local<DiffusionBuffers>,
    mut stances: ResMut<Stances>,
    mut nations: Query<(&NationIndex, &mut Capability, &Openness)>,
) {
    let diffusion = &params.diffusion;
    if !diffusion.enabled {
        return;
    }
    let (n, k) = (shape.nations, shape.dims);
    if !stances.fits(&shape) {
        return;
    }
    let s = &mut *buffers;
    fit(&mut s.next, n * k, 0.0);
    fit(&mut s.capabilities, n, 0.0);
    fit(&mut s.offers, n, 0.0);
    fit(&mut s.openness, n, 0.0);
    fit(&mut s.controls, n, 0.0);
    for (index, capability, openness) in &nations {
        let i = index.0 as usize;
        s.capabilities[i] = capability.0;
        s.openness[i] = openness.0;
    }

    // c̃ in `capabilities`, open offers o_j c̃_j in `offers`.
    let growth = 1.0 + diffusion.growth;
    for i in 0..n {
        s.capabilities[i] *= growth;
        s.offers[i] = s.openness[i] * s.capabilities[i];
    }
    // The two best offers (lowest index on ties), for recipients without export controls.
    let mut best: Option<(usize, f64)> = None;
    let mut second: Option<(usize, f64)> = None;
    for (j, &offer) in s.offers.iter().enumerate() {
        if best.is_none_or(|(_, b)| offer > b) {
            second = best;
            best = Some((j, offer));
        } else if second.is_none_or(|(_, b)| offer > b) {
            second = Some((j, offer));
        }
    }

    let x = stances.all();
    s.next.copy_from_slice(x);
    if controls.is_changed() || s.starts.len() != n + 1 {
        s.index_controls(&controls, n);
    }
    for i in 0..n {
        let mine = &s.controlled[s.starts[i]..s.starts[i + 1]];
        let offer = if mine.is_empty() {
            match best {
                Some((j, _)) if j == i => second,
                other => other,
            }
        } else {
            for &(j, e) in mine {
                s.controls[j as usize] = e;
            }
            let mut found: Option<(usize, f64)> = None;
            for j in 0..n {
                if j == i {
                    continue;
                }
                let value = s.offers[j] * (1.0 - s.controls[j]);
                if found.is_none_or(|(_, b)| value > b) {
                    found = Some((j, value));
                }
            }
            for &(j, _) in mine {
                s.controls[j as usize] = 0.0;
            }
            found
        };
        let own = s.capabilities[i];
        let Some((p, offer)) = offer else {
            continue;
        };
        if offer > own {
            let absorbed = diffusion.absorption * (offer - own);
            let new = own + absorbed;
            let share = if new > 0.0 { absorbed / new } else { 0.0 };
            s.capabilities[i] = new;
            let pull = diffusion.norm_pull * share;
            for d in 0..k {
                let (xi, xp) = (x[i * k + d], x[p * k + d]);
                s.next[i * k + d] = (xi + pull * (xp - xi)).clamp(0.0, 1.0);
            }
        }
    }

    stances.swap(&mut s.next);
    for (index, mut capability, _) in &mut nations {
        capability.0 = s.capabilities[index.0 as usize];
    }
}
