//! The library's error type and the exit codes it maps to.
//!
//! Two tiers (as in cargo-nextest): anything a user can cause is an [`Error`] value with
//! context; a broken internal invariant is a bug and may panic.

use std::path::PathBuf;

/// Result with accord's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem found in a scenario, located in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// Dotted key path, e.g. `alignment.rate` or `nations[3].stance.privacy`.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        // CSV rows have a line but no column.
        if self.line > 0 && self.column > 0 {
            write!(f, ":{}", self.column)?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": `{}`: {}", self.key, self.message)
        }
    }
}

/// Everything that can go wrong in accord, as a value.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Standard output was closed by its reader (`accord schema | head -1`): not a failure of
    /// accord's, so the process ends quietly with the conventional 141 (128 + SIGPIPE).
    #[error("standard output was closed")]
    OutputClosed,
    /// The scenario has one or more problems; all are listed.
    #[error("{}", render_problems(.0))]
    Scenario(Vec<Problem>),
    /// A command-line argument is unusable.
    #[error("{0}")]
    Usage(String),
    /// A file accord reads back (an output folder or its manifest) is not what accord writes.
    #[error("`{}` {problem}", path.display())]
    InputFile {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong with it, e.g. "is not an output folder (…)".
        problem: String,
    },
    /// A file or folder the user named as input cannot be read at all.
    #[error("cannot read `{}`: {source}{hint}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
        /// What the user may have meant, as "; is …?", or empty.
        hint: String,
    },
    /// A run store (an interrupted run's chunks, or a shard folder) or one of its files is
    /// corrupt, truncated, of another format, or not the shard it should be.
    #[error("`{}` {problem}", path.display())]
    Store {
        /// The store, its `shard.json` or a chunk file.
        path: PathBuf,
        /// What is wrong with it, e.g. "has store format 2, this accord reads format 1".
        problem: String,
    },
    /// A shard folder lacks a chunk, or holds a damaged one.
    #[error("shard folder `{}` is incomplete: {source}", dir.display())]
    IncompleteShard {
        /// The shard folder.
        dir: PathBuf,
        /// Why its first unusable chunk is unusable.
        source: Box<Error>,
    },
    /// A store's chunks do not hold a run where its manifest places it.
    #[error("{0}")]
    StoreRuns(String),
    /// The worker threads could not be started.
    #[error("cannot start {} worker threads: {source}", show_threads(*.threads))]
    ThreadPool {
        /// The requested number (`None`: one per core).
        threads: Option<usize>,
        /// What rayon said.
        source: rayon::ThreadPoolBuildError,
    },
    /// The estimated memory or work of an ensemble is above the budget (`--over-budget`
    /// overrides).
    #[error("{0}")]
    OverBudget(String),
    /// The output folder exists and `--force` was not given.
    #[error("output folder `{}` already exists; pass --force to replace it", .0.display())]
    OutputExists(PathBuf),
    /// `--force` was given for a folder that accord did not write (no manifest, not empty).
    #[error(
        "`{}` is not an accord output folder (it has no manifest.json or shard.json), so --force will not replace it; choose another --out or empty it yourself",
        .0.display()
    )]
    ForeignFolder(PathBuf),
    /// Reading or writing a file failed.
    #[error("failed to {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done, e.g. "read" or "create folder".
        action: &'static str,
        /// Which file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Drawing a chart failed.
    #[error("failed to draw chart `{}`: {message}", path.display())]
    Chart {
        /// Which chart.
        path: PathBuf,
        /// What the backend said.
        message: String,
    },
    /// A replayed run differs from the rows its output folder holds.
    #[error("{0}")]
    ReplayMismatch(String),
    /// The run was interrupted (Ctrl-C); nothing was written.
    #[error("interrupted; no output was written and any previous output folder is unchanged")]
    Interrupted,
    /// A chunked run was interrupted: finished chunks are kept for `--resume`.
    #[error("{0}")]
    Paused(String),
}

/// `4`, or "one per core" when the number was left to rayon.
fn show_threads(threads: Option<usize>) -> String {
    threads.map_or_else(|| "one per core".to_string(), |n| n.to_string())
}

fn render_problems(problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push_str("\nerror: ");
        }
        out.push_str(&p.to_string());
    }
    if problems.len() > 1 {
        out.push_str(&format!("\n{} problems found", problems.len()));
    }
    out
}

impl Error {
    /// The process exit code: 2 for bad input, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario(_)
            | Error::Usage(_)
            | Error::InputFile { .. }
            | Error::Unreadable { .. }
            | Error::Store { .. }
            | Error::IncompleteShard { .. }
            | Error::StoreRuns(_)
            | Error::ThreadPool { .. }
            | Error::OutputExists(_)
            | Error::ForeignFolder(_)
            | Error::OverBudget(_) => 2,
            Error::Io { .. }
            | Error::Chart { .. }
            | Error::ReplayMismatch(_)
            | Error::Interrupted
            | Error::Paused(_) => 1,
            Error::OutputClosed => 141,
        }
    }

    /// An I/O error with context.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
