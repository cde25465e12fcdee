//! The charts of a scenario discovery (`accord discover`), drawn into its `discovery/`
//! folder: the coverage–density trade-off of the PRIM trajectory, coloured by how many
//! parameters each box restricts (`tradeoff`), and the points on the two most restricted
//! parameters of the chosen box with the box drawn (`box_<p1>_<p2>`).
//!
//! Both follow the EMA Workbench's `show_tradeoff` and `show_pairs_scatter`, in the look of
//! the other charts (`theme`).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Format, file_stem, render, tick};
use super::theme::{
    AXIS_DESC_PX, AXIS_INK, GRID_BOLD, GRID_LIGHT, HEIGHT, LEGEND_PX, MARGIN, PALETTE, TICK_PX,
    TITLE_PX, WIDTH, fitting_size, font,
};
use crate::analysis::prim;
use crate::error::Result;
use crate::output::discovery::Discovery;

/// Draws `tradeoff` and, with two or more parameters, `box_<p1>_<p2>` into `dir`. Returns the
/// files written.
///
/// # Errors
///
/// [`crate::Error::Chart`] when a chart cannot be drawn.
pub fn draw_discovery(dir: &Path, d: &Discovery, format: Format) -> Result<Vec<PathBuf>> {
    let mut written = render(
        &dir.join("tradeoff"),
        format,
        (WIDTH, HEIGHT),
        &Tradeoff::new(d),
    )?;
    if let Some(pairs) = Pairs::new(d) {
        let stem = dir.join(format!(
            "box_{}_{}",
            file_stem(&pairs.x_name),
            file_stem(&pairs.y_name)
        ));
        written.extend(render(&stem, format, (WIDTH - 200, WIDTH - 200), &pairs)?);
    }
    Ok(written)
}

/// The colour of a box restricting `k` parameters: the palette in order, so 0, 1, 2, … read
/// as distinct categories (a continuous scale would suggest 1.5 restrictions).
fn res_dim_colour(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

/// Coverage against density, a point per box, coloured by restricted dimensions.
struct Tradeoff {
    title: String,
    /// `(coverage, density, restricted)` per box.
    boxes: Vec<(f64, f64, usize)>,
    chosen: usize,
}

impl Tradeoff {
    fn new(d: &Discovery) -> Self {
        Tradeoff {
            title: format!(
                "PRIM trade-off: {} {}",
                d.outcome_name(),
                d.query.threshold.describe()
            ),
            boxes: d
                .trajectory
                .boxes
                .iter()
                .map(|b| (b.coverage, b.density, b.restricted.len()))
                .collect(),
            chosen: d.chosen,
        }
    }
}

impl Figure for Tradeoff {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let title_px = fitting_size(&self.title, TITLE_PX, WIDTH - 2 * MARGIN);
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, font(title_px))
            .margin(MARGIN)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.02..1.02, -0.02..1.02)?;
        chart
            .configure_mesh()
            .x_desc("coverage (share of the cases of interest inside the box)")
            .y_desc("density (share of the box's points that are cases)")
            .axis_desc_style(font(AXIS_DESC_PX - 2.0))
            .label_style(font(TICK_PX))
            .x_labels(11)
            .y_labels(11)
            .x_label_formatter(&|v| tick(*v, 1.0))
            .y_label_formatter(&|v| tick(*v, 1.0))
            .bold_line_style(GRID_BOLD)
            .light_line_style(GRID_LIGHT)
            .max_light_lines(1)
            .axis_style(AXIS_INK)
            .draw()?;
        // The trajectory as a thin line, so the order of the boxes reads.
        chart.draw_series(LineSeries::new(
            self.boxes.iter().map(|b| (b.0, b.1)),
            RGBColor(170, 170, 170).stroke_width(1),
        ))?;
        let mut dims: Vec<usize> = self.boxes.iter().map(|b| b.2).collect();
        dims.sort_unstable();
        dims.dedup();
        for &k in &dims {
            let colour = res_dim_colour(k);
            chart
                .draw_series(
                    self.boxes
                        .iter()
                        .filter(|b| b.2 == k)
                        .map(|b| Circle::new((b.0, b.1), 7, colour.filled())),
                )?
                .label(format!(
                    "{k} restricted parameter{}",
                    if k == 1 { "" } else { "s" }
                ))
                .legend(move |(x, y)| Circle::new((x + 8, y), 7, colour.filled()));
        }
        if let Some(&(c, d, _)) = self.boxes.get(self.chosen) {
            chart.draw_series([Circle::new((c, d), 13, BLACK.stroke_width(3))])?;
            let label = format!("box {}", self.chosen);
            chart.draw_series([Text::new(
                label,
                (c, d),
                font(LEGEND_PX)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            )])?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .margin(16)
            .legend_area_size(30)
            .label_font(font(LEGEND_PX))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(120, 120, 120))
            .draw()?;
        root.present()
    }
}

