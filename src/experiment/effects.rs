//! Paired effects: each arm against the reference arm, run by run.
//!
//! Arms share per-run seeds (common random numbers), so run r of arm A and run r of the
//! reference saw the same random history; the difference A_r − ref_r isolates the arm's
//! change. Statistics of these paired differences are far tighter than a comparison of
//! the two arms' means, because the shared noise cancels.

use super::ensemble::{batches, per_column};
use super::source::RunSource;
use super::stats::{Summary, summarize};
use crate::error::Result;

/// At which recorded steps paired effects are computed (`--effects`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EffectSteps {
    /// The final recorded step.
    Final,
    /// Every recorded step.
    All,
}

impl EffectSteps {
    /// The value as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            EffectSteps::Final => "final",
            EffectSteps::All => "all",
        }
    }

    /// Whether every recorded step is wanted: [`paired_effects`]' `all_steps`.
    pub fn all_steps(self) -> bool {
        self == EffectSteps::All
    }
}

/// One row of `effects.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectRow {
    /// Sweep point (0 without a sweep); arm and reference are compared at the same point.
    pub point: usize,
    /// The arm being compared.
    pub arm: usize,
    /// The reference arm.
    pub reference: usize,
    /// Metric index.
    pub metric: usize,
    /// Recorded step.
    pub step: u32,
    /// Statistics of the per-run differences arm − reference (None when no run has both).
    pub summary: Option<Summary>,
    /// Share of paired runs where the arm is below the reference by more than
    /// 1e-12 relative (`TIE_TOLERANCE`).
    pub share_lower: f64,
    /// Share of paired runs where the arm is above the reference by more than
    /// 1e-12 relative (`TIE_TOLERANCE`).
    pub share_higher: f64,
}

/// Paired effects of every arm except `reference`, for every metric, at the final recorded
/// step or (with `all_steps`) at every recorded step, at every sweep point (arm and reference
/// at the same point). Rows are ordered by point, arm, step, metric.
pub fn paired_effects(
    src: &(impl RunSource + ?Sized),
    reference: usize,
    all_steps: bool,
) -> Result<Vec<EffectRow>> {
    let l = src.layout();
    let arms = l.arms.len();
    if arms == 0 || reference >= arms {
        return Ok(Vec::new());
    }
    let m = l.metric_names.len().max(1);
    let groups = if all_steps {
        0..l.groups()
    } else {
        l.groups().saturating_sub(l.metric_names.len())..l.groups()
    };
    let mut rows = Vec::new();
    let cells = (0..l.points).flat_map(|p| (0..arms).map(move |a| (p, a)));
    for (point, arm) in cells.filter(|(_, a)| *a != reference) {
        // Two cells' columns are held at once: half the budget each.
        for batch in batches(groups.clone(), l.runs, 2) {
            let a = src.columns(l.cell(point, arm), batch.clone())?;
            let r = src.columns(l.cell(point, reference), batch.clone())?;
            let diffs: Vec<f64> = a.iter().zip(&r).map(|(x, y)| x - y).collect();
            let signs: Vec<f64> = a.iter().zip(&r).map(|(&x, &y)| sign(x, y)).collect();
            let summaries = per_column(&diffs, batch.len(), |d| summarize(&finite(d)));
            let shares = per_column(&signs, batch.len(), shares_of);
            for (g, (summary, (share_lower, share_higher))) in
                batch.zip(summaries.into_iter().zip(shares))
            {
                rows.push(EffectRow {
                    point,
                    arm,
                    reference,
                    metric: g % m,
                    step: l.steps[g / m],
                    summary,
                    share_lower,
                    share_higher,
                });
            }
        }
    }
    Ok(rows)
}

/// Relative tolerance within which two paired values count as a tie in `share_lower` and
/// `share_higher`: the same blocs reached by two arms may differ in the last bits of a sum,
/// which is no effect.
pub const TIE_TOLERANCE: f64 = 1e-12;

/// The sign of x − y as −1, 0 (a tie: |x − y| ≤ [`TIE_TOLERANCE`] · max(|x|, |y|)) or 1; NaN
/// when either is undefined.
fn sign(x: f64, y: f64) -> f64 {
    let d = x - y;
    if !d.is_finite() {
        f64::NAN
    } else if d.abs() <= TIE_TOLERANCE * x.abs().max(y.abs()) {
        0.0
    } else {
        d.signum()
    }
}

