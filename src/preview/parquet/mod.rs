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

/// A column of the first row group compressed with a codec this build does
/// not decode (Brotli, LZO): its name and the codec. Checked before fetching
/// the row group, so nothing is read in vain.
pub fn undecodable(meta: &ParquetMetaData) -> Option<(String, String)> {
    let group = meta.row_groups().first()?;
    group.columns().iter().find_map(|c| {
        let codec = codec_name(&format!("{:?}", c.compression()));
        matches!(codec.as_str(), "BROTLI" | "LZO").then(|| (c.column_path().string(), codec))
    })
}

/// Decodes up to `max` rows of the first row group from `file`, which must
/// hold the footer and that group's column chunks.
pub fn first_rows(file: SparseFile, max: usize) -> Result<Vec<Vec<String>>, String> {
    crate::preview::guard::catch(move || decode_rows(file, max))?
}

fn decode_rows(file: SparseFile, max: usize) -> Result<Vec<Vec<String>>, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::basic::{Compression, GzipLevel, ZstdLevel};
    use parquet::data_type::{ByteArray, ByteArrayType, Int32Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    fn file(compression: Compression) -> Vec<u8> {
        let schema = Arc::new(
            parse_message_type(
                "message t { REQUIRED INT32 n (INTEGER(16,false)); OPTIONAL BYTE_ARRAY s (UTF8); }",
            )
            .unwrap(),
        );
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(compression)
                .build(),
        );
        let mut out = Vec::new();
        let mut w = SerializedFileWriter::new(&mut out, schema, props).unwrap();
        for g in 0..2 {
            let mut rg = w.next_row_group().unwrap();
            let mut c = rg.next_column().unwrap().unwrap();
            let ns: Vec<i32> = (0..100).map(|i| g * 100 + i).collect();
            c.typed::<Int32Type>().write_batch(&ns, None, None).unwrap();
            c.close().unwrap();
            let mut c = rg.next_column().unwrap().unwrap();
            let long = "x".repeat(200);
            // Every odd row is null; row 2 holds a long string.
            let defs: Vec<i16> = (0..100).map(|i| (i % 2 == 0) as i16).collect();
            let ss: Vec<ByteArray> = (0..50)
                .map(|i| ByteArray::from(if i == 1 { long.as_str() } else { "a" }))
                .collect();
            c.typed::<ByteArrayType>()
                .write_batch(&ss, Some(&defs), None)
                .unwrap();
            c.close().unwrap();
            rg.close().unwrap();
        }
        w.close().unwrap();
        out
    }

    fn whole(bytes: Vec<u8>) -> SparseFile {
        let mut f = SparseFile::new(bytes.len() as u64);
        f.insert(0, bytes.into());
        f
    }

    #[test]
    fn every_built_codec_decodes() {
        for codec in [
            Compression::UNCOMPRESSED,
            Compression::SNAPPY,
            Compression::GZIP(GzipLevel::default()),
            Compression::LZ4,
            Compression::LZ4_RAW,
            Compression::ZSTD(ZstdLevel::default()),
        ] {
            let f = whole(file(codec));
            let meta = footer::parse(&f).unwrap();
            let d = describe(&meta);
            assert_eq!(d.num_rows, 200, "{codec:?}");
            assert_eq!(d.columns[0].logical, "UINT16");
            // A legacy converted type shows when there is no logical type.
            assert_eq!(d.columns[1].logical, "UTF8");
            assert_eq!(
                d.columns[0].compression,
                codec_name(&format!("{codec:?}")),
                "{codec:?}"
            );
            assert_eq!(undecodable(&meta), None);
            let rows = first_rows(f, 3).unwrap();
            assert_eq!(rows[0], vec!["0", "a"], "{codec:?}");
            assert_eq!(rows[1], vec!["1", "null"]);
            // Long cells are cut for the table.
            assert_eq!(rows[2][1].chars().count(), MAX_CELL);
            assert!(rows[2][1].ends_with('…'));
        }
    }

    #[test]
    fn rows_outside_the_fetched_ranges_are_an_error_not_a_download() {
        let bytes = file(Compression::SNAPPY);
        let total = bytes.len() as u64;
        let meta_len =
            u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
        // Only the footer: the metadata parses, the rows cannot be read.
        let mut f = SparseFile::new(total);
        let start = total - 8 - meta_len as u64;
        f.insert(start, bytes[start as usize..].to_vec().into());
        assert!(footer::parse(&f).is_ok());
        let err = first_rows(f, 5).unwrap_err();
        assert!(err.contains("not fetched"), "{err}");
    }

    /// What the fetch layer does with a file it has whole, as one function.
    fn preview_of(bytes: &[u8]) -> Result<usize, String> {
        let total = bytes.len() as u64;
        let len = footer::metadata_len(&bytes[bytes.len().saturating_sub(8)..])?;
        footer::metadata_range(total, len)?;
        let f = whole(bytes.to_vec());
        let meta = footer::parse(&f)?;
        let d = describe(&meta);
        let _ = (footer::first_group_span(&meta), undecodable(&meta));
        Ok(d.columns.len() + first_rows(f, PREVIEW_ROWS).map(|r| r.len()).unwrap_or(0))
    }

    /// Seeded mutations of a valid file (bytes flipped in the data pages and
    /// in the footer): every outcome is a row count or an error sentence,
    /// never a panic (a panic would take the terminal down with it).
    #[test]
    fn corrupted_files_never_panic() {
        let good = file(Compression::SNAPPY);
        assert!(preview_of(&good).is_ok());
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut errors, mut panics) = (0, Vec::new());
        for round in 0..1500 {
            let mut bad = good.clone();
            for _ in 0..1 + next() % 4 {
                // Half the flips land in the footer, where the structure is.
                let at = if next() % 2 == 0 {
                    bad.len() - 1 - (next() as usize % 200).min(bad.len() - 1)
                } else {
                    next() as usize % bad.len()
                };
                bad[at] ^= 1 << (next() % 8);
            }
            match std::panic::catch_unwind(|| preview_of(&bad)) {
                Ok(Err(e)) => {
                    assert!(!e.is_empty());
                    errors += 1;
                }
                Ok(Ok(_)) => {}
                Err(_) => panics.push(round),
            }
        }
        assert!(errors > 0);
        assert!(panics.is_empty(), "panicked in rounds {panics:?}");
    }
}
