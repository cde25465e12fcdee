//! The `discovery/` tables of a finished search, `discovery.json`, and the table `accord
//! discover` prints: every number formatted once here, so the files and the terminal agree.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{DENSITY_MARGIN, DISCOVERY_DIR, Discovery};
use crate::error::{Error, Result};
use crate::table::{Cell, Column, Kind, TableFormat, TableWriter, column};

/// What `discovery.json` records: the question and the settings, so the folder says what it
/// answers. No times, so the same folder and question give the same bytes.
#[derive(Serialize)]
struct Record<'a> {
    accord_version: &'static str,
    arm: &'a str,
    metric: &'a str,
    outcome: &'static str,
    reference: Option<&'a str>,
    step: u32,
    case_of_interest: String,
    peel_alpha: f64,
    paste_alpha: f64,
    mass_min: f64,
    objective: &'static str,
    density_margin: f64,
    params: &'a [String],
    left_out: &'a [String],
    points: usize,
    undefined_points: usize,
    cases_of_interest: usize,
    recommended_box: usize,
    chosen_box: usize,
}

/// Writes the `trajectory`, `box` and `cases` tables (in `format`) and `discovery.json` into
/// `dir` (the staged `discovery/` folder). Returns the files written.
///
/// # Errors
///
/// [`Error::Io`] when a file cannot be written.
pub fn write_discovery(dir: &Path, d: &Discovery, format: TableFormat) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (stem, table) in [
        ("trajectory", trajectory as TableFn),
        ("box", chosen_box),
        ("cases", cases),
    ] {
        let mut w = TableWriter::create(dir, stem, format, columns(stem, d))?;
        table(d, &mut |row| w.row(row))?;
        w.finish()?;
        written.push(dir.join(format.file_name(stem)));
    }
    let mut put = |name: &str, text: String| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
        written.push(path);
        Ok(())
    };
    let record = Record {
        accord_version: env!("CARGO_PKG_VERSION"),
        arm: &d.arm,
        metric: &d.query.metric,
        outcome: if d.query.effect { "effect" } else { "level" },
        reference: d.reference.as_deref(),
        step: d.step,
        case_of_interest: d.query.threshold.describe(),
        peel_alpha: d.query.options.peel_alpha,
        paste_alpha: d.query.options.paste_alpha,
        mass_min: d.query.options.mass_min,
        objective: "LENIENT1",
        density_margin: DENSITY_MARGIN,
        params: &d.params,
        left_out: &d.left_out,
        points: d.points.len(),
        undefined_points: d.undefined,
        cases_of_interest: d.trajectory.cases,
        recommended_box: d.recommended,
        chosen_box: d.chosen,
    };
    let json = serde_json::to_string_pretty(&record).map_err(|e| {
        Error::io(
            "write",
            dir.join(crate::atomic::DISCOVERY_MANIFEST),
            e.into(),
        )
    })?;
    put(crate::atomic::DISCOVERY_MANIFEST, json + "\n")?;
    Ok(written)
}

