//! The Parquet side of a table: a writer that buffers one row group of typed columns at a
//! time, and a reader that hands back one row group at a time.
//!
//! Byte-identical files for the same rows: row groups hold a fixed number of rows, the
//! writer's `created_by` is this accord version, and nothing else varies (no timestamps, no
//! writer-chosen sizes that depend on timing). Snappy is the codec: it is Parquet's common
//! default (every reader has it), fast to write, and the pure-Rust `snap` crate builds in
//! seconds, where zstd or brotli would add a C or large build for a few percent of size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::column::reader::{ColumnReader, get_typed_column_reader};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DataType, DoubleType, Int64Type};
use parquet::errors::{ParquetError, Result as PqResult};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, Type};

use super::{Cell, Column, Kind, SCHEMA_VERSION, SCHEMA_VERSION_KEY};

/// Rows per row group: large enough that pyarrow reads fast, small enough that a writer and
/// a reader hold a few MB per column at most.
pub(super) const ROW_GROUP_ROWS: usize = 1 << 16;

/// One column's values for the row group being filled.
enum Values {
    Int(Vec<i64>),
    Float { values: Vec<f64>, defined: Vec<i16> },
    Text(Vec<ByteArray>),
    Bool(Vec<bool>),
}

impl Values {
    fn new(kind: Kind) -> Values {
        match kind {
            Kind::Int | Kind::UInt => Values::Int(Vec::new()),
            Kind::Float => Values::Float {
                values: Vec::new(),
                defined: Vec::new(),
            },
            Kind::Text => Values::Text(Vec::new()),
            Kind::Bool => Values::Bool(Vec::new()),
        }
    }
}

/// A Parquet file being written.
pub(super) struct ParquetSink {
    w: SerializedFileWriter<BufWriter<File>>,
    columns: Vec<Values>,
    rows: usize,
}

fn field(c: &Column) -> PqResult<Arc<Type>> {
    let (physical, logical, repetition) = match c.kind {
        Kind::Int => (
            Physical::INT64,
            Some(LogicalType::integer(64, true)),
            Repetition::REQUIRED,
        ),
        Kind::UInt => (
            Physical::INT64,
            Some(LogicalType::integer(64, false)),
            Repetition::REQUIRED,
        ),
        Kind::Float => (Physical::DOUBLE, None, Repetition::OPTIONAL),
        Kind::Text => (
            Physical::BYTE_ARRAY,
            Some(LogicalType::String),
            Repetition::REQUIRED,
        ),
        Kind::Bool => (Physical::BOOLEAN, None, Repetition::REQUIRED),
    };
    Ok(Arc::new(
        Type::primitive_type_builder(&c.name, physical)
            .with_logical_type(logical)
            .with_repetition(repetition)
            .build()?,
    ))
}

