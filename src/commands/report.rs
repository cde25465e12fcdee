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
    let drawn = charts::draw_all(dir, charts::Format::Svg)?;
    let path = report::html::write(dir, &drawn)?;
    outln!("wrote {}", path.display())?;
    Ok(())
}
