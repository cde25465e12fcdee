//! The run store: the chunk files of one ensemble, or one shard of it, and `shard.json`, the
//! identity that says which ensemble they belong to.
//!
//! A store's life: `accord run` [`start`]s one in a hidden folder beside its output (or
//! continues an interrupted one), [`fill`]s it chunk by chunk, so a killed run keeps every
//! finished chunk and `--resume` simulates only the rest, and then either reads it back into
//! the output folder and [`remove`]s it, or with `--shard` hands it over as the shard folder
//! ([`finish_shard`]); `accord merge` reads several as one ensemble
//! ([`ChunkSet`](super::ChunkSet)). Chunk boundaries never change a result: values are read
//! back in run order, whichever chunk or shard holds them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cells::{Cell, CellScenarios};
use super::chunk::{ChunkData, ChunkFile, ChunkShape, write_durably};
use super::shard::Shard;
use super::source::Layout;
use crate::atomic::StagedDir;
use crate::error::{Error, Result};
use crate::model::{RunOutput, StatesMode};
use crate::provenance::{Input, Provenance, now_rfc3339};
use crate::scenario::Scenario;
use crate::seed::run_seed;

/// Version of the store layout; a store of another version is refused, not misread.
pub const FORMAT: u32 = 2;
/// The store's manifest file.
pub const MANIFEST: &str = crate::atomic::SHARD_MANIFEST;
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

/// Writes `shard.json` durably, with the SHA-256 of its own text (without that line) as its
/// first field, so that an edited or damaged manifest is refused by `merge` and `--resume`.
pub fn write_manifest(dir: &Path, m: &StoreManifest) -> Result<()> {
    let path = dir.join(MANIFEST);
    let body = manifest_text(m, &path)?;
    let text = format!(
        "{{\n  \"sha256\": \"{}\",{}",
        sha256_hex(body.as_bytes()),
        body.strip_prefix('{').unwrap_or(&body)
    );
    write_durably(&path, text.as_bytes())
}

/// The manifest's JSON text without its checksum.
fn manifest_text(m: &StoreManifest, path: &Path) -> Result<String> {
    let mut text = serde_json::to_string_pretty(m)
        .map_err(|e| Error::io("write", path, std::io::Error::other(e)))?;
    text.push('\n');
    Ok(text)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads `<dir>/shard.json` and checks its checksum.
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
    parse_manifest(&text, &path)
}

