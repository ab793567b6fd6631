//! Previews against a real Azurite through the real code path
//! (`azure::preview_fetch::preview`): text forms from the first 64 KiB,
//! gzip'd text, JSON Lines, image headers, and Parquet read from its footer
//! and first row group only. Every test checks what was read: the ranges the
//! fetch layer reports, and for Parquet also the bytes a counting proxy saw.

// Lists of byte ranges read that happen to hold one range.
#![allow(clippy::single_range_in_vec_init)]

mod support;

use blobx::azure::preview_fetch::preview;
use blobx::azure::{Account, StorageClient};
use blobx::preview::parquet::MAX_GROUP_BYTES;
use blobx::preview::{PREVIEW_BYTES, Preview, PreviewBody};
use parquet::basic::Compression;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::ops::Range;
use std::sync::atomic::Ordering;
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::sample::{CITIES, events_ndjson, gzip, png, trip, trips_parquet};
use support::seed::{BlobSpec, client, fill};
use support::unique;

async fn seeded(blobs: Vec<BlobSpec>) -> (StorageClient, String) {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let name = unique("preview");
    fill(&c, &name, blobs).await.unwrap();
    (c, name)
}

/// Where the first row group's chunks and the metadata sit, per the parquet
/// crate reading the whole file locally (the test's ground truth).
fn layout(file: &[u8]) -> (Range<u64>, Range<u64>) {
    let reader = SerializedFileReader::new(bytes::Bytes::from(file.to_vec())).unwrap();
    let group = reader.metadata().row_group(0);
    let starts = group.columns().iter().map(|c| c.byte_range().0);
    let ends = group
        .columns()
        .iter()
        .map(|c| c.byte_range().0 + c.byte_range().1);
    let total = file.len() as u64;
    let meta_len = u32::from_le_bytes(file[file.len() - 8..file.len() - 4].try_into().unwrap());
    (
        starts.min().unwrap()..ends.max().unwrap(),
        total - 8 - meta_len as u64..total,
    )
}

fn within(r: &Range<u64>, allowed: &Range<u64>) -> bool {
    allowed.start <= r.start && r.end <= allowed.end
}

