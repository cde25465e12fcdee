//! `accord schema`: print the scenario format's JSON Schema ([`crate::report::schema`]).

use crate::error::Result;
use crate::report;

/// Runs `accord schema`.
pub fn run() -> Result<()> {
    print!("{}", report::schema::render());
    Ok(())
}
