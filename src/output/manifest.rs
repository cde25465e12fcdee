//! `manifest.json`: everything needed to re-run an output folder and check it is the same.
//!
//! It embeds the resolved scenario (nations from files included), so the folder can be
//! re-simulated without the original files; input hashes ([`Provenance`]) tell whether those
//! files changed.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::experiment::store::StoreManifest;
use crate::provenance::{Provenance, now_rfc3339};
use crate::scenario::Scenario;

/// The manifest of one output folder.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    /// Engine, inputs, seed and runs: the file's first fields.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Arm names in order.
    pub arms: Vec<String>,
    /// Number of sweep points (absent without a `[sweep]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<usize>,
    /// Which states were written.
    pub states: String,
    /// Which per-run rows `timeseries.csv` holds: `all`, `final` or `none` (`--runs-table`).
    pub runs_table: String,
    /// The command line, without thread settings.
    pub command: Vec<String>,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// The resolved scenario, arms included.
    pub scenario: Scenario,
}

/// Writes the manifest as pretty JSON.
pub fn write(path: &Path, m: &Manifest) -> Result<()> {
    let json = serde_json::to_string_pretty(m)
        .map_err(|e| Error::io("write", path, std::io::Error::other(e)))?;
    std::fs::write(path, json + "\n").map_err(|e| Error::io("write", path, e))
}

/// The output folder's manifest for the ensemble in store `s` (a run's own store, or the
/// shards of a merge), with the given command line and start time; it ends now.
pub fn manifest_for(
    s: &StoreManifest,
    command: Vec<String>,
    started_at: String,
    runs_table: super::RunsTable,
) -> Manifest {
    Manifest {
        provenance: s.provenance.clone(),
        arms: s.scenario.arms.iter().map(|a| a.name.clone()).collect(),
        points: s.scenario.sweep.as_ref().map(|w| w.points.len()),
        states: s.states.clone(),
        runs_table: runs_table.name().to_string(),
        command,
        started_at,
        finished_at: now_rfc3339(),
        scenario: s.scenario.clone(),
    }
}
