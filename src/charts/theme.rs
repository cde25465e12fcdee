//! The look shared by every chart: sizes, fonts and colours.
//!
//! Text is laid out with an embedded copy of DejaVu Sans (licence in `assets/fonts/`), so
//! charts look the same and never fail on machines without system fonts. The SVG names the
//! generic `sans-serif` family, which every viewer can resolve.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

/// Width of every chart, in pixels.
pub(crate) const WIDTH: u32 = 1200;
/// Height of a time-series chart, in pixels.
pub(crate) const HEIGHT: u32 = 750;

/// Registered under the generic CSS name so the SVG's `font-family` works in any viewer.
const FONT_FAMILY: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

// Sizes chosen for legibility when a 1200 px wide chart is shrunk to a paper's column width.
pub(crate) const TITLE_PX: f64 = 32.0;
pub(crate) const AXIS_DESC_PX: f64 = 24.0;
pub(crate) const TICK_PX: f64 = 18.0;
pub(crate) const LEGEND_PX: f64 = 20.0;
/// Titles of the panels of a multi-panel chart.
pub(crate) const PANEL_TITLE_PX: f64 = 24.0;
/// Long axis descriptions are shrunk down to this, never further.
pub(crate) const MIN_TEXT_PX: f64 = 14.0;

pub(crate) const MARGIN: u32 = 20;

/// Okabe–Ito: distinguishable under the common colour-vision deficiencies and in greyscale
/// print order.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];
/// Opacity of a shaded 95 % band, light enough to see other arms' lines through it.
pub(crate) const BAND_ALPHA: f64 = 0.2;
/// Axis lines and tick marks.
pub(crate) const AXIS_INK: RGBColor = RGBColor(80, 80, 80);
/// Grid lines at labelled ticks.
pub(crate) const GRID_BOLD: RGBColor = RGBColor(210, 210, 210);
/// Grid lines between labelled ticks.
pub(crate) const GRID_LIGHT: RGBColor = RGBColor(238, 238, 238);
/// Colour of a cell or point without data.
pub(crate) const NO_DATA: RGBColor = RGBColor(215, 215, 215);

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
pub(crate) fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + f * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `c`.
pub(crate) fn ink_on(c: RGBColor) -> RGBColor {
    let luma = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    if luma > 128.0 { BLACK } else { WHITE }
}

/// Registers the embedded font once per process; plotters keeps it in a global table.
pub(crate) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "the embedded DejaVu Sans font could not be loaded".to_owned())
        })
        .clone()
}

/// The embedded font at `px` pixels.
pub(crate) fn font(px: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px, FontStyle::Normal)
}

/// Text width in pixels at `px`; 0 if it cannot be measured, which only makes layout looser.
pub(crate) fn text_width(text: &str, px: f64) -> u32 {
    // Layout is measured before anything is drawn: without the font registered first, the
    // first chart of a process would be laid out with other widths than the rest. A font that
    // fails to load is reported when drawing.
    let _ = ensure_font();
    font(px).box_size(text).map_or(0, |(w, _)| w)
}

/// The largest size up to `px` at which `text` fits in `room` pixels.
pub(crate) fn fitting_size(text: &str, px: f64, room: u32) -> f64 {
    let width = text_width(text, px);
    if width <= room || width == 0 {
        return px;
    }
    (px * f64::from(room) / f64::from(width))
        .floor()
        .max(MIN_TEXT_PX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_scale() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 145, 140));
        assert_eq!(viridis(2.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(ink_on(viridis(0.0)), WHITE);
        assert_eq!(ink_on(viridis(1.0)), BLACK);
    }
}