impl ParquetSink {
    pub(super) fn new(out: BufWriter<File>, columns: &[Column]) -> PqResult<ParquetSink> {
        let fields = columns.iter().map(field).collect::<PqResult<Vec<_>>>()?;
        let schema = Type::group_type_builder("accord")
            .with_fields(fields)
            .build()?;
        // Dictionary pages only for text: arm and metric names repeat on every row, while
        // floats rarely do and would only pay for a dictionary that falls back to plain.
        let mut props = WriterProperties::builder()
            .set_created_by(format!("accord {}", env!("CARGO_PKG_VERSION")))
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(false)
            .set_key_value_metadata(Some(vec![KeyValue::new(
                SCHEMA_VERSION_KEY.to_owned(),
                SCHEMA_VERSION.to_string(),
            )]));
        for c in columns.iter().filter(|c| c.kind == Kind::Text) {
            props = props.set_column_dictionary_enabled(ColumnPath::from(c.name.as_str()), true);
        }
        Ok(ParquetSink {
            w: SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props.build()))?,
            columns: columns.iter().map(|c| Values::new(c.kind)).collect(),
            rows: 0,
        })
    }

    pub(super) fn push(&mut self, cells: &[Cell<'_>]) -> PqResult<()> {
        if cells.len() != self.columns.len() {
            return Err(ParquetError::General(format!(
                "a row of {} cells for {} columns",
                cells.len(),
                self.columns.len()
            )));
        }
        for (cell, values) in cells.iter().zip(&mut self.columns) {
            match (cell, values) {
                (Cell::Int(n), Values::Int(v)) => v.push(*n),
                // Stored as the same 64 bits; the column's unsigned annotation tells readers.
                (Cell::UInt(n), Values::Int(v)) => v.push(i64::from_ne_bytes(n.to_ne_bytes())),
                (Cell::Float(x), Values::Float { values, defined }) => {
                    match x.filter(|x| x.is_finite()) {
                        Some(x) => {
                            values.push(x);
                            defined.push(1);
                        }
                        None => defined.push(0),
                    }
                }
                (Cell::Text(t), Values::Text(v)) => v.push(ByteArray::from(*t)),
                (Cell::Bool(b), Values::Bool(v)) => v.push(*b),
                (cell, _) => {
                    return Err(ParquetError::General(format!(
                        "the cell {cell:?} does not match its column's type"
                    )));
                }
            }
        }
        self.rows += 1;
        if self.rows == ROW_GROUP_ROWS {
            self.flush_group()?;
        }
        Ok(())
    }

    fn flush_group(&mut self) -> PqResult<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.w.next_row_group()?;
        for values in &mut self.columns {
            let mut col = group
                .next_column()?
                .ok_or_else(|| ParquetError::General("fewer columns than the schema".into()))?;
            match values {
                Values::Int(v) => {
                    col.typed::<Int64Type>().write_batch(v, None, None)?;
                    v.clear();
                }
                Values::Float { values, defined } => {
                    col.typed::<DoubleType>()
                        .write_batch(values, Some(defined), None)?;
                    values.clear();
                    defined.clear();
                }
                Values::Text(v) => {
                    col.typed::<ByteArrayType>().write_batch(v, None, None)?;
                    v.clear();
                }
                Values::Bool(v) => {
                    col.typed::<BoolType>().write_batch(v, None, None)?;
                    v.clear();
                }
            }
            col.close()?;
        }
        group.close()?;
        self.rows = 0;
        Ok(())
    }

    pub(super) fn finish(mut self) -> PqResult<()> {
        self.flush_group()?;
        let mut out = self.w.into_inner()?;
        out.flush()?;
        Ok(())
    }
}

/// One column of a row group as read: the kind, and one value per row (`None` = null).
pub(super) enum ColumnValues {
    Int(Vec<i64>),
    UInt(Vec<u64>),
    Float(Vec<Option<f64>>),
    Text(Vec<String>),
    Bool(Vec<bool>),
}

/// A Parquet table opened for reading.
pub(super) struct ParquetSource {
    reader: SerializedFileReader<File>,
    kinds: Vec<Kind>,
    next_group: usize,
}

/// The kind of a column as the file declares it, if accord could have written it.
fn kind_of(physical: Physical, logical: Option<&LogicalType>) -> Option<Kind> {
    match (physical, logical) {
        (Physical::INT64, Some(LogicalType::Integer(t))) if !t.is_signed => Some(Kind::UInt),
        (Physical::INT64, _) => Some(Kind::Int),
        (Physical::DOUBLE, _) => Some(Kind::Float),
        (Physical::BYTE_ARRAY, _) => Some(Kind::Text),
        (Physical::BOOLEAN, _) => Some(Kind::Bool),
        _ => None,
    }
}

