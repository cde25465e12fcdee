//! `accord replay`: re-simulate one run of an output folder, print its rows, and check them
//! against the folder's `timeseries.csv` ([`crate::output::replay`]).

use std::path::Path;

use crate::error::{Error, Result};
use std::io::Write as _;

use crate::output::RunsTable;
use crate::output::replay::{Replay, arm_index, compare, read_manifest, replay, run_rows};

/// Runs `accord replay`: prints the replayed rows (with the header) on stdout, then checks
/// them against `<dir>/timeseries.csv`.
pub fn run(dir: &Path, arm: &str, run: u32, point: u32) -> Result<()> {
    let m = read_manifest(dir)?;
    let mut r = replay(&m, arm, run, point)?;
    out!("{}", lines(&r))?;
    if m.runs_table == RunsTable::None {
        // A note, not a failure: the folder was written without per-run rows on purpose.
        let _ = writeln!(
            std::io::stderr(),
            "note: not checked: `{}` has no timeseries.csv (written with --runs-table none)",
            dir.display()
        );
        return Ok(());
    }
    if m.runs_table == RunsTable::Final {
        // The folder keeps each run's final recorded step only: check that row.
        let last = r.rows.pop();
        r.rows = last.into_iter().collect();
    }
    let ts_path = dir.join(m.table_format.file_name("timeseries"));
    if !ts_path.is_file() {
        return Err(Error::InputFile {
            path: ts_path,
            problem: "is missing, though the manifest says the folder has per-run rows".to_string(),
        });
    }
    let arm_name = &m.scenario.arms[arm_index(&m.scenario, arm)?].name;
    let point = m.scenario.sweep.as_ref().map(|_| point);
    let timeseries = run_rows(&ts_path, arm_name, run, point)?;
    compare(
        &r,
        &timeseries,
        arm_name,
        run,
        point,
        (&m.accord_version, env!("CARGO_PKG_VERSION")),
    )
}

/// The replay's header and rows, one per line, as `timeseries.csv` holds them.
fn lines(r: &Replay) -> String {
    let mut out = String::with_capacity((r.rows.len() + 1) * (r.header.len() + 1));
    out.push_str(&r.header);
    out.push('\n');
    for row in &r.rows {
        out.push_str(row);
        out.push('\n');
    }
    out
}
