//! Running every (arm, run) of a scenario, reading the runs back as a [`RunSource`], and
//! summarising them.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::cells::{Cell, CellScenarios};
use super::source::{Layout, RunSource, RunView};
use super::stats::{Summary, summarize as summarize_values};
use crate::error::{Error, Result};
use crate::metrics::catalogue::scenario_metric_names;
use crate::model::{RunOutput, StatesMode, simulate};
use crate::scenario::Scenario;
use crate::seed::run_seed;

/// How to run an ensemble.
#[derive(Clone, Debug)]
pub struct EnsembleConfig {
    /// Runs per arm.
    pub runs: u32,
    /// Master seed.
    pub seed: u64,
    /// Worker threads; `None` = all cores. Never changes results.
    pub threads: Option<usize>,
    /// Which nation states to keep.
    pub states: StatesMode,
}

impl EnsembleConfig {
    /// The scenario's own `[experiment]` settings.
    pub fn from_scenario(s: &Scenario) -> Self {
        EnsembleConfig {
            runs: s.experiment.runs,
            seed: s.experiment.seed,
            threads: None,
            states: StatesMode::None,
        }
    }
}

/// One simulated run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// Sweep point index (0 without a sweep).
    pub point: usize,
    /// Arm index.
    pub arm: usize,
    /// Run index within the arm (0-based).
    pub run: u32,
    /// The run's seed (shared by all arms).
    pub seed: u64,
    /// What it produced.
    pub output: RunOutput,
}

/// All runs of all arms at all sweep points, in (point, arm, run) order.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
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
    /// Runs, point-major, then arm-major.
    pub runs: Vec<RunRecord>,
}

impl Ensemble {
    /// Runs per (point, arm).
    pub fn runs_per_arm(&self) -> usize {
        self.runs.len() / (self.arms.len() * self.points).max(1)
    }

    /// The runs of arm `arm` at point `point`, in run order.
    pub fn arm_runs(&self, point: usize, arm: usize) -> &[RunRecord] {
        let n = self.runs_per_arm();
        let start = (point * self.arms.len() + arm) * n;
        self.runs.get(start..start + n).unwrap_or(&[])
    }
}

impl RunSource for Ensemble {
    fn layout(&self) -> Layout {
        Layout {
            metric_names: self.metric_names.clone(),
            arms: self.arms.clone(),
            steps: self.steps.clone(),
            points: self.points,
            sweep: self.sweep,
            runs: self.runs_per_arm() as u32,
        }
    }

    fn columns(&self, cell: usize, groups: Range<usize>) -> Result<Vec<f64>> {
        let m = self.metric_names.len().max(1);
        let runs: Vec<&RunRecord> = cell_runs(self, cell).collect();
        let mut out = Vec::with_capacity(groups.len() * runs.len());
        for g in groups {
            out.extend(runs.iter().map(|r| {
                r.output
                    .metrics
                    .get(g / m)
                    .and_then(|row| row.get(g % m))
                    .copied()
                    .flatten()
                    .unwrap_or(f64::NAN)
            }));
        }
        Ok(out)
    }

