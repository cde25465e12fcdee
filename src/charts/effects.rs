//! Forest plot of paired effects: per arm the mean difference from the reference arm on each
//! headline metric, with its 95 % confidence interval, one panel per metric.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Format, clip, render, tick};
use super::input::{EffectRecord, Meta};
use super::theme::{
    AXIS_DESC_PX, AXIS_INK, GRID_BOLD, GRID_LIGHT, MARGIN, MIN_TEXT_PX, PALETTE, PANEL_TITLE_PX,
    TICK_PX, TITLE_PX, WIDTH, fitting_size, font, text_width,
};
use crate::error::Result;
use crate::metrics::catalogue;

const ROW_PX: u32 = 64;
const X_LABEL_AREA: u32 = 70;

/// One arm's effect on one metric.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Effect {
    mean: f64,
    lo: f64,
    hi: f64,
}

struct Panel {
    title: &'static str,
    /// Per row (arm), top to bottom.
    effects: Vec<Option<Effect>>,
    x_range: (f64, f64),
}

struct Forest {
    title: String,
    title_px: f64,
    x_label: String,
    /// Row labels (arms) with their palette colours, top to bottom.
    rows: Vec<(String, RGBColor)>,
    panels: Vec<Panel>,
    name_w: u32,
    height: u32,
}

/// Draws `effects.{png,svg}` from `effects.csv` rows: the final recorded step of sweep point 0
/// (of the first point listed when there is no point 0). `arms` is every arm in scenario
/// order, so each arm keeps the colour it has in the time-series charts. Writes nothing when
/// there is no headline metric to show.
pub(crate) fn forest(
    rows: &[EffectRecord],
    arms: &[String],
    meta: &Meta,
    out_stem: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let Some(forest) = Forest::new(rows, arms, meta) else {
        return Ok(Vec::new());
    };
    render(out_stem, format, (WIDTH, forest.height), &forest)
}

impl Forest {
    fn new(rows: &[EffectRecord], arms: &[String], meta: &Meta) -> Option<Self> {
        let point = match rows.iter().find(|r| r.point == "0") {
            Some(zero) => &zero.point,
            None => &rows.first()?.point,
        };
        let rows: Vec<&EffectRecord> = rows.iter().filter(|r| &r.point == point).collect();
        let step = rows.iter().map(|r| r.step).max()?;
        let rows: Vec<&EffectRecord> = rows.into_iter().filter(|r| r.step == step).collect();
        let reference = rows.first()?.reference.clone();
        let effect_arms = super::input::ordered(rows.iter().map(|r| r.arm.as_str()));
        let colour = |arm: &str| {
            let i = arms.iter().position(|a| a == arm).unwrap_or(0);
            PALETTE[i % PALETTE.len()]
        };
        let panels: Vec<Panel> = catalogue::headline()
            .filter(|(metric, _)| rows.iter().any(|r| r.metric == *metric))
            .map(|(metric, title)| {
                let effects: Vec<Option<Effect>> = effect_arms
                    .iter()
                    .map(|arm| {
                        rows.iter()
                            .find(|r| &r.arm == arm && r.metric == metric)
                            .map(|r| Effect {
                                mean: clip(r.mean),
                                lo: clip(r.lo),
                                hi: clip(r.hi),
                            })
                    })
                    .collect();
                let x_range = x_range(&effects);
                Panel {
                    title,
                    effects,
                    x_range,
                }
            })
            .collect();
        if panels.is_empty() {
            return None;
        }
        let title = format!(
            "Paired effects vs {reference} at step {step} ({}) — {}",
            meta.step_unit, meta.name
        );
        let name_w = effect_arms
            .iter()
            .map(|a| text_width(a, TICK_PX + 2.0))
            .max()
            .unwrap_or(0)
            .clamp(60, WIDTH / 3)
            + 24;
        let rows: Vec<(String, RGBColor)> =
            effect_arms.iter().map(|a| (a.clone(), colour(a))).collect();
        let height = (TITLE_PX as u32 + 2 * MARGIN + 60 + X_LABEL_AREA)
            + ROW_PX * (rows.len() as u32).max(2)
            + 40;
        Some(Forest {
            title_px: fitting_size(&title, TITLE_PX, WIDTH - 2 * MARGIN),
            title,
            x_label: "arm − reference (95% CI)".to_owned(),
            rows,
            panels,
            name_w,
            height,
        })
    }
}

/// The span of every finite mean and bound, always including 0, padded by 8 %.
fn x_range(effects: &[Option<Effect>]) -> (f64, f64) {
    let (lo, hi) = effects
        .iter()
        .flatten()
        .flat_map(|e| [e.mean, e.lo, e.hi])
        .filter(|v| v.is_finite())
        .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = hi - lo;
    if span > 0.0 {
        (lo - 0.08 * span, hi + 0.08 * span)
    } else {
        (-1.0, 1.0)
    }
}

