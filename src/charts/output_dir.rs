//! Every chart of an output folder, drawn from its CSV files alone.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::figure::{Format, file_stem};
use super::input::{self, Meta, SummaryRecord};
use super::time_series::{Band, Labels, time_series_as};
use super::{effects, stances, sweep};
use crate::error::{Error, Result};
use crate::metrics::{PRIMARY, catalogue};

/// Draws every chart of the output folder `dir` from its files, into `dir/charts/`:
///
/// - `fragmentation` — mean fragmentation per arm over time with a shaded 95 % band;
/// - `metrics/<metric>` — the same for every metric in `summary.csv`;
/// - `membership` — members of each cooperation body per arm, when there are `members_*`
///   metrics;
/// - `effects` — a forest plot of the paired effects at the final step, when `effects.csv`
///   exists;
/// - `stances` — final stances of run 0 of each arm on their first two principal components,
///   when `representative_states.csv` exists;
/// - for a sweep (`summary.csv` has a `point` column and `points.csv` exists): `sweep_<param>`
///   (final-step headline metrics against a single swept parameter, a line per arm with its
///   95 % band) or `sweep_<p1>_<p2>` (final-step fragmentation over two parameters: a heatmap
///   per arm for a two-parameter grid, a scatter for a Latin hypercube; none for grids of
///   three or more parameters);
/// - with `sensitivity.csv` (a `sobol` or `morris` sweep): `sensitivity_<metric>` or
///   `morris_<metric>` (see `charts::sensitivity`).
///
/// With a sweep, the time-series charts, membership and the forest plot show sweep point 0
/// only, and say so in their titles: overlaying every point's bands would be unreadable, and
/// the sweep charts are where points are compared.
///
/// Reads `summary.csv` (required), `effects.csv`, `points.csv` and `manifest.json` (for the
/// title and step unit; optional). The same CSVs give byte-identical SVGs. Returns the files
/// written, in drawing order. The charts are drawn in parallel on the current rayon pool.
///
/// # Errors
///
/// [`Error::Usage`] when `dir` has no `summary.csv` or a file cannot be parsed;
/// [`Error::Io`] / [`Error::Chart`] when a folder or chart cannot be written.
pub fn draw_all(dir: &Path, format: Format) -> Result<Vec<PathBuf>> {
    let Some(summary_path) = crate::table::locate(dir, "summary")? else {
        return Err(Error::Usage(format!(
            "`{}` has no summary.csv or summary.parquet; pass an output folder written by \
             `accord run`",
            dir.display()
        )));
    };
    // Two passes keep memory bounded by what is drawn, not by the steps or points recorded:
    // the first finds the steps, the second keeps the drawn steps of point 0 and the final
    // step of every point (what the sweep charts show).
    let (drawn, last) = drawn_steps(&summary_path)?;
    let all_rows = input::read_summary_where(&summary_path, |r| {
        Some(r.step) == last || (r.point.unwrap_or(0) == 0 && drawn.binary_search(&r.step).is_ok())
    })?;
    let sweep_meta = input::read_meta(dir);
    // A sweep: the per-point charts keep to point 0 (see above), and their titles, which end
    // with the scenario name, say so.
    let is_sweep = all_rows.iter().any(|r| r.point.is_some());
    let meta = if is_sweep {
        Meta {
            name: format!("{} (sweep point 0)", sweep_meta.name),
            ..sweep_meta.clone()
        }
    } else {
        sweep_meta.clone()
    };
    let summary: Vec<SummaryRecord> = if is_sweep {
        all_rows
            .iter()
            .filter(|r| r.point == Some(0))
            .cloned()
            .collect()
    } else {
        all_rows.clone()
    };
    let charts = dir.join("charts");
    let metrics_dir = charts.join("metrics");
    std::fs::create_dir_all(&metrics_dir)
        .map_err(|e| Error::io("create folder", &metrics_dir, e))?;

    let arms = input::ordered(summary.iter().map(|r| r.arm.as_str()));
    let metrics = input::ordered(summary.iter().map(|r| r.metric.as_str()));
    let x_label = format!("step ({})", meta.step_unit);
    // Each chart is its own job writing its own files, so they are drawn in parallel (on
    // the caller's rayon pool) and their files listed in drawing order whatever the timing.
    let mut jobs: Vec<Job<'_>> = Vec::new();

    let primary = PRIMARY.info();
    if metrics.iter().any(|m| m == primary.column) {
        let (summary, arms, x_label, meta, charts) = (&summary, &arms, &x_label, &meta, &charts);
        jobs.push(Box::new(move || {
            let bands = bands(summary, arms, primary.column);
            let title = format!("{} of AI governance — {}", primary.title, meta.name);
            let labels = Labels {
                title: &title,
                x: x_label,
                y: primary.axis_label,
            };
            time_series_as(
                &bands,
                &labels,
                primary.range.is_unit(),
                &[],
                &charts.join(primary.column),
                format,
            )
        }));
    }
    for metric in &metrics {
        let (summary, arms, x_label, meta, metrics_dir) =
            (&summary, &arms, &x_label, &meta, &metrics_dir);
        jobs.push(Box::new(move || {
            let bands = bands(summary, arms, metric);
            let title = format!("{} — {}", catalogue::title(metric), meta.name);
            let labels = Labels {
                title: &title,
                x: x_label,
                y: &catalogue::axis_label(metric),
            };
            let unit = catalogue::range(metric).is_some_and(catalogue::Range::is_unit);
            let stem = metrics_dir.join(file_stem(metric));
            time_series_as(&bands, &labels, unit, &[], &stem, format)
        }));
    }
    jobs.push(Box::new(|| {
        membership(&summary, &arms, &metrics, &meta, &x_label, &charts, format)
    }));

    if let Some(effects_path) = crate::table::locate(dir, "effects")? {
        let (arms, meta, charts) = (&arms, &meta, &charts);
        jobs.push(Box::new(move || {
            let rows = input::read_effects(&effects_path)?;
            effects::forest(&rows, arms, meta, &charts.join("effects"), format)
        }));
    }
    jobs.push(Box::new(|| {
        stances::draw(dir, &meta, &charts.join("stances"), format)
    }));

    // Sweep charts need the parameter values; without points.csv there is nothing to put on
    // their axes, so a folder that lost it still gets every other chart.
    if is_sweep && let Some(points_path) = crate::table::locate(dir, "points")? {
        let (all_rows, sweep_meta, charts) = (&all_rows, &sweep_meta, &charts);
        jobs.push(Box::new(move || {
            let table = input::read_points(&points_path)?;
            let arms = input::ordered(all_rows.iter().map(|r| r.arm.as_str()));
            sweep::draw(all_rows, &table, &arms, sweep_meta, charts, format)
        }));
    }
    jobs.push(Box::new(|| {
        super::sensitivity::draw_sensitivity(dir, format)
    }));

    let drawn: Vec<Result<Vec<PathBuf>>> = jobs.par_iter().map(|job| job()).collect();
    let mut written = Vec::new();
    for files in drawn {
        written.extend(files?);
    }
    Ok(written)
}

