//! The CORS rule model and the service's limits on it.

// ---------------------------------------------------------------------------
// The service's limits.
//
// From the Azure Storage documentation, "Cross-Origin Resource Sharing (CORS)
// support for the Azure Storage services" (learn.microsoft.com/rest/api/
// storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-
// storage-services), section "Understanding CORS rules":
// - up to five CORS rules per service;
// - all CORS rule settings in the request, excluding XML tags, at most 2 KiB;
// - each allowed header, exposed header or allowed origin at most 256 characters;
// - allowed and exposed headers are literal (`x-ms-meta-data`) or prefixed
//   (`x-ms-meta-*`): at most 64 literal and 2 prefixed headers per list;
// - allowed methods: DELETE, GET, HEAD, MERGE, POST, OPTIONS, PUT (PATCH is
//   accepted by newer service versions);
// - an origin is `*` or an exact origin; rules are evaluated in order and the
//   first rule whose origin and method match decides, even when its headers
//   then do not.
// The SDK reference (CorsRule) adds: at most 64 origins per rule. MaxAgeInSeconds
// is an Int32 in the REST schema.

/// Rules per service.
pub const MAX_RULES: usize = 5;
/// Bytes of rule text (values only, no XML tags) in the whole set.
pub const MAX_RULES_TEXT: usize = 2048;
/// Characters in one origin or header.
pub const MAX_VALUE_CHARS: usize = 256;
/// Literal (non-wildcard) headers in one list.
pub const MAX_LITERAL_HEADERS: usize = 64;
/// Prefixed headers (`x-ms-meta-*`) in one list.
pub const MAX_PREFIXED_HEADERS: usize = 2;
/// Origins in one rule.
pub const MAX_ORIGINS: usize = 64;
/// The largest MaxAgeInSeconds (an Int32 on the wire).
pub const MAX_AGE_LIMIT: u32 = i32::MAX as u32;

/// The HTTP methods a CORS rule may allow, in the documentation's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CorsMethod {
    Delete,
    Get,
    Head,
    Merge,
    Post,
    Options,
    Put,
    Patch,
}

impl CorsMethod {
    pub const ALL: [CorsMethod; 8] = [
        CorsMethod::Delete,
        CorsMethod::Get,
        CorsMethod::Head,
        CorsMethod::Merge,
        CorsMethod::Post,
        CorsMethod::Options,
        CorsMethod::Put,
        CorsMethod::Patch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CorsMethod::Delete => "DELETE",
            CorsMethod::Get => "GET",
            CorsMethod::Head => "HEAD",
            CorsMethod::Merge => "MERGE",
            CorsMethod::Post => "POST",
            CorsMethod::Options => "OPTIONS",
            CorsMethod::Put => "PUT",
            CorsMethod::Patch => "PATCH",
        }
    }

    /// Case-insensitive (the emulator stores lower case; we always write upper case).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                format!(
                    "{t:?} is not a method the service accepts; use DELETE, GET, HEAD, MERGE, POST, OPTIONS, PUT or PATCH"
                )
            })
    }
}

/// One CORS rule. Methods are kept in [`CorsMethod::ALL`] order without
/// repeats, so two rules allowing the same methods compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorsRule {
    pub allowed_origins: Vec<String>,
    pub allowed_methods: Vec<CorsMethod>,
    pub allowed_headers: Vec<String>,
    pub exposed_headers: Vec<String>,
    pub max_age_seconds: u32,
}

impl CorsRule {
    pub fn new(
        origins: &[&str],
        methods: &[CorsMethod],
        allowed_headers: &[&str],
        exposed_headers: &[&str],
        max_age_seconds: u32,
    ) -> Self {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Self {
            allowed_origins: owned(origins),
            allowed_methods: normalize_methods(methods),
            allowed_headers: owned(allowed_headers),
            exposed_headers: owned(exposed_headers),
            max_age_seconds,
        }
    }

    pub fn methods_text(&self) -> String {
        self.allowed_methods
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// One line for lists and diffs.
    pub fn summary(&self) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(",")
            }
        };
        format!(
            "origins {} · methods {} · allowed headers {} · exposed headers {} · max age {}s",
            list(&self.allowed_origins),
            self.methods_text(),
            list(&self.allowed_headers),
            list(&self.exposed_headers),
            self.max_age_seconds
        )
    }

    /// Characters of rule text as the service counts them (values, no tags).
    fn text_len(&self) -> usize {
        self.allowed_origins.join(",").len()
            + self.methods_text().len()
            + self.allowed_headers.join(",").len()
            + self.exposed_headers.join(",").len()
            + self.max_age_seconds.to_string().len()
    }
}

/// Methods in canonical order, each once.
pub fn normalize_methods(methods: &[CorsMethod]) -> Vec<CorsMethod> {
    CorsMethod::ALL
        .into_iter()
        .filter(|m| methods.contains(m))
        .collect()
}

/// Splits a typed or pasted list: commas, spaces and new lines all separate.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Bytes of rule text in the whole set, for "312 of 2,048 bytes".
pub fn rules_text_len(rules: &[CorsRule]) -> usize {
    rules.iter().map(CorsRule::text_len).sum()
}