/// The finite values of a column: runs where either arm is undefined give a non-finite
/// difference and are left out.
fn finite(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|d| d.is_finite()).collect()
}

/// (share lower, share higher) of one column of [`sign`]s, over the runs defined in both arms.
fn shares_of(signs: &[f64]) -> (f64, f64) {
    let signs = finite(signs);
    let n = signs.len().max(1) as f64;
    (
        signs.iter().filter(|s| **s < 0.0).count() as f64 / n,
        signs.iter().filter(|s| **s > 0.0).count() as f64 / n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{Ensemble, RunRecord};
    use crate::model::RunOutput;

    /// Two arms × 3 runs × 1 step × 1 metric with the given values.
    fn ensemble(reference: [f64; 3], arm: [Option<f64>; 3]) -> Ensemble {
        let record = |a: usize, r: u32, v: Option<f64>| RunRecord {
            point: 0,
            arm: a,
            run: r,
            seed: u64::from(r),
            output: RunOutput {
                steps: vec![5],
                metrics: vec![vec![v]],
                states: Vec::new(),
            },
        };
        let mut runs: Vec<RunRecord> = (0..3u32)
            .map(|r| record(0, r, Some(reference[r as usize])))
            .collect();
        runs.extend((0..3u32).map(|r| record(1, r, arm[r as usize])));
        Ensemble {
            metric_names: vec!["fragmentation".into()],
            arms: vec!["base".into(), "body".into()],
            steps: vec![5],
            points: 1,
            sweep: false,
            runs,
        }
    }

    #[test]
    fn hand_computed_paired_differences() {
        // Differences: 0.1 − 0.5 = −0.4, 0.3 − 0.4 = −0.1, 0.6 − 0.4 = 0.2 (ties none).
        let e = ensemble([0.5, 0.4, 0.4], [Some(0.1), Some(0.3), Some(0.6)]);
        let rows = paired_effects(&e, 0, false).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.arm, r.reference, r.metric, r.step), (1, 0, 0, 5));
        let s = r.summary.unwrap();
        assert_eq!(s.n, 3);
        assert!((s.mean - (-0.1)).abs() < 1e-12);
        // sd = sqrt(((−0.3)² + 0² + 0.3²) / 2) = 0.3; CI = −0.1 ± t(0.975, 2)·0.3/√3.
        assert!((s.sd - 0.3).abs() < 1e-12);
        let half = 4.302_652_729_911_275 * 0.3 / 3f64.sqrt();
        assert!((s.ci95_lo - (-0.1 - half)).abs() < 1e-9);
        assert!((s.ci95_hi - (-0.1 + half)).abs() < 1e-9);
        assert_eq!((r.share_lower, r.share_higher), (2.0 / 3.0, 1.0 / 3.0));
    }

    #[test]
    fn differences_within_the_tie_tolerance_are_ties() {
        // 8 blocs summed in two orders differ in the last bit: a tie, not an effect.
        let eight = 8.0_f64;
        let nearly = f64::from_bits(eight.to_bits() + 1);
        let e = ensemble(
            [eight, 0.4, 0.4],
            [Some(nearly), Some(0.4 + 1e-9), Some(0.3)],
        );
        let r = &paired_effects(&e, 0, false).unwrap()[0];
        assert_eq!((r.share_lower, r.share_higher), (1.0 / 3.0, 1.0 / 3.0));
        assert_eq!(sign(1.0, 1.0 + 2e-12), -1.0);
        assert_eq!(sign(1.0, 1.0 + 0.5e-12), 0.0);
        assert_eq!(sign(0.0, 0.0), 0.0);
        assert_eq!(sign(0.0, 1e-300), -1.0);
        assert!(sign(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn runs_undefined_in_either_arm_are_left_out() {
        let e = ensemble([0.5, 0.4, 0.4], [Some(0.1), None, Some(0.6)]);
        let s = paired_effects(&e, 0, false).unwrap()[0].summary.unwrap();
        assert_eq!(s.n, 2);
        assert!((s.mean - (-0.1)).abs() < 1e-12);
    }

    #[test]
    fn the_reference_can_be_any_arm() {
        let e = ensemble([0.5, 0.4, 0.4], [Some(0.1), Some(0.3), Some(0.6)]);
        let rows = paired_effects(&e, 1, true).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].arm, rows[0].reference), (0, 1));
        assert!((rows[0].summary.unwrap().mean - 0.1).abs() < 1e-12);
    }
}
