//! Blob previews, decoded from the few byte ranges that were read: numbered
//! text, pretty JSON, JSON Lines, a CSV table, gzip'd text, image headers,
//! Parquet schema and first rows, or a hex dump. Pure: no network (the range
//! reads are in `azure::preview_fetch`), no ratatui.

pub mod csv;
pub mod guard;
pub mod gzip;
pub mod hex;
pub mod image;
pub mod json;
pub mod ndjson;
pub mod parquet;
pub mod picture;
pub mod text;

use std::ops::Range;

/// The first read takes at most this much from the start of a blob.
pub const PREVIEW_BYTES: u64 = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreviewBody {
    Empty,
    Text(String),
    /// Pretty-printed (re-indented, so a cut-off document still reads well).
    Json(String),
    /// One pretty-printed document per line of the blob.
    JsonLines(Vec<ndjson::Record>),
    Csv {
        delimiter: char,
        rows: Vec<Vec<String>>,
    },
    /// `offset  hex bytes  |ascii|` lines.
    Hex(Vec<String>),
    /// Format and dimensions, plus the header bytes as hex.
    Image {
        info: image::ImageInfo,
        hex: Vec<String>,
        /// The picture itself, when the blob was small enough to read whole
        /// (`None`: not tried; an error says why it is not drawn).
        picture: Option<Result<picture::Picture, String>>,
    },
    Parquet(Box<parquet::ParquetPreview>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub body: PreviewBody,
    /// The byte ranges read from the blob, in the order they were read.
    pub ranges: Vec<Range<u64>>,
    /// The blob's whole size.
    pub total: u64,
    /// How the bytes were turned into what is shown (gzip ratio, why not
    /// Parquet after all), for the pane's footer.
    pub note: Option<String>,
}

pub fn human_bytes(n: u64) -> String {
    humansize::format_size(n, humansize::BINARY)
}

/// Characters per sideways step in text-like previews (tables step by column).
pub const SIDE_STEP: usize = 8;

impl Preview {
    /// How far the body can scroll sideways, in steps: table columns past the
    /// first, or `SIDE_STEP` characters of the longest line.
    pub fn side_steps(&self) -> usize {
        let longest = |text: &str| {
            text.lines()
                .map(|l| l.replace('\t', "    ").chars().count())
                .max()
                .unwrap_or(0)
        };
        let text_steps = |chars: usize| chars.saturating_sub(1) / SIDE_STEP;
        match &self.body {
            PreviewBody::Csv { rows, .. } => rows
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(0)
                .saturating_sub(1),
            PreviewBody::Parquet(pq) => pq.header.len().saturating_sub(1),
            PreviewBody::Text(t) | PreviewBody::Json(t) => text_steps(longest(t)),
            PreviewBody::JsonLines(records) => {
                text_steps(records.iter().map(|r| longest(&r.text)).max().unwrap_or(0))
            }
            PreviewBody::Empty | PreviewBody::Hex(_) | PreviewBody::Image { .. } => 0,
        }
    }

    /// Bytes read from the service.
    pub fn read(&self) -> u64 {
        self.ranges.iter().map(|r| r.end - r.start).sum()
    }

    pub fn truncated(&self) -> bool {
        self.read() < self.total
    }

    /// "first 64 KiB of 3.2 MiB", "read 80 KiB of 3.2 MiB in 3 ranges" or
    /// "all 1.1 KiB", for the pane's title.
    pub fn limit_note(&self) -> String {
        let read = self.read();
        if !self.truncated() && self.ranges.len() <= 1 {
            format!("all {}", human_bytes(self.total))
        } else if self.ranges.len() <= 1 {
            format!(
                "first {} of {} (previews read at most {})",
                human_bytes(read),
                human_bytes(self.total),
                human_bytes(PREVIEW_BYTES)
            )
        } else {
            format!(
                "read {} of {} in {} ranges",
                human_bytes(read),
                human_bytes(self.total),
                self.ranges.len()
            )
        }
    }
}

pub fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Named or typed as Parquet.
pub fn named_parquet(name: &str, content_type: Option<&str>) -> bool {
    matches!(extension(name).as_str(), "parquet" | "parq")
        || content_type.is_some_and(|c| c.to_ascii_lowercase().contains("parquet"))
}

/// Parquet to be read from its footer: the first bytes carry the magic.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(parquet::footer::MAGIC)
}

/// What the blob's name, headers and first bytes say about it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'a> {
    pub name: &'a str,
    pub content_type: Option<&'a str>,
    pub content_encoding: Option<&'a str>,
}

impl Hints<'_> {
    fn gzip(&self) -> bool {
        let ct = self.content_type.unwrap_or("").to_ascii_lowercase();
        matches!(extension(self.name).as_str(), "gz" | "gzip")
            || ct.contains("gzip")
            || self
                .content_encoding
                .is_some_and(|e| e.to_ascii_lowercase().contains("gzip"))
    }
}

