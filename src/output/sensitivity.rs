//! The sensitivity table (`sensitivity.csv` or `.parquet`): Sobol' indices or Morris statistics of every outcome of a `sobol` or
//! `morris` sweep, written by `run` and `merge` and recomputed by `accord analyze`.
//!
//! The outcome of a design point is the mean over its runs at the final recorded step: for
//! every arm its mean level of every metric (`outcome = level`), and for every arm but the
//! reference its mean paired effect on every metric (`outcome = effect`). The means are taken
//! as `summary.csv` and `effects.csv` write them (10 decimals), whether they come from memory
//! (`run`, `merge`) or from those files (`analyze`; a Parquet table reads back as the same
//! text), so both give the same values in either format.
//!
//! Columns: `arm,outcome,metric,param,param2,method,index,estimate,ci95_lo,ci95_hi,conf95,
//! noise_share,note`. `index` is `S1`, `ST`, `S2` (its second parameter in `param2`), `mu`,
//! `mu_star` or `sigma`; `ci95_lo`/`ci95_hi` are the 2.5 % and 97.5 % quantiles of 1,000
//! bootstrap estimates (base rows or trajectories resampled; seeded from the master seed) and
//! `conf95` the normal half-width SALib prints (1.96 × their standard deviation); `mu` and
//! `sigma` have no interval. `noise_share` is the share of the outcome's variance that is run
//! noise (mean within-point variance of the runs over that plus the variance of the point
//! means). `note` says when an outcome is constant (indices 0) or undefined at some point
//! (not analysed).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::morris::morris_indices;
use crate::analysis::resample::{Estimate, noise_share};
use crate::analysis::sobol::sobol_indices;
use crate::error::{Error, Result};
use crate::experiment::{EffectRow, Layout, SummaryRow};
use crate::fmt::fmt_f64;
use crate::scenario::sweep::morris_delta;
use crate::scenario::{ParamValue, Scenario, SweepMethod};
use crate::table::{Cell, Column, Kind, TableFormat, TableWriter, column};

/// The table's name in an output folder (`sensitivity.csv` or `sensitivity.parquet`).
pub const SENSITIVITY: &str = "sensitivity";

/// The header of the table.
pub const HEADER: [&str; 13] = [
    "arm",
    "outcome",
    "metric",
    "param",
    "param2",
    "method",
    "index",
    "estimate",
    "ci95_lo",
    "ci95_hi",
    "conf95",
    "noise_share",
    "note",
];

/// The table's columns ([`HEADER`] typed): estimates and intervals are floats, the rest text.
pub fn columns() -> Vec<Column> {
    HEADER
        .iter()
        .map(|&name| {
            let float = matches!(
                name,
                "estimate" | "ci95_lo" | "ci95_hi" | "conf95" | "noise_share"
            );
            column(name, if float { Kind::Float } else { Kind::Text })
        })
        .collect()
}

/// The per-point outcome of one (arm, outcome, metric).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Arm index.
    pub arm: usize,
    /// Whether these are paired effects (else levels).
    pub effect: bool,
    /// Metric index.
    pub metric: usize,
    /// Mean over runs at each point, as written (None where undefined).
    pub means: Vec<Option<f64>>,
    /// Within-point variance of the runs at each point (sd², 0 where undefined).
    pub within: Vec<f64>,
}

/// Whether `scenario`'s sweep is a design that `sensitivity.csv` analyses.
pub fn has_sensitivity(scenario: &Scenario) -> bool {
    matches!(
        scenario.sweep.as_ref().map(|w| &w.method),
        Some(SweepMethod::Sobol { .. } | SweepMethod::Morris { .. })
    )
}

/// A value as the CSVs write it and read it back: analysis sees exactly the written means.
fn as_written(x: f64) -> Option<f64> {
    fmt_f64(x).parse().ok()
}

/// Empty series, in file order: per arm, its levels of every metric, then (other arms than
/// `reference`) its effects on every metric.
fn empty_series(l: &Layout, reference: usize) -> Vec<Series> {
    let mut out = Vec::new();
    for arm in 0..l.arms.len() {
        for effect in [false, true] {
            if effect && (arm == reference || l.arms.len() < 2) {
                continue;
            }
            for metric in 0..l.metric_names.len() {
                out.push(Series {
                    arm,
                    effect,
                    metric,
                    means: vec![None; l.points],
                    within: vec![0.0; l.points],
                });
            }
        }
    }
    out
}

/// Position of (arm, effect, metric) in [`empty_series`]' order.
fn position(l: &Layout, reference: usize, (arm, effect, metric): (usize, bool, usize)) -> usize {
    let before: usize = (0..arm)
        .map(|a| {
            if a == reference || l.arms.len() < 2 {
                1
            } else {
                2
            }
        })
        .sum();
    (before + usize::from(effect)) * l.metric_names.len() + metric
}

