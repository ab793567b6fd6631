//! Sizes from an Azure Blob Inventory report, for accounts too big to list.
//!
//! The service writes each run of a rule under its destination container as
//! `YYYY/MM/DD/HH-MM-SS/<rule>/`: the report files (CSV with a header row,
//! or Apache Parquet), `<rule>-manifest.json` naming them (`files`: `blob`,
//! `size`; `inventoryCompletionTime`, `ruleName`, `status`, `summary`,
//! `ruleDefinition.format`) and `<rule>-manifest.checksum` once the run is
//! complete. Each row's `Name` is `container/blob`; sizes come from
//! `Content-Length`, tiers from `AccessTier`. Rows for snapshots
//! (`Snapshot`), old versions (`IsCurrentVersion` false) and soft-deleted
//! blobs (`Deleted` true) are counted apart, as what they add.
//!
//! Files are read by ranged GETs of 8 MiB, a few ahead; a CSV is parsed as
//! it streams (memory: the ranges in flight). A Parquet file is read by its
//! footer first (one ranged GET of its last 64 KiB, a second when the
//! metadata is longer), then row group by row group, only the columns sums
//! need, a few row groups at once (memory: those row groups' needed column
//! chunks, whatever the file's size).

use super::client::StorageClient;
use super::sizes::{Sizes, Totals};
use super::walk::{Tier, Walk, WalkOptions};
use bytes::Bytes;
use futures::StreamExt;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

const RANGE: u64 = 8 << 20;
/// Ranges fetched ahead of the parser.
const AHEAD: usize = 4;

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ManifestFile {
    pub blob: String,
    pub size: u64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Summary {
    #[serde(rename = "objectCount", default)]
    pub object_count: u64,
    #[serde(rename = "totalObjectSize", default)]
    pub total_object_size: u64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
struct RuleDefinition {
    #[serde(default)]
    format: String,
    #[serde(rename = "objectType", default)]
    object_type: String,
}

/// What `<rule>-manifest.json` says (the documented fields blobx uses).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Manifest {
    #[serde(rename = "destinationContainer", default)]
    pub destination_container: String,
    pub files: Vec<ManifestFile>,
    #[serde(rename = "inventoryCompletionTime", default)]
    pub completion_time: String,
    #[serde(rename = "ruleName", default)]
    pub rule_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub summary: Option<Summary>,
    #[serde(rename = "ruleDefinition", default)]
    rule: RuleDefinition,
}

impl Manifest {
    pub fn parse(data: &[u8]) -> Result<Self, String> {
        let m: Manifest =
            serde_json::from_slice(data).map_err(|e| format!("not an inventory manifest: {e}"))?;
        if !m.status.is_empty() && m.status != "Succeeded" {
            return Err(format!(
                "the inventory run's status is {:?}, not Succeeded",
                m.status
            ));
        }
        if !m.rule.object_type.is_empty() && !m.rule.object_type.eq_ignore_ascii_case("blob") {
            return Err(format!(
                "rule {:?} lists {}s, not blobs",
                m.rule_name, m.rule.object_type
            ));
        }
        Ok(m)
    }

    fn parquet(&self, file: &str) -> bool {
        self.rule.format.eq_ignore_ascii_case("parquet") || file.ends_with(".parquet")
    }
}

/// What the rows of a report add up to, below one container folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventorySizes {
    /// Current blobs, per folder and tier (as a live walk counts them).
    pub sizes: Sizes,
    /// What snapshots, old versions and soft-deleted blobs add, in that order.
    pub extra: [Totals; 3],
    /// Rows read (every row of the report, in scope or not).
    pub rows: u64,
}

pub const EXTRA_NAMES: [&str; 3] = ["snapshots", "versions", "deleted"];

