//! Parquet: schema, row groups and compression from the footer, and the first
//! rows from the first row group only. The fetch layer decides which byte
//! ranges to read (see `footer`); this module decodes what was read.

pub mod footer;
pub mod sparse;

use parquet::basic::{ConvertedType, LogicalType, TimeUnit};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
pub use sparse::SparseFile;

/// How many rows the preview decodes.
pub const PREVIEW_ROWS: usize = 50;
/// A first row group bigger than this is not fetched: schema only.
pub const MAX_GROUP_BYTES: u64 = 16 << 20;
/// Cells longer than this are cut (a table cell, not a viewer).
const MAX_CELL: usize = 80;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Dotted path of the leaf column (`address.city`).
    pub name: String,
    pub physical: String,
    /// Logical (or legacy converted) type, empty when none.
    pub logical: String,
    /// Codecs used for this column across row groups (`SNAPPY`).
    pub compression: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    pub rows: i64,
    pub compressed: i64,
    pub uncompressed: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParquetPreview {
    pub created_by: Option<String>,
    pub num_rows: i64,
    pub columns: Vec<ColumnInfo>,
    pub groups: Vec<GroupInfo>,
    /// Top-level field names, the rows table's header.
    pub header: Vec<String>,
    /// The first rows of the first row group, one string per top-level field.
    pub rows: Vec<Vec<String>>,
    /// Why there are no (or fewer) rows: schema only, or a decode error.
    pub rows_note: Option<String>,
}

/// Schema and layout from the metadata alone.
pub fn describe(meta: &ParquetMetaData) -> ParquetPreview {
    let file = meta.file_metadata();
    let schema = file.schema_descr();
    let columns = (0..schema.num_columns())
        .map(|i| {
            let col = schema.column(i);
            let mut codecs: Vec<String> = Vec::new();
            for g in meta.row_groups() {
                if let Some(c) = g.columns().get(i) {
                    let name = codec_name(&format!("{:?}", c.compression()));
                    if !codecs.contains(&name) {
                        codecs.push(name);
                    }
                }
            }
            ColumnInfo {
                name: col.path().string(),
                physical: format!("{:?}", col.physical_type()),
                logical: match col.logical_type_ref() {
                    Some(l) => logical_name(l),
                    None if col.converted_type() != ConvertedType::NONE => {
                        format!("{:?}", col.converted_type())
                    }
                    None => String::new(),
                },
                compression: codecs.join(", "),
            }
        })
        .collect();
    ParquetPreview {
        created_by: file.created_by().map(str::to_string),
        num_rows: file.num_rows(),
        columns,
        groups: meta
            .row_groups()
            .iter()
            .map(|g| GroupInfo {
                rows: g.num_rows(),
                compressed: g.compressed_size(),
                uncompressed: g.total_byte_size(),
            })
            .collect(),
        header: schema
            .root_schema()
            .get_fields()
            .iter()
            .map(|f| f.name().to_string())
            .collect(),
        rows: Vec::new(),
        rows_note: None,
    }
}

/// `ZSTD(ZstdLevel(3))` → `ZSTD`.
fn codec_name(debug: &str) -> String {
    debug.split('(').next().unwrap_or(debug).to_string()
}

fn unit(u: &TimeUnit) -> &'static str {
    match u {
        TimeUnit::MILLIS => "ms",
        TimeUnit::MICROS => "µs",
        TimeUnit::NANOS => "ns",
    }
}

fn logical_name(l: &LogicalType) -> String {
    match l {
        LogicalType::Decimal(d) => format!("DECIMAL({},{})", d.precision, d.scale),
        LogicalType::Timestamp(t) => format!(
            "TIMESTAMP({}{})",
            unit(&t.unit),
            if t.is_adjusted_to_u_t_c { ", UTC" } else { "" }
        ),
        LogicalType::Time(t) => format!("TIME({})", unit(&t.unit)),
        LogicalType::Integer(i) => {
            format!("{}INT{}", if i.is_signed { "" } else { "U" }, i.bit_width)
        }
        other => {
            // Unit variants print as their name; keep only that.
            let s = format!("{other:?}");
            codec_name(&s).to_ascii_uppercase()
        }
    }
}

/// Decodes up to `max` rows of the first row group from `file`, which must
/// hold the footer and that group's column chunks.
pub fn first_rows(file: SparseFile, max: usize) -> Result<Vec<Vec<String>>, String> {
    let reader = SerializedFileReader::new(file).map_err(|e| e.to_string())?;
    if reader.num_row_groups() == 0 {
        return Ok(Vec::new());
    }
    let group = reader.get_row_group(0).map_err(|e| e.to_string())?;
    let rows = group.get_row_iter(None).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for row in rows.take(max) {
        let row = row.map_err(|e| e.to_string())?;
        out.push(row.get_column_iter().map(|(_, f)| cell(f)).collect());
    }
    Ok(out)
}

fn cell(f: &Field) -> String {
    let s = match f {
        // Display quotes strings; a table cell does not need that.
        Field::Str(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > MAX_CELL {
        let cut: String = s.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        s
    }
}
