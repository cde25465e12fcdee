//! The outcome of every sweep point, read back from an output folder: each arm's mean of
//! each metric at the final recorded step (`summary.csv`), or its mean paired effect against
//! the reference arm there (`effects.csv`). What robustness and scenario discovery analyse.
//!
//! Values are read from the written tables (10 decimals), not recomputed, so an analysis run
//! later on a merged or copied folder gives the bytes `accord run` wrote. The tables are
//! streamed and only the final step's rows are kept, so a long `summary.csv` costs one pass,
//! not its size in memory.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::scenario::limits::MAX_SWEEP_POINTS;

/// One value per (metric, arm, point) at the final recorded step.
#[derive(Clone, Debug, PartialEq)]
pub struct PointOutcomes {
    /// The table read.
    pub path: PathBuf,
    /// Arms in the table's order (scenario order).
    pub arms: Vec<String>,
    /// Metrics in the table's order.
    pub metrics: Vec<String>,
    /// Sweep points, ascending.
    pub points: Vec<u32>,
    /// The final recorded step.
    pub step: u32,
    /// `values[metric][arm][point]`, in the orders above; NaN where undefined or missing.
    pub values: Vec<Vec<Vec<f64>>>,
    /// For effects: the reference arm the effects are taken against.
    pub reference: Option<String>,
}

impl PointOutcomes {
    /// The values of `metric` for `arm` over the points, if the table has both.
    pub fn series(&self, arm: &str, metric: &str) -> Option<&[f64]> {
        let m = self.metrics.iter().position(|x| x == metric)?;
        let a = self.arms.iter().position(|x| x == arm)?;
        Some(&self.values[m][a])
    }
}

fn bad(path: &Path, problem: String) -> Error {
    Error::InputFile {
        path: path.to_path_buf(),
        problem,
    }
}

/// Each arm's final-step mean of every metric at every point, from `<dir>/summary.csv`.
///
/// # Errors
///
/// [`Error::InputFile`] when the folder has no `summary.csv`, or one without a `point`
/// column (not a sweep) or with a malformed row.
pub fn final_means(dir: &Path) -> Result<PointOutcomes> {
    read(dir, "summary", "mean", false)
}

/// Each arm's final-step mean paired effect (arm − reference) on every metric at every
/// point, from `<dir>/effects.csv`; the reference arm has no rows.
///
/// # Errors
///
/// As [`final_means`]; a folder with one arm has no `effects.csv`.
pub fn final_effects(dir: &Path) -> Result<PointOutcomes> {
    read(dir, "effects", "mean_diff", true)
}