/// Sets one point's mean and within-point variance (from its sd) in the series `key`.
fn put(
    series: &mut [Series],
    at: usize,
    point: usize,
    mean: Option<f64>,
    sd: Option<f64>,
) -> Option<()> {
    let s = series.get_mut(at)?;
    *s.means.get_mut(point)? = mean;
    s.within[point] = sd.map_or(0.0, |x| x * x);
    Some(())
}

/// The series of a run or merge, from its summary and effect rows in memory.
pub fn series_from_rows(
    l: &Layout,
    reference: usize,
    summary: &[SummaryRow],
    effects: &[EffectRow],
) -> Vec<Series> {
    let mut series = empty_series(l, reference);
    let Some(&last) = l.steps.last() else {
        return series;
    };
    let written = |x: Option<&crate::experiment::stats::Summary>| {
        (
            x.and_then(|x| as_written(x.mean)),
            x.and_then(|x| as_written(x.sd)),
        )
    };
    for r in summary.iter().filter(|r| r.step == last) {
        let (mean, sd) = written(r.summary.as_ref());
        put(
            &mut series,
            position(l, reference, (r.arm, false, r.metric)),
            r.point,
            mean,
            sd,
        );
    }
    for r in effects.iter().filter(|r| r.step == last) {
        let (mean, sd) = written(r.summary.as_ref());
        put(
            &mut series,
            position(l, reference, (r.arm, true, r.metric)),
            r.point,
            mean,
            sd,
        );
    }
    series
}

/// The series of an output folder, read from its `summary.csv` and `effects.csv`.
pub fn series_from_folder(dir: &Path, l: &Layout, reference: usize) -> Result<Vec<Series>> {
    let mut series = empty_series(l, reference);
    let Some(&last) = l.steps.last() else {
        return Ok(series);
    };
    let last = last.to_string();
    // Levels from summary.csv; with two or more arms, effects from effects.csv (the
    // reference arm has none). Both are read the same way, column names aside.
    let tables = [
        ("summary", ["mean", "sd"], false),
        ("effects", ["mean_diff", "sd_diff"], true),
    ];
    for (stem, [mean, sd], effect) in tables {
        if effect && l.arms.len() < 2 {
            continue;
        }
        let columns = ["point", "arm", "step", "metric", mean, sd];
        read_table(&crate::table::require(dir, stem)?, &columns, |c| {
            if c[2] == last {
                let key = (find(&l.arms, c[1])?, effect, find(&l.metric_names, c[3])?);
                if effect && key.0 == reference {
                    return None;
                }
                let at = position(l, reference, key);
                put(
                    &mut series,
                    at,
                    c[0].parse().ok()?,
                    c[4].parse().ok(),
                    c[5].parse().ok(),
                )?;
            }
            Some(())
        })?;
    }
    Ok(series)
}

fn find(names: &[String], name: &str) -> Option<usize> {
    names.iter().position(|n| n == name)
}

/// Streams the named columns of every row of the table at `path` to `f`; a row `f` cannot
/// place is bad input.
fn read_table(
    path: &Path,
    columns: &[&str],
    mut f: impl FnMut(&[&str]) -> Option<()>,
) -> Result<()> {
    crate::table::scan(path, columns, |rows, at| {
        let cells: Vec<&str> = at.iter().map(|&i| rows.get(i)).collect();
        f(&cells).ok_or_else(|| Error::InputFile {
            path: path.to_path_buf(),
            problem: format!(
                "row {} names an unknown point, arm or metric for this folder's manifest",
                rows.line()
            ),
        })
    })
}

/// One row of `sensitivity.csv`.
struct Row {
    param: usize,
    param2: Option<usize>,
    index: &'static str,
    value: Option<Estimate>,
    /// Whether the interval columns are filled.
    interval: bool,
}

