//! `accord plot`: redraw an output folder's charts from its CSVs.

use crate::charts;
use crate::cli::args::PlotArgs;
use crate::error::Result;

/// Runs `accord plot`: redraws `<dir>/charts/` from the folder's CSVs and lists the files.
pub fn run(args: &PlotArgs) -> Result<()> {
    let written = charts::draw_all(&args.output_dir, args.format)?;
    outln!(
        "wrote {} chart files to {}",
        written.len(),
        args.output_dir.join("charts").display()
    )?;
    Ok(())
}
