//! The stance chart: final stances of one representative run per arm (from
//! `representative_states.csv`), projected to two dimensions by principal components, sized
//! by GDP and coloured by compatible cluster.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Format, render};
use super::input::{self, Meta};
use super::theme::{AXIS_DESC_PX, AXIS_INK, MARGIN, PALETTE, TICK_PX, TITLE_PX, WIDTH, font};
use crate::error::Result;
use crate::metrics::compatible_components;
use crate::output::{REPRESENTATIVE_STATES, read_representative_states};
use crate::stats::pca::pca_2d;

/// Nations are labelled with their ids up to this many per panel.
const MAX_LABELLED: usize = 60;

struct PanelData {
    arm: String,
    clusters: usize,
    /// (x, y, radius px, cluster, id)
    points: Vec<(f64, f64, i32, usize, String)>,
}

struct StanceFigure {
    title: String,
    x_label: String,
    y_label: String,
    panels: Vec<PanelData>,
    x_range: (f64, f64),
    y_range: (f64, f64),
    labelled: bool,
    grid: (usize, usize),
    height: u32,
}

/// The factor on every disc's radius in a panel of `nations`: 1 up to
/// [`FULL_SIZE_NATIONS`], then shrinking as 1/√n so that the discs cover about the same
/// area however many nations there are. A thousand full-size discs (22 px for equal GDP)
/// cover the panel many times over, hide each other's clusters, and were most of the cost
/// of the chart.
fn disc_scale(nations: usize) -> f64 {
    (FULL_SIZE_NATIONS / nations.max(1) as f64).sqrt().min(1.0)
}

/// Up to this many nations per panel, discs keep their full size (world2025 has 192).
const FULL_SIZE_NATIONS: f64 = 200.0;

/// Draws `stances.{png,svg}` from `representative_states.csv` in `dir`, if it exists.
pub(crate) fn draw(
    dir: &Path,
    meta: &Meta,
    out_stem: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let Some(path) = crate::table::locate(dir, REPRESENTATIVE_STATES)? else {
        return Ok(Vec::new());
    };
    let (dims, nations) = read_representative_states(&path)?;
    if nations.is_empty() {
        return Ok(Vec::new());
    }
    let k = dims.len();
    let rows: Vec<Vec<f64>> = nations.iter().map(|n| n.stance.clone()).collect();
    let (xy, share) = pca_2d(&rows, k);
    let arms = input::ordered(nations.iter().map(|n| n.arm.as_str()));
    let max_gdp = nations
        .iter()
        .map(|n| n.gdp)
        .filter(|g| g.is_finite())
        .fold(0.0_f64, f64::max);
    let mut panels = Vec::new();
    for arm in &arms {
        let idx: Vec<usize> = (0..nations.len())
            .filter(|&i| &nations[i].arm == arm)
            .collect();
        let stances: Vec<&[f64]> = idx.iter().map(|&i| nations[i].stance.as_slice()).collect();
        let cluster = compatible_components(&stances, meta.tolerance);
        let scale = disc_scale(idx.len());
        let points = idx
            .iter()
            .zip(&cluster)
            .map(|(&i, &c)| {
                let g = nations[i].gdp;
                let rel = if max_gdp > 0.0 && g.is_finite() && g > 0.0 {
                    g / max_gdp
                } else {
                    0.0
                };
                let radius = ((4.0 + 18.0 * rel.sqrt()) * scale).round().max(2.0) as i32;
                (xy[i].0, xy[i].1, radius, c, nations[i].id.clone())
            })
            .collect();
        panels.push(PanelData {
            arm: arm.clone(),
            clusters: cluster.iter().max().map_or(0, |m| m + 1),
            points,
        });
    }
    let range = |f: &dyn Fn(&(f64, f64)) -> f64| {
        let (lo, hi) = xy
            .iter()
            .map(f)
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
        if lo > hi {
            (-1.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 0.5, hi + 0.5)
        } else {
            let pad = 0.12 * (hi - lo);
            (lo - pad, hi + pad)
        }
    };
    // Four arms read better as 2×2 than as 3 + 1.
    let cols = if arms.len() == 4 {
        2
    } else {
        arms.len().min(3)
    };
    let grid = (arms.len().div_ceil(cols), cols);
    let most = panels.iter().map(|p| p.points.len()).max().unwrap_or(0);
    let figure = StanceFigure {
        title: format!(
            "Final stances, run 0 of each arm (principal components) — {}",
            meta.name
        ),
        x_label: format!("PC1 ({:.0}% of variance)", 100.0 * share[0]),
        y_label: format!("PC2 ({:.0}% of variance)", 100.0 * share[1]),
        x_range: range(&|p| p.0),
        y_range: range(&|p| p.1),
        labelled: most <= MAX_LABELLED,
        height: 120 + 520 * grid.0 as u32,
        grid,
        panels,
    };
    render(out_stem, format, (WIDTH, figure.height), &figure)
}

