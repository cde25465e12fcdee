//! `accord validate`: load a scenario, reporting every problem, and summarise it in one line.

use std::path::Path;

use crate::error::Result;
use crate::experiment::{Shard, budget, store};
use crate::model::StatesMode;
use crate::scenario::{self, LoadOptions};

/// Runs `accord validate`.
pub fn run(path: &Path, allow_outside_inputs: bool) -> Result<()> {
    let s = scenario::load_with(
        path,
        &LoadOptions {
            allow_outside_inputs,
        },
    )?;
    let points = match &s.sweep {
        Some(w) => format!(", {}", counted(w.points.len(), "sweep point")),
        None => String::new(),
    };
    outln!(
        "ok: {}, {}, {}, {}{points}",
        counted(s.nation_count(), "nation"),
        counted(s.dimensions.len(), "dimension"),
        counted(s.arms.len(), "arm"),
        counted(s.steps as usize, "step"),
    )?;
    // What `accord run` would cost with the file's runs on this machine's cores, and whether
    // it would start without `--over-budget`.
    let threads = budget::cores();
    let estimate = budget::estimate(
        &s,
        &budget::Plan {
            runs: s.experiment.runs,
            threads,
            state_steps: budget::StateSteps::None,
            chunk_runs: store::choose_chunk_runs(
                &s,
                s.experiment.runs,
                Shard::WHOLE,
                StatesMode::None,
            ),
            table_format: s.experiment.table_format,
        },
    );
    outln!("{}", estimate.line(threads))?;
    if let Some(why) = budget::Budget::of_machine().refusal(&estimate, threads) {
        outln!("over budget: `accord run` would refuse to start: {why}")?;
    }
    Ok(())
}

/// "1 arm", "3 arms".
fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
