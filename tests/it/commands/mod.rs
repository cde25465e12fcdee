//! Each subcommand end to end through the `accord` binary, one module per command (`run`
//! also covers `validate` on valid input; `plot_sweep` the charts `accord plot` draws for
//! sweeps; `discover` also covers `robustness.csv`).

mod describe;
mod discover;
mod init;
mod merge;
mod plot;
mod plot_sweep;
mod replay;
pub(crate) mod report;
mod run;
mod schema;
mod slurm;
