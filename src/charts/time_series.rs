//! Time-series charts: per arm, the mean of a metric over the recorded steps as a line over
//! its shaded 95 % interval.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{Figure, Format, clip, render};
use super::theme::{
    AXIS_DESC_PX, AXIS_INK, BAND_ALPHA, GRID_BOLD, GRID_LIGHT, HEIGHT, LEGEND_PX, MARGIN, PALETTE,
    TICK_PX, TITLE_PX, WIDTH, fitting_size, font, text_width,
};

/// One line of a time-series chart: a series name (the arm) and per recorded step
/// `(step, mean, ci95_lo, ci95_hi)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Legend text, usually the arm's name.
    pub name: String,
    /// `(step, mean, ci95_lo, ci95_hi)` per recorded step; non-finite values leave gaps.
    pub points: Vec<(u32, f64, f64, f64)>,
}

const X_LABEL_AREA: u32 = 66;
const Y_LABEL_AREA: u32 = 100;
const LEGEND_MARGIN: u32 = 16;
const LEGEND_SYMBOL: u32 = 44;

/// `(step, mean, ci95_lo, ci95_hi)` with the step widened so the axis can extend below 0.
type Point = (i64, f64, f64, f64);

/// One band as drawn.
struct Series<'a> {
    name: &'a str,
    colour: RGBColor,
    /// Sorted by step.
    points: Vec<Point>,
}

/// Everything decided before drawing, so PNG and SVG get exactly the same layout.
struct Layout<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    title_px: f64,
    x_desc_px: f64,
    y_desc_px: f64,
    x_range: (i64, i64),
    y_range: (f64, f64),
    legend: SeriesLabelPosition,
    bands: Vec<Series<'a>>,
}

impl<'a> Layout<'a> {
    fn new(
        bands: &'a [Band],
        title: &'a str,
        x_label: &'a str,
        y_label: &'a str,
        unit_interval: bool,
        colours: &[usize],
    ) -> Self {
        let bands: Vec<_> = bands
            .iter()
            .enumerate()
            .map(|(i, band)| {
                let mut points: Vec<_> = band
                    .points
                    .iter()
                    .map(|&(s, m, lo, hi)| (i64::from(s), clip(m), clip(lo), clip(hi)))
                    .collect();
                points.sort_by_key(|p| p.0);
                Series {
                    name: &band.name,
                    colour: PALETTE[colours.get(i).copied().unwrap_or(i) % PALETTE.len()],
                    points,
                }
            })
            .collect();
        let x_range = x_range(&bands);
        let y_range = y_range(&bands, unit_interval);
        let plot_w = WIDTH - 2 * MARGIN - Y_LABEL_AREA;
        let plot_h = HEIGHT - 2 * MARGIN - X_LABEL_AREA - (TITLE_PX as u32 + 20);
        let legend = legend_corner(&bands, x_range, y_range, plot_w, plot_h);
        Layout {
            title,
            x_label,
            y_label,
            title_px: fitting_size(title, TITLE_PX, WIDTH - 2 * MARGIN),
            x_desc_px: fitting_size(x_label, AXIS_DESC_PX, plot_w),
            y_desc_px: fitting_size(y_label, AXIS_DESC_PX, plot_h),
            x_range,
            y_range,
            legend,
            bands,
        }
    }
}

