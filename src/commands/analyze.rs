//! `accord analyze`: recompute an output folder's `sensitivity.csv` from the folder alone.
//!
//! The file is a function of the manifest (design, seed) and the per-point means in
//! `summary.csv` and `effects.csv`, so this writes the same bytes `run` and `merge` wrote;
//! it is how a folder's analysis is checked, or redone by a newer accord.

use std::path::Path;

use crate::charts;
use crate::error::Result;
use crate::output::sensitivity;

/// Runs `accord analyze <OUTPUT_DIR>`.
pub fn run(dir: &Path) -> Result<()> {
    let path = sensitivity::analyze_folder(dir)?;
    let drawn = charts::draw_sensitivity(dir, charts::Format::Both)?;
    outln!("wrote {}", path.display())?;
    outln!(
        "wrote {} chart files to {}",
        drawn.len(),
        dir.join("charts").display()
    )?;
    Ok(())
}
