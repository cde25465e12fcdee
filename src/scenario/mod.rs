//! Scenario files: the TOML format, its validation, and the resolved [`Scenario`].

mod types;
pub use types::*;
