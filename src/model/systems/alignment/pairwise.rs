//! The pairwise rule: Deffuant–Weisbuch bounded-confidence meetings, with rivalry.
//!
//! One meeting per nation per step makes this the hot path of most scenarios, so the system
//! avoids work a step does not need:
//!
//! - it moves the rows of the [`Stances`] matrix in place, and its other per-nation buffers
//!   persist between steps: only what changed since its last run is read back from the
//!   nations (bevy change detection: ε_i, s_i and memberships changed by events and bodies,
//!   everything when `Params` changed);
//! - the meeting loop is compiled once per stance dimension K ≤ [`FIXED_DIMS`] (rows as
//!   `[f64; K]`: no per-meeting slice arithmetic or loops of unknown length) besides the
//!   general version, and skips partner lists on a complete network and body dialogue
//!   when no body has any.
//!
//! Every route draws the same numbers and evaluates the same expressions in the same order,
//! so the bits do not depend on which one a run takes.

use std::hint;

use bevy_ecs::change_detection::ContiguousComponentTicksRef;
use bevy_ecs::prelude::{ContiguousRef, DetectChanges, Local, Query, Ref, Res, ResMut};
use rand::RngExt;
use rand_chacha::ChaCha12Rng;

use super::{Reach, draw_neighbour};
use crate::metrics::{self, Within};
use crate::model::components::{
    BodyConfig, BodyIndex, BodyState, Memberships, NationIndex, Susceptibility, Ties,
};
use crate::model::resources::{Params, Rivalries, RunRng, Shape, Stances};
use crate::model::systems::fit;
use crate::scenario::Alignment;

/// Stance dimensions with their own compiled meeting loop; larger K takes the general one.
const FIXED_DIMS: usize = 8;

/// Per-nation data the rule reads besides stances, with their change ticks.
type NationView = (
    &'static NationIndex,
    Ref<'static, Ties>,
    Ref<'static, Susceptibility>,
    Ref<'static, Memberships>,
);

/// State of [`align_pairwise`] (a `Local`: it outlives steps and runs, see `model::engine`).
///
/// Row i of `pull` and `reach` holds what nation i had when the system last ran, and
/// `complete` what the ties were; a nation whose components changed since is read again,
/// and a new run's nations are all new (or overwritten) and its `Params` new, so nothing
/// stale is read. `order` is overwritten each step.
#[derive(Debug, Default)]
pub struct PairwiseBuffers {
    /// Meeting order, n.
    order: Vec<u32>,
    /// μ(1 − s_i), n: the share of the gap nation i closes towards a partner it listens to.
    pull: Vec<f64>,
    /// ε_i, s_i, memberships and dialogue.
    reach: Reach,
    /// The largest sum of squares Σ_d (x_i − x_j)² whose distance is below ε_i, n: without
    /// dialogue, i listens exactly when the pair's sum is at most this (no root, no division).
    listens: Vec<f64>,
    /// The last (ε bits, K) whose `listens` limit was computed, and that limit: nations
    /// mostly share one ε, and each limit is a bisection.
    last_limit: Option<(u64, usize, f64)>,
    /// Whether every nation's ties are `Ties::Everyone` (a complete network).
    complete: bool,
}

impl PairwiseBuffers {
    /// Reads nation i's ε_i, s_i and memberships, and μ(1 − s_i) and the limit of ε_i.
    fn refresh(
        &mut self,
        i: usize,
        susceptibility: &Susceptibility,
        memberships: Memberships,
        alignment: &Alignment,
        dims: usize,
    ) {
        self.reach
            .set_nation(i, alignment, susceptibility, memberships.0);
        self.pull[i] = alignment.rate * (1.0 - self.reach.stubbornness[i]);
        let confidence = self.reach.confidence[i];
        let key = (confidence.to_bits(), dims);
        self.listens[i] = match self.last_limit {
            Some((bits, k, limit)) if (bits, k) == key => limit,
            _ => {
                let limit = metrics::squared_threshold(confidence, dims, Within::Below);
                self.last_limit = Some((key.0, key.1, limit));
                limit
            }
        };
    }

    /// Refreshes every nation.
    fn refresh_all(&mut self, nations: &Query<NationView>, alignment: &Alignment, dims: usize) {
        for (index, _, susceptibility, memberships) in nations {
            self.refresh(
                index.0 as usize,
                &susceptibility,
                *memberships,
                alignment,
                dims,
            );
        }
    }

