//! One row of the sorted pass ([`super::sorted`]) for K > 1: nation p against every later
//! position it visits, in one sweep over the pairs.
//!
//! Each pair's Σ_d (x_p\[d\] − x_q\[d\])² feeds three things at once: its square root into
//! the dispersion lanes, its weight into the far lanes when it exceeds δ inside the window,
//! and its position into `joined` when it is near and not yet in p's component. Nothing is
//! stored between the sums and their uses, and every sum goes into one of [`LANES`] fixed
//! lanes: one running total is a chain of dependent additions, which bounded the whole row
//! by the adder's latency.
//!
//! [`row_body`] is the definition and the portable path; on x86-64 with AVX2 (checked at run
//! time) [`row_for_this_machine`] gives a path written with vector instructions, four pairs
//! per instruction, because the compiler left the comparisons and masks of the portable path
//! scalar. Both do the same IEEE operations per lane in the same order (no fused
//! multiply-add), so their bits are equal, which a proptest checks.

/// Lanes of the row sums: fixed, not the machine's vector width, so that the order of
/// additions (and so every bit) is the same everywhere; 8 fills AVX-512 registers and two
/// AVX ones.
pub(super) const LANES: usize = 8;

/// What one row reads: nation p (a sorted position) against positions p+1..visit.
pub(super) struct Row<'a> {
    /// Dimension-major stances in sorted order: column d holds x_·\[d\], `n` values.
    pub(super) columns: &'a [f64],
    /// Nations.
    pub(super) n: usize,
    /// Dimensions (≥ 1).
    pub(super) dims: usize,
    /// The row's position.
    pub(super) p: usize,
    /// One past the last position visited.
    pub(super) visit: usize,
    /// The window end: positions from here on add nothing to the far lanes (the caller
    /// takes their weight from suffix sums, so it does not depend on how far a row visits).
    pub(super) end: usize,
    /// Weights in sorted order.
    pub(super) weights: &'a [f64],
    /// The largest sum of squares within δ ([`super::squared_threshold`]).
    pub(super) limit: f64,
    /// The union-find parents of the positions (read only).
    pub(super) parent: &'a [usize],
    /// The root of p's component.
    pub(super) root: usize,
}

/// What one row adds to, position k of the row (q = p + 1 + k) in lane k mod [`LANES`].
pub(super) struct RowSums<'a> {
    /// With dispersion: the distances times √K.
    pub(super) roots: Option<&'a mut [f64; LANES]>,
    /// The weights of the far positions in the window. A near position adds +0, which leaves
    /// a lane's bits as skipping it would.
    pub(super) far: &'a mut [f64; LANES],
    /// With components: the near positions not hanging from `root` already, ascending (the
    /// others are in p's component, so joining them would change nothing).
    pub(super) joined: Option<&'a mut Vec<usize>>,
}

/// A row kernel: [`row_body`] or a vector path with its bits.
pub(super) type RowKernel = fn(&Row, &mut RowSums);

/// The fastest [`RowKernel`] this machine runs.
pub(super) fn row_for_this_machine() -> RowKernel {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        return |row, sums| {
            // SAFETY: the CPU supports AVX2, checked just above; nothing else is required.
            unsafe { avx2::row(row, sums) }
        };
    }
    row_body
}

/// The definition: position k of the row in lane k mod [`LANES`] (so the last few, after
/// the whole groups of [`LANES`], fill the first lanes).
pub(super) fn row_body(row: &Row, sums: &mut RowSums) {
    for (k, q) in (row.p + 1..row.visit).enumerate() {
        settle(row, sums, q, k % LANES);
    }
}

/// Adds position `q`, in lane `l`, to the sums.
#[inline(always)]
fn settle(row: &Row, sums: &mut RowSums, q: usize, l: usize) {
    let s = squares(row, q);
    if let Some(roots) = sums.roots.as_deref_mut() {
        roots[l] += s.sqrt();
    }
    let near = s <= row.limit;
    sums.far[l] += if !near && q < row.end {
        row.weights[q]
    } else {
        0.0
    };
    if let Some(joined) = sums.joined.as_deref_mut()
        && near
        && row.parent[q] != row.root
    {
        joined.push(q);
    }
}

