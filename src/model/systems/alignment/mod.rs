//! Stance dynamics: one system per alignment rule, the condition that picks the rule in
//! force, and noise.
//!
//! The step schedule holds all three rule systems ([`align_pairwise`], [`align_averaging`],
//! [`align_culture`]), each behind [`rule_is`], so exactly one moves stances per step. The
//! rule cannot be fixed when the schedule is built: a `set` event may change
//! `alignment.rule` in the middle of a run, and one thread's engine runs arms with different
//! rules on the same schedule.
//!
//! Notation shared by the rules: d_ij = `metrics::distance(x_i, x_j)`; τ_ij = tie weights;
//! ε_i = own confidence or `alignment.confidence`; s_i likewise for stubbornness; D_ij = max
//! dialogue over active (founded and enabled) bodies both belong to (0 if none);
//! conf_{i→j} = ε_i + D_ij; μ = rate; ρ = rivalry_rate; σ_ij = rivalry strength.

mod averaging;
mod culture;
mod noise;
mod pairwise;

use bevy_ecs::prelude::{Query, Res};
use rand::RngExt;

use crate::model::components::{BodyConfig, BodyIndex, BodyState, Susceptibility, Ties};
use crate::model::resources::Params;
use crate::scenario::{Alignment, Rule};

pub use averaging::align_averaging;
pub use culture::{align_culture, culture_absorbed};
pub use noise::add_noise;
pub use pairwise::align_pairwise;

/// Run condition: whether `rule` is the alignment rule in force (read every step, after
/// the step's events have applied).
pub fn rule_is(rule: Rule) -> impl FnMut(Res<Params>) -> bool + Clone {
    move |params: Res<Params>| params.alignment.rule == rule
}

/// What the bounded-confidence rules (pairwise and averaging) read besides stances: ε_i,
/// s_i, membership masks and body dialogue, in index order. Each of those systems owns one
/// in its `Local` buffers, overwritten in full by [`Reach::gather_bodies`] and
/// [`Reach::set_nation`] every step.
#[derive(Debug, Default)]
struct Reach {
    /// ε_i, n.
    confidence: Vec<f64>,
    /// s_i, n.
    stubbornness: Vec<f64>,
    /// Membership bitmasks, n.
    members: Vec<u64>,
    /// Dialogue of each body (0 unless active), bodies.
    dialogue: Vec<f64>,
    /// Bodies whose dialogue counts (active, non-zero dialogue, index < 64).
    dialogue_mask: u64,
}

impl Reach {
    /// Sizes the buffers for `n` nations and `bodies` bodies.
    fn fit(&mut self, n: usize, bodies: usize) {
        super::fit(&mut self.confidence, n, 0.0);
        super::fit(&mut self.stubbornness, n, 0.0);
        super::fit(&mut self.members, n, 0);
        super::fit(&mut self.dialogue, bodies, 0.0);
    }

    /// Records the dialogue of every body: D_b if active with non-zero dialogue, else 0.
    fn gather_bodies(&mut self, bodies: &Query<(&BodyIndex, &BodyConfig, &BodyState)>) {
        self.dialogue_mask = 0;
        for (index, config, state) in bodies {
            let b = index.0 as usize;
            let active = state.active(config) && config.0.dialogue != 0.0;
            self.dialogue[b] = if active { config.0.dialogue } else { 0.0 };
            if active && b < 64 {
                self.dialogue_mask |= 1u64 << b;
            }
        }
    }

    /// Records nation i's ε_i, s_i (resolved against `alignment`) and memberships.
    fn set_nation(
        &mut self,
        i: usize,
        alignment: &Alignment,
        susceptibility: &Susceptibility,
        members: u64,
    ) {
        self.confidence[i] = susceptibility.confidence_or(alignment.confidence);
        self.stubbornness[i] = susceptibility.stubbornness_or(alignment.stubbornness);
        self.members[i] = members;
    }

    /// D_ij: max dialogue over active bodies both belong to (0 if none).
    #[inline]
    fn dialogue(&self, i: usize, j: usize) -> f64 {
        let mut common = self.members[i] & self.members[j] & self.dialogue_mask;
        let mut best = 0.0f64;
        while common != 0 {
            let b = common.trailing_zeros() as usize;
            best = best.max(self.dialogue[b]);
            common &= common - 1;
        }
        best
    }
}

/// The partner of nation `i`: drawn with probability ∝ tie weight (uniform over the other
/// n − 1 nations on a complete network); `None` when `i` has no one to meet. Both the
/// pairwise and the culture rule draw through here, so they consume the stream alike.
#[inline]
fn draw_neighbour(
    ties: &Ties,
    i: usize,
    n: usize,
    rng: &mut rand_chacha::ChaCha12Rng,
) -> Option<usize> {
    match ties {
        Ties::Everyone => {
            if n < 2 {
                return None;
            }
            let r = rng.random_range(0..(n - 1) as u32) as usize;
            Some(if r >= i { r + 1 } else { r })
        }
        Ties::List(list) => {
            let len = list.neighbours.len();
            if len == 0 {
                return None;
            }
            let pick = if list.uniform {
                rng.random_range(0..len as u32) as usize
            } else {
                let u = rng.random::<f64>() * list.total();
                list.cumulative.partition_point(|&c| c <= u).min(len - 1)
            };
            Some(list.neighbours[pick] as usize)
        }
    }
}

/// Rows i and j (i ≠ j) of an n×k matrix, both mutable.
#[inline(always)]
fn rows_mut<T>(x: &mut [T], i: usize, j: usize, k: usize) -> (&mut [T], &mut [T]) {
    if i < j {
        let (head, tail) = x.split_at_mut(j * k);
        (&mut head[i * k..(i + 1) * k], &mut tail[..k])
    } else {
        let (head, tail) = x.split_at_mut(i * k);
        (&mut tail[..k], &mut head[j * k..(j + 1) * k])
    }
}
