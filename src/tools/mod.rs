//! Helper commands around scenarios and output folders: `accord replay`, `describe`, `init`
//! and `schema`. Each returns its result as a value; `cli` only parses arguments and prints.

pub mod describe;
pub mod init;
pub mod replay;
pub mod schema;