#[tokio::test]
async fn text_forms_read_at_most_64_kib() {
    let big = "line of text\n".repeat(8000);
    let (c, name) = seeded(vec![
        BlobSpec::new("doc.json", r#"{"a":[1,2],"b":{"c":"d"}}"#),
        BlobSpec::new("table.csv", "x,y\n1,2\n3,4\n"),
        BlobSpec::new("big.log", big.clone()),
        BlobSpec::new("empty.txt", ""),
        BlobSpec::new("blob.bin", vec![0u8, 159, 146, 150, 1, 2]),
    ])
    .await;
    let p = preview(&c, &name, "doc.json").await.unwrap();
    assert_eq!(
        p.body,
        PreviewBody::Json(
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"d\"\n  }\n}".into()
        )
    );
    assert_eq!(p.limit_note(), "all 25 B");
    let p = preview(&c, &name, "table.csv").await.unwrap();
    match p.body {
        PreviewBody::Csv { rows, .. } => assert_eq!(rows.len(), 3),
        other => panic!("{other:?}"),
    }
    let p = preview(&c, &name, "big.log").await.unwrap();
    assert_eq!(p.ranges, vec![0..PREVIEW_BYTES]);
    assert_eq!(p.read(), 65_536);
    assert_eq!(p.total, big.len() as u64);
    assert!(p.truncated());
    assert!(
        p.limit_note().starts_with("first 64 KiB of"),
        "{}",
        p.limit_note()
    );
    let p = preview(&c, &name, "empty.txt").await.unwrap();
    assert_eq!(p.body, PreviewBody::Empty);
    let p = preview(&c, &name, "blob.bin").await.unwrap();
    assert!(matches!(p.body, PreviewBody::Hex(_)), "{:?}", p.body);
}

fn parquet_of(p: &Preview) -> &blobx::preview::parquet::ParquetPreview {
    match &p.body {
        PreviewBody::Parquet(pq) => pq,
        other => panic!("not a Parquet preview: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn parquet_reads_only_the_footer_and_the_first_row_group() {
    // 8 row groups of 20,000 trips, snappy: about 2 MiB.
    let file = trips_parquet(8, 20_000, Compression::SNAPPY);
    let total = file.len() as u64;
    let (group0, meta) = layout(&file);
    let emu = Emulator::shared();
    let name = unique("preview-pq");
    fill(
        &client(&emu.host),
        &name,
        vec![BlobSpec::new("trips.parquet", file.clone())],
    )
    .await
    .unwrap();
    // Through a proxy that forwards everything and counts what comes back.
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 1, 0).await;
    let c = StorageClient::new(Account::emulator(&proxy.host).unwrap()).unwrap();

    let started = std::time::Instant::now();
    let p = preview(&c, &name, "trips.parquet").await.unwrap();
    // Reported, not asserted: the machine is shared.
    let took = started.elapsed();
    let pq = parquet_of(&p);
    assert_eq!(pq.num_rows, 160_000);
    assert_eq!(pq.groups.len(), 8);
    assert!(pq.groups.iter().all(|g| g.rows == 20_000));
    let schema: Vec<(&str, &str, &str, &str)> = pq
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.physical.as_str(),
                c.logical.as_str(),
                c.compression.as_str(),
            )
        })
        .collect();
    assert_eq!(
        schema,
        vec![
            ("trip_id", "INT64", "", "SNAPPY"),
            ("city", "BYTE_ARRAY", "STRING", "SNAPPY"),
            ("fare", "DOUBLE", "", "SNAPPY"),
            ("pickup", "INT64", "TIMESTAMP(ms, UTC)", "SNAPPY"),
        ]
    );
    assert_eq!(pq.header, vec!["trip_id", "city", "fare", "pickup"]);
    assert_eq!(pq.rows.len(), 50);
    assert_eq!(pq.rows_note, None);
    for (i, row) in pq.rows.iter().enumerate() {
        let (id, city, fare, _) = trip(i as i64);
        assert_eq!(row[0], id.to_string());
        assert_eq!(row[1], city);
        assert_eq!(
            row[2],
            fare.map_or("null".to_string(), |f| format!("{f:?}"))
        );
    }
    assert!(pq.rows[0][3].starts_with("2026-11-23"), "{}", pq.rows[0][3]);

    // Only the head, the tail (footer) and the first row group were read.
    let head = 0..PREVIEW_BYTES.max(group0.end);
    let tail = total.saturating_sub(PREVIEW_BYTES).min(meta.start)..total;
    for r in &p.ranges {
        assert!(
            within(r, &head) || within(r, &tail),
            "{r:?} is outside the first row group {group0:?} and the footer {meta:?}"
        );
    }
    let read = p.read();
    let budget = (group0.end.max(PREVIEW_BYTES)) + PREVIEW_BYTES.max(meta.end - meta.start);
    assert!(read <= budget, "read {read} of {total}, budget {budget}");
    assert!(read * 4 < total, "read {read} of {total}");
    let seen = proxy.counters.response_bytes.load(Ordering::Relaxed);
    let requests = proxy.counters.requests.load(Ordering::Relaxed);
    assert_eq!(requests, p.ranges.len() as u64);
    // Headers add a little per answer; the body bytes are the ranges.
    assert!(
        seen >= read && seen < read + 4096 * requests,
        "proxy saw {seen}"
    );
    eprintln!(
        "parquet preview: {} bytes of {total} in {} ranges {:?} (first row group {group0:?}, metadata {meta:?}); proxy saw {seen} bytes in {requests} requests; took {took:?}",
        read,
        p.ranges.len(),
        p.ranges
    );
    assert!(p.limit_note().starts_with("read "), "{}", p.limit_note());
}