/// The latest manifest below `container/prefix`: the greatest path ending in
/// `manifest.json` (run folders are named by date and time, so they sort);
/// with `rule`, only that rule's (`…/<rule>-manifest.json`), so other rules
/// writing into the same container are passed over.
pub async fn latest_manifest(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    rule: Option<&str>,
) -> Result<(String, Manifest), String> {
    let suffix = match rule {
        Some(r) => format!("/{r}-manifest.json"),
        None => "manifest.json".to_string(),
    };
    let opts = WalkOptions {
        flat: true,
        ..WalkOptions::default()
    };
    let mut walk = Walk::start(
        client.clone(),
        container,
        prefix,
        opts,
        CancellationToken::new(),
    );
    let mut best: Option<String> = None;
    while let Some(page) = walk.next().await {
        for b in page? {
            if b.name.ends_with(&suffix) && best.as_ref().is_none_or(|x| b.name > *x) {
                best = Some(b.name);
            }
        }
    }
    let Some(name) = best else {
        return Err(format!(
            "no inventory manifest (…{}) below az://{container}/{prefix}",
            suffix.trim_start_matches('/')
        ));
    };
    let data = read_all(client, container, &name, None).await?;
    let manifest = Manifest::parse(&data).map_err(|e| format!("{name}: {e}"))?;
    Ok((name, manifest))
}

async fn blob_size(client: &StorageClient, container: &str, name: &str) -> Result<u64, String> {
    client
        .blob_props(container, name)
        .await
        .map(|p| p.size)
        .map_err(|e| format!("{name}: {}", super::describe_error(&e, client.account())))
}

/// The ranges of a blob, in order, fetched a few ahead.
fn ranges<'a>(
    client: &'a StorageClient,
    container: &'a str,
    name: &'a str,
    size: u64,
) -> impl futures::Stream<Item = Result<Bytes, String>> + 'a {
    let offsets: Vec<u64> = (0..size.div_ceil(RANGE)).map(|i| i * RANGE).collect();
    futures::stream::iter(offsets)
        .map(move |off| async move {
            client
                .get_range(container, name, off, RANGE.min(size - off), "")
                .await
                .map_err(|e| format!("{name}: {}", super::describe_error(&e, client.account())))
        })
        .buffered(AHEAD)
}

async fn read_all(
    client: &StorageClient,
    container: &str,
    name: &str,
    size: Option<u64>,
) -> Result<Vec<u8>, String> {
    let size = match size {
        Some(s) => s,
        None => blob_size(client, container, name).await?,
    };
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut parts = std::pin::pin!(ranges(client, container, name, size));
    while let Some(part) = parts.next().await {
        out.extend_from_slice(&part?);
    }
    Ok(out)
}

/// One row of a report, as far as sizes care.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// `container/blob`.
    pub name: String,
    pub size: u64,
    pub tier: Option<String>,
    pub snapshot: bool,
    pub old_version: bool,
    pub deleted: bool,
}

/// Adds rows below `container/prefix` (prefix empty or ending in `/`); an
/// empty container means the whole account, each container a folder.
pub struct Adder {
    scope: String,
    pub out: InventorySizes,
}

impl Adder {
    pub fn new(container: &str, prefix: &str, depth: usize) -> Self {
        Self {
            scope: if container.is_empty() {
                String::new()
            } else {
                format!("{container}/{prefix}")
            },
            out: InventorySizes {
                sizes: Sizes::new(depth),
                extra: Default::default(),
                rows: 0,
            },
        }
    }

    pub fn add(&mut self, row: &Row) {
        self.out.rows += 1;
        let Some(rel) = row.name.strip_prefix(&self.scope) else {
            return;
        };
        // A folder marker (or an hdi_isfolder directory) holds no bytes of its own.
        if rel.is_empty() || rel.ends_with('/') {
            return;
        }
        let tier = Tier::parse(row.tier.as_deref());
        let extra = if row.deleted {
            Some(2)
        } else if row.snapshot {
            Some(0)
        } else if row.old_version {
            Some(1)
        } else {
            None
        };
        match extra {
            Some(i) => self.out.extra[i].add(row.size, tier),
            None => self.out.sizes.add(rel, row.size, tier),
        }
    }
}

fn truthy(s: &str) -> bool {
    s.eq_ignore_ascii_case("true")
}

/// Column positions in a CSV report's header row.
struct Columns {
    name: usize,
    size: usize,
    tier: Option<usize>,
    snapshot: Option<usize>,
    current: Option<usize>,
    deleted: Option<usize>,
}

