//! Command-line interface: argument parsing and the `run` / `validate` commands.
//!
//! Exit codes: 0 success, 2 bad input (arguments or scenario), 1 anything else. Every error
//! is printed as one readable message on stderr; nothing here panics on user input.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand, ValueEnum};

use crate::charts;
use crate::error::{Error, Result};
use crate::experiment::{self, EnsembleConfig, SummaryRow};
use crate::model::StatesMode;
use crate::output::{self, atomic::StagedDir, manifest};
use crate::scenario::{self, Scenario};

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
    Merge(crate::tools::merge::MergeArgs),
    /// Write a Slurm job script that runs a scenario's shards as an array job, then merges.
    Slurm(crate::tools::slurm::SlurmArgs),
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
        #[arg(long, value_enum, default_value_t = crate::tools::init::Template::Quickstart)]
        template: crate::tools::init::Template,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate data-derived inputs (see `scenarios/README.md`).
    #[command(subcommand)]
    Data(DataCommand),
}

/// Arguments of `accord run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Runs per arm (overrides `[experiment] runs`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: Option<u32>,
    /// Master seed (overrides `[experiment] seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores); never changes any output byte.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
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
    #[arg(long, value_enum, default_value_t = Effects::Final)]
    pub effects: Effects,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Simulate only shard K of N (run indices ≡ K mod N) into a shard folder for `accord merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<experiment::Shard>,
    /// Continue an interrupted run from its last complete chunk.
    #[arg(long)]
    pub resume: bool,
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

/// `--effects` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Effects {
    /// The final recorded step.
    Final,
    /// Every recorded step.
    All,
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
        Command::Merge(args) => crate::tools::merge::run(&args),
        Command::Slurm(args) => crate::tools::slurm::run(&args),
        Command::Run(args) => run(&args),
        Command::Data(cmd) => data_command(&cmd),
        Command::Plot(args) => plot(&args),
        Command::Replay {
            output_dir,
            arm,
            run,
            point,
        } => crate::tools::replay::run(&output_dir, &arm, run, point),
        Command::Init {
            path,
            template,
            force,
        } => {
            crate::tools::init::init(&path, template, force)?;
            println!("wrote {}", path.display());
            Ok(())
        }
        Command::Schema => {
            print!("{}", crate::tools::schema::render());
            Ok(())
        }
        Command::Describe {
            scenario,
            allow_outside_inputs,
        } => {
            let s = scenario::load_with(&scenario, &load_options(allow_outside_inputs))?;
            print!("{}", crate::tools::describe::describe(&s));
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

fn run(args: &RunArgs) -> Result<()> {
    let started_at = manifest::now_rfc3339();
    let mut scenario =
        scenario::load_with(&args.scenario, &load_options(args.allow_outside_inputs))?;
    if let Some(r) = args.runs {
        scenario.experiment.runs = r;
    }
    if let Some(s) = args.seed {
        // Also re-draws a Latin hypercube sweep, whose points depend on the master seed.
        scenario.set_seed(s);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    // Refuse an existing folder before spending time simulating.
    let staged = StagedDir::create(&out, args.force)?;

    let config = EnsembleConfig {
        runs: scenario.experiment.runs,
        seed: scenario.experiment.seed,
        threads: args.threads.map(usize::from),
        states: args.states.into(),
    };
    let total = scenario.point_count() as u64 * scenario.arms.len() as u64 * u64::from(config.runs);
    let bar = progress_bar(total, args.quiet);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // If a handler cannot be installed (e.g. in an embedding program), Ctrl-C just kills the
    // process; the output folder is still never half-written, only a hidden temp folder stays.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let ensemble = experiment::run_ensemble_until(&scenario, &config, &|| bar.inc(1), &stop);
    bar.finish_and_clear();
    // Dropping `staged` on error removes the temporary folder.
    let ensemble = ensemble?;

    let summary = experiment::summarize(&ensemble);
    let reference = scenario.experiment.reference;
    let effects = experiment::paired_effects(&ensemble, reference, args.effects == Effects::All);
    let dir = staged.path();
    output::write_timeseries(&dir.join("timeseries.csv"), &ensemble)?;
    output::write_summary(&dir.join("summary.csv"), &ensemble, &summary)?;
    if ensemble.arms.len() > 1 {
        output::write_effects(&dir.join("effects.csv"), &ensemble, &effects)?;
    }
    if config.states != StatesMode::None {
        output::write_states(&dir.join("states.csv"), &ensemble, &scenario.dimensions)?;
    }
    if let Some(sweep) = &scenario.sweep {
        output::write_points(&dir.join("points.csv"), sweep)?;
    }
    let m = manifest::Manifest {
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_file: args.scenario.display().to_string(),
        scenario_sha256: manifest::sha256_file(&args.scenario)?,
        inputs: inputs(&args.scenario)?,
        seed: config.seed,
        runs: config.runs,
        arms: ensemble.arms.clone(),
        points: scenario.sweep.as_ref().map(|w| w.points.len()),
        states: format!("{:?}", args.states).to_lowercase(),
        command: manifest::command_without_threads(std::env::args()),
        started_at,
        finished_at: manifest::now_rfc3339(),
        scenario: scenario.clone(),
    };
    manifest::write(&dir.join("manifest.json"), &m)?;
    // With a sweep, representative states are those of sweep point 0 (`at_point` is the
    // scenario itself without one).
    charts::write_representative_states(dir, &scenario.at_point(0))?;
    draw_charts(dir)?;
    let final_path = staged.commit()?;

    print_table(&ensemble, &summary, &effects, &scenario);
    println!("output: {}", final_path.display());
    Ok(())
}

/// The scenario and any `nations_file` it names, with hashes.
fn inputs(scenario_path: &Path) -> Result<Vec<manifest::Input>> {
    let mut list = vec![manifest::Input {
        path: scenario_path.display().to_string(),
        sha256: manifest::sha256_file(scenario_path)?,
    }];
    let text = std::fs::read_to_string(scenario_path)
        .map_err(|e| Error::io("read scenario", scenario_path, e))?;
    if let Ok(table) = text.parse::<toml::Table>()
        && let Some(rel) = table.get("nations_file").and_then(|v| v.as_str())
    {
        let p = scenario_path.parent().unwrap_or(Path::new(".")).join(rel);
        list.push(manifest::Input {
            path: p.display().to_string(),
            sha256: manifest::sha256_file(&p)?,
        });
    }
    Ok(list)
}

fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Draws every chart of the output folder from its CSV files, exactly as `accord plot` does.
fn draw_charts(dir: &Path) -> Result<()> {
    charts::draw_all(dir, charts::Format::Both).map(|_| ())
}

/// Prints the end-of-run table: without a sweep, every arm's final fragmentation and paired
/// effect; with one, one line per point × arm (final fragmentation and, for arms other than
/// the reference, the paired effect at that point), each block headed by the point's values.
fn print_table(
    e: &experiment::Ensemble,
    summary: &[SummaryRow],
    effects: &[experiment::EffectRow],
    scenario: &Scenario,
) {
    let Some(metric) = e.metric_names.iter().position(|m| m == "fragmentation") else {
        return;
    };
    if let Some(sweep) = &scenario.sweep {
        print_sweep_table(e, summary, effects, scenario, sweep, metric);
        return;
    }
    let width = e.arms.iter().map(String::len).max().unwrap_or(0).max(3);
    println!(
        "fragmentation at step {} ({}), mean and 95% CI over runs:",
        scenario.steps, scenario.step_unit
    );
    for r in summary
        .iter()
        .filter(|r| r.metric == metric && r.step == scenario.steps)
    {
        match r.summary {
            Some(s) => println!(
                "  {:<width$}  {:.4}  [{:.4}, {:.4}]  n = {}",
                e.arms[r.arm], s.mean, s.ci95_lo, s.ci95_hi, s.n
            ),
            None => println!("  {:<width$}  undefined", e.arms[r.arm]),
        }
    }
    let last = effects
        .iter()
        .filter(|r| r.metric == metric && r.step == scenario.steps);
    let mut header = true;
    for r in last {
        if header {
            println!(
                "paired effect on fragmentation vs `{}` (same seeds), mean and 95% CI:",
                e.arms[r.reference]
            );
            header = false;
        }
        match r.summary {
            Some(s) => println!(
                "  {:<width$}  {:+.4}  [{:+.4}, {:+.4}]  lower in {:.0}% of runs",
                e.arms[r.arm],
                s.mean,
                s.ci95_lo,
                s.ci95_hi,
                100.0 * r.share_lower
            ),
            None => println!("  {:<width$}  undefined", e.arms[r.arm]),
        }
    }
}

fn print_sweep_table(
    e: &experiment::Ensemble,
    summary: &[SummaryRow],
    effects: &[experiment::EffectRow],
    scenario: &Scenario,
    sweep: &scenario::Sweep,
    metric: usize,
) {
    let width = e.arms.iter().map(String::len).max().unwrap_or(0).max(3);
    let reference = scenario.experiment.reference;
    println!(
        "fragmentation at step {} ({}) per sweep point, mean and 95% CI over runs; paired \
         effect vs `{}` at the same point (same seeds):",
        scenario.steps,
        scenario.step_unit,
        e.arms.get(reference).map_or("", String::as_str)
    );
    for (p, point) in sweep.points.iter().enumerate() {
        let values: Vec<String> = point
            .iter()
            .map(|a| format!("{}={}", a.text, short_value(&a.value)))
            .collect();
        println!("point {p} ({})", values.join(", "));
        for r in summary
            .iter()
            .filter(|r| r.point == p && r.metric == metric && r.step == scenario.steps)
        {
            let level = match r.summary {
                Some(s) => format!("{:.4}  [{:.4}, {:.4}]", s.mean, s.ci95_lo, s.ci95_hi),
                None => "undefined".to_string(),
            };
            let effect = effects
                .iter()
                .find(|x| x.point == p && x.arm == r.arm && x.metric == metric && x.step == r.step)
                .map(|x| match x.summary {
                    Some(s) => format!(
                        "  effect {:+.4}  [{:+.4}, {:+.4}]",
                        s.mean, s.ci95_lo, s.ci95_hi
                    ),
                    None => "  effect undefined".to_string(),
                })
                .unwrap_or_default();
            println!("  {:<width$}  {level}{effect}", e.arms[r.arm]);
        }
    }
}

/// A swept value for the stdout table: numbers in their shortest form, the rest as written.
fn short_value(v: &scenario::ParamValue) -> String {
    match v {
        scenario::ParamValue::Number(x) => format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string(),
        other => output::param_text(other),
    }
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