/// Chooses how to show `bytes`, the start of a blob of `total` bytes (not
/// Parquet: that needs more ranges). Returns the body and an optional note.
pub fn decode(hints: Hints, bytes: &[u8], total: u64) -> (PreviewBody, Option<String>) {
    let complete = bytes.len() as u64 >= total;
    if bytes.is_empty() {
        return (PreviewBody::Empty, None);
    }
    if hints.gzip() && gzip::is_gzip(bytes) {
        match gzip::inflate_prefix(bytes, gzip::MAX_INFLATED) {
            Ok(inflated) => {
                let note = format!(
                    "gzip: read {} compressed → {} text{}",
                    human_bytes(bytes.len() as u64),
                    human_bytes(inflated.bytes.len() as u64),
                    if inflated.complete && complete {
                        ""
                    } else {
                        " (the start of the stream)"
                    }
                );
                // `x.csv.gz` is shown as `x.csv`; a gzip content type says
                // nothing about what is inside.
                let inner_name = hints
                    .name
                    .strip_suffix(".gz")
                    .or_else(|| hints.name.strip_suffix(".gzip"))
                    .unwrap_or(hints.name);
                let inner_type = hints
                    .content_type
                    .filter(|c| !c.to_ascii_lowercase().contains("gzip"));
                let whole = inflated.complete && complete;
                let total = if whole {
                    inflated.bytes.len() as u64
                } else {
                    u64::MAX
                };
                let inner = Hints {
                    name: inner_name,
                    content_type: inner_type,
                    content_encoding: None,
                };
                let (body, _) = decode_plain(inner, &inflated.bytes, total);
                return (body, Some(note));
            }
            Err(e) => return (PreviewBody::Hex(hex::hex_dump(bytes)), Some(e)),
        }
    }
    decode_plain(hints, bytes, total)
}

/// Everything but gzip.
fn decode_plain(hints: Hints, bytes: &[u8], total: u64) -> (PreviewBody, Option<String>) {
    let complete = bytes.len() as u64 >= total;
    if bytes.is_empty() {
        return (PreviewBody::Empty, None);
    }
    let parquet_note = named_parquet(hints.name, hints.content_type)
        .then(|| "named Parquet, but it does not start with the magic PAR1".to_string());
    if text::looks_binary(bytes) {
        // Header parsers see hostile bytes; a panic there is just "not an image".
        if let Some(info) = guard::catch(|| image::probe(bytes)).ok().flatten() {
            let head = &bytes[..bytes.len().min(256)];
            return (
                PreviewBody::Image {
                    info,
                    hex: hex::hex_dump(head),
                    picture: None,
                },
                parquet_note,
            );
        }
        return (PreviewBody::Hex(hex::hex_dump(bytes)), parquet_note);
    }
    let text = text::text_of(bytes);
    let ct = hints.content_type.unwrap_or("").to_ascii_lowercase();
    let ext = extension(hints.name);
    let json_hint = ct.contains("json") || matches!(ext.as_str(), "json" | "geojson" | "ipynb");
    let csv_hint = ct.contains("csv")
        || ct.contains("tab-separated")
        || matches!(ext.as_str(), "csv" | "tsv" | "psv");
    let jsonl =
        ct.contains("ndjson") || ct.contains("jsonl") || matches!(ext.as_str(), "jsonl" | "ndjson");
    let body = if jsonl {
        PreviewBody::JsonLines(ndjson::records(&text, complete))
    } else if let Some(pretty) = json::pretty_json(&text).filter(|_| json_hint || !csv_hint) {
        PreviewBody::Json(pretty)
    } else if let Some(d) = if ext == "tsv" {
        Some('\t')
    } else {
        csv::sniff_delimiter(&text)
    }
    .filter(|_| csv_hint)
    {
        PreviewBody::Csv {
            delimiter: d,
            rows: csv::parse_csv(&text, d, complete),
        }
    } else {
        PreviewBody::Text(text)
    };
    (body, parquet_note)
}

