//! The CSV tables of an output folder.

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment::{EffectRow, Layout, RunSource, SummaryRow};
use crate::fmt::{fmt_f64, fmt_opt};
use crate::scenario::{ParamValue, Sweep};

fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file = std::fs::File::create(path).map_err(|e| Error::io("create", path, e))?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(std::io::BufWriter::new(file)))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::io("write", path, std::io::Error::other(e))
}

/// `point,` before the header of a sweep's tables; nothing without a sweep.
fn point_header(e: &Layout) -> Vec<String> {
    if e.sweep {
        vec!["point".to_string()]
    } else {
        Vec::new()
    }
}

/// `points.csv` of a sweep: `point,<one column per swept parameter, named by its path>`, one
/// row per point; numbers in the fixed 10-decimal format, booleans and text as written.
pub fn write_points(path: &Path, sweep: &Sweep) -> Result<()> {
    let mut w = writer(path)?;
    let err = csv_err(path);
    let mut header = vec!["point".to_string()];
    header.extend(sweep.params.iter().cloned());
    w.write_record(&header).map_err(&err)?;
    for (i, point) in sweep.points.iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(point.iter().map(|a| param_text(&a.value)));
        w.write_record(&row).map_err(&err)?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// A parameter value as `points.csv` and the stdout table write it.
pub fn param_text(v: &ParamValue) -> String {
    match v {
        ParamValue::Number(x) => fmt_f64(*x),
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Text(t) => t.clone(),
    }
}

/// Which per-run rows `timeseries.csv` keeps (`--runs-table`). The summary, effects and
/// every analysis are computed from the run store, not from this table, so they are the same
/// in every mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RunsTable {
    /// Every recorded step of every run.
    #[default]
    All,
    /// Each run's final recorded step only.
    Final,
    /// No `timeseries.csv`.
    None,
}

impl RunsTable {
    /// The mode as the command line and the manifest spell it.
    pub fn name(self) -> &'static str {
        match self {
            RunsTable::All => "all",
            RunsTable::Final => "final",
            RunsTable::None => "none",
        }
    }

    /// The mode a manifest names; `all` for manifests written before the mode existed.
    pub fn from_name(name: &str) -> RunsTable {
        match name {
            "final" => RunsTable::Final,
            "none" => RunsTable::None,
            _ => RunsTable::All,
        }
    }

    /// What the folder holds, for the end-of-run summary.
    pub fn describe(self) -> &'static str {
        match self {
            RunsTable::All => "timeseries.csv: every recorded step of every run",
            RunsTable::Final => {
                "timeseries.csv: the final recorded step of every run (--runs-table final)"
            }
            RunsTable::None => {
                "no timeseries.csv (--runs-table none); summary and effects are exact"
            }
        }
    }
}

/// `timeseries.csv`: `arm,run,seed,step,<metrics…>`, one row per run and recorded step
/// (with a leading `point` column for a sweep).
pub fn write_timeseries(path: &Path, src: &(impl RunSource + ?Sized)) -> Result<()> {
    write_runs_table(path, src, RunsTable::All)
}

