//! Helper commands around scenarios and output folders: `accord replay`, `describe`, `init`,
//! `schema`, `merge` and `slurm`. Each returns its result as a value; `cli` only parses arguments and prints.

pub mod describe;
pub mod init;
pub mod merge;
pub mod replay;
pub mod run;

pub mod slurm;
