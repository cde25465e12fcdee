//! The tables of an output folder, each declared once as typed columns (the schema the
//! manifest records) and written as CSV or Parquet by [`crate::table`].

use std::path::Path;

use crate::error::Result;
use crate::experiment::{EffectRow, Layout, RunSource, SummaryRow};
use crate::fmt::fmt_f64;
use crate::scenario::{ParamValue, Sweep};
use crate::table::{Cell, Column, Kind, TableFormat, TableWriter, column};

/// `point` before the columns of a sweep's tables; nothing without a sweep.
fn point_columns(e: &Layout) -> Vec<Column> {
    if e.sweep {
        vec![column("point", Kind::Int)]
    } else {
        Vec::new()
    }
}

/// The type of a swept parameter's column: numbers as floats, booleans as booleans, and
/// text (or a mix) as text.
fn param_kind(sweep: &Sweep, param: usize) -> Kind {
    let values = || sweep.points.iter().filter_map(|p| p.get(param));
    if values().all(|a| matches!(a.value, ParamValue::Number(_))) {
        Kind::Float
    } else if values().all(|a| matches!(a.value, ParamValue::Bool(_))) {
        Kind::Bool
    } else {
        Kind::Text
    }
}

/// The columns of `points`: `point`, then one per swept parameter, named by its path.
pub fn points_columns(sweep: &Sweep) -> Vec<Column> {
    let mut columns = vec![column("point", Kind::Int)];
    columns.extend(
        (0..sweep.params.len()).map(|i| column(sweep.params[i].clone(), param_kind(sweep, i))),
    );
    columns
}

/// `points` of a sweep, one row per point; numbers in the fixed 10-decimal format (CSV) or
/// as f64 (Parquet), booleans and text as written.
pub fn write_points(dir: &Path, format: TableFormat, sweep: &Sweep) -> Result<Vec<Column>> {
    let columns = points_columns(sweep);
    let kinds: Vec<Kind> = columns.iter().map(|c| c.kind).collect();
    let mut w = TableWriter::create(dir, "points", format, columns)?;
    let mut texts: Vec<String> = Vec::new();
    for (i, point) in sweep.points.iter().enumerate() {
        texts.clear();
        texts.extend(point.iter().map(|a| param_text(&a.value)));
        let mut row = vec![Cell::int(i)];
        for ((a, text), kind) in point.iter().zip(&texts).zip(&kinds[1..]) {
            row.push(match (&a.value, kind) {
                (ParamValue::Number(x), Kind::Float) => Cell::float(*x),
                (ParamValue::Bool(b), Kind::Bool) => Cell::Bool(*b),
                _ => Cell::Text(text),
            });
        }
        w.row(&row)?;
    }
    w.finish()
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
    pub fn describe(self, format: TableFormat) -> String {
        let file = format.file_name("timeseries");
        match self {
            RunsTable::All => format!("{file}: every recorded step of every run"),
            RunsTable::Final => {
                format!("{file}: the final recorded step of every run (--runs-table final)")
            }
            RunsTable::None => {
                format!("no {file} (--runs-table none); summary and effects are exact")
            }
        }
    }
}

/// The columns of `timeseries`: `arm,run,seed,step,<metrics…>` (with a leading `point` for a
/// sweep).
pub fn timeseries_columns(e: &Layout) -> Vec<Column> {
    let mut columns = point_columns(e);
    columns.extend([
        column("arm", Kind::Text),
        column("run", Kind::Int),
        column("seed", Kind::UInt),
        column("step", Kind::Int),
    ]);
    columns.extend(
        e.metric_names
            .iter()
            .map(|m| column(m.clone(), Kind::Float)),
    );
    columns
}

/// `timeseries` with every row: one per run and recorded step.
pub fn write_timeseries(
    dir: &Path,
    format: TableFormat,
    src: &(impl RunSource + ?Sized),
) -> Result<Vec<Column>> {
    let columns = write_runs_table(dir, format, src, RunsTable::All)?;
    Ok(columns.unwrap_or_default())
}

