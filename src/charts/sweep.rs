//! Charts across the points of a parameter sweep: the final-step value of the headline metrics
//! against one swept parameter (`sweep_<param>`), or fragmentation over two (`sweep_<p1>_<p2>`,
//! a heatmap per arm for a grid, a scatter per arm for a Latin hypercube).
//!
//! The data come from `points.csv` (the parameter values of every point) and the `point`
//! column of `summary.csv`. Everything is prepared before drawing by pure functions, which the
//! tests check on hand-made rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::effects::{HEADLINE, tick};
use super::input::{Meta, PointsTable, SummaryRecord};
use super::output_dir::{UNIT_METRICS, file_stem, metric_label};
use super::{
    AXIS_DESC_PX, Figure, Format, MARGIN, MIN_TEXT_PX, PALETTE, TICK_PX, TITLE_PX, WIDTH, clip,
    fitting_size, font, render, text_width,
};
use crate::error::Result;

/// The metric of the two-parameter charts.
const MAP_METRIC: &str = "fragmentation";
/// Cells carry their value as text up to this many cells per panel.
const MAX_LABELLED_CELLS: usize = 64;
const BAND_ALPHA: f64 = 0.2;
const PANEL_TITLE_PX: f64 = 24.0;
const LEGEND_PX: f64 = 20.0;
/// Colour of a cell without data.
const MISSING: RGBColor = RGBColor(215, 215, 215);

/// Viridis (van der Walt & Smith, matplotlib) at 0, 1/8, …, 1: perceptually uniform, readable
/// in greyscale and under the common colour-vision deficiencies. Interpolated linearly.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 82, 139),
    (44, 114, 142),
    (33, 145, 140),
    (40, 174, 128),
    (94, 201, 98),
    (173, 220, 48),
    (253, 231, 37),
];

/// The viridis colour at `t` ∈ [0, 1] (clamped; NaN gives the lowest colour).
fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + f * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `c`.
fn ink_on(c: RGBColor) -> RGBColor {
    let luma = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    if luma > 128.0 { BLACK } else { WHITE }
}

/// One swept parameter's distinct values in axis order: ascending when every value is a
/// number, otherwise (booleans, rule names) in order of first appearance.
#[derive(Clone, Debug, PartialEq)]
struct Axis {
    path: String,
    numeric: bool,
    /// `(position on the axis, tick label)`; the position is the value itself when numeric,
    /// else the index.
    values: Vec<(f64, String)>,
}

/// `0.2500000000` → `0.25`, `1.0000000000` → `1`; other text unchanged.
fn short_label(text: &str) -> String {
    if text.contains('.') && text.parse::<f64>().is_ok() {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text.to_owned()
    }
}

impl Axis {
    fn new<'a>(path: &str, texts: impl Iterator<Item = &'a str> + Clone) -> Self {
        let numeric = texts
            .clone()
            .all(|t| t.parse::<f64>().is_ok_and(f64::is_finite));
        let mut values: Vec<(f64, String)> = Vec::new();
        if numeric {
            for t in texts {
                let v: f64 = t.parse().unwrap_or(f64::NAN);
                if !values.iter().any(|(p, _)| *p == v) {
                    values.push((v, short_label(t)));
                }
            }
            values.sort_by(|a, b| a.0.total_cmp(&b.0));
        } else {
            for t in super::input::ordered(texts) {
                values.push((values.len() as f64, t));
            }
        }
        Axis {
            path: path.to_owned(),
            numeric,
            values,
        }
    }

    /// Index of `text` among the values.
    fn index(&self, text: &str) -> Option<usize> {
        if self.numeric {
            let v: f64 = text.parse().ok()?;
            self.values.iter().position(|(p, _)| *p == v)
        } else {
            self.values.iter().position(|(_, l)| l == text)
        }
    }

    /// The plotted span: the values with 4 % padding (numeric) or ±½ around the indices.
    fn range(&self) -> (f64, f64) {
        let lo = self.values.first().map_or(0.0, |v| v.0);
        let hi = self.values.last().map_or(1.0, |v| v.0);
        if !self.numeric {
            return (lo - 0.5, hi + 0.5);
        }
        let span = hi - lo;
        if span > 0.0 {
            (lo - 0.04 * span, hi + 0.04 * span)
        } else {
            let pad = 0.1 * lo.abs().max(1.0);
            (lo - pad, hi + pad)
        }
    }

    /// The plotted span of a grid, whose cells sit at the indices: ±½ around them.
    fn index_range(&self) -> (f64, f64) {
        (-0.5, self.values.len() as f64 - 0.5)
    }

    /// Tick labels at the axis's own values, as `(position, label)`: at the indices when
    /// `by_index` (a grid), else at the positions; thinned to at most 12.
    fn ticks(&self, by_index: bool) -> Vec<(f64, &str)> {
        let every = self.values.len().div_ceil(12).max(1);
        self.values
            .iter()
            .enumerate()
            .step_by(every)
            .map(|(i, (p, l))| (if by_index { i as f64 } else { *p }, l.as_str()))
            .collect()
    }
}