/// A preview of the first bytes of a blob, read in one range from offset 0.
pub fn build_preview(name: &str, content_type: Option<&str>, bytes: &[u8], total: u64) -> Preview {
    let hints = Hints {
        name,
        content_type,
        content_encoding: None,
    };
    let (body, note) = decode(hints, bytes, total);
    Preview {
        body,
        ranges: if bytes.is_empty() {
            Vec::new()
        } else {
            std::iter::once(0..bytes.len() as u64).collect()
        },
        total,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_choose_their_form() {
        let p = build_preview("x.json", None, br#"{"a":1}"#, 7);
        assert!(matches!(p.body, PreviewBody::Json(_)));
        assert_eq!(p.limit_note(), "all 7 B");
        let p = build_preview("x.csv", Some("text/csv"), b"a,b\n1,2\n", 8);
        assert!(matches!(p.body, PreviewBody::Csv { delimiter: ',', .. }));
        let p = build_preview("x.bin", None, &[0, 1, 2, 255], 100_000);
        match &p.body {
            PreviewBody::Hex(lines) => assert!(lines[0].starts_with("00000000  00 01 02 ff")),
            other => panic!("{other:?}"),
        }
        assert!(p.truncated());
        assert!(p.limit_note().starts_with("first 4 B of 97.66 KiB"));
        let p = build_preview("notes.txt", None, "héllo".as_bytes(), 6);
        assert_eq!(p.body, PreviewBody::Text("héllo".into()));
        // A multi-byte character cut by the range is dropped, not shown as binary.
        let p = build_preview("notes.txt", None, &"hé".as_bytes()[..2], 10);
        assert_eq!(p.body, PreviewBody::Text("h".into()));
        assert_eq!(build_preview("e", None, &[], 0).body, PreviewBody::Empty);
        let p = build_preview("x.jsonl", None, b"{\"a\":1}\n{\"a\":2}\n", 16);
        match &p.body {
            PreviewBody::JsonLines(r) => assert_eq!(r.len(), 2),
            other => panic!("{other:?}"),
        }
        let p = build_preview("fake.parquet", None, b"PPPP", 4);
        assert!(p.note.unwrap().contains("PAR1"));
    }

    #[test]
    fn gzip_text_is_inflated_and_shown_as_its_inner_form() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"id,name\n1,Ada\n2,Grace\n").unwrap();
        let z = e.finish().unwrap();
        let p = build_preview(
            "people.csv.gz",
            Some("application/gzip"),
            &z,
            z.len() as u64,
        );
        match &p.body {
            PreviewBody::Csv { rows, .. } => assert_eq!(rows.len(), 3),
            other => panic!("{other:?}"),
        }
        assert!(p.note.unwrap().starts_with("gzip: read "));
        // Stored with Content-Encoding: gzip, the name and type describe what is inside.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(br#"{"a":[1]}"#).unwrap();
        let z = e.finish().unwrap();
        let hints = Hints {
            name: "doc.json",
            content_type: Some("application/json"),
            content_encoding: Some("gzip"),
        };
        let (body, note) = decode(hints, &z, z.len() as u64);
        assert_eq!(
            body,
            PreviewBody::Json("{\n  \"a\": [\n    1\n  ]\n}".into())
        );
        assert!(note.is_some());
        // Without any gzip hint, the same bytes are just binary.
        let hints = Hints {
            name: "doc.json",
            ..Hints::default()
        };
        assert!(matches!(decode(hints, &z, 99).0, PreviewBody::Hex(_)));
    }

    #[test]
    fn limit_note_counts_every_range() {
        let p = Preview {
            body: PreviewBody::Empty,
            ranges: vec![0..100, 900..1000],
            total: 1000,
            note: None,
        };
        assert_eq!(p.read(), 200);
        assert_eq!(p.limit_note(), "read 200 B of 1000 B in 2 ranges");
    }

    /// Seeded mutations of gzip, PNG, GIF and JSON Lines bytes under every
    /// name hint: decoding never panics.
    #[test]
    fn mutated_bytes_never_panic() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&b"a,b\n1,2\n".repeat(200)).unwrap();
        let mut png =
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x06\0\0\0".to_vec();
        png.extend([0u8; 64]);
        let seeds: Vec<(&str, Vec<u8>)> = vec![
            ("a.csv.gz", e.finish().unwrap()),
            ("a.png", png),
            ("a.gif", b"GIF89a\x40\x01\xc8\x00\xf7\0\0".to_vec()),
            ("a.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xc0\0\x11\x08\x01\xe0\x02\x80".to_vec()),
            ("a.ndjson", b"{\"a\":[1,{\"b\":null}]}\n{\"c\":\"d\"}\n".to_vec()),
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..3000 {
            let (name, seed) = &seeds[round % seeds.len()];
            let mut bad = seed.clone();
            for _ in 0..1 + next() % 3 {
                let at = next() as usize % bad.len();
                bad[at] ^= 1 << (next() % 8);
            }
            if next() % 4 == 0 {
                bad.truncate(next() as usize % bad.len());
            }
            let hints = Hints {
                name,
                content_type: None,
                content_encoding: None,
            };
            let total = bad.len() as u64 + next() % 2;
            let r = std::panic::catch_unwind(|| decode(hints, &bad, total));
            assert!(r.is_ok(), "round {round}: {name} {bad:?}");
        }
    }
}
