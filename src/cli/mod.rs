//! The command line as clap parses it: the subcommands and their arguments, nothing more.
//! What each subcommand does is in [`crate::commands`], which dispatches on [`Command`].

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub mod args;

use args::{DataCommand, DiscoverArgs, MergeArgs, PlotArgs, ReportArgs, RunArgs, SlurmArgs};

/// accord: policy-alignment simulations of AI governance.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario's ensemble and write CSVs, a manifest and charts.
    Run(RunArgs),
    /// Check a scenario file and report every problem.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Let `nations_file` point outside the scenario's folder tree (via `..` or a symlink).
        #[arg(long)]
        allow_outside_inputs: bool,
    },
    /// Combine the shard folders of `run --shard` into one output folder.
    Merge(MergeArgs),
    /// Write a Slurm job script that runs a scenario's shards as an array job, then merges.
    Slurm(SlurmArgs),
    /// Re-simulate one run of an output folder and check it against its timeseries.csv.
    Replay {
        /// The output folder (with manifest.json and timeseries.csv).
        output_dir: PathBuf,
        /// Arm name (or 0-based index).
        #[arg(long)]
        arm: String,
        /// Run index (0-based).
        #[arg(long)]
        run: u32,
        /// Sweep point (0-based; 0 without a sweep).
        #[arg(long, default_value_t = 0)]
        point: u32,
    },
    /// Redraw every chart of an output folder from its CSV files.
    Plot(PlotArgs),
    /// Recompute sensitivity.csv (and its charts) of a `sobol` or `morris` sweep's output folder.
    Analyze {
        /// An output folder written by `accord run` or `accord merge`.
        output_dir: PathBuf,
        /// Also report, in robustness.csv, the share of points where each arm satisfies a
        /// threshold such as `fragmentation<=0.3` (repeatable).
        #[arg(long, value_name = "M<=X")]
        satisfice: Vec<crate::analysis::robustness::Satisfice>,
    },
    /// Find the region of a sweep's parameters where an arm's outcome passes a threshold
    /// (PRIM scenario discovery); writes `<OUTPUT_DIR>/discovery/`.
    Discover(DiscoverArgs),
    /// Write an output folder's report.html again: one self-contained page of the study.
    Report(ReportArgs),
    /// Describe a scenario's model as Markdown in the ODD protocol's order.
    Describe {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Let `nations_file` point outside the scenario's folder tree (via `..` or a symlink).
        #[arg(long)]
        allow_outside_inputs: bool,
    },
    /// Print a JSON Schema (draft-07) of the scenario format, for TOML editors.
    Schema,
    /// Write a commented starter scenario.
    Init {
        /// The scenario file to write.
        path: PathBuf,
        /// Which starter.
        #[arg(long, value_enum, default_value_t = crate::templates::Template::Quickstart)]
        template: crate::templates::Template,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate data-derived inputs (see `scenarios/README.md`).
    #[command(subcommand)]
    Data(DataCommand),
}