/// One chart (or one group of charts) of [`draw_all`]: draws and returns the files written.
type Job<'a> = Box<dyn Fn() -> Result<Vec<PathBuf>> + Send + Sync + 'a>;

/// Most steps a time-series line draws: beyond a few thousand, points are finer than the
/// pixels of a chart at paper size, and a million-step run would hold its whole summary.
pub const MAX_CHART_STEPS: usize = 2000;

/// The steps the time-series charts draw — the recorded steps (those of the first arm and
/// metric in `summary.csv`), thinned evenly to [`MAX_CHART_STEPS`] with the first and last
/// kept — ascending, and the last recorded step of the file.
fn drawn_steps(path: &Path) -> Result<(Vec<u32>, Option<u32>)> {
    let mut steps = Vec::new();
    let mut first: Option<(Option<u32>, String, String)> = None;
    let mut last = None;
    input::read_summary_where(path, |r| {
        let group = (r.point, r.arm.clone(), r.metric.clone());
        if first.get_or_insert_with(|| group.clone()) == &group {
            steps.push(r.step);
        }
        last = last.max(Some(r.step));
        false
    })?;
    steps.sort_unstable();
    steps.dedup();
    Ok((thin(&steps, MAX_CHART_STEPS), last))
}

/// At most `most` of `steps`, evenly spaced by index, first and last included.
fn thin(steps: &[u32], most: usize) -> Vec<u32> {
    let n = steps.len();
    if n <= most || most < 2 {
        return steps.to_vec();
    }
    (0..most)
        .map(|i| steps[(i as u64 * (n as u64 - 1) / (most as u64 - 1)) as usize])
        .collect()
}

