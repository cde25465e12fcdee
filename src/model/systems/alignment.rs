//! Stance dynamics: pairwise bounded confidence or synchronous averaging, with rivalry; noise.

use bevy_ecs::prelude::{Query, Res, ResMut};
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_distr::StandardNormal;

use crate::metrics;
use crate::model::components::{
    BodyConfig, BodyIndex, BodyState, InitialStance, Memberships, NationIndex, Stance,
    Susceptibility, Ties,
};
use crate::model::resources::{Params, Rivalries, RunRng, Scratch, Shape};
use crate::scenario::Rule;

/// Static per-nation data the alignment rules read.
type NationView = (
    &'static NationIndex,
    &'static Ties,
    &'static Susceptibility,
    &'static Memberships,
    &'static InitialStance,
);

/// Moves stances by `alignment.rule`.
///
/// Notation: d_ij = `metrics::distance(x_i, x_j)`; ε_i = own confidence or
/// `alignment.confidence`; s_i likewise for stubbornness; D_ij = max dialogue over active
/// (founded and enabled) bodies both belong to (0 if none); conf_{i→j} = ε_i + D_ij;
/// μ = rate; ρ = rivalry_rate; σ_ij = rivalry strength; τ_ij = tie weights.
///
/// **Pairwise** (Deffuant–Weisbuch, sequential): nations act in a random order (one shuffle
/// of the dynamics stream per step). Acting nation i (if it has ties) meets j drawn with
/// probability ∝ τ_ij. With pre-meeting values, if i and j are rivals both move apart:
/// x_i ← clamp(x_i − ρσ_ij (x_j − x_i)), x_j ← clamp(x_j − ρσ_ij (x_i − x_j)); otherwise
/// if d_ij < conf_{i→j}: x_i ← x_i + μ(1 − s_i)(x_j − x_i), and if d_ij < conf_{j→i}:
/// x_j ← x_j + μ(1 − s_j)(x_i − x_j).
///
/// **Averaging** (synchronous Hegselmann–Krause / DeGroot / Friedkin–Johnsen):
/// x_i(t+1) = s_i x_i(0) + (1 − s_i) [w x_i(t) + Σ_{j∈N_i, j not rival, d_ij ≤ conf_{i→j}} τ_ij x_j(t)]
/// / (w + Σ τ_ij), with w = self_weight (the bracket is x_i(t) when the denominator is 0);
/// then, if ρ > 0 and i has rivals R_i: x_i(t+1) += ρ · (1/|R_i|) Σ_{j∈R_i} σ_ij (x_i(t) − x_j(t));
/// finally clamped to \[0,1\].
///
/// **Culture** (Axelrod 1997, F = K features, q = `alignment.traits`): unless the run is
/// absorbed ([`culture_absorbed`]: no tied pair with 0 < overlap < F, checked first, and
/// then the step draws nothing), a step is n events. Each event draws an active nation i
/// uniformly and a neighbour j ∝ τ_ij (uniformly on a lattice); with overlap
/// o_ij = #{d : x_i\[d\] = x_j\[d\]}, if 0 < o_ij < F and u < o_ij / F (u ~ U(0,1)), i copies
/// x_i\[d\] ← x_j\[d\] for one differing dimension d drawn uniformly. Confidence,
/// stubbornness, rivalry and dialogue do not apply.
pub fn align_stances(
    params: Res<Params>,
    shape: Res<Shape>,
    rivals: Res<Rivalries>,
    (mut rng, mut scratch): (ResMut<RunRng>, ResMut<Scratch>),
    nations: Query<NationView>,
    mut stances: Query<(&NationIndex, &mut Stance)>,
    bodies: Query<(&BodyIndex, &BodyConfig, &BodyState)>,
) {
    let (n, k) = (shape.nations, shape.dims);
    if n == 0 {
        return;
    }
    let alignment = &params.alignment;
    let s = &mut *scratch;

    // Bodies whose dialogue counts: active ones with non-zero dialogue.
    let mut dialogue_mask = 0u64;
    for (index, config, state) in &bodies {
        let b = index.0 as usize;
        let active = state.active(config) && config.0.dialogue != 0.0;
        s.dialogue[b] = if active { config.0.dialogue } else { 0.0 };
        if active && b < 64 {
            dialogue_mask |= 1u64 << b;
        }
    }

    let mut ties: Vec<&Ties> = Vec::with_capacity(n);
    ties.resize(n, &Ties::Everyone);
    let averaging = alignment.rule == Rule::Averaging;
    for (index, tie, susceptibility, memberships, initial) in &nations {
        let i = index.0 as usize;
        ties[i] = tie;
        s.confidence[i] = susceptibility.confidence_or(alignment.confidence);
        s.stubbornness[i] = susceptibility.stubbornness_or(alignment.stubbornness);
        s.members[i] = memberships.0;
        if averaging {
            s.initial[i * k..(i + 1) * k].copy_from_slice(&initial.0);
        }
    }
    for (index, stance) in &stances {
        let i = index.0 as usize;
        s.stances[i * k..(i + 1) * k].copy_from_slice(&stance.0);
    }

    let context = Context {
        n,
        k,
        rivals: &rivals,
        dialogue_mask,
    };
    match alignment.rule {
        Rule::Pairwise => {
            pairwise(&context, alignment, &ties, s, &mut rng.dynamics);
            for (index, mut stance) in &mut stances {
                let i = index.0 as usize;
                stance.0.copy_from_slice(&s.stances[i * k..(i + 1) * k]);
            }
        }
        Rule::Averaging => {
            averaging_step(&context, alignment, &ties, s);
            for (index, mut stance) in &mut stances {
                let i = index.0 as usize;
                stance.0.copy_from_slice(&s.other[i * k..(i + 1) * k]);
            }
        }
        Rule::Culture => {
            if culture_step(n, k, &ties, &mut s.stances, &mut rng.dynamics) {
                for (index, mut stance) in &mut stances {
                    let i = index.0 as usize;
                    stance.0.copy_from_slice(&s.stances[i * k..(i + 1) * k]);
                }
            }
        }
    }
}

