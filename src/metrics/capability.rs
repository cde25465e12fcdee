//! Capability metrics: inequality of AI capability, and one group's mean relative to the rest.

/// Gini coefficient G = Σ_i Σ_j |c_i − c_j| / (2 n² mean); 0 when n==0 or mean<=0. Compute in O(n log n) by sorting a copy (sort with f64::total_cmp).
///
/// On the ascending order statistics x_(1) ≤ … ≤ x_(n) the double sum equals
/// 2 Σ_i (2i − n − 1) x_(i), hence G = Σ_i (2i − n − 1) x_(i) / (n Σ_i x_i). A NaN value
/// makes the mean NaN, which is treated like mean ≤ 0 (result 0).
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return 0.0;
    }
    let nf = n as f64;
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i + 1) as f64 - nf - 1.0) * x)
        .sum();
    weighted / (nf * total)
}

/// mean(values where in_group) / mean(values where !in_group); None when either side is empty or the denominator mean is 0.
///
/// Used for e.g. the Global South's mean capability relative to everyone else: a ratio of
/// means rather than of sums, so group sizes do not matter. Pairs are taken in order up to the
/// shorter of the two slices.
pub fn group_mean_ratio(values: &[f64], in_group: &[bool]) -> Option<f64> {
    debug_assert_eq!(values.len(), in_group.len());
    let (mut in_sum, mut in_n, mut out_sum, mut out_n) = (0.0, 0usize, 0.0, 0usize);
    for (&v, &g) in values.iter().zip(in_group) {
        if g {
            in_sum += v;
            in_n += 1;
        } else {
            out_sum += v;
            out_n += 1;
        }
    }
    if in_n == 0 || out_n == 0 {
        return None;
    }
    let denominator = out_sum / out_n as f64;
    if denominator == 0.0 {
        return None;
    }
    Some((in_sum / in_n as f64) / denominator)
}
