//! Which files or blobs a recursive job takes: modified after/before (a
//! date, a time, or an age such as `7d`), a size range (`10MiB`), and
//! include/exclude globs. The same filter for blobs and local files, in
//! `blobx du`, `blobx cp -r` and `blobx sync`.
//!
//! Globs: one without `/` matches the last part of the name (`*.csv`); one
//! with `/` matches the path relative to the folder walked
//! (`raw/2024-*/*.parquet`, `**/tmp/**`). `*` never crosses a `/`.
//! A name is taken when it matches any `--include` (or there are none) and
//! no `--exclude`.

use globset::{GlobBuilder, GlobMatcher};

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Unix seconds: taken when modified at or after.
    pub modified_after: Option<i64>,
    /// Unix seconds: taken when modified before.
    pub modified_before: Option<i64>,
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    include: Vec<(GlobMatcher, bool)>,
    exclude: Vec<(GlobMatcher, bool)>,
}

/// What the user typed, before parsing.
#[derive(Clone, Debug, Default)]
pub struct FilterText<'a> {
    pub modified_after: Option<&'a str>,
    pub modified_before: Option<&'a str>,
    pub min_size: Option<&'a str>,
    pub max_size: Option<&'a str>,
    pub include: &'a [String],
    pub exclude: &'a [String],
}

fn glob(text: &str) -> Result<(GlobMatcher, bool), String> {
    let g = GlobBuilder::new(text)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("{text:?} is not a glob: {e}"))?;
    Ok((g.compile_matcher(), text.contains('/')))
}

impl Filter {
    /// Parses the filter options; `now` (unix seconds) anchors ages like `7d`.
    pub fn parse(text: &FilterText, now: i64) -> Result<Self, String> {
        let f = Self {
            modified_after: text
                .modified_after
                .map(|t| parse_when(t, now).map_err(|e| format!("--modified-after: {e}")))
                .transpose()?,
            modified_before: text
                .modified_before
                .map(|t| parse_when(t, now).map_err(|e| format!("--modified-before: {e}")))
                .transpose()?,
            min_size: text
                .min_size
                .map(|t| parse_size(t).map_err(|e| format!("--min-size: {e}")))
                .transpose()?,
            max_size: text
                .max_size
                .map(|t| parse_size(t).map_err(|e| format!("--max-size: {e}")))
                .transpose()?,
            include: text
                .include
                .iter()
                .map(|t| glob(t).map_err(|e| format!("--include: {e}")))
                .collect::<Result<_, _>>()?,
            exclude: text
                .exclude
                .iter()
                .map(|t| glob(t).map_err(|e| format!("--exclude: {e}")))
                .collect::<Result<_, _>>()?,
        };
        if let (Some(a), Some(b)) = (f.modified_after, f.modified_before)
            && a >= b
        {
            return Err(
                "--modified-after is not before --modified-before: nothing could match".into(),
            );
        }
        if let (Some(a), Some(b)) = (f.min_size, f.max_size)
            && a > b
        {
            return Err("--min-size is larger than --max-size: nothing could match".into());
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        self.modified_after.is_none()
            && self.modified_before.is_none()
            && self.min_size.is_none()
            && self.max_size.is_none()
            && self.include.is_empty()
            && self.exclude.is_empty()
    }

    /// Whether the filter needs modification times (local files: a stat).
    pub fn needs_time(&self) -> bool {
        self.modified_after.is_some() || self.modified_before.is_some()
    }

    /// `relative`: the name below the folder walked, with `/`. `modified`:
    /// unix seconds; an unknown time never passes a time filter.
    pub fn matches(&self, relative: &str, size: u64, modified: Option<i64>) -> bool {
        let leaf = relative.rsplit('/').next().unwrap_or(relative);
        let hit = |(g, whole): &(GlobMatcher, bool)| {
            if *whole {
                g.is_match(relative)
            } else {
                g.is_match(leaf)
            }
        };
        if self.min_size.is_some_and(|m| size < m) || self.max_size.is_some_and(|m| size > m) {
            return false;
        }
        if let Some(a) = self.modified_after
            && modified.is_none_or(|t| t < a)
        {
            return false;
        }
        if let Some(b) = self.modified_before
            && modified.is_none_or(|t| t >= b)
        {
            return false;
        }
        (self.include.is_empty() || self.include.iter().any(hit)) && !self.exclude.iter().any(hit)
    }
}

/// `10MiB`, `1.5 GB`, `500`, `4k`: bytes. Decimal units (k, MB) count in
/// 1000s, binary ones (KiB, MiB) in 1024s.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (try 500, 10MiB, 1.5GB)"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024.0f64.powi(4),
        other => {
            return Err(format!(
                "{text:?}: unknown unit {other:?} (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"
            ));
        }
    };
    let bytes = number * factor;
    if !bytes.is_finite() || bytes > u64::MAX as f64 {
        return Err(format!("{text:?} is too large"));
    }
    Ok(bytes.round() as u64)
}

