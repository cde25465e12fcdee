//! `accord merge`: shard folders into the output folder an unsharded run writes.
//!
//! The shards are checked to be one ensemble split N ways (same engine, scenario, inputs,
//! seed, runs and states; every shard 0..N present exactly once and complete) before anything
//! is written; then the output folder is written by the same function as `accord run`'s, from
//! the shards' raw values read back in run order, so every CSV is byte-identical to a run on
//! one machine.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::commands::run::{Effects, print_table};
use crate::error::{Error, Result};
use crate::experiment::Shard;
use crate::experiment::store::{self, ChunkSet, StoreManifest};
use crate::output::{self, atomic};
use crate::provenance;

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
    #[arg(long, value_enum, default_value_t = Effects::Final)]
    pub effects: Effects,
}

/// Merges the shards named in `args`.
pub fn run(args: &MergeArgs) -> Result<()> {
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
    let m = output::manifest_for(
        first,
        provenance::command_without_threads(std::env::args()),
        started_at,
    );
    let staged = atomic::StagedDir::create(&args.out, args.force)?;
    let results = output::write_folder(
        staged.path(),
        &set,
        &first.scenario,
        &m,
        args.effects == Effects::All,
    )?;
    let final_path = staged.commit()?;
    print_table(
        &first.layout(),
        &results.summary,
        &results.effects,
        &first.scenario,
    );
    println!(
        "merged {} shards ({} runs per arm): {}",
        stores.len(),
        first.provenance.runs,
        final_path.display()
    );
    Ok(())
}

fn read_shards(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, StoreManifest)>> {
    dirs.iter()
        .map(|d| {
            let m = store::read_manifest(d)?;
            if m.finished_at.is_none() {
                return Err(Error::Store {
                    path: d.clone(),
                    problem: format!(
                        "is an unfinished run, not a shard folder; finish it with `accord run … \
                         --shard {} --resume`",
                        m.shard
                    ),
                });
            }
            Ok((d.clone(), m))
        })
        .collect()
}

/// Checks that `stores` are the N shards of one ensemble, each exactly once; the error names
/// what does not match, what is duplicated and what is missing.
pub fn check_together(stores: &[(PathBuf, StoreManifest)]) -> Result<()> {
    let Some((first_dir, first)) = stores.first() else {
        return Err(Error::Usage("no shard folders given".to_string()));
    };
    for (dir, m) in &stores[1..] {
        let diffs = first.differences(m);
        if !diffs.is_empty() {
            return Err(Error::Usage(format!(
                "`{}` and `{}` are not shards of the same ensemble: {}",
                first_dir.display(),
                dir.display(),
                diffs.join("; ")
            )));
        }
    }
    let count = first.shard.count;
    let mut seen: BTreeMap<u32, &PathBuf> = BTreeMap::new();
    for (dir, m) in stores {
        if let Some(other) = seen.insert(m.shard.index, dir) {
            return Err(Error::Usage(format!(
                "shard {} is given twice: `{}` and `{}`",
                m.shard,
                other.display(),
                dir.display()
            )));
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|k| !seen.contains_key(k))
        .map(|k| Shard { index: k, count }.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "missing {} of {count} shards: {} (run them with `accord run … --shard K/{count}`)",
            missing.len(),
            missing.join(", ")
        )));
    }
    Ok(())
}