/// Σ_d (x_p\[d\] − x_q\[d\])² in dimension order, as under [`super::distance()`]'s root, so
/// that comparing it with the limit decides as [`super::distance()`] does.
#[inline(always)]
fn squares(row: &Row, q: usize) -> f64 {
    let mut columns = row.columns.chunks_exact(row.n).take(row.dims);
    let Some(first) = columns.next() else {
        return 0.0;
    };
    let t = first[row.p] - first[q];
    columns.fold(t * t, |acc, column| {
        let t = column[row.p] - column[q];
        acc + t * t
    })
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! [`super::row_body`] in AVX2 instructions: each [`LANES`]-position chunk as two
    //! registers of four, the far weights selected by masks and the positions to join read off
    //! a compare of the parents with the root, so a chunk whose near positions all hang from
    //! the root costs one predictable branch.

    use std::arch::x86_64::{
        __m256d, __m256i, _CMP_LE_OQ, _CMP_LT_OQ, _mm256_add_pd, _mm256_and_pd, _mm256_andnot_pd,
        _mm256_castsi256_pd, _mm256_cmp_pd, _mm256_cmpeq_epi64, _mm256_loadu_pd,
        _mm256_loadu_si256, _mm256_movemask_pd, _mm256_mul_pd, _mm256_set1_epi64x, _mm256_set1_pd,
        _mm256_setr_pd, _mm256_sqrt_pd, _mm256_storeu_pd, _mm256_sub_pd,
    };

    use super::{LANES, Row, RowSums, settle};

    /// Eight values from `values[at..at + 8]` (bounds checked once) as two registers.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(values: &[f64], at: usize) -> (__m256d, __m256d) {
        let eight = &values[at..at + LANES];
        // SAFETY: `eight` holds 8 doubles, so both unaligned loads of 4 are inside it.
        unsafe {
            (
                _mm256_loadu_pd(eight.as_ptr()),
                _mm256_loadu_pd(eight.as_ptr().add(4)),
            )
        }
    }

    /// Eight indices from `values[at..at + 8]` (bounds checked once) as two registers of
    /// 64-bit integers.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load_indices(values: &[usize], at: usize) -> (__m256i, __m256i) {
        let eight = &values[at..at + LANES];
        let lanes: *const __m256i = eight.as_ptr().cast();
        // SAFETY: `eight` holds 8 `usize`, 8 bytes each on x86-64, so both unaligned loads of
        // 32 bytes are inside it.
        unsafe { (_mm256_loadu_si256(lanes), _mm256_loadu_si256(lanes.add(1))) }
    }

    /// Stores two registers into `lanes`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store(lanes: &mut [f64; LANES], (low, high): (__m256d, __m256d)) {
        // SAFETY: `lanes` holds 8 doubles, so both unaligned stores of 4 are inside it.
        unsafe {
            _mm256_storeu_pd(lanes.as_mut_ptr(), low);
            _mm256_storeu_pd(lanes.as_mut_ptr().add(4), high);
        }
    }

    /// [`super::row_body`], the whole chunks in vector registers (the low and the high four
    /// lanes of each sum as a pair).
    #[target_feature(enable = "avx2")]
    pub(super) fn row(row: &Row, sums: &mut RowSums) {
        let start = row.p + 1;
        let count = row.visit.saturating_sub(start);
        let whole = start + count - count % LANES;
        let (n, p) = (row.n, row.p);
        let limit = _mm256_set1_pd(row.limit);
        let end = _mm256_set1_pd(row.end as f64);
        let root = _mm256_set1_epi64x(row.root as i64);
        let step = _mm256_set1_pd(LANES as f64);
        let with_roots = sums.roots.is_some();
        let with_joined = sums.joined.is_some();
        let mut roots = load(sums.roots.as_deref().unwrap_or(&[0.0; LANES]), 0);
        let mut far = load(sums.far, 0);
        // Positions as doubles (exact below 2⁵³), compared with the window end.
        let first = start as f64;
        let mut index = (
            _mm256_setr_pd(first, first + 1.0, first + 2.0, first + 3.0),
            _mm256_setr_pd(first + 4.0, first + 5.0, first + 6.0, first + 7.0),
        );
        let mut columns = row.columns[..row.dims * n].chunks_exact(n);
        let Some(column0) = columns.next() else {
            return;
        };
        let mut base = start;
        while base < whole {
            let square = |column: &[f64]| {
                let xp = _mm256_set1_pd(column[p]);
                let (low, high) = load(column, base);
                let (t, u) = (_mm256_sub_pd(xp, low), _mm256_sub_pd(xp, high));
                (_mm256_mul_pd(t, t), _mm256_mul_pd(u, u))
            };
            let mut s = square(column0);
            for column in columns.clone() {
                let (low, high) = square(column);
                s = (_mm256_add_pd(s.0, low), _mm256_add_pd(s.1, high));
            }
            if with_roots {
                roots.0 = _mm256_add_pd(roots.0, _mm256_sqrt_pd(s.0));
                roots.1 = _mm256_add_pd(roots.1, _mm256_sqrt_pd(s.1));
            }
            let near = (
                _mm256_cmp_pd::<_CMP_LE_OQ>(s.0, limit),
                _mm256_cmp_pd::<_CMP_LE_OQ>(s.1, limit),
            );
            let weights = load(row.weights, base);
            let inside = (
                _mm256_cmp_pd::<_CMP_LT_OQ>(index.0, end),
                _mm256_cmp_pd::<_CMP_LT_OQ>(index.1, end),
            );
            far.0 = _mm256_add_pd(
                far.0,
                _mm256_andnot_pd(near.0, _mm256_and_pd(inside.0, weights.0)),
            );
            far.1 = _mm256_add_pd(
                far.1,
                _mm256_andnot_pd(near.1, _mm256_and_pd(inside.1, weights.1)),
            );
            index = (_mm256_add_pd(index.0, step), _mm256_add_pd(index.1, step));
            if with_joined {
                let parent = load_indices(row.parent, base);
                let at_root = (
                    _mm256_castsi256_pd(_mm256_cmpeq_epi64(parent.0, root)),
                    _mm256_castsi256_pd(_mm256_cmpeq_epi64(parent.1, root)),
                );
                let mut need = _mm256_movemask_pd(_mm256_andnot_pd(at_root.0, near.0)) as u32
                    | (_mm256_movemask_pd(_mm256_andnot_pd(at_root.1, near.1)) as u32) << 4;
                if need != 0
                    && let Some(joined) = sums.joined.as_deref_mut()
                {
                    while need != 0 {
                        joined.push(base + need.trailing_zeros() as usize);
                        need &= need - 1;
                    }
                }
            }
            base += LANES;
        }
        if let Some(lanes) = sums.roots.as_deref_mut() {
            store(lanes, roots);
        }
        store(sums.far, far);
        for (l, q) in (whole..row.visit).enumerate() {
            settle(row, sums, q, l);
        }
    }
}
