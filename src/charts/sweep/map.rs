//! The two-parameter sweep chart: a panel per arm coloured by the final-step value of the
//! primary metric — a heatmap when the points form a grid, a scatter when they do not (a
//! Latin hypercube) — and a colour bar shared by every panel.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::at_step;
use super::design::{Axis, Design, finals, grid, scatter};
use crate::charts::figure::{Figure, draw_ticks, tick};
use crate::charts::input::{Meta, SummaryRecord};
use crate::charts::theme::{
    AXIS_DESC_PX, AXIS_INK, LEGEND_PX, MARGIN, MIN_TEXT_PX, NO_DATA, PANEL_TITLE_PX, TICK_PX,
    TITLE_PX, fitting_size, font, ink_on, viridis,
};
use crate::metrics::PRIMARY;

/// Cells carry their value as text up to this many cells per panel.
const MAX_LABELLED_CELLS: usize = 64;

/// What a two-parameter panel shows.
enum MapData {
    /// `cells[i][j]`, see [`grid`].
    Grid(Vec<Vec<f64>>),
    /// `(x, y, value)` per point, see [`scatter`].
    Scatter(Vec<(f64, f64, f64)>),
}

/// The two-parameter chart: a panel per arm, coloured by final fragmentation, and a colour
/// bar.
pub(super) struct Map {
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
    pub(super) width: u32,
    pub(super) height: u32,
}

const MAP_PANEL_W: u32 = 470;
const MAP_PANEL_H: u32 = 460;
const COLOUR_BAR_W: u32 = 190;

/// Colour-scale limits: the finite values' span, or a small span around a single value.
pub(super) fn scale_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
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
    pub(super) fn new(
        summary: &[SummaryRecord],
        design: &Design,
        arms: &[String],
        meta: &Meta,
        step: u32,
    ) -> Option<Self> {
        let [x, y, rest @ ..] = design.axes.as_slice() else {
            return None;
        };
        let finals = finals(summary, PRIMARY.info().column, step);
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
            "{} at {} over {} × {}",
            PRIMARY.info().title,
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
                .axis_style(AXIS_INK);
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
                                NO_DATA
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
                            (NO_DATA, 6)
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
    let caption = format!("mean {}", PRIMARY.info().column);
    let caption_px = fitting_size(&caption, LEGEND_PX - 2.0, COLOUR_BAR_W - 24);
    area.draw(&Text::new(caption, (16, 24), font(caption_px)))?;
    if map.any_missing {
        let y = h as i32 - 46;
        area.draw(&Rectangle::new([(16, y), (46, y + 20)], NO_DATA.filled()))?;
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
        .axis_style(AXIS_INK)
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
