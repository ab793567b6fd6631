//! A Parquet inventory report read by ranges: the footer (the file's last
//! 64 KiB, and the rest of the metadata if it is longer), then each row
//! group's needed column chunks (`Name`, `Content-Length`, `AccessTier`,
//! `Snapshot`, `IsCurrentVersion`, `Deleted`; other columns are never
//! fetched), a few row groups at once, each decoded on a blocking thread as
//! it arrives. Memory: the row groups in flight, not the file.

use super::client::StorageClient;
use super::inventory::{Adder, add_rows};
use bytes::{Buf, Bytes};
use futures::StreamExt;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use std::sync::Arc;

/// The columns sums read.
pub const NEEDED: [&str; 6] = [
    "Name",
    "Content-Length",
    "AccessTier",
    "Snapshot",
    "IsCurrentVersion",
    "Deleted",
];
/// Bytes read from the end for the footer (most metadata fits).
const TAIL: u64 = 64 << 10;
/// Row groups fetched at once.
const ROW_GROUPS_AHEAD: usize = 4;

/// Some byte spans of a file, served to the Parquet decoder as if it were
/// the whole file; reading outside them is an error (never a request).
pub struct Spans {
    size: u64,
    parts: Vec<(u64, Bytes)>,
}

impl Spans {
    fn find(&self, start: u64, len: u64) -> parquet::errors::Result<Bytes> {
        for (at, data) in &self.parts {
            let end = at + data.len() as u64;
            if start >= *at && start + len <= end {
                let from = (start - at) as usize;
                return Ok(data.slice(from..from + len as usize));
            }
        }
        Err(ParquetError::General(format!(
            "bytes {start}+{len} were not fetched"
        )))
    }
}

impl parquet::file::reader::Length for Spans {
    fn len(&self) -> u64 {
        self.size
    }
}

impl parquet::file::reader::ChunkReader for Spans {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        // To the end of the span holding `start`.
        let (at, data) = self
            .parts
            .iter()
            .find(|(at, d)| start >= *at && start < at + d.len() as u64)
            .ok_or_else(|| ParquetError::General(format!("byte {start} was not fetched")))?;
        Ok(data.slice((start - at) as usize..).reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.find(start, length as u64)
    }
}

async fn range(
    client: &StorageClient,
    container: &str,
    name: &str,
    offset: u64,
    len: u64,
) -> Result<Bytes, String> {
    client
        .get_range(container, name, offset, len, "")
        .await
        .map_err(|e| super::describe_error(&e, client.account()))
}

/// The file's metadata, from its footer.
pub async fn metadata(
    client: &StorageClient,
    container: &str,
    name: &str,
    size: u64,
) -> Result<ParquetMetaData, String> {
    if size < 12 {
        return Err("not Parquet: too short".into());
    }
    let tail_len = size.min(TAIL);
    let tail = range(client, container, name, size - tail_len, tail_len).await?;
    let n = tail.len();
    if n < 8 || &tail[n - 4..] != b"PAR1" {
        return Err("not Parquet: no PAR1 at its end".into());
    }
    let meta_len = u32::from_le_bytes([tail[n - 8], tail[n - 7], tail[n - 6], tail[n - 5]]) as u64;
    if meta_len + 8 > size {
        return Err("not Parquet: its footer is longer than the file".into());
    }
    let meta = if meta_len + 8 <= n as u64 {
        tail.slice(n - 8 - meta_len as usize..n - 8)
    } else {
        range(client, container, name, size - 8 - meta_len, meta_len).await?
    };
    ParquetMetaDataReader::decode_metadata(&meta).map_err(|e| format!("not Parquet: {e}"))
}

/// Adds every row of the report `name` (`size` bytes) to `adder`.
pub async fn add(
    client: &StorageClient,
    container: &str,
    name: &str,
    size: u64,
    mut adder: Adder,
) -> Result<Adder, String> {
    let meta = Arc::new(metadata(client, container, name, size).await?);
    let schema = meta.file_metadata().schema_descr_ptr();
    // Top-level fields sums read; the others are never fetched.
    let root = schema.root_schema();
    let fields: Vec<_> = root
        .get_fields()
        .iter()
        .filter(|f| NEEDED.contains(&f.name()))
        .cloned()
        .collect();
    if !fields.iter().any(|f| f.name() == "Name") {
        return Err("the report has no Name column".into());
    }
    if !fields.iter().any(|f| f.name() == "Content-Length") {
        return Err(
            "the report has no Content-Length column (add it to the rule's schema fields)".into(),
        );
    }
    let projection = parquet::schema::types::Type::group_type_builder(root.name())
        .with_fields(fields)
        .build()
        .map_err(|e| e.to_string())?;
    let wanted: Vec<usize> = (0..schema.num_columns())
        .filter(|&i| {
            let path = schema.column(i).path().parts().to_vec();
            path.first().is_some_and(|p| NEEDED.contains(&p.as_str()))
        })
        .collect();
    let groups = (0..meta.num_row_groups()).map(|g| {
        let spans: Vec<(u64, u64)> = wanted
            .iter()
            .map(|&c| meta.row_group(g).column(c).byte_range())
            .collect();
        async move {
            let parts = futures::future::try_join_all(spans.iter().map(|&(at, len)| async move {
                Ok::<_, String>((at, range(client, container, name, at, len).await?))
            }))
            .await?;
            Ok::<_, String>((g, parts))
        }
    });
    let mut fetched = futures::stream::iter(groups).buffered(ROW_GROUPS_AHEAD);
    while let Some(group) = fetched.next().await {
        let (g, parts) = group?;
        let meta = meta.clone();
        let projection = projection.clone();
        adder = tokio::task::spawn_blocking(move || {
            use parquet::file::reader::RowGroupReader;
            use parquet::file::serialized_reader::SerializedRowGroupReader;
            let spans = Arc::new(Spans { size, parts });
            let reader = SerializedRowGroupReader::new(
                spans,
                meta.row_group(g),
                meta.page_index_for_row_group(g),
                Arc::new(parquet::file::properties::ReaderProperties::builder().build()),
            )
            .map_err(|e| format!("row group {g}: {e}"))?;
            let rows = reader
                .get_row_iter(Some(projection))
                .map_err(|e| format!("row group {g}: {e}"))?;
            add_rows(rows, &mut adder).map(|()| adder)
        })
        .await
        .map_err(|e| e.to_string())??;
    }
    Ok(adder)
}