/// One band per arm for `metric`, in arm order.
fn bands(summary: &[SummaryRecord], arms: &[String], metric: &str) -> Vec<Band> {
    arms.iter()
        .map(|arm| Band {
            name: arm.clone(),
            points: summary
                .iter()
                .filter(|r| &r.arm == arm && r.metric == metric)
                .map(|r| (r.step, r.mean, r.lo, r.hi))
                .collect(),
        })
        .collect()
}

/// Members of every body over time, one line per (arm, body).
fn membership(
    summary: &[SummaryRecord],
    arms: &[String],
    metrics: &[String],
    meta: &Meta,
    x_label: &str,
    charts: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let bodies: Vec<&str> = metrics
        .iter()
        .filter_map(|m| catalogue::members_body(m))
        .collect();
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    let mut lines = Vec::new();
    let mut colours = Vec::new();
    for (b, body) in bodies.iter().enumerate() {
        let metric = catalogue::members_column(body);
        for (a, mut band) in bands(summary, arms, &metric).into_iter().enumerate() {
            // A body that never has members in an arm (disabled there) would only add a flat
            // line at zero and a legend entry.
            let active = band.points.iter().any(|p| p.1.is_finite() && p.1 > 0.0);
            if !active {
                continue;
            }
            band.name = match (arms.len(), bodies.len()) {
                (1, _) => (*body).to_owned(),
                (_, 1) => band.name,
                _ => format!("{body} · {}", band.name),
            };
            lines.push(band);
            // Each arm keeps its colour from the other charts; with several bodies and one arm
            // the bodies take the colours instead.
            colours.push(if arms.len() == 1 {
                b
            } else {
                a + b * arms.len()
            });
        }
    }
    let title = match bodies.as_slice() {
        [one] => format!(
            "{} — {}",
            catalogue::title(&catalogue::members_column(one)),
            meta.name
        ),
        _ => format!("Members of cooperation bodies — {}", meta.name),
    };
    let labels = Labels {
        title: &title,
        x: x_label,
        y: catalogue::MEMBERS_AXIS_LABEL,
    };
    time_series_as(
        &lines,
        &labels,
        false,
        &colours,
        &charts.join("membership"),
        format,
    )
}

#[cfg(test)]
mod tests {
    use super::thin;

    #[test]
    fn thinning_keeps_the_ends_and_spaces_evenly() {
        let steps: Vec<u32> = (0..=10).collect();
        assert_eq!(thin(&steps, 20), steps);
        assert_eq!(thin(&steps, 3), vec![0, 5, 10]);
        assert_eq!(thin(&steps, 2), vec![0, 10]);
        let many: Vec<u32> = (0..1_000_001).collect();
        let kept = thin(&many, super::MAX_CHART_STEPS);
        assert_eq!(kept.len(), super::MAX_CHART_STEPS);
        assert_eq!((kept[0], kept[kept.len() - 1]), (0, 1_000_000));
        assert!(
            kept.windows(2)
                .all(|w| w[1] - w[0] >= 500 && w[1] - w[0] <= 501)
        );
    }
}