#[tokio::test]
async fn small_parquet_is_read_in_one_range() {
    let file = trips_parquet(3, 40, Compression::UNCOMPRESSED);
    assert!((file.len() as u64) < PREVIEW_BYTES);
    let (c, name) = seeded(vec![BlobSpec::new("t.parquet", file.clone())]).await;
    let p = preview(&c, &name, "t.parquet").await.unwrap();
    assert_eq!(p.ranges, vec![0..file.len() as u64]);
    let pq = parquet_of(&p);
    assert_eq!((pq.num_rows, pq.groups.len()), (120, 3));
    // Only the first row group's 40 rows, not 50 from across groups.
    assert_eq!(pq.rows.len(), 40);
    assert_eq!(pq.columns[0].compression, "UNCOMPRESSED");
    assert_eq!(
        p.limit_note(),
        format!("all {}", blobx::preview::human_bytes(file.len() as u64))
    );
}

/// One BYTE_ARRAY column of incompressible values, one row group over the
/// 16 MiB limit, then a small one.
fn wide_parquet() -> Vec<u8> {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema =
        Arc::new(parse_message_type("message blobs { REQUIRED BYTE_ARRAY payload; }").unwrap());
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::UNCOMPRESSED)
            .set_dictionary_enabled(false)
            .build(),
    );
    let mut out = Vec::new();
    let mut w = SerializedFileWriter::new(&mut out, schema, props).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for rows in [(MAX_GROUP_BYTES / 4096 + 64) as usize, 10] {
        let values: Vec<ByteArray> = (0..rows)
            .map(|_| {
                let v: Vec<u8> = (0..4096)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x as u8
                    })
                    .collect();
                ByteArray::from(v)
            })
            .collect();
        let mut rg = w.next_row_group().unwrap();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&values, None, None)
            .unwrap();
        col.close().unwrap();
        rg.close().unwrap();
    }
    w.close().unwrap();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_first_row_group_shows_the_schema_only() {
    let file = wide_parquet();
    let total = file.len() as u64;
    assert!(total > MAX_GROUP_BYTES);
    let (c, name) = seeded(vec![BlobSpec::new("wide.parquet", file)]).await;
    let p = preview(&c, &name, "wide.parquet").await.unwrap();
    let pq = parquet_of(&p);
    assert_eq!(pq.columns.len(), 1);
    assert_eq!(pq.groups.len(), 2);
    assert!(pq.rows.is_empty());
    let note = pq.rows_note.as_deref().unwrap_or("");
    assert!(note.contains("schema only"), "{note}");
    // The head and the footer: two 64 KiB reads, nothing of the 16 MiB group.
    assert_eq!(p.ranges.len(), 2, "{:?}", p.ranges);
    assert!(p.read() <= 2 * PREVIEW_BYTES);
}

#[tokio::test]
async fn corrupt_parquet_gives_a_clear_message() {
    let good = trips_parquet(2, 5_000, Compression::SNAPPY);
    let total = good.len();
    let truncated = good[..total / 2].to_vec();
    let mut huge_footer = good.clone();
    huge_footer[total - 8..total - 4].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    let mut garbage_meta = good.clone();
    let meta_len = u32::from_le_bytes(good[total - 8..total - 4].try_into().unwrap()) as usize;
    for b in &mut garbage_meta[total - 8 - meta_len..total - 8] {
        *b = 0xff;
    }
    let (c, name) = seeded(vec![
        BlobSpec::new("truncated.parquet", truncated),
        BlobSpec::new("huge-footer.parquet", huge_footer),
        BlobSpec::new("garbage-meta.parquet", garbage_meta),
        BlobSpec::new("tiny.parquet", b"PAR1".to_vec()),
    ])
    .await;
    for (blob, says) in [
        ("truncated.parquet", "PAR1"),
        ("huge-footer.parquet", "more than the file holds"),
        ("garbage-meta.parquet", "does not parse"),
        ("tiny.parquet", "shorter than a Parquet footer"),
    ] {
        let err = preview(&c, &name, blob).await.unwrap_err();
        let text = err.describe(c.account());
        assert!(
            text.starts_with(&format!("{blob} is not a readable Parquet file"))
                && text.contains(says),
            "{blob}: {text}"
        );
    }
}