/// The sweep's design: an axis per parameter and every point's place on them.
#[derive(Clone, Debug, PartialEq)]
struct Design {
    axes: Vec<Axis>,
    /// `(point, index into each axis)`, in file order; points with an unreadable value are left
    /// out.
    points: Vec<(u32, Vec<usize>)>,
    /// Whether the points are exactly the full cartesian product of the axes (a grid sweep),
    /// rather than scattered (a Latin hypercube).
    grid: bool,
}

impl Design {
    fn new(table: &PointsTable) -> Self {
        let axes: Vec<Axis> = table
            .params
            .iter()
            .enumerate()
            .map(|(j, path)| {
                let texts = table
                    .rows
                    .iter()
                    .map(move |(_, v)| v.get(j).map_or("", String::as_str));
                Axis::new(path, texts)
            })
            .collect();
        let points: Vec<(u32, Vec<usize>)> = table
            .rows
            .iter()
            .filter_map(|(p, values)| {
                let idx = axes
                    .iter()
                    .zip(values)
                    .map(|(a, t)| a.index(t))
                    .collect::<Option<Vec<_>>>()?;
                (idx.len() == axes.len()).then_some((*p, idx))
            })
            .collect();
        let cells: usize = axes.iter().map(|a| a.values.len()).product();
        let mut distinct: Vec<&Vec<usize>> = points.iter().map(|(_, i)| i).collect();
        distinct.sort();
        distinct.dedup();
        let grid = !points.is_empty() && distinct.len() == points.len() && cells == points.len();
        Design { axes, points, grid }
    }
}

/// The last recorded step of the sweep's rows (the rows with a point).
fn final_step(summary: &[SummaryRecord]) -> Option<u32> {
    summary
        .iter()
        .filter(|r| r.point.is_some())
        .map(|r| r.step)
        .max()
}

/// `(mean, ci95_lo, ci95_hi)` of `metric` at `step`, by `(point, arm)`.
type Finals<'a> = BTreeMap<(u32, &'a str), (f64, f64, f64)>;

fn finals<'a>(summary: &'a [SummaryRecord], metric: &str, step: u32) -> Finals<'a> {
    summary
        .iter()
        .filter(|r| r.step == step && r.metric == metric)
        .filter_map(|r| Some(((r.point?, r.arm.as_str()), (r.mean, r.lo, r.hi))))
        .collect()
}

