//! Charts across the points of a parameter sweep: the final-step value of the headline metrics
//! against one swept parameter (`sweep_<param>`), or the primary metric (fragmentation) over
//! two (`sweep_<p1>_<p2>`, a heatmap per arm for a grid, a scatter per arm for a Latin
//! hypercube).
//!
//! The data come from `points.csv` (the parameter values of every point) and the `point`
//! column of `summary.csv`. Everything is prepared before drawing by pure functions
//! (`design`), which the tests check on hand-made rows.

use std::path::{Path, PathBuf};

use super::figure::{Format, file_stem, render};
use super::input::{Meta, PointsTable, SummaryRecord};
use super::theme::WIDTH;
use crate::error::Result;

mod design;
mod lines;
mod map;
#[cfg(test)]
mod tests;

use design::{Design, final_step};
use lines::Lines;
use map::Map;

/// Draws the sweep charts into `charts`: `sweep_<param>` for a one-parameter sweep;
/// `sweep_<p1>_<p2>` for two or more parameters — a heatmap per arm when the points form a
/// two-parameter grid, a scatter on the first two parameters otherwise (Latin hypercube).
/// Grids of three or more parameters get no sweep chart: a heatmap cannot show them without
/// hiding a dimension, and their per-point values are all in `summary.csv`.
pub(crate) fn draw(
    summary: &[SummaryRecord],
    table: &PointsTable,
    arms: &[String],
    meta: &Meta,
    charts: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let design = Design::new(table);
    let Some(step) = final_step(summary) else {
        return Ok(Vec::new());
    };
    match design.axes.as_slice() {
        [] => Ok(Vec::new()),
        [axis] => {
            let lines = Lines::new(summary, &design, arms, meta, step);
            let stem = charts.join(format!("sweep_{}", file_stem(&axis.path)));
            match lines {
                Some(lines) => render(&stem, format, (WIDTH, lines.height), &lines),
                None => Ok(Vec::new()),
            }
        }
        [x, y, rest @ ..] => {
            if design.grid && !rest.is_empty() {
                return Ok(Vec::new());
            }
            let stem = charts.join(format!(
                "sweep_{}_{}",
                file_stem(&x.path),
                file_stem(&y.path)
            ));
            match Map::new(summary, &design, arms, meta, step) {
                Some(map) => render(&stem, format, (map.width, map.height), &map),
                None => Ok(Vec::new()),
            }
        }
    }
}

/// Title text's step part: "step 25 (year)".
fn at_step(step: u32, meta: &Meta) -> String {
    format!("step {step} ({})", meta.step_unit)
}
