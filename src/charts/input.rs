//! Reading an output folder's tables (CSV or Parquet) and manifest back for drawing.
//!
//! Only the columns the charts need are read, by header name, so extra columns do not matter.
//! An empty field means "undefined" and becomes NaN, which the charts draw as a gap.

use std::path::Path;

use crate::error::{Error, Result};
use crate::metrics::catalogue;
use crate::table::Rows;

/// One row of `summary.csv` (the columns charts use).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SummaryRecord {
    /// Sweep point; `None` when `summary.csv` has no `point` column (a scenario without a
    /// sweep).
    pub(crate) point: Option<u32>,
    pub(crate) arm: String,
    pub(crate) step: u32,
    pub(crate) metric: String,
    pub(crate) mean: f64,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
}

/// One row of `effects.csv` (the columns charts use).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EffectRecord {
    pub(crate) point: String,
    pub(crate) arm: String,
    pub(crate) reference: String,
    pub(crate) metric: String,
    pub(crate) step: u32,
    pub(crate) mean: f64,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
}

/// What the manifest tells the charts; defaults when it is missing or unreadable.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Meta {
    /// Scenario name (or the folder's name).
    pub(crate) name: String,
    /// Label of a step, e.g. "year".
    pub(crate) step_unit: String,
    /// The scenario's metric tolerance δ (default 0.1), for clusters of stances.
    pub(crate) tolerance: f64,
}

fn bad(path: &Path, message: String) -> Error {
    Error::Usage(format!("`{}`: {message}", path.display()))
}

/// Reads a CSV file into header-indexed rows.
fn read_table(path: &Path, columns: &[&str]) -> Result<Vec<Vec<String>>> {
    read_table_with(path, columns, None).map(|(rows, _)| rows)
}

/// [`read_table`] with one more column `optional` that may be absent: when present, its field
/// is appended to every row and the flag is true.
fn read_table_with(
    path: &Path,
    columns: &[&str],
    optional: Option<&str>,
) -> Result<(Vec<Vec<String>>, bool)> {
    let mut rows = Vec::new();
    let has = scan_table(path, columns, optional, |_, fields| {
        rows.push(fields.iter().map(|f| (*f).to_owned()).collect());
        Ok(())
    })?;
    Ok((rows, has))
}

/// Calls `f(line, fields)` for every row of the table at `path` (CSV or Parquet), the fields
/// being `columns` in order (then `optional` when the file has it, as the returned flag
/// says), without holding the file: a summary of a million steps is read in constant memory.
fn scan_table(
    path: &Path,
    columns: &[&str],
    optional: Option<&str>,
    mut f: impl FnMut(usize, &[&str]) -> Result<()>,
) -> Result<bool> {
    let mut reader = Rows::open(path)?;
    let wanted = columns
        .iter()
        .map(|c| {
            reader
                .column(c)
                .ok_or_else(|| bad(path, format!("missing column `{c}`")))
        })
        .collect::<Result<Vec<_>>>()?;
    let extra = optional.and_then(|c| reader.column(c));
    let wanted: Vec<usize> = wanted.into_iter().chain(extra).collect();
    while reader.advance()? {
        let fields: Vec<&str> = wanted.iter().map(|&i| reader.get(i)).collect();
        f(reader.line(), &fields)?;
    }
    Ok(extra.is_some())
}

fn number(path: &Path, line: usize, column: &str, text: &str) -> Result<f64> {
    if text.is_empty() {
        return Ok(f64::NAN);
    }
    // accord writes undefined values as empty cells, never `inf` or `NaN`: such text is not
    // an accord table, and would stretch or break every axis it reached.
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(bad(
            path,
            format!("row {line}: `{column}` is `{text}`, not a finite number"),
        )),
    }
}

fn step(path: &Path, line: usize, text: &str) -> Result<u32> {
    text.parse().map_err(|_| {
        bad(
            path,
            format!("row {line}: `step` is `{text}`, not a step number"),
        )
    })
}

/// Reads `summary.csv`, with its `point` column when it has one (a sweep).
#[cfg(test)]
pub(crate) fn read_summary(path: &Path) -> Result<Vec<SummaryRecord>> {
    read_summary_where(path, |_| true)
}