/// The points on two parameters, cases of interest apart from the rest, and the box.
struct Pairs {
    title: String,
    x_name: String,
    y_name: String,
    /// `(x, y, case)` per point.
    points: Vec<(f64, f64, bool)>,
    x_range: (f64, f64),
    y_range: (f64, f64),
    /// The box's limits on the two parameters.
    limits: (prim::Limits, prim::Limits),
    case_label: String,
    chosen: usize,
}

impl Pairs {
    /// `None` with a single parameter: there is no pair to show.
    fn new(d: &Discovery) -> Option<Self> {
        let b = &d.trajectory.boxes[d.chosen];
        let order = prim::narrowest(&b.limits, &d.trajectory.initial);
        let (&i, &j) = (order.first()?, order.get(1)?);
        let pad = |(lo, hi): prim::Limits| {
            let span = (hi - lo).max(f64::MIN_POSITIVE);
            (lo - 0.04 * span, hi + 0.04 * span)
        };
        Some(Pairs {
            title: format!(
                "Box {} on its two narrowest parameters: {} {}",
                d.chosen,
                d.outcome_name(),
                d.query.threshold.describe()
            ),
            x_name: d.params[i].clone(),
            y_name: d.params[j].clone(),
            points: (0..d.points.len())
                .map(|p| (d.x[i][p], d.x[j][p], d.cases[p]))
                .collect(),
            x_range: pad(d.trajectory.initial[i]),
            y_range: pad(d.trajectory.initial[j]),
            limits: (b.limits[i], b.limits[j]),
            case_label: format!("case of interest ({})", d.query.threshold.describe()),
            chosen: d.chosen,
        })
    }
}

impl Figure for Pairs {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let (w, _) = root.dim_in_pixel();
        let title_px = fitting_size(&self.title, TITLE_PX - 4.0, w - 2 * MARGIN);
        let ((x0, x1), (y0, y1)) = (self.x_range, self.y_range);
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, font(title_px))
            .margin(MARGIN)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let desc_px = fitting_size(&self.x_name, AXIS_DESC_PX, w - 200).min(fitting_size(
            &self.y_name,
            AXIS_DESC_PX,
            w - 200,
        ));
        chart
            .configure_mesh()
            .x_desc(self.x_name.as_str())
            .y_desc(self.y_name.as_str())
            .axis_desc_style(font(desc_px))
            .label_style(font(TICK_PX))
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| tick(*v, x1 - x0))
            .y_label_formatter(&|v| tick(*v, y1 - y0))
            .bold_line_style(GRID_BOLD)
            .light_line_style(GRID_LIGHT)
            .max_light_lines(1)
            .axis_style(AXIS_INK)
            .draw()?;
        let other = RGBColor(120, 120, 120);
        let case = PALETTE[1];
        chart
            .draw_series(
                self.points
                    .iter()
                    .filter(|p| !p.2)
                    .map(|p| Circle::new((p.0, p.1), 5, other.stroke_width(2))),
            )?
            .label("other point")
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, other.stroke_width(2)));
        chart
            .draw_series(
                self.points
                    .iter()
                    .filter(|p| p.2)
                    .map(|p| Circle::new((p.0, p.1), 6, case.filled())),
            )?
            .label(self.case_label.as_str())
            .legend(move |(x, y)| Circle::new((x + 8, y), 6, case.filled()));
        let ((xl, xh), (yl, yh)) = self.limits;
        let outline = vec![(xl, yl), (xh, yl), (xh, yh), (xl, yh), (xl, yl)];
        chart
            .draw_series([PathElement::new(outline, BLACK.stroke_width(3))])?
            .label(format!("box {}", self.chosen))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(3)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(16)
            .legend_area_size(30)
            .label_font(font(LEGEND_PX))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(120, 120, 120))
            .draw()?;
        root.present()
    }
}
