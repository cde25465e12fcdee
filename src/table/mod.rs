//! Tables in either of two formats: CSV, which any tool opens, and Apache Parquet, which
//! dataframe libraries load an order of magnitude faster and without parsing text.
//!
//! A table is declared once as typed [`Column`]s and written row by row as [`Cell`]s, so the
//! CSV and the Parquet file of the same rows cannot drift apart: the CSV form of a cell is the
//! one fixed text format ([`crate::fmt`]), the Parquet form is its typed value (floats as the
//! exact f64, undefined as null). Readers see every table through [`scan`], which renders a
//! Parquet cell as the CSV text of the same cell; so charts, the report and the analyses of a
//! Parquet folder are byte for byte those of the CSV folder of the same ensemble.
//!
//! The column names and types of every table accord writes are versioned together as
//! [`SCHEMA_VERSION`]; each Parquet file carries it in its key-value metadata and the manifest
//! records it, so a reader can refuse a table newer than it understands instead of misreading
//! it.

mod parquet;
mod read;
mod write;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use read::{Rows, scan};
pub use write::{TableWriter, csv_text, csv_to};

/// The version of the tables' column names and types. Bump it when a column is renamed,
/// retyped or removed (adding a column to the end is compatible for readers by name, but
/// bump it too, so the manifest says which layout a folder has).
pub const SCHEMA_VERSION: u32 = 1;

/// The Parquet key-value metadata key holding [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "accord.schema_version";

/// The file format of an output folder's tables (`--table-format`, `[experiment]
/// table_format`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    /// Comma-separated text, floats with ten decimals.
    #[default]
    Csv,
    /// Apache Parquet: typed columns, exact f64, Snappy-compressed, dictionary-encoded text.
    Parquet,
}

impl TableFormat {
    /// Every format, in the order messages list them.
    pub const ALL: [TableFormat; 2] = [TableFormat::Csv, TableFormat::Parquet];
    /// The names the scenario key accepts.
    pub const NAMES: &'static [&'static str] = &["csv", "parquet"];

    /// The name as the command line, the scenario file and the manifest spell it; also the
    /// file extension.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<TableFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// `true` for the default, so manifests written before Parquet existed keep their bytes.
    pub fn is_csv(&self) -> bool {
        *self == TableFormat::Csv
    }

    /// The file name of table `stem` in this format, e.g. `summary.parquet`.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}.{}", self.name())
    }
}

/// The type of a column: what a Parquet reader gets, and how a CSV cell is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A signed 64-bit integer (indices, counts, steps).
    Int,
    /// An unsigned 64-bit integer (seeds span all of u64).
    UInt,
    /// A 64-bit float; undefined values (NaN, ±inf) are null, an empty CSV cell.
    Float,
    /// UTF-8 text, dictionary-encoded in Parquet (arm and metric names repeat on every row).
    Text,
    /// `true` or `false`.
    Bool,
}

impl Kind {
    /// The type's name in the manifest's schema and the README.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "int64",
            Kind::UInt => "uint64",
            Kind::Float => "float64",
            Kind::Text => "string",
            Kind::Bool => "bool",
        }
    }
}

/// One column of a table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// The header.
    pub name: String,
    /// The type.
    #[serde(rename = "type", serialize_with = "kind_name")]
    pub kind: Kind,
}

fn kind_name<S: serde::Serializer>(kind: &Kind, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(kind.name())
}

/// A column called `name` of type `kind`.
pub fn column(name: impl Into<String>, kind: Kind) -> Column {
    Column {
        name: name.into(),
        kind,
    }
}

/// One value of a row, typed as its column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// For [`Kind::Int`].
    Int(i64),
    /// For [`Kind::UInt`].
    UInt(u64),
    /// For [`Kind::Float`]; `None` (or a non-finite value) is undefined.
    Float(Option<f64>),
    /// For [`Kind::Text`].
    Text(&'a str),
    /// For [`Kind::Bool`].
    Bool(bool),
}

impl Cell<'_> {
    /// A count or index as an [`Cell::Int`].
    pub fn int(n: impl TryInto<i64>) -> Cell<'static> {
        Cell::Int(n.try_into().unwrap_or(i64::MAX))
    }

    /// A defined float.
    pub fn float(x: f64) -> Cell<'static> {
        Cell::Float(Some(x))
    }
}

/// The file of table `stem` in folder `dir`, in whichever format it was written; `None` when
/// there is neither `stem.csv` nor `stem.parquet`.
///
/// # Errors
///
/// [`Error::Usage`] when both exist: accord writes one format per folder, so two files are a
/// user's copy, and picking one silently could show stale numbers.
pub fn locate(dir: &Path, stem: &str) -> Result<Option<PathBuf>> {
    let found: Vec<PathBuf> = TableFormat::ALL
        .into_iter()
        .map(|f| dir.join(f.file_name(stem)))
        .filter(|p| p.is_file())
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(Error::Usage(format!(
            "`{}` holds both `{stem}.csv` and `{stem}.parquet`; accord writes one format per \
             folder, so remove the one that does not belong",
            dir.display()
        ))),
    }
}

/// [`locate`], with a missing table an error naming both file names.
pub fn require(dir: &Path, stem: &str) -> Result<PathBuf> {
    locate(dir, stem)?.ok_or_else(|| {
        Error::Usage(format!(
            "`{}` has no `{stem}.csv` or `{stem}.parquet`; is it an accord output folder?",
            dir.display()
        ))
    })
}

/// The format of a table file, from its extension (CSV for anything but `.parquet`).
pub fn format_of(path: &Path) -> TableFormat {
    match path.extension().and_then(|e| e.to_str()) {
        Some("parquet") => TableFormat::Parquet,
        _ => TableFormat::Csv,
    }
}

/// The stem of a table file name (`summary` for `summary.parquet`), if it names a table.
pub fn stem_of(file_name: &str) -> Option<&str> {
    TableFormat::ALL
        .into_iter()
        .find_map(|f| file_name.strip_suffix(&format!(".{}", f.name())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_name_their_files() {
        assert_eq!(TableFormat::Parquet.file_name("summary"), "summary.parquet");
        assert_eq!(TableFormat::from_name("csv"), Some(TableFormat::Csv));
        assert_eq!(TableFormat::from_name("xlsx"), None);
        assert_eq!(
            TableFormat::NAMES,
            TableFormat::ALL.map(TableFormat::name).as_slice()
        );
        assert_eq!(format_of(Path::new("a/b.parquet")), TableFormat::Parquet);
        assert_eq!(format_of(Path::new("a/b.csv")), TableFormat::Csv);
        assert_eq!(stem_of("effects.parquet"), Some("effects"));
        assert_eq!(stem_of("report.html"), None);
    }

    #[test]
    fn locate_finds_one_format_and_refuses_two() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(locate(dir.path(), "summary").unwrap(), None);
        assert!(require(dir.path(), "summary").is_err());
        std::fs::write(dir.path().join("summary.parquet"), b"x").unwrap();
        assert_eq!(
            locate(dir.path(), "summary").unwrap(),
            Some(dir.path().join("summary.parquet"))
        );
        std::fs::write(dir.path().join("summary.csv"), b"x").unwrap();
        let err = locate(dir.path(), "summary").unwrap_err().to_string();
        assert!(
            err.contains("both `summary.csv` and `summary.parquet`"),
            "{err}"
        );
    }
}
