//! Scenario files: the TOML format, its validation, and the resolved [`Scenario`].
//!
//! [`load`] reads a file and either returns a validated [`Scenario`] or every problem found,
//! each located by file, line, column and key.

pub mod check;
pub mod docs;
pub mod keys;
pub mod limits;
pub(crate) mod load;
mod nations_file;
pub mod params;
mod reader;
pub mod schema;
pub mod spec;
pub mod sweep;
mod types;

pub use load::{LoadOptions, input_files, load, load_with, parse_str, parse_str_with};
pub use spec::{Named, ParamKeys};
pub use types::*;
