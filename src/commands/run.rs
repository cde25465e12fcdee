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

use std::io::Write as _;

use crate::atomic;
use crate::charts;
use crate::cli::args::RunArgs;
use crate::error::{Error, Result};
use crate::experiment::budget;
use crate::experiment::store::{self, Start, StoreManifest};
use crate::experiment::{ChunkSet, Shard};
use crate::model::StatesMode;
use crate::output;
use crate::provenance::{self, Provenance};
use crate::report;
use crate::scenario::{self, LoadOptions};

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
    let threads = args.threads.map_or_else(budget::cores, usize::from);
    let estimate = budget::estimate(
        &scenario,
        &budget::Plan {
            runs: shard.run_count(runs),
            threads,
            state_steps: budget::StateSteps::from(states),
            chunk_runs: fresh.chunk_runs,
            table_format: args
                .table_format
                .unwrap_or(scenario.experiment.table_format),
        },
    );
    if !args.quiet {
        // A note only: a closed stderr must not stop the run.
        let _ = writeln!(std::io::stderr(), "{}", estimate.line(threads));
    }
    let mut limits = budget::Budget::of_machine();
    if let Some(w) = args.max_work {
        limits.work = w;
    }
    if let Some(g) = args.max_memory {
        limits.memory = Some(g * budget::GIB);
    }
    if !args.over_budget
        && let Some(why) = limits.refusal(&estimate, threads)
    {
        return Err(Error::OverBudget(why));
    }
    let partial = atomic::partial_path(&out);
    let plan = match store::start(&partial, &fresh, args.resume, args.force)? {
        Start::Resume(old) => *old,
        Start::Fresh { nothing_to_resume } => {
            if nothing_to_resume {
                // A note only: a closed stderr must not stop the run.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: nothing to resume at `{}`; starting from the first run",
                    partial.display()
                );
            }
            store::create(&partial, &fresh)?;
            fresh
        }
    };

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
    // While the output folder is written (minutes for a large store), a first Ctrl-C only
    // says so; a second stops, leaving the finished runs in the store for --resume.
    let writing = Arc::new(AtomicBool::new(false));
    let warned = AtomicBool::new(false);
    let in_write = Arc::clone(&writing);
    let _ = ctrlc::set_handler(move || {
        if in_write.load(Ordering::Relaxed) && !warned.swap(true, Ordering::Relaxed) {
            let _ = writeln!(
                std::io::stderr(),
                "writing the output folder; press Ctrl-C again to stop (the finished runs stay \
                 for --resume)"
            );
        } else {
            flag.store(true, Ordering::Relaxed);
        }
    });
    let threads = args.threads.map(usize::from);
    let filled = store::fill(&partial, &plan, &missing, threads, &|| bar.inc(1), &stop);
    bar.finish_and_clear();
    match filled {
        Err(Error::Interrupted) => {
            return Err(store::paused(&partial, &plan, &out, &resume_command()));
        }
        other => other?,
    }
    if args.shard.is_some() {
        let final_path = store::finish_shard(&partial, &plan, &out, args.force)?;
        outln!(
            "shard {}: runs {} (run indices ≡ {} mod {}) of {} per arm, in {} chunks",
            plan.shard,
            plan.shard.run_count(plan.provenance.runs),
            plan.shard.index,
            plan.shard.count,
            plan.provenance.runs,
            plan.chunk_count()
        )?;
        outln!("output: {}", final_path.display())?;
        return Ok(());
    }
    writing.store(true, Ordering::Relaxed);
    let set = ChunkSet::open(&[(partial.clone(), plan.clone())])?.stop_on(Arc::clone(&stop));
    let staged = atomic::StagedDir::create(&out, args.force)?;
    let format = args
        .table_format
        .unwrap_or(scenario.experiment.table_format);
    let m = output::manifest_for(
        &plan,
        plan.command.clone(),
        plan.started_at.clone(),
        args.runs_table,
        format,
    );
    let results =
        match output::write_folder(staged.path(), &set, &scenario, &m, args.effects.all_steps()) {
            // Stopped by a second Ctrl-C (whatever the writer made of the interruption): the
            // staged folder is dropped (removed), and the store is whole, so --resume only
            // writes the folder again.
            Err(_) if stop.load(Ordering::Relaxed) => {
                return Err(store::paused(&partial, &plan, &out, &resume_command()));
            }
            other => other?,
        };
    // The charts are drawn in parallel; `--threads` bounds that too.
    let draw = || charts::draw_all(staged.path(), charts::Format::Both);
    let drawn = match threads.map(|t| rayon::ThreadPoolBuilder::new().num_threads(t).build()) {
        Some(Ok(pool)) => pool.install(draw)?,
        _ => draw()?,
    };
    report::html::write(staged.path(), &drawn)?;
    let final_path = staged.commit()?;
    store::remove(&partial);
    out!(
        "{}",
        output::end_of_run_table(
            &plan.layout(),
            &results.summary,
            &results.effects,
            &scenario,
        )
    )?;
    outln!("{}", args.runs_table.describe(format))?;
    outln!("output: {}", final_path.display())?;
    Ok(())
}

/// This command line with `--resume` added (once): what continues an interrupted run.
fn resume_command() -> Vec<String> {
    let mut command: Vec<String> = std::env::args().collect();
    if !command.iter().any(|a| a == "--resume") {
        command.push("--resume".to_string());
    }
    command
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