impl Figure for StanceFigure {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let body = root
            .margin(MARGIN, MARGIN / 2, MARGIN, MARGIN)
            .titled(&self.title, font(TITLE_PX - 4.0))?;
        let note = "point size: GDP · colour: cluster (distance ≤ tolerance)";
        let (body, foot) = body.split_vertically(body.dim_in_pixel().1.saturating_sub(28));
        foot.draw(&Text::new(
            note,
            (0, 4),
            font(TICK_PX)
                .color(&RGBColor(60, 60, 60))
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        let areas = body.split_evenly(self.grid);
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        for (panel, area) in self.panels.iter().zip(&areas) {
            let caption = format!(
                "{} ({} cluster{})",
                panel.arm,
                panel.clusters,
                if panel.clusters == 1 { "" } else { "s" }
            );
            let mut chart = ChartBuilder::on(area)
                .caption(caption, font(AXIS_DESC_PX))
                .margin(10)
                .x_label_area_size(56)
                .y_label_area_size(76)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            chart
                .configure_mesh()
                .x_desc(self.x_label.as_str())
                .y_desc(self.y_label.as_str())
                .axis_desc_style(font(AXIS_DESC_PX - 6.0))
                .label_style(font(TICK_PX - 2.0))
                .x_labels(5)
                .y_labels(5)
                .bold_line_style(RGBColor(220, 220, 220))
                .light_line_style(RGBColor(240, 240, 240))
                .max_light_lines(1)
                .axis_style(AXIS_INK)
                .draw()?;
            // Largest first, so small nations stay visible on top.
            let mut order: Vec<usize> = (0..panel.points.len()).collect();
            order.sort_by_key(|&i| (std::cmp::Reverse(panel.points[i].2), i));
            for &i in &order {
                let (x, y, r, c, _) = &panel.points[i];
                let colour = PALETTE[c % PALETTE.len()];
                chart.draw_series([
                    Circle::new((*x, *y), *r, colour.mix(0.55).filled()),
                    Circle::new((*x, *y), *r, colour.stroke_width(2)),
                ])?;
            }
            if self.labelled {
                // Nations at (nearly) the same place share one label, so ids never overprint.
                let mut groups: Vec<((i32, i32), i32, Vec<&str>)> = Vec::new();
                for (x, y, r, _, id) in &panel.points {
                    let at = chart.backend_coord(&(*x, *y));
                    match groups
                        .iter_mut()
                        .find(|g| (g.0.0 - at.0).abs() <= 14 && (g.0.1 - at.1).abs() <= 16)
                    {
                        Some(g) => {
                            g.1 = g.1.max(*r);
                            g.2.push(id);
                        }
                        None => groups.push((at, *r, vec![id])),
                    }
                }
                let (bx, by) = root.get_base_pixel();
                let (x_pixels, _) = chart.plotting_area().get_pixel_range();
                let mid = (x_pixels.start + x_pixels.end) / 2;
                // Labels point into the panel, so they never cross into the next one; blocks on
                // the same side are pushed apart vertically so they never overprint.
                let mut blocks: Vec<(bool, i32, i32, i32, Vec<String>)> = groups
                    .iter()
                    .map(|((px, py), r, ids)| {
                        let lines: Vec<String> = ids.chunks(4).map(|c| c.join(", ")).collect();
                        let top = py - 8 * lines.len() as i32;
                        (*px > mid, top, *px, *r, lines)
                    })
                    .collect();
                blocks.sort_by_key(|b| (b.0, b.1, b.2));
                let mut bottom: Option<(bool, i32)> = None;
                for (right, top, px, r, lines) in &mut blocks {
                    if let Some((side, end)) = bottom
                        && side == *right
                        && *top < end
                    {
                        *top = end;
                    }
                    bottom = Some((*right, *top + 16 * lines.len() as i32));
                    let (h, x) = if *right {
                        (HPos::Right, *px - *r - 3)
                    } else {
                        (HPos::Left, *px + *r + 3)
                    };
                    for (line, text) in lines.iter().enumerate() {
                        let style = font(14.0).color(&BLACK).pos(Pos::new(h, VPos::Center));
                        let pos = (x - bx, *top + 8 + 16 * line as i32 - by);
                        root.draw(&Text::new(text.as_str(), pos, style))?;
                    }
                }
            }
        }
        root.present()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discs_keep_their_size_up_to_200_nations_then_their_total_area() {
        assert_eq!(disc_scale(0), 1.0);
        assert_eq!(disc_scale(13), 1.0);
        assert_eq!(disc_scale(200), 1.0);
        assert_eq!(disc_scale(800), 0.5);
        // Area ∝ n · scale²: the same from 200 nations on.
        let area = |n: usize| n as f64 * disc_scale(n).powi(2);
        assert!((area(5000) - area(200)).abs() < 1e-9);
    }
}