fn x_range(bands: &[Series<'_>]) -> (i64, i64) {
    let steps = bands.iter().flat_map(|b| b.points.iter().map(|p| p.0));
    let (lo, hi) = steps.fold((i64::MAX, i64::MIN), |(lo, hi), s| (lo.min(s), hi.max(s)));
    if lo > hi {
        (0, 1)
    } else if lo == hi {
        // One recorded step: centre it instead of drawing on a zero-width axis.
        (lo - 1, hi + 1)
    } else {
        (lo, hi)
    }
}

fn y_range(bands: &[Series<'_>], unit_interval: bool) -> (f64, f64) {
    let values = bands
        .iter()
        .flat_map(|b| b.points.iter().flat_map(|p| [p.1, p.2, p.3]))
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if unit_interval {
        // A value outside [0, 1] contradicts the caller's promise; widen rather than hide it.
        let (lo, hi) = (lo.min(0.0), hi.max(1.0));
        if lo < 0.0 || hi > 1.0 {
            let pad = (hi - lo) * 0.05;
            return (lo - pad, hi + pad);
        }
        return (0.0, 1.0);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.05
    } else if lo != 0.0 {
        lo.abs() * 0.1
    } else {
        1.0
    };
    (lo - pad, hi + pad)
}

/// The corner where the legend covers the fewest data, preferring the upper right.
fn legend_corner(
    bands: &[Series<'_>],
    (x0, x1): (i64, i64),
    (y0, y1): (f64, f64),
    plot_w: u32,
    plot_h: u32,
) -> SeriesLabelPosition {
    let label_w = bands
        .iter()
        .map(|b| text_width(b.name, LEGEND_PX))
        .max()
        .unwrap_or(0);
    let box_w = f64::from(label_w + LEGEND_SYMBOL + 2 * LEGEND_MARGIN);
    let box_h = bands.len() as f64 * (LEGEND_PX + 8.0) + 20.0;
    let w = ((box_w + 10.0) / f64::from(plot_w)).min(1.0);
    let h = ((box_h + 10.0) / f64::from(plot_h)).min(1.0);
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let (dx, dy) = ((x1 - x0) as f64, y1 - y0);
    let mut hits = [0usize; 4];
    let mut count = |x: f64, y: f64| {
        if !y.is_finite() {
            return;
        }
        let (u, v) = ((x - x0 as f64) / dx, (y - y0) / dy);
        for (hit, &(_, right, upper)) in hits.iter_mut().zip(&corners) {
            let in_x = if right { u >= 1.0 - w } else { u <= w };
            let in_y = if upper { v >= 1.0 - h } else { v <= h };
            if in_x && in_y {
                *hit += 1;
            }
        }
    };
    for Series { points, .. } in bands {
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            // Sample along each segment so that sparse steps still count the lines between.
            for k in 0..8 {
                let t = f64::from(k) / 8.0;
                let x = a.0 as f64 + t * (b.0 - a.0) as f64;
                for (ya, yb) in [(a.1, b.1), (a.2, b.2), (a.3, b.3)] {
                    count(x, ya + t * (yb - ya));
                }
            }
        }
        if let Some(last) = points.last() {
            for y in [last.1, last.2, last.3] {
                count(last.0 as f64, y);
            }
        }
    }
    let best = (0..corners.len())
        .min_by_key(|&i| (hits[i], i))
        .unwrap_or(0);
    corners[best].0.clone()
}

/// Maximal runs of consecutive points where `keep` holds, so gaps (NaN) are not bridged.
fn runs(points: &[Point], keep: impl Fn(&Point) -> bool) -> Vec<&[Point]> {
    points
        .split(|p| !keep(p))
        .filter(|run| !run.is_empty())
        .collect()
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    layout: &Layout<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (x0, x1) = layout.x_range;
    let (y0, y1) = layout.y_range;
    let mut chart = ChartBuilder::on(&root)
        .caption(layout.title, font(layout.title_px))
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(layout.x_label)
        .y_desc(layout.y_label)
        // One size for both descriptions: a shrunken y label beside a full-size x label looks
        // like a mistake.
        .axis_desc_style(font(layout.x_desc_px.min(layout.y_desc_px)))
        .label_style(font(TICK_PX))
        .x_labels(10)
        .y_labels(11)
        .bold_line_style(GRID_BOLD)
        .light_line_style(GRID_LIGHT)
        .max_light_lines(1)
        .axis_style(AXIS_INK)
        .draw()?;

    // Shading first, then every line on top, so no band hides another arm's mean.
    for Series { colour, points, .. } in &layout.bands {
        let shade = colour.mix(BAND_ALPHA).filled();
        for run in runs(points, |p| p.2.is_finite() && p.3.is_finite()) {
            if let [(s, _, lo, hi)] = run {
                let bar = vec![(*s, *lo), (*s, *hi)];
                chart.draw_series([PathElement::new(bar, colour.mix(0.5).stroke_width(6))])?;
                continue;
            }
            let outline: Vec<(i64, f64)> = run
                .iter()
                .map(|p| (p.0, p.3))
                .chain(run.iter().rev().map(|p| (p.0, p.2)))
                .collect();
            chart.draw_series([Polygon::new(outline, shade)])?;
        }
    }
    for Series {
        name,
        colour,
        points,
    } in &layout.bands
    {
        let colour = *colour;
        for run in runs(points, |p| p.1.is_finite()) {
            if let [(s, mean, _, _)] = run {
                chart.draw_series([Circle::new((*s, *mean), 5, colour.filled())])?;
            } else {
                let line = run.iter().map(|p| (p.0, p.1));
                chart.draw_series(LineSeries::new(line, colour.stroke_width(3)))?;
            }
        }
        // An empty series carries the legend entry, so arms with no finite data still appear.
        chart
            .draw_series(std::iter::empty::<Circle<(i64, f64), i32>>())?
            .label(*name)
            .legend(move |(x, y)| {
                let half = LEGEND_SYMBOL as i32 / 2 - 4;
                EmptyElement::at((x + half, y))
                    + Rectangle::new([(-half, -8), (half, 8)], colour.mix(BAND_ALPHA).filled())
                    + PathElement::new(vec![(-half, 0), (half, 0)], colour.stroke_width(3))
            });
    }
    if !layout.bands.is_empty() {
        chart
            .configure_series_labels()
            .position(layout.legend.clone())
            .margin(LEGEND_MARGIN)
            .legend_area_size(LEGEND_SYMBOL)
            .label_font(font(LEGEND_PX))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(120, 120, 120))
            .draw()?;
    }
    root.present()
}

/// Draws a time-series chart of `bands` to `<out_stem>.png` and `<out_stem>.svg` (both
/// 1200×750 px).
///
/// Each band is a coloured line for the mean over a shaded 95% interval of the same colour;
/// colours follow the colour-blind-safe Okabe–Ito palette, cycling after eight bands. The y
/// axis is [0, 1] when `unit_interval` (widened if a value falls outside), otherwise the data's
/// range with 5% padding. The x axis spans the first to the last recorded step. Non-finite
/// values leave gaps instead of failing. The legend goes in the corner covering the least
/// data.
pub fn time_series(
    bands: &[Band],
    title: &str,
    x_label: &str,
    y_label: &str,
    unit_interval: bool,
    out_stem: &Path,
) -> crate::Result<()> {
    let labels = Labels {
        title,
        x: x_label,
        y: y_label,
    };
    time_series_as(bands, &labels, unit_interval, &[], out_stem, Format::Both).map(|_| ())
}

/// Title and axis descriptions of a chart.
pub(crate) struct Labels<'a> {
    pub(crate) title: &'a str,
    pub(crate) x: &'a str,
    pub(crate) y: &'a str,
}

