//! Experiments: seeding, ensembles over arms and runs, and their statistics.
//!
//! An ensemble simulates every (arm, run) pair as an independent world, in parallel across
//! runs (rayon), and collects results in (arm, run) order, so nothing in the output depends
//! on the thread count or on scheduling.

pub mod chunk;
mod effects;
mod ensemble;
mod representative;
pub mod seed;
mod shard;
mod source;
pub mod stats;
pub mod store;

pub use effects::{EffectRow, paired_effects};
pub use ensemble::{
    Ensemble, EnsembleConfig, RunRecord, SummaryRow, run_ensemble, run_ensemble_until, run_single,
    summarize,
};

pub use representative::{RepresentativeState, representative_states};
pub use seed::run_seed;
pub use shard::Shard;
pub use source::{Layout, RunSource, RunView};
