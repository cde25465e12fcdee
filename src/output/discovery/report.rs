//! The `discovery/` tables of a finished search, `discovery.json`, and the table `accord
//! discover` prints: every number formatted once here, so the files and the terminal agree.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{DENSITY_MARGIN, DISCOVERY_DIR, Discovery};
use crate::error::{Error, Result};
use crate::fmt::{fmt_f64, fmt_opt};

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

/// Writes `trajectory.csv`, `box.csv`, `cases.csv` and `discovery.json` into `dir` (the
/// staged `discovery/` folder). Returns the files written.
///
/// # Errors
///
/// [`Error::Io`] when a file cannot be written.
pub fn write_discovery(dir: &Path, d: &Discovery) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut put = |name: &str, text: String| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
        written.push(path);
        Ok(())
    };
    put("trajectory.csv", trajectory_csv(d)?)?;
    put("box.csv", box_csv(d)?)?;
    put("cases.csv", cases_csv(d)?)?;
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

fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let err = |e: csv::Error| Error::io("write", DISCOVERY_DIR, std::io::Error::other(e));
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::io("write", DISCOVERY_DIR, std::io::Error::other(e.to_string())))?;
    String::from_utf8(bytes)
        .map_err(|e| Error::io("write", DISCOVERY_DIR, std::io::Error::other(e.to_string())))
}

/// `trajectory.csv`: `box,move,coverage,density,mass,points,cases,res_dim,restricted`, then
/// `lower:<param>,upper:<param>` for every parameter.
pub fn trajectory_csv(d: &Discovery) -> Result<String> {
    let mut header: Vec<String> = [
        "box",
        "move",
        "coverage",
        "density",
        "mass",
        "points",
        "cases",
        "res_dim",
        "restricted",
    ]
    .map(String::from)
    .to_vec();
    for p in &d.params {
        header.push(format!("lower:{p}"));
        header.push(format!("upper:{p}"));
    }
    let rows = d.trajectory.boxes.iter().enumerate().map(|(k, b)| {
        let mut row = vec![
            k.to_string(),
            b.how.as_str().to_owned(),
            fmt_f64(b.coverage),
            fmt_f64(b.density),
            fmt_f64(b.mass),
            b.n.to_string(),
            b.cases.to_string(),
            b.restricted.len().to_string(),
            b.restricted
                .iter()
                .map(|&j| d.params[j].as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ];
        for &(lo, hi) in &b.limits {
            row.push(fmt_f64(lo));
            row.push(fmt_f64(hi));
        }
        row
    });
    csv_text(std::iter::once(header).chain(rows))
}

/// `box.csv`: the chosen box, a row per parameter:
/// `box,recommended,coverage,density,mass,param,restricted,lower,upper,qp_lower,qp_upper`.
pub fn box_csv(d: &Discovery) -> Result<String> {
    let header = [
        "box",
        "recommended",
        "coverage",
        "density",
        "mass",
        "param",
        "restricted",
        "lower",
        "upper",
        "qp_lower",
        "qp_upper",
    ]
    .map(String::from)
    .to_vec();
    let b = &d.trajectory.boxes[d.chosen];
    let rows = d.params.iter().enumerate().map(|(j, p)| {
        vec![
            d.chosen.to_string(),
            (d.chosen == d.recommended).to_string(),
            fmt_f64(b.coverage),
            fmt_f64(b.density),
            fmt_f64(b.mass),
            p.clone(),
            b.restricted.contains(&j).to_string(),
            fmt_f64(b.limits[j].0),
            fmt_f64(b.limits[j].1),
            fmt_opt(d.quasi_p[j].0),
            fmt_opt(d.quasi_p[j].1),
        ]
    });
    csv_text(std::iter::once(header).chain(rows))
}

/// `cases.csv`: `point,outcome,case` (1 for a case of interest), the points searched.
pub fn cases_csv(d: &Discovery) -> Result<String> {
    let header = ["point", "outcome", "case"].map(String::from).to_vec();
    let rows = d
        .points
        .iter()
        .zip(&d.outcomes)
        .zip(&d.cases)
        .map(|((p, v), c)| vec![p.to_string(), fmt_f64(*v), u8::from(*c).to_string()]);
    csv_text(std::iter::once(header).chain(rows))
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
