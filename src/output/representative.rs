//! `representative_states.csv`: the final stances of one representative run per arm, which
//! the stance chart projects to two dimensions.
//!
//! The runs are re-simulated when the folder is written, so that charts only ever draw from
//! the folder's files: `accord plot` redraws the same chart without simulating.

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment;
use crate::fmt::fmt_f64;
use crate::scenario::Scenario;

/// File name of the representative states, inside an output folder.
pub const REPRESENTATIVE_STATES: &str = "representative_states.csv";

/// The columns before the dimensions, as the writer writes and the reader expects them.
const FIXED: [&str; 5] = ["arm", "run", "nation", "gdp", "capability"];

/// Writes `representative_states.csv` into `dir`: `arm,run,nation,gdp,capability,<dims…>` for
/// the representative run of every arm ([`experiment::representative_states`]: run 0, at sweep
/// point 0 when the scenario has a sweep, at the final step).
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_representative_states(dir: &Path, scenario: &Scenario) -> Result<()> {
    let path = dir.join(REPRESENTATIVE_STATES);
    let csv_err = |e: csv::Error| {
        let text = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io("write", &path, io),
            _ => Error::io("write", &path, std::io::Error::other(text)),
        }
    };
    let mut w = csv::Writer::from_path(&path).map_err(csv_err)?;
    let mut header = FIXED.to_vec();
    header.extend(scenario.dimensions.iter().map(String::as_str));
    w.write_record(&header).map_err(csv_err)?;
    for r in experiment::representative_states(scenario) {
        let mut row = vec![
            scenario.arms[r.arm].name.clone(),
            "0".to_owned(),
            r.state.nation,
            fmt_f64(r.gdp),
            fmt_f64(r.state.capability),
        ];
        row.extend(r.state.stance.iter().map(|x| fmt_f64(*x)));
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush().map_err(|e| Error::io("write", &path, e))
}

/// One nation of `representative_states.csv` (the columns the stance chart uses).
#[derive(Clone, Debug, PartialEq)]
pub struct RepresentativeNation {
    /// Arm name.
    pub arm: String,
    /// Nation id.
    pub id: String,
    /// Configured GDP (the size of its point).
    pub gdp: f64,
    /// Final stance, one value per dimension.
    pub stance: Vec<f64>,
}

/// Reads `representative_states.csv` at `path`: the dimension names (the columns after the
/// fixed ones) and every nation, in file order.
///
/// # Errors
///
/// [`Error::Usage`] when the file cannot be read or parsed.
pub fn read_representative_states(path: &Path) -> Result<(Vec<String>, Vec<RepresentativeNation>)> {
    let bad = |m: String| Error::Usage(format!("`{}`: {m}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    if headers.len() < FIXED.len() || headers.iter().zip(FIXED).any(|(h, f)| h != f) {
        return Err(bad(format!(
            "the header must start with {}",
            FIXED.join(",")
        )));
    }
    let dims: Vec<String> = headers
        .iter()
        .skip(FIXED.len())
        .map(str::to_owned)
        .collect();
    let mut nations = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let num = |j: usize| -> Result<f64> {
            let text = record.get(j).unwrap_or("");
            text.parse().map_err(|_| {
                bad(format!(
                    "row {}: `{}` is `{text}`, not a number",
                    i + 2,
                    headers.get(j).unwrap_or("")
                ))
            })
        };
        nations.push(RepresentativeNation {
            arm: record.get(0).unwrap_or("").to_owned(),
            id: record.get(2).unwrap_or("").to_owned(),
            gdp: num(3)?,
            stance: (FIXED.len()..headers.len())
                .map(num)
                .collect::<Result<_>>()?,
        });
    }
    Ok((dims, nations))
}
