//! The robustness table (`robustness.csv` or `.parquet`): how each arm fares across a sweep's points, per metric (see
//! [`crate::analysis::robustness`] for the definitions). Written by `run` and `merge` for
//! every sweep with two or more arms, and again by `accord analyze` with `--satisfice`
//! thresholds; always computed from the folder's `summary.csv`, so both give the same bytes.

use std::path::{Path, PathBuf};

use super::outcomes::{PointOutcomes, final_means};
use crate::analysis::robustness::{self, Satisfice, orientation, orientation_cell};
use crate::error::{Error, Result};
use crate::table::{Cell, Column, Kind, TableFormat, TableWriter, column};

/// The table's name in an output folder (`robustness.csv` or `robustness.parquet`).
pub const ROBUSTNESS: &str = "robustness";

/// The header of the table.
pub const HEADER: [&str; 13] = [
    "metric",
    "arm",
    "orientation",
    "points",
    "mean",
    "p10",
    "p50",
    "p90",
    "max_regret",
    "p90_regret",
    "share_best",
    "satisfice",
    "share_satisficing",
];

/// The table's columns ([`HEADER`] typed).
pub fn columns() -> Vec<Column> {
    HEADER
        .iter()
        .map(|&name| {
            let kind = match name {
                "metric" | "arm" | "orientation" | "satisfice" => Kind::Text,
                "points" => Kind::Int,
                _ => Kind::Float,
            };
            column(name, kind)
        })
        .collect()
}

/// Computes the robustness table from `<out_dir>`'s summary and writes it into `out_dir` in
/// `format` (atomically: a reader never sees half a table). `satisfice` adds the share of
/// points satisfying each threshold to its metric's rows; at most one threshold per metric.
/// Returns the file written.
///
/// # Errors
///
/// [`Error::InputFile`] for a folder that is not a sweep with two or more arms (or whose
/// summary is malformed); [`Error::Usage`] for a threshold on a metric the folder does not
/// have, or two on one metric.
pub fn write_robustness(
    out_dir: &Path,
    format: TableFormat,
    satisfice: &[Satisfice],
) -> Result<PathBuf> {
    let outcomes = final_means(out_dir)?;
    check(&outcomes, satisfice)?;
    let path = out_dir.join(format.file_name(ROBUSTNESS));
    let tmp = out_dir.join(format!(".{}.partial", format.file_name(ROBUSTNESS)));
    let mut w = TableWriter::create_at(&tmp, format, columns())?;
    for (metric, values) in outcomes.metrics.iter().zip(&outcomes.values) {
        let threshold = satisfice.iter().find(|s| &s.metric == metric);
        let rows = robustness::robustness(
            metric,
            orientation(metric),
            &outcomes.arms,
            values,
            threshold,
        );
        for r in rows {
            let satisfice = r.satisfice.map_or_else(String::new, |s| s.to_string());
            w.row(&[
                Cell::Text(&r.metric),
                Cell::Text(&r.arm),
                Cell::Text(orientation_cell(r.orientation)),
                Cell::int(r.points),
                Cell::float(r.mean),
                Cell::float(r.p10),
                Cell::float(r.p50),
                Cell::float(r.p90),
                Cell::Float(r.max_regret),
                Cell::Float(r.p90_regret),
                Cell::Float(r.share_best),
                Cell::Text(&satisfice),
                Cell::Float(r.share_satisficing),
            ])?;
        }
    }
    w.finish()?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io("write", &path, e))?;
    Ok(path)
}

/// Refuses outcomes of fewer than two arms, and thresholds on unknown metrics or two on one.
fn check(outcomes: &PointOutcomes, satisfice: &[Satisfice]) -> Result<()> {
    if outcomes.arms.len() < 2 {
        return Err(Error::InputFile {
            path: outcomes.path.clone(),
            problem: format!(
                "has one arm (`{}`); robustness compares two or more arms across the points",
                outcomes.arms.join("`, `")
            ),
        });
    }
    for (i, s) in satisfice.iter().enumerate() {
        if !outcomes.metrics.contains(&s.metric) {
            return Err(Error::Usage(format!(
                "`--satisfice {s}`: unknown metric `{}`; this folder has {}",
                s.metric,
                outcomes.metrics.join(", ")
            )));
        }
        if let Some(other) = satisfice[..i].iter().find(|o| o.metric == s.metric) {
            return Err(Error::Usage(format!(
                "`--satisfice {s}`: `{}` already has the threshold `{other}`; give one per metric",
                s.metric
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("summary.csv"),
            "point,arm,step,metric,n,mean\n\
             0,a,3,fragmentation,2,0.2000000000\n0,a,3,clusters,2,2.0000000000\n\
             0,b,3,fragmentation,2,0.5000000000\n0,b,3,clusters,2,1.0000000000\n\
             1,a,3,fragmentation,2,0.4000000000\n1,a,3,clusters,2,3.0000000000\n\
             1,b,3,fragmentation,2,0.1000000000\n1,b,3,clusters,2,1.0000000000\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn writes_one_row_per_metric_and_arm() {
        let dir = folder();
        let s: Satisfice = "fragmentation<=0.3".parse().unwrap();
        let path = write_robustness(dir.path(), TableFormat::Csv, &[s]).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER.join(","));
        assert_eq!(
            lines[1],
            "fragmentation,a,lower,2,0.3000000000,0.2200000000,0.3000000000,0.3800000000,\
             0.3000000000,0.2700000000,0.5000000000,fragmentation<=0.3,0.5000000000"
        );
        assert_eq!(
            lines[3],
            "clusters,a,neither,2,2.5000000000,2.1000000000,2.5000000000,2.9000000000,,,,,"
        );
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn thresholds_must_name_a_metric_once() {
        let dir = folder();
        let unknown: Satisfice = "frag<=0.3".parse().unwrap();
        let err = write_robustness(dir.path(), TableFormat::Csv, &[unknown])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown metric `frag`; this folder has fragmentation, clusters"),
            "{err}"
        );
        let a: Satisfice = "clusters<=1".parse().unwrap();
        let b: Satisfice = "clusters>=2".parse().unwrap();
        let err = write_robustness(dir.path(), TableFormat::Csv, &[a, b])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("already has the threshold `clusters<=1`"),
            "{err}"
        );
        assert!(!dir.path().join("robustness.csv").exists());
    }
}
