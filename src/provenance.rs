//! Provenance: which engine simulated which input files, with which seed and how many runs,
//! and when and by what command; with the hashing and clock helpers that record it.
//!
//! An output folder's `manifest.json` and a run store's `shard.json` both begin with the same
//! [`Provenance`] fields, so comparing a store with a fresh run (`--resume`) or shards with
//! each other (`accord merge`) compares one struct, and the two files cannot drift apart.
//! Worker threads are left out of the recorded command line because they never change a
//! result, which keeps a manifest identical across thread counts apart from its times.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// An input file and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Path as given.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// What decides a set of results apart from the resolved scenario: the engine, the input
/// files' bytes, the master seed and the runs per arm. Flattened into the JSON of both
/// manifests, whose first fields these are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Engine that simulated the results.
    pub accord_version: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Every input file read (scenario first) with its SHA-256.
    pub inputs: Vec<Input>,
    /// Master seed actually used.
    pub seed: u64,
    /// Runs per arm actually used (of the whole ensemble, not of one shard).
    pub runs: u32,
}

impl Provenance {
    /// This engine's provenance for `inputs` (scenario first, from [`hash_inputs`]) as given
    /// on the command line as `scenario_file`.
    pub fn new(scenario_file: &Path, inputs: Vec<Input>, seed: u64, runs: u32) -> Provenance {
        Provenance {
            accord_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: scenario_file.display().to_string(),
            scenario_sha256: inputs.first().map(|i| i.sha256.clone()).unwrap_or_default(),
            inputs,
            seed,
            runs,
        }
    }

    /// How `self` differs from `other`, one `what: a vs b` entry per field (empty: the same).
    /// The scenario file's name does not count, nor the names of other inputs: only bytes.
    pub fn differences(&self, other: &Provenance) -> Vec<String> {
        let mut d = Vec::new();
        let mut check = |what: &str, a: String, b: String| {
            if a != b {
                d.push(format!("{what}: {a} vs {b}"));
            }
        };
        check(
            "accord version",
            self.accord_version.clone(),
            other.accord_version.clone(),
        );
        check(
            "scenario SHA-256",
            self.scenario_sha256.clone(),
            other.scenario_sha256.clone(),
        );
        for (a, b) in self.inputs.iter().zip(&other.inputs).skip(1) {
            check(
                &format!("SHA-256 of {}", a.path),
                a.sha256.clone(),
                b.sha256.clone(),
            );
        }
        check("seed", self.seed.to_string(), other.seed.to_string());
        check(
            "runs per arm",
            self.runs.to_string(),
            other.runs.to_string(),
        );
        d
    }
}

/// `files` (e.g. `scenario::input_files`) with the SHA-256 of each.
pub fn hash_inputs(files: &[PathBuf]) -> Result<Vec<Input>> {
    files
        .iter()
        .map(|p| {
            Ok(Input {
                sha256: sha256_file(p)?,
                path: p.display().to_string(),
            })
        })
        .collect()
}

/// Hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    Ok(sha256_hex(&bytes))
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The command line with `--threads`/`-j` and their values removed.
pub fn command_without_threads(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a == "--threads" || a == "-j" {
            skip = true;
            continue;
        }
        if a.starts_with("--threads=") {
            continue;
        }
        out.push(a);
    }
    out
}

/// Now as RFC 3339 UTC, e.g. `2026-11-23T12:00:00Z`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the Unix epoch as RFC 3339 UTC (Hinnant's civil-from-days algorithm).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_753_488_000 + 3_661), "2025-07-26T01:01:01Z");
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn thread_flags_are_dropped() {
        let args = [
            "accord",
            "run",
            "x.toml",
            "--threads",
            "4",
            "-j",
            "2",
            "--threads=3",
            "--quiet",
        ]
        .map(String::from);
        assert_eq!(
            command_without_threads(args),
            vec!["accord", "run", "x.toml", "--quiet"]
        );
    }
}
