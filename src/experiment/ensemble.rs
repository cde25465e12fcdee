//! Running every (arm, run) of a scenario and summarising the results.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::seed::run_seed;
use super::stats::{Summary, summarize as summarize_values};
use crate::error::{Error, Result};
use crate::metrics::metric_names_with;
use crate::model::{RunOutput, StatesMode, simulate};
use crate::scenario::Scenario;

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
    /// Arm index.
    pub arm: usize,
    /// Run index within the arm (0-based).
    pub run: u32,
    /// The run's seed (shared by all arms).
    pub seed: u64,
    /// What it produced.
    pub output: RunOutput,
}

/// All runs of all arms, in (arm, run) order.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
    /// Metric column names.
    pub metric_names: Vec<String>,
    /// Arm names, scenario order.
    pub arms: Vec<String>,
    /// Recorded steps.
    pub steps: Vec<u32>,
    /// Runs, arm-major.
    pub runs: Vec<RunRecord>,
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
    let arms: Vec<Scenario> = (0..scenario.arms.len())
        .map(|a| scenario.for_arm(a))
        .collect();
    let steps = scenario.recorded_steps();
    let names = metric_names_with(&body_ids(scenario), scenario.uses_culture());
    check_memory(scenario, config, steps.len(), names.len())?;
    let runs = config.runs;
    let total = arms.len() as u64 * u64::from(runs);
    let job = |i: u64| {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let arm = (i / u64::from(runs)) as usize;
        let run = (i % u64::from(runs)) as u32;
        let seed = run_seed(config.seed, u64::from(run));
        let output = simulate(&arms[arm], seed, config.states);
        progress();
        Some(RunRecord {
            arm,
            run,
            seed,
            output,
        })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads.unwrap_or(0))
        .build()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot start {:?} worker threads: {e}",
                config.threads
            ))
        })?;
    // `collect` on an indexed parallel iterator keeps input order whatever the schedule.
    let records: Option<Vec<RunRecord>> =
        pool.install(|| (0..total).into_par_iter().map(job).collect());
    let records = records.ok_or(Error::Interrupted)?;
    Ok(Ensemble {
        metric_names: names,
        arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
        steps,
        runs: records,
    })
}

/// One run of one arm as a one-run [`Ensemble`], exactly as [`run_ensemble`] simulates it
/// (arm `arm` of `scenario`, seed [`run_seed`]`(seed, run)`, no states): what `accord replay`
/// re-simulates. `arm` must be a valid arm index.
pub fn run_single(scenario: &Scenario, seed: u64, arm: usize, run: u32) -> Ensemble {
    let run_seed = run_seed(seed, u64::from(run));
    let output = simulate(&scenario.for_arm(arm), run_seed, StatesMode::None);
    Ensemble {
        metric_names: metric_names_with(&body_ids(scenario), scenario.uses_culture()),
        arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
        steps: scenario.recorded_steps(),
        runs: vec![RunRecord {
            arm,
            run,
            seed: run_seed,
            output,
        }],
    }
}

fn body_ids(s: &Scenario) -> Vec<String> {
    s.bodies.iter().map(|b| b.id.clone()).collect()
}

fn check_memory(s: &Scenario, c: &EnsembleConfig, steps: usize, metrics: usize) -> Result<()> {
    let runs = s.arms.len() as f64 * f64::from(c.runs);
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
             use fewer runs, record fewer steps with `[metrics] every`, or a lighter `--states`",
            bytes / 1024f64.powi(3),
            MEMORY_BUDGET / 1024f64.powi(3)
        )));
    }
    Ok(())
}

/// One row of `summary.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Arm index.
    pub arm: usize,
    /// Recorded step.
    pub step: u32,
    /// Metric index.
    pub metric: usize,
    /// Statistics over runs (None when the metric is undefined in every run).
    pub summary: Option<Summary>,
}

/// Summaries per arm, recorded step and metric, in that order. Values are taken in run
/// order, so the floating-point sums are the same on every machine and thread count.
pub fn summarize(e: &Ensemble) -> Vec<SummaryRow> {
    let runs_per_arm = e.runs.len() / e.arms.len().max(1);
    let mut rows = Vec::with_capacity(e.arms.len() * e.steps.len() * e.metric_names.len());
    let mut values = Vec::with_capacity(runs_per_arm);
    for arm in 0..e.arms.len() {
        let runs = &e.runs[arm * runs_per_arm..(arm + 1) * runs_per_arm];
        for (si, &step) in e.steps.iter().enumerate() {
            for metric in 0..e.metric_names.len() {
                values.clear();
                values.extend(
                    runs.iter()
                        .map(|r| r.output.metrics[si][metric].unwrap_or(f64::NAN)),
                );
                rows.push(SummaryRow {
                    arm,
                    step,
                    metric,
                    summary: summarize_values(&values),
                });
            }
        }
    }
    rows
}
