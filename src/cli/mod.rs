//! Command-line interface: argument parsing and the `run` / `validate` commands.
//!
//! Exit codes: 0 success, 2 bad input (arguments or scenario), 1 anything else. Every error
//! is printed as one readable message on stderr; nothing here panics on user input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::charts;
use crate::error::Result;
use crate::scenario;

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
    Run(crate::commands::run::RunArgs),
    /// Check a scenario file and report every problem.
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Let `nations_file` point outside the scenario's folder tree (via `..` or a symlink).
        #[arg(long)]
        allow_outside_inputs: bool,
    },
    /// Combine the shard folders of `run --shard` into one output folder.
    Merge(crate::commands::merge::MergeArgs),
    /// Write a Slurm job script that runs a scenario's shards as an array job, then merges.
    Slurm(crate::slurm::SlurmArgs),
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
/// Arguments of `accord plot`.
#[derive(Debug, clap::Args)]
pub struct PlotArgs {
    /// An output folder written by `accord run`.
    pub output_dir: PathBuf,
    /// Which image files to write.
    #[arg(long, value_enum, default_value_t = charts::Format::Both)]
    pub format: charts::Format,
}

/// Runs `accord plot`: redraws `<dir>/charts/` from the folder's CSVs and lists the files.
fn plot(args: &PlotArgs) -> Result<()> {
    let written = charts::draw_all(&args.output_dir, args.format)?;
    println!(
        "wrote {} chart files to {}",
        written.len(),
        args.output_dir.join("charts").display()
    );
    Ok(())
}
/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Validate {
            scenario,
            allow_outside_inputs,
        } => validate(&scenario, load_options(allow_outside_inputs)),
        Command::Merge(args) => crate::commands::merge::run(&args),
        Command::Slurm(args) => crate::slurm::run(&args),
        Command::Run(args) => crate::commands::run::run(&args),
        Command::Data(cmd) => data_command(&cmd),
        Command::Plot(args) => plot(&args),
        Command::Replay {
            output_dir,
            arm,
            run,
            point,
        } => crate::output::replay::run(&output_dir, &arm, run, point),
        Command::Init {
            path,
            template,
            force,
        } => {
            crate::templates::init(&path, template, force)?;
            println!("wrote {}", path.display());
            Ok(())
        }
        Command::Schema => {
            print!("{}", crate::report::schema::render());
            Ok(())
        }
        Command::Describe {
            scenario,
            allow_outside_inputs,
        } => {
            let s = scenario::load_with(&scenario, &load_options(allow_outside_inputs))?;
            print!("{}", crate::report::describe::describe(&s));
            Ok(())
        }
    }
}

fn load_options(allow_outside_inputs: bool) -> scenario::LoadOptions {
    scenario::LoadOptions {
        allow_outside_inputs,
    }
}

fn validate(path: &Path, options: scenario::LoadOptions) -> Result<()> {
    let s = scenario::load_with(path, &options)?;
    let points = match &s.sweep {
        Some(w) => format!(", {} sweep points", w.points.len()),
        None => String::new(),
    };
    println!(
        "ok: {} nations, {} dimensions, {} arms, {} steps{points}",
        s.nation_count(),
        s.dimensions.len(),
        s.arms.len(),
        s.steps
    );
    Ok(())
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

/// Runs `accord data world`: one summary line, and every excluded UN member with its reason,
/// so the missing-data rule is visible whenever the file is regenerated.
fn data_command(cmd: &DataCommand) -> Result<()> {
    match cmd {
        DataCommand::World { data, out } => {
            let world = crate::data::regenerate(data, out)?;
            println!(
                "wrote {} nations to {} ({} UN members excluded)",
                world.nations.len(),
                out.display(),
                world.excluded.len()
            );
            for x in &world.excluded {
                println!("  excluded {} ({}): {}", x.id, x.name, x.reason);
            }
            Ok(())
        }
    }
}
