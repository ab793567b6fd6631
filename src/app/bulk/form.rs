//! The bulk change form: one change for every marked blob (tier, content
//! headers, metadata, index tags) or their deletion, checked as it is typed.
//! Fields left empty change nothing on any blob.

use crate::app::field_form::{FieldForm, field_form, step};
use crate::azure::bulk::{BlobChange, MetadataEdit, TagEdit};
use crate::azure::ops::{self, AccessTier, HeaderEdit, count, human_bytes};
use crate::azure::tags;
use crate::transfer::changes::BulkJob;
use tui_input::Input;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkField {
    Action,
    Tier,
    ContentType,
    CacheControl,
    Disposition,
    Encoding,
    Language,
    Metadata,
    Tags,
}

impl BulkField {
    pub const ALL: [BulkField; 9] = [
        BulkField::Action,
        BulkField::Tier,
        BulkField::ContentType,
        BulkField::CacheControl,
        BulkField::Disposition,
        BulkField::Encoding,
        BulkField::Language,
        BulkField::Metadata,
        BulkField::Tags,
    ];

    pub fn title(self) -> &'static str {
        match self {
            BulkField::Action => "Action",
            BulkField::Tier => "Tier",
            BulkField::ContentType => "Content type",
            BulkField::CacheControl => "Cache control",
            BulkField::Disposition => "Disposition",
            BulkField::Encoding => "Encoding",
            BulkField::Language => "Language",
            BulkField::Metadata => "Metadata",
            BulkField::Tags => "Index tags",
        }
    }
}

/// The tier choices, "keep" first.
pub const TIERS: [Option<AccessTier>; 5] = [
    None,
    Some(AccessTier::Hot),
    Some(AccessTier::Cool),
    Some(AccessTier::Cold),
    Some(AccessTier::Archive),
];

#[derive(Clone, Debug)]
pub struct BulkForm {
    pub account: usize,
    pub container: String,
    /// Name and size of each blob it changes.
    pub blobs: Vec<(String, u64)>,
    pub focus: usize,
    pub delete: bool,
    /// Index into [`TIERS`].
    pub tier: usize,
    pub content_type: Input,
    pub cache_control: Input,
    pub disposition: Input,
    pub encoding: Input,
    pub language: Input,
    pub metadata: Input,
    pub tags: Input,
    /// What is wrong with each field now (indexed like [`BulkField::ALL`]).
    pub errors: [Option<String>; 9],
    pub validation: Result<BulkJob, String>,
    /// The review step: the change is shown with how much it touches.
    pub review: bool,
}

field_form!(BulkForm, BulkField {
    ContentType => content_type,
    CacheControl => cache_control,
    Disposition => disposition,
    Encoding => encoding,
    Language => language,
    Metadata => metadata,
    Tags => tags,
});

/// A header field: empty keeps it, `-` clears it.
fn header(input: &Input) -> Option<String> {
    match input.value().trim() {
        "" => None,
        "-" => Some(String::new()),
        v => Some(v.to_string()),
    }
}

/// Entries to set, names to remove.
type Pairs = (Vec<(String, String)>, Vec<String>);

/// `key=value; -key; …` (as the one-blob prompts write them): what to set
/// and what to remove.
fn pairs(text: &str) -> Result<Pairs, String> {
    let mut set = Vec::new();
    let mut remove = Vec::new();
    for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        if let Some(key) = item.strip_prefix('-') {
            remove.push(key.trim().to_string());
        } else {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| format!("{item:?}: write key=value (or -key to remove it)"))?;
            set.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok((set, remove))
}

impl BulkForm {
    pub fn new(account: usize, container: String, blobs: Vec<(String, u64)>) -> Self {
        let mut form = Self {
            account,
            container,
            blobs,
            focus: 0,
            delete: false,
            tier: 0,
            content_type: Input::default(),
            cache_control: Input::default(),
            disposition: Input::default(),
            encoding: Input::default(),
            language: Input::default(),
            metadata: Input::default(),
            tags: Input::default(),
            errors: Default::default(),
            validation: Err(String::new()),
            review: false,
        };
        form.validate();
        form
    }

    /// Opened on one field (m, H, # with marks).
    pub fn focused_on(mut self, field: BulkField) -> Self {
        self.focus = BulkField::ALL.iter().position(|f| *f == field).unwrap_or(0);
        self
    }

    pub fn bytes(&self) -> u64 {
        self.blobs.iter().map(|(_, s)| s).sum()
    }

    /// Left/Right/Space on the action or tier row.
    pub fn cycle(&mut self, delta: isize) {
        match self.focused() {
            BulkField::Action => self.delete = !self.delete,
            BulkField::Tier => self.tier = step(self.tier, TIERS.len(), delta),
            _ => return,
        }
        self.validate();
    }