/// The rows of `summary.csv` that `keep` accepts, read in one pass that holds only those.
pub(crate) fn read_summary_where(
    path: &Path,
    mut keep: impl FnMut(&SummaryRecord) -> bool,
) -> Result<Vec<SummaryRecord>> {
    let mut rows = Vec::new();
    let columns = ["arm", "step", "metric", "mean", "ci95_lo", "ci95_hi"];
    scan_table(path, &columns, Some("point"), |line, r| {
        let point = match r.get(6) {
            Some(text) => Some(text.parse().map_err(|_| {
                bad(
                    path,
                    format!("row {line}: `point` is `{text}`, not a point number"),
                )
            })?),
            None => None,
        };
        let record = SummaryRecord {
            point,
            step: step(path, line, r[1])?,
            mean: number(path, line, "mean", r[3])?,
            lo: number(path, line, "ci95_lo", r[4])?,
            hi: number(path, line, "ci95_hi", r[5])?,
            arm: r[0].to_owned(),
            metric: r[2].to_owned(),
        };
        // A mean outside what the metric can take (`fragmentation` = 1e300) is not a table
        // accord wrote, and would squash every line of its chart against an axis.
        if let Some(range) = catalogue::range(&record.metric)
            && record.mean.is_finite()
            && !range.contains(record.mean)
        {
            return Err(bad(
                path,
                format!(
                    "row {line}: `mean` of `{}` is `{}`, outside its range {range}",
                    record.metric, r[3]
                ),
            ));
        }
        if keep(&record) {
            rows.push(record);
        }
        Ok(())
    })?;
    Ok(rows)
}

/// Reads `effects.csv`.
pub(crate) fn read_effects(path: &Path) -> Result<Vec<EffectRecord>> {
    let columns = [
        "point",
        "arm",
        "reference",
        "metric",
        "step",
        "mean_diff",
        "ci95_lo",
        "ci95_hi",
    ];
    let rows = read_table(path, &columns)?;
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let line = i + 2;
            Ok(EffectRecord {
                step: step(path, line, &r[4])?,
                mean: number(path, line, "mean_diff", &r[5])?,
                lo: number(path, line, "ci95_lo", &r[6])?,
                hi: number(path, line, "ci95_hi", &r[7])?,
                point: r[0].clone(),
                arm: r[1].clone(),
                reference: r[2].clone(),
                metric: r[3].clone(),
            })
        })
        .collect()
}

/// `points.csv` of a sweep: the swept parameter paths and every point's values as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PointsTable {
    /// Dotted parameter paths, in column order.
    pub(crate) params: Vec<String>,
    /// `(point, one value per parameter)`, in file order.
    pub(crate) rows: Vec<(u32, Vec<String>)>,
}

/// Reads `points.csv`: a `point` column, then one column per swept parameter.
pub(crate) fn read_points(path: &Path) -> Result<PointsTable> {
    let (params, rows) = crate::output::discovery::read_points_at(path)?;
    Ok(PointsTable { params, rows })
}

/// Scenario name and step unit from `manifest.json`; the folder's name and "step" when the
/// manifest is missing or lacks them (charts never fail for want of a title).
pub(crate) fn read_meta(dir: &Path) -> Meta {
    let fallback_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "accord".to_owned());
    let manifest: Option<serde_json::Value> = std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let field = |key: &str| {
        manifest
            .as_ref()
            .and_then(|m| m.get("scenario"))
            .and_then(|s| s.get(key))
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let tolerance = manifest
        .as_ref()
        .and_then(|m| m.pointer("/scenario/metrics/tolerance"))
        .and_then(serde_json::Value::as_f64)
        .filter(|t| t.is_finite())
        .unwrap_or(0.1);
    Meta {
        tolerance,
        name: field("name").unwrap_or(fallback_name),
        step_unit: field("step_unit").unwrap_or_else(|| "step".to_owned()),
    }
}

