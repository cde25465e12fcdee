//! `accord init`: write a starter scenario ([`crate::templates`]).

use std::path::Path;

use crate::error::Result;
use crate::templates::{self, Template};

/// Runs `accord init`.
pub fn run(path: &Path, template: Template, force: bool) -> Result<()> {
    templates::write(path, template, force)?;
    outln!("wrote {}", path.display())?;
    Ok(())
}