    /// Refreshes the nations whose ties, ε_i, s_i or memberships changed since the rule last
    /// ran; whether any did.
    ///
    /// Those components carry bevy's summary ticks (one per table column, set by any change
    /// in it), so a table in which none of the three changed is skipped whole. Checking
    /// three ticks of every nation every step, as a `Changed` filter does, was a tenth of a
    /// 1,000-nation run, and in most steps nothing has changed.
    fn refresh_changed(
        &mut self,
        nations: &Query<NationView>,
        alignment: &Alignment,
        dims: usize,
    ) -> bool {
        let Ok(tables) = nations.contiguous_iter() else {
            // Not all in tables (not the case for these components): read everyone.
            self.refresh_all(nations, alignment, dims);
            return true;
        };
        let quiet =
            |ticks: &ContiguousComponentTicksRef| ticks.summary_tick_is_changed() == Some(false);
        let mut any = false;
        for (indices, ties, susceptibility, memberships) in tables {
            let (_, tie_ticks) = ContiguousRef::split(ties);
            let (susceptibility, susceptibility_ticks) = ContiguousRef::split(susceptibility);
            let (memberships, membership_ticks) = ContiguousRef::split(memberships);
            if quiet(&tie_ticks) && quiet(&susceptibility_ticks) && quiet(&membership_ticks) {
                continue;
            }
            let changes = tie_ticks
                .is_changed_iter()
                .zip(susceptibility_ticks.is_changed_iter())
                .zip(membership_ticks.is_changed_iter());
            for (row, ((tie, own), member)) in changes.enumerate() {
                if tie || own || member {
                    let i = indices[row].0 as usize;
                    self.refresh(i, &susceptibility[row], memberships[row], alignment, dims);
                    any = true;
                }
            }
        }
        any
    }
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
    fit(&mut s.order, n, 0);
    fit(&mut s.pull, n, 0.0);
    fit(&mut s.listens, n, 0.0);
    s.reach.fit(n, shape.bodies);
    s.reach.gather_bodies(&bodies);

    // Only what changed since the last step is read again (all of it when `Params` did).
    let refreshed = if params.is_changed() {
        s.refresh_all(&nations, alignment, k);
        true
    } else {
        s.refresh_changed(&nations, alignment, k)
    };
    if refreshed {
        s.complete = nations
            .iter()
            .all(|(_, tie, _, _)| matches!(*tie, Ties::Everyone));
    }
    let complete = s.complete;
    // Partner lists are only read off a complete network; references cannot outlive the step.
    let mut ties: Vec<&Ties> = Vec::new();
    if !complete {
        ties.resize(n, &Ties::Everyone);
        for (index, tie, _, _) in &nations {
            ties[index.0 as usize] = tie.into_inner();
        }
    }
    let meeting = Meeting {
        partners: if complete { None } else { Some(&ties) },
        rivals: &rivals,
        repel: alignment.rivalry_rate,
        dialogue: s.reach.dialogue_mask != 0,
    };
    let dynamics = &mut rng.dynamics;
    let x = stances.all_mut();
    let listeners = Listeners {
        pull: &s.pull,
        reach: &s.reach,
        listens: &s.listens,
    };
    let order = &mut s.order;
    match k {
        1 => meet_fixed::<1>(x, &meeting, order, &listeners, dynamics),
        2 => meet_fixed::<2>(x, &meeting, order, &listeners, dynamics),
        3 => meet_fixed::<3>(x, &meeting, order, &listeners, dynamics),
        4 => meet_fixed::<4>(x, &meeting, order, &listeners, dynamics),
        5 => meet_fixed::<5>(x, &meeting, order, &listeners, dynamics),
        6 => meet_fixed::<6>(x, &meeting, order, &listeners, dynamics),
        7 => meet_fixed::<7>(x, &meeting, order, &listeners, dynamics),
        FIXED_DIMS => meet_fixed::<FIXED_DIMS>(x, &meeting, order, &listeners, dynamics),
        _ => meet(AnyRows { x, k }, &meeting, order, &listeners, dynamics),
    }
}

/// What a step's meetings read besides stances and the per-nation buffers.
struct Meeting<'a> {
    /// Each nation's ties, or `None` on a complete network (partners drawn uniformly).
    partners: Option<&'a [&'a Ties]>,
    /// σ_ij.
    rivals: &'a Rivalries,
    /// ρ.
    repel: f64,
    /// Whether some active body has dialogue (else D_ij = 0 for every pair).
    dialogue: bool,
}

/// How each nation listens in a meeting: μ(1 − s_i), ε_i with memberships and dialogue, and
/// the squared threshold of ε_i (rows of [`PairwiseBuffers`]).
#[derive(Clone, Copy)]
struct Listeners<'a> {
    pull: &'a [f64],
    reach: &'a Reach,
    listens: &'a [f64],
}

/// One step of meetings on rows of a constant length K, whose loop is compiled per K.
fn meet_fixed<const K: usize>(
    x: &mut [f64],
    meeting: &Meeting,
    order: &mut [u32],
    listeners: &Listeners,
    rng: &mut ChaCha12Rng,
) {
    meet(
        FixedRows::<K>(x.as_chunks_mut::<K>().0),
        meeting,
        order,
        listeners,
        rng,
    );
}

