//! Output folders: CSV writers, the manifest, replaying a folder's run, the end-of-run
//! table printed beside them, and the tables analysed across a sweep's points (robustness,
//! scenario discovery).
//!
//! Every file here is a pure function of the ensemble and the scenario (floats in one
//! fixed format, rows in (arm, run, step) order), so the same scenario and seed give the
//! same bytes on any machine and thread count; only the manifest's times differ.

mod console;
pub mod discovery;
mod folder;
mod location;
pub mod manifest;
pub mod outcomes;
pub mod replay;
mod representative;
pub mod robustness;
pub mod sensitivity;
mod tables;
/// The float format lives in the leaf module [`crate::fmt`]; this path stays for the charts.
pub use console::end_of_run_table;
pub use folder::{Results, write_folder};
pub use location::{check_merge_output, check_output_location};
pub use manifest::manifest_for;
pub use representative::{
    REPRESENTATIVE_STATES, RepresentativeNation, read_representative_states,
    write_representative_states,
};
pub use robustness::write_robustness;
pub use tables::{
    RunsTable, param_text, timeseries_csv, write_effects, write_points, write_runs_table,
    write_states, write_summary, write_timeseries,
};
