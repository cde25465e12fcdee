//! `manifest.json`: everything needed to re-run an output folder and check it is the same.
//!
//! It embeds the resolved scenario (nations from files included), so the folder can be
//! re-simulated without the original files; input hashes ([`Provenance`]) tell whether those
//! files changed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::experiment::store::StoreManifest;
use crate::provenance::{Provenance, now_rfc3339};
use crate::scenario::Scenario;
use crate::table::{Column, SCHEMA_VERSION, TableFormat};

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
    /// The tables' format and schema: what a reader in another language can rely on.
    pub tables: Tables,
    /// The command line, without thread settings.
    pub command: Vec<String>,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// The resolved scenario, arms included.
    pub scenario: Scenario,
}

/// The format, schema version and columns of an output folder's tables.
#[derive(Clone, Debug, Serialize)]
pub struct Tables {
    /// `csv` or `parquet` (`--table-format`).
    pub format: TableFormat,
    /// [`SCHEMA_VERSION`]: bumped whenever a column is renamed, retyped or removed.
    pub schema_version: u32,
    /// Each table written (by its name without extension) and its columns in order.
    pub columns: BTreeMap<String, Vec<Column>>,
}

impl Tables {
    /// No tables yet, in `format`; the folder writer adds each as it writes it.
    pub fn new(format: TableFormat) -> Tables {
        Tables {
            format,
            schema_version: SCHEMA_VERSION,
            columns: BTreeMap::new(),
        }
    }
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
    format: TableFormat,
) -> Manifest {
    Manifest {
        provenance: s.provenance.clone(),
        arms: s.scenario.arms.iter().map(|a| a.name.clone()).collect(),
        points: s.scenario.sweep.as_ref().map(|w| w.points.len()),
        states: s.states.clone(),
        runs_table: runs_table.name().to_string(),
        tables: Tables::new(format),
        command,
        started_at,
        finished_at: now_rfc3339(),
        scenario: s.scenario.clone(),
    }
}
