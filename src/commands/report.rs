//! `accord report`: write an output folder's `report.html` again from its files alone.
//!
//! The SVG charts are redrawn first (as `accord plot --format svg` would, byte-identical to
//! what `run` drew), so the page never embeds a chart older than the CSVs beside it.

use crate::charts;
use crate::cli::args::ReportArgs;
use crate::error::Result;
use crate::report;

/// Runs `accord report`.
pub fn run(args: &ReportArgs) -> Result<()> {
    let dir = &args.output_dir;
    // Refuse a folder that is not an output folder before touching its charts.
    if !dir.join(crate::atomic::OUTPUT_MANIFEST).is_file() {
        return Err(crate::Error::Usage(format!(
            "`{}` has no manifest.json; pass an output folder written by `accord run` or \
             `accord merge`",
            dir.display()
        )));
    }
    let path = refresh(dir)?;
    outln!("wrote {}", path.display())?;
    Ok(())
}

/// Redraws the SVG charts and rewrites `report.html` of output folder `dir`, so that a
/// command that adds to a finished folder (`analyze`, `discover`) leaves a page that shows it.
pub(super) fn refresh(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let drawn = charts::draw_all(dir, charts::Format::Svg)?;
    report::html::write(dir, &drawn)
}
