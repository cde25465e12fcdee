//! The subcommands' glue: each file loads what its command needs, calls the library, and
//! prints the result; [`main`] parses the command line ([`crate::cli`]) and dispatches.
//!
//! Exit codes: 0 success, 2 bad input (arguments, scenario, or a folder handed back to
//! accord), 1 anything else. Every error is printed as one readable message on stderr;
//! nothing here panics on user input.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::fmt::escape_controls;

/// `print!` for commands: a closed pipe or a full disk becomes an [`Error`] instead of a
/// panic, and control characters from user input are escaped on the way out.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::commands::write_stdout(&format!($($arg)*))
    };
}

/// `println!` for commands, as [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::commands::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `text` to standard output and flushes it, so that a failure surfaces here.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(escape_controls(text).as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Error::OutputClosed,
            _ => Error::io("write", "standard output", e),
        })
}

pub mod analyze;
pub mod data;
pub mod describe;
pub mod discover;
pub mod init;
pub mod merge;
pub mod plot;
pub mod replay;
pub mod report;
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
        Err(Error::OutputClosed) => ExitCode::from(Error::OutputClosed.exit_code()),
        Err(e) => {
            // A closed or failing stderr leaves nothing to report to.
            let text = format!("error: {e}\n");
            let _ = std::io::stderr().write_all(escape_controls(&text).as_bytes());
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
        Command::Analyze {
            output_dir,
            satisfice,
        } => analyze::run(&output_dir, &satisfice),
        Command::Discover(args) => discover::run(&args),
        Command::Report(args) => report::run(&args),
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
