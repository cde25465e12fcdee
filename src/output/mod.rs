//! Output folders: atomic creation, CSV writers and the manifest.

pub mod atomic;
pub mod format;
