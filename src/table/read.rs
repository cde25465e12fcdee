//! Reading a table of either format row by row, each cell as the text the CSV form of the
//! same table has.
//!
//! One view for both formats keeps every reader (charts, report, analyses, replay) format
//! blind: a Parquet float is rendered with the CSV's fixed ten decimals, a null as an empty
//! cell. The readers were written for those texts, and the outputs they derive are then the
//! same for a CSV and a Parquet folder of the same ensemble.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::parquet::{ColumnValues, ParquetSource};
use super::{TableFormat, format_of};
use crate::error::{Error, Result};
use crate::fmt::fmt_f64;

enum Source {
    Csv {
        reader: csv::Reader<File>,
        record: csv::StringRecord,
    },
    Parquet {
        source: Box<ParquetSource>,
        group: Vec<ColumnValues>,
        /// The next row of `group`, and its length.
        at: usize,
        len: usize,
        text: Vec<String>,
    },
}

/// The rows of one table, read in file order; memory is one CSV record or one Parquet row
/// group.
pub struct Rows {
    path: PathBuf,
    header: Vec<String>,
    source: Source,
    line: usize,
}

impl Rows {
    /// Opens the table at `path` (its extension says the format).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened; [`Error::InputFile`] when it is not a
    /// table accord can read (a corrupt or foreign Parquet file, a CSV without a header).
    pub fn open(path: &Path) -> Result<Rows> {
        Self::open_with(path, false)
    }

    /// [`Rows::open`], allowing CSV rows shorter or longer than the header (their missing
    /// cells read as empty); for showing a table rather than computing from it.
    pub fn open_flexible(path: &Path) -> Result<Rows> {
        Self::open_with(path, true)
    }

    fn open_with(path: &Path, flexible: bool) -> Result<Rows> {
        let file = File::open(path).map_err(|e| Error::io("read", path, e))?;
        let bad = |problem: String| Error::InputFile {
            path: path.to_path_buf(),
            problem,
        };
        let (header, source) = match format_of(path) {
            TableFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(flexible)
                    .from_reader(file);
                let header = reader
                    .headers()
                    .map_err(|e| bad(format!("has no readable header ({e})")))?
                    .iter()
                    .map(str::to_owned)
                    .collect();
                let record = csv::StringRecord::new();
                (header, Source::Csv { reader, record })
            }
            TableFormat::Parquet => {
                let (source, header) = ParquetSource::open(file)
                    .map_err(|e| bad(format!("is not a Parquet table accord can read: {e}")))?;
                let source = Source::Parquet {
                    source: Box::new(source),
                    group: Vec::new(),
                    at: 0,
                    len: 0,
                    text: Vec::new(),
                };
                (header, source)
            }
        };
        Ok(Rows {
            path: path.to_path_buf(),
            header,
            source,
            line: 1,
        })
    }

    /// The column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The position of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The positions of `names`, or an [`Error::InputFile`] naming the first one missing.
    pub fn columns(&self, names: &[&str]) -> Result<Vec<usize>> {
        names
            .iter()
            .map(|n| {
                self.column(n).ok_or_else(|| Error::InputFile {
                    path: self.path.clone(),
                    problem: format!("has no `{n}` column"),
                })
            })
            .collect()
    }

    /// The current row's number as a CSV editor counts lines (the header is 1).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The table's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves to the next row; `false` after the last.
    ///
    /// # Errors
    ///
    /// [`Error::InputFile`] when the file turns out malformed.
    pub fn advance(&mut self) -> Result<bool> {
        let bad = |problem: String| Error::InputFile {
            path: self.path.clone(),
            problem,
        };
        let more = match &mut self.source {
            Source::Csv { reader, record } => reader
                .read_record(record)
                .map_err(|e| bad(format!("cannot be parsed ({e})")))?,
            Source::Parquet {
                source,
                group,
                at,
                len,
                text,
            } => {
                while *at >= *len {
                    match source
                        .next_group()
                        .map_err(|e| bad(format!("cannot be read as Parquet: {e}")))?
                    {
                        Some(g) => {
                            *len = g.first().map_or(0, rows_in);
                            *group = g;
                            *at = 0;
                        }
                        None => return Ok(false),
                    }
                }
                text.resize(group.len(), String::new());
                for (cell, column) in text.iter_mut().zip(group.iter()) {
                    render(cell, column, *at);
                }
                *at += 1;
                true
            }
        };
        if more {
            self.line += 1;
        }
        Ok(more)
    }

    /// Cell `i` of the current row as CSV text (`""` when the row is short).
    pub fn get(&self, i: usize) -> &str {
        match &self.source {
            Source::Csv { record, .. } => record.get(i).unwrap_or(""),
            Source::Parquet { text, .. } => text.get(i).map_or("", String::as_str),
        }
    }

    /// The number of cells in the current row.
    pub fn len(&self) -> usize {
        match &self.source {
            Source::Csv { record, .. } => record.len(),
            Source::Parquet { text, .. } => text.len(),
        }
    }

    /// `true` when the current row has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn rows_in(c: &ColumnValues) -> usize {
    match c {
        ColumnValues::Int(v) => v.len(),
        ColumnValues::UInt(v) => v.len(),
        ColumnValues::Float(v) => v.len(),
        ColumnValues::Text(v) => v.len(),
        ColumnValues::Bool(v) => v.len(),
    }
}

