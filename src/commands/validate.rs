//! `accord validate`: load a scenario, reporting every problem, and summarise it in one line.

use std::path::Path;

use crate::error::Result;
use crate::scenario::{self, LoadOptions};

/// Runs `accord validate`.
pub fn run(path: &Path, allow_outside_inputs: bool) -> Result<()> {
    let s = scenario::load_with(
        path,
        &LoadOptions {
            allow_outside_inputs,
        },
    )?;
    let points = match &s.sweep {
        Some(w) => format!(", {} sweep points", w.points.len()),
        None => String::new(),
    };
    outln!(
        "ok: {} nations, {} dimensions, {} arms, {} steps{points}",
        s.nation_count(),
        s.dimensions.len(),
        s.arms.len(),
        s.steps
    )?;
    Ok(())
}
