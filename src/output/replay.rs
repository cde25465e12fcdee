//! Replaying an output folder: re-simulate one run from the folder's manifest and check that
//! it reproduces that run's rows of `timeseries.csv` byte for byte (`accord replay`).

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment;
use crate::output;
use crate::scenario::Scenario;
use crate::table::{SCHEMA_VERSION, TableFormat};

/// What `accord replay` needs from `manifest.json`.
#[derive(Clone, Debug)]
pub struct ManifestInfo {
    /// The engine version that wrote the folder.
    pub accord_version: String,
    /// Master seed actually used.
    pub seed: u64,
    /// Runs per arm actually used.
    pub runs: u32,
    /// The resolved scenario.
    pub scenario: Scenario,
    /// Which per-run rows the folder's `timeseries.csv` holds.
    pub runs_table: output::RunsTable,
    /// The format of the folder's tables (CSV for manifests older than Parquet output).
    pub table_format: TableFormat,
}

/// The result of a replay: the rows it produced and the header they go under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// `timeseries.csv`'s header line, without the newline.
    pub header: String,
    /// The replayed run's rows, each without its newline.
    pub rows: Vec<String>,
}

/// Reads `<dir>/manifest.json`. A missing or unreadable folder or manifest is bad input.
pub fn read_manifest(dir: &Path) -> Result<ManifestInfo> {
    if !dir.is_dir() {
        return Err(Error::InputFile {
            path: dir.to_path_buf(),
            problem: "is not an output folder (it does not exist or is not a folder)".to_string(),
        });
    }
    let path = dir.join(crate::atomic::OUTPUT_MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Unreadable {
        path: path.clone(),
        source,
        hint: "; is this an accord output folder?".to_string(),
    })?;
    parse_manifest(&text, &path)
}

/// [`read_manifest`] on the text of `path`: every check, no file access (the fuzz target
/// `manifest` feeds it arbitrary text).
pub fn parse_manifest(text: &str, path: &Path) -> Result<ManifestInfo> {
    let path = path.to_path_buf();
    let bad = |what: &str| Error::InputFile {
        path: path.clone(),
        problem: format!("is not a valid accord manifest: {what}"),
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(&format!("invalid JSON ({e})")))?;
    let accord_version = value
        .get("accord_version")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| bad("no `accord_version` string"))?
        .to_string();
    let seed = value
        .get("seed")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| bad("no `seed` integer"))?;
    let runs = value
        .get("runs")
        .and_then(serde_json::Value::as_u64)
        .and_then(|r| u32::try_from(r).ok())
        .ok_or_else(|| bad("no `runs` integer"))?;
    let scenario_value = value.get("scenario").ok_or_else(|| bad("no `scenario`"))?;
    let scenario: Scenario = serde_json::from_value(scenario_value.clone()).map_err(|e| {
        bad(&format!(
            "its `scenario` does not match this accord {} ({e})",
            env!("CARGO_PKG_VERSION")
        ))
    })?;
    // A hand-edited or damaged manifest meets the limits and ranges of a scenario file.
    let problems = crate::scenario::check::problems(&scenario);
    if !problems.is_empty() {
        return Err(bad(&format!(
            "its scenario would not load from a file: {}",
            problems.join("; ")
        )));
    }
    if u64::from(runs) > crate::scenario::limits::MAX_RUNS || runs == 0 {
        return Err(bad(&format!(
            "`runs` is {runs}, but it must lie in [1, {}]",
            crate::scenario::limits::MAX_RUNS
        )));
    }
    let runs_table = output::RunsTable::from_name(
        value
            .get("runs_table")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("all"),
    );
    let tables = value.get("tables");
    let table_format = match tables
        .and_then(|t| t.get("format"))
        .map(|f| f.as_str().and_then(TableFormat::from_name))
    {
        None => TableFormat::Csv,
        Some(Some(f)) => f,
        Some(None) => return Err(bad("`tables.format` is not `csv` or `parquet`")),
    };
    if let Some(v) = tables
        .and_then(|t| t.get("schema_version"))
        .and_then(serde_json::Value::as_u64)
        && v > u64::from(SCHEMA_VERSION)
    {
        return Err(bad(&format!(
            "its tables follow schema {v}, newer than this accord's {SCHEMA_VERSION}; read the \
             folder with the accord that wrote it ({accord_version}) or a newer one"
        )));
    }
    Ok(ManifestInfo {
        accord_version,
        seed,
        runs,
        scenario,
        runs_table,
        table_format,
    })
}

