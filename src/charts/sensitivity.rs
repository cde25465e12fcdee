//! Charts of `sensitivity.csv`: `sensitivity_<metric>` (Sobol' S1 and ST per parameter with
//! their bootstrap intervals, parameters sorted by ST, one panel per arm's level and per arm's
//! paired effect) and `morris_<metric>` (μ* against σ, each parameter labelled).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Format, clip, draw_ticks, file_stem, render, tick};
use super::input::{ordered, read_meta};
use super::theme::{
    AXIS_DESC_PX, AXIS_INK, GRID_BOLD, GRID_LIGHT, MARGIN, PALETTE, PANEL_TITLE_PX, TICK_PX,
    TITLE_PX, WIDTH, fitting_size, font, text_width,
};
use crate::error::{Error, Result};
use crate::metrics::catalogue;

/// One row of `sensitivity.csv`, as the charts need it.
#[derive(Clone, Debug, PartialEq)]
struct Record {
    arm: String,
    /// `level` or `effect`.
    outcome: String,
    metric: String,
    param: String,
    index: String,
    estimate: f64,
    lo: f64,
    hi: f64,
}

fn read(path: &Path) -> Result<Vec<Record>> {
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let mut r = crate::table::Rows::open(path)?;
    let mut out = Vec::new();
    while r.advance()? {
        let text = |i: usize| r.get(i).to_owned();
        if !r.get(4).is_empty() {
            continue; // S2 rows are not drawn
        }
        out.push(Record {
            arm: text(0),
            outcome: text(1),
            metric: text(2),
            param: text(3),
            index: text(6),
            estimate: clip(num(r.get(7))),
            lo: clip(num(r.get(8))),
            hi: clip(num(r.get(9))),
        });
    }
    Ok(out)
}

/// Draws the sensitivity charts of `dir` into `dir/charts/` when it has `sensitivity.csv`.
pub fn draw_sensitivity(dir: &Path, format: Format) -> Result<Vec<PathBuf>> {
    let Some(path) = crate::table::locate(dir, crate::output::sensitivity::SENSITIVITY)? else {
        return Ok(Vec::new());
    };
    let rows = read(&path)?;
    let meta = read_meta(dir);
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(|e| Error::io("create folder", &charts, e))?;
    let mut written = Vec::new();
    for metric in ordered(rows.iter().map(|r| r.metric.as_str())) {
        let of: Vec<&Record> = rows.iter().filter(|r| r.metric == metric).collect();
        let morris = of.iter().any(|r| r.index == "mu_star");
        let panels = panels(&of, morris);
        if panels.is_empty() {
            continue;
        }
        let title = format!(
            "{} of {} — {}",
            if morris {
                "Morris screening"
            } else {
                "Sobol' indices"
            },
            catalogue::title(&metric),
            meta.name
        );
        let stem = charts.join(format!(
            "{}_{}",
            if morris { "morris" } else { "sensitivity" },
            file_stem(&metric)
        ));
        written.extend(draw(&panels, &title, morris, &stem, format)?);
    }
    Ok(written)
}

/// One panel: an arm's level or effect. `bars`: (param, first, second) with first = S1 or μ*,
/// second = ST or σ, each (estimate, lo, hi).
struct Panel {
    title: String,
    bars: Vec<(String, [f64; 3], [f64; 3])>,
}