/// Rows of the n×K stance matrix, two at a time.
trait Rows {
    /// Rows i and j (i ≠ j), both mutable; `None` if they are not two distinct rows.
    ///
    /// Without an `i < j` test: which of the two comes first is a coin flip per meeting, and
    /// branching on it cost a mispredicted branch in every other meeting.
    fn pair(&mut self, i: usize, j: usize) -> Option<(&mut [f64], &mut [f64])>;
}

/// Rows of a constant length K.
struct FixedRows<'a, const K: usize>(&'a mut [[f64; K]]);

impl<const K: usize> Rows for FixedRows<'_, K> {
    #[inline(always)]
    fn pair(&mut self, i: usize, j: usize) -> Option<(&mut [f64], &mut [f64])> {
        let [a, b] = self.0.get_disjoint_mut([i, j]).ok()?;
        Some((a, b))
    }
}

/// Rows of any length.
struct AnyRows<'a> {
    x: &'a mut [f64],
    k: usize,
}

impl Rows for AnyRows<'_> {
    #[inline(always)]
    fn pair(&mut self, i: usize, j: usize) -> Option<(&mut [f64], &mut [f64])> {
        let k = self.k;
        let [a, b] = self
            .x
            .get_disjoint_mut([i * k..(i + 1) * k, j * k..(j + 1) * k])
            .ok()?;
        Some((a, b))
    }
}

/// One step of meetings (see [`align_pairwise`]).
#[inline(always)]
fn meet<R: Rows>(
    mut rows: R,
    meeting: &Meeting,
    order: &mut [u32],
    listeners: &Listeners,
    rng: &mut ChaCha12Rng,
) {
    let Listeners {
        pull,
        reach,
        listens,
    } = *listeners;
    let n = order.len();
    for (slot, i) in order.iter_mut().zip(0u32..) {
        *slot = i;
    }
    crate::stats::shuffle::shuffle(order, rng);
    let any_rivals = !meeting.rivals.pairs.is_empty();
    for &i in order.iter() {
        let i = i as usize;
        let j = match meeting.partners {
            // draw_neighbour's complete-network case, without the per-meeting match.
            None if n >= 2 => {
                let r = rng.random_range(0..(n - 1) as u32) as usize;
                if r >= i { r + 1 } else { r }
            }
            None => continue,
            Some(ties) => match draw_neighbour(ties[i], i, n, rng) {
                Some(j) => j,
                None => continue,
            },
        };

        let Some((xi, xj)) = rows.pair(i, j) else {
            continue;
        };
        if any_rivals
            && !meeting.rivals.of(i).is_empty()
            && let Some(sigma) = meeting.rivals.strength(i as u32, j as u32)
        {
            let push = meeting.repel * sigma;
            for (a, b) in xi.iter_mut().zip(xj.iter_mut()) {
                let (pa, pb) = (*a, *b);
                *a = (pa - push * (pb - pa)).clamp(0.0, 1.0);
                *b = (pb - push * (pa - pb)).clamp(0.0, 1.0);
            }
            continue;
        }
        let (move_i, move_j) = if meeting.dialogue {
            let distance = metrics::distance(xi, xj);
            let extra = reach.dialogue(i, j);
            (
                distance < reach.confidence[i] + extra,
                distance < reach.confidence[j] + extra,
            )
        } else {
            // d_ij < ε_i exactly when the sum under d_ij's root is within i's limit.
            let gap = metrics::squared_gap(xi, xj);
            (gap <= listens[i], gap <= listens[j])
        };
        // A nation that does not move takes the step with rate −0: x + (−0)·(y − x) is x
        // bit for bit for stances in [0, 1] (the sum could only turn a −0 stance into +0
        // if y − x were negative, i.e. y < −0). Selecting the rate rather than branching on
        // the move matters: whether a meeting moves anyone is a coin flip early in a run,
        // and the compiler turns a select of the stance itself into a mispredicted branch.
        let [ci, cj] = rates([move_i, move_j], [pull[i], pull[j]]);
        for (a, b) in xi.iter_mut().zip(xj.iter_mut()) {
            let (pa, pb) = (*a, *b);
            *a = pa + ci * (pb - pa);
            *b = pb + cj * (pa - pb);
        }
    }
}

/// The rates of the two nations of a meeting: μ(1 − s) for one that moves, −0 for one that
/// does not.
///
/// Selected through bit masks the optimiser cannot see through (`black_box`): left to
/// itself it turns any select of a loaded rate, `std::hint::select_unpredictable`
/// included, back into a branch, and whether a meeting moves anyone is a coin flip early in
/// a run: one mispredicted branch in every other meeting.
#[inline(always)]
fn rates(moves: [bool; 2], pulls: [f64; 2]) -> [f64; 2] {
    let masks = hint::black_box(moves.map(|m| 0u64.wrapping_sub(u64::from(m))));
    let still = (-0.0f64).to_bits();
    [0, 1].map(|k| f64::from_bits((pulls[k].to_bits() & masks[k]) | (still & !masks[k])))
}