impl Columns {
    fn find(header: &csv::StringRecord) -> Result<Self, String> {
        let at = |n: &str| header.iter().position(|h| h.trim() == n);
        Ok(Self {
            name: at("Name").ok_or("the report has no Name column")?,
            size: at("Content-Length").ok_or(
                "the report has no Content-Length column (add it to the rule's schema fields)",
            )?,
            tier: at("AccessTier"),
            snapshot: at("Snapshot"),
            current: at("IsCurrentVersion"),
            deleted: at("Deleted"),
        })
    }

    fn row(&self, r: &csv::StringRecord) -> Row {
        let get = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("");
        Row {
            name: get(Some(self.name)).to_string(),
            size: get(Some(self.size)).trim().parse().unwrap_or(0),
            tier: Some(get(self.tier).to_string()).filter(|t| !t.is_empty()),
            snapshot: !get(self.snapshot).is_empty(),
            old_version: get(self.current).eq_ignore_ascii_case("false"),
            deleted: truthy(get(self.deleted)),
        }
    }
}

/// Reads CSV from `input`, adding each row.
pub fn add_csv(input: impl std::io::Read, adder: &mut Adder) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let cols = Columns::find(&header)?;
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| format!("a row of the report: {e}"))?
    {
        adder.add(&cols.row(&record));
    }
    Ok(())
}

/// Reads a whole Parquet report, adding each row (the ranged reader's check).
pub fn add_parquet(data: Bytes, adder: &mut Adder) -> Result<(), String> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(data).map_err(|e| format!("not Parquet: {e}"))?;
    let rows = reader.get_row_iter(None).map_err(|e| e.to_string())?;
    add_rows(rows, adder)
}

pub(super) fn add_rows(
    rows: parquet::record::reader::RowIter<'_>,
    adder: &mut Adder,
) -> Result<(), String> {
    use parquet::record::Field;
    for row in rows {
        let row = row.map_err(|e| format!("a row of the report: {e}"))?;
        let mut out = Row::default();
        for (name, field) in row.get_column_iter() {
            let text = || match field {
                Field::Str(s) => s.clone(),
                Field::Null => String::new(),
                other => other.to_string(),
            };
            match name.as_str() {
                "Name" => out.name = text(),
                "Content-Length" => {
                    out.size = match field {
                        Field::Long(n) => (*n).max(0) as u64,
                        Field::Int(n) => (*n).max(0) as u64,
                        Field::ULong(n) => *n,
                        _ => text().trim().parse().unwrap_or(0),
                    }
                }
                "AccessTier" => out.tier = Some(text()).filter(|t| !t.is_empty()),
                "Snapshot" => out.snapshot = !text().is_empty(),
                "IsCurrentVersion" => {
                    out.old_version = matches!(field, Field::Bool(false)) || text() == "false"
                }
                "Deleted" => out.deleted = matches!(field, Field::Bool(true)) || truthy(&text()),
                _ => {}
            }
        }
        adder.add(&out);
    }
    Ok(())
}

