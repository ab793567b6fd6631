//! Where the metadata sits: a Parquet file ends with the Thrift-encoded
//! metadata, its length (4 bytes, little-endian) and the magic `PAR1`.

use super::sparse::SparseFile;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use std::ops::Range;

pub const MAGIC: &[u8; 4] = b"PAR1";
/// Length + magic at the very end.
pub const TAIL: u64 = 8;
/// A footer larger than this is refused rather than fetched (a corrupt
/// length must not turn a preview into a huge download).
pub const MAX_METADATA: u64 = 64 << 20;

/// The metadata's length from the file's last 8 bytes.
pub fn metadata_len(last8: &[u8]) -> Result<u64, String> {
    let [a, b, c, d, m @ ..] = last8 else {
        return Err("the file is shorter than a Parquet footer".into());
    };
    match m {
        b"PAR1" => Ok(u32::from_le_bytes([*a, *b, *c, *d]) as u64),
        b"PARE" => Err("its footer is encrypted; blobx cannot read encrypted Parquet".into()),
        _ => Err("it does not end with the Parquet magic PAR1 (truncated or not Parquet)".into()),
    }
}

/// Byte range of the metadata in a file of `total` bytes.
pub fn metadata_range(total: u64, len: u64) -> Result<Range<u64>, String> {
    // Leading magic + metadata + trailing length and magic.
    if len + TAIL + 4 > total {
        return Err(format!(
            "its footer claims {len} bytes of metadata, more than the file holds"
        ));
    }
    if len > MAX_METADATA {
        return Err(format!(
            "its metadata is {}, over the preview's limit of {}",
            crate::preview::human_bytes(len),
            crate::preview::human_bytes(MAX_METADATA)
        ));
    }
    let end = total - TAIL;
    Ok(end - len..end)
}

/// Parses the metadata, which must already be in `file`.
pub fn parse(file: &SparseFile) -> Result<ParquetMetaData, String> {
    crate::preview::guard::catch(|| ParquetMetaDataReader::new().parse_and_finish(file))
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|e| format!("its metadata does not parse: {e}"))
}

/// The bytes holding the first row group's column chunks (dictionary and
/// data pages), as one span; `None` without row groups.
pub fn first_group_span(meta: &ParquetMetaData) -> Option<Range<u64>> {
    let group = meta.row_groups().first()?;
    group
        .columns()
        .iter()
        .map(|c| {
            let (start, len) = c.byte_range();
            start..start + len
        })
        .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
}