/// The index of arm `arm` (its name, or failing that its 0-based index).
pub fn arm_index(scenario: &Scenario, arm: &str) -> Result<usize> {
    if let Some(i) = scenario.arms.iter().position(|a| a.name == arm) {
        return Ok(i);
    }
    if let Ok(i) = arm.parse::<usize>()
        && i < scenario.arms.len()
    {
        return Ok(i);
    }
    let names: Vec<&str> = scenario.arms.iter().map(|a| a.name.as_str()).collect();
    Err(Error::Usage(format!(
        "unknown arm `{arm}`; this folder's arms are: {}",
        names.join(", ")
    )))
}

/// Re-simulates run `run` of arm `arm` at sweep point `point` and formats its rows as
/// `timeseries.csv` does.
pub fn replay(m: &ManifestInfo, arm: &str, run: u32, point: u32) -> Result<Replay> {
    match &m.scenario.sweep {
        None if point != 0 => {
            return Err(Error::Usage(format!(
                "unknown point {point}: this scenario has no sweep, so only point 0 exists"
            )));
        }
        Some(sweep) if point as usize >= sweep.points.len() => {
            return Err(Error::Usage(format!(
                "unknown point {point}: this folder's sweep has points 0..={}",
                sweep.points.len().saturating_sub(1)
            )));
        }
        _ => {}
    }
    let arm = arm_index(&m.scenario, arm)?;
    if run >= m.runs {
        return Err(Error::Usage(format!(
            "unknown run {run}: this folder has runs 0..={} per arm",
            m.runs.saturating_sub(1)
        )));
    }
    let e = experiment::run_single(&m.scenario, m.seed, point as usize, arm, run);
    let mut bytes = Vec::new();
    output::timeseries_csv(&mut bytes, &e)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap_or_default();
    Ok(Replay {
        header,
        rows: lines.collect(),
    })
}

/// The header and the rows of run `run` of arm `arm_name` (at sweep point `point` when the
/// folder has a sweep) in the runs table at `path`, as CSV text lines (a Parquet table reads
/// back as the same text): what [`compare`] checks a replay against. Streamed, so only that
/// run's rows are held, however long the table.
///
/// # Errors
///
/// As [`crate::table::Rows::open`] and [`crate::table::Rows::advance`].
pub fn run_rows(path: &Path, arm_name: &str, run: u32, point: Option<u32>) -> Result<String> {
    let mut rows = crate::table::Rows::open(path)?;
    let mut text = rows.header().join(",");
    text.push('\n');
    let offset = usize::from(point.is_some());
    let (run_text, point_text) = (run.to_string(), point.map(|p| p.to_string()));
    while rows.advance()? {
        let wanted = point_text.as_deref().is_none_or(|p| rows.get(0) == p)
            && rows.get(offset) == arm_name
            && rows.get(offset + 1) == run_text;
        if wanted {
            for i in 0..rows.len() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(rows.get(i));
            }
            text.push('\n');
        }
    }
    Ok(text)
}

