//! `accord describe`: print a scenario's model as Markdown ([`crate::report::describe`]).

use std::path::Path;

use crate::error::Result;
use crate::report;
use crate::scenario::{self, LoadOptions};

/// Runs `accord describe`.
pub fn run(path: &Path, allow_outside_inputs: bool) -> Result<()> {
    let s = scenario::load_with(
        path,
        &LoadOptions {
            allow_outside_inputs,
        },
    )?;
    out!("{}", report::describe::describe(&s))?;
    Ok(())
}
