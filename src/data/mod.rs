//! Scenario inputs derived from public data: the world of `scenarios/world2025.toml`.
//!
//! The world scenario's nations are not typed by hand but derived from source CSVs copied
//! into `scenarios/data/` (World Bank, Oxford Insights' Government AI Readiness Index 2025,
//! membership lists). Keeping the derivation in the library, as pure functions from parsed
//! tables to rows, means anyone can re-run it (`accord data world`), a test can check that the
//! committed `world_nations.csv` is exactly what the rules produce, and every rule stated in
//! `scenarios/README.md` has one place in code.

pub mod world;

pub use world::{
    Excluded, NationRow, Sources, World, derive, global_south, read_sources, regenerate,
    to_nations_csv,
};
