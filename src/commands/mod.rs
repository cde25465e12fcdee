//! The subcommands' glue: each file loads what its command needs, calls the library, and
//! prints the result; [`main`] parses the command line ([`crate::cli`]) and dispatches.
//!
//! Exit codes: 0 success, 2 bad input (arguments, scenario, or a folder handed back to
//! accord), 1 anything else. Every error is printed as one readable message on stderr;
//! nothing here panics on user input.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::Result;

pub mod data;
pub mod describe;
pub mod init;
pub mod merge;
pub mod plot;
pub mod replay;
pub mod run;
pub mod schema;
pub mod slurm;
pub mod validate;

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs one subcommand.
pub fn dispatch(command: Command) -> Result<()> {
    match command {
        Command::Validate {
            scenario,
            allow_outside_inputs,
        } => validate::run(&scenario, allow_outside_inputs),
        Command::Merge(args) => merge::run(&args),
        Command::Slurm(args) => slurm::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Data(cmd) => data::run(&cmd),
        Command::Plot(args) => plot::run(&args),
        Command::Replay {
            output_dir,
            arm,
            run,
            point,
        } => replay::run(&output_dir, &arm, run, point),
        Command::Init {
            path,
            template,
            force,
        } => init::run(&path, template, force),
        Command::Schema => schema::run(),
        Command::Describe {
            scenario,
            allow_outside_inputs,
        } => describe::run(&scenario, allow_outside_inputs),
    }
}
