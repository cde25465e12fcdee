//! `accord slurm`: a ready Slurm job script for a sharded ensemble (array job + merge job).

use std::path::PathBuf;

use crate::error::{Error, Result};

/// Arguments of `accord slurm`.
#[derive(Debug, clap::Args)]
pub struct SlurmArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of shards (array tasks).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: u32,
}

/// Writes the job script described by `args`.
pub fn run(args: &SlurmArgs) -> Result<()> {
    Err(Error::Usage(format!(
        "accord slurm is not implemented yet ({} shards requested)",
        args.shards
    )))
}
