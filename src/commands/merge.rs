//! `accord merge`: shard folders into the output folder an unsharded run writes.
//!
//! The shards are checked to be one ensemble split N ways (same engine, scenario, inputs,
//! seed, runs and states; every shard 0..N present exactly once and complete) before anything
//! is written; then the output folder is written by the same function as `accord run`'s, from
//! the shards' raw values read back in run order, so every table is byte-identical to a run on
//! one machine.

use crate::atomic;
use crate::charts;
use crate::cli::args::MergeArgs;
use crate::error::Result;
use crate::experiment::{ChunkSet, check_together, read_shards};
use crate::output;
use crate::provenance;
use crate::report;

/// Runs `accord merge`: merges the shards named in `args`.
pub fn run(args: &MergeArgs) -> Result<()> {
    output::check_merge_output(&args.out, &args.shards)?;
    atomic::check_target(&args.out, args.force)?;
    let stores = read_shards(&args.shards)?;
    check_together(&stores)?;
    let set = ChunkSet::open(&stores)?;
    let first = &stores[0].1;
    // The ensemble started when its first shard did.
    let started_at = stores
        .iter()
        .map(|(_, m)| m.started_at.clone())
        .min()
        .unwrap_or_default();
    let format = args
        .table_format
        .unwrap_or(first.scenario.experiment.table_format);
    let m = output::manifest_for(
        first,
        provenance::command_without_threads(std::env::args()),
        started_at,
        args.runs_table,
        format,
    );
    let staged = atomic::StagedDir::create(&args.out, args.force)?;
    let results = output::write_folder(
        staged.path(),
        &set,
        &first.scenario,
        &m,
        args.effects.all_steps(),
    )?;
    let drawn = charts::draw_all(staged.path(), charts::Format::Both)?;
    report::html::write(staged.path(), &drawn)?;
    let final_path = staged.commit()?;
    out!(
        "{}",
        output::end_of_run_table(
            &first.layout(),
            &results.summary,
            &results.effects,
            &first.scenario,
        )
    )?;
    outln!("{}", args.runs_table.describe(format))?;
    outln!(
        "merged {} shards ({} runs per arm): {}",
        stores.len(),
        first.provenance.runs,
        final_path.display()
    )?;
    Ok(())
}