    fn for_each_run(
        &self,
        cell: usize,
        f: &mut dyn FnMut(&RunView<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut values = Vec::new();
        for r in cell_runs(self, cell) {
            values.clear();
            values.extend(r.output.metrics.iter().flatten().copied());
            f(&RunView {
                point: r.point,
                arm: r.arm,
                run: r.run,
                seed: r.seed,
                values: &values,
                states: &r.output.states,
            })?;
        }
        Ok(())
    }
}

/// The records of `cell` in run order. Filtering (rather than indexing) also serves partial
/// ensembles such as `accord replay`'s single run.
fn cell_runs(e: &Ensemble, cell: usize) -> impl Iterator<Item = &RunRecord> {
    let arms = e.arms.len().max(1);
    e.runs
        .iter()
        .filter(move |r| r.point * arms + r.arm == cell)
}

/// Bytes we allow results to take in memory before refusing with advice.
const MEMORY_BUDGET: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;

/// Simulates every run of every arm. `progress` is called once per finished run.
pub fn run_ensemble(
    scenario: &Scenario,
    config: &EnsembleConfig,
    progress: &(dyn Fn() + Sync),
) -> Result<Ensemble> {
    run_ensemble_until(scenario, config, progress, &AtomicBool::new(false))
}

/// [`run_ensemble`], giving up with [`Error::Interrupted`] soon after `stop` is set (runs in
/// flight finish; no new run starts), e.g. from a Ctrl-C handler.
pub fn run_ensemble_until(
    scenario: &Scenario,
    config: &EnsembleConfig,
    progress: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<Ensemble> {
    let points = scenario.point_count();
    let n_arms = scenario.arms.len();
    let cells = CellScenarios::new(scenario);
    let steps = scenario.recorded_steps();
    let names = scenario_metric_names(scenario);
    check_memory(scenario, config, steps.len(), names.len())?;
    let runs = config.runs;
    let total = (points * n_arms) as u64 * u64::from(runs);
    let job = |last: &mut Option<Cell>, i: u64| {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let cell = (i / u64::from(runs)) as usize;
        let (point, arm) = (cell / n_arms.max(1), cell % n_arms.max(1));
        let run = (i % u64::from(runs)) as u32;
        // Common random numbers: run r has the same seed at every point and in every arm.
        let seed = run_seed(config.seed, u64::from(run));
        let output = cells.simulate(last, point, arm, seed, config.states);
        progress();
        Some(RunRecord {
            point,
            arm,
            run,
            seed,
            output,
        })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads.unwrap_or(0))
        .build()
        .map_err(|source| Error::ThreadPool {
            threads: config.threads,
            source,
        })?;
    // `collect` on an indexed parallel iterator keeps input order whatever the schedule.
    let records: Option<Vec<RunRecord>> =
        pool.install(|| (0..total).into_par_iter().map_init(|| None, job).collect());
    let records = records.ok_or(Error::Interrupted)?;
    Ok(Ensemble {
        metric_names: names,
        arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
        steps,
        points,
        sweep: scenario.sweep.is_some(),
        runs: records,
    })
}

/// One run of one arm at one sweep point as a one-run [`Ensemble`], exactly as
/// [`run_ensemble`] simulates it (arm `arm` of `scenario` at point `point`, seed
/// [`run_seed`]`(seed, run)`, no states): what `accord replay` re-simulates. `arm` must be a
/// valid arm index and `point` a valid point (0 without a sweep).
pub fn run_single(scenario: &Scenario, seed: u64, point: usize, arm: usize, run: u32) -> Ensemble {
    let run_seed = run_seed(seed, u64::from(run));
    let output = simulate(
        &scenario.at_point(point).for_arm(arm),
        run_seed,
        StatesMode::None,
    );
    Ensemble {
        metric_names: scenario_metric_names(scenario),
        arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
        steps: scenario.recorded_steps(),
        points: scenario.point_count(),
        sweep: scenario.sweep.is_some(),
        runs: vec![RunRecord {
            point,
            arm,
            run,
            seed: run_seed,
            output,
        }],
    }
}

fn check_memory(s: &Scenario, c: &EnsembleConfig, steps: usize, metrics: usize) -> Result<()> {
    let runs = s.point_count() as f64 * s.arms.len() as f64 * f64::from(c.runs);
    let mut bytes = runs * steps as f64 * metrics as f64 * 16.0;
    let state_steps = match c.states {
        StatesMode::None => 0.0,
        StatesMode::Final => 1.0,
        StatesMode::All => steps as f64,
    };
    bytes +=
        runs * state_steps * s.nation_count() as f64 * (s.dimensions.len() as f64 * 8.0 + 64.0);
    if bytes > MEMORY_BUDGET {
        return Err(Error::Usage(format!(
            "this ensemble would keep about {:.1} GiB of results in memory (limit {:.0} GiB); \
             use fewer runs or sweep points, record fewer steps with `[metrics] every`, or a lighter `--states`",
            bytes / 1024f64.powi(3),
            MEMORY_BUDGET / 1024f64.powi(3)
        )));
    }
    Ok(())
}

/// One row of `summary.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Sweep point index (0 without a sweep).
    pub point: usize,
    /// Arm index.
    pub arm: usize,
    /// Recorded step.
    pub step: u32,
    /// Metric index.
    pub metric: usize,
    /// Statistics over runs (None when the metric is undefined in every run).
    pub summary: Option<Summary>,
}

/// Bytes of column data the statistics hold at once: with a million runs per arm one
/// (metric, step) column is 8 MB, so columns are taken in batches within this budget. 32 MB
/// rather than 64: the peak of writing a 10⁶-runs-per-arm folder fell from 194 to 148 MB and
/// its time did not grow (each batch reads only its columns of every chunk).
const COLUMN_BUDGET: usize = 32 << 20;

/// `groups` split into batches whose columns of `runs` values fit [`COLUMN_BUDGET`] / `share`.
pub(crate) fn batches(groups: Range<usize>, runs: u32, share: usize) -> Vec<Range<usize>> {
    let per = (COLUMN_BUDGET / share.max(1) / (runs.max(1) as usize * 8)).max(1);
    groups
        .clone()
        .step_by(per)
        .map(|start| start..(start + per).min(groups.end))
        .collect()
}

/// Summaries per sweep point, arm, recorded step and metric, in that order. Values are taken
/// in run order, so the floating-point sums are the same on every machine, thread count and
/// shard split; memory is bounded by a fixed column budget (32 MB), not by the number of runs.
pub fn summarize(src: &(impl RunSource + ?Sized)) -> Result<Vec<SummaryRow>> {
    let mut rows = Vec::new();
    summarize_each(src, |row| {
        rows.push(row);
        Ok(())
    })?;
    Ok(rows)
}

/// [`summarize`], handing each row to `f` as it is computed, so that a summary of a million
/// recorded steps is written without being held.
pub fn summarize_each(
    src: &(impl RunSource + ?Sized),
    mut f: impl FnMut(SummaryRow) -> Result<()>,
) -> Result<()> {
    let l = src.layout();
    let m = l.metric_names.len().max(1);
    for cell in 0..l.cells() {
        let (point, arm) = l.cell_of(cell);
        for batch in batches(0..l.groups(), l.runs, 1) {
            let columns = src.columns(cell, batch.clone())?;
            let summaries = per_column(&columns, batch.len(), summarize_values);
            for (g, summary) in batch.zip(summaries) {
                f(SummaryRow {
                    point,
                    arm,
                    step: l.steps[g / m],
                    metric: g % m,
                    summary,
                })?;
            }
        }
    }
    Ok(())
}

/// `f` of each of the `count` equal columns packed in `values`, in parallel, in column order.
pub(crate) fn per_column<T: Send>(
    values: &[f64],
    count: usize,
    f: impl Fn(&[f64]) -> T + Sync + Send,
) -> Vec<T> {
    let len = values.len() / count.max(1);
    if len == 0 {
        return (0..count).map(|_| f(&[])).collect();
    }
    values.par_chunks(len).map(f).collect()
}