/// A moment as unix seconds: an age before `now` (`90s`, `30m`, `12h`,
/// `7d`, `2w`), a date (`2026-11-01`, midnight UTC), or a time
/// (`2026-11-01T10:00:00Z`, `2026-11-01 10:00`, UTC unless an offset is given).
pub fn parse_when(text: &str, now: i64) -> Result<i64, String> {
    let t = text.trim();
    let hint = "use an age (7d, 12h, 30m), a date (2026-11-01) or a time (2026-11-01T10:00:00Z)";
    if let Some(unit) = t.chars().last().filter(|c| "smhdw".contains(*c))
        && let Ok(n) = t[..t.len() - 1].parse::<i64>()
    {
        let secs = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => 7 * 86_400,
        };
        if n < 0 {
            return Err(format!("{text:?}: an age cannot be negative"));
        }
        return n
            .checked_mul(secs)
            .and_then(|s| now.checked_sub(s))
            .ok_or_else(|| format!("{text:?} is too long ago"));
    }
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    if let Ok(t) = time::OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let normalized = t.replace('T', " ");
    let normalized = normalized.trim_end_matches(['Z', 'z']);
    if let Ok(d) = time::PrimitiveDateTime::parse(
        normalized,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    ) {
        return Ok(d.assume_utc().unix_timestamp());
    }
    if let Ok(d) = time::PrimitiveDateTime::parse(
        normalized,
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
    ) {
        return Ok(d.assume_utc().unix_timestamp());
    }
    if let Ok(d) = time::Date::parse(normalized, format_description!("[year]-[month]-[day]")) {
        return Ok(d.midnight().assume_utc().unix_timestamp());
    }
    Err(format!("{text:?} is not a time: {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("500").unwrap(), 500);
        assert_eq!(parse_size("10MiB").unwrap(), 10 * 1024 * 1024);
        assert_eq!(parse_size("1.5 GB").unwrap(), 1_500_000_000);
        assert_eq!(parse_size("4k").unwrap(), 4000);
        assert!(parse_size("ten").unwrap_err().contains("not a size"));
        assert!(
            parse_size("3 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_size("1e400").is_err());
    }

    #[test]
    fn times_and_ages() {
        let now = 1_800_000_000;
        assert_eq!(parse_when("7d", now).unwrap(), now - 7 * 86_400);
        assert_eq!(parse_when("90s", now).unwrap(), now - 90);
        assert_eq!(parse_when("2026-11-01", now).unwrap(), 1_793_491_200);
        assert_eq!(
            parse_when("2026-11-01T10:00:00Z", now).unwrap(),
            1_793_491_200 + 36_000
        );
        assert_eq!(
            parse_when("2026-11-01 10:00", now).unwrap(),
            1_793_491_200 + 36_000
        );
        assert_eq!(
            parse_when("2026-11-01T10:00:00+01:00", now).unwrap(),
            1_793_491_200 + 32_400
        );
        assert!(
            parse_when("yesterday", now)
                .unwrap_err()
                .contains("not a time")
        );
        assert!(parse_when("99999999999999999d", now).is_err());
    }

    #[test]
    fn globs_sizes_and_times_together() {
        let include = vec!["*.csv".to_string(), "raw/**/*.parquet".to_string()];
        let exclude = vec!["**/tmp/**".to_string()];
        let f = Filter::parse(
            &FilterText {
                min_size: Some("1KB"),
                modified_after: Some("2026-11-01"),
                include: &include,
                exclude: &exclude,
                ..FilterText::default()
            },
            0,
        )
        .unwrap();
        let t = Some(1_793_491_200);
        assert!(f.matches("a/b.csv", 1000, t));
        assert!(!f.matches("a/b.csv", 999, t), "too small");
        assert!(!f.matches("a/b.csv", 1000, Some(1_793_491_199)), "too old");
        assert!(!f.matches("a/b.csv", 1000, None), "unknown time");
        assert!(f.matches("raw/x/y/p.parquet", 5000, t));
        assert!(!f.matches("other/p.parquet", 5000, t), "path glob");
        assert!(!f.matches("a/tmp/b.csv", 5000, t), "excluded");
        assert!(Filter::parse(&FilterText::default(), 0).unwrap().is_empty());
    }

    #[test]
    fn impossible_ranges_are_refused_in_words() {
        let e = Filter::parse(
            &FilterText {
                min_size: Some("2MB"),
                max_size: Some("1MB"),
                ..FilterText::default()
            },
            0,
        )
        .unwrap_err();
        assert!(e.contains("nothing could match"), "{e}");
        let e = Filter::parse(
            &FilterText {
                include: &["[".to_string()],
                ..FilterText::default()
            },
            0,
        )
        .unwrap_err();
        assert!(e.starts_with("--include"), "{e}");
    }
}
