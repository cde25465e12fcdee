//! The run store: the chunk files of one ensemble, or one shard of it, and `shard.json`, the
//! identity that says which ensemble they belong to.
//!
//! `accord run` fills a store chunk by chunk in a hidden folder beside its output, so a killed
//! run keeps every finished chunk and `--resume` simulates only the rest; `accord run --shard`
//! hands its store over as the shard folder; `accord merge` reads several stores as one
//! ensemble ([`ChunkSet`]). Chunk boundaries never change a result: values are read back in
//! run order, whichever chunk or shard holds them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::chunk::{ChunkData, ChunkFile, ChunkShape, decode_value, write_durably};
use super::shard::Shard;
use super::source::{Layout, RunSource, RunView};
use crate::error::{Error, Result};
use crate::model::{RunOutput, StateRow, StatesMode, simulate};
use crate::provenance::{Input, Provenance};
use crate::scenario::Scenario;
use crate::seed::run_seed;

/// Version of the store layout; a store of another version is refused, not misread.
pub const FORMAT: u32 = 1;
/// The store's manifest file.
pub const MANIFEST: &str = "shard.json";
const CHUNKS: &str = "chunks";
/// Bytes of results one chunk may hold in memory while it is simulated.
const SIMULATION_BUDGET: f64 = 32.0 * 1024.0 * 1024.0;
/// Bytes a merge may cache per cell: one chunk of every shard.
const MERGE_BUDGET: f64 = 64.0 * 1024.0 * 1024.0;
/// Nation-steps per chunk, so a slow scenario's chunk (what a kill can lose) stays short.
const WORK_PER_CHUNK: f64 = 2.0e7;
/// Most runs in one chunk.
const MAX_CHUNK_RUNS: u32 = 4096;

/// `shard.json`: what a store holds and how to check that stores belong together.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "StoreFile")]
pub struct StoreManifest {
    /// [`FORMAT`] of the store.
    pub format: u32,
    /// Engine, inputs, seed and runs per arm of the whole ensemble (not of this shard).
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Which nation states are kept: `none`, `final` or `all`.
    pub states: String,
    /// Which runs this store holds.
    pub shard: Shard,
    /// Runs per chunk (the last chunk may hold fewer).
    pub chunk_runs: u32,
    /// The command line, without thread settings.
    pub command: Vec<String>,
    /// When the first chunk was started, RFC 3339 UTC.
    pub started_at: String,
    /// When the last chunk was written (absent while the store is being filled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// The resolved scenario (with `--runs`/`--seed` applied).
    pub scenario: Scenario,
}

/// `shard.json` as read: one flat object, field by field, so that serde reports a malformed
/// field at its own line and column (a flattened [`Provenance`] would be buffered first and
/// reported at the end of the object).
#[derive(Deserialize)]
#[serde(rename = "StoreManifest")]
struct StoreFile {
    format: u32,
    accord_version: String,
    scenario_file: String,
    scenario_sha256: String,
    inputs: Vec<Input>,
    seed: u64,
    runs: u32,
    states: String,
    shard: Shard,
    chunk_runs: u32,
    command: Vec<String>,
    started_at: String,
    #[serde(default)]
    finished_at: Option<String>,
    scenario: Scenario,
}

impl From<StoreFile> for StoreManifest {
    fn from(f: StoreFile) -> Self {
        StoreManifest {
            format: f.format,
            provenance: Provenance {
                accord_version: f.accord_version,
                scenario_file: f.scenario_file,
                scenario_sha256: f.scenario_sha256,
                inputs: f.inputs,
                seed: f.seed,
                runs: f.runs,
            },
            states: f.states,
            shard: f.shard,
            chunk_runs: f.chunk_runs,
            command: f.command,
            started_at: f.started_at,
            finished_at: f.finished_at,
            scenario: f.scenario,
        }
    }
}

/// The name `--states` and manifests use for a mode.
pub fn states_name(mode: StatesMode) -> &'static str {
    match mode {
        StatesMode::None => "none",
        StatesMode::Final => "final",
        StatesMode::All => "all",
    }
}

impl StoreManifest {
    /// The shape of the results.
    pub fn layout(&self) -> Layout {
        Layout::of(&self.scenario, self.provenance.runs)
    }

    /// The kept nation states.
    pub fn states_mode(&self) -> StatesMode {
        match self.states.as_str() {
            "final" => StatesMode::Final,
            "all" => StatesMode::All,
            _ => StatesMode::None,
        }
    }

    /// The shape of this store's chunk files.
    pub fn shape(&self) -> ChunkShape {
        let l = self.layout();
        ChunkShape {
            cells: l.cells(),
            steps: l.steps.len(),
            metrics: l.metric_names.len(),
            states: self.states_mode() != StatesMode::None,
        }
    }

    /// Number of chunks.
    pub fn chunk_count(&self) -> u32 {
        self.shard
            .run_count(self.provenance.runs)
            .div_ceil(self.chunk_runs.max(1))
    }