/// `timeseries.csv` in `mode`: all rows, each run's final row, or no file.
pub fn write_runs_table(
    path: &Path,
    src: &(impl RunSource + ?Sized),
    mode: RunsTable,
) -> Result<()> {
    if mode == RunsTable::None {
        return Ok(());
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io("create", path, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let as_io = |err: Error| match err {
        Error::Io { source, .. } => source,
        other => std::io::Error::other(other.to_string()),
    };
    timeseries_rows(&mut out, src, mode == RunsTable::Final)
        .map_err(|err| Error::io("write", path, as_io(err)))?;
    std::io::Write::flush(&mut out).map_err(|e| Error::io("write", path, e))
}

/// Writes the bytes of `timeseries.csv` for `src` (header, then every run's rows in point,
/// arm, run order) to `out`. [`write_timeseries`] and `accord replay` both use it, so a
/// replayed run's rows are formatted exactly as the file's.
pub fn timeseries_csv(out: impl std::io::Write, src: &(impl RunSource + ?Sized)) -> Result<()> {
    timeseries_rows(out, src, false)
}

/// [`timeseries_csv`], with only each run's final recorded step when `last_only`.
fn timeseries_rows(
    out: impl std::io::Write,
    src: &(impl RunSource + ?Sized),
    last_only: bool,
) -> Result<()> {
    let e = src.layout();
    let first = if last_only {
        e.steps.len().saturating_sub(1)
    } else {
        0
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let io = |err: csv::Error| Error::io("write", "timeseries.csv", std::io::Error::other(err));
    let mut header = point_header(&e);
    header.extend([
        "arm".to_string(),
        "run".into(),
        "seed".into(),
        "step".into(),
    ]);
    header.extend(e.metric_names.iter().cloned());
    w.write_record(&header).map_err(io)?;
    let m = e.metric_names.len().max(1);
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for cell in 0..e.cells() {
        src.for_each_run(cell, &mut |r| {
            for (si, step) in e.steps.iter().enumerate().skip(first) {
                row.clear();
                if e.sweep {
                    row.push(r.point.to_string());
                }
                row.push(e.arms[r.arm].clone());
                row.push(r.run.to_string());
                row.push(r.seed.to_string());
                row.push(step.to_string());
                let values = r.values.get(si * m..(si + 1) * m).unwrap_or(&[]);
                row.extend(values.iter().map(|v| fmt_opt(*v)));
                w.write_record(&row).map_err(io)?;
            }
            Ok(())
        })?;
    }
    w.flush()
        .map_err(|err| Error::io("write", "timeseries.csv", err))
}

/// `summary.csv`: `arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95` (with a leading
/// `point` column for a sweep).
pub fn write_summary(path: &Path, e: &Layout, rows: &[SummaryRow]) -> Result<()> {
    let mut w = SummaryWriter::create(path, e)?;
    rows.iter().try_for_each(|r| w.write(r))?;
    w.finish()
}

/// `summary.csv` written row by row as the statistics are computed.
pub struct SummaryWriter<'a> {
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    path: &'a Path,
    layout: &'a Layout,
    row: Vec<String>,
}

impl<'a> SummaryWriter<'a> {
    /// Creates `path` and writes the header.
    pub fn create(path: &'a Path, layout: &'a Layout) -> Result<Self> {
        let mut w = writer(path)?;
        let mut header = point_header(layout);
        header.extend(
            [
                "arm", "step", "metric", "n", "mean", "sd", "ci95_lo", "ci95_hi", "p05", "p50",
                "p95",
            ]
            .map(String::from),
        );
        w.write_record(&header).map_err(csv_err(path))?;
        Ok(SummaryWriter {
            w,
            path,
            layout,
            row: Vec::with_capacity(header.len()),
        })
    }

    /// Writes one row.
    pub fn write(&mut self, r: &SummaryRow) -> Result<()> {
        let (e, row) = (self.layout, &mut self.row);
        row.clear();
        if e.sweep {
            row.push(r.point.to_string());
        }
        row.extend([
            e.arms[r.arm].clone(),
            r.step.to_string(),
            e.metric_names[r.metric].clone(),
        ]);
        match &r.summary {
            Some(s) => {
                row.push(s.n.to_string());
                row.extend(
                    [s.mean, s.sd, s.ci95_lo, s.ci95_hi, s.p05, s.p50, s.p95]
                        .iter()
                        .map(|x| fmt_f64(*x)),
                );
            }
            None => {
                row.push("0".into());
                row.extend(std::iter::repeat_n(String::new(), 7));
            }
        }
        self.w.write_record(&*row).map_err(csv_err(self.path))
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(|e| Error::io("write", self.path, e))
    }
}

/// `states.csv`: `arm,run,step,nation,capability,<dimensions…>` (with a leading `point`
/// column for a sweep).
pub fn write_states(
    path: &Path,
    src: &(impl RunSource + ?Sized),
    dimensions: &[String],
) -> Result<()> {
    let e = src.layout();
    let mut w = writer(path)?;
    let err = csv_err(path);
    let mut header = point_header(&e);
    header.extend([
        "arm".to_string(),
        "run".into(),
        "step".into(),
        "nation".into(),
        "capability".into(),
    ]);
    header.extend(dimensions.iter().cloned());
    w.write_record(&header).map_err(&err)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for cell in 0..e.cells() {
        src.for_each_run(cell, &mut |r| {
            for s in r.states {
                row.clear();
                if e.sweep {
                    row.push(r.point.to_string());
                }
                row.push(e.arms[r.arm].clone());
                row.push(r.run.to_string());
                row.push(s.step.to_string());
                row.push(s.nation.clone());
                row.push(fmt_f64(s.capability));
                row.extend(s.stance.iter().map(|x| fmt_f64(*x)));
                w.write_record(&row).map_err(&err)?;
            }
            Ok(())
        })?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// `effects.csv`: `point,arm,reference,metric,step,n,mean_diff,sd_diff,ci95_lo,ci95_hi,share_lower,share_higher`.
/// `point` is the sweep point, 0 for a scenario without a sweep.
pub fn write_effects(path: &Path, e: &Layout, rows: &[EffectRow]) -> Result<()> {
    let mut w = writer(path)?;
    let err = csv_err(path);
    w.write_record([
        "point",
        "arm",
        "reference",
        "metric",
        "step",
        "n",
        "mean_diff",
        "sd_diff",
        "ci95_lo",
        "ci95_hi",
        "share_lower",
        "share_higher",
    ])
    .map_err(&err)?;
    for r in rows {
        let mut row = vec![
            r.point.to_string(),
            e.arms[r.arm].clone(),
            e.arms[r.reference].clone(),
            e.metric_names[r.metric].clone(),
            r.step.to_string(),
        ];
        match &r.summary {
            Some(s) => {
                row.push(s.n.to_string());
                row.extend(
                    [s.mean, s.sd, s.ci95_lo, s.ci95_hi]
                        .iter()
                        .map(|x| fmt_f64(*x)),
                );
            }
            None => {
                row.push("0".into());
                row.extend(std::iter::repeat_n(String::new(), 4));
            }
        }
        row.push(fmt_f64(r.share_lower));
        row.push(fmt_f64(r.share_higher));
        w.write_record(&row).map_err(&err)?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}
