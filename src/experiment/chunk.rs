//! Chunk files: the raw results of a block of runs, for every sweep point and arm.
//!
//! Ensembles are simulated and saved chunk by chunk so that a killed run keeps its finished
//! chunks (`--resume`), shards can be merged, and memory stays bounded by one chunk rather
//! than by the ensemble. Values are stored as raw f64 bits, not text, so statistics computed
//! from chunks are bit-identical to statistics computed in memory.
//!
//! Layout (little-endian): magic `ACCORDC2`; `cells, steps, metrics, n` as u32 and a u8
//! states flag; `n` run indices (u32) and `n` seeds (u64); then the values, column-major per
//! cell — `values[(cell · groups + group) · n + i]` with `group = step · metrics + metric` —
//! so one metric at one step for every run of a chunk is a single contiguous read; then, with
//! states, `cells · n + 1` byte offsets (u64) into a blob of encoded nation states (per row:
//! step u32, nation id as u16 length + UTF-8, capability and each stance as f64 bits);
//! finally the SHA-256 of everything before it, so a damaged chunk (a flipped byte on a
//! cluster's scratch disk) is found when the chunk is opened for `--resume` or `merge`,
//! not turned into wrong statistics.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{RunOutput, StateRow};

const MAGIC: &[u8; 8] = b"ACCORDC2";
/// Length of the SHA-256 trailer.
const DIGEST: u64 = 32;
/// A signalling NaN, which arithmetic never produces: marks "metric undefined in this run",
/// kept apart from any NaN a metric could compute.
const NONE_BITS: u64 = 0x7FF0_0000_0000_0ACC;
const HEADER: u64 = 8 + 4 * 4 + 1;

/// The dimensions of a chunk's value block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkShape {
    /// Sweep points × arms.
    pub cells: usize,
    /// Recorded steps.
    pub steps: usize,
    /// Metrics per step.
    pub metrics: usize,
    /// Whether nation states are stored.
    pub states: bool,
}

impl ChunkShape {
    /// Values per run and cell: steps × metrics.
    pub fn groups(&self) -> usize {
        self.steps * self.metrics
    }
}

/// Encodes a metric value; `None` becomes a reserved signalling-NaN pattern.
pub fn encode_value(v: Option<f64>) -> u64 {
    v.map_or(NONE_BITS, f64::to_bits)
}

/// Decodes [`encode_value`]'s bits.
pub fn decode_value(bits: u64) -> Option<f64> {
    (bits != NONE_BITS).then(|| f64::from_bits(bits))
}

/// A chunk being filled in memory.
#[derive(Clone, Debug)]
pub struct ChunkData {
    shape: ChunkShape,
    runs: Vec<u32>,
    seeds: Vec<u64>,
    values: Vec<u64>,
    states: Vec<Vec<u8>>,
}

impl ChunkData {
    /// An empty chunk for the given global run indices and their seeds.
    pub fn new(shape: ChunkShape, runs: Vec<u32>, seeds: Vec<u64>) -> ChunkData {
        let n = runs.len();
        ChunkData {
            shape,
            values: vec![NONE_BITS; shape.cells * shape.groups() * n],
            states: vec![Vec::new(); if shape.states { shape.cells * n } else { 0 }],
            runs,
            seeds,
        }
    }

    /// Stores run `i` (position in this chunk) of `cell`.
    pub fn set(&mut self, cell: usize, i: usize, output: &RunOutput) {
        let n = self.runs.len();
        let m = self.shape.metrics;
        for (si, row) in output.metrics.iter().enumerate().take(self.shape.steps) {
            for (mi, v) in row.iter().enumerate().take(m) {
                let g = si * m + mi;
                self.values[(cell * self.shape.groups() + g) * n + i] = encode_value(*v);
            }
        }
        if self.shape.states {
            self.states[cell * n + i] = encode_states(&output.states);
        }
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.runs.len();
        let mut out = Vec::with_capacity(HEADER as usize + n * 12 + self.values.len() * 8);
        out.extend_from_slice(MAGIC);
        for x in [
            self.shape.cells,
            self.shape.steps,
            self.shape.metrics,
            self.runs.len(),
        ] {
            out.extend_from_slice(&(x as u32).to_le_bytes());
        }
        out.push(u8::from(self.shape.states));
        self.runs
            .iter()
            .for_each(|r| out.extend_from_slice(&r.to_le_bytes()));
        self.seeds
            .iter()
            .for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
        self.values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        if self.shape.states {
            let mut offset = 0u64;
            out.extend_from_slice(&offset.to_le_bytes());
            for s in &self.states {
                offset += s.len() as u64;
                out.extend_from_slice(&offset.to_le_bytes());
            }
            self.states.iter().for_each(|s| out.extend_from_slice(s));
        }
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }
}

