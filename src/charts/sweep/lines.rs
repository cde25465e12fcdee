//! The one-parameter sweep chart: a panel per headline metric, its final-step value against
//! the swept parameter, a line per arm over its shaded 95 % interval.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::at_step;
use super::design::{Axis, Design, curve, finals};
use crate::charts::figure::{Figure, draw_ticks, tick};
use crate::charts::input::{Meta, SummaryRecord};
use crate::charts::theme::{
    AXIS_DESC_PX, AXIS_INK, BAND_ALPHA, GRID_BOLD, GRID_LIGHT, LEGEND_PX, MARGIN, MIN_TEXT_PX,
    PALETTE, PANEL_TITLE_PX, TICK_PX, TITLE_PX, WIDTH, fitting_size, font, text_width,
};
use crate::metrics::catalogue::{self, Range};

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
pub(super) struct Lines {
    title: String,
    title_px: f64,
    axis: Axis,
    arms: Vec<(String, RGBColor)>,
    legend: Vec<Vec<usize>>,
    panels: Vec<LinePanel>,
    pub(super) height: u32,
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
    pub(super) fn new(
        summary: &[SummaryRecord],
        design: &Design,
        arms: &[String],
        meta: &Meta,
        step: u32,
    ) -> Option<Self> {
        let axis = design.axes.first()?.clone();
        let panels: Vec<LinePanel> = catalogue::headline()
            .filter_map(|(metric, title)| {
                let finals = finals(summary, metric, step);
                if finals.is_empty() {
                    return None;
                }
                let series: Vec<_> = arms.iter().map(|a| curve(design, &finals, a)).collect();
                let unit = catalogue::range(metric).is_some_and(Range::is_unit);
                Some(LinePanel {
                    title,
                    y_label: catalogue::axis_label(metric),
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
pub(super) fn value_range(values: impl Iterator<Item = f64>, unit: bool) -> (f64, f64) {
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
                .bold_line_style(GRID_BOLD)
                .light_line_style(GRID_LIGHT)
                .max_light_lines(1)
                .axis_style(AXIS_INK)
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
