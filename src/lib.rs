//! accord: a policy-alignment simulation engine.
//!
//! Nations are bevy_ecs entities whose regulatory stances move under alignment dynamics,
//! open-source capability diffusion and cooperation bodies; metrics measure how fragmented
//! the resulting regimes are. Seeded ensembles in counterfactual arms give paired effects.
//!
//! The dependency direction is visible in the tree: [`scenario`] (input) → [`model`]
//! (simulation, no I/O) and [`metrics`] (pure functions) → [`experiment`] (ensembles and
//! statistics) → [`output`] and [`charts`] (files) → [`cli`].
#![warn(missing_docs)]

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
pub mod templates;

pub use error::{Error, Result};