/// Distinct values in order of first appearance (the writers' scenario order).
pub(crate) fn ordered<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_empty_fields_as_nan_and_rejects_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        std::fs::write(
            &path,
            "arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95\n\
             a,0,fragmentation,3,0.5,0.1,0.4,0.6,0,0,0\n\
             a,1,south_capability_ratio,0,,,,,,,\n",
        )
        .unwrap();
        let rows = read_summary(&path).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].mean, rows[0].lo, rows[0].hi), (0.5, 0.4, 0.6));
        assert!(rows[1].mean.is_nan() && rows[1].step == 1);

        std::fs::write(&path, "arm,step,metric,mean,ci95_lo,ci95_hi\na,x,m,1,1,1\n").unwrap();
        let err = read_summary(&path).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("step"), "{err}");
        std::fs::write(&path, "arm,step,metric\n").unwrap();
        let err = read_summary(&path).unwrap_err().to_string();
        assert!(err.contains("missing column `mean`"), "{err}");
        // Issue 10 (10): `inf` and `NaN` are not values accord writes.
        for text in ["inf", "NaN", "abc"] {
            std::fs::write(
                &path,
                format!("arm,step,metric,mean,ci95_lo,ci95_hi\na,0,m,{text},1,1\n"),
            )
            .unwrap();
            let err = read_summary(&path).unwrap_err().to_string();
            assert!(
                err.contains(&format!("`mean` is `{text}`, not a finite number")),
                "{err}"
            );
        }
    }

    /// Issue 10 (10): a mean a metric cannot take is refused, not drawn.
    #[test]
    fn summary_means_outside_a_metric_range_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        let table = |metric: &str, mean: &str| {
            format!("arm,step,metric,mean,ci95_lo,ci95_hi\na,0,{metric},{mean},-1,1e300\n")
        };
        std::fs::write(&path, table("fragmentation", "1e300")).unwrap();
        let err = read_summary(&path).unwrap_err().to_string();
        assert!(
            err.contains("row 2: `mean` of `fragmentation` is `1e300`, outside its range [0, 1]"),
            "{err}"
        );
        std::fs::write(&path, table("capability_gini", "-0.5")).unwrap();
        assert!(read_summary(&path).is_err());
        // Interval bounds may leave the range (a t interval near 0), and unknown columns are
        // not checked.
        for (metric, mean) in [("fragmentation", "0.5"), ("custom", "1e300")] {
            std::fs::write(&path, table(metric, mean)).unwrap();
            assert_eq!(read_summary(&path).unwrap().len(), 1);
        }
    }

    #[test]
    fn summary_point_column_is_optional() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        std::fs::write(
            &path,
            "point,arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95\n\
             3,a,2,fragmentation,3,0.5,0.1,0.4,0.6,0,0,0\n",
        )
        .unwrap();
        let rows = read_summary(&path).unwrap();
        assert_eq!(rows[0].point, Some(3));
        assert_eq!((rows[0].arm.as_str(), rows[0].step), ("a", 2));
        assert_eq!((rows[0].mean, rows[0].lo, rows[0].hi), (0.5, 0.4, 0.6));
        std::fs::write(
            &path,
            "arm,step,metric,n,mean,sd,ci95_lo,ci95_hi\na,2,fragmentation,3,0.5,0.1,0.4,0.6\n",
        )
        .unwrap();
        assert_eq!(read_summary(&path).unwrap()[0].point, None);
        std::fs::write(
            &path,
            "point,arm,step,metric,mean,ci95_lo,ci95_hi\nx,a,2,m,1,1,1\n",
        )
        .unwrap();
        let err = read_summary(&path).unwrap_err().to_string();
        assert!(err.contains("row 2: `point` is `x`"), "{err}");
    }

    #[test]
    fn points_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.csv");
        std::fs::write(
            &path,
            "point,a.b,c\n0,0.5000000000,true\n1,1.0000000000,false\n",
        )
        .unwrap();
        let table = read_points(&path).unwrap();
        assert_eq!(table.params, ["a.b", "c"]);
        assert_eq!(
            table.rows,
            [
                (0, vec!["0.5000000000".to_owned(), "true".to_owned()]),
                (1, vec!["1.0000000000".to_owned(), "false".to_owned()]),
            ]
        );
        std::fs::write(&path, "pt,a\n0,1\n").unwrap();
        assert!(read_points(&path).is_err());
        std::fs::write(&path, "point,a\nzero,1\n").unwrap();
        let err = read_points(&path).unwrap_err().to_string();
        assert!(err.contains("row 2"), "{err}");
    }

    #[test]
    fn meta_falls_back_to_folder_name() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("my-run");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(read_meta(&sub).name, "my-run");
        assert_eq!(read_meta(&sub).step_unit, "step");
        std::fs::write(
            sub.join("manifest.json"),
            r#"{"scenario": {"name": "qs", "step_unit": "year"}}"#,
        )
        .unwrap();
        let meta = read_meta(&sub);
        assert_eq!(
            (meta.name.as_str(), meta.step_unit.as_str()),
            ("qs", "year")
        );
    }
}
