//! `accord schema`: print the scenario format's JSON Schema ([`crate::scenario::schema`]).

use crate::error::Result;
use crate::scenario;

/// Runs `accord schema`.
pub fn run() -> Result<()> {
    out!("{}", scenario::schema::render())?;
    Ok(())
}