/// `timeseries` in `mode`: all rows, each run's final row, or no file (`None`).
pub fn write_runs_table(
    dir: &Path,
    format: TableFormat,
    src: &(impl RunSource + ?Sized),
    mode: RunsTable,
) -> Result<Option<Vec<Column>>> {
    if mode == RunsTable::None {
        return Ok(None);
    }
    let e = src.layout();
    let mut w = TableWriter::create(dir, "timeseries", format, timeseries_columns(&e))?;
    timeseries_rows(src, mode == RunsTable::Final, |row| w.row(row))?;
    w.finish().map(Some)
}

/// Writes the bytes of `timeseries.csv` for `src` (header, then every run's rows in point,
/// arm, run order) to `out`. `accord replay` uses it, so a replayed run's rows are formatted
/// exactly as the file's (a Parquet file reads back as this same text).
pub fn timeseries_csv(out: impl std::io::Write, src: &(impl RunSource + ?Sized)) -> Result<()> {
    let columns = timeseries_columns(&src.layout());
    crate::table::csv_to(out, "timeseries.csv", &columns, |sink| {
        timeseries_rows(src, false, sink)
    })
}

/// Every row of `timeseries` as cells, in point, arm, run, step order; only each run's final
/// recorded step when `last_only`.
fn timeseries_rows(
    src: &(impl RunSource + ?Sized),
    last_only: bool,
    mut f: impl FnMut(&[Cell<'_>]) -> Result<()>,
) -> Result<()> {
    let e = src.layout();
    let first = if last_only {
        e.steps.len().saturating_sub(1)
    } else {
        0
    };
    let m = e.metric_names.len().max(1);
    let mut row: Vec<Cell<'_>> = Vec::with_capacity(e.metric_names.len() + 5);
    for cell in 0..e.cells() {
        src.for_each_run(cell, &mut |r| {
            for (si, step) in e.steps.iter().enumerate().skip(first) {
                row.clear();
                if e.sweep {
                    row.push(Cell::int(r.point));
                }
                row.push(Cell::Text(&e.arms[r.arm]));
                row.push(Cell::int(r.run));
                row.push(Cell::UInt(r.seed));
                row.push(Cell::int(*step));
                let values = r.values.get(si * m..(si + 1) * m).unwrap_or(&[]);
                row.extend(values.iter().map(|v| Cell::Float(*v)));
                f(&row)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The columns of `summary`: `arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95` (with a
/// leading `point` for a sweep).
pub fn summary_columns(e: &Layout) -> Vec<Column> {
    let mut columns = point_columns(e);
    columns.extend([
        column("arm", Kind::Text),
        column("step", Kind::Int),
        column("metric", Kind::Text),
        column("n", Kind::Int),
    ]);
    columns.extend(
        ["mean", "sd", "ci95_lo", "ci95_hi", "p05", "p50", "p95"].map(|n| column(n, Kind::Float)),
    );
    columns
}

/// `summary` from rows in memory.
pub fn write_summary(
    dir: &Path,
    format: TableFormat,
    e: &Layout,
    rows: &[SummaryRow],
) -> Result<Vec<Column>> {
    let mut w = SummaryWriter::create(dir, format, e)?;
    rows.iter().try_for_each(|r| w.write(r))?;
    w.finish()
}

/// `summary` written row by row as the statistics are computed.
pub struct SummaryWriter<'a> {
    w: TableWriter,
    layout: &'a Layout,
}

impl<'a> SummaryWriter<'a> {
    /// Creates the table in `dir` and writes its header.
    pub fn create(dir: &Path, format: TableFormat, layout: &'a Layout) -> Result<Self> {
        let w = TableWriter::create(dir, "summary", format, summary_columns(layout))?;
        Ok(SummaryWriter { w, layout })
    }

    /// Writes one row.
    pub fn write(&mut self, r: &SummaryRow) -> Result<()> {
        let e = self.layout;
        let mut row: Vec<Cell<'_>> = Vec::with_capacity(12);
        if e.sweep {
            row.push(Cell::int(r.point));
        }
        row.extend([
            Cell::Text(&e.arms[r.arm]),
            Cell::int(r.step),
            Cell::Text(&e.metric_names[r.metric]),
        ]);
        match &r.summary {
            Some(s) => {
                row.push(Cell::int(s.n));
                row.extend(
                    [s.mean, s.sd, s.ci95_lo, s.ci95_hi, s.p05, s.p50, s.p95].map(Cell::float),
                );
            }
            None => {
                row.push(Cell::Int(0));
                row.extend([Cell::Float(None); 7]);
            }
        }
        self.w.row(&row)
    }

    /// Flushes the file; returns its columns.
    pub fn finish(self) -> Result<Vec<Column>> {
        self.w.finish()
    }
}

/// The columns of `states`: `arm,run,step,nation,capability,<dimensions…>` (with a leading
/// `point` for a sweep).
pub fn states_columns(e: &Layout, dimensions: &[String]) -> Vec<Column> {
    let mut columns = point_columns(e);
    columns.extend([
        column("arm", Kind::Text),
        column("run", Kind::Int),
        column("step", Kind::Int),
        column("nation", Kind::Text),
        column("capability", Kind::Float),
    ]);
    columns.extend(dimensions.iter().map(|d| column(d.clone(), Kind::Float)));
    columns
}

/// `states`: the recorded nation states of every run.
pub fn write_states(
    dir: &Path,
    format: TableFormat,
    src: &(impl RunSource + ?Sized),
    dimensions: &[String],
) -> Result<Vec<Column>> {
    let e = src.layout();
    let mut w = TableWriter::create(dir, "states", format, states_columns(&e, dimensions))?;
    for cell in 0..e.cells() {
        src.for_each_run(cell, &mut |r| {
            let mut row: Vec<Cell<'_>> = Vec::with_capacity(dimensions.len() + 6);
            for s in r.states {
                row.clear();
                if e.sweep {
                    row.push(Cell::int(r.point));
                }
                row.push(Cell::Text(&e.arms[r.arm]));
                row.push(Cell::int(r.run));
                row.push(Cell::int(s.step));
                row.push(Cell::Text(&s.nation));
                row.push(Cell::float(s.capability));
                row.extend(s.stance.iter().map(|x| Cell::float(*x)));
                w.row(&row)?;
            }
            Ok(())
        })?;
    }
    w.finish()
}

/// The columns of `effects`: `point,arm,reference,metric,step,n,mean_diff,sd_diff,ci95_lo,
/// ci95_hi,share_lower,share_higher` (`point` is 0 for a scenario without a sweep).
pub fn effects_columns() -> Vec<Column> {
    let mut columns = vec![
        column("point", Kind::Int),
        column("arm", Kind::Text),
        column("reference", Kind::Text),
        column("metric", Kind::Text),
        column("step", Kind::Int),
        column("n", Kind::Int),
    ];
    columns.extend(
        [
            "mean_diff",
            "sd_diff",
            "ci95_lo",
            "ci95_hi",
            "share_lower",
            "share_higher",
        ]
        .map(|n| column(n, Kind::Float)),
    );
    columns
}

/// `effects`: the paired effects of each arm against the reference.
pub fn write_effects(
    dir: &Path,
    format: TableFormat,
    e: &Layout,
    rows: &[EffectRow],
) -> Result<Vec<Column>> {
    let mut w = TableWriter::create(dir, "effects", format, effects_columns())?;
    for r in rows {
        let mut row = vec![
            Cell::int(r.point),
            Cell::Text(&e.arms[r.arm]),
            Cell::Text(&e.arms[r.reference]),
            Cell::Text(&e.metric_names[r.metric]),
            Cell::int(r.step),
        ];
        match &r.summary {
            Some(s) => {
                row.push(Cell::int(s.n));
                row.extend([s.mean, s.sd, s.ci95_lo, s.ci95_hi].map(Cell::float));
            }
            None => {
                row.push(Cell::Int(0));
                row.extend([Cell::Float(None); 4]);
            }
        }
        row.push(Cell::float(r.share_lower));
        row.push(Cell::float(r.share_higher));
        w.row(&row)?;
    }
    w.finish()
}