/// One arm's final values along the single axis of a one-parameter sweep, as
/// `(position, mean, lo, hi)` sorted by position; points without data are NaN (a gap).
fn curve(design: &Design, finals: &Finals<'_>, arm: &str) -> Vec<(f64, f64, f64, f64)> {
    let Some(axis) = design.axes.first() else {
        return Vec::new();
    };
    let mut out: Vec<(f64, f64, f64, f64)> = design
        .points
        .iter()
        .map(|(p, idx)| {
            let x = axis.values[idx[0]].0;
            let (m, lo, hi) =
                finals
                    .get(&(*p, arm))
                    .copied()
                    .unwrap_or((f64::NAN, f64::NAN, f64::NAN));
            (x, clip(m), clip(lo), clip(hi))
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// One arm's final means on a two-parameter grid: `cells[i][j]` at the `i`-th value of the
/// first parameter and the `j`-th of the second; NaN where a point has no data.
fn grid(design: &Design, finals: &Finals<'_>, arm: &str) -> Vec<Vec<f64>> {
    let (nx, ny) = match design.axes.as_slice() {
        [x, y, ..] => (x.values.len(), y.values.len()),
        _ => return Vec::new(),
    };
    let mut cells = vec![vec![f64::NAN; ny]; nx];
    for (p, idx) in &design.points {
        if let (Some(&(m, _, _)), [i, j, ..]) = (finals.get(&(*p, arm)), idx.as_slice()) {
            cells[*i][*j] = clip(m);
        }
    }
    cells
}

/// One arm's final means at scattered points: `(x, y, mean)` on the first two parameters.
fn scatter(design: &Design, finals: &Finals<'_>, arm: &str) -> Vec<(f64, f64, f64)> {
    let [x, y, ..] = design.axes.as_slice() else {
        return Vec::new();
    };
    design
        .points
        .iter()
        .map(|(p, idx)| {
            let m = finals.get(&(*p, arm)).map_or(f64::NAN, |v| clip(v.0));
            (x.values[idx[0]].0, y.values[idx[1]].0, m)
        })
        .collect()
}

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

/// Legend entries (arm name, colour) laid out in rows across `width` pixels.
fn legend_rows(arms: &[(String, RGBColor)], width: u32) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = u32::MAX;
    for (i, (name, _)) in arms.iter().enumerate() {
        let w = legend_entry_width(name);
        match rows.last_mut() {
            Some(row) if used + w <= width => {
                row.push(i);
                used += w;
            }
            _ => {
                rows.push(vec![i]);
                used = w;
            }
        }
    }
    rows
}

fn legend_entry_width(name: &str) -> u32 {
    44 + 8 + text_width(name, LEGEND_PX) + 28
}

/// The one-parameter chart: a panel per headline metric, a line per arm.
struct Lines {
    title: String,
    title_px: f64,
    axis: Axis,
    arms: Vec<(String, RGBColor)>,
    legend: Vec<Vec<usize>>,
    panels: Vec<LinePanel>,
    height: u32,
}

struct LinePanel {
    title: &'static str,
    y_label: String,
    y_range: (f64, f64),
    /// Per arm, `(position, mean, lo, hi)` sorted by position.
    series: Vec<Vec<(f64, f64, f64, f64)>>,
}

const LINE_PANEL_H: u32 = 560;

impl Lines {
    fn new(
        summary: &[SummaryRecord],
        design: &Design,
        arms: &[String],
        meta: &Meta,
        step: u32,
    ) -> Option<Self> {
        let axis = design.axes.first()?.clone();
        let panels: Vec<LinePanel> = HEADLINE
            .iter()
            .filter_map(|&(metric, title)| {
                let finals = finals(summary, metric, step);
                if finals.is_empty() {
                    return None;
                }
                let series: Vec<_> = arms.iter().map(|a| curve(design, &finals, a)).collect();
                let unit = UNIT_METRICS.contains(&metric);
                Some(LinePanel {
                    title,
                    y_label: metric_label(metric),
                    y_range: value_range(
                        series.iter().flatten().flat_map(|p| [p.1, p.2, p.3]),
                        unit,
                    ),
                    series,
                })
            })
            .collect();
        if panels.is_empty() {
            return None;
        }
        let title = format!(
            "Headline metrics at {} vs {} — {}",
            at_step(step, meta),
            axis.path,
            meta.name
        );
        let arms: Vec<(String, RGBColor)> = arms
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), PALETTE[i % PALETTE.len()]))
            .collect();
        let legend = legend_rows(&arms, WIDTH - 2 * MARGIN);
        let height = 2 * MARGIN + TITLE_PX as u32 + 20 + legend_height(&legend) + LINE_PANEL_H;
        Some(Lines {
            title_px: fitting_size(&title, TITLE_PX, WIDTH - 2 * MARGIN),
            title,
            axis,
            arms,
            legend,
            panels,
            height,
        })
    }
}

fn legend_height(rows: &[Vec<usize>]) -> u32 {
    rows.len() as u32 * (LEGEND_PX as u32 + 12) + 12
}

/// `[0, 1]` for unit metrics (widened if a value falls outside), else the finite values' span
/// padded by 5 %.
fn value_range(values: impl Iterator<Item = f64>, unit: bool) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let (lo, hi) = if unit {
        (lo.min(0.0), hi.max(1.0))
    } else if lo > hi {
        (0.0, 1.0)
    } else {
        (lo, hi)
    };
    let span = hi - lo;
    if unit && lo >= 0.0 && hi <= 1.0 {
        (0.0, 1.0)
    } else if span > 0.0 {
        (lo - 0.05 * span, hi + 0.05 * span)
    } else {
        let pad = 0.1 * lo.abs().max(1.0);
        (lo - pad, hi + pad)
    }
}

/// Draws the legend rows (centred) starting at pixel row `top` of `area`.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    arms: &[(String, RGBColor)],
    rows: &[Vec<usize>],
    top: i32,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = area.dim_in_pixel();
    for (r, row) in rows.iter().enumerate() {
        let total: u32 = row.iter().map(|&i| legend_entry_width(&arms[i].0)).sum();
        let mut x = (w.saturating_sub(total) / 2) as i32;
        let y = top + r as i32 * (LEGEND_PX as i32 + 12) + LEGEND_PX as i32 / 2;
        for &i in row {
            let (name, colour) = &arms[i];
            area.draw(&Rectangle::new(
                [(x, y - 8), (x + 44, y + 8)],
                colour.mix(BAND_ALPHA).filled(),
            ))?;
            area.draw(&PathElement::new(
                vec![(x, y), (x + 44, y)],
                colour.stroke_width(3),
            ))?;
            area.draw(&Circle::new((x + 22, y), 5, colour.filled()))?;
            let style = font(LEGEND_PX)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(name.as_str(), (x + 52, y), style))?;
            x += legend_entry_width(name) as i32;
        }
    }
    Ok(())
}

