//! The headline tables: each arm's level of every metric at the final recorded step, and the
//! paired effects against the reference arm with their intervals. A sweep gets one compact
//! row per point for the headline metric instead (all of them are in the CSVs it links to).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::input::{CsvTable, Study};
use super::markup::{Table, code, esc, heading, with_interval};
use crate::metrics::{PRIMARY, catalogue};

/// Sweep points shown in the compact table; a study of thousands of points is read from the
/// CSV, not a page.
const MAX_POINT_ROWS: usize = 100;

/// `(point, arm, metric)` → the row at the last step recorded for it.
type Finals<'a> = BTreeMap<(u32, &'a str, &'a str), (u32, &'a [String])>;

/// The row at the greatest step for each `(point, arm, metric)` of `table`; a table
/// without a `point` column is point 0. Rows whose step or point is not a number are skipped
/// (the charts, drawn first, refuse such a table anyway).
fn finals(table: &CsvTable) -> Finals<'_> {
    let mut out = Finals::new();
    for row in &table.rows {
        let point = match table.column("point") {
            Some(_) => match table.get(row, "point").parse() {
                Ok(p) => p,
                Err(_) => continue,
            },
            None => 0,
        };
        let Ok(step) = table.get(row, "step").parse::<u32>() else {
            continue;
        };
        let key = (point, table.get(row, "arm"), table.get(row, "metric"));
        match out.get(&key) {
            Some(&(s, _)) if s >= step => {}
            _ => {
                out.insert(key, (step, row.as_slice()));
            }
        }
    }
    out
}