/// The rows of one series.
fn analyse(
    s: &Series,
    method: &SweepMethod,
    points: &[Vec<f64>],
    seed: u64,
) -> (Vec<Row>, Option<f64>, String) {
    let d = points.first().map_or(0, Vec::len);
    let plain = |param, index, x: Option<f64>| Row {
        param,
        param2: None,
        index,
        value: x.map(|estimate| Estimate {
            estimate,
            ..Estimate::ZERO
        }),
        interval: false,
    };
    let full = |param, param2, index, e: Option<Estimate>| Row {
        param,
        param2,
        index,
        value: e,
        interval: true,
    };
    let y: Option<Vec<f64>> = s.means.iter().copied().collect();
    let missing = s.means.iter().filter(|m| m.is_none()).count();
    let mut rows = Vec::new();
    let (constant, note_missing) = match method {
        SweepMethod::Sobol { second_order, .. } => {
            let r = y
                .as_ref()
                .and_then(|y| sobol_indices(y, d, *second_order, seed));
            for j in 0..d {
                rows.push(full(j, None, "S1", r.as_ref().map(|r| r.s1[j])));
            }
            for j in 0..d {
                rows.push(full(j, None, "ST", r.as_ref().map(|r| r.st[j])));
            }
            if *second_order {
                for j in 0..d {
                    for k in j + 1..d {
                        let e = r.as_ref().and_then(|r| {
                            r.s2.iter()
                                .find(|(a, b, _)| (*a, *b) == (j, k))
                                .map(|x| x.2)
                        });
                        rows.push(full(j, Some(k), "S2", e));
                    }
                }
            }
            (r.as_ref().is_some_and(|r| r.constant), r.is_none())
        }
        SweepMethod::Morris { levels, .. } => {
            let r = y
                .as_ref()
                .and_then(|y| morris_indices(points, y, morris_delta(*levels), seed));
            for j in 0..d {
                rows.push(plain(j, "mu", r.as_ref().map(|r| r.mu[j])));
            }
            for j in 0..d {
                rows.push(full(j, None, "mu_star", r.as_ref().map(|r| r.mu_star[j])));
            }
            for j in 0..d {
                rows.push(plain(j, "sigma", r.as_ref().map(|r| r.sigma[j])));
            }
            (r.as_ref().is_some_and(|r| r.constant), r.is_none())
        }
        _ => (false, true),
    };
    let note = if note_missing {
        format!(
            "undefined at {missing} of {} points: not analysed",
            s.means.len()
        )
    } else if constant {
        "constant outcome: indices are 0".to_string()
    } else {
        String::new()
    };
    let noise = y.map(|y| noise_share(&s.within, &y));
    (rows, noise, note)
}

/// Writes `sensitivity.csv` of `scenario`'s design from `series`; nothing for other sweeps.
pub fn write_sensitivity(
    path: &Path,
    format: TableFormat,
    scenario: &Scenario,
    l: &Layout,
    series: &[Series],
) -> Result<()> {
    let Some(sweep) = scenario
        .sweep
        .as_ref()
        .filter(|_| has_sensitivity(scenario))
    else {
        return Ok(());
    };
    let method = match sweep.method {
        SweepMethod::Sobol { .. } => "sobol",
        _ => "morris",
    };
    let points: Vec<Vec<f64>> = sweep
        .points
        .iter()
        .map(|p| {
            p.iter()
                .map(|a| match a.value {
                    ParamValue::Number(x) => x,
                    _ => f64::NAN,
                })
                .collect()
        })
        .collect();
    let seed = scenario.experiment.seed;
    let analysed: Vec<_> = series
        .par_iter()
        .map(|s| analyse(s, &sweep.method, &points, seed))
        .collect();
    let mut w = TableWriter::create_at(path, format, columns())?;
    for (s, (rows, noise, note)) in series.iter().zip(&analysed) {
        for r in rows {
            let lo = r.value.filter(|_| r.interval);
            w.row(&[
                Cell::Text(&l.arms[s.arm]),
                Cell::Text(if s.effect { "effect" } else { "level" }),
                Cell::Text(&l.metric_names[s.metric]),
                Cell::Text(&sweep.params[r.param]),
                Cell::Text(r.param2.map_or("", |k| sweep.params[k].as_str())),
                Cell::Text(method),
                Cell::Text(r.index),
                Cell::Float(r.value.map(|e| e.estimate)),
                Cell::Float(lo.map(|e| e.ci95_lo)),
                Cell::Float(lo.map(|e| e.ci95_hi)),
                Cell::Float(lo.map(|e| e.conf95)),
                Cell::Float(*noise),
                Cell::Text(note),
            ])?;
        }
    }
    w.finish().map(drop)
}

/// Recomputes `sensitivity.csv` of the output folder `dir` from its manifest, `summary.csv`
/// and `effects.csv` alone (`accord analyze`); returns the file written.
pub fn analyze_folder(dir: &Path) -> Result<PathBuf> {
    let m = super::replay::read_manifest(dir)?;
    if !has_sensitivity(&m.scenario) {
        return Err(Error::Usage(format!(
            "`{}` is not the output of a `sobol` or `morris` sweep, so it has no sensitivity \
             indices to compute; set `[sweep] method = \"sobol\"` or `\"morris\"` and run it",
            dir.display()
        )));
    }
    let l = Layout::of(&m.scenario, m.runs);
    let series = series_from_folder(dir, &l, m.scenario.experiment.reference)?;
    let format = m.table_format;
    let path = dir.join(format.file_name(SENSITIVITY));
    let tmp = dir.join(format!(".{}.partial", format.file_name(SENSITIVITY)));
    write_sensitivity(&tmp, format, &m.scenario, &l, &series)?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io("write", &path, e))?;
    Ok(path)
}