#[tokio::test]
async fn gzip_csv_is_inflated_from_the_first_range() {
    // ~3 MiB of varied CSV: the first 64 KiB compressed is a partial stream.
    let text: String = std::iter::once("id,city,score\n".to_string())
        .chain((0..120_000u64).map(|i| {
            format!(
                "{i},{},{}\n",
                CITIES[(i % 7) as usize],
                (i * 2_654_435_761) % 1_000_003
            )
        }))
        .collect();
    let z = gzip(text.as_bytes());
    assert!(z.len() as u64 > PREVIEW_BYTES);
    let small = gzip(b"a,b\n1,2\n");
    let (c, name) = seeded(vec![
        BlobSpec::new("scores.csv.gz", z.clone()),
        BlobSpec::new("small.csv.gz", small),
    ])
    .await;
    let p = preview(&c, &name, "scores.csv.gz").await.unwrap();
    assert_eq!(p.ranges, vec![0..PREVIEW_BYTES]);
    let note = p.note.clone().unwrap_or_default();
    assert!(
        note.starts_with("gzip: read 64 KiB compressed → "),
        "{note}"
    );
    assert!(note.contains("the start of the stream"), "{note}");
    match &p.body {
        PreviewBody::Csv { rows, delimiter } => {
            assert_eq!(*delimiter, ',');
            assert_eq!(rows[0], vec!["id", "city", "score"]);
            assert_eq!(rows[1], vec!["0", "Lisbon", "0"]);
            // Many more rows than 64 KiB of plain text would hold; a cut last
            // line is dropped, so every row is whole.
            assert!(rows.len() > 5_000, "{}", rows.len());
            assert!(rows.iter().all(|r| r.len() == 3));
        }
        other => panic!("{other:?}"),
    }
    let p = preview(&c, &name, "small.csv.gz").await.unwrap();
    assert!(!p.note.unwrap_or_default().contains("start of the stream"));
    assert!(matches!(&p.body, PreviewBody::Csv { rows, .. } if rows.len() == 2));
}

#[tokio::test]
async fn ndjson_records_are_pretty_printed() {
    let big = events_ndjson(3_000);
    assert!(big.len() as u64 > PREVIEW_BYTES);
    let (c, name) = seeded(vec![
        BlobSpec::new("events.ndjson", events_ndjson(3)),
        BlobSpec::new("many.jsonl", big),
    ])
    .await;
    let p = preview(&c, &name, "events.ndjson").await.unwrap();
    match &p.body {
        PreviewBody::JsonLines(records) => {
            assert_eq!(records.len(), 3);
            assert!(records.iter().all(|r| r.valid));
            assert!(
                records[1]
                    .text
                    .starts_with("{\n  \"id\": 1,\n  \"kind\": \"view\",\n  \"ok\": true,"),
                "{}",
                records[1].text
            );
        }
        other => panic!("{other:?}"),
    }
    let p = preview(&c, &name, "many.jsonl").await.unwrap();
    assert_eq!(p.read(), PREVIEW_BYTES);
    match &p.body {
        // The line cut by the 64 KiB range is dropped, not shown as invalid.
        PreviewBody::JsonLines(records) => {
            assert!(records.len() > 100);
            assert!(records.iter().all(|r| r.valid));
        }
        other => panic!("{other:?}"),
    }
}