    /// The global run indices of chunk `c`, ascending.
    pub fn chunk_run_indices(&self, c: u32) -> Vec<u32> {
        let local = self.shard.run_count(self.provenance.runs);
        let start = c.saturating_mul(self.chunk_runs).min(local);
        let end = start.saturating_add(self.chunk_runs).min(local);
        (start..end).map(|l| self.shard.global_run(l)).collect()
    }

    /// How `self` differs from `other` in what decides the results (empty: same ensemble, maybe
    /// other shards). Times, command lines and chunk sizes do not count.
    pub fn differences(&self, other: &StoreManifest) -> Vec<String> {
        let differ =
            |what: &str, a: String, b: String| (a != b).then(|| format!("{what}: {a} vs {b}"));
        let mut d: Vec<String> = differ(
            "store format",
            self.format.to_string(),
            other.format.to_string(),
        )
        .into_iter()
        .collect();
        d.extend(self.provenance.differences(&other.provenance));
        d.extend(differ(
            "--states",
            self.states.clone(),
            other.states.clone(),
        ));
        d.extend(differ(
            "shard count",
            self.shard.count.to_string(),
            other.shard.count.to_string(),
        ));
        let json = |s: &Scenario| serde_json::to_string(s).unwrap_or_default();
        if d.is_empty() && json(&self.scenario) != json(&other.scenario) {
            d.push("resolved scenario differs".to_string());
        }
        d
    }
}

/// Runs per chunk for `scenario`: small enough that a chunk's results fit the simulation
/// budget, that a merge of `shard.count` shards caches one chunk of each within its budget,
/// and that a chunk is a modest amount of work.
pub fn choose_chunk_runs(scenario: &Scenario, runs: u32, shard: Shard, states: StatesMode) -> u32 {
    let l = Layout::of(scenario, runs);
    let nations = scenario.nation_count() as f64;
    let state_rows = match states {
        StatesMode::None => 0.0,
        StatesMode::Final => nations,
        StatesMode::All => nations * l.steps.len() as f64,
    };
    let per_cell_run =
        l.groups() as f64 * 8.0 + state_rows * (scenario.dimensions.len() as f64 * 8.0 + 32.0);
    let cells = l.cells().max(1) as f64;
    let work = cells * (nations * f64::from(scenario.steps.max(1))).max(1.0);
    let limits = [
        SIMULATION_BUDGET / (cells * per_cell_run),
        MERGE_BUDGET / (f64::from(shard.count) * per_cell_run),
        WORK_PER_CHUNK / work,
        f64::from(MAX_CHUNK_RUNS),
    ];
    limits.into_iter().fold(f64::INFINITY, f64::min).max(1.0) as u32
}

/// The file of chunk `c` in store `dir`.
pub fn chunk_path(dir: &Path, c: u32) -> PathBuf {
    dir.join(CHUNKS).join(format!("chunk-{c:06}.bin"))
}

/// Creates store `dir` (and its parents) with manifest `m`.
pub fn create(dir: &Path, m: &StoreManifest) -> Result<()> {
    let chunks = dir.join(CHUNKS);
    std::fs::create_dir_all(&chunks).map_err(|e| Error::io("create folder", &chunks, e))?;
    write_manifest(dir, m)
}

/// Writes `shard.json` durably.
pub fn write_manifest(dir: &Path, m: &StoreManifest) -> Result<()> {
    let path = dir.join(MANIFEST);
    let mut text = serde_json::to_string_pretty(m)
        .map_err(|e| Error::io("write", &path, std::io::Error::other(e)))?;
    text.push('\n');
    write_durably(&path, text.as_bytes())
}

/// Reads `<dir>/shard.json`.
pub fn read_manifest(dir: &Path) -> Result<StoreManifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Unreadable {
        path: path.clone(),
        source,
        hint: format!(
            "; is `{}` a shard folder written by `accord run --shard`?",
            dir.display()
        ),
    })?;
    let m: StoreManifest = serde_json::from_str(&text).map_err(|e| Error::Store {
        path: path.clone(),
        problem: format!(
            "is not a shard manifest of accord {} ({e})",
            env!("CARGO_PKG_VERSION")
        ),
    })?;
    if m.format != FORMAT {
        return Err(Error::Store {
            path,
            problem: format!(
                "has store format {}, this accord reads format {FORMAT}",
                m.format
            ),
        });
    }
    Ok(m)
}

/// Chunks of store `dir` that are not complete on disk, ascending.
pub fn missing_chunks(dir: &Path, m: &StoreManifest) -> Vec<u32> {
    let shape = m.shape();
    (0..m.chunk_count())
        .filter(|&c| ChunkFile::open(&chunk_path(dir, c), shape).is_err())
        .collect()
}

