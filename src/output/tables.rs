//! The CSV tables of an output folder.

use std::path::Path;

use super::format::{fmt_f64, fmt_opt};
use crate::error::{Error, Result};
use crate::experiment::{EffectRow, Ensemble, SummaryRow};

fn writer(path: &Path) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file = std::fs::File::create(path).map_err(|e| Error::io("create", path, e))?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(std::io::BufWriter::new(file)))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::io("write", path, std::io::Error::other(e))
}

/// `timeseries.csv`: `arm,run,seed,step,<metrics…>`, one row per run and recorded step.
pub fn write_timeseries(path: &Path, e: &Ensemble) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io("create", path, e))?;
    let mut out = std::io::BufWriter::new(file);
    timeseries_csv(&mut out, e).map_err(|err| Error::io("write", path, err))?;
    std::io::Write::flush(&mut out).map_err(|e| Error::io("write", path, e))
}

/// Writes the bytes of `timeseries.csv` for `e` (header, then every run's rows in order) to
/// `out`. [`write_timeseries`] and `accord replay` both use it, so a replayed run's rows are
/// formatted exactly as the file's.
pub fn timeseries_csv(out: impl std::io::Write, e: &Ensemble) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let mut header = vec![
        "arm".to_string(),
        "run".into(),
        "seed".into(),
        "step".into(),
    ];
    header.extend(e.metric_names.iter().cloned());
    w.write_record(&header).map_err(std::io::Error::other)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for r in &e.runs {
        for (si, step) in r.output.steps.iter().enumerate() {
            row.clear();
            row.push(e.arms[r.arm].clone());
            row.push(r.run.to_string());
            row.push(r.seed.to_string());
            row.push(step.to_string());
            row.extend(r.output.metrics[si].iter().map(|v| fmt_opt(*v)));
            w.write_record(&row).map_err(std::io::Error::other)?;
        }
    }
    w.flush()
}

/// `summary.csv`: `arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95`.
pub fn write_summary(path: &Path, e: &Ensemble, rows: &[SummaryRow]) -> Result<()> {
    let mut w = writer(path)?;
    let err = csv_err(path);
    w.write_record([
        "arm", "step", "metric", "n", "mean", "sd", "ci95_lo", "ci95_hi", "p05", "p50", "p95",
    ])
    .map_err(&err)?;
    for r in rows {
        let mut row = vec![
            e.arms[r.arm].clone(),
            r.step.to_string(),
            e.metric_names[r.metric].clone(),
        ];
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
        w.write_record(&row).map_err(&err)?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// `states.csv`: `arm,run,step,nation,capability,<dimensions…>`.
pub fn write_states(path: &Path, e: &Ensemble, dimensions: &[String]) -> Result<()> {
    let mut w = writer(path)?;
    let err = csv_err(path);
    let mut header = vec![
        "arm".to_string(),
        "run".into(),
        "step".into(),
        "nation".into(),
        "capability".into(),
    ];
    header.extend(dimensions.iter().cloned());
    w.write_record(&header).map_err(&err)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for r in &e.runs {
        for s in &r.output.states {
            row.clear();
            row.push(e.arms[r.arm].clone());
            row.push(r.run.to_string());
            row.push(s.step.to_string());
            row.push(s.nation.clone());
            row.push(fmt_f64(s.capability));
            row.extend(s.stance.iter().map(|x| fmt_f64(*x)));
            w.write_record(&row).map_err(&err)?;
        }
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// `effects.csv`: `point,arm,reference,metric,step,n,mean_diff,sd_diff,ci95_lo,ci95_hi,share_lower,share_higher`.
/// `point` is the sweep point, 0 for a scenario without a sweep.
pub fn write_effects(path: &Path, e: &Ensemble, rows: &[EffectRow]) -> Result<()> {
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
            "0".to_string(),
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