/// Format and size from the header; small images are read whole and
/// decoded into a picture, big ones are not read past the first range, and
/// bytes that only look like an image say why there is no picture.
#[tokio::test]
async fn images_show_format_and_dimensions() {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&320u16.to_le_bytes());
    gif.extend_from_slice(&200u16.to_le_bytes());
    gif.extend_from_slice(&[0xf7, 0, 0]);
    gif.extend(std::iter::repeat_n(0u8, 100));
    let mut big_png = png(640, 480);
    big_png.extend(std::iter::repeat_n(0u8, 200_000));
    let mut huge_png = png(64, 48);
    huge_png.extend(std::iter::repeat_n(0u8, 9 << 20));
    let (c, name) = seeded(vec![
        BlobSpec::new("logo.png", png(64, 48)),
        BlobSpec::new("photo.png", big_png),
        BlobSpec::new("anim.gif", gif),
        BlobSpec::new("huge.png", huge_png),
    ])
    .await;
    for (blob, format, size) in [
        ("logo.png", "PNG", (64, 48)),
        ("photo.png", "PNG", (640, 480)),
        ("anim.gif", "GIF", (320, 200)),
        ("huge.png", "PNG", (64, 48)),
    ] {
        let p = preview(&c, &name, blob).await.unwrap();
        let PreviewBody::Image { info, hex, picture } = &p.body else {
            panic!("{blob}: {:?}", p.body);
        };
        assert_eq!(info.format, format, "{blob}");
        assert_eq!(info.size, Some(size), "{blob}");
        assert!(!hex.is_empty());
        match (blob, picture) {
            ("logo.png" | "photo.png", Some(Ok(pic))) => {
                assert_eq!((pic.width() as usize, pic.height() as usize), size);
                // The gradient's first pixel: (0, 0, 128).
                let first = *pic.image().to_rgba8().get_pixel(0, 0);
                assert_eq!(first.0, [0, 0, 128, 255], "{blob}");
                assert_eq!(p.read(), p.total, "{blob} is read whole");
            }
            ("anim.gif", Some(Err(why))) => {
                assert!(why.contains("decod"), "{why}");
            }
            ("huge.png", Some(Err(why))) => {
                assert!(why.contains("larger than 8 MiB"), "{why}");
                assert!(p.read() <= PREVIEW_BYTES, "a big image is not downloaded");
            }
            (_, other) => panic!("{blob}: {other:?}"),
        }
    }
}

/// The real binary in a terminal: `v` on a Parquet blob shows its schema and
/// first rows, `J` scrolls, `>`/`<` move a column sideways, `v` again closes
/// the pane.
#[tokio::test(flavor = "multi_thread")]
async fn v_shows_parquet_in_the_terminal() {
    let emu = Emulator::shared();
    let container = unique("preview-tui");
    fill(
        &client(&emu.host),
        &container,
        vec![BlobSpec::new(
            "trips.parquet",
            trips_parquet(3, 200, Compression::SNAPPY),
        )],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/");
    let mut tui =
        support::pty::Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 140, 40);
    tui.wait_text("trips.parquet");
    tui.send("v");
    let screen = tui.wait_text("Parquet · 600 rows");
    assert!(screen.contains("3 row groups"), "{screen}");
    assert!(screen.contains("TIMESTAMP(ms, UTC)"), "{screen}");
    let screen = tui.wait_text("First 50 of 600 rows");
    assert!(screen.contains("Lisbon-0"), "{screen}");
    tui.send("J");
    tui.wait_for("the pane to scroll past the summary", |s| {
        !s.contains("Parquet · 600 rows")
    });
    // Sideways by a column: the rows start at `city`, the title says so.
    tui.send(">");
    let screen = tui.wait_text("columns 2–");
    assert!(screen.contains("│ city "), "{screen}");
    tui.send("<");
    tui.wait_for("the first column back", |s| !s.contains("columns 2–"));
    tui.send("v");
    tui.wait_for("the pane to close", |s| !s.contains("TIMESTAMP(ms, UTC)"));
    tui.send("q");
    assert!(tui.wait_exit());
}

/// The real binary in a terminal: `v` on a small PNG draws it in colour
/// half-blocks (a pixel a column, two a row) under its format and size.
#[tokio::test(flavor = "multi_thread")]
async fn v_draws_a_picture_in_the_terminal() {
    let emu = Emulator::shared();
    let container = unique("picture-tui");
    fill(
        &client(&emu.host),
        &container,
        vec![BlobSpec::new("logo.png", png(64, 48))],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/");
    let mut tui =
        support::pty::Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 200, 40);
    tui.wait_text("logo.png");
    tui.send("v");
    // Upper or lower half-blocks, whichever the cell's two colours need.
    let half = |c: char| c == '▀' || c == '▄';
    let screen = tui.wait_for("the picture", |s| {
        s.chars().filter(|c| half(*c)).count() >= 64 * 24
    });
    assert!(screen.contains("PNG image · 64 × 48 px"), "{screen}");
    let rows = screen.lines().filter(|l| l.contains(half)).count();
    assert_eq!(rows, 24, "48 pixel rows in 24 text rows: {screen}");
    tui.send("q");
    assert!(tui.wait_exit());
}
