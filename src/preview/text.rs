//! Telling text from binary, and text from bytes cut at an arbitrary offset.

/// True when the bytes are not text: a NUL, or many control characters, or
/// UTF-8 that is broken before the last few bytes (a cut can split a character).
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
            // Only a character cut off at the end.
            match std::str::from_utf8(&bytes[..e.valid_up_to()]) {
                Ok(t) => t,
                Err(_) => return true,
            }
        }
        Err(_) => return true,
    };
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    control * 10 > text.chars().count().max(1)
}

/// Text of the bytes, dropping a character cut off at the end.
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
    }
}