/// Distinct values of column `name`, in order of first appearance (the writers' order).
fn ordered<'a>(table: &'a CsvTable, name: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for row in &table.rows {
        let v = table.get(row, name);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// A metric's title with its column name, for a row header.
fn metric_label(metric: &str) -> String {
    format!(
        "{} <span class=\"col\">{}</span>",
        esc(&catalogue::title(metric)),
        code(metric)
    )
}

/// The step the finals share, for a caption: `step 25` or `the last recorded step`.
fn step_text(finals: &Finals<'_>, unit: &str) -> String {
    let mut steps = finals.values().map(|(s, _)| *s);
    match steps.next() {
        Some(first) if steps.all(|s| s == first) => format!("{unit} {first}"),
        _ => "the last recorded step".to_owned(),
    }
}

/// Writes the results section's tables.
pub(super) fn write(out: &mut String, study: &Study, unit: &str) {
    let summary = &study.summary;
    if summary.column("point").is_some() {
        sweep(out, study, unit);
        return;
    }
    let levels = finals(summary);
    let arms = ordered(summary, "arm");
    let metrics = ordered(summary, "metric");
    heading(out, 3, "levels", "Levels");
    let mut table = Table::new(
        format!(
            "Each arm at {}: mean over runs, and the 95 % confidence interval of the mean",
            step_text(&levels, unit)
        ),
        std::iter::once("Metric".to_owned())
            .chain(arms.iter().map(|a| (*a).to_owned()))
            .collect(),
        1,
    );
    for metric in &metrics {
        let mut row = vec![metric_label(metric)];
        for arm in &arms {
            row.push(match levels.get(&(0, arm, metric)) {
                Some((_, r)) => with_interval(
                    summary.get(r, "mean"),
                    summary.get(r, "ci95_lo"),
                    summary.get(r, "ci95_hi"),
                ),
                None => with_interval("", "", ""),
            });
        }
        table.rows.push(row);
    }
    table.write(out);
    if let Some(effects) = &study.effects {
        effects_table(out, effects, unit);
    }
}

fn effects_table(out: &mut String, effects: &CsvTable, unit: &str) {
    let finals = finals(effects);
    let reference = effects
        .rows
        .first()
        .map_or("", |r| effects.get(r, "reference"));
    heading(out, 3, "effects", "Paired effects");
    let _ = writeln!(
        out,
        "<p>Each arm minus the reference arm {}, run by run: run <var>r</var> of every arm \
         uses the same seed, so the difference isolates the arm's changes. Shares count the \
         runs in which the arm's value is lower or higher than the reference's.</p>",
        code(reference)
    );
    let mut table = Table::new(
        format!(
            "Paired effects at {}: mean difference with its 95 % confidence interval",
            step_text(&finals, unit)
        ),
        [
            "Arm",
            "Metric",
            "Difference [95 % CI]",
            "Share lower",
            "Share higher",
            "Runs",
        ]
        .map(str::to_owned)
        .to_vec(),
        2,
    );
    let arms = ordered(effects, "arm");
    let metrics = ordered(effects, "metric");
    for arm in &arms {
        for metric in &metrics {
            if let Some((_, r)) = finals.get(&(0, arm, metric)) {
                table.rows.push(vec![
                    code(arm),
                    metric_label(metric),
                    with_interval(
                        effects.get(r, "mean_diff"),
                        effects.get(r, "ci95_lo"),
                        effects.get(r, "ci95_hi"),
                    ),
                    super::markup::number(effects.get(r, "share_lower")),
                    super::markup::number(effects.get(r, "share_higher")),
                    esc(effects.get(r, "n")),
                ]);
            }
        }
    }
    table.write(out);
}

/// One row per sweep point: the swept values, each arm's level of the headline metric, and
/// each other arm's paired effect on it.
fn sweep(out: &mut String, study: &Study, unit: &str) {
    let summary = &study.summary;
    let levels = finals(summary);
    let arms = ordered(summary, "arm");
    let metrics = ordered(summary, "metric");
    let primary = PRIMARY.info().column;
    let metric = if metrics.contains(&primary) {
        primary
    } else {
        metrics.first().copied().unwrap_or(primary)
    };
    let effects = study.effects.as_ref();
    let effect_finals = effects.map(finals).unwrap_or_default();
    let effect_arms: Vec<&str> = effects.map(|e| ordered(e, "arm")).unwrap_or_default();
    let (params, values): (Vec<String>, BTreeMap<u32, &[String]>) = match &study.points {
        Some(p) => (
            p.headers.iter().skip(1).cloned().collect(),
            p.rows
                .iter()
                .filter_map(|r| Some((r.first()?.parse().ok()?, &r[1..])))
                .collect(),
        ),
        None => (Vec::new(), BTreeMap::new()),
    };
    let points: Vec<u32> = {
        let mut p: Vec<u32> = levels.keys().map(|k| k.0).collect();
        p.dedup();
        p
    };
    heading(out, 3, "per-point", "Per sweep point");
    let (summary_file, effects_file) = (
        study.format.file_name("summary"),
        study.format.file_name("effects"),
    );
    let shown = points.len().min(MAX_POINT_ROWS);
    let _ = writeln!(
        out,
        "<p>{} at {} for each of the {} sweep points{}: each arm's mean with its 95 % \
         confidence interval, then each arm's paired effect against the reference arm. Every \
         metric at every point is in <a href=\"{summary_file}\">{summary_file}</a> and \
         <a href=\"{effects_file}\">{effects_file}</a>{}.</p>",
        esc(&catalogue::title(metric)),
        step_text(&levels, unit),
        points.len(),
        if shown < points.len() {
            format!(" (the first {shown} are shown)")
        } else {
            String::new()
        },
        if study.points.is_some() {
            let points = study.format.file_name("points");
            format!(", the points' values in <a href=\"{points}\">{points}</a>")
        } else {
            String::new()
        }
    );
    let mut head = vec!["Point".to_owned()];
    head.extend(params.iter().cloned());
    head.extend(arms.iter().map(|a| (*a).to_owned()));
    head.extend(effect_arms.iter().map(|a| format!("{a} − reference")));
    let mut table = Table::new(
        format!(
            "{} per sweep point: levels and paired effects with 95 % confidence intervals",
            catalogue::title(metric)
        ),
        head,
        1,
    );
    for &point in points.iter().take(shown) {
        let mut row = vec![point.to_string()];
        for i in 0..params.len() {
            let text = values
                .get(&point)
                .and_then(|v| v.get(i))
                .map_or("", String::as_str);
            row.push(super::markup::cell(text));
        }
        for arm in &arms {
            row.push(match levels.get(&(point, arm, metric)) {
                Some((_, r)) => with_interval(
                    summary.get(r, "mean"),
                    summary.get(r, "ci95_lo"),
                    summary.get(r, "ci95_hi"),
                ),
                None => with_interval("", "", ""),
            });
        }
        if let Some(e) = effects {
            for arm in &effect_arms {
                row.push(match effect_finals.get(&(point, arm, metric)) {
                    Some((_, r)) => with_interval(
                        e.get(r, "mean_diff"),
                        e.get(r, "ci95_lo"),
                        e.get(r, "ci95_hi"),
                    ),
                    None => with_interval("", "", ""),
                });
            }
        }
        table.rows.push(row);
    }
    table.write(out);
}
