//! accord: a policy-alignment simulation engine.
//!
//! Nations are bevy_ecs entities whose regulatory stances move under alignment dynamics,
//! open-source capability diffusion and cooperation bodies; metrics measure how fragmented
//! the resulting regimes are. Seeded ensembles in counterfactual arms give paired effects.
//!
//! # Layers
//!
//! Modules depend only on modules below them (`A ← B`: B uses A), so each can be read, tested
//! and changed without the ones above it; `.ci/layering.py` fails CI on any import cycle,
//! between top-level modules or between the files of one.
//!
//! - Leaves, used by anything: [`error`], [`seed`] (per-run seeds), [`fmt`] (the CSV float
//!   format, escaping of user text), [`provenance`] (what produced a result: engine, input
//!   hashes, seed, runs, command), [`atomic`] (output folders that appear whole or not at
//!   all), [`stats`] (pure statistics such as PCA and the Sobol' sequence), [`table`] (typed
//!   tables written as CSV or Parquet and read back as text) and [`analysis`] (sensitivity
//!   estimators over plain arrays).
//! - [`scenario`] (input, validated) ← [`metrics`] (pure functions) ← [`model`] (simulation,
//!   no I/O) ← [`experiment`] (ensembles, statistics, and the chunk stores behind `run`,
//!   `--resume`, shards and `merge`) ← [`output`] (the output folder's files, replay, the
//!   end-of-run table) ← [`charts`] (drawn from an output folder's CSVs).
//! - [`analysis`] (exploratory modelling over a sweep's point outcomes: scenario discovery,
//!   robustness; pure functions) on [`metrics`]' catalogue and [`experiment`]'s statistics;
//!   [`output`] reads the folder's tables for it and writes what it returns.
//! - Beside them, each on what it needs: [`report`] (describe's Markdown, and the study page
//!   `report.html` read back from an output folder's files) on [`scenario`] (whose key table
//!   also generates the JSON Schema and the README's key reference) and [`metrics`];
//!   [`slurm`] (job scripts) on [`experiment`]; [`templates`] (starter
//!   scenarios) and [`data`] (regenerating the world scenario's nations) on the leaves.
//! - [`cli`] (the command line as clap parses it) ← [`commands`] (one file per subcommand:
//!   load, call the library, print; and `main`) ← the `accord` binary.
#![warn(missing_docs)]

pub mod analysis;
pub mod atomic;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod data;
pub mod error;
pub mod experiment;
pub mod fmt;
pub mod metrics;
pub mod model;
pub mod output;
pub mod provenance;
pub mod report;
pub mod scenario;
pub mod seed;
pub mod slurm;
pub mod stats;
pub mod table;
pub mod templates;

pub use error::{Error, Result};