fn panels(rows: &[&Record], morris: bool) -> Vec<Panel> {
    let (first, second) = if morris {
        ("mu_star", "sigma")
    } else {
        ("S1", "ST")
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    for r in rows {
        let k = (r.arm.clone(), r.outcome.clone());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .filter_map(|(arm, outcome)| {
            let of = |index: &str, param: &str| {
                rows.iter()
                    .find(|r| {
                        r.arm == arm && r.outcome == outcome && r.index == index && r.param == param
                    })
                    .map_or([f64::NAN; 3], |r| [r.estimate, r.lo, r.hi])
            };
            let params = ordered(
                rows.iter()
                    .filter(|r| r.arm == arm && r.outcome == outcome)
                    .map(|r| r.param.as_str()),
            );
            let mut bars: Vec<_> = params
                .iter()
                .map(|p| (p.clone(), of(first, p), of(second, p)))
                .collect();
            if bars.iter().all(|b| !b.1[0].is_finite()) {
                return None;
            }
            if !morris {
                // Largest ST on top; NaN (undefined) last; ties keep file order.
                bars.sort_by(|a, b| {
                    let key = |x: f64| if x.is_finite() { -x } else { f64::INFINITY };
                    key(a.2[0]).total_cmp(&key(b.2[0]))
                });
            }
            let title = if outcome == "effect" {
                format!("{arm}: paired effect")
            } else {
                format!("{arm}: level")
            };
            Some(Panel { title, bars })
        })
        .collect()
}

struct Chart<'a> {
    panels: &'a [Panel],
    title: String,
    morris: bool,
    name_w: u32,
    panel_h: u32,
}

fn draw(
    panels: &[Panel],
    title: &str,
    morris: bool,
    stem: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let params = panels.iter().map(|p| p.bars.len()).max().unwrap_or(1) as u32;
    let name_w = panels
        .iter()
        .flat_map(|p| &p.bars)
        .map(|b| text_width(&b.0, TICK_PX))
        .max()
        .unwrap_or(0)
        .clamp(40, WIDTH / 2)
        + 20;
    let panel_h = if morris {
        420
    } else {
        (params * 44 + 130).max(260)
    };
    let rows = if morris {
        panels.len().div_ceil(2) as u32
    } else {
        panels.len() as u32
    };
    let height = TITLE_PX as u32 + 2 * MARGIN + 50 + rows * panel_h;
    let chart = Chart {
        panels,
        title: title.to_owned(),
        morris,
        name_w,
        panel_h,
    };
    render(stem, format, (WIDTH, height), &chart)
}

impl Figure for Chart<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let title_px = fitting_size(&self.title, TITLE_PX, WIDTH - 2 * MARGIN);
        let body = root
            .margin(MARGIN, MARGIN, MARGIN, MARGIN)
            .titled(&self.title, font(title_px))?;
        let (w, _) = body.dim_in_pixel();
        let cols = if self.morris && self.panels.len() > 1 {
            2
        } else {
            1
        };
        let rows = self.panels.len().div_ceil(cols);
        let v: Vec<i32> = (1..rows)
            .map(|k| (k as u32 * self.panel_h) as i32)
            .collect();
        let h: Vec<i32> = (1..cols)
            .map(|k| (k as u32 * w / cols as u32) as i32)
            .collect();
        let areas = body.split_by_breakpoints(h, v);
        for (panel, area) in self.panels.iter().zip(&areas) {
            if self.morris {
                scatter(panel, area)?;
            } else {
                bars(panel, area, self.name_w)?;
            }
        }
        root.present()
    }
}