/// Simulates the chunks `missing` (from [`missing_chunks`]) of store `dir`, writing each
/// durably as soon as it is complete. Stops with
/// [`Error::Interrupted`] soon after `stop` is set: finished chunks stay, the one in flight is
/// dropped. `progress` is called once per simulated run.
pub fn fill(
    dir: &Path,
    m: &StoreManifest,
    missing: &[u32],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|source| Error::ThreadPool { threads, source })?;
    let scenario = &m.scenario;
    let layout = m.layout();
    let shape = m.shape();
    let states = m.states_mode();
    let arms = layout.arms.len().max(1);
    let arm_scenarios: Vec<Scenario> = if scenario.sweep.is_none() {
        (0..arms).map(|a| scenario.for_arm(a)).collect()
    } else {
        Vec::new()
    };
    for &c in missing {
        if stop.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        let runs = m.chunk_run_indices(c);
        let seeds: Vec<u64> = runs
            .iter()
            .map(|&r| run_seed(m.provenance.seed, u64::from(r)))
            .collect();
        let n = runs.len();
        let job = |j: usize| -> Option<RunOutput> {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let (cell, i) = (j / n, j % n);
            let (point, arm) = (cell / arms, cell % arms);
            // Common random numbers: run r has the same seed at every point and in every arm;
            // a sweep point's scenario is built per run so a large sweep never holds them all.
            let out = if scenario.sweep.is_none() {
                simulate(&arm_scenarios[arm], seeds[i], states)
            } else {
                simulate(&scenario.at_point(point).for_arm(arm), seeds[i], states)
            };
            progress();
            Some(out)
        };
        let outputs: Option<Vec<RunOutput>> =
            pool.install(|| (0..shape.cells * n).into_par_iter().map(job).collect());
        let outputs = outputs.ok_or(Error::Interrupted)?;
        let mut data = ChunkData::new(shape, runs, seeds);
        for (j, out) in outputs.iter().enumerate() {
            data.set(j / n, j % n, out);
        }
        write_durably(&chunk_path(dir, c), &data.encode())?;
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
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(shard: Shard, runs: u32, chunk_runs: u32) -> StoreManifest {
        let scenario = crate::scenario::parse_str(
            "name = \"t\"\nsteps = 2\ndimensions = [\"a\"]\n[[nations]]\nid = \"x\"\nstance = { a = 0.5 }\n",
            Path::new("t.toml"),
        )
        .unwrap();
        StoreManifest {
            format: FORMAT,
            provenance: Provenance {
                accord_version: "0".into(),
                scenario_file: "t.toml".into(),
                scenario_sha256: "h".into(),
                inputs: Vec::new(),
                seed: 1,
                runs,
            },
            states: "none".into(),
            shard,
            chunk_runs,
            command: Vec::new(),
            started_at: String::new(),
            finished_at: None,
            scenario,
        }
    }

    #[test]
    fn chunks_cover_a_shards_runs_in_order() {
        // Shard 1/3 of 10 runs holds 1, 4, 7; two per chunk: [1, 4], [7].
        let m = manifest(Shard::new(1, 3).unwrap(), 10, 2);
        assert_eq!(m.chunk_count(), 2);
        assert_eq!(m.chunk_run_indices(0), vec![1, 4]);
        assert_eq!(m.chunk_run_indices(1), vec![7]);
        assert_eq!(m.chunk_run_indices(2), Vec::<u32>::new());
        let whole = manifest(Shard::WHOLE, 5, 5);
        assert_eq!(whole.chunk_count(), 1);
        assert_eq!(whole.chunk_run_indices(0), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn differences_name_what_decides_results_only() {
        let a = manifest(Shard::new(0, 2).unwrap(), 10, 2);
        let mut b = manifest(Shard::new(1, 2).unwrap(), 10, 7);
        b.command = vec!["other".into()];
        b.started_at = "later".into();
        assert!(a.differences(&b).is_empty(), "{:?}", a.differences(&b));
        b.provenance.seed = 2;
        b.states = "final".into();
        assert_eq!(
            a.differences(&b),
            vec![
                "seed: 1 vs 2".to_string(),
                "--states: none vs final".to_string()
            ]
        );
        let mut c = manifest(Shard::new(1, 2).unwrap(), 10, 2);
        c.scenario.steps = 3;
        assert_eq!(
            a.differences(&c),
            vec!["resolved scenario differs".to_string()]
        );
    }

    #[test]
    fn chunk_size_respects_memory_and_work_budgets() {
        let m = manifest(Shard::WHOLE, 1_000_000, 1);
        // One nation, 2 steps: tiny runs, so the cap applies.
        assert_eq!(
            choose_chunk_runs(
                &m.scenario,
                m.provenance.runs,
                Shard::WHOLE,
                StatesMode::None
            ),
            MAX_CHUNK_RUNS
        );
        // A merge of a million shards caches one chunk per shard: one run per chunk.
        let many = Shard::new(0, 1_000_000).unwrap();
        assert_eq!(
            choose_chunk_runs(&m.scenario, m.provenance.runs, many, StatesMode::All),
            1
        );
    }
}