/// Writes `bytes` to `path` so that after a crash or power loss the file is either absent or
/// complete: a temporary file is written and synced, renamed into place, and the folder synced.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).map_err(|e| Error::io("create", &tmp, e))?;
    f.write_all(bytes)
        .map_err(|e| Error::io("write", &tmp, e))?;
    f.sync_all().map_err(|e| Error::io("sync", &tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| Error::io("rename", path, e))?;
    if let Some(dir) = path.parent()
        && let Ok(d) = File::open(dir)
    {
        // Best effort: some filesystems refuse to sync a folder; the rename is still atomic.
        let _ = d.sync_all();
    }
    Ok(())
}

/// Whether the SHA-256 of the first `body` bytes of `file` equals the 32 bytes after them.
fn digest_matches(file: &mut File, body: u64) -> std::io::Result<bool> {
    file.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    let mut left = body;
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        let n = buf.len().min(left as usize);
        file.read_exact(&mut buf[..n])?;
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    let mut stored = [0u8; DIGEST as usize];
    file.read_exact(&mut stored)?;
    Ok(hasher.finalize().as_slice() == stored)
}

/// A complete chunk file on disk, read lazily: only the header is kept in memory.
#[derive(Debug)]
pub struct ChunkFile {
    path: PathBuf,
    file: File,
    shape: ChunkShape,
    runs: Vec<u32>,
    seeds: Vec<u64>,
    values_at: u64,
    states_offsets: Vec<u64>,
    states_at: u64,
}

impl ChunkFile {
    /// Opens `path` and checks that it is a complete chunk of `shape`.
    pub fn open(path: &Path, shape: ChunkShape) -> Result<ChunkFile> {
        let bad = |what: String| Error::Store {
            path: path.to_path_buf(),
            problem: format!("is not a complete accord chunk file: {what}"),
        };
        let mut file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        let len = file
            .metadata()
            .map_err(|e| Error::io("read", path, e))?
            .len();
        let mut head = [0u8; HEADER as usize];
        file.read_exact(&mut head)
            .map_err(|_| bad("too short".into()))?;
        if &head[..8] != MAGIC {
            return Err(bad("wrong magic bytes".into()));
        }
        let word = |k: usize| u32::from_le_bytes([head[k], head[k + 1], head[k + 2], head[k + 3]]);
        let found = ChunkShape {
            cells: word(8) as usize,
            steps: word(12) as usize,
            metrics: word(16) as usize,
            states: head[24] != 0,
        };
        if found != shape {
            return Err(bad(format!("shape {found:?}, expected {shape:?}")));
        }
        let n = word(20) as usize;
        // Sizes come from the header: check them against the file's length before allocating,
        // so a damaged header cannot ask for gigabytes.
        let values_len = (shape.cells as u64)
            .saturating_mul(shape.groups() as u64)
            .saturating_mul(n as u64)
            .saturating_mul(8);
        let states_index = if shape.states {
            (shape.cells as u64)
                .saturating_mul(n as u64)
                .saturating_add(1)
                .saturating_mul(8)
        } else {
            0
        };
        let least = HEADER
            .saturating_add(n as u64 * 12)
            .saturating_add(values_len)
            .saturating_add(states_index)
            .saturating_add(DIGEST);
        if least > len {
            return Err(bad(format!("{len} bytes, expected at least {least}")));
        }
        let mut index = vec![0u8; n * 12];
        file.read_exact(&mut index)
            .map_err(|_| bad("truncated run index".into()))?;
        let runs = index[..n * 4]
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let seeds = index[n * 4..]
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
            .collect();
        let values_at = HEADER + n as u64 * 12;
        let mut states_offsets = Vec::new();
        let mut states_at = values_at + values_len;
        if shape.states {
            let count = shape.cells * n + 1;
            let mut raw = vec![0u8; count * 8];
            file.seek(SeekFrom::Start(states_at))
                .and_then(|_| file.read_exact(&mut raw))
                .map_err(|_| bad("truncated states index".into()))?;
            states_offsets = raw
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
                .collect();
            states_at += count as u64 * 8;
        }
        // The last offset comes from the file: add it without overflowing.
        let expected = states_offsets
            .last()
            .copied()
            .unwrap_or(0)
            .saturating_add(states_at + DIGEST);
        if len != expected {
            return Err(bad(format!("{len} bytes, expected {expected}")));
        }
        if !digest_matches(&mut file, len - DIGEST).map_err(|e| Error::io("read", path, e))? {
            return Err(bad(
                "its checksum does not match: the file is damaged".into()
            ));
        }
        Ok(ChunkFile {
            path: path.to_path_buf(),
            file,
            shape,
            runs,
            seeds,
            values_at,
            states_offsets,
            states_at,
        })
    }

