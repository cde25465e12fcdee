//! The arguments of the subcommands that take more than a path or two.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use crate::charts;
use crate::experiment::{EffectSteps, Shard};
use crate::model::StatesMode;
use crate::output::RunsTable;
use crate::scenario::limits::MAX_RUNS;
use crate::table::TableFormat;

/// More worker threads than any machine accord runs on has cores: starting tens of
/// thousands of threads takes minutes and gains nothing.
const MAX_THREADS: i64 = 1024;

/// Arguments of `accord run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Runs per arm (overrides `[experiment] runs`; at most 100,000,000, as in the file).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_RUNS as i64))]
    pub runs: Option<u32>,
    /// Master seed (overrides `[experiment] seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores; at most 1,024); never changes any output byte.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,
    /// Output folder (default: `output/<scenario name>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// Which nation states to write to states.csv.
    #[arg(long, value_enum, default_value_t = States::None)]
    pub states: States,
    /// Paired effects at the final recorded step only, or at every recorded step.
    #[arg(long, value_enum, default_value_t = EffectSteps::Final)]
    pub effects: EffectSteps,
    /// Which per-run rows timeseries.csv keeps (summary, effects and analyses are exact in
    /// every mode).
    #[arg(long, value_enum, default_value_t = RunsTable::All)]
    pub runs_table: RunsTable,
    /// File format of every table: csv, or parquet (typed columns, exact floats; default:
    /// the scenario's `[experiment] table_format`, else csv).
    #[arg(long, value_enum)]
    pub table_format: Option<TableFormat>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Simulate only shard K of N (run indices ≡ K mod N) into a shard folder for `accord merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Continue an interrupted run from its last complete chunk.
    #[arg(long)]
    pub resume: bool,
    /// Let `nations_file` point outside the scenario's folder tree (via `..` or a symlink).
    #[arg(long)]
    pub allow_outside_inputs: bool,
    /// Run even when the estimate exceeds the memory or work budget (see README "Limits and
    /// budgets").
    #[arg(long)]
    pub over_budget: bool,
    /// Work budget in elementary operations (default 1.7e13, about a day of one core); the
    /// estimate printed before the run is compared with it.
    #[arg(long, value_name = "OPS", value_parser = positive_ops)]
    pub max_work: Option<f64>,
    /// Memory budget in GiB (default: the memory the machine has available now).
    #[arg(long, value_name = "GIB", value_parser = positive_gib)]
    pub max_memory: Option<f64>,
    /// Runs per saved chunk (default: chosen from the scenario's size). Never changes a result;
    /// tests use small chunks to exercise resuming.
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_runs: Option<u32>,
}

/// `--states` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum States {
    /// No states.csv.
    None,
    /// Final step of every run.
    Final,
    /// Every recorded step of every run.
    All,
}

impl From<States> for StatesMode {
    fn from(s: States) -> Self {
        match s {
            States::None => StatesMode::None,
            States::Final => StatesMode::Final,
            States::All => StatesMode::All,
        }
    }
}

/// Arguments of `accord merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard folders written by `accord run --shard K/N`, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// The output folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// Paired effects at the final recorded step only, or at every recorded step.
    #[arg(long, value_enum, default_value_t = EffectSteps::Final)]
    pub effects: EffectSteps,
    /// Which per-run rows timeseries.csv keeps (summary, effects and analyses are exact in
    /// every mode).
    #[arg(long, value_enum, default_value_t = RunsTable::All)]
    pub runs_table: RunsTable,
    /// File format of every table: csv, or parquet (typed columns, exact floats; default:
    /// the scenario's `[experiment] table_format`, else csv).
    #[arg(long, value_enum)]
    pub table_format: Option<TableFormat>,
}

