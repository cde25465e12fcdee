//! `accord data …`: regenerate data-derived inputs ([`crate::data`]).

use crate::cli::args::DataCommand;
use crate::error::Result;

/// Runs `accord data world`: one summary line, and every excluded UN member with its reason,
/// so the missing-data rule is visible whenever the file is regenerated.
pub fn run(cmd: &DataCommand) -> Result<()> {
    match cmd {
        DataCommand::World { data, out } => {
            let world = crate::data::regenerate(data, out)?;
            outln!(
                "wrote {} nations to {} ({} UN members excluded)",
                world.nations.len(),
                out.display(),
                world.excluded.len()
            )?;
            for x in &world.excluded {
                outln!("  excluded {} ({}): {}", x.id, x.name, x.reason)?;
            }
            Ok(())
        }
    }
}