    /// Rechecks every field; called after each keystroke.
    pub fn validate(&mut self) {
        let mut errors: [Option<String>; 9] = Default::default();
        let headers = HeaderEdit {
            content_type: header(&self.content_type),
            cache_control: header(&self.cache_control),
            content_disposition: header(&self.disposition),
            content_encoding: header(&self.encoding),
            content_language: header(&self.language),
        };
        for (i, (label, v)) in [
            ("the content type", &headers.content_type),
            ("cache control", &headers.cache_control),
            ("content disposition", &headers.content_disposition),
            ("content encoding", &headers.content_encoding),
            ("content language", &headers.content_language),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(v) = v {
                errors[2 + i] = ops::check_header_value(label, v).err();
            }
        }
        let metadata = match pairs(self.metadata.value()) {
            Ok((set, remove)) => {
                errors[7] = ops::check_metadata(&set).err().or_else(|| {
                    remove
                        .iter()
                        .find(|k| k.is_empty())
                        .map(|_| "-key names the entry to remove".to_string())
                });
                MetadataEdit { set, remove }
            }
            Err(e) => {
                errors[7] = Some(e);
                MetadataEdit::default()
            }
        };
        let tag_edit = match pairs(self.tags.value()) {
            Ok((set, remove)) if set.is_empty() && remove.is_empty() => TagEdit::Keep,
            Ok((set, remove)) => {
                errors[8] = tags::check_tags(&set)
                    .and_then(|()| remove.iter().try_for_each(|k| tags::check_tag_key(k)))
                    .err();
                TagEdit::Merge { set, remove }
            }
            Err(e) => {
                errors[8] = Some(e);
                TagEdit::Keep
            }
        };
        let job = if self.delete {
            errors = Default::default();
            BulkJob::Delete
        } else {
            BulkJob::Apply {
                tier: TIERS[self.tier.min(TIERS.len() - 1)],
                change: BlobChange {
                    headers,
                    metadata,
                    tags: tag_edit,
                },
            }
        };
        self.validation = match errors.iter().flatten().next() {
            Some(e) => Err(e.clone()),
            None if job.is_empty() => Err(
                "nothing to change yet: pick a tier, fill a field, or choose delete".to_string(),
            ),
            None => Ok(job),
        };
        self.errors = errors;
    }

    /// What the review step says: the change and how much it touches.
    pub fn review_lines(&self) -> Vec<String> {
        let what = match &self.validation {
            Ok(BulkJob::Delete) => "Delete".to_string(),
            Ok(job) => format!("Set {}", job.describe()),
            Err(e) => return vec![e.clone()],
        };
        let mut lines = vec![format!(
            "{what} on {} ({}) in {}.",
            count(self.blobs.len(), "blob"),
            human_bytes(self.bytes()),
            self.container
        )];
        if let Ok(BulkJob::Apply { change, .. }) = &self.validation {
            let h = &change.headers;
            for (label, v) in [
                ("content type", &h.content_type),
                ("cache control", &h.cache_control),
                ("content disposition", &h.content_disposition),
                ("content encoding", &h.content_encoding),
                ("content language", &h.content_language),
            ] {
                match v.as_deref() {
                    Some("") => lines.push(format!("  {label}: cleared")),
                    Some(v) => lines.push(format!("  {label}: {v}")),
                    None => {}
                }
            }
            let listed = |set: &[(String, String)], remove: &[String]| {
                set.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .chain(remove.iter().map(|k| format!("remove {k}")))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            if !change.metadata.is_empty() {
                lines.push(format!(
                    "  metadata: {}",
                    listed(&change.metadata.set, &change.metadata.remove)
                ));
            }
            if let TagEdit::Merge { set, remove } = &change.tags {
                lines.push(format!("  tags: {}", listed(set, remove)));
            }
            if change.headers != HeaderEdit::default() || !change.metadata.is_empty() {
                lines.push(
                    "Each blob is read first: headers and metadata not named stay as they are."
                        .into(),
                );
            }
            if change.tags != TagEdit::Keep {
                lines.push("Tags not named stay; at most 10 per blob.".into());
            }
        }
        if matches!(self.validation, Ok(BulkJob::Delete)) {
            lines.push(
                "Deleted blobs are gone (with their snapshots) unless soft delete is on.".into(),
            );
        }
        lines.push("Progress and failures show in the transfers pane (x there cancels).".into());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> BulkForm {
        BulkForm::new(0, "data".into(), vec![("a".into(), 10), ("b".into(), 20)])
    }

    #[test]
    fn empty_fields_change_nothing_and_dash_clears() {
        let mut f = form();
        assert!(f.validation.is_err(), "nothing named yet");
        f.content_type = Input::new("text/csv".into());
        f.language = Input::new("-".into());
        f.metadata = Input::new("owner=ana; -old".into());
        f.tags = Input::new("project=churn".into());
        f.validate();
        let Ok(BulkJob::Apply { tier, change }) = &f.validation else {
            panic!("{:?}", f.validation);
        };
        assert_eq!(*tier, None);
        assert_eq!(change.headers.content_type.as_deref(), Some("text/csv"));
        assert_eq!(change.headers.content_language.as_deref(), Some(""));
        assert_eq!(change.headers.cache_control, None);
        assert_eq!(change.metadata.remove, ["old"]);
        assert_eq!(
            change.tags,
            TagEdit::Merge {
                set: vec![("project".into(), "churn".into())],
                remove: vec![]
            }
        );
    }

    #[test]
    fn invalid_values_are_refused_as_typed() {
        let mut f = form();
        f.metadata = Input::new("bad-name=1".into());
        f.tags = Input::new("a=b;c".into());
        f.validate();
        assert!(f.errors[7].is_some());
        assert!(f.errors[8].is_some());
        assert!(f.validation.is_err());
        // Delete needs nothing else (and ignores the rest).
        f.delete = true;
        f.validate();
        assert_eq!(f.validation, Ok(BulkJob::Delete));
    }
}
