//! The demo's sample data: several containers, nested folders, thousands of
//! blobs, some metadata, and a few real files to preview (Parquet, gzip'd CSV,
//! NDJSON, PNG). The makers of those files are also used by the preview tests.
#![allow(dead_code)]

use super::seed::{BlobSpec, fill};
use blobx::azure::StorageClient;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::io::Write;
use std::sync::Arc;

pub const CITIES: [&str; 7] = [
    "Lisbon",
    "Reykjavík",
    "Osaka",
    "Nairobi",
    "Lima",
    "Oslo",
    "Hanoi",
];

/// The `trips` schema: an id, a city, an optional fare, a UTC timestamp.
pub const TRIPS_SCHEMA: &str = "message trips {
    REQUIRED INT64 trip_id;
    REQUIRED BYTE_ARRAY city (STRING);
    OPTIONAL DOUBLE fare;
    REQUIRED INT64 pickup (TIMESTAMP(MILLIS,true));
}";

/// Row `i` of the trips table: (id, city, fare, pickup ms). Every 10th fare is null.
pub fn trip(i: i64) -> (i64, String, Option<f64>, i64) {
    let city = format!("{}-{}", CITIES[(i % 7) as usize], (i * 7919) % 10_007);
    let fare = (i % 10 != 0).then(|| (i % 500) as f64 / 4.0 + 2.5);
    (i, city, fare, 1_795_418_465_000 + i * 61_000)
}

/// A Parquet file of `groups` row groups of `rows` trips each.
pub fn trips_parquet(groups: usize, rows: usize, compression: Compression) -> Vec<u8> {
    let schema = Arc::new(parse_message_type(TRIPS_SCHEMA).expect("schema"));
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(compression)
            .build(),
    );
    let mut out = Vec::new();
    let mut w = SerializedFileWriter::new(&mut out, schema, props).expect("writer");
    for g in 0..groups {
        let trips: Vec<_> = (0..rows).map(|r| trip((g * rows + r) as i64)).collect();
        let mut rg = w.next_row_group().expect("row group");
        let mut col = rg.next_column().expect("col").expect("trip_id");
        let ids: Vec<i64> = trips.iter().map(|t| t.0).collect();
        col.typed::<Int64Type>()
            .write_batch(&ids, None, None)
            .expect("ids");
        col.close().expect("close");
        let mut col = rg.next_column().expect("col").expect("city");
        let cities: Vec<ByteArray> = trips
            .iter()
            .map(|t| ByteArray::from(t.1.as_str()))
            .collect();
        col.typed::<ByteArrayType>()
            .write_batch(&cities, None, None)
            .expect("cities");
        col.close().expect("close");
        let mut col = rg.next_column().expect("col").expect("fare");
        let fares: Vec<f64> = trips.iter().filter_map(|t| t.2).collect();
        let defs: Vec<i16> = trips.iter().map(|t| t.2.is_some() as i16).collect();
        col.typed::<DoubleType>()
            .write_batch(&fares, Some(&defs), None)
            .expect("fares");
        col.close().expect("close");
        let mut col = rg.next_column().expect("col").expect("pickup");
        let times: Vec<i64> = trips.iter().map(|t| t.3).collect();
        col.typed::<Int64Type>()
            .write_batch(&times, None, None)
            .expect("times");
        col.close().expect("close");
        rg.close().expect("close group");
    }
    w.close().expect("close file");
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// A real `w` × `h` RGB PNG (a gradient), built by hand: signature, IHDR,
/// one zlib-compressed IDAT, IEND, each chunk with its CRC.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend_from_slice(&[(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128]);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).expect("zlib");
    let idat = z.finish().expect("zlib");
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// NDJSON events, one per line.
pub fn events_ndjson(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"id\":{i},\"kind\":\"{}\",\"user\":{{\"name\":\"u{}\",\"tags\":[\"a\",\"b\"]}},\"ok\":{}}}\n",
                ["click", "view", "buy"][i % 3],
                i % 17,
                i % 4 != 0
            )
        })
        .collect()
}

