//! Recursive search below the current folder: a glob (`**/2024-*/part-*.parquet`),
//! a `/regex/`, or a plain substring. The longest literal prefix of the
//! pattern goes to the server as the listing prefix, so the scan is as short
//! as it can be; matches stream in with a count of scanned blobs.

use globset::{GlobBuilder, GlobMatcher};

#[derive(Clone, Debug)]
pub enum Pattern {
    Glob(GlobMatcher),
    Regex(regex::Regex),
    Substring(String),
}

#[derive(Clone, Debug)]
pub struct Find {
    pub text: String,
    pub pattern: Pattern,
    /// Literal start of the pattern: listed server-side under the folder.
    pub literal_prefix: String,
}

fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

impl Find {
    /// Parses what was typed; names are matched relative to the folder.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("type a glob (**/*.csv), a /regex/, or part of a name".into());
        }
        let (pattern, literal_prefix) = if let Some(re) =
            text.strip_prefix('/').and_then(|t| t.strip_suffix('/'))
        {
            let r = regex::Regex::new(re).map_err(|e| format!("not a regular expression: {e}"))?;
            let literal = re
                .strip_prefix('^')
                .map(|r| {
                    r.chars()
                        .take_while(|c| c.is_alphanumeric() || "-_/ ".contains(*c))
                        .collect()
                })
                .unwrap_or_default();
            (Pattern::Regex(r), literal)
        } else if is_glob(text) {
            let g = GlobBuilder::new(text)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("not a glob: {e}"))?
                .compile_matcher();
            let literal: String = text.chars().take_while(|c| !"*?[{".contains(*c)).collect();
            (Pattern::Glob(g), literal)
        } else {
            (Pattern::Substring(text.to_lowercase()), String::new())
        };
        Ok(Self {
            text: text.to_string(),
            pattern,
            literal_prefix,
        })
    }

    pub fn matches(&self, relative: &str) -> bool {
        match &self.pattern {
            Pattern::Glob(g) => g.is_match(relative),
            Pattern::Regex(r) => r.is_match(relative),
            Pattern::Substring(s) => relative.to_lowercase().contains(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_use_their_literal_start_as_prefix() {
        let f = Find::parse("raw/2024-*/part-*.parquet").unwrap();
        assert_eq!(f.literal_prefix, "raw/2024-");
        assert!(f.matches("raw/2024-01/part-00001.parquet"));
        assert!(
            !f.matches("raw/2024-01/deep/part-00001.parquet"),
            "* stays within a folder"
        );
        let f = Find::parse("**/*.csv").unwrap();
        assert_eq!(f.literal_prefix, "");
        assert!(f.matches("a/b/c.csv"));
    }

    #[test]
    fn regex_and_substring() {
        let f = Find::parse("/^logs/.*error/").unwrap();
        assert_eq!(f.literal_prefix, "logs/");
        assert!(f.matches("logs/2026/app-error.log"));
        let f = Find::parse("Report").unwrap();
        assert!(f.matches("q3/annual-report.pdf"));
        assert!(Find::parse("/([/").is_err());
        assert!(Find::parse("  ").is_err());
    }
}

use super::effect::Effect;
use super::entry::Entry;
use super::state::{Location, State};
use crate::azure::BlobEntry;

/// A search in progress or done, for the footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindInfo {
    pub text: String,
    pub scanned: usize,
}

impl State {
    /// Starts a recursive search below the current folder (after the prompt).
    pub(super) fn start_find(&mut self, text: String) -> Vec<Effect> {
        let Location::Blobs {
            account,
            container,
            prefix,
        } = self.location.clone()
        else {
            return Vec::new();
        };
        let mut effects = self.reload();
        // `reload` started a folder listing; replace it with the search.
        effects.retain(|e| !matches!(e, Effect::ListBlobs { .. }));
        self.listing.find = Some(FindInfo {
            text: text.clone(),
            scanned: 0,
        });
        self.listing.loading = true;
        effects.push(Effect::Find {
            generation: self.listing.generation,
            account,
            container,
            prefix,
            text,
        });
        effects
    }

    pub(super) fn find_page(
        &mut self,
        generation: u64,
        result: Result<(Vec<BlobEntry>, usize), String>,
        done: bool,
    ) -> Vec<Effect> {
        if generation != self.listing.generation {
            return Vec::new();
        }
        let Location::Blobs { prefix, .. } = self.location.clone() else {
            return Vec::new();
        };
        let result = result.map(|(blobs, scanned)| {
            if let Some(f) = self.listing.find.as_mut() {
                f.scanned += scanned;
            }
            let interner = &mut self.listing.interner;
            blobs
                .into_iter()
                .map(|b| Entry::from_blob(b, &prefix, interner))
                .collect::<Vec<_>>()
        });
        self.take_page(result, done)
    }
}