/// [`read_manifest`] on the text of `path`: every check, no file access (the fuzz target
/// `manifest` feeds it arbitrary text).
pub fn parse_manifest(text: &str, path: &Path) -> Result<StoreManifest> {
    let path = path.to_path_buf();
    let m: StoreManifest = serde_json::from_str(text).map_err(|e| Error::Store {
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
    #[derive(Deserialize)]
    struct Checksum {
        sha256: Option<String>,
    }
    let stored = serde_json::from_str::<Checksum>(text)
        .ok()
        .and_then(|c| c.sha256);
    if stored.as_deref() != Some(sha256_hex(manifest_text(&m, &path)?.as_bytes()).as_str()) {
        return Err(Error::Store {
            path,
            problem: "does not match its checksum: it was edited or damaged since accord wrote \
                      it; run that shard again"
                .to_string(),
        });
    }
    let problems = crate::scenario::check::problems(&m.scenario);
    if !problems.is_empty() {
        return Err(Error::Store {
            path,
            problem: format!(
                "holds a scenario that would not load from a file: {}",
                problems.join("; ")
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
    let cells = CellScenarios::new(scenario);
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
        let job = |last: &mut Option<Cell>, j: usize| -> Option<RunOutput> {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let (cell, i) = (j / n, j % n);
            let (point, arm) = (cell / arms, cell % arms);
            // Common random numbers: run r has the same seed at every point and in every arm.
            let out = cells.simulate(last, point, arm, seeds[i], states);
            progress();
            Some(out)
        };
        let outputs: Option<Vec<RunOutput>> = pool.install(|| {
            (0..shape.cells * n)
                .into_par_iter()
                .map_init(|| None, job)
                .collect()
        });
        let outputs = outputs.ok_or(Error::Interrupted)?;
        let mut data = ChunkData::new(shape, runs, seeds);
        for (j, out) in outputs.iter().enumerate() {
            data.set(j / n, j % n, out);
        }
        write_durably(&chunk_path(dir, c), &data.encode())?;
    }
    Ok(())
}

/// How [`start`] found the store of a run.
#[derive(Clone, Debug)]
pub enum Start {
    /// An interrupted run of the same ensemble, to continue (`--resume`).
    Resume(Box<StoreManifest>),
    /// No store, or one discarded (`--force`): [`create`] a new one. `nothing_to_resume` is
    /// set when `--resume` was given but found no store.
    Fresh {
        /// `--resume` was given but there was no store to continue.
        nothing_to_resume: bool,
    },
}

/// Decides what becomes of the store at `dir` for a run whose manifest is `fresh`: a matching
/// interrupted run is continued with `resume`, discarded with `force`, and refused otherwise
/// (an interrupted run is never thrown away silently).
pub fn start(dir: &Path, fresh: &StoreManifest, resume: bool, force: bool) -> Result<Start> {
    if !dir.exists() {
        return Ok(Start::Fresh {
            nothing_to_resume: resume,
        });
    }
    if resume {
        let old = read_manifest(dir)?;
        let mut diffs = old.differences(fresh);
        if old.shard != fresh.shard {
            diffs.push(format!("shard: {} vs {}", old.shard, fresh.shard));
        }
        if !diffs.is_empty() {
            return Err(Error::Usage(format!(
                "cannot resume `{}`: it holds a different run ({}); run without --resume \
                 and with --force to discard it and start over",
                dir.display(),
                diffs.join("; ")
            )));
        }
        return Ok(Start::Resume(Box::new(old)));
    }
    if !force {
        let progress = read_manifest(dir)
            .map(|m| {
                let done = m.chunk_count() as usize - missing_chunks(dir, &m).len();
                format!(" ({done} of {} chunks done)", m.chunk_count())
            })
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "`{}` holds an interrupted run{progress}; add --resume to continue it, or \
             --force to discard it and start over",
            dir.display()
        )));
    }
    std::fs::remove_dir_all(dir).map_err(|e| Error::io("remove", dir, e))?;
    Ok(Start::Fresh {
        nothing_to_resume: false,
    })
}

/// The error for a run interrupted while filling store `dir` (for output folder `out`): how
/// many chunks are kept, and `resume_command`, the command line that continues the run.
pub fn paused(dir: &Path, m: &StoreManifest, out: &Path, resume_command: &[String]) -> Error {
    let done = m.chunk_count() as usize - missing_chunks(dir, m).len();
    Error::Paused(format!(
        "interrupted: {done} of {} chunks are complete and kept in `{}`; nothing was written \
         to `{}`. Continue with:\n  {}",
        m.chunk_count(),
        dir.display(),
        out.display(),
        resume_command.join(" ")
    ))
}

/// Turns the filled store `dir` into the shard folder `out` that `accord merge` reads: staged
/// beside `out` and renamed into place (`force` replaces an existing folder), its manifest
/// marked finished. Returns the folder's path.
pub fn finish_shard(dir: &Path, m: &StoreManifest, out: &Path, force: bool) -> Result<PathBuf> {
    let mut m = m.clone();
    m.finished_at = Some(now_rfc3339());
    let staged = StagedDir::create(out, force)?;
    let (from, to) = (dir.join(CHUNKS), staged.path().join(CHUNKS));
    std::fs::rename(&from, &to).map_err(|e| Error::io("move", &from, e))?;
    write_manifest(staged.path(), &m)?;
    let final_path = staged.commit()?;
    remove(dir);
    Ok(final_path)
}

/// Removes store `dir` once its results are in place elsewhere. A store that cannot be
/// removed is clutter, not a failure, so errors are ignored.
pub fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
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
