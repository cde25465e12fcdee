//! Finished stores read back as one ensemble: the checks that shard folders belong together
//! ([`read_shards`], [`check_together`]) and [`ChunkSet`], which reads their chunks in run
//! order, so a merge of N shards and a single machine's run give the same values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::chunk::{ChunkFile, decode_value};
use super::shard::Shard;
use super::source::{Layout, RunSource, RunView};
use super::store::{StoreManifest, chunk_path, read_manifest};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::model::StateRow;

/// The manifests of the shard folders `dirs`, in order; an unfinished run is refused.
pub fn read_shards(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, StoreManifest)>> {
    dirs.iter()
        .map(|d| {
            let m = read_manifest(d)?;
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

/// One store's chunks, opened.
#[derive(Debug)]
struct StoreChunks {
    shard: Shard,
    chunk_runs: u32,
    files: Vec<ChunkFile>,
}

/// The union of complete stores that together hold every run of one ensemble: a
/// [`RunSource`] reading values back in run order.
#[derive(Debug)]
pub struct ChunkSet {
    layout: Layout,
    /// Indexed by shard index.
    stores: Vec<StoreChunks>,
    /// Set by a signal handler: reads fail with [`Error::Interrupted`], so writing an output
    /// folder from a large store can be stopped, leaving the store for `--resume`.
    stop: Option<Arc<AtomicBool>>,
}

impl ChunkSet {
    /// Opens stores whose manifests agree and whose shards are exactly 0..N of N (checked by
    /// the caller, e.g. `accord merge`); fails if a chunk file is missing or incomplete.
    pub fn open(stores: &[(PathBuf, StoreManifest)]) -> Result<ChunkSet> {
        let Some((_, first)) = stores.first() else {
            return Err(Error::Usage("no stores to read".to_string()));
        };
        let mut sorted: Vec<&(PathBuf, StoreManifest)> = stores.iter().collect();
        sorted.sort_by_key(|(_, m)| m.shard.index);
        let mut opened = Vec::with_capacity(stores.len());
        for (i, (dir, m)) in sorted.into_iter().enumerate() {
            if m.shard.index as usize != i || m.shard.count as usize != stores.len() {
                return Err(Error::Store {
                    path: dir.clone(),
                    problem: format!("is shard {}, expected shard {i}/{}", m.shard, stores.len()),
                });
            }
            let files = (0..m.chunk_count())
                .map(|c| ChunkFile::open(&chunk_path(dir, c), m.shape()))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| Error::IncompleteShard {
                    dir: dir.clone(),
                    source: Box::new(e),
                })?;
            opened.push(StoreChunks {
                shard: m.shard,
                chunk_runs: m.chunk_runs.max(1),
                files,
            });
        }
        Ok(ChunkSet {
            layout: first.layout(),
            stores: opened,
            stop: None,
        })
    }

    /// Makes every later read fail with [`Error::Interrupted`] once `flag` is set.
    pub fn stop_on(self, flag: Arc<AtomicBool>) -> ChunkSet {
        ChunkSet {
            stop: Some(flag),
            ..self
        }
    }

    fn check_stop(&self) -> Result<()> {
        match &self.stop {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(Error::Interrupted),
            _ => Ok(()),
        }
    }
}

/// One chunk's values and states for one cell, as [`ChunkSet::for_each_run`] caches them.
struct CachedChunk {
    chunk: usize,
    values: Vec<u64>,
    states: Vec<Vec<StateRow>>,
}

impl RunSource for ChunkSet {
    fn layout(&self) -> Layout {
        self.layout.clone()
    }

    fn columns(&self, cell: usize, groups: std::ops::Range<usize>) -> Result<Vec<f64>> {
        self.check_stop()?;
        let runs = self.layout.runs as usize;
        let mut out = vec![f64::NAN; groups.len() * runs];
        for store in &self.stores {
            for file in &store.files {
                let bits = file.read_groups(cell, groups.clone())?;
                let n = file.runs().len();
                for g in 0..groups.len() {
                    for (i, &r) in file.runs().iter().enumerate() {
                        if let Some(slot) = out.get_mut(g * runs + r as usize) {
                            *slot = decode_value(bits[g * n + i]).unwrap_or(f64::NAN);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    fn for_each_run(
        &self,
        cell: usize,
        f: &mut dyn FnMut(&RunView<'_>) -> Result<()>,
    ) -> Result<()> {
        let (point, arm) = self.layout.cell_of(cell);
        let groups = self.layout.groups();
        let count = self.stores.len().max(1);
        let mut cache: Vec<Option<CachedChunk>> = (0..count).map(|_| None).collect();
        let mut row = vec![None; groups];
        for run in 0..self.layout.runs {
            self.check_stop()?;
            let k = run as usize % count;
            let store = &self.stores[k];
            let local = run / store.shard.count;
            let (c, i) = (
                (local / store.chunk_runs) as usize,
                (local % store.chunk_runs) as usize,
            );
            let file = store.files.get(c).ok_or_else(|| {
                Error::StoreRuns(format!("run {run} is missing from shard {}", store.shard))
            })?;
            let cached = match &mut cache[k] {
                Some(x) if x.chunk == c => x,
                slot => slot.insert(CachedChunk {
                    chunk: c,
                    values: file.read_groups(cell, 0..groups)?,
                    states: file.read_states(cell)?,
                }),
            };
            if file.runs().get(i) != Some(&run) {
                return Err(Error::StoreRuns(format!(
                    "shard {} does not hold run {run} where its manifest places it",
                    store.shard
                )));
            }
            let n = file.runs().len();
            for (g, slot) in row.iter_mut().enumerate() {
                *slot = decode_value(cached.values[g * n + i]);
            }
            f(&RunView {
                point,
                arm,
                run,
                seed: file.seeds()[i],
                values: &row,
                states: cached.states.get(i).map_or(&[], Vec::as_slice),
            })?;
        }
        Ok(())
    }
}
