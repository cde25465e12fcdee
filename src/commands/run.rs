//! `accord run`: simulate a scenario's ensemble chunk by chunk, then write its output folder.
//!
//! Runs are simulated into a hidden store beside the output (`.<name>.partial`) and saved in
//! complete chunks, so Ctrl-C, a kill or a power cut loses at most the chunk in flight and
//! `--resume` continues from there. Only when every chunk exists is the output folder written
//! (staged, then renamed into place) and the store removed; with `--shard K/N` the store itself
//! becomes the shard folder that `accord merge` reads.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;

use crate::error::{Error, Result};
use crate::experiment::store::{self, ChunkSet, StoreManifest};
use crate::experiment::{EffectRow, Layout, Shard, SummaryRow};
use crate::model::StatesMode;
use crate::output::{self, atomic};
use crate::provenance::{self, Provenance};
use crate::scenario::{self, LoadOptions, Scenario};

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
    pub shard: Option<Shard>,
    /// Continue an interrupted run from its last complete chunk.
    #[arg(long)]
    pub resume: bool,
    /// Let `nations_file` point outside the scenario's folder tree (via `..` or a symlink).
    #[arg(long)]
    pub allow_outside_inputs: bool,
    /// Runs per saved chunk (default: chosen from the scenario's size). Never changes a result;
    /// tests use small chunks to exercise resuming.
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_runs: Option<u32>,
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

/// Runs `accord run`.
pub fn run(args: &RunArgs) -> Result<()> {
    let started_at = provenance::now_rfc3339();
    let options = LoadOptions {
        allow_outside_inputs: args.allow_outside_inputs,
    };
    let mut scenario = scenario::load_with(&args.scenario, &options)?;
    if let Some(r) = args.runs {
        scenario.experiment.runs = r;
    }
    if let Some(s) = args.seed {
        // Also re-draws a Latin hypercube sweep, whose points depend on the master seed.
        scenario.set_seed(s);
    }
    let runs = scenario.experiment.runs;
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    if shard.run_count(runs) == 0 {
        return Err(Error::Usage(format!(
            "shard {shard} would hold no runs: the ensemble has {runs} runs per arm, so use at \
             most {runs} shards"
        )));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let name = match args.shard {
            Some(s) => format!("{}.shard-{}-of-{}", scenario.name, s.index, s.count),
            None => scenario.name.clone(),
        };
        Path::new("output").join(name)
    });
    let inputs = provenance::hash_inputs(&scenario::input_files(&args.scenario))?;
    let input_paths: Vec<PathBuf> = inputs.iter().map(|i| PathBuf::from(&i.path)).collect();
    output::check_output_location(&out, &args.scenario, &input_paths)?;
    // Refuse an existing folder before spending time simulating.
    atomic::check_target(&out, args.force)?;
    let states = StatesMode::from(args.states);
    let fresh = StoreManifest {
        format: store::FORMAT,
        provenance: Provenance::new(&args.scenario, inputs, scenario.experiment.seed, runs),
        states: store::states_name(states).to_string(),
        shard,
        chunk_runs: args
            .chunk_runs
            .unwrap_or_else(|| store::choose_chunk_runs(&scenario, runs, shard, states)),
        command: provenance::command_without_threads(std::env::args()),
        started_at,
        finished_at: None,
        scenario: scenario.clone(),
    };
    let partial = atomic::partial_path(&out);
    let plan = prepare_store(&partial, fresh, args.resume, args.force)?;

    let missing = store::missing_chunks(&partial, &plan);
    let cells = plan.layout().cells() as u64;
    let total = cells * u64::from(shard.run_count(runs));
    let todo: u64 = missing
        .iter()
        .map(|&c| cells * plan.chunk_run_indices(c).len() as u64)
        .sum();
    let bar = progress_bar(total, args.quiet);
    bar.set_position(total - todo);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // Ctrl-C, and SIGTERM (what Slurm sends at a job's time limit), stop after the runs in
    // flight. If a handler cannot be installed (e.g. in an embedding program), a signal just
    // kills the process; finished chunks are still on disk for --resume.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let threads = args.threads.map(usize::from);
    let filled = store::fill(&partial, &plan, &missing, threads, &|| bar.inc(1), &stop);
    bar.finish_and_clear();
    match filled {
        Err(Error::Interrupted) => return Err(paused(&partial, &plan, &out)),
        other => other?,
    }
    if args.shard.is_some() {
        return finish_shard(&partial, plan, &out, args.force);
    }
    let set = ChunkSet::open(&[(partial.clone(), plan.clone())])?;
    let staged = atomic::StagedDir::create(&out, args.force)?;
    let m = output::manifest_for(&plan, plan.command.clone(), plan.started_at.clone());
    let results = output::write_folder(
        staged.path(),
        &set,
        &scenario,
        &m,
        args.effects == Effects::All,
    )?;
    let final_path = staged.commit()?;
    // The results are in place; a store that cannot be removed is clutter, not a failure.
    let _ = std::fs::remove_dir_all(&partial);
    print_table(
        &plan.layout(),
        &results.summary,
        &results.effects,
        &scenario,
    );
    println!("output: {}", final_path.display());
    Ok(())
}

