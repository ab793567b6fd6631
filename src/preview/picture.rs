//! Pictures for the preview pane: small images are read whole, decoded off
//! the async threads and shrunk to a thumbnail the pane can draw in colour
//! half-blocks (two pixels a cell, so it works in any colour terminal, tmux
//! and SSH included).

use super::guard;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbaImage};
use std::io::Cursor;
use std::sync::Arc;

/// Largest image blob read whole to draw it; bigger ones show format, size
/// and header bytes only (a preview never downloads a large blob).
pub const MAX_PICTURE_BYTES: u64 = 8 << 20;

/// Largest decoded image, in pixels (a 16 MiB PNG can hold gigapixels).
const MAX_PIXELS: u64 = 64_000_000;

/// Thumbnails are at most this wide and tall: more than a terminal pane can
/// show in half-blocks, and a bounded cost to scale on each resize.
const THUMBNAIL: u32 = 640;

/// A decoded, shrunk picture; cheap to clone. `id` tells pictures apart
/// for the pane's scaling cache.
#[derive(Clone)]
pub struct Picture {
    pixels: Arc<RgbaImage>,
    pub id: u64,
}

impl Picture {
    pub fn new(pixels: RgbaImage) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            pixels: Arc::new(pixels),
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    pub fn width(&self) -> u32 {
        self.pixels.width()
    }

    pub fn height(&self) -> u32 {
        self.pixels.height()
    }

    pub fn image(&self) -> DynamicImage {
        DynamicImage::ImageRgba8((*self.pixels).clone())
    }
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}×{})", self.width(), self.height())
    }
}

impl PartialEq for Picture {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.pixels, &other.pixels) || *self.pixels == *other.pixels
    }
}

impl Eq for Picture {}

/// The formats blobx draws (its decoders are built in).
pub fn drawable(format: &str) -> bool {
    format_of(format).is_some()
}

fn format_of(name: &str) -> Option<ImageFormat> {
    match name {
        "PNG" => Some(ImageFormat::Png),
        "JPEG" | "JPG" => Some(ImageFormat::Jpeg),
        "GIF" => Some(ImageFormat::Gif),
        "WEBP" => Some(ImageFormat::WebP),
        "BMP" => Some(ImageFormat::Bmp),
        _ => None,
    }
}

/// Decodes a whole image blob of the probed `format` into a thumbnail.
/// CPU work: call it from a blocking task. Never panics; hostile bytes
/// give a message.
pub fn decode(bytes: &[u8], format: &str) -> Result<Picture, String> {
    let Some(format) = format_of(format) else {
        return Err(format!("not drawn: blobx does not decode {format}"));
    };
    match guard::catch(|| decode_unguarded(bytes, format)) {
        Ok(result) => result,
        Err(panic) => Err(format!("not drawn: {panic}")),
    }
}

fn decode_unguarded(bytes: &[u8], format: ImageFormat) -> Result<Picture, String> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| format!("not drawn: it could not be decoded ({e})"))?;
    let small = if image.width() > THUMBNAIL || image.height() > THUMBNAIL {
        image.thumbnail(THUMBNAIL, THUMBNAIL)
    } else {
        image
    };
    Ok(Picture::new(small.to_rgba8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = RgbaImage::from_fn(w, h, |x, y| {
            image::Rgba([
                (x * 255 / w.max(1)) as u8,
                (y * 255 / h.max(1)) as u8,
                90,
                255,
            ])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn small_pictures_keep_their_size_and_big_ones_shrink() {
        let small = decode(&png(64, 48), "PNG").unwrap();
        assert_eq!((small.width(), small.height()), (64, 48));
        let big = decode(&png(2000, 1000), "PNG").unwrap();
        assert_eq!((big.width(), big.height()), (640, 320));
    }

    #[test]
    fn hostile_or_unknown_bytes_are_refused_in_words() {
        let mut cut = png(64, 48);
        cut.truncate(cut.len() / 2);
        let err = decode(&cut, "PNG").unwrap_err();
        assert!(err.contains("could not be decoded"), "{err}");
        let err = decode(b"II*\0", "TIFF").unwrap_err();
        assert!(err.contains("does not decode TIFF"), "{err}");
        for i in 0..200usize {
            let mut bytes = png(16, 16);
            let at = (i * 7919) % bytes.len();
            bytes[at] ^= 0x5a;
            let _ = decode(&bytes, "PNG");
        }
    }
}