    /// Global run indices, in chunk order.
    pub fn runs(&self) -> &[u32] {
        &self.runs
    }

    /// Seeds, in chunk order.
    pub fn seeds(&self) -> &[u64] {
        &self.seeds
    }

    /// Raw value bits of `groups` of `cell`: `out[(g − groups.start) · n + i]`.
    pub fn read_groups(&self, cell: usize, groups: Range<usize>) -> Result<Vec<u64>> {
        let n = self.runs.len();
        let start = self.values_at + ((cell * self.shape.groups() + groups.start) * n) as u64 * 8;
        let mut raw = vec![0u8; groups.len() * n * 8];
        self.file
            .read_exact_at(&mut raw, start)
            .map_err(|e| Error::io("read", &self.path, e))?;
        Ok(raw
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
            .collect())
    }

    /// The nation states of every run of `cell`, in chunk order (empty without states).
    pub fn read_states(&self, cell: usize) -> Result<Vec<Vec<StateRow>>> {
        let n = self.runs.len();
        if !self.shape.states {
            return Ok(vec![Vec::new(); n]);
        }
        let offsets = &self.states_offsets[cell * n..=cell * n + n];
        let lo = offsets[0];
        let mut blob = vec![0u8; offsets[n].saturating_sub(lo) as usize];
        self.file
            .read_exact_at(&mut blob, self.states_at + lo)
            .map_err(|e| Error::io("read", &self.path, e))?;
        offsets
            .windows(2)
            .map(|w| {
                let range = (w[0] - lo) as usize..(w[1] - lo) as usize;
                blob.get(range)
                    .and_then(decode_states)
                    .ok_or_else(|| Error::Store {
                        path: self.path.clone(),
                        problem: "has corrupt nation states".to_string(),
                    })
            })
            .collect()
    }
}

fn encode_states(rows: &[StateRow]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in rows {
        out.extend_from_slice(&r.step.to_le_bytes());
        let id = r.nation.as_bytes();
        out.extend_from_slice(&(id.len() as u16).to_le_bytes());
        out.extend_from_slice(id);
        out.extend_from_slice(&(r.stance.len() as u16).to_le_bytes());
        out.extend_from_slice(&r.capability.to_bits().to_le_bytes());
        r.stance
            .iter()
            .for_each(|x| out.extend_from_slice(&x.to_bits().to_le_bytes()));
    }
    out
}