pub async fn seed_demo(client: &StorageClient) -> Result<(), String> {
    // datasets: 12 months × 8 days × 25 parts = 2,400 parquet files plus a few CSVs.
    let mut datasets = Vec::new();
    for month in 1..=12 {
        for day in 1..=8 {
            for part in 0..25 {
                let name = format!("raw/2024/{month:02}/{day:02}/part-{part:05}.parquet");
                let size = 1024 + (month * 131 + day * 17 + part * 7) * 64;
                datasets.push(BlobSpec::new(name, vec![b'P'; size]));
            }
        }
    }
    datasets.push(
        BlobSpec::new(
            "curated/customers.csv",
            "id,name,country\n1,Ada,GB\n2,Grace,US\n",
        )
        .meta("owner", "data-eng")
        .meta("pii", "true"),
    );
    datasets.push(BlobSpec::new(
        "curated/orders.json",
        r#"{"orders": [{"id": 1, "total": 12.5}]}"#,
    ));
    // Real files to preview with `v`.
    datasets.push(BlobSpec::new(
        "curated/trips.parquet",
        trips_parquet(4, 500, Compression::SNAPPY),
    ));
    let customers: String = std::iter::once("id,name,country\n".to_string())
        .chain(
            (1..=2000)
                .map(|i| format!("{i},{}-{i},{}\n", CITIES[i % 7], ["GB", "US", "JP"][i % 3])),
        )
        .collect();
    datasets.push(BlobSpec::new(
        "curated/customers-full.csv.gz",
        gzip(customers.as_bytes()),
    ));
    datasets.push(BlobSpec::new(
        "events/2026-11-23.ndjson",
        events_ndjson(200),
    ));
    datasets.push(BlobSpec::new(
        "README.md",
        "# datasets\nRaw and curated tables.\n",
    ));
    fill(client, "datasets", datasets).await?;

    // images: two flat-ish folders of 600 each.
    let mut images = Vec::new();
    for i in 0..600 {
        images.push(BlobSpec::new(
            format!("cats/cat-{i:04}.jpg"),
            vec![0xFFu8; 2048 + i],
        ));
        images.push(BlobSpec::new(
            format!("dogs/dog-{i:04}.png"),
            vec![0x89u8; 4096 + i],
        ));
    }
    images.push(BlobSpec::new("logo.png", png(64, 48)));
    fill(client, "images", images).await?;

    // logs: deep paths.
    let mut logs = Vec::new();
    for hour in 0..24 {
        for n in 0..10 {
            logs.push(BlobSpec::new(
                format!("app/2026/11/23/{hour:02}/worker-{n}.log"),
                format!("2026-11-23T{hour:02}:00:00Z worker {n} started\n"),
            ));
        }
    }
    fill(client, "logs", logs).await?;

    // ml-models: few blobs, rich metadata.
    let models = vec![
        BlobSpec::new("resnet50/v3/model.onnx", vec![1u8; 300_000])
            .meta("framework", "onnx")
            .meta("accuracy", "0.761")
            .meta("trained_by", "ml-platform"),
        BlobSpec::new("resnet50/v3/labels.txt", "cat\ndog\n"),
        BlobSpec::new("bert-base/v1/model.safetensors", vec![2u8; 500_000])
            .meta("framework", "pytorch"),
    ];
    fill(client, "ml-models", models).await?;
    fill(client, "empty-container", Vec::new()).await?;
    seed_history(client).await?;
    Ok(())
}

/// A blob with a past: `datasets/curated/prices.csv` written three times,
/// with a snapshot after each of the first two (`V` on it shows them).
pub async fn seed_history(client: &StorageClient) -> Result<(), String> {
    let name = "curated/prices.csv";
    let states = [
        "sku,price\nA-1,9.90\nB-2,4.50\n",
        "sku,price\nA-1,10.90\nB-2,4.50\nC-3,2.00\n",
        "sku,price\nA-1,11.50\nB-2,4.75\nC-3,2.10\nD-4,7.00\n",
    ];
    for (i, body) in states.iter().enumerate() {
        client
            .put_blob(
                "datasets",
                name,
                bytes::Bytes::from_static(body.as_bytes()),
                Some("text/csv"),
                Default::default(),
            )
            .await
            .map_err(|e| format!("upload datasets/{name}: {e}"))?;
        if i + 1 < states.len() {
            blobx::azure::history::take_snapshot(client, "datasets", name)
                .await
                .map_err(|e| format!("snapshot of datasets/{name}: {e}"))?;
        }
    }
    Ok(())
}
