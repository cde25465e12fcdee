//! Uniform random permutations, for the order in which nations act in a step.
//!
//! rand's `shuffle` draws its indices through a batching sampler that divides twice per
//! element; a step of a 1,000-nation pairwise run shuffles the whole population, and that
//! was an eighth of the run's time. Durstenfeld's Fisher–Yates with Lemire's
//! multiply-and-reject draw makes one 32-bit draw and one multiplication per element, and
//! is exactly uniform too.

use rand::Rng;

/// A uniform draw from 0..n (n ≥ 1), by Lemire's method (2019, *Fast random integer
/// generation in an interval*): m = r·n for a 32-bit draw r, the result is m ≫ 32. The low
/// half of m falls below 2³² mod n for exactly as many r as would make some results more
/// likely than others, and those r are drawn again, so every result has ⌊2³²/n⌋ preimages.
/// The modulo is computed only when the low half is below n, which is rare.
#[inline]
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: u32) -> u32 {
    debug_assert!(n >= 1, "an empty range has no draw");
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    if (m as u32) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u32) < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
        }
    }
    (m >> 32) as u32
}

/// Shuffles `items` uniformly: from the last position down, position i swaps with one drawn
/// uniformly from 0..=i ([`below`]). Slices longer than 2³² items (more than any scenario's
/// nations) take rand's shuffle.
pub fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    if u32::try_from(items.len()).is_err() {
        rand::seq::SliceRandom::shuffle(items, rng);
        return;
    }
    for i in (1..items.len()).rev() {
        let j = below(rng, i as u32 + 1) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use rand::{SeedableRng, TryRng};
    use rand_chacha::ChaCha12Rng;

    use super::*;

    /// A generator that returns the given 32-bit values in turn.
    struct Script(Vec<u32>, usize);

    impl TryRng for Script {
        type Error = Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            self.1 += 1;
            Ok(self.0[self.1 - 1])
        }
        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            unreachable!("below draws 32 bits at a time")
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Infallible> {
            unreachable!("below draws 32 bits at a time")
        }
    }

    #[test]
    fn below_by_hand() {
        // n = 3: 2³² mod 3 = 1, so only r = 0 (m = 0) is drawn again.
        let mut rng = Script(vec![0, 5], 0);
        assert_eq!(below(&mut rng, 3), 0); // r = 5: m = 15, 15 ≫ 32 = 0
        assert_eq!(rng.1, 2, "r = 0 was rejected");
        let mut rng = Script(vec![u32::MAX], 0);
        assert_eq!(below(&mut rng, 3), 2); // m = 3·2³² − 3
        // n = 10: r = 2³¹ gives m = 5·2³², whose low half 0 is below 2³² mod 10 = 6: drawn
        // again; r = 2³¹ + 1 gives low half 10, kept: half of 10.
        let mut rng = Script(vec![1 << 31, (1 << 31) + 1], 0);
        assert_eq!(below(&mut rng, 10), 5);
        assert_eq!(rng.1, 2);
        // n = 1 always gives 0 with one draw.
        let mut rng = Script(vec![0], 0);
        assert_eq!(below(&mut rng, 1), 0);
        // n = 3·2³⁰: 2³² mod n = 2³⁰, so r = 1 (low half 3·2³⁰ ≥ 2³⁰) is kept, r = 0 not.
        let mut rng = Script(vec![0, 1], 0);
        assert_eq!(below(&mut rng, 3 << 30), 0);
        assert_eq!(rng.1, 2);
    }

    #[test]
    fn shuffles_are_permutations_and_uniform() {
        let mut rng = ChaCha12Rng::seed_from_u64(3);
        let mut counts = [0u32; 24];
        let draws = 24_000;
        for _ in 0..draws {
            let mut items = [0usize, 1, 2, 3];
            shuffle(&mut items, &mut rng);
            let mut sorted = items;
            sorted.sort_unstable();
            assert_eq!(sorted, [0, 1, 2, 3]);
            // Lehmer code of the permutation: its rank among the 24.
            let rank = (0..4).fold(0, |acc, i| {
                let smaller_later = items[i + 1..].iter().filter(|&&x| x < items[i]).count();
                acc * (4 - i) + smaller_later
            });
            counts[rank] += 1;
        }
        // χ² with 23 degrees of freedom: 49.7 is its 0.1 % tail.
        let expected = f64::from(draws) / 24.0;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (f64::from(c) - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 49.7, "χ² = {chi2}, counts {counts:?}");
        // Empty and single slices draw nothing.
        let before = rng.clone();
        shuffle::<u8, _>(&mut [], &mut rng);
        shuffle(&mut [7], &mut rng);
        assert_eq!(rng, before);
    }
}
