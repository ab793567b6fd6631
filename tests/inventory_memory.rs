//! A measurement, not a check (run with `--ignored --nocapture`): the peak
//! memory of `blobx du --inventory` over Parquet reports of 4 and 16 row
//! groups (the same rows per group, a wide column sums never read). Read by
//! ranges, the peak should not grow with the file.

mod support;

use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::sync::Arc;
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::unique;

const ROWS: usize = 40_000;

fn report(groups: usize) -> Vec<u8> {
    let schema = Arc::new(
        parse_message_type(
            "message inventory { OPTIONAL BYTE_ARRAY Metadata (UTF8); REQUIRED BYTE_ARRAY Name (UTF8); OPTIONAL INT64 Content-Length; OPTIONAL BYTE_ARRAY AccessTier (UTF8); }",
        )
        .unwrap(),
    );
    let props = WriterProperties::builder()
        .set_compression(parquet::basic::Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .build();
    let mut data = Vec::new();
    let mut w = SerializedFileWriter::new(&mut data, schema, Arc::new(props)).unwrap();
    for g in 0..groups {
        let mut rg = w.next_row_group().unwrap();
        let defs = vec![1i16; ROWS];
        let meta: Vec<ByteArray> = (0..ROWS)
            .map(|i| ByteArray::from(format!("{g}-{i}-{}", "m".repeat(400)).as_str()))
            .collect();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&meta, Some(&defs), None)
            .unwrap();
        col.close().unwrap();
        let names: Vec<ByteArray> = (0..ROWS)
            .map(|i| ByteArray::from(format!("data/f{}/b{g}-{i}.bin", i % 50).as_str()))
            .collect();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&names, None, None)
            .unwrap();
        col.close().unwrap();
        let sizes: Vec<i64> = (0..ROWS as i64).collect();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<Int64Type>()
            .write_batch(&sizes, Some(&defs), None)
            .unwrap();
        col.close().unwrap();
        let tiers: Vec<ByteArray> = (0..ROWS).map(|_| ByteArray::from("Hot")).collect();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&tiers, Some(&defs), None)
            .unwrap();
        col.close().unwrap();
        rg.close().unwrap();
    }
    w.close().unwrap();
    data
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn parquet_report_memory_does_not_grow_with_the_file() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    for groups in [4usize, 16] {
        let inv = unique("invmem");
        let data = report(groups);
        let size = data.len();
        let run = format!("r{groups}/2026/11/29/13-25-36/Big");
        let manifest = serde_json::to_vec(&serde_json::json!({
            "files": [{"blob": format!("{run}/Big.parquet"), "size": size}],
            "inventoryCompletionTime": "2026-11-29T13:35:56Z",
            "ruleDefinition": {"format": "parquet", "objectType": "blob"},
            "ruleName": "Big", "status": "Succeeded"
        }))
        .unwrap();
        fill(
            &c,
            &inv,
            vec![
                BlobSpec::new(format!("{run}/Big.parquet"), data),
                BlobSpec::new(format!("{run}/Big-manifest.json"), manifest),
            ],
        )
        .await
        .unwrap();
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        let out = std::process::Command::new("/usr/bin/time")
            .args(["-f", "peak_rss_kib=%M"])
            .arg(env!("CARGO_BIN_EXE_blobx"))
            .args([
                "du",
                "--json",
                "--emulator",
                &emu.host,
                "az://data",
                "--depth",
                "0",
            ])
            .args(["--inventory", &format!("az://{inv}/r{groups}/")])
            .env("BLOBX_CONFIG_DIR", h.join("config"))
            .env("BLOBX_LOG_DIR", h.join("logs"))
            .env("BLOBX_DATA_DIR", h.join("data"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rss = err
            .lines()
            .find_map(|l| l.strip_prefix("peak_rss_kib="))
            .unwrap_or("?");
        println!(
            "{groups} row groups, {} rows, file {:.1} MiB: blobs {} · peak RSS {rss} KiB",
            groups * ROWS,
            size as f64 / 1048576.0,
            doc["blobs"]
        );
    }
}