/// [`time_series`] in the chosen format(s); returns the files written. Band `i` takes palette
/// colour `colours[i]` (or `i` where `colours` is shorter), so a series keeps its arm's colour
/// when other arms are left out.
pub(crate) fn time_series_as(
    bands: &[Band],
    labels: &Labels<'_>,
    unit_interval: bool,
    colours: &[usize],
    out_stem: &Path,
    format: Format,
) -> crate::Result<Vec<PathBuf>> {
    let layout = Layout::new(
        bands,
        labels.title,
        labels.x,
        labels.y,
        unit_interval,
        colours,
    );
    render(out_stem, format, (WIDTH, HEIGHT), &layout)
}

impl Figure for Layout<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        draw(root, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::figure::with_suffix;
    use crate::error::Error;

    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

    fn band(name: &str, offset: f64, steps: u32) -> Band {
        let points = (0..steps)
            .map(|s| {
                let t = f64::from(s) / f64::from(steps.max(2) - 1);
                let mean = offset + 0.4 * t * t;
                (s, mean, mean - 0.03 - 0.02 * t, mean + 0.03 + 0.02 * t)
            })
            .collect();
        Band {
            name: name.to_owned(),
            points,
        }
    }

    fn draw_into(dir: &Path, stem: &str, bands: &[Band], unit: bool) -> (Vec<u8>, Vec<u8>) {
        let out = dir.join(stem);
        time_series(
            bands,
            "Fragmentation by arm",
            "step (year)",
            "fragmentation (share of GDP-weighted pairs incompatible)",
            unit,
            &out,
        )
        .unwrap();
        let png = std::fs::read(with_suffix(&out, "png")).unwrap();
        let svg = std::fs::read(with_suffix(&out, "svg")).unwrap();
        (png, svg)
    }

    #[test]
    fn draws_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let bands = [band("baseline", 0.1, 30), band("treaty", 0.3, 30)];
        let (png, svg) = draw_into(dir.path(), "fragmentation", &bands, true);
        assert_eq!(png[..8], PNG_SIGNATURE);
        assert!(png.len() > 10_000, "PNG is only {} bytes", png.len());
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("Fragmentation by arm"));
        assert!(svg.contains("baseline") && svg.contains("treaty"));
        assert!(svg.contains("font-family=\"sans-serif\""));
    }

    #[test]
    fn svg_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let bands = [band("baseline", 0.1, 12), band("treaty", 0.3, 12)];
        let (png_a, svg_a) = draw_into(dir.path(), "a", &bands, false);
        let (png_b, svg_b) = draw_into(dir.path(), "b", &bands, false);
        assert_eq!(svg_a, svg_b);
        assert_eq!(png_a, png_b);
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let mut gappy = band("gappy", 0.2, 10);
        gappy.points[3].1 = f64::NAN;
        gappy.points[5].2 = f64::NAN;
        gappy.points[7] = (7, f64::NAN, f64::NAN, f64::INFINITY);
        let all_nan = Band {
            name: "undefined".to_owned(),
            points: vec![(0, f64::NAN, f64::NAN, f64::NAN)],
        };
        let cases: Vec<Vec<Band>> = vec![
            vec![band("single", 0.5, 1)],
            vec![gappy, all_nan.clone()],
            vec![all_nan],
            vec![],
            vec![Band {
                name: "constant".to_owned(),
                points: vec![(2, 3.0, 3.0, 3.0), (4, 3.0, 3.0, 3.0)],
            }],
            vec![Band {
                name: "huge".to_owned(),
                points: vec![(0, -f64::MAX, -f64::MAX, f64::MAX), (1, f64::MAX, 0.0, 1.0)],
            }],
            vec![Band {
                name: "zero".to_owned(),
                points: vec![(0, 0.0, 0.0, 0.0), (1, 0.0, 0.0, 0.0)],
            }],
        ];
        for (i, bands) in cases.iter().enumerate() {
            for unit in [true, false] {
                let (png, svg) = draw_into(dir.path(), &format!("case{i}-{unit}"), bands, unit);
                assert_eq!(png[..8], PNG_SIGNATURE);
                assert!(!svg.is_empty());
            }
        }
    }

    #[test]
    fn many_bands_cycle_colours() {
        let dir = tempfile::tempdir().unwrap();
        let bands: Vec<Band> = (0..10)
            .map(|i| band(&format!("arm {i}"), f64::from(i) * 0.05, 5))
            .collect();
        let (_, svg) = draw_into(dir.path(), "many", &bands, true);
        assert!(String::from_utf8(svg).unwrap().contains("arm 9"));
    }

    #[test]
    fn missing_folder_is_a_chart_error() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("no such folder").join("chart");
        let err = time_series(&[band("a", 0.1, 3)], "t", "x", "y", true, &out).unwrap_err();
        assert!(matches!(err, Error::Chart { .. }), "{err}");
    }

    #[test]
    fn ranges() {
        let b = |points| {
            vec![Series {
                name: "b",
                colour: PALETTE[0],
                points,
            }]
        };
        assert_eq!(x_range(&b(vec![(5, 0.5, 0.4, 0.6)])), (4, 6));
        assert_eq!(x_range(&b(vec![])), (0, 1));
        assert_eq!(y_range(&b(vec![(0, 0.5, 0.4, 0.6)]), true), (0.0, 1.0));
        let (lo, hi) = y_range(&b(vec![(0, 2.0, 1.0, 3.0)]), false);
        assert!((lo - 0.9).abs() < 1e-12 && (hi - 3.1).abs() < 1e-12);
        let (lo, hi) = y_range(&b(vec![(0, 2.0, 2.0, 2.0)]), false);
        assert!(lo < 2.0 && hi > 2.0);
        let (lo, hi) = y_range(&b(vec![(0, f64::NAN, f64::NAN, f64::NAN)]), false);
        assert_eq!((lo, hi), (0.0, 1.0));
    }
}
