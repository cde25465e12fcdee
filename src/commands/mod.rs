//! The subcommands' glue: load the inputs, call the library, print the results.

pub mod merge;
pub mod run;