impl Figure for Forest {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let body = root
            .margin(MARGIN, MARGIN, MARGIN, MARGIN)
            .titled(&self.title, font(self.title_px))?;
        let n = self.panels.len() as u32;
        let (body_w, _) = body.dim_in_pixel();
        let panel_w = body_w.saturating_sub(self.name_w) / n;
        let breaks: Vec<i32> = (1..n).map(|k| (self.name_w + k * panel_w) as i32).collect();
        let areas = body.split_by_breakpoints(breaks, Vec::<i32>::new());
        let rows = self.rows.len();
        let y_range = -0.5..(rows as f64 - 0.5);
        let x_desc_px = fitting_size(
            &self.x_label,
            AXIS_DESC_PX - 4.0,
            panel_w.saturating_sub(20),
        )
        .max(MIN_TEXT_PX);
        for (k, (panel, area)) in self.panels.iter().zip(&areas).enumerate() {
            let y_area = if k == 0 { self.name_w } else { 0 };
            let (x0, x1) = panel.x_range;
            let mut chart = ChartBuilder::on(area)
                .caption(panel.title, font(PANEL_TITLE_PX))
                .margin_left(if k == 0 { 0 } else { 14 })
                .margin_right(14)
                .x_label_area_size(X_LABEL_AREA)
                .y_label_area_size(y_area)
                .build_cartesian_2d(x0..x1, y_range.clone())?;
            chart
                .configure_mesh()
                .x_desc(self.x_label.as_str())
                .axis_desc_style(font(x_desc_px))
                .label_style(font(TICK_PX))
                .x_labels(5)
                .x_label_formatter(&|v| tick(*v, x1 - x0))
                .y_labels(0)
                .disable_y_mesh()
                .bold_line_style(GRID_BOLD)
                .light_line_style(GRID_LIGHT)
                .max_light_lines(1)
                .axis_style(AXIS_INK)
                .draw()?;
            // Zero: no difference from the reference.
            chart.draw_series([PathElement::new(
                vec![(0.0, -0.5), (0.0, rows as f64 - 0.5)],
                RGBColor(60, 60, 60).stroke_width(2),
            )])?;
            for (i, (effect, (_, colour))) in panel.effects.iter().zip(&self.rows).enumerate() {
                let y = (rows - 1 - i) as f64;
                let Some(e) = effect else { continue };
                if e.lo.is_finite() && e.hi.is_finite() {
                    let style = colour.stroke_width(3);
                    chart.draw_series([
                        PathElement::new(vec![(e.lo, y), (e.hi, y)], style),
                        PathElement::new(vec![(e.lo, y - 0.15), (e.lo, y + 0.15)], style),
                        PathElement::new(vec![(e.hi, y - 0.15), (e.hi, y + 0.15)], style),
                    ])?;
                }
                if e.mean.is_finite() {
                    chart.draw_series([Circle::new((e.mean, y), 7, colour.filled())])?;
                }
            }
            if k == 0 {
                // Arm names beside their rows, right-aligned against the plot.
                for (i, (name, colour)) in self.rows.iter().enumerate() {
                    let y = (rows - 1 - i) as f64;
                    let (px, py) = chart.backend_coord(&(x0, y));
                    let (ax, ay) = root.get_base_pixel();
                    let style = font(TICK_PX + 2.0)
                        .color(&RGBColor(colour.0 / 2, colour.1 / 2, colour.2 / 2))
                        .pos(Pos::new(HPos::Right, VPos::Center));
                    root.draw(&Text::new(name.as_str(), (px - ax - 10, py - ay), style))?;
                }
            }
        }
        root.present()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(arm: &str, metric: &str, step: u32, mean: f64) -> EffectRecord {
        EffectRecord {
            point: "0".to_owned(),
            arm: arm.to_owned(),
            reference: "baseline".to_owned(),
            metric: metric.to_owned(),
            step,
            mean,
            lo: mean - 0.1,
            hi: mean + 0.1,
        }
    }

    #[test]
    fn uses_the_final_step_and_headline_metrics_only() {
        let rows = vec![
            record("treaty", "fragmentation", 0, 9.0),
            record("treaty", "fragmentation", 5, -0.3),
            record("treaty", "clusters", 5, 1.0),
            record("split", "dispersion", 5, 0.2),
        ];
        let arms = ["baseline", "treaty", "split"].map(str::to_owned);
        let meta = Meta {
            name: "qs".to_owned(),
            step_unit: "year".to_owned(),
            tolerance: 0.1,
        };
        let f = Forest::new(&rows, &arms, &meta).unwrap();
        assert_eq!(f.panels.len(), 2, "fragmentation and dispersion");
        assert_eq!(f.panels[0].title, "Fragmentation");
        let names: Vec<&str> = f.rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["treaty", "split"]);
        assert_eq!(f.rows[0].1, PALETTE[1], "colour follows the arm's index");
        let e = f.panels[0].effects[0].unwrap();
        assert_eq!(e.mean, -0.3, "step 5, not step 0");
        assert!(f.panels[0].effects[1].is_none());
        let (lo, hi) = f.panels[1].x_range;
        assert!(lo < 0.0 && hi > 0.3, "zero and the whole CI are visible");
        assert!(f.title.contains("vs baseline at step 5 (year)"));
        assert!(Forest::new(&[], &arms, &meta).is_none());
    }

    #[test]
    fn a_sweep_shows_point_zero() {
        let mut other = record("treaty", "fragmentation", 5, 0.4);
        other.point = "1".to_owned();
        let rows = vec![other, record("treaty", "fragmentation", 5, -0.2)];
        let arms = ["baseline", "treaty"].map(str::to_owned);
        let meta = Meta {
            name: "qs".to_owned(),
            step_unit: "year".to_owned(),
            tolerance: 0.1,
        };
        let f = Forest::new(&rows, &arms, &meta).unwrap();
        assert_eq!(f.panels[0].effects[0].unwrap().mean, -0.2);
    }
}
