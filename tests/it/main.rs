//! accord's integration tests, as one test binary: one link instead of one per file, and
//! shared helpers in `support`. Modules are grouped by the guarantee they check; the
//! README's "Testing and reproducibility" section maps each promise to its tests.
//!
//! Tests run in parallel threads of this one process, so none changes the working folder
//! or the environment, and each writes only inside its own scratch folder
//! (`support::tempdir`).

mod bad_input;
mod browser;
mod classic;
mod commands;
mod determinism;
mod invariants;
mod memory;
mod parquet;
mod resume;
mod sensitivity;
mod streams;
mod support;
mod sweep;
mod world2025;
