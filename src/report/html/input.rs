//! What the report reads from an output folder: the manifest (as JSON, and as the resolved
//! scenario when this engine can read it back), the tables as text, and the list of files to
//! link to. Nothing here is simulated; a folder gives the same study every time.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::table::Rows;

/// Tables accord writes whose content the report shows in its own sections (or, for the
/// per-run tables, only links to): every other CSV in the folder is an analysis table and is
/// shown as it is.
const OWN_TABLES: [&str; 6] = [
    "timeseries",
    "summary",
    "effects",
    "states",
    "points",
    "representative_states",
];

/// Rows of an analysis table shown in the report; the rest are in the file, which is linked.
pub(super) const MAX_ANALYSIS_ROWS: usize = 200;

/// A CSV file as text: its header and rows, fields as written.
#[derive(Clone, Debug, Default)]
pub(super) struct CsvTable {
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<Vec<String>>,
    /// Rows left unread beyond the limit the table was read with.
    pub(super) more: bool,
}

impl CsvTable {
    /// Index of the column named `name`.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The field of `row` in column `name` (empty when the column or field is missing).
    pub(super) fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.column(name)
            .and_then(|i| row.get(i))
            .map_or("", String::as_str)
    }
}

/// Everything the report shows, read from one output folder.
#[derive(Debug)]
pub(super) struct Study {
    /// `manifest.json` as written.
    pub(super) manifest: serde_json::Value,
    /// The resolved scenario from the manifest; `None` when this engine cannot read it back
    /// (a manifest from another version), which leaves out only the sections it feeds.
    pub(super) scenario: Option<Scenario>,
    /// `summary.csv`'s rows at each series' last step ([`read_finals`]).
    pub(super) summary: CsvTable,
    /// `effects.csv`'s rows at each series' last step, when the folder has one.
    pub(super) effects: Option<CsvTable>,
    pub(super) points: Option<CsvTable>,
    /// `(file name, table)` for every other CSV in the folder, by file name.
    pub(super) analysis: Vec<(String, CsvTable)>,
    /// The folder's files to link to (not hidden ones, not the report), by name.
    pub(super) files: Vec<String>,
    /// The format of the folder's tables (that of its summary).
    pub(super) format: crate::table::TableFormat,
}

fn bad(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Usage(format!("`{}`: {message}", path.display()))
}

/// Reads a table (CSV or Parquet, as CSV text), at most `limit` rows of it.
pub(super) fn read_csv(path: &Path, limit: usize) -> Result<CsvTable> {
    let mut reader = Rows::open_flexible(path)?;
    let mut table = CsvTable {
        headers: reader.header().to_vec(),
        ..CsvTable::default()
    };
    while reader.advance()? {
        if table.rows.len() == limit {
            table.more = true;
            break;
        }
        table.rows.push(fields(&reader));
    }
    Ok(table)
}

fn fields(reader: &Rows) -> Vec<String> {
    (0..reader.len())
        .map(|i| reader.get(i).to_owned())
        .collect()
}

/// Reads a per-step table (`summary`, `effects`) keeping only each series' rows at its last
/// recorded step: a series is the rows that share every field before `step` (point, arm,
/// reference) and the `metric`. The report shows nothing else, and a long sweep's summary
/// holds every step of every point.
pub(super) fn read_finals(path: &Path) -> Result<CsvTable> {
    let mut reader = Rows::open_flexible(path)?;
    let headers: Vec<String> = reader.header().to_vec();
    let position = |name: &str| headers.iter().position(|h| h == name);
    let (Some(step), Some(metric)) = (position("step"), position("metric")) else {
        return Err(bad(path, "missing column `step` or `metric`"));
    };
    // Series in order of first appearance (the writers' order), each with its latest row.
    let mut index: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut latest: Vec<(u64, Vec<String>)> = Vec::new();
    while reader.advance()? {
        let at = reader.get(step);
        let at: u64 = at.parse().map_err(|_| {
            bad(
                path,
                format!("row {}: `step` is `{at}`, not a step number", reader.line()),
            )
        })?;
        let key: Vec<String> = (0..step)
            .chain([metric])
            .map(|i| reader.get(i).to_owned())
            .collect();
        match index.get(&key) {
            Some(&k) if latest[k].0 <= at => latest[k] = (at, fields(&reader)),
            Some(_) => {}
            None => {
                index.insert(key, latest.len());
                latest.push((at, fields(&reader)));
            }
        }
    }
    Ok(CsvTable {
        headers,
        rows: latest.into_iter().map(|(_, row)| row).collect(),
        more: false,
    })
}

/// Reads the study in output folder `dir`.
///
/// # Errors
///
/// [`Error::Usage`] when `dir` has no `manifest.json` or `summary.csv`, or one of its files
/// cannot be parsed; [`Error::Io`] when one cannot be read.
pub(super) fn read(dir: &Path) -> Result<Study> {
    let manifest_path = dir.join(crate::atomic::OUTPUT_MANIFEST);
    let summary_path = crate::table::locate(dir, "summary")?;
    let (true, Some(summary_path)) = (manifest_path.is_file(), summary_path) else {
        return Err(Error::Usage(format!(
            "`{}` has no manifest.json or no summary table; pass an output folder written by \
             `accord run` or `accord merge`",
            dir.display()
        )));
    };
    let bytes = std::fs::read(&manifest_path).map_err(|e| Error::io("read", &manifest_path, e))?;
    let manifest: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| bad(&manifest_path, e))?;
    if !manifest.is_object() {
        return Err(bad(&manifest_path, "not a JSON object"));
    }
    let scenario = manifest
        .get("scenario")
        .and_then(|s| serde_json::from_value::<Scenario>(s.clone()).ok());
    let mut analysis = Vec::new();
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read folder", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read folder", dir, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') || name == super::FILE_NAME {
            continue;
        }
        let path = entry.path();
        let own = crate::table::stem_of(&name).is_some_and(|stem| OWN_TABLES.contains(&stem));
        if crate::table::stem_of(&name).is_some() && path.is_file() && !own {
            analysis.push((name.clone(), read_csv(&path, MAX_ANALYSIS_ROWS)?));
        }
        files.push(name);
    }
    // Directory order differs between file systems; the report must not.
    files.sort();
    analysis.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Study {
        format: crate::table::format_of(&summary_path),
        manifest,
        scenario,
        summary: read_finals(&summary_path)?,
        effects: match crate::table::locate(dir, "effects")? {
            Some(p) => Some(read_finals(&p)?),
            None => None,
        },
        points: match crate::table::locate(dir, "points")? {
            Some(p) => Some(read_csv(&p, usize::MAX)?),
            None => None,
        },
        analysis,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finals_keep_each_series_last_step_in_writer_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        std::fs::write(
            &path,
            "point,arm,step,metric,mean\n0,b,0,m,1\n0,b,0,n,2\n0,b,5,m,3\n0,b,5,n,4\n\
             0,a,0,m,5\n0,a,5,m,6\n1,b,5,m,7\n",
        )
        .unwrap();
        let t = read_finals(&path).unwrap();
        let rows: Vec<String> = t.rows.iter().map(|r| r.join(",")).collect();
        assert_eq!(rows, ["0,b,5,m,3", "0,b,5,n,4", "0,a,5,m,6", "1,b,5,m,7"]);
        std::fs::write(&path, "arm,step,metric\na,x,m\n").unwrap();
        let err = read_finals(&path).unwrap_err().to_string();
        assert!(err.contains("row 2: `step` is `x`"), "{err}");
        std::fs::write(&path, "arm,metric\na,m\n").unwrap();
        assert!(read_finals(&path).is_err());
    }
}
