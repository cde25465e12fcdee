//! Where an output folder may go (stub; the robustness branch implements it).

use std::path::{Path, PathBuf};

/// Refuses output folders that would mix results into, or on `--force` delete, the inputs.
pub fn check_output_location(
    out: &Path,
    scenario_file: &Path,
    inputs: &[PathBuf],
) -> crate::Result<()> {
    let _ = (out, scenario_file, inputs);
    Ok(())
}