/// A chart on plain `f64` axes.
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws tick marks and labels at fixed positions along the bottom (`horizontal`) or left
/// axis of `chart`, which lies in `area`: plotters places its own ticks at round numbers,
/// which would fall between grid cells or categories.
fn draw_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    ticks: &[(f64, &str)],
    horizontal: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x0, y0) = (chart.x_range().start, chart.y_range().start);
    let (ax, ay) = area.get_base_pixel();
    let ink = RGBColor(80, 80, 80);
    for &(pos, label) in ticks {
        let point = if horizontal { (pos, y0) } else { (x0, pos) };
        let (px, py) = chart.backend_coord(&point);
        let (x, y) = (px - ax, py - ay);
        let (mark, at, anchor) = if horizontal {
            (
                vec![(x, y), (x, y + 6)],
                (x, y + 10),
                Pos::new(HPos::Center, VPos::Top),
            )
        } else {
            (
                vec![(x - 6, y), (x, y)],
                (x - 10, y),
                Pos::new(HPos::Right, VPos::Center),
            )
        };
        area.draw(&PathElement::new(mark, ink.stroke_width(1)))?;
        area.draw(&Text::new(
            label,
            at,
            font(TICK_PX).color(&BLACK).pos(anchor),
        ))?;
    }
    Ok(())
}

impl Figure for Lines {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let body = root
            .margin(MARGIN, MARGIN, MARGIN, MARGIN)
            .titled(&self.title, font(self.title_px))?;
        let legend_h = legend_height(&self.legend);
        let (legend_area, plots) = body.split_vertically(legend_h);
        draw_legend(&legend_area, &self.arms, &self.legend, 4)?;
        let n = self.panels.len();
        let (plots_w, plots_h) = plots.dim_in_pixel();
        let panel_w = plots_w / n as u32;
        let areas = plots.split_evenly((1, n));
        let (x0, x1) = self.axis.range();
        let x_px = fitting_size(&self.axis.path, AXIS_DESC_PX - 2.0, panel_w - 90);
        let y_room = plots_h.saturating_sub(150);
        let y_px = self
            .panels
            .iter()
            .map(|p| fitting_size(&p.y_label, AXIS_DESC_PX - 4.0, y_room))
            .fold(AXIS_DESC_PX, f64::min)
            .max(MIN_TEXT_PX);
        let axis = &self.axis;
        for (panel, area) in self.panels.iter().zip(&areas) {
            let (y0, y1) = panel.y_range;
            let mut chart = ChartBuilder::on(area)
                .caption(panel.title, font(PANEL_TITLE_PX))
                .margin(10)
                .x_label_area_size(64)
                .y_label_area_size(86)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            // Categories (booleans, rule names) get their own ticks; numbers get round ones.
            chart
                .configure_mesh()
                .x_desc(axis.path.as_str())
                .y_desc(panel.y_label.as_str())
                .axis_desc_style(font(x_px.min(y_px)))
                .label_style(font(TICK_PX))
                .x_labels(if axis.numeric { 6 } else { 0 })
                .y_labels(6)
                .x_label_formatter(&|v| tick(*v, x1 - x0))
                .y_label_formatter(&|v| tick(*v, y1 - y0))
                .bold_line_style(RGBColor(210, 210, 210))
                .light_line_style(RGBColor(238, 238, 238))
                .max_light_lines(1)
                .axis_style(RGBColor(80, 80, 80))
                .draw()?;
            if !axis.numeric {
                draw_ticks(area, &chart, &axis.ticks(false), true)?;
            }
            // Shading first, then every line on top, so no band hides another arm's mean.
            for (points, (_, colour)) in panel.series.iter().zip(&self.arms) {
                let shade = colour.mix(BAND_ALPHA).filled();
                for run in points
                    .split(|p| !(p.2.is_finite() && p.3.is_finite()))
                    .filter(|r| r.len() > 1)
                {
                    let outline: Vec<(f64, f64)> = run
                        .iter()
                        .map(|p| (p.0, p.3))
                        .chain(run.iter().rev().map(|p| (p.0, p.2)))
                        .collect();
                    chart.draw_series([Polygon::new(outline, shade)])?;
                }
            }
            for (points, (_, colour)) in panel.series.iter().zip(&self.arms) {
                let colour = *colour;
                for run in points.split(|p| !p.1.is_finite()) {
                    if run.len() > 1 {
                        let line = run.iter().map(|p| (p.0, p.1));
                        chart.draw_series(LineSeries::new(line, colour.stroke_width(3)))?;
                    }
                    chart.draw_series(
                        run.iter()
                            .map(|p| Circle::new((p.0, p.1), 5, colour.filled())),
                    )?;
                }
                // A point without a band (its neighbours missing) still shows its interval.
                let bands = points.split(|p| !(p.2.is_finite() && p.3.is_finite()));
                for run in bands.filter(|r| r.len() == 1) {
                    for p in run {
                        chart.draw_series([PathElement::new(
                            vec![(p.0, p.2), (p.0, p.3)],
                            colour.mix(0.5).stroke_width(2),
                        )])?;
                    }
                }
            }
        }
        root.present()
    }
}

