//! The culture rule: Axelrod's (1997) dissemination of culture on discrete traits.

use bevy_ecs::prelude::{Query, Res, ResMut};
use rand::RngExt;

use super::{draw_neighbour, rows_mut};
use crate::model::components::{NationIndex, Ties};
use crate::model::resources::{RunRng, Shape, Stances};

/// Trait copying (Axelrod 1997, F = K features, q = `alignment.traits`).
///
/// Unless the run is absorbed ([`culture_absorbed`]: no tied pair with 0 < overlap < F,
/// checked first, and then the step draws nothing), a step is n events. Each event draws an
/// active nation i uniformly and a neighbour j ∝ τ_ij (uniformly on a lattice); with overlap
/// o_ij = #{d : x_i\[d\] = x_j\[d\]}, if 0 < o_ij < F and u < o_ij / F (u ~ U(0,1)), i copies
/// x_i\[d\] ← x_j\[d\] for one differing dimension d drawn uniformly. Confidence,
/// stubbornness, rivalry and dialogue do not apply.
pub fn align_culture(
    shape: Res<Shape>,
    mut rng: ResMut<RunRng>,
    nations: Query<(&NationIndex, &Ties)>,
    mut stances: ResMut<Stances>,
) {
    let (n, k) = (shape.nations, shape.dims);
    if n == 0 || !stances.fits(&shape) {
        return;
    }
    let mut ties: Vec<&Ties> = Vec::with_capacity(n);
    ties.resize(n, &Ties::Everyone);
    for (index, tie) in &nations {
        ties[index.0 as usize] = tie;
    }
    culture_step(n, k, &ties, stances.all_mut(), &mut rng.dynamics);
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

/// One culture step on `x` (see [`align_culture`]); returns whether it ran (false when
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

#[cfg(test)]
mod tests {
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
