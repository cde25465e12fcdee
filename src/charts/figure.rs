//! What every chart shares beyond its look: the [`Figure`] trait that draws one figure into
//! PNG and SVG alike, the file names, and the helpers for values and ticks.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{AXIS_INK, TICK_PX, ensure_font, font};
use crate::error::Error;

/// Which image files to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// PNG only (for viewing).
    Png,
    /// SVG only (for papers; byte-identical for the same CSVs).
    Svg,
    /// Both.
    #[default]
    Both,
}

impl Format {
    /// Whether PNG files are written.
    pub fn png(self) -> bool {
        matches!(self, Format::Png | Format::Both)
    }

    /// Whether SVG files are written.
    pub fn svg(self) -> bool {
        matches!(self, Format::Svg | Format::Both)
    }
}

/// A figure drawn by one generic function into any backend, so PNG and SVG cannot drift
/// apart.
pub(crate) trait Figure {
    /// Draws the whole figure into `root`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// Registers the font and draws `figure` (`size` pixels) into every file `format` asks for:
/// `<out_stem>.png` and/or `<out_stem>.svg`. Returns the files written.
pub(crate) fn render(
    out_stem: &Path,
    format: Format,
    size: (u32, u32),
    figure: &impl Figure,
) -> crate::Result<Vec<PathBuf>> {
    let chart_error = |path: &Path, message: String| Error::Chart {
        path: path.to_path_buf(),
        message,
    };
    ensure_font().map_err(|m| chart_error(out_stem, m))?;
    let mut written = Vec::new();
    if format.png() {
        let png = with_suffix(out_stem, "png");
        let mut pixels = vec![255u8; 3 * size.0 as usize * size.1 as usize];
        figure
            .draw(BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area())
            .map_err(|e| chart_error(&png, e.to_string()))?;
        encode_png(&png, &pixels, size).map_err(|m| chart_error(&png, m))?;
        written.push(png);
    }
    if format.svg() {
        let svg = with_suffix(out_stem, "svg");
        figure
            .draw(SVGBackend::new(&svg, size).into_drawing_area())
            .map_err(|e| chart_error(&svg, e.to_string()))?;
        written.push(svg);
    }
    Ok(written)
}

/// Writes RGB `pixels` (`size` pixels) to `path` as a PNG: fast deflate, and the `Paeth`
/// filter on every row.
///
/// plotters' own writer lets the encoder try every filter on every row and keep the best,
/// which was most of the time `accord run` spends on charts (about 200 M instructions for
/// the eight PNGs of a small study, against 23 M per run of a 1,000-nation simulation).
/// `Paeth` alone costs half that and gives files within a few per cent of the same size
/// (`Sub` or `Up` alone were cheaper still but made them twice as large).
fn encode_png(path: &Path, pixels: &[u8], (width, height): (u32, u32)) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Paeth);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// `path` with `.ext` appended, keeping any dots already in the stem.
pub(crate) fn with_suffix(stem: &Path, ext: &str) -> PathBuf {
    let mut s = OsString::from(stem.as_os_str());
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// A file name made only of `[a-z0-9_-]`, so a metric name from a CSV can never leave the
/// charts folder or upset a file system.
pub(crate) fn file_stem(metric: &str) -> String {
    let stem: String = metric
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "metric".to_owned()
    } else {
        stem
    }
}

/// Far beyond any meaningful statistic, yet small enough that spans and padding stay finite.
const MAX_ABS_Y: f64 = 1e300;

/// Limits finite values to ±[`MAX_ABS_Y`]: plotters loops forever placing ticks on an axis
/// whose span overflows to infinity, and overflows pixel arithmetic for points far outside the
/// axis. Non-finite values pass through and become gaps.
pub(crate) fn clip(y: f64) -> f64 {
    if y.is_finite() {
        y.clamp(-MAX_ABS_Y, MAX_ABS_Y)
    } else {
        y
    }
}

/// A tick label with as many decimals as the axis span needs, and never "-0".
pub(crate) fn tick(v: f64, span: f64) -> String {
    let decimals = if span.is_finite() && span > 0.0 {
        (1.0 - span.log10().floor()).clamp(0.0, 8.0) as usize
    } else {
        2
    };
    let text = format!("{v:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_owned()
    } else {
        text
    }
}

/// A chart on plain `f64` axes.
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws tick marks and labels at fixed positions along the bottom (`horizontal`) or left
/// axis of `chart`, which lies in `area`: plotters places its own ticks at round numbers,
/// which would fall between grid cells or categories.
pub(crate) fn draw_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    ticks: &[(f64, &str)],
    horizontal: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x0, y0) = (chart.x_range().start, chart.y_range().start);
    let (ax, ay) = area.get_base_pixel();
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
        area.draw(&PathElement::new(mark, AXIS_INK.stroke_width(1)))?;
        area.draw(&Text::new(
            label,
            at,
            font(TICK_PX).color(&BLACK).pos(anchor),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_files_decode_to_the_pixels_drawn() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.png");
        let (w, h) = (7u32, 5u32);
        let pixels: Vec<u8> = (0..3 * w * h).map(|i| (i * 37 % 251) as u8).collect();
        encode_png(&path, &pixels, (w, h)).expect("encodes");
        let file = std::fs::File::open(&path).expect("opens");
        let mut reader = png::Decoder::new(std::io::BufReader::new(file))
            .read_info()
            .expect("a PNG header");
        let mut out = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut out).expect("a frame");
        assert_eq!((info.width, info.height), (w, h));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&out[..info.buffer_size()], &pixels[..]);
    }

    #[test]
    fn file_stems_stay_inside_the_folder() {
        assert_eq!(file_stem("members_waico"), "members_waico");
        assert_eq!(file_stem("../etc/passwd"), "___etc_passwd");
        assert_eq!(file_stem(""), "metric");
    }

    #[test]
    fn formats() {
        assert!(Format::Both.png() && Format::Both.svg());
        assert!(Format::Png.png() && !Format::Png.svg());
        assert!(!Format::Svg.png() && Format::Svg.svg());
    }

    #[test]
    fn ticks_have_no_negative_zero() {
        assert_eq!(tick(-0.0000000001, 0.4), "0.00");
        assert_eq!(tick(-0.25, 0.4), "-0.25");
        assert_eq!(tick(-0.04, 0.05), "-0.040");
        assert_eq!(tick(120.0, 300.0), "120");
    }
}