impl ParquetSource {
    /// Opens `file` and returns it with the column names; a file written with a newer
    /// table schema than this accord knows is refused (its columns may mean something else).
    pub(super) fn open(file: File) -> Result<(ParquetSource, Vec<String>), String> {
        let reader = SerializedFileReader::new(file).map_err(|e| e.to_string())?;
        let meta = reader.metadata().file_metadata();
        let version = meta
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == SCHEMA_VERSION_KEY))
            .and_then(|k| k.value.as_deref())
            .and_then(|v| v.parse::<u32>().ok());
        if let Some(v) = version
            && v > SCHEMA_VERSION
        {
            return Err(format!(
                "was written with table schema {v}, newer than this accord's {SCHEMA_VERSION}; \
                 read it with a newer accord"
            ));
        }
        let mut names = Vec::new();
        let mut kinds = Vec::new();
        for c in meta.schema_descr().columns() {
            if c.max_rep_level() > 0 || c.path().parts().len() != 1 {
                return Err(format!("has a nested column `{}`", c.path()));
            }
            let kind = kind_of(c.physical_type(), c.logical_type_ref()).ok_or_else(|| {
                format!(
                    "has a column `{}` of a type accord does not write",
                    c.name()
                )
            })?;
            names.push(c.name().to_owned());
            kinds.push(kind);
        }
        Ok((
            ParquetSource {
                reader,
                kinds,
                next_group: 0,
            },
            names,
        ))
    }

    /// The next row group's columns, or `None` after the last.
    pub(super) fn next_group(&mut self) -> Result<Option<Vec<ColumnValues>>, String> {
        if self.next_group >= self.reader.num_row_groups() {
            return Ok(None);
        }
        let group = self
            .reader
            .get_row_group(self.next_group)
            .map_err(|e| e.to_string())?;
        self.next_group += 1;
        let rows = usize::try_from(group.metadata().num_rows()).map_err(|e| e.to_string())?;
        let mut columns = Vec::with_capacity(self.kinds.len());
        for (i, kind) in self.kinds.iter().enumerate() {
            let reader = group.get_column_reader(i).map_err(|e| e.to_string())?;
            columns.push(read_column(reader, *kind, rows).map_err(|e| e.to_string())?);
        }
        Ok(Some(columns))
    }
}

/// Every value of one column chunk, nulls placed by their definition levels.
fn read_column(reader: ColumnReader, kind: Kind, rows: usize) -> PqResult<ColumnValues> {
    fn all<T: DataType>(reader: ColumnReader, rows: usize) -> PqResult<Vec<Option<T::T>>> {
        let mut typed = get_typed_column_reader::<T>(reader);
        let (mut values, mut levels) = (Vec::new(), Vec::new());
        let mut read = 0;
        while read < rows {
            let (records, _, _) =
                typed.read_records(rows - read, Some(&mut levels), None, &mut values)?;
            if records == 0 {
                break;
            }
            read += records;
        }
        if read != rows {
            return Err(ParquetError::General(format!(
                "a column chunk holds {read} of its {rows} rows"
            )));
        }
        // A required column has no levels: every row has a value.
        if levels.is_empty() {
            return Ok(values.into_iter().map(Some).collect());
        }
        let mut values = values.into_iter();
        let out: Vec<Option<T::T>> = levels
            .iter()
            .map(|&l| if l > 0 { values.next() } else { None })
            .collect();
        if values.next().is_some() || out.len() != rows {
            return Err(ParquetError::General(
                "a column's values do not match its definition levels".into(),
            ));
        }
        Ok(out)
    }
    fn required<T>(v: Vec<Option<T>>) -> PqResult<Vec<T>> {
        v.into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ParquetError::General("a null in a required column".into()))
    }
    Ok(match kind {
        Kind::Int => ColumnValues::Int(required(all::<Int64Type>(reader, rows)?)?),
        Kind::UInt => ColumnValues::UInt(
            required(all::<Int64Type>(reader, rows)?)?
                .into_iter()
                .map(|n| u64::from_ne_bytes(n.to_ne_bytes()))
                .collect(),
        ),
        Kind::Float => ColumnValues::Float(all::<DoubleType>(reader, rows)?),
        Kind::Text => ColumnValues::Text(
            required(all::<ByteArrayType>(reader, rows)?)?
                .into_iter()
                .map(|b| b.as_utf8().map(str::to_owned))
                .collect::<PqResult<_>>()?,
        ),
        Kind::Bool => ColumnValues::Bool(required(all::<BoolType>(reader, rows)?)?),
    })
}