/// Whether no tied pair can interact under the culture rule any more: every tied pair
/// (i, j) has overlap 0 or F (stances n×`k` row-major). Axelrod ran each simulation until
/// this holds; from then on the culture rule changes nothing.
pub fn culture_absorbed(stances: &[f64], k: usize, ties: &[&Ties]) -> bool {
    let n = ties.len();
    if k == 0 || stances.len() < n * k {
        return true;
    }
    let row = |i: usize| &stances[i * k..(i + 1) * k];
    let active = |i: usize, j: usize| {
        let overlap = row(i).iter().zip(row(j)).filter(|(a, b)| a == b).count();
        overlap > 0 && overlap < k
    };
    (0..n).all(|i| match ties[i] {
        Ties::Everyone => (i + 1..n).all(|j| !active(i, j)),
        Ties::List(list) => list
            .neighbours
            .iter()
            .all(|&j| (j as usize) <= i || !active(i, j as usize)),
    })
}

/// One culture step on `x` (see [`align_stances`]); returns whether it ran (false when
/// absorbed, in which case nothing was drawn or changed).
fn culture_step(
    n: usize,
    k: usize,
    ties: &[&Ties],
    x: &mut [f64],
    rng: &mut rand_chacha::ChaCha12Rng,
) -> bool {
    if n == 0 || culture_absorbed(x, k, ties) {
        return false;
    }
    for _ in 0..n {
        let i = rng.random_range(0..n as u32) as usize;
        let Some(j) = draw_neighbour(ties[i], i, n, rng) else {
            continue;
        };
        let (xi, xj) = rows_mut(x, i, j, k);
        let overlap = xi.iter().zip(xj.iter()).filter(|(a, b)| a == b).count();
        if overlap == 0 || overlap == k {
            continue;
        }
        if rng.random::<f64>() * k as f64 >= overlap as f64 {
            continue;
        }
        let mut pick = rng.random_range(0..(k - overlap) as u32) as usize;
        for (a, b) in xi.iter_mut().zip(xj.iter()) {
            if *a != *b {
                if pick == 0 {
                    *a = *b;
                    break;
                }
                pick -= 1;
            }
        }
    }
    true
}

