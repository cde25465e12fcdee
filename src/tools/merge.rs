//! `accord merge`: shard folders into the output folder an unsharded run writes.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// Arguments of `accord merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard folders written by `accord run --shard K/N`.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// The output folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,
}

/// Merges the shards named in `args`.
pub fn run(args: &MergeArgs) -> Result<()> {
    Err(Error::Usage(format!(
        "accord merge is not implemented yet ({} shards given)",
        args.shards.len()
    )))
}