/// What a two-parameter panel shows.
enum MapData {
    /// `cells[i][j]`, see [`grid`].
    Grid(Vec<Vec<f64>>),
    /// `(x, y, value)` per point, see [`scatter`].
    Scatter(Vec<(f64, f64, f64)>),
}

/// The two-parameter chart: a panel per arm, coloured by final fragmentation, and a colour
/// bar.
struct Map {
    title: String,
    title_px: f64,
    x: Axis,
    y: Axis,
    panels: Vec<(String, MapData)>,
    /// Colour scale limits, shared by every panel so colours compare across arms.
    scale: (f64, f64),
    label_cells: bool,
    any_missing: bool,
    cols: usize,
    width: u32,
    height: u32,
}

const MAP_PANEL_W: u32 = 470;
const MAP_PANEL_H: u32 = 460;
const COLOUR_BAR_W: u32 = 190;

/// Colour-scale limits: the finite values' span, or a small span around a single value.
fn scale_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        (0.0, 1.0)
    } else if lo == hi {
        let pad = 0.05 * lo.abs().max(1.0);
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    }
}

impl Map {
    fn new(
        summary: &[SummaryRecord],
        design: &Design,
        arms: &[String],
        meta: &Meta,
        step: u32,
    ) -> Option<Self> {
        let [x, y, rest @ ..] = design.axes.as_slice() else {
            return None;
        };
        let finals = finals(summary, MAP_METRIC, step);
        if finals.is_empty() || arms.is_empty() {
            return None;
        }
        let panels: Vec<(String, MapData)> = arms
            .iter()
            .map(|arm| {
                let data = if design.grid {
                    MapData::Grid(grid(design, &finals, arm))
                } else {
                    MapData::Scatter(scatter(design, &finals, arm))
                };
                (arm.clone(), data)
            })
            .collect();
        let values = || {
            panels.iter().flat_map(|(_, d)| match d {
                MapData::Grid(cells) => cells.iter().flatten().copied().collect::<Vec<_>>(),
                MapData::Scatter(points) => points.iter().map(|p| p.2).collect(),
            })
        };
        let scale = scale_range(values());
        let any_missing = values().any(|v| !v.is_finite());
        let cells = x.values.len() * y.values.len();
        let mut title = format!(
            "Fragmentation at {} over {} × {}",
            at_step(step, meta),
            x.path,
            y.path
        );
        if !rest.is_empty() {
            title.push_str(" (other parameters vary)");
        }
        title.push_str(&format!(" — {}", meta.name));
        let cols = panels.len().min(3);
        let rows = panels.len().div_ceil(cols);
        let width = 2 * MARGIN + cols as u32 * MAP_PANEL_W + COLOUR_BAR_W;
        let height = 2 * MARGIN + TITLE_PX as u32 + 20 + rows as u32 * MAP_PANEL_H;
        Some(Map {
            title_px: fitting_size(&title, TITLE_PX, width - 2 * MARGIN),
            title,
            x: x.clone(),
            y: y.clone(),
            panels,
            scale,
            label_cells: design.grid && cells <= MAX_LABELLED_CELLS,
            any_missing,
            cols,
            width,
            height,
        })
    }

    /// Position of `v` on the colour scale, in [0, 1].
    fn t(&self, v: f64) -> f64 {
        let (lo, hi) = self.scale;
        (v - lo) / (hi - lo)
    }
}

