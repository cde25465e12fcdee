//! Where an ensemble's per-run results are read from: memory ([`Ensemble`](super::Ensemble)) or chunk files on
//! disk (a finished run, or the shards of one). Statistics and writers take a [`RunSource`], so
//! a run on one machine, a resumed run and a merge of shards share one code path and produce
//! the same bytes.

use std::ops::Range;

use crate::error::Result;
use crate::metrics::catalogue::scenario_metric_names;
use crate::model::StateRow;
use crate::scenario::Scenario;

/// The shape of an ensemble's results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Metric column names.
    pub metric_names: Vec<String>,
    /// Arm names, scenario order.
    pub arms: Vec<String>,
    /// Recorded steps.
    pub steps: Vec<u32>,
    /// Number of sweep points (1 without a sweep).
    pub points: usize,
    /// Whether the scenario has a `[sweep]`: the CSV tables then get a `point` column.
    pub sweep: bool,
    /// Runs per point and arm.
    pub runs: u32,
}

impl Layout {
    /// The layout of `runs` runs per arm of `scenario`.
    pub fn of(scenario: &Scenario, runs: u32) -> Layout {
        Layout {
            metric_names: scenario_metric_names(scenario),
            arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
            steps: scenario.recorded_steps(),
            points: scenario.point_count(),
            sweep: scenario.sweep.is_some(),
            runs,
        }
    }

    /// Cells: sweep points × arms, point-major.
    pub fn cells(&self) -> usize {
        self.points * self.arms.len()
    }

    /// The (point, arm) of a cell.
    pub fn cell_of(&self, cell: usize) -> (usize, usize) {
        let arms = self.arms.len().max(1);
        (cell / arms, cell % arms)
    }

    /// The cell of (point, arm).
    pub fn cell(&self, point: usize, arm: usize) -> usize {
        point * self.arms.len() + arm
    }

    /// Values per run and cell: recorded steps × metrics, step-major.
    pub fn groups(&self) -> usize {
        self.steps.len() * self.metric_names.len()
    }
}

/// One run of one cell, as the writers see it.
#[derive(Clone, Copy, Debug)]
pub struct RunView<'a> {
    /// Sweep point.
    pub point: usize,
    /// Arm index.
    pub arm: usize,
    /// Run index.
    pub run: u32,
    /// Its seed.
    pub seed: u64,
    /// Metric values, step-major (`values[step_index · metrics + metric]`); None = undefined.
    pub values: &'a [Option<f64>],
    /// Nation states, if they were kept.
    pub states: &'a [StateRow],
}

/// Per-run results, readable column-wise (for statistics) and run-wise (for the tables).
pub trait RunSource: Sync {
    /// The shape of the results.
    fn layout(&self) -> Layout;

    /// Every run's values of `groups` in `cell`: `out[(g − groups.start) · runs + run]`, NaN
    /// where a metric is undefined.
    fn columns(&self, cell: usize, groups: Range<usize>) -> Result<Vec<f64>>;

    /// Calls `f` for every run of `cell`, in run order.
    fn for_each_run(
        &self,
        cell: usize,
        f: &mut dyn FnMut(&RunView<'_>) -> Result<()>,
    ) -> Result<()>;
}