/// A table's rows, each passed to the sink as cells.
type TableFn = fn(&Discovery, &mut dyn FnMut(&[Cell<'_>]) -> Result<()>) -> Result<()>;

/// The columns of discovery table `stem`:
/// - `trajectory`: `box,move,coverage,density,mass,points,cases,res_dim,restricted`, then
///   `lower:<param>,upper:<param>` for every parameter;
/// - `box` (the chosen box, a row per parameter):
///   `box,recommended,coverage,density,mass,param,restricted,lower,upper,qp_lower,qp_upper`;
/// - `cases` (the points searched): `point,outcome,case` (1 for a case of interest).
pub fn columns(stem: &str, d: &Discovery) -> Vec<Column> {
    use Kind::{Bool, Float, Int, Text};
    let fixed: &[(&str, Kind)] = match stem {
        "trajectory" => &[
            ("box", Int),
            ("move", Text),
            ("coverage", Float),
            ("density", Float),
            ("mass", Float),
            ("points", Int),
            ("cases", Int),
            ("res_dim", Int),
            ("restricted", Text),
        ],
        "box" => &[
            ("box", Int),
            ("recommended", Bool),
            ("coverage", Float),
            ("density", Float),
            ("mass", Float),
            ("param", Text),
            ("restricted", Bool),
            ("lower", Float),
            ("upper", Float),
            ("qp_lower", Float),
            ("qp_upper", Float),
        ],
        _ => &[("point", Int), ("outcome", Float), ("case", Int)],
    };
    let mut out: Vec<Column> = fixed.iter().map(|&(n, k)| column(n, k)).collect();
    if stem == "trajectory" {
        for p in &d.params {
            out.push(column(format!("lower:{p}"), Float));
            out.push(column(format!("upper:{p}"), Float));
        }
    }
    out
}

fn trajectory(d: &Discovery, sink: &mut dyn FnMut(&[Cell<'_>]) -> Result<()>) -> Result<()> {
    for (k, b) in d.trajectory.boxes.iter().enumerate() {
        let restricted = b
            .restricted
            .iter()
            .map(|&j| d.params[j].as_str())
            .collect::<Vec<_>>()
            .join(";");
        let mut row = vec![
            Cell::int(k),
            Cell::Text(b.how.as_str()),
            Cell::float(b.coverage),
            Cell::float(b.density),
            Cell::float(b.mass),
            Cell::int(b.n),
            Cell::int(b.cases),
            Cell::int(b.restricted.len()),
            Cell::Text(&restricted),
        ];
        for &(lo, hi) in &b.limits {
            row.push(Cell::float(lo));
            row.push(Cell::float(hi));
        }
        sink(&row)?;
    }
    Ok(())
}

fn chosen_box(d: &Discovery, sink: &mut dyn FnMut(&[Cell<'_>]) -> Result<()>) -> Result<()> {
    let b = &d.trajectory.boxes[d.chosen];
    for (j, p) in d.params.iter().enumerate() {
        sink(&[
            Cell::int(d.chosen),
            Cell::Bool(d.chosen == d.recommended),
            Cell::float(b.coverage),
            Cell::float(b.density),
            Cell::float(b.mass),
            Cell::Text(p),
            Cell::Bool(b.restricted.contains(&j)),
            Cell::float(b.limits[j].0),
            Cell::float(b.limits[j].1),
            Cell::Float(d.quasi_p[j].0),
            Cell::Float(d.quasi_p[j].1),
        ])?;
    }
    Ok(())
}

fn cases(d: &Discovery, sink: &mut dyn FnMut(&[Cell<'_>]) -> Result<()>) -> Result<()> {
    for ((p, v), c) in d.points.iter().zip(&d.outcomes).zip(&d.cases) {
        sink(&[Cell::int(*p), Cell::float(*v), Cell::Int(i64::from(*c))])?;
    }
    Ok(())
}

/// Discovery table `stem` as CSV text (what `<stem>.csv` holds), for messages and tests.
pub fn table_csv(stem: &str, d: &Discovery) -> Result<String> {
    let table: TableFn = match stem {
        "trajectory" => trajectory,
        "box" => chosen_box,
        _ => cases,
    };
    let mut bytes = Vec::new();
    crate::table::csv_to(&mut bytes, DISCOVERY_DIR, &columns(stem, d), |sink| {
        table(d, sink)
    })?;
    String::from_utf8(bytes)
        .map_err(|e| Error::io("write", DISCOVERY_DIR, std::io::Error::other(e.to_string())))
}

/// The chosen box as the readable table `accord discover` prints.
pub fn box_table(d: &Discovery) -> String {
    let t = &d.trajectory;
    let b = &t.boxes[d.chosen];
    let mut out = format!(
        "scenario discovery: {} {} at step {}\n",
        d.outcome_name(),
        d.query.threshold.describe(),
        d.step
    );
    out.push_str(&format!(
        "{} points, {} cases of interest ({:.1} %); {} boxes on the trajectory\n",
        t.points,
        t.cases,
        100.0 * t.cases as f64 / t.points.max(1) as f64,
        t.boxes.len()
    ));
    if d.undefined > 0 {
        out.push_str(&format!(
            "note: {} points without a defined outcome are left out\n",
            d.undefined
        ));
    }
    for p in &d.left_out {
        out.push_str(&format!(
            "note: `{p}` is not a varying number and is left out\n"
        ));
    }
    let why = if d.chosen == d.recommended {
        format!("recommended: the first box within {DENSITY_MARGIN} of the highest density")
    } else {
        format!(
            "chosen with --box; the recommended box is {}",
            d.recommended
        )
    };
    out.push_str(&format!(
        "\nbox {} ({why})\ncoverage {:.3}, density {:.3}, mass {:.3}, {} restricted of {}\n\n",
        d.chosen,
        b.coverage,
        b.density,
        b.mass,
        b.restricted.len(),
        d.params.len()
    ));
    let width = d
        .params
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    out.push_str(&format!(
        "{:<width$}  {:>12}  {:>12}  {:>10}  {:>10}\n",
        "parameter", "lower", "upper", "qp lower", "qp upper"
    ));
    let qp = |v: Option<f64>| {
        v.map_or_else(
            || "–".to_owned(),
            |p| {
                if p >= 1e-3 {
                    format!("{p:.3}")
                } else {
                    format!("{p:.1e}")
                }
            },
        )
    };
    for &j in &b.restricted {
        let (lo, hi) = b.limits[j];
        let (init_lo, init_hi) = t.initial[j];
        let limit = |v: f64, open: f64| {
            if v == open {
                "–".to_owned()
            } else {
                format!("{v:.4}")
            }
        };
        out.push_str(&format!(
            "{:<width$}  {:>12}  {:>12}  {:>10}  {:>10}\n",
            d.params[j],
            limit(lo, init_lo),
            limit(hi, init_hi),
            qp(d.quasi_p[j].0),
            qp(d.quasi_p[j].1)
        ));
    }
    if b.restricted.is_empty() {
        out.push_str("(no parameter is restricted: the box is the whole sweep)\n");
    }
    let free: Vec<&str> = (0..d.params.len())
        .filter(|j| !b.restricted.contains(j))
        .map(|j| d.params[j].as_str())
        .collect();
    if !free.is_empty() && !b.restricted.is_empty() {
        out.push_str(&format!("free: {}\n", free.join(", ")));
    }
    out.push_str(
        "(– : not restricted; qp: quasi-p value of the limit, a one-sided binomial test)\n",
    );
    out
}
