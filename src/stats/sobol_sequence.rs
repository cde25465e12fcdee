//! The Sobol' low-discrepancy sequence (Joe–Kuo direction numbers) and its hash-based Owen
//! scrambling: the base samples of a `sobol` sweep.
//!
//! Points are in Gray-code order (Antonov & Saleev 1979), the order SciPy's `qmc.Sobol` and so
//! SALib use: point `i` is the XOR of the direction integers `v_k` over the set bits of
//! `i ^ (i >> 1)`, computed directly from `i`, so any point can be drawn without the ones
//! before it. Integers have 32 bits (at most 2³² points).
//!
//! Scrambling is nested uniform (Owen 1995) in the hash-based form of Burley ("Practical
//! hash-based Owen scrambling", JCGT 9(4), 2020): the bits are reversed, permuted by a
//! Laine–Karras style hash in which each bit depends only on the bits below it, and reversed
//! back. Each output digit thus depends only on the digits above it, which is Owen's nested
//! structure, so every dyadic stratification of the unscrambled sequence (one point per
//! interval of length 2⁻ᵏ among the first 2ᵏ points, per dimension) survives; the seed of
//! each dimension is a 32-bit value, so the same seeds give the same points on every machine.

use super::joe_kuo::{DIMENSIONS, ROWS};

/// Bits of every integer of the sequence.
const BITS: usize = 32;

/// The most dimensions the embedded direction numbers cover.
pub const MAX_DIMENSIONS: usize = DIMENSIONS;

/// The direction integers of the first few dimensions of the sequence.
#[derive(Clone, Debug)]
pub struct SobolSequence {
    /// `v[d][k]`: the direction integer of bit `k` of dimension `d`, left-aligned in 32 bits.
    v: Vec<[u32; BITS]>,
}

impl SobolSequence {
    /// The first `dims` dimensions; `None` when `dims` exceeds [`MAX_DIMENSIONS`].
    pub fn new(dims: usize) -> Option<SobolSequence> {
        if dims > MAX_DIMENSIONS {
            return None;
        }
        let v = (0..dims)
            .map(|d| {
                let mut m = [0u64; BITS];
                if d == 0 {
                    m = [1; BITS];
                } else {
                    let (s, a, init) = ROWS[d - 1];
                    let s = s as usize;
                    for (k, &mk) in init.iter().enumerate() {
                        m[k] = u64::from(mk);
                    }
                    // m_k = 2 a_1 m_{k-1} ⊕ 4 a_2 m_{k-2} ⊕ … ⊕ 2^s m_{k-s} ⊕ m_{k-s}
                    // (Bratley & Fox 1988; Joe & Kuo's notes), a_1 the most significant of a.
                    for k in s..BITS {
                        let mut x = m[k - s] ^ (m[k - s] << s);
                        for j in 1..s {
                            if (a >> (s - 1 - j)) & 1 == 1 {
                                x ^= m[k - j] << j;
                            }
                        }
                        m[k] = x;
                    }
                }
                let mut v = [0u32; BITS];
                for (k, vk) in v.iter_mut().enumerate() {
                    // m_k < 2^(k+1), so the shift leaves it in 32 bits.
                    *vk = (m[k] << (BITS - 1 - k)) as u32;
                }
                v
            })
            .collect();
        Some(SobolSequence { v })
    }

    /// Dimensions of the sequence.
    pub fn dims(&self) -> usize {
        self.v.len()
    }

    /// Point `i`'s coordinate in dimension `d` as a 32-bit fraction (value / 2³²).
    pub fn bits(&self, i: u32, d: usize) -> u32 {
        let gray = i ^ (i >> 1);
        let mut x = 0;
        for (k, vk) in self.v[d].iter().enumerate() {
            if (gray >> k) & 1 == 1 {
                x ^= vk;
            }
        }
        x
    }

    /// The first `n` points, each coordinate Owen-scrambled with its dimension's seed
    /// (`seeds.len()` = dimensions), as values in [0, 1): `result[point][dim]`.
    pub fn scrambled(&self, n: u32, seeds: &[u32]) -> Vec<Vec<f64>> {
        (0..n)
            .map(|i| {
                seeds
                    .iter()
                    .enumerate()
                    .map(|(d, &s)| fraction(owen_scramble(self.bits(i, d), s)))
                    .collect()
            })
            .collect()
    }
}

/// A 32-bit fraction as an `f64` in [0, 1) (exact: 32 bits fit the 53-bit mantissa).
pub fn fraction(x: u32) -> f64 {
    f64::from(x) / 4_294_967_296.0
}

/// Nested uniform scrambling of a 32-bit fraction: reverse, hash, reverse (Burley 2020).
pub fn owen_scramble(x: u32, seed: u32) -> u32 {
    laine_karras(x.reverse_bits(), seed).reverse_bits()
}