/// Inverse of [`encode_states`]; `None` when the bytes are not a whole number of rows.
fn decode_states(mut b: &[u8]) -> Option<Vec<StateRow>> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (b.get(..n)?, b.get(n..)?);
        *b = tail;
        Some(head)
    }
    let u16_at = |x: &[u8]| usize::from(u16::from_le_bytes([x[0], x[1]]));
    let f64_of = |x: &[u8]| f64::from_bits(u64::from_le_bytes(x.try_into().unwrap_or_default()));
    let mut rows = Vec::new();
    while !b.is_empty() {
        let step = u32::from_le_bytes(take(&mut b, 4)?.try_into().ok()?);
        let id_len = u16_at(take(&mut b, 2)?);
        let nation = String::from_utf8(take(&mut b, id_len)?.to_vec()).ok()?;
        let dims = u16_at(take(&mut b, 2)?);
        let capability = f64_of(take(&mut b, 8)?);
        let stance = (0..dims)
            .map(|_| take(&mut b, 8).map(f64_of))
            .collect::<Option<Vec<f64>>>()?;
        rows.push(StateRow {
            step,
            nation,
            capability,
            stance,
        });
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(vals: &[&[Option<f64>]]) -> RunOutput {
        RunOutput {
            steps: (0..vals.len() as u32).collect(),
            metrics: vals.iter().map(|r| r.to_vec()).collect(),
            states: Vec::new(),
        }
    }

    fn state(step: u32, nation: &str, x: f64) -> StateRow {
        StateRow {
            step,
            nation: nation.to_string(),
            capability: x,
            stance: vec![x, 1.0 - x],
        }
    }

    #[test]
    fn values_and_states_round_trip_bit_for_bit() {
        let shape = ChunkShape {
            cells: 2,
            steps: 2,
            metrics: 2,
            states: true,
        };
        let mut c = ChunkData::new(shape, vec![3, 7], vec![11, 13]);
        let weird = f64::from_bits(0x7FF8_0000_0000_0001);
        let with_states = |vals: &[&[Option<f64>]], states: Vec<StateRow>| RunOutput {
            states,
            ..output(vals)
        };
        let s0 = vec![state(1, "usa", 0.25), state(1, "é-ü", 0.1)];
        let s1 = vec![state(0, "x", 0.5)];
        c.set(
            0,
            0,
            &with_states(
                &[&[Some(0.1), None], &[Some(-0.0), Some(1e-300)]],
                s0.clone(),
            ),
        );
        c.set(
            0,
            1,
            &output(&[&[Some(0.2), Some(weird)], &[None, Some(2.0)]]),
        );
        c.set(
            1,
            0,
            &with_states(
                &[&[Some(0.3), Some(0.4)], &[Some(0.5), Some(0.6)]],
                s1.clone(),
            ),
        );
        c.set(
            1,
            1,
            &output(&[&[None, None], &[None, Some(f64::INFINITY)]]),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        write_durably(&path, &c.encode()).unwrap();
        let f = ChunkFile::open(&path, shape).unwrap();
        assert_eq!((f.runs(), f.seeds()), (&[3u32, 7][..], &[11u64, 13][..]));
        // Group 1 = step 0, metric 1; group 2 = step 1, metric 0.
        let g = f.read_groups(0, 1..3).unwrap();
        let decoded: Vec<Option<u64>> = g
            .iter()
            .map(|b| decode_value(*b).map(f64::to_bits))
            .collect();
        assert_eq!(
            decoded,
            vec![None, Some(weird.to_bits()), Some((-0.0f64).to_bits()), None]
        );
        let g = f.read_groups(1, 3..4).unwrap();
        assert_eq!(decode_value(g[0]), Some(0.6));
        assert_eq!(decode_value(g[1]), Some(f64::INFINITY));
        assert_eq!(f.read_states(0).unwrap(), vec![s0, Vec::new()]);
        assert_eq!(f.read_states(1).unwrap(), vec![s1, Vec::new()]);
    }

    #[test]
    fn truncated_or_foreign_files_are_refused() {
        let shape = ChunkShape {
            cells: 1,
            steps: 1,
            metrics: 1,
            states: false,
        };
        let mut c = ChunkData::new(shape, vec![0], vec![1]);
        c.set(0, 0, &output(&[&[Some(0.5)]]));
        let bytes = c.encode();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let e = ChunkFile::open(&path, shape).unwrap_err().to_string();
        assert!(e.contains("expected"), "{e}");
        // A states index whose last offset is near 2⁶⁴ is refused, not an overflow (found
        // by the `chunk` fuzz target).
        let states = ChunkShape {
            states: true,
            ..shape
        };
        let mut c = ChunkData::new(states, vec![0], vec![1]);
        c.set(0, 0, &output(&[&[Some(0.5)]]));
        let mut wild = c.encode();
        let last = HEADER as usize + 12 + 8 + 8;
        wild[last..last + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(&path, &wild).unwrap();
        let e = ChunkFile::open(&path, states).unwrap_err().to_string();
        assert!(e.contains("expected"), "{e}");
        // A header claiming four billion runs is refused by length, before any allocation
        // (found by the `chunk` fuzz target: it asked for 51 GB).
        let mut huge = bytes.clone();
        huge[20..24].copy_from_slice(&0xffff_0001u32.to_le_bytes());
        std::fs::write(&path, &huge).unwrap();
        let e = ChunkFile::open(&path, shape).unwrap_err().to_string();
        assert!(e.contains("expected at least"), "{e}");
        std::fs::write(&path, b"not a chunk at all, just text....").unwrap();
        let e = ChunkFile::open(&path, shape).unwrap_err().to_string();
        assert!(e.contains("magic"), "{e}");
        std::fs::write(&path, &bytes).unwrap();
        let other = ChunkShape {
            metrics: 2,
            ..shape
        };
        assert!(
            ChunkFile::open(&path, other)
                .unwrap_err()
                .to_string()
                .contains("shape")
        );
        assert!(ChunkFile::open(&path, shape).is_ok());
    }

    /// Issue 10 (6): a byte flipped in the middle of a chunk (same length, same header) is
    /// caught by the checksum instead of becoming a wrong statistic.
    #[test]
    fn a_damaged_chunk_is_refused_by_its_checksum() {
        let shape = ChunkShape {
            cells: 2,
            steps: 2,
            metrics: 2,
            states: false,
        };
        let mut c = ChunkData::new(shape, vec![0, 1], vec![7, 8]);
        for cell in 0..2 {
            for i in 0..2 {
                c.set(
                    cell,
                    i,
                    &output(&[&[Some(0.25), Some(0.5)], &[Some(0.75), None]]),
                );
            }
        }
        let mut bytes = c.encode();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        let e = ChunkFile::open(&path, shape).unwrap_err().to_string();
        assert!(e.contains("checksum does not match"), "{e}");
    }
}
