//! gzip: inflating only the first compressed bytes (a partial stream is fine).

use std::io::Read;

/// Inflated text is capped here, so a small range cannot become a huge
/// buffer (a gzip bomb inflates ~1000×).
pub const MAX_INFLATED: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inflated {
    pub bytes: Vec<u8>,
    /// The gzip stream ended inside what was read (nothing was cut).
    pub complete: bool,
}

/// True when the bytes start like a gzip member (magic and deflate method).
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b, 0x08])
}

/// Inflates as much of `compressed` as it holds, up to `limit` bytes out.
pub fn inflate_prefix(compressed: &[u8], limit: usize) -> Result<Inflated, String> {
    let mut decoder = flate2::read::MultiGzDecoder::new(compressed);
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if out.len() >= limit {
            out.truncate(limit);
            return Ok(Inflated {
                bytes: out,
                complete: false,
            });
        }
        match decoder.read(&mut buf) {
            Ok(0) => {
                return Ok(Inflated {
                    bytes: out,
                    complete: true,
                });
            }
            Ok(n) => out.extend_from_slice(&buf[..n]),
            // The range ended mid-stream: keep what came out.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok(Inflated {
                    bytes: out,
                    complete: false,
                });
            }
            Err(e) if out.is_empty() => return Err(format!("not valid gzip: {e}")),
            Err(_) => {
                return Ok(Inflated {
                    bytes: out,
                    complete: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn whole_and_cut_streams_inflate() {
        let text: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("{i},x\n").into_bytes())
            .collect();
        let z = gz(&text);
        assert!(is_gzip(&z));
        let all = inflate_prefix(&z, MAX_INFLATED).unwrap();
        assert!(all.complete);
        assert_eq!(all.bytes, text);
        let cut = inflate_prefix(&z[..z.len() / 2], MAX_INFLATED).unwrap();
        assert!(!cut.complete);
        assert!(!cut.bytes.is_empty() && text.starts_with(&cut.bytes));
        let capped = inflate_prefix(&z, 1000).unwrap();
        assert_eq!((capped.bytes.len(), capped.complete), (1000, false));
        assert!(inflate_prefix(b"\x1f\x8b\x08garbage-garbage", 100).is_err());
    }
}