/// S1 and ST bars of each parameter, with whiskers, parameters top to bottom.
fn bars<DB: DrawingBackend>(
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
    name_w: u32,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let n = panel.bars.len();
    let values = panel
        .bars
        .iter()
        .flat_map(|b| [b.1, b.2])
        .flatten()
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((0.0_f64, 1.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (x0, x1) = (lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo));
    let mut chart = ChartBuilder::on(area)
        .caption(panel.title.as_str(), font(PANEL_TITLE_PX))
        .margin_right(20)
        .x_label_area_size(60)
        .y_label_area_size(name_w)
        .build_cartesian_2d(x0..x1, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .x_desc("index (95% bootstrap CI)")
        .axis_desc_style(font(AXIS_DESC_PX - 4.0))
        .label_style(font(TICK_PX))
        .x_labels(6)
        .x_label_formatter(&|v| tick(*v, x1 - x0))
        .y_labels(0)
        .disable_y_mesh()
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .max_light_lines(1)
        .axis_style(AXIS_INK)
        .draw()?;
    let ticks: Vec<(f64, &str)> = panel
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| ((n - 1 - i) as f64, b.0.as_str()))
        .collect();
    draw_ticks(area, &chart, &ticks, false)?;
    for (k, (name, colour)) in [("S1", PALETTE[0]), ("ST", PALETTE[1])].iter().enumerate() {
        let offset = if k == 0 { 0.2 } else { -0.2 };
        let boxes: Vec<_> = panel
            .bars
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let v = if k == 0 { b.1 } else { b.2 };
                let y = (n - 1 - i) as f64 + offset;
                v[0].is_finite()
                    .then(|| Rectangle::new([(0.0, y - 0.17), (v[0], y + 0.17)], colour.filled()))
            })
            .collect();
        chart
            .draw_series(boxes)?
            .label(*name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled()));
        for (i, b) in panel.bars.iter().enumerate() {
            let v = if k == 0 { b.1 } else { b.2 };
            if v[1].is_finite() && v[2].is_finite() {
                let y = (n - 1 - i) as f64 + offset;
                let ink = BLACK.stroke_width(2);
                chart.draw_series([
                    PathElement::new(vec![(v[1], y), (v[2], y)], ink),
                    PathElement::new(vec![(v[1], y - 0.1), (v[1], y + 0.1)], ink),
                    PathElement::new(vec![(v[2], y - 0.1), (v[2], y + 0.1)], ink),
                ])?;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(font(TICK_PX))
        .background_style(WHITE.mix(0.85))
        .border_style(AXIS_INK)
        .draw()?;
    Ok(())
}

/// μ* against σ, each parameter a labelled point.
fn scatter<DB: DrawingBackend>(
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let pts: Vec<(&str, f64, f64)> = panel
        .bars
        .iter()
        .filter(|b| b.1[0].is_finite() && b.2[0].is_finite())
        .map(|b| (b.0.as_str(), b.1[0], b.2[0]))
        .collect();
    let max = |f: fn(&(&str, f64, f64)) -> f64| {
        pts.iter().map(f).fold(0.0_f64, f64::max).max(1e-12) * 1.15
    };
    let (xm, ym) = (max(|p| p.1), max(|p| p.2));
    let mut chart = ChartBuilder::on(area)
        .caption(panel.title.as_str(), font(PANEL_TITLE_PX))
        .margin_right(30)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..xm, 0.0..ym)?;
    chart
        .configure_mesh()
        .x_desc("μ* (mean |elementary effect|)")
        .y_desc("σ")
        .axis_desc_style(font(AXIS_DESC_PX - 4.0))
        .label_style(font(TICK_PX))
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| tick(*v, xm))
        .y_label_formatter(&|v| tick(*v, ym))
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .max_light_lines(1)
        .axis_style(AXIS_INK)
        .draw()?;
    // Labels of points that (nearly) coincide are stacked upwards instead of overprinted.
    let mut placed: Vec<(i32, i32)> = Vec::new();
    for (i, (name, x, y)) in pts.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        chart.draw_series([Circle::new((*x, *y), 7, colour.filled())])?;
        let (px, mut py) = chart.backend_coord(&(*x, *y));
        while placed
            .iter()
            .any(|&(qx, qy)| (qx - px).abs() < 120 && (qy - py).abs() < TICK_PX as i32 + 2)
        {
            py -= TICK_PX as i32 + 4;
        }
        placed.push((px, py));
        let (ax, ay) = area.get_base_pixel();
        let anchor = if *x > 0.6 * xm {
            Pos::new(HPos::Right, VPos::Bottom)
        } else {
            Pos::new(HPos::Left, VPos::Bottom)
        };
        let dx = if *x > 0.6 * xm { -10 } else { 10 };
        area.draw(&Text::new(
            name.to_string(),
            (px - ax + dx, py - ay - 6),
            font(TICK_PX).color(&BLACK).pos(anchor),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(arm: &str, param: &str, index: &str, estimate: f64) -> Record {
        Record {
            arm: arm.to_owned(),
            outcome: "level".to_owned(),
            metric: "fragmentation".to_owned(),
            param: param.to_owned(),
            index: index.to_owned(),
            estimate,
            lo: estimate - 0.1,
            hi: estimate + 0.1,
        }
    }

    #[test]
    fn parameters_are_sorted_by_total_order_index() {
        let rows = [
            record("a", "x", "S1", 0.1),
            record("a", "y", "S1", 0.5),
            record("a", "z", "S1", 0.0),
            record("a", "x", "ST", 0.2),
            record("a", "y", "ST", 0.6),
            record("a", "z", "ST", f64::NAN),
        ];
        let refs: Vec<&Record> = rows.iter().collect();
        let p = panels(&refs, false);
        assert_eq!(p.len(), 1);
        let names: Vec<&str> = p[0].bars.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(names, ["y", "x", "z"]);
        assert_eq!(p[0].title, "a: level");
    }
}