/// What the rules share.
struct Context<'a> {
    n: usize,
    k: usize,
    rivals: &'a Rivalries,
    dialogue_mask: u64,
}

impl Context<'_> {
    /// D_ij: max dialogue over active bodies both belong to (0 if none).
    #[inline]
    fn dialogue(&self, members: &[u64], dialogue: &[f64], i: usize, j: usize) -> f64 {
        let mut common = members[i] & members[j] & self.dialogue_mask;
        let mut best = 0.0f64;
        while common != 0 {
            let b = common.trailing_zeros() as usize;
            best = best.max(dialogue[b]);
            common &= common - 1;
        }
        best
    }
}

/// One step of Deffuant–Weisbuch meetings on `s.stances` (see [`align_stances`]).
fn pairwise(
    cx: &Context<'_>,
    alignment: &crate::scenario::Alignment,
    ties: &[&Ties],
    s: &mut Scratch,
    rng: &mut rand_chacha::ChaCha12Rng,
) {
    let (n, k) = (cx.n, cx.k);
    for (slot, i) in s.order.iter_mut().zip(0u32..) {
        *slot = i;
    }
    s.order.shuffle(rng);
    let mu = alignment.rate;
    let repel = alignment.rivalry_rate;
    let any_rivals = !cx.rivals.pairs.is_empty();
    for o in 0..n {
        let i = s.order[o] as usize;
        let Some(j) = draw_neighbour(ties[i], i, n, rng) else {
            continue;
        };

        let (xi, xj) = rows_mut(&mut s.stances, i, j, k);
        if any_rivals
            && !cx.rivals.of(i).is_empty()
            && let Some(sigma) = cx.rivals.strength(i as u32, j as u32)
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
        let extra = cx.dialogue(&s.members, &s.dialogue, i, j);
        let move_i = distance < s.confidence[i] + extra;
        let move_j = distance < s.confidence[j] + extra;
        if move_i || move_j {
            let mi = if move_i {
                mu * (1.0 - s.stubbornness[i])
            } else {
                0.0
            };
            let mj = if move_j {
                mu * (1.0 - s.stubbornness[j])
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
#[inline]
fn rows_mut(x: &mut [f64], i: usize, j: usize, k: usize) -> (&mut [f64], &mut [f64]) {
    if i < j {
        let (head, tail) = x.split_at_mut(j * k);
        (&mut head[i * k..(i + 1) * k], &mut tail[..k])
    } else {
        let (head, tail) = x.split_at_mut(i * k);
        (&mut tail[..k], &mut head[j * k..(j + 1) * k])
    }
}

/// One synchronous averaging step from `s.stances` into `s.other` (see [`align_stances`]).
fn averaging_step(
    cx: &Context<'_>,
    alignment: &crate::scenario::Alignment,
    ties: &[&Ties],
    s: &mut Scratch,
) {
    let (n, k) = (cx.n, cx.k);
    let w_self = alignment.self_weight;
    let repel = alignment.rivalry_rate;
    let Scratch {
        stances: x,
        other: next,
        initial,
        confidence,
        stubbornness,
        members,
        dialogue,
        marks,
        vector: sum,
        ..
    } = s;
    for i in 0..n {
        let ri = i * k;
        let xi = &x[ri..ri + k];
        let rivals_i = cx.rivals.of(i);
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
            let reach = confidence[i] + cx.dialogue(members, dialogue, i, j);
            if metrics::distance(xi, xj) <= reach {
                for (acc, &v) in sum.iter_mut().zip(xj) {
                    *acc += tau * v;
                }
                denominator += tau;
            }
        };
        match ties[i] {
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

        let anchor = stubbornness[i];
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

/// Adds N(0, σ²) to every stance component and clamps to \[0,1\], σ = `alignment.noise`.
///
/// Draws come from the dynamics stream, nations in index order, dimensions in order:
/// x_i\[d\] ← clamp(x_i\[d\] + σ z_{i,d}, 0, 1), z ~ N(0,1). No draws when σ = 0.
pub fn add_noise(
    params: Res<Params>,
    shape: Res<Shape>,
    (mut rng, mut scratch): (ResMut<RunRng>, ResMut<Scratch>),
    mut stances: Query<(&NationIndex, &mut Stance)>,
) {
    let sigma = params.alignment.noise;
    if sigma <= 0.0 || shape.nations == 0 {
        return;
    }
    let k = shape.dims;
    let s = &mut *scratch;
    for (index, stance) in &stances {
        let i = index.0 as usize;
        s.stances[i * k..(i + 1) * k].copy_from_slice(&stance.0);
    }
    let rng = &mut rng.dynamics;
    for x in s.stances.iter_mut() {
        let z: f64 = rng.sample(StandardNormal);
        *x = (*x + sigma * z).clamp(0.0, 1.0);
    }
    for (index, mut stance) in &mut stances {
        let i = index.0 as usize;
        stance.0.copy_from_slice(&s.stances[i * k..(i + 1) * k]);
    }
}

#[cfg(test)]
mod culture_tests {
    use super::*;
    use crate::model::components::TieList;
    use rand::SeedableRng;

    fn pair() -> Vec<Ties> {
        vec![
            Ties::List(TieList::new([(1, 1.0)])),
            Ties::List(TieList::new([(0, 1.0)])),
        ]
    }

    #[test]
    fn absorbed_means_every_tie_has_overlap_zero_or_all() {
        let ties = pair();
        let ties: Vec<&Ties> = ties.iter().collect();
        // overlap 1 of 2: can still interact.
        assert!(!culture_absorbed(&[0.0, 1.0, 0.0, 0.0], 2, &ties));
        // identical, or nothing in common: absorbed.
        assert!(culture_absorbed(&[0.0, 1.0, 0.0, 1.0], 2, &ties));
        assert!(culture_absorbed(&[0.0, 1.0, 1.0, 0.0], 2, &ties));
        // Without ties nobody interacts; on a complete network every pair counts.
        let none = [
            Ties::List(TieList::default()),
            Ties::List(TieList::default()),
        ];
        let none: Vec<&Ties> = none.iter().collect();
        assert!(culture_absorbed(&[0.0, 1.0, 0.0, 0.0], 2, &none));
        let all = [Ties::Everyone, Ties::Everyone, Ties::Everyone];
        let all: Vec<&Ties> = all.iter().collect();
        assert!(!culture_absorbed(&[0.0, 0.0, 1.0, 1.0, 0.0, 1.0], 2, &all));
        assert!(culture_absorbed(&[0.0, 0.0, 1.0, 1.0, 0.0, 0.0], 2, &all));
    }

    #[test]
    fn two_cultures_with_one_shared_feature_merge_by_copying() {
        // F = 3, overlap 1: each event copies with probability 1/3, then 2/3, so the pair
        // ends identical on the first feature's value and on values one of them held.
        let ties = pair();
        let ties: Vec<&Ties> = ties.iter().collect();
        let start = [0.5, 0.0, 1.0, 0.5, 1.0, 0.0];
        let mut x = start;
        let mut rng = rand_chacha::ChaCha12Rng::seed_from_u64(3);
        let mut steps = 0;
        while culture_step(2, 3, &ties, &mut x, &mut rng) {
            steps += 1;
            assert!(steps < 1000);
        }
        assert_eq!(x[..3], x[3..]);
        assert_eq!(x[0], 0.5);
        for d in 1..3 {
            assert!(x[d] == start[d] || x[d] == start[3 + d], "{x:?}");
        }
        // Absorbed: a further step draws nothing and changes nothing.
        let before = rng.clone();
        assert!(!culture_step(2, 3, &ties, &mut x, &mut rng));
        assert_eq!(rng, before);
    }
}
