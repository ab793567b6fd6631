//! The filter options `blobx du`, `cp -r` and `sync` share (see `azure::filter`).

use crate::azure::filter::{Filter, FilterText};

#[derive(Debug, Default, clap::Args)]
pub struct FilterArgs {
    /// Only what was modified at or after this: an age (7d, 12h, 30m), a date (2026-11-01) or a time (2026-11-01T10:00:00Z).
    #[arg(long, value_name = "WHEN")]
    pub modified_after: Option<String>,
    /// Only what was modified before this (same forms as --modified-after).
    #[arg(long, value_name = "WHEN")]
    pub modified_before: Option<String>,
    /// Only files of at least this size (500, 4KB, 10MiB, 1.5GB).
    #[arg(long, value_name = "SIZE")]
    pub min_size: Option<String>,
    /// Only files of at most this size.
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,
    /// Only names matching this glob (repeatable): without / it matches the file name (*.csv), with / the path below the folder (raw/**/*.parquet).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out names matching this glob (repeatable; same forms as --include).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

impl FilterArgs {
    /// The parsed filter (ages counted from now); refused in words.
    pub fn filter(&self) -> anyhow::Result<Filter> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Filter::parse(
            &FilterText {
                modified_after: self.modified_after.as_deref(),
                modified_before: self.modified_before.as_deref(),
                min_size: self.min_size.as_deref(),
                max_size: self.max_size.as_deref(),
                include: &self.include,
                exclude: &self.exclude,
            },
            now,
        )
        .map_err(|e| anyhow::anyhow!(e))
    }
}
