//! `manifest.json`: everything needed to re-run an output folder and check it is the same.
//!
//! It embeds the resolved scenario (nations from files included), so the folder can be
//! re-simulated without the original files; input hashes tell whether those files changed.
//! Worker threads are left out of the recorded command line because they never change a
//! result, which keeps the manifest identical across thread counts apart from its times.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// An input file and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Input {
    /// Path as given.
    pub path: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// The manifest of one output folder.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    /// Engine that produced the folder.
    pub accord_version: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Every input file read (scenario first).
    pub inputs: Vec<Input>,
    /// Master seed actually used.
    pub seed: u64,
    /// Runs per arm actually used.
    pub runs: u32,
    /// Arm names in order.
    pub arms: Vec<String>,
    /// Number of sweep points (absent without a `[sweep]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<usize>,
    /// Which states were written.
    pub states: String,
    /// The command line, without thread settings.
    pub command: Vec<String>,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// The resolved scenario, arms included.
    pub scenario: Scenario,
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

/// Writes the manifest as pretty JSON.
pub fn write(path: &Path, m: &Manifest) -> Result<()> {
    let json = serde_json::to_string_pretty(m)
        .map_err(|e| Error::io("write", path, std::io::Error::other(e)))?;
    std::fs::write(path, json + "\n").map_err(|e| Error::io("write", path, e))
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