/// Writes row `at` of `column` into `cell` as the CSV writer would have.
fn render(cell: &mut String, column: &ColumnValues, at: usize) {
    cell.clear();
    // Writing to a String cannot fail.
    let _ = match column {
        ColumnValues::Int(v) => write!(cell, "{}", v.get(at).copied().unwrap_or_default()),
        ColumnValues::UInt(v) => write!(cell, "{}", v.get(at).copied().unwrap_or_default()),
        ColumnValues::Float(v) => {
            if let Some(Some(x)) = v.get(at) {
                cell.push_str(&fmt_f64(*x));
            }
            Ok(())
        }
        ColumnValues::Text(v) => {
            cell.push_str(v.get(at).map_or("", String::as_str));
            Ok(())
        }
        ColumnValues::Bool(v) => write!(cell, "{}", v.get(at).copied().unwrap_or_default()),
    };
}

/// Calls `f(rows)` for every row of the table at `path`, after checking it has `columns`
/// (whose positions are passed along): the common shape of a reader.
pub fn scan(
    path: &Path,
    columns: &[&str],
    mut f: impl FnMut(&Rows, &[usize]) -> Result<()>,
) -> Result<()> {
    let mut rows = Rows::open(path)?;
    let at = rows.columns(columns)?;
    while rows.advance()? {
        f(&rows, &at)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Cell, Kind, TableWriter, column};
    use super::*;

    fn columns() -> Vec<super::super::Column> {
        vec![
            column("point", Kind::Int),
            column("arm", Kind::Text),
            column("seed", Kind::UInt),
            column("mean", Kind::Float),
            column("ok", Kind::Bool),
        ]
    }

    fn write(dir: &Path, format: TableFormat, rows: usize) -> PathBuf {
        let mut w = TableWriter::create(dir, "t", format, columns()).unwrap();
        for i in 0..rows {
            let x = if i % 3 == 2 {
                None
            } else {
                Some(i as f64 / 3.0)
            };
            w.row(&[
                Cell::int(i),
                Cell::Text(if i % 2 == 0 { "a,b" } else { "c" }),
                Cell::UInt(u64::MAX - i as u64),
                Cell::Float(x),
                Cell::Bool(i % 2 == 0),
            ])
            .unwrap();
        }
        w.finish().unwrap();
        dir.join(format.file_name("t"))
    }

    fn all(path: &Path) -> Vec<Vec<String>> {
        let mut rows = Rows::open(path).unwrap();
        let mut out = vec![rows.header().to_vec()];
        while rows.advance().unwrap() {
            out.push((0..rows.len()).map(|i| rows.get(i).to_owned()).collect());
        }
        out
    }

    #[test]
    fn parquet_reads_as_the_csv_of_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        // More than one row group, so group boundaries are crossed.
        let n = super::super::parquet::ROW_GROUP_ROWS + 7;
        let csv = all(&write(dir.path(), TableFormat::Csv, n));
        let parquet = all(&write(dir.path(), TableFormat::Parquet, n));
        assert_eq!(csv.len(), n + 1);
        assert_eq!(csv, parquet);
        assert_eq!(csv[3], ["2", "a,b", "18446744073709551613", "", "true"]);
        assert_eq!(csv[2][3], "0.3333333333");
    }

    #[test]
    fn the_same_rows_give_the_same_parquet_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let pa = std::fs::read(write(a.path(), TableFormat::Parquet, 1000)).unwrap();
        let pb = std::fs::read(write(b.path(), TableFormat::Parquet, 1000)).unwrap();
        assert_eq!(pa, pb);
        assert_eq!(&pa[..4], b"PAR1");
    }

    #[test]
    fn a_damaged_parquet_file_is_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), TableFormat::Parquet, 100);
        let mut bytes = std::fs::read(&path).unwrap();
        for cut in [0, 4, bytes.len() / 2, bytes.len() - 9] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let err = Rows::open(&path).and_then(|mut r| while_rows(&mut r));
            assert!(
                matches!(err, Err(Error::InputFile { .. })),
                "cut at {cut}: {err:?}"
            );
        }
        // Flipped bytes in the middle of the data.
        let mid = bytes.len() / 3;
        for b in &mut bytes[mid..mid + 16] {
            *b ^= 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        let result = Rows::open(&path).and_then(|mut r| while_rows(&mut r));
        assert!(
            !matches!(result, Err(Error::Io { .. })),
            "a damaged file is bad input, never a panic or an I/O error: {result:?}"
        );
    }

    fn while_rows(r: &mut Rows) -> Result<()> {
        while r.advance()? {}
        Ok(())
    }

    #[test]
    fn a_newer_schema_is_refused() {
        // The version check reads the key-value metadata; a file claiming a future schema
        // must not be misread. Written here with parquet's own API.
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.parquet");
        let schema = Arc::new(parse_message_type("message m { required int64 point; }").unwrap());
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![KeyValue::new(
                super::super::SCHEMA_VERSION_KEY.to_owned(),
                (super::super::SCHEMA_VERSION + 1).to_string(),
            )]))
            .build();
        let file = File::create(&path).unwrap();
        SerializedFileWriter::new(file, schema, Arc::new(props))
            .unwrap()
            .close()
            .unwrap();
        let err = Rows::open(&path).err().unwrap().to_string();
        assert!(err.contains("newer than this accord"), "{err}");
    }
}
