//! `accord slurm`: check a sharded ensemble's settings on the login node, then write its job
//! script ([`crate::slurm`]) and say how to submit it.

use std::path::{Path, PathBuf};

use crate::cli::args::{SlurmArgs, States};
use crate::error::{Error, Result};
use crate::model::StatesMode;
use crate::provenance;
use crate::scenario;
use crate::slurm::{Identity, Job, check_earlier_shards, quote, render, script_text};

/// Runs `accord slurm`: writes the job script described by `args` and prints how to submit it.
pub fn run(args: &SlurmArgs) -> Result<()> {
    let options = scenario::LoadOptions {
        allow_outside_inputs: args.allow_outside_inputs,
    };
    // A broken scenario is reported here, on the login node, not by N failing array tasks.
    let scenario = scenario::load_with(&args.scenario, &options)?;
    let runs_per_arm = args.runs.unwrap_or(scenario.experiment.runs);
    if args.shards > runs_per_arm {
        return Err(Error::Usage(format!(
            "`--shards {}` is more than the {runs_per_arm} runs per arm; every shard needs at \
             least one run, so use at most {runs_per_arm} shards (or more `--runs`)",
            args.shards
        )));
    }

    let out = absolute(
        &args
            .out
            .clone()
            .unwrap_or_else(|| Path::new("output").join(&scenario.name)),
    )?;
    if out.file_name().is_none() {
        return Err(Error::Usage(format!(
            "output path `{}` does not name a folder",
            out.display()
        )));
    }
    if out.exists() && !args.force {
        return Err(Error::Usage(format!(
            "output folder `{}` already exists; pass --force to let the merge job replace it",
            out.display()
        )));
    }
    let script = match &args.script {
        Some(s) => absolute(s)?,
        None => {
            let mut s = out.clone().into_os_string();
            s.push(".slurm.sh");
            PathBuf::from(s)
        }
    };
    if script.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is a folder; give the path of the job script to write",
            script.display()
        )));
    }
    if script.exists() && !args.force {
        return Err(Error::Usage(format!(
            "job script `{}` already exists; pass --force to replace it",
            script.display()
        )));
    }
    let accord = match &args.accord {
        Some(p) => absolute(p)?,
        None => std::env::current_exe().map_err(|e| Error::io("locate", "accord binary", e))?,
    };
    if !accord.is_file() {
        return Err(Error::Usage(format!(
            "accord binary `{}` is not a file; pass --accord with the path the compute nodes \
             should run",
            accord.display()
        )));
    }
    // Canonical, so the jobs read the very file validated here whatever folder they start in.
    let scenario_path = std::fs::canonicalize(&args.scenario)
        .map_err(|e| Error::io("resolve", &args.scenario, e))?;

    let job = Job {
        name: scenario.name.clone(),
        accord: script_text(&accord)?,
        scenario: script_text(&scenario_path)?,
        out: script_text(&out)?,
        script: script_text(&script)?,
        shards: args.shards,
        runs_per_arm,
        runs: args.runs,
        seed: args.seed,
        states: args.states.map(StatesMode::from),
        effects: args.effects,
        runs_table: args.runs_table,
        table_format: args.table_format,
        allow_outside_inputs: args.allow_outside_inputs,
        cpus_per_task: args.cpus_per_task,
        partition: args.partition.clone(),
        time: args.time.clone(),
        force: args.force,
    };
    for (what, value) in [("--partition", &job.partition), ("--time", &job.time)] {
        if value.as_deref().is_some_and(|v| v.contains(['\n', '\r'])) {
            return Err(Error::Usage(format!("{what} must be one line")));
        }
    }

    let earlier = check_earlier_shards(
        Path::new(&job.shards_dir()),
        &Identity {
            inputs: provenance::hash_inputs(&scenario::input_files(&scenario_path))?,
            seed: args.seed.unwrap_or(scenario.experiment.seed),
            runs: runs_per_arm,
            states: StatesMode::from(args.states.unwrap_or(States::None)),
            shards: job.shards,
        },
    )?;

    if let Some(parent) = script.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create folder", parent, e))?;
    }
    std::fs::write(&script, render(&job)).map_err(|e| Error::io("write", &script, e))?;

    let per_task = runs_per_arm.div_ceil(job.shards);
    outln!(
        "wrote {}: {} array tasks of up to {per_task} runs per arm each ({runs_per_arm} in all), \
         then a merge into {}",
        script.display(),
        job.shards,
        out.display()
    )?;
    if earlier > 0 {
        outln!(
            "note: {} holds {earlier} shard folders of this ensemble from an earlier submission; \
             finished shards are kept, interrupted ones resumed",
            job.shards_dir()
        )?;
    }
    outln!(
        "submit it from a Slurm login node with: bash {}",
        quote(&job.script)
    )?;
    Ok(())
}

/// `path` made absolute against the current folder (without resolving symlinks, so a path
/// the user chose through a symlinked folder stays as they wrote it).
fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).map_err(|e| Error::io("resolve", path, e))?;
    // Collecting the components drops `.` and a trailing `/`, so `out/` gives `out.shards`.
    Ok(abs.components().collect())
}
