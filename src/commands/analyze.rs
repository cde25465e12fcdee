//! `accord analyze`: recompute an output folder's `sensitivity.csv` and `robustness.csv` from
//! the folder alone (the latter with `--satisfice` thresholds when given).
//!
//! The file is a function of the manifest (design, seed) and the per-point means in
//! `summary.csv` and `effects.csv`, so this writes the same bytes `run` and `merge` wrote;
//! it is how a folder's analysis is checked, or redone by a newer accord.

use std::path::Path;

use crate::analysis::robustness::Satisfice;
use crate::charts;
use crate::error::Result;
use crate::output::{self, sensitivity};

/// Runs `accord analyze <OUTPUT_DIR>`: sensitivity indices for a `sobol` or `morris` sweep,
/// robustness across arms for any sweep with two or more arms; a folder with neither is bad
/// input (the sensitivity error says why, or the robustness one when thresholds were given).
pub fn run(dir: &Path, satisfice: &[Satisfice]) -> Result<()> {
    let sensitivity = sensitivity::analyze_folder(dir);
    let format = output::replay::read_manifest(dir).map(|m| m.table_format);
    let robustness = format.and_then(|f| output::write_robustness(dir, f, satisfice));
    let (sensitivity, robustness) = match (sensitivity, robustness) {
        (Err(e), Err(r)) => return Err(if satisfice.is_empty() { e } else { r }),
        // Thresholds the user asked for must not be dropped silently.
        (_, Err(r)) if !satisfice.is_empty() => return Err(r),
        (s, r) => (s.ok(), r.ok()),
    };
    if let Some(path) = sensitivity {
        let drawn = charts::draw_sensitivity(dir, charts::Format::Both)?;
        outln!("wrote {}", path.display())?;
        outln!(
            "wrote {} chart files to {}",
            drawn.len(),
            dir.join("charts").display()
        )?;
    }
    if let Some(path) = robustness {
        outln!("wrote {}", path.display())?;
    }
    outln!("wrote {}", super::report::refresh(dir)?.display())?;
    Ok(())
}