/// Compares a replay with run `run` of arm `arm_name`'s rows in `timeseries` (the file's
/// text), at sweep point `point` when the folder has a sweep (`None` without one). `Ok` when
/// header and rows are byte-identical; otherwise [`Error::ReplayMismatch`] naming the first
/// differing step and metric.
pub fn compare(
    r: &Replay,
    timeseries: &str,
    arm_name: &str,
    run: u32,
    point: Option<u32>,
    versions: (&str, &str),
) -> Result<()> {
    let (folder_version, this_version) = (versions.0, versions.1);
    let hint = if folder_version == this_version {
        format!("the folder and this binary are both accord {this_version}")
    } else {
        format!(
            "the folder was written by accord {folder_version}, this is accord {this_version}: \
             the engine changed"
        )
    };
    let mut lines = timeseries.lines();
    let file_header = lines.next().unwrap_or_default();
    if file_header != r.header {
        return Err(Error::ReplayMismatch(format!(
            "timeseries.csv's header `{file_header}` differs from the replay's `{}` ({hint})",
            r.header
        )));
    }
    let run_text = run.to_string();
    let point_text = point.map(|p| p.to_string());
    let file_rows: Vec<&str> = lines
        .filter(|l| {
            let mut f = l.split(',');
            if let Some(p) = &point_text
                && f.next() != Some(p.as_str())
            {
                return false;
            }
            f.next() == Some(arm_name) && f.next() == Some(run_text.as_str())
        })
        .collect();
    let what = match point {
        Some(p) => format!("point {p} arm `{arm_name}` run {run}"),
        None => format!("arm `{arm_name}` run {run}"),
    };
    let columns: Vec<&str> = r.header.split(',').collect();
    let step_col = columns.iter().position(|c| *c == "step").unwrap_or(3);
    for (i, mine) in r.rows.iter().enumerate() {
        let Some(theirs) = file_rows.get(i) else {
            return Err(Error::ReplayMismatch(format!(
                "timeseries.csv has {} rows for {what}, the replay {} ({hint})",
                file_rows.len(),
                r.rows.len()
            )));
        };
        if mine == theirs {
            continue;
        }
        let a: Vec<&str> = mine.split(',').collect();
        let b: Vec<&str> = theirs.split(',').collect();
        let step = a.get(step_col).copied().unwrap_or("?");
        let col = (0..a.len().max(b.len()))
            .find(|&c| a.get(c) != b.get(c))
            .unwrap_or(0);
        return Err(Error::ReplayMismatch(format!(
            "replay of {what} differs from timeseries.csv at step {step}, column `{}`: the \
             file has `{}`, the replay gives `{}` ({hint})",
            columns.get(col).copied().unwrap_or("?"),
            b.get(col).copied().unwrap_or(""),
            a.get(col).copied().unwrap_or("")
        )));
    }
    if file_rows.len() != r.rows.len() {
        return Err(Error::ReplayMismatch(format!(
            "timeseries.csv has {} rows for {what}, the replay {} ({hint})",
            file_rows.len(),
            r.rows.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay() -> Replay {
        Replay {
            header: "arm,run,seed,step,fragmentation".into(),
            rows: vec!["a,0,9,0,0.5000000000".into(), "a,0,9,1,0.2500000000".into()],
        }
    }

    #[test]
    fn identical_rows_pass_among_other_runs() {
        let file = "arm,run,seed,step,fragmentation\na,1,8,0,0.1\na,0,9,0,0.5000000000\n\
                    a,0,9,1,0.2500000000\nb,0,9,0,0.5000000000\n";
        assert!(compare(&replay(), file, "a", 0, None, ("0.1.0", "0.1.0")).is_ok());
    }

    #[test]
    fn a_difference_names_step_column_and_both_versions() {
        let file = "arm,run,seed,step,fragmentation\na,0,9,0,0.5000000000\na,0,9,1,0.2500000001\n";
        let err = compare(&replay(), file, "a", 0, None, ("0.0.9", "0.1.0")).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(
            err.to_string(),
            "replay of arm `a` run 0 differs from timeseries.csv at step 1, column \
             `fragmentation`: the file has `0.2500000001`, the replay gives `0.2500000000` (the \
             folder was written by accord 0.0.9, this is accord 0.1.0: the engine changed)"
        );
    }

    #[test]
    fn missing_rows_and_changed_header_are_reported() {
        let file = "arm,run,seed,step,fragmentation\na,0,9,0,0.5000000000\n";
        let err = compare(&replay(), file, "a", 0, None, ("0.1.0", "0.1.0")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "timeseries.csv has 1 rows for arm `a` run 0, the replay 2 (the folder and this \
             binary are both accord 0.1.0)"
        );
        let file = "arm,run,seed,step,clusters\n";
        let err = compare(&replay(), file, "a", 0, None, ("0.1.0", "0.1.0")).unwrap_err();
        assert!(err.to_string().starts_with(
            "timeseries.csv's header `arm,run,seed,step,clusters` differs from the replay's"
        ));
    }
}
