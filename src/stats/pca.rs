//! Principal component analysis: the eigen-decomposition of a symmetric matrix by Jacobi
//! rotations, and the projection of points on their first two principal components.
//!
//! Pure linear algebra on plain slices, with a sign convention that makes the result
//! deterministic, so a chart drawn from the same points is the same bytes.

/// Eigenvalues and unit eigenvectors of a symmetric matrix (row-major `k×k`) by cyclic Jacobi
/// rotations, sorted by decreasing eigenvalue. Each vector's largest-magnitude entry (the first
/// of equals) is made positive, so the result is deterministic.
pub fn symmetric_eigen(matrix: &[f64], k: usize) -> Vec<(f64, Vec<f64>)> {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * k + j] * a[i * k + j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let (arp, arq) = (a[r * k + p], a[r * k + q]);
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let (apr, aqr) = (a[p * k + r], a[q * k + r]);
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let (vrp, vrq) = (v[r * k + p], v[r * k + q]);
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    let mut pairs: Vec<(f64, Vec<f64>)> = (0..k)
        .map(|j| {
            let mut vec: Vec<f64> = (0..k).map(|r| v[r * k + j]).collect();
            let lead = vec
                .iter()
                .fold(0.0_f64, |m, x| if x.abs() > m.abs() { *x } else { m });
            if lead < 0.0 {
                vec.iter_mut().for_each(|x| *x = -*x);
            }
            (a[j * k + j], vec)
        })
        .collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    pairs
}

/// Projects rows (each of length `k`) on their first two principal components. Returns the
/// 2-D points and the share of variance each component explains.
pub fn pca_2d(rows: &[Vec<f64>], k: usize) -> (Vec<(f64, f64)>, [f64; 2]) {
    let n = rows.len();
    if n == 0 || k == 0 {
        return (vec![(0.0, 0.0); n], [0.0, 0.0]);
    }
    let mean: Vec<f64> = (0..k)
        .map(|d| rows.iter().map(|r| r[d]).sum::<f64>() / n as f64)
        .collect();
    let mut cov = vec![0.0; k * k];
    for r in rows {
        for i in 0..k {
            for j in 0..k {
                cov[i * k + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / n as f64;
            }
        }
    }
    let eigen = symmetric_eigen(&cov, k);
    let total: f64 = eigen.iter().map(|e| e.0.max(0.0)).sum();
    let component = |c: usize| eigen.get(c).map(|e| e.1.clone());
    let (pc1, pc2) = (component(0), component(1));
    let project = |r: &Vec<f64>, pc: &Option<Vec<f64>>| {
        pc.as_ref().map_or(0.0, |v| {
            (0..k).map(|d| (r[d] - mean[d]) * v[d]).sum::<f64>()
        })
    };
    let points = rows
        .iter()
        .map(|r| (project(r, &pc1), project(r, &pc2)))
        .collect();
    let share = |c: usize| {
        if total > 0.0 {
            eigen.get(c).map_or(0.0, |e| e.0.max(0.0) / total)
        } else {
            0.0
        }
    };
    (points, [share(0), share(1)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_a_line_project_along_it() {
        // Points on the line (t, 2t, 0): PC1 ∝ (1, 2, 0)/√5 with all variance, PC2 none.
        let rows: Vec<Vec<f64>> = [0.0, 0.1, 0.2, 0.4]
            .iter()
            .map(|&t| vec![t, 2.0 * t, 0.3])
            .collect();
        let eigen = {
            let (points, share) = pca_2d(&rows, 3);
            assert!((share[0] - 1.0).abs() < 1e-12 && share[1].abs() < 1e-12);
            for (p, t) in points.iter().zip([0.0, 0.1, 0.2, 0.4]) {
                // Centred on the mean t = 0.175, scaled by |(1, 2)| = √5.
                assert!((p.0 - (t - 0.175) * 5f64.sqrt()).abs() < 1e-12, "{p:?}");
                assert!(p.1.abs() < 1e-12);
            }
            let mut cov = vec![0.0; 9];
            cov[0] = 1.0;
            cov[1] = 2.0;
            cov[3] = 2.0;
            cov[4] = 4.0;
            symmetric_eigen(&cov, 3)
        };
        assert!((eigen[0].0 - 5.0).abs() < 1e-12);
        let v = &eigen[0].1;
        let s = 5f64.sqrt();
        assert!(
            (v[0] - 1.0 / s).abs() < 1e-12 && (v[1] - 2.0 / s).abs() < 1e-12,
            "{v:?}"
        );
    }

    #[test]
    fn sign_convention_makes_the_largest_entry_positive() {
        // Diagonal matrix with eigenvalues 3 and 1, and its rotation by 90°.
        let e = symmetric_eigen(&[1.0, 0.0, 0.0, 3.0], 2);
        assert_eq!(e[0].0, 3.0);
        assert_eq!(e[0].1, vec![0.0, 1.0]);
        assert_eq!(e[1].1, vec![1.0, 0.0]);
        // Mirrored data give the same projection (up to the sign fixed by the convention).
        let a = pca_2d(&[vec![0.0, 0.0], vec![1.0, 0.5], vec![0.2, 0.9]], 2);
        let b = pca_2d(&[vec![0.0, 0.0], vec![1.0, 0.5], vec![0.2, 0.9]], 2);
        assert_eq!(a, b);
    }
}