/// A `Read` over ranges arriving on a channel (the CSV parser runs on a
/// blocking thread while the ranges stream in).
struct ChannelReader {
    rx: std::sync::mpsc::Receiver<Result<Bytes, String>>,
    current: Bytes,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.recv() {
                Ok(Ok(b)) => self.current = b,
                Ok(Err(e)) => return Err(std::io::Error::other(e)),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Sums every file of `manifest` (in the report's `container`) below
/// `scope_container/scope_prefix`, down to `depth` folder levels.
pub async fn sum(
    client: &StorageClient,
    container: &str,
    manifest: &Manifest,
    scope_container: &str,
    scope_prefix: &str,
    depth: usize,
) -> Result<InventorySizes, String> {
    let mut adder = Adder::new(scope_container, scope_prefix, depth);
    for file in &manifest.files {
        if manifest.parquet(&file.blob) {
            adder = super::inventory_parquet::add(client, container, &file.blob, file.size, adder)
                .await
                .map_err(|e| format!("{}: {e}", file.blob))?;
        } else {
            let (tx, rx) = std::sync::mpsc::sync_channel(AHEAD);
            let parse = tokio::task::spawn_blocking(move || {
                let reader = ChannelReader {
                    rx,
                    current: Bytes::new(),
                };
                add_csv(reader, &mut adder).map(|()| adder)
            });
            let mut parts = std::pin::pin!(ranges(client, container, &file.blob, file.size));
            while let Some(part) = parts.next().await {
                let failed = part.is_err();
                // The parser stopped (a bad row): its error says why.
                if tx.send(part).is_err() || failed {
                    break;
                }
            }
            drop(tx);
            adder = parse
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| format!("{}: {e}", file.blob))?;
        }
    }
    Ok(adder.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"{
      "destinationContainer" : "inventory-destination-container",
      "endpoint" : "https://testaccount.blob.core.windows.net",
      "files" : [ { "blob" : "2021/05/26/13-25-36/Rule_1/Rule_1.csv", "size" : 12710092 } ],
      "inventoryCompletionTime" : "2021-05-26T13:35:56Z",
      "inventoryStartTime" : "2021-05-26T13:25:36Z",
      "ruleDefinition" : {
        "filters" : { "blobTypes" : [ "blockBlob" ], "includeBlobVersions" : false,
                      "includeSnapshots" : false, "prefixMatch" : [ "c1" ] },
        "format" : "csv", "objectType" : "blob", "schedule" : "daily",
        "schemaFields" : [ "Name", "Creation-Time", "BlobType", "Content-Length",
                           "LastAccessTime", "Last-Modified", "Metadata", "AccessTier" ]
      },
      "ruleName" : "Rule_1",
      "status" : "Succeeded",
      "summary" : { "objectCount" : 110000, "totalObjectSize" : 23789775 },
      "version" : "1.0"
    }"#;

    #[test]
    fn the_documented_manifest_parses_and_a_pending_run_is_refused() {
        let m = Manifest::parse(MANIFEST.as_bytes()).unwrap();
        assert_eq!(m.files[0].blob, "2021/05/26/13-25-36/Rule_1/Rule_1.csv");
        assert_eq!(m.files[0].size, 12710092);
        assert_eq!(m.rule_name, "Rule_1");
        assert_eq!(m.summary.as_ref().unwrap().object_count, 110000);
        assert!(!m.parquet(&m.files[0].blob));
        let pending = MANIFEST.replace("Succeeded", "Pending");
        assert!(
            Manifest::parse(pending.as_bytes())
                .unwrap_err()
                .contains("Pending")
        );
        assert!(Manifest::parse(b"{}").is_err());
    }

    #[test]
    fn csv_rows_add_up_per_folder_and_tier_and_extras_apart() {
        let csv = "Name,Creation-Time,Content-Length,AccessTier,Snapshot,IsCurrentVersion,Deleted\n\
            c1/a/x.bin,t,100,Hot,,true,false\n\
            c1/a/b/y.bin,t,50,Cool,,true,\n\
            c1/top,t,7,Archive,,,\n\
            c1/a/x.bin,t,100,Hot,2021-05-01T00:00:00.0000000Z,,\n\
            c1/a/x.bin,t,90,Hot,,false,\n\
            c1/gone,t,5,Hot,,,true\n\
            c1/a/,t,0,,,,\n\
            c2/a/z.bin,t,1000,Hot,,,\n\
            \"c1/quoted, name\",t,3,Hot,,,\n";
        let mut adder = Adder::new("c1", "", 1);
        add_csv(csv.as_bytes(), &mut adder).unwrap();
        let out = adder.out;
        assert_eq!(out.rows, 9);
        assert_eq!(out.sizes.total().all.bytes, 160);
        assert_eq!(out.sizes.total().all.blobs, 4);
        assert_eq!(out.sizes.folders["a/"].all.bytes, 150);
        assert_eq!(out.sizes.folders["a/"].tiers[Tier::Cool as usize].bytes, 50);
        assert_eq!(out.extra[0].all.bytes, 100, "snapshot");
        assert_eq!(out.extra[1].all.bytes, 90, "old version");
        assert_eq!(out.extra[2].all.bytes, 5, "deleted");
        // Without Content-Length: said in words.
        let mut adder = Adder::new("c1", "", 1);
        let e = add_csv("Name,AccessTier\nc1/x,Hot\n".as_bytes(), &mut adder).unwrap_err();
        assert!(e.contains("Content-Length"), "{e}");
    }
}