fn read(dir: &Path, stem: &str, value_column: &str, effects: bool) -> Result<PointOutcomes> {
    let Some(found) = crate::table::locate(dir, stem)? else {
        return Err(bad(
            &dir.join(format!("{stem}.csv")),
            format!(
                "does not exist (nor `{stem}.parquet`); pass an output folder written by \
                 `accord run` or `accord merge`{}",
                if effects {
                    " with two or more arms"
                } else {
                    ""
                }
            ),
        ));
    };
    let path = found.as_path();
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut reader = crate::table::Rows::open(path)?;
    let headers = reader.header().to_vec();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let Some(point_col) = column("point") else {
        return Err(bad(
            path,
            "has no `point` column: the folder holds no sweep, so there are no design points \
             to compare; add a `[sweep]` to the scenario"
                .to_owned(),
        ));
    };
    let mut wanted = vec![point_col];
    for name in ["arm", "metric", "step", value_column] {
        wanted.push(column(name).ok_or_else(|| bad(path, format!("missing column `{name}`")))?);
    }
    let reference_col = column("reference");
    let mut arms: Vec<String> = Vec::new();
    let mut metrics: Vec<String> = Vec::new();
    let mut reference = None;
    let mut step = 0u32;
    // values[metric][arm][point], dense in the point number (a sweep's points are 0..P−1),
    // grown as rows arrive: 8 bytes a cell, whatever the table's length.
    let mut values: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut present: Vec<bool> = Vec::new();
    while reader.advance()? {
        let line = reader.line();
        let field = |i: usize| reader.get(i);
        let whole = |name: &str, text: &str| {
            text.parse::<u32>().map_err(|_| {
                bad(
                    path,
                    format!("row {line}: `{name}` is `{text}`, not a whole number"),
                )
            })
        };
        let row_step = whole("step", field(wanted[3]))?;
        if row_step < step {
            continue;
        }
        if row_step > step {
            step = row_step;
            values.clear();
            present.clear();
        }
        let point = whole("point", field(wanted[0]))? as usize;
        if point >= MAX_SWEEP_POINTS {
            return Err(bad(
                path,
                format!(
                    "row {line}: `point` is `{point}`, beyond the {MAX_SWEEP_POINTS} points a \
                     sweep may have"
                ),
            ));
        }
        let text = field(wanted[4]);
        let value = if text.is_empty() {
            f64::NAN
        } else {
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    return Err(bad(
                        path,
                        format!("row {line}: `{value_column}` is `{text}`, not a finite number"),
                    ));
                }
            }
        };
        let index = |names: &mut Vec<String>, name: &str| match names.iter().position(|n| n == name)
        {
            Some(i) => i,
            None => {
                names.push(name.to_owned());
                names.len() - 1
            }
        };
        let a = index(&mut arms, field(wanted[1]));
        let m = index(&mut metrics, field(wanted[2]));
        if reference.is_none() {
            reference = reference_col.map(|i| field(i).to_owned());
        }
        if values.len() <= m {
            values.resize(m + 1, Vec::new());
        }
        if values[m].len() <= a {
            values[m].resize(a + 1, Vec::new());
        }
        let cells = &mut values[m][a];
        if cells.len() <= point {
            cells.resize(point + 1, f64::NAN);
        }
        cells[point] = value;
        if present.len() <= point {
            present.resize(point + 1, false);
        }
        present[point] = true;
    }
    let points: Vec<u32> = (0..present.len())
        .filter(|&p| present[p])
        .map(|p| p as u32)
        .collect();
    if points.is_empty() {
        return Err(bad(
            path,
            format!("has no rows; {file} of a finished run has one per point"),
        ));
    }
    // Every metric and arm over the points present, in point order.
    let values: Vec<Vec<Vec<f64>>> = (0..metrics.len())
        .map(|m| {
            (0..arms.len())
                .map(|a| {
                    let cells = values.get(m).and_then(|r| r.get(a));
                    points
                        .iter()
                        .map(|&p| {
                            cells
                                .and_then(|c| c.get(p as usize))
                                .copied()
                                .unwrap_or(f64::NAN)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    Ok(PointOutcomes {
        path: path.to_path_buf(),
        arms,
        metrics,
        points,
        step,
        values,
        reference: if effects { reference } else { None },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_final_step_of_every_point() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("summary.csv"),
            "point,arm,step,metric,n,mean\n\
             0,a,0,f,3,0.9\n0,a,5,f,3,0.5\n0,a,5,g,3,\n0,b,0,f,3,0.9\n0,b,5,f,3,0.4\n\
             1,a,0,f,3,0.9\n1,a,5,f,3,0.25\n1,b,5,f,3,0.75\n",
        )
        .unwrap();
        let t = final_means(dir.path()).unwrap();
        assert_eq!(
            (t.arms.clone(), t.metrics.clone()),
            (vec!["a".into(), "b".into()], vec!["f".into(), "g".into()])
        );
        assert_eq!((t.points.clone(), t.step), (vec![0, 1], 5));
        assert_eq!(t.series("a", "f").unwrap(), [0.5, 0.25]);
        assert_eq!(t.series("b", "f").unwrap(), [0.4, 0.75]);
        assert!(t.series("a", "g").unwrap().iter().all(|v| v.is_nan()));
        assert_eq!(t.series("c", "f"), None);
    }

    #[test]
    fn a_folder_without_a_sweep_or_with_garbage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = final_means(dir.path()).unwrap_err().to_string();
        assert!(err.contains("summary.csv` does not exist"), "{err}");
        std::fs::write(
            dir.path().join("summary.csv"),
            "arm,step,metric,mean\na,0,f,1\n",
        )
        .unwrap();
        let err = final_means(dir.path()).unwrap_err();
        assert!(err.to_string().contains("has no `point` column"), "{err}");
        assert_eq!(err.exit_code(), 2);
        std::fs::write(
            dir.path().join("summary.csv"),
            "point,arm,step,metric,mean\n0,a,0,f,inf\n",
        )
        .unwrap();
        let err = final_means(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("row 2: `mean` is `inf`, not a finite number"),
            "{err}"
        );
    }
}