/// Burley's improved Laine–Karras permutation: additions, odd multiplications and
/// `x ^= x * even` each change a bit only through the bits below it, and each is a bijection.
fn laine_karras(mut x: u32, seed: u32) -> u32 {
    x ^= x.wrapping_mul(0x3d20_adea);
    x = x.wrapping_add(seed);
    x = x.wrapping_mul((seed >> 16) | 1);
    x ^= x.wrapping_mul(0x0552_6c56);
    x ^= x.wrapping_mul(0x53a2_2864);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_the_published_sequence() {
        // SciPy 1.17 `qmc.Sobol(d=128, scramble=False).random(8)`, dimensions 1–5.
        let expected = [
            [0.0, 0.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25, 0.25, 0.75],
            [0.25, 0.75, 0.75, 0.75, 0.25],
            [0.375, 0.375, 0.625, 0.875, 0.375],
            [0.875, 0.875, 0.125, 0.375, 0.875],
            [0.625, 0.125, 0.875, 0.625, 0.625],
            [0.125, 0.625, 0.375, 0.125, 0.125],
        ];
        let s = SobolSequence::new(MAX_DIMENSIONS).unwrap();
        for (i, row) in expected.iter().enumerate() {
            for (d, &x) in row.iter().enumerate() {
                assert_eq!(
                    fraction(s.bits(i as u32, d)),
                    x,
                    "point {i}, dimension {}",
                    d + 1
                );
            }
        }
        // Dimensions 64 and 128 of points 2..8.
        let d64 = [0.75, 0.25, 0.125, 0.625, 0.875, 0.375];
        let d128 = [0.25, 0.75, 0.625, 0.125, 0.875, 0.375];
        for i in 0..6 {
            assert_eq!(fraction(s.bits(i as u32 + 2, 63)), d64[i]);
            assert_eq!(fraction(s.bits(i as u32 + 2, 127)), d128[i]);
        }
    }

    #[test]
    fn every_dimension_matches_scipy_over_1024_points() {
        // Checksum of SciPy's `qmc.Sobol(d=128, scramble=False, bits=32).random(1024)` as
        // 32-bit integers x: sum of x · (131 i + 7 d + 1) mod 2⁶⁴; and point 1000 itself.
        let s = SobolSequence::new(128).unwrap();
        let mut sum = 0u64;
        for i in 0..1024u32 {
            for d in 0..128usize {
                let w = u64::from(i) * 131 + d as u64 * 7 + 1;
                sum = sum.wrapping_add(u64::from(s.bits(i, d)).wrapping_mul(w));
            }
        }
        assert_eq!(sum, 539_129_583_761_358_848);
        let p: Vec<u32> = [0, 1, 2, 63, 127]
            .iter()
            .map(|&d| s.bits(1000, d))
            .collect();
        assert_eq!(
            p,
            [943718400, 415236096, 2227175424, 1916796928, 2336227328]
        );
    }

    #[test]
    fn too_many_dimensions_are_refused() {
        assert!(SobolSequence::new(MAX_DIMENSIONS + 1).is_none());
        assert_eq!(SobolSequence::new(3).unwrap().dims(), 3);
    }

    /// One point per dyadic interval of length 2⁻ʲ among the first 2ᵏ points, for every j ≤ k.
    fn stratified(points: &[Vec<f64>], d: usize, k: u32) -> bool {
        (0..=k).all(|j| {
            let cells = 1usize << j;
            let mut seen = vec![0usize; cells];
            for p in &points[..1 << k] {
                seen[(p[d] * cells as f64) as usize] += 1;
            }
            seen.iter().all(|&c| c == (1 << k) / cells)
        })
    }

    #[test]
    fn scrambling_keeps_every_dyadic_stratification() {
        let s = SobolSequence::new(MAX_DIMENSIONS).unwrap();
        let seeds: Vec<u32> = (0..MAX_DIMENSIONS as u32)
            .map(|d| d.wrapping_mul(0x9E37_79B9) ^ 0x5bd1_e995)
            .collect();
        let plain: Vec<u32> = vec![0; MAX_DIMENSIONS];
        let pts = s.scrambled(1 << 10, &seeds);
        let unscrambled: Vec<Vec<f64>> = (0..1u32 << 10)
            .map(|i| {
                (0..MAX_DIMENSIONS)
                    .map(|d| fraction(s.bits(i, d)))
                    .collect()
            })
            .collect();
        for d in 0..MAX_DIMENSIONS {
            for k in 0..=10 {
                assert!(stratified(&pts, d, k), "dimension {d}, 2^{k} points");
                assert!(
                    stratified(&unscrambled, d, k),
                    "dimension {d}, 2^{k} points"
                );
            }
            assert!(pts.iter().all(|p| (0.0..1.0).contains(&p[d])));
        }
        // The scramble moves points, and differently for different seeds.
        assert_ne!(pts[0], s.scrambled(1, &plain)[0]);
        let other: Vec<u32> = seeds.iter().map(|x| x ^ 1).collect();
        assert_ne!(pts, s.scrambled(1 << 10, &other));
    }

    #[test]
    fn the_scramble_is_a_bijection_of_nested_intervals() {
        // Two fractions sharing their top j bits still share them after scrambling.
        for seed in [0u32, 1, 0xdead_beef] {
            for x in [0u32, 1, 0x8000_0000, 0x1234_5678, u32::MAX] {
                for j in 1..32 {
                    let y = x ^ (1 << (31 - j));
                    let (a, b) = (owen_scramble(x, seed), owen_scramble(y, seed));
                    assert_eq!(a >> (32 - j), b >> (32 - j), "x {x:#x}, j {j}");
                    assert_ne!(a, b);
                }
            }
        }
    }
}