impl Figure for Map {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let body = root
            .margin(MARGIN, MARGIN, MARGIN, MARGIN)
            .titled(&self.title, font(self.title_px))?;
        let (body_w, _) = body.dim_in_pixel();
        let (panels_area, bar_area) = body.split_horizontally(body_w - COLOUR_BAR_W);
        let rows = self.panels.len().div_ceil(self.cols);
        let areas = panels_area.split_evenly((rows, self.cols));
        let desc_px = fitting_size(&self.x.path, AXIS_DESC_PX - 4.0, MAP_PANEL_W - 110)
            .min(fitting_size(
                &self.y.path,
                AXIS_DESC_PX - 4.0,
                MAP_PANEL_H - 130,
            ))
            .max(MIN_TEXT_PX);
        let (x, y) = (&self.x, &self.y);
        for ((arm, data), area) in self.panels.iter().zip(&areas) {
            // A grid's cells sit at the indices of the values, evenly spaced whatever the
            // values' spacing, and are ticked with the values themselves; a scatter uses the
            // values as coordinates.
            let is_grid = matches!(data, MapData::Grid(_));
            let ((x0, x1), (y0, y1)) = if is_grid {
                (x.index_range(), y.index_range())
            } else {
                (x.range(), y.range())
            };
            let mut chart = ChartBuilder::on(area)
                .caption(arm.as_str(), font(PANEL_TITLE_PX))
                .margin(10)
                .x_label_area_size(60)
                .y_label_area_size(84)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            let own_x = is_grid || !x.numeric;
            let own_y = is_grid || !y.numeric;
            let x_fmt = |v: &f64| tick(*v, x1 - x0);
            let y_fmt = |v: &f64| tick(*v, y1 - y0);
            let mut mesh = chart.configure_mesh();
            mesh.x_desc(x.path.as_str())
                .y_desc(y.path.as_str())
                .axis_desc_style(font(desc_px))
                .label_style(font(TICK_PX))
                .x_labels(if own_x { 0 } else { 6 })
                .y_labels(if own_y { 0 } else { 6 })
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .bold_line_style(RGBColor(225, 225, 225))
                .light_line_style(RGBColor(245, 245, 245))
                .max_light_lines(1)
                .axis_style(RGBColor(80, 80, 80));
            if is_grid {
                mesh.disable_mesh();
            }
            mesh.draw()?;
            if own_x {
                draw_ticks(area, &chart, &x.ticks(is_grid), true)?;
            }
            if own_y {
                draw_ticks(area, &chart, &y.ticks(is_grid), false)?;
            }
            match data {
                MapData::Grid(cells) => {
                    for (i, column) in cells.iter().enumerate() {
                        for (j, &v) in column.iter().enumerate() {
                            let (cx, cy) = (i as f64, j as f64);
                            let fill = if v.is_finite() {
                                viridis(self.t(v))
                            } else {
                                MISSING
                            };
                            chart.draw_series([Rectangle::new(
                                [(cx - 0.5, cy - 0.5), (cx + 0.5, cy + 0.5)],
                                fill.filled(),
                            )])?;
                            if self.label_cells {
                                let text = if v.is_finite() {
                                    format!("{v:.2}")
                                } else {
                                    "–".to_owned()
                                };
                                let style = font(TICK_PX)
                                    .color(&ink_on(fill))
                                    .pos(Pos::new(HPos::Center, VPos::Center));
                                chart.draw_series([Text::new(text, (cx, cy), style)])?;
                            }
                        }
                    }
                }
                MapData::Scatter(points) => {
                    for &(px, py, v) in points {
                        let (fill, size) = if v.is_finite() {
                            (viridis(self.t(v)), 8)
                        } else {
                            (MISSING, 6)
                        };
                        chart.draw_series([
                            Circle::new((px, py), size, fill.filled()),
                            Circle::new((px, py), size, RGBColor(60, 60, 60).stroke_width(1)),
                        ])?;
                    }
                }
            }
        }
        draw_colour_bar(self, &bar_area)
    }
}