/// Arguments of `accord slurm`.
#[derive(Debug, clap::Args)]
pub struct SlurmArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of shards (array tasks); at most the number of runs per arm.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: u32,
    /// Output folder the merge job writes (default: `output/<scenario name>`); shards and
    /// logs go to `<DIR>.shards/`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The job script to write (default: `<DIR>.slurm.sh`).
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Replace an existing job script, and let the merge job replace an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// Slurm partition for both jobs (default: the cluster's default partition).
    #[arg(long)]
    pub partition: Option<String>,
    /// Slurm time limit of each task and of the merge job, e.g. `02:00:00`.
    #[arg(long)]
    pub time: Option<String>,
    /// CPUs per array task; each task runs with as many worker threads.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub cpus_per_task: u16,
    /// Runs per arm (overrides `[experiment] runs`; at most 100,000,000, as in the file).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_RUNS as i64))]
    pub runs: Option<u32>,
    /// Master seed (overrides `[experiment] seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Which nation states the shards record for states.csv.
    #[arg(long, value_enum)]
    pub states: Option<States>,
    /// Paired effects the merge computes: at the final recorded step, or at every one.
    #[arg(long, value_enum)]
    pub effects: Option<EffectSteps>,
    /// Which per-run rows the merge writes to the timeseries table (default: all).
    #[arg(long, value_enum)]
    pub runs_table: Option<RunsTable>,
    /// File format of the merged tables (default: the scenario's, else csv).
    #[arg(long, value_enum)]
    pub table_format: Option<TableFormat>,
    /// The accord binary the jobs run (default: this one); must be reachable from the
    /// compute nodes at the same path.
    #[arg(long, value_name = "PATH")]
    pub accord: Option<PathBuf>,
    /// Let `nations_file` point outside the scenario's folder tree (via `..` or a symlink).
    #[arg(long)]
    pub allow_outside_inputs: bool,
}

/// Arguments of `accord plot`.
#[derive(Debug, clap::Args)]
pub struct PlotArgs {
    /// An output folder written by `accord run`.
    pub output_dir: PathBuf,
    /// Which image files to write.
    #[arg(long, value_enum, default_value_t = charts::Format::Both)]
    pub format: charts::Format,
}

/// Arguments of `accord discover`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("threshold").required(true).args(["below", "above"]))]
pub struct DiscoverArgs {
    /// An output folder of a sweep (with points.csv and summary.csv).
    pub output_dir: PathBuf,
    /// The arm whose outcome is examined (name or 0-based index).
    #[arg(long)]
    pub arm: String,
    /// The metric (as summary.csv names it, e.g. `fragmentation`).
    #[arg(long)]
    pub metric: String,
    /// A point is a case of interest when its outcome is below this value.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub below: Option<f64>,
    /// A point is a case of interest when its outcome is above this value.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub above: Option<f64>,
    /// Use the arm's mean paired effect against the reference arm, not its level.
    #[arg(long)]
    pub effect: bool,
    /// Share of the box's points each peel cuts off, in (0, 0.5).
    #[arg(long, default_value_t = 0.05)]
    pub peel_alpha: f64,
    /// The least share of the points a box may hold, in (0, 1).
    #[arg(long, default_value_t = 0.05)]
    pub mass_min: f64,
    /// Report box K of the trajectory instead of the recommended one.
    #[arg(long = "box", value_name = "K")]
    pub chosen: Option<usize>,
    /// Which image files to write.
    #[arg(long, value_enum, default_value_t = charts::Format::Both)]
    pub format: charts::Format,
}

/// Arguments of `accord report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// An output folder written by `accord run` or `accord merge`.
    pub output_dir: PathBuf,
}

/// `accord data …` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Derive the world scenario's nations from the source CSVs.
    World {
        /// Folder with the source CSVs.
        #[arg(long, default_value = "scenarios/data")]
        data: PathBuf,
        /// The nations file to write.
        #[arg(long, default_value = "scenarios/data/world_nations.csv")]
        out: PathBuf,
    },
}

/// A positive, finite operation count such as `1e15`.
fn positive_ops(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!(
            "`{text}` is not a positive number of operations (e.g. 1e15)"
        )),
    }
}

/// A positive, finite size in GiB such as `16` or `0.5`.
fn positive_gib(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a positive size in GiB (e.g. 16)")),
    }
}
