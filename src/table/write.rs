//! Writing a table row by row in either format, in memory bounded by one Parquet row group.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::parquet::ParquetSink;
use super::{Cell, Column, TableFormat};
use crate::error::{Error, Result};
use crate::fmt::fmt_f64;

enum Sink {
    Csv {
        w: Box<csv::Writer<BufWriter<File>>>,
        text: Vec<String>,
    },
    Parquet(Box<ParquetSink>),
}

/// A table being written. Rows must match the columns given to [`TableWriter::create`]; the
/// file is complete only after [`TableWriter::finish`] (a Parquet file's footer is written
/// last, so an unfinished one is unreadable rather than silently short).
pub struct TableWriter {
    path: PathBuf,
    columns: Vec<Column>,
    sink: Sink,
}

impl TableWriter {
    /// Creates table `stem` in `dir` (`stem.csv` or `stem.parquet`) and writes its header.
    pub fn create(
        dir: &Path,
        stem: &str,
        format: TableFormat,
        columns: Vec<Column>,
    ) -> Result<Self> {
        Self::create_at(&dir.join(format.file_name(stem)), format, columns)
    }

    /// Creates the table at `path` (any name: a staged `.partial` file, say).
    pub fn create_at(path: &Path, format: TableFormat, columns: Vec<Column>) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io("create", path, e))?;
        let out = BufWriter::with_capacity(1 << 20, file);
        let sink = match format {
            TableFormat::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(out);
                w.write_record(columns.iter().map(|c| c.name.as_str()))
                    .map_err(csv_error(path))?;
                Sink::Csv {
                    w: Box::new(w),
                    text: Vec::with_capacity(columns.len()),
                }
            }
            TableFormat::Parquet => Sink::Parquet(Box::new(
                ParquetSink::new(out, &columns).map_err(|e| parquet_error(path, e))?,
            )),
        };
        Ok(TableWriter {
            path: path.to_path_buf(),
            columns,
            sink,
        })
    }

    /// The columns, for callers that build rows generically.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Writes one row.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        debug_assert_eq!(cells.len(), self.columns.len(), "{}", self.path.display());
        match &mut self.sink {
            Sink::Csv { w, text } => {
                text.clear();
                text.extend(cells.iter().map(csv_text));
                w.write_record(&*text).map_err(csv_error(&self.path))
            }
            Sink::Parquet(p) => p.push(cells).map_err(|e| parquet_error(&self.path, e)),
        }
    }

    /// Flushes the last rows (and a Parquet file's footer) to disk; returns the columns
    /// written, which the manifest records, so the schema it lists is the one on disk.
    pub fn finish(self) -> Result<Vec<Column>> {
        let path = self.path;
        match self.sink {
            Sink::Csv { mut w, .. } => w.flush().map_err(|e| Error::io("write", &path, e))?,
            Sink::Parquet(p) => p.finish().map_err(|e| parquet_error(&path, e))?,
        }
        Ok(self.columns)
    }
}

/// Writes a table as CSV text to `out` (memory, a pipe: not a file of the folder): the header
/// of `columns`, then every row `fill` passes to its sink. What a replay compares against and
/// a test reads; the bytes are those of the table's `.csv` file.
pub fn csv_to(
    out: impl Write,
    name: &str,
    columns: &[Column],
    fill: impl FnOnce(&mut dyn FnMut(&[Cell<'_>]) -> Result<()>) -> Result<()>,
) -> Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let error = |e: csv::Error| Error::io("write", name, std::io::Error::other(e));
    w.write_record(columns.iter().map(|c| c.name.as_str()))
        .map_err(error)?;
    fill(&mut |row| w.write_record(row.iter().map(csv_text)).map_err(error))?;
    w.flush().map_err(|e| Error::io("write", name, e))
}

/// A cell as CSV text: integers in decimal, floats in the fixed format, undefined as empty.
pub fn csv_text(cell: &Cell<'_>) -> String {
    match *cell {
        Cell::Int(n) => n.to_string(),
        Cell::UInt(n) => n.to_string(),
        Cell::Float(x) => x.map_or_else(String::new, fmt_f64),
        Cell::Text(t) => t.to_owned(),
        Cell::Bool(b) => b.to_string(),
    }
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::io("write", path, std::io::Error::other(e))
}

fn parquet_error(path: &Path, e: ::parquet::errors::ParquetError) -> Error {
    match e {
        ::parquet::errors::ParquetError::External(inner) => {
            match inner.downcast::<std::io::Error>() {
                Ok(io) => Error::io("write", path, *io),
                Err(other) => Error::io("write", path, std::io::Error::other(other)),
            }
        }
        other => Error::io("write", path, std::io::Error::other(other)),
    }
}