/// Opens the store at `partial` for this run: continues a matching interrupted run with
/// `resume`, discards one with `force`, refuses otherwise (an interrupted run is never thrown
/// away silently); creates a new store when there is none.
fn prepare_store(
    partial: &Path,
    fresh: StoreManifest,
    resume: bool,
    force: bool,
) -> Result<StoreManifest> {
    if partial.exists() {
        if resume {
            let old = store::read_manifest(partial)?;
            let mut diffs = old.differences(&fresh);
            if old.shard != fresh.shard {
                diffs.push(format!("shard: {} vs {}", old.shard, fresh.shard));
            }
            if !diffs.is_empty() {
                return Err(Error::Usage(format!(
                    "cannot resume `{}`: it holds a different run ({}); run without --resume \
                     and with --force to discard it and start over",
                    partial.display(),
                    diffs.join("; ")
                )));
            }
            return Ok(old);
        }
        if !force {
            let progress = store::read_manifest(partial)
                .map(|m| {
                    let done = m.chunk_count() as usize - store::missing_chunks(partial, &m).len();
                    format!(" ({done} of {} chunks done)", m.chunk_count())
                })
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "`{}` holds an interrupted run{progress}; add --resume to continue it, or \
                 --force to discard it and start over",
                partial.display()
            )));
        }
        std::fs::remove_dir_all(partial).map_err(|e| Error::io("remove", partial, e))?;
    } else if resume {
        eprintln!(
            "note: nothing to resume at `{}`; starting from the first run",
            partial.display()
        );
    }
    store::create(partial, &fresh)?;
    Ok(fresh)
}

/// The message for an interrupted run: what is kept, and the command that continues it.
fn paused(partial: &Path, m: &StoreManifest, out: &Path) -> Error {
    let done = m.chunk_count() as usize - store::missing_chunks(partial, m).len();
    let mut command: Vec<String> = std::env::args().collect();
    if !command.iter().any(|a| a == "--resume") {
        command.push("--resume".to_string());
    }
    Error::Paused(format!(
        "interrupted: {done} of {} chunks are complete and kept in `{}`; nothing was written \
         to `{}`. Continue with:\n  {}",
        m.chunk_count(),
        partial.display(),
        out.display(),
        command.join(" ")
    ))
}

/// Turns a filled store into the shard folder `out`.
fn finish_shard(partial: &Path, mut m: StoreManifest, out: &Path, force: bool) -> Result<()> {
    m.finished_at = Some(provenance::now_rfc3339());
    let staged = atomic::StagedDir::create(out, force)?;
    let (from, to) = (partial.join("chunks"), staged.path().join("chunks"));
    std::fs::rename(&from, &to).map_err(|e| Error::io("move", &from, e))?;
    store::write_manifest(staged.path(), &m)?;
    let final_path = staged.commit()?;
    let _ = std::fs::remove_dir_all(partial);
    println!(
        "shard {}: runs {} (every {}th from {}) of {} per arm, in {} chunks",
        m.shard,
        m.shard.run_count(m.provenance.runs),
        m.shard.count,
        m.shard.index,
        m.provenance.runs,
        m.chunk_count()
    );
    println!("output: {}", final_path.display());
    Ok(())
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

/// Prints the end-of-run table: without a sweep, every arm's final fragmentation and paired
/// effect; with one, one line per point × arm (final fragmentation and, for arms other than
/// the reference, the paired effect at that point), each block headed by the point's values.
pub(crate) fn print_table(
    e: &Layout,
    summary: &[SummaryRow],
    effects: &[EffectRow],
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
    e: &Layout,
    summary: &[SummaryRow],
    effects: &[EffectRow],
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
