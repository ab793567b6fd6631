//! Images: format and dimensions from the header bytes only.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// `PNG`, `JPEG`, `GIF`, `WEBP`, …
    pub format: String,
    /// Width × height, when the header within the bytes read gives it.
    pub size: Option<(usize, usize)>,
}

/// The image format of `bytes`, if they start like one.
pub fn probe(bytes: &[u8]) -> Option<ImageInfo> {
    let kind = imagesize::image_type(bytes).ok()?;
    Some(ImageInfo {
        format: format!("{kind:?}").to_ascii_uppercase(),
        size: imagesize::blob_size(bytes)
            .ok()
            .map(|s| (s.width, s.height)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_header_gives_format_and_size() {
        // Signature + IHDR for a 640 × 480 image; no pixel data needed.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            probe(&png),
            Some(ImageInfo {
                format: "PNG".into(),
                size: Some((640, 480))
            })
        );
        assert_eq!(probe(b"hello"), None);
    }
}