/// The colour bar: the scale from low (bottom) to high (top) with value ticks, and a grey
/// "no data" swatch when some point has none.
fn draw_colour_bar<DB: DrawingBackend>(
    map: &Map,
    area: &DrawingArea<DB, Shift>,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (lo, hi) = map.scale;
    let (_, h) = area.dim_in_pixel();
    let caption = "mean fragmentation";
    let caption_px = fitting_size(caption, LEGEND_PX - 2.0, COLOUR_BAR_W - 24);
    area.draw(&Text::new(caption, (16, 24), font(caption_px)))?;
    if map.any_missing {
        let y = h as i32 - 46;
        area.draw(&Rectangle::new([(16, y), (46, y + 20)], MISSING.filled()))?;
        area.draw(&Text::new(
            "no data",
            (54, y + 10),
            font(TICK_PX)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    // Level with the panels' plot areas (below their captions, above their tick labels).
    let area = area.margin(64, if map.any_missing { 80 } else { 70 }, 16, 0);
    let mut chart = ChartBuilder::on(&area)
        .margin_right(10)
        .right_y_label_area_size(90)
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style(font(TICK_PX))
        .y_labels(6)
        .y_label_formatter(&|v| tick(*v, hi - lo))
        .axis_style(RGBColor(80, 80, 80))
        .draw()?;
    const SLICES: u32 = 128;
    for k in 0..SLICES {
        let (a, b) = (
            f64::from(k) / f64::from(SLICES),
            f64::from(k + 1) / f64::from(SLICES),
        );
        chart.draw_series([Rectangle::new(
            [(0.0, lo + a * (hi - lo)), (1.0, lo + b * (hi - lo))],
            viridis((a + b) / 2.0).filled(),
        )])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(csv: &str) -> Vec<SummaryRecord> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        std::fs::write(&path, csv).unwrap();
        super::super::input::read_summary(&path).unwrap()
    }

    fn table(csv: &str) -> PointsTable {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.csv");
        std::fs::write(&path, csv).unwrap();
        super::super::input::read_points(&path).unwrap()
    }

    const HEADER: &str = "point,arm,step,metric,n,mean,sd,ci95_lo,ci95_hi,p05,p50,p95\n";

    #[test]
    fn final_step_is_the_last_recorded_one() {
        let rows = summary(&format!(
            "{HEADER}0,a,0,fragmentation,2,0.9,0,0.8,1,0,0,0\n\
             0,a,10,fragmentation,2,0.4,0,0.3,0.5,0,0,0\n\
             1,a,5,fragmentation,2,0.7,0,0.6,0.8,0,0,0\n\
             1,a,10,fragmentation,2,0.2,0,0.1,0.3,0,0,0\n\
             1,a,10,dispersion,2,0.6,0,0.5,0.7,0,0,0\n"
        ));
        assert_eq!(final_step(&rows), Some(10));
        let f = finals(&rows, "fragmentation", 10);
        assert_eq!(f.len(), 2);
        assert_eq!(f[&(0, "a")], (0.4, 0.3, 0.5));
        assert_eq!(f[&(1, "a")], (0.2, 0.1, 0.3));
        assert_eq!(final_step(&[]), None);
        // Rows without a point (no sweep) are not sweep data.
        let plain = summary(
            "arm,step,metric,n,mean,sd,ci95_lo,ci95_hi\na,3,fragmentation,1,0.5,0,0.5,0.5\n",
        );
        assert_eq!(final_step(&plain), None);
        assert!(finals(&plain, "fragmentation", 3).is_empty());
    }

    #[test]
    fn axes_sort_numbers_and_keep_the_order_of_other_values() {
        let a = Axis::new(
            "alignment.confidence",
            [
                "0.5000000000",
                "0.1000000000",
                "1.0000000000",
                "0.1000000000",
            ]
            .into_iter(),
        );
        assert!(a.numeric);
        let labels: Vec<&str> = a.values.iter().map(|v| v.1.as_str()).collect();
        assert_eq!(labels, ["0.1", "0.5", "1"]);
        assert_eq!(a.values[0].0, 0.1);
        assert_eq!(a.index("0.5"), Some(1));
        assert_eq!(a.index("0.7"), None);
        let rule = Axis::new(
            "alignment.rule",
            ["pairwise", "averaging", "pairwise"].into_iter(),
        );
        assert!(!rule.numeric);
        assert_eq!(
            rule.values,
            [(0.0, "pairwise".to_owned()), (1.0, "averaging".to_owned())]
        );
        assert_eq!(rule.range(), (-0.5, 1.5));
        assert_eq!(rule.ticks(false), [(0.0, "pairwise"), (1.0, "averaging")]);
        assert_eq!(a.ticks(true), [(0.0, "0.1"), (1.0, "0.5"), (2.0, "1")]);
        assert_eq!(a.ticks(false)[2], (1.0, "1"));
        assert_eq!(a.index_range(), (-0.5, 2.5));
        let texts: Vec<String> = (1..=25).rev().map(|i| i.to_string()).collect();
        let many = Axis::new("m", texts.iter().map(String::as_str));
        let ticks = many.ticks(true);
        assert_eq!(ticks.len(), 9, "every third of 25 values");
        assert_eq!(ticks[1], (3.0, "4"));
        assert_eq!(ticks[8], (24.0, "25"));
        assert_eq!(short_label("2.0000000000"), "2");
        assert_eq!(short_label("true"), "true");
    }

    /// A 3 × 2 grid written in nested-loop order, first parameter slowest, with values listed
    /// in descending order for the first parameter.
    const GRID: &str = "point,bodies.waico.harmonization,alignment.confidence\n\
        0,0.9000000000,0.1000000000\n\
        1,0.9000000000,0.3000000000\n\
        2,0.5000000000,0.1000000000\n\
        3,0.5000000000,0.3000000000\n\
        4,0.0000000000,0.1000000000\n\
        5,0.0000000000,0.3000000000\n";

    #[test]
    fn grid_pivots_summary_rows_into_cells_with_gaps_for_missing_points() {
        let design = Design::new(&table(GRID));
        assert!(design.grid);
        assert_eq!(design.axes.len(), 2);
        let xs: Vec<f64> = design.axes[0].values.iter().map(|v| v.0).collect();
        assert_eq!(xs, [0.0, 0.5, 0.9], "ascending, whatever the file order");
        // Point p has mean p / 10 for arm a; point 3 has no row (a missing cell).
        let mut csv = HEADER.to_owned();
        for p in [0, 1, 2, 4, 5] {
            csv.push_str(&format!("{p},a,0,fragmentation,2,9,0,9,9,0,0,0\n"));
            csv.push_str(&format!("{p},a,4,fragmentation,2,0.{p},0,0,1,0,0,0\n"));
        }
        let rows = summary(&csv);
        let f = finals(&rows, "fragmentation", final_step(&rows).unwrap());
        let cells = grid(&design, &f, "a");
        // cells[harmonization index][confidence index]
        assert_eq!(cells[0], [0.4, 0.5], "harmonization 0: points 4 and 5");
        assert_eq!(cells[2], [0.0, 0.1], "harmonization 0.9: points 0 and 1");
        assert_eq!(cells[1][0], 0.2);
        assert!(cells[1][1].is_nan(), "point 3 is missing");
        // An arm without rows: every cell missing.
        assert!(grid(&design, &f, "b").iter().flatten().all(|v| v.is_nan()));
    }

    #[test]
    fn latin_hypercube_points_are_not_a_grid() {
        let design = Design::new(&table(
            "point,a,b\n0,0.1000000000,0.7000000000\n1,0.5000000000,0.2000000000\n\
             2,0.8000000000,0.4000000000\n",
        ));
        assert!(!design.grid);
        let rows = summary(&format!(
            "{HEADER}0,x,1,fragmentation,1,0.3,0,0.3,0.3,0,0,0\n\
             2,x,1,fragmentation,1,0.6,0,0.6,0.6,0,0,0\n"
        ));
        let f = finals(&rows, "fragmentation", 1);
        let s = scatter(&design, &f, "x");
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].0, s[0].1, s[0].2), (0.1, 0.7, 0.3));
        assert!(s[1].2.is_nan());
        assert_eq!((s[2].0, s[2].1, s[2].2), (0.8, 0.4, 0.6));
        // A duplicated or incomplete grid is not a grid either.
        let dup = Design::new(&table("point,a,b\n0,1,1\n1,1,1\n2,2,2\n3,2,1\n"));
        assert!(!dup.grid);
    }

    #[test]
    fn curve_is_sorted_by_parameter_value() {
        let design = Design::new(&table(
            "point,alignment.confidence\n0,0.3000000000\n1,0.1000000000\n2,0.2000000000\n",
        ));
        assert!(design.grid);
        let rows = summary(&format!(
            "{HEADER}0,a,2,fragmentation,2,0.3,0,0.25,0.35,0,0,0\n\
             1,a,2,fragmentation,2,0.1,0,0.05,0.15,0,0,0\n"
        ));
        let f = finals(&rows, "fragmentation", 2);
        let c = curve(&design, &f, "a");
        assert_eq!(c[0], (0.1, 0.1, 0.05, 0.15));
        assert_eq!(c[1].0, 0.2);
        assert!(c[1].1.is_nan(), "point 2 has no data: a gap");
        assert_eq!(c[2], (0.3, 0.3, 0.25, 0.35));
    }

    #[test]
    fn colour_scale() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 145, 140));
        assert_eq!(viridis(2.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(ink_on(viridis(0.0)), WHITE);
        assert_eq!(ink_on(viridis(1.0)), BLACK);
        assert_eq!(scale_range([0.2, f64::NAN, 0.6].into_iter()), (0.2, 0.6));
        assert_eq!(scale_range([f64::NAN].into_iter()), (0.0, 1.0));
        let (lo, hi) = scale_range([0.5].into_iter());
        assert!(lo < 0.5 && hi > 0.5);
        assert_eq!(value_range([0.2, 0.4].into_iter(), true), (0.0, 1.0));
        let (lo, hi) = value_range([2.0, 4.0].into_iter(), false);
        assert!((lo - 1.9).abs() < 1e-12 && (hi - 4.1).abs() < 1e-12);
    }
}
