//! Experiments: ensembles over arms and runs, their statistics, and the chunk stores that
//! hold them on disk.
//!
//! An ensemble simulates every (arm, run) pair as an independent world, in parallel across
//! runs (rayon), and collects results in (arm, run) order, so nothing in the output depends
//! on the thread count or on scheduling.

pub mod budget;
mod cells;
pub mod chunk;
mod chunk_set;
mod effects;
mod ensemble;
mod representative;
mod shard;
mod source;
pub mod stats;
pub mod store;

pub use chunk_set::{ChunkSet, check_together, read_shards};
pub use effects::{EffectRow, EffectSteps, paired_effects};
pub use ensemble::{
    Ensemble, EnsembleConfig, RunRecord, SummaryRow, run_ensemble, run_ensemble_until, run_single,
    summarize, summarize_each,
};

/// Seeds live in the leaf module [`crate::seed`]; this path stays for callers of the experiment API.
pub use crate::seed::run_seed;
pub use representative::{RepresentativeState, representative_states};
pub use shard::Shard;
pub use source::{Layout, RunSource, RunView};
