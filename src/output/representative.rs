//! The representative states table (`representative_states.csv` or `.parquet`): the final stances of one representative run per arm, which
//! the stance chart projects to two dimensions.
//!
//! The runs are re-simulated when the folder is written, so that charts only ever draw from
//! the folder's files: `accord plot` redraws the same chart without simulating.

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment;
use crate::scenario::Scenario;
use crate::table::{Cell, Column, Kind, TableFormat, TableWriter, column};

/// The table's name inside an output folder (`representative_states.csv` or `.parquet`).
pub const REPRESENTATIVE_STATES: &str = "representative_states";

/// The columns before the dimensions, as the writer writes and the reader expects them.
const FIXED: [(&str, Kind); 5] = [
    ("arm", Kind::Text),
    ("run", Kind::Int),
    ("nation", Kind::Text),
    ("gdp", Kind::Float),
    ("capability", Kind::Float),
];

/// The table's columns for a scenario with these dimensions.
pub fn representative_columns(dimensions: &[String]) -> Vec<Column> {
    let fixed = FIXED.iter().map(|&(name, kind)| column(name, kind));
    fixed
        .chain(dimensions.iter().map(|d| column(d.clone(), Kind::Float)))
        .collect()
}

/// Writes the representative states into `dir` in `format`:
/// `arm,run,nation,gdp,capability,<dims…>` for the representative run of every arm
/// ([`experiment::representative_states`]: run 0, at sweep point 0 when the scenario has a
/// sweep, at the final step).
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_representative_states(
    dir: &Path,
    format: TableFormat,
    scenario: &Scenario,
) -> Result<Vec<Column>> {
    let columns = representative_columns(&scenario.dimensions);
    let mut w = TableWriter::create(dir, REPRESENTATIVE_STATES, format, columns)?;
    for r in experiment::representative_states(scenario) {
        let mut row = vec![
            Cell::Text(&scenario.arms[r.arm].name),
            Cell::Int(0),
            Cell::Text(&r.state.nation),
            Cell::float(r.gdp),
            Cell::float(r.state.capability),
        ];
        row.extend(r.state.stance.iter().map(|x| Cell::float(*x)));
        w.row(&row)?;
    }
    w.finish()
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
    let mut reader = crate::table::Rows::open(path)?;
    let headers = reader.header().to_vec();
    if headers.len() < FIXED.len() || headers.iter().zip(FIXED).any(|(h, (f, _))| h != f) {
        let names: Vec<&str> = FIXED.iter().map(|&(name, _)| name).collect();
        return Err(bad(format!(
            "the header must start with {}",
            names.join(",")
        )));
    }
    let dims: Vec<String> = headers[FIXED.len()..].to_vec();
    let mut nations = Vec::new();
    while reader.advance()? {
        let num = |j: usize| -> Result<f64> {
            let text = reader.get(j);
            text.parse().map_err(|_| {
                bad(format!(
                    "row {}: `{}` is `{text}`, not a number",
                    reader.line(),
                    headers.get(j).map_or("", String::as_str)
                ))
            })
        };
        nations.push(RepresentativeNation {
            arm: reader.get(0).to_owned(),
            id: reader.get(2).to_owned(),
            gdp: num(3)?,
            stance: (FIXED.len()..headers.len())
                .map(num)
                .collect::<Result<_>>()?,
        });
    }
    Ok((dims, nations))
}
