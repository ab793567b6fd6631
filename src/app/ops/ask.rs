//! One-line questions (new container, metadata, headers, rename, tier, SAS,
//! the bandwidth cap): what each asks, how its text is checked as it is
//! typed, and what Enter sends.

use super::*;
use crate::app::action::Command;
use crate::app::effect::Effect;
use crate::app::layers::{Layer, Mode};
use crate::app::state::{Location, State};
use crate::azure::ops::{self, AccessTier};
use crate::azure::sas::{SasRequest, parse_duration};

/// What a text prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    Find,
    /// A Find Blobs by Tags query.
    FindTags,
    Metadata {
        container: String,
        blob: String,
    },
    Headers {
        container: String,
        blob: String,
    },
    Tags {
        container: String,
        blob: String,
    },
    NewContainer,
    /// The whole ACL of a data lake path, shown with its owner, group and
    /// permissions; checked entry by entry as typed.
    Acl {
        container: String,
        path: String,
        folder: bool,
        owner: String,
        group: String,
        permissions: String,
    },
    /// A directory in this folder of a data lake account.
    NewDirectory {
        container: String,
        prefix: String,
    },
    DeleteContainer {
        name: String,
    },
    Rename {
        container: String,
        from: String,
    },
    Tier {
        container: String,
        blob: String,
    },
    /// One tier for every marked blob (name, size).
    TierMany {
        container: String,
        blobs: Vec<(String, u64)>,
    },
    Sas {
        container: String,
        path: Option<String>,
    },
    /// The bandwidth cap, typed in the transfers pane.
    Cap,
    /// A location to go to (`:` / Ctrl-L).
    GoTo,
    /// What an upload's blobs carry (after its path): headers, metadata, tags.
    Upload {
        account: usize,
        container: String,
        prefix: String,
        local: std::path::PathBuf,
    },
    /// Where the Blob Inventory reports are, for sizes from the latest one
    /// (the account's rule that writes them, when Resource Manager said).
    Inventory {
        rule: Option<String>,
    },
    /// Which blobs a size count takes (the find syntax).
    SizesFilter,
    /// The container a new daily inventory rule writes into (and why none
    /// of the account's rules will do).
    InventoryCreate {
        account: usize,
        why: String,
    },
}

impl Ask {
    pub fn label(&self) -> String {
        match self {
            Ask::Find => {
                "find (glob, /regex/ or text; after:7d before: min:1MiB max: not:GLOB): ".into()
            }
            Ask::FindTags => {
                "find by index tags below this folder (\"project\" = 'churn' AND \"date\" >= '2024-01'): "
                    .into()
            }
            Ask::Metadata { .. } => "metadata (name=value; name2=value2): ".into(),
            Ask::Headers { .. } => "type=…; cache=…; disposition=…: ".into(),
            Ask::Tags { .. } => "index tags (key=value; key2=value2): ".into(),
            Ask::NewContainer => "new container: ".into(),
            Ask::NewDirectory { .. } => "new directory: ".into(),
            Ask::Acl {
                path,
                folder,
                owner,
                group,
                permissions,
                ..
            } => format!(
                "ACL of {} (owner {}, group {}, {permissions}){}: ",
                path,
                owner,
                group,
                if *folder {
                    ", for everything below too"
                } else {
                    ""
                }
            ),
            Ask::DeleteContainer { name } => format!("type {name} to delete it: "),
            Ask::Rename { .. } => "new name: ".into(),
            Ask::Tier { .. } => "tier (hot, cool, cold, archive): ".into(),
            Ask::TierMany { blobs, .. } => format!(
                "tier for {} marked ({}) (hot, cool, cold, archive): ",
                ops::count(blobs.len(), "blob"),
                ops::human_bytes(blobs.iter().map(|(_, s)| s).sum())
            ),
            Ask::Sas { .. } => {
                "SAS permissions and lifetime (e.g. rl 1h), or a stored policy (@ID [1h]): ".into()
            }
            Ask::Cap => "bandwidth cap in Mb/s (0 = none): ".into(),
            Ask::GoTo => "go to (az://container/path, abfss://…, https://…, SAS URL): ".into(),
            Ask::Upload { .. } => {
                "set on the uploaded blobs (Enter: nothing) type=…; cache=…; meta.k=v; tag.k=v: "
                    .into()
            }
            Ask::SizesFilter => {
                "count only (a glob, /regex/ or text; after:7d before: min:1MiB max: not:GLOB): "
                    .into()
            }
            Ask::Inventory { rule: None } => {
                "sizes from the latest inventory report below (az://container/prefix): ".into()
            }
            Ask::Inventory { rule: Some(rule) } => format!(
                "inventory rule {rule}; sizes from the latest report below: "
            ),
            Ask::InventoryCreate { why, .. } => format!(
                "{why}. Add a daily inventory rule (CSV, block blobs) writing into container (it must exist; Esc: no): "
            ),
        }
    }

    /// Whether the text is acceptable, and why not.
    pub fn check(&self, text: &str) -> Result<(), String> {
        let t = text.trim();
        match self {
            // Checked only: the task anchors ages to the clock.
            Ask::Find => crate::azure::find::Find::parse_filtered(t, 0).map(|_| ()),
            Ask::FindTags => crate::azure::tags::check_tag_query(t),
            Ask::Metadata { .. } => parse_pairs(t).and_then(|p| ops::check_metadata(&p)),
            Ask::Headers { .. } => parse_headers(t).and_then(|e| ops::check_header_edit(&e)),
            Ask::Tags { .. } => parse_pairs(t).and_then(|p| crate::azure::tags::check_tags(&p)),
            Ask::NewContainer => ops::check_container_name(t),
            Ask::NewDirectory { .. } => ops::check_new_blob_name(t.trim_end_matches('/')),
            Ask::Acl { .. } => {
                crate::azure::datalake::acl::parse(t, crate::azure::datalake::acl::Use::Set)
                    .map(|_| ())
            }
            Ask::DeleteContainer { name } => ops::check_delete_confirmation(name, t),
            Ask::Rename { from, .. } => {
                ops::check_new_blob_name(t)?;
                if t == from {
                    Err("that is its name already".into())
                } else {
                    Ok(())
                }
            }
            Ask::Tier { .. } | Ask::TierMany { .. } => AccessTier::parse(t).map(|_| ()),
            Ask::Sas { .. } => parse_sas_input(t).map(|_| ()),
            Ask::Cap => crate::transfer::throttle::parse_cap(t).map(|_| ()),
            Ask::GoTo => crate::azure::uri::parse_location(t).map(|_| ()),
            Ask::Upload { .. } => parse_upload(t).map(|_| ()),
            Ask::Inventory { .. } => crate::azure::uri::parse_az_uri(t).map(|_| ()),
            Ask::SizesFilter => crate::azure::find::Find::parse_filtered(t, 0).map(|_| ()),
            Ask::InventoryCreate { .. } => ops::check_container_name(t),
        }
    }
}

/// "type=text/csv; cache=max-age=60; meta.owner=ana; tag.project=churn":
/// what the uploaded blobs carry (as `blobx cp --content-type … --tags …`);
/// `None` for nothing.
pub(in crate::app) fn parse_upload(
    text: &str,
) -> Result<Option<crate::azure::bulk::BlobChange>, String> {
    use crate::azure::bulk::{BlobChange, TagEdit};
    let mut change = BlobChange::default();
    let mut tags = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not name=value"))?;
        let (k, v) = (k.trim(), v.trim().to_string());
        if let Some(key) = k.strip_prefix("meta.") {
            change.metadata.set.push((key.to_string(), v));
        } else if let Some(key) = k.strip_prefix("tag.") {
            tags.push((key.to_string(), v));
        } else {
            match k {
                "type" => change.headers.content_type = Some(v),
                "cache" => change.headers.cache_control = Some(v),
                other => {
                    return Err(format!("{other:?}: use type, cache, meta.NAME or tag.KEY"));
                }
            }
        }
    }
    if !tags.is_empty() {
        change.tags = TagEdit::Replace(tags);
    }
    change.check()?;
    Ok((!change.is_empty()).then_some(change))
}

/// "a=1; b=2" → [("a","1"), ("b","2")]; empty text means no metadata.
fn parse_pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| format!("{p:?} is not name=value"))
        })
        .collect()
}

/// "type=text/csv; cache=max-age=60; disposition=attachment": the three headers.
fn parse_headers(text: &str) -> Result<ops::HeaderEdit, String> {
    let mut edit = ops::HeaderEdit::default();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not name=value"))?;
        let v = Some(v.trim().to_string());
        match k.trim() {
            "type" => edit.content_type = v,
            "cache" => edit.cache_control = v,
            "disposition" => edit.content_disposition = v,
            other => return Err(format!("{other:?}: use type, cache or disposition")),
        }
    }
    Ok(edit)
}

/// "rl 1h" → ("rl", 3600).
pub(super) fn parse_sas_input(text: &str) -> Result<SasRequest, String> {
    let mut parts = text.split_whitespace();
    let first = parts
        .next()
        .ok_or("type permissions (r a c w d l) and a lifetime, e.g. rl 1h, or @POLICY")?;
    // `@ID` or `policy=ID`: bound to the container's stored access policy,
    // which may set the permissions and expiry itself.
    if let Some(id) = first
        .strip_prefix('@')
        .or_else(|| first.strip_prefix("policy="))
    {
        if id.is_empty() {
            return Err("name the stored access policy after @, e.g. @readers".into());
        }
        let mut request = SasRequest {
            policy: Some(id.to_string()),
            ..SasRequest::default()
        };
        for part in parts {
            if let Ok(seconds) = parse_duration(part) {
                request.expires_in = Some(seconds);
            } else if part.chars().all(|c| "racwdl".contains(c)) {
                request.permissions = Some(part.to_string());
            } else {
                return Err(format!(
                    "{part:?} is neither permissions (r a c w d l) nor a lifetime (1h)"
                ));
            }
        }
        return Ok(request);
    }
    if let Some(c) = first.chars().find(|c| !"racwdl".contains(*c)) {
        return Err(format!("{c:?} is not a SAS permission (use r a c w d l)"));
    }
    let expires_in = parse_duration(parts.next().unwrap_or("1h"))?;
    if parts.next().is_some() {
        return Err("only permissions and a lifetime, e.g. rl 1h".into());
    }
    Ok(SasRequest {
        permissions: Some(first.to_string()),
        expires_in: Some(expires_in),
        ..SasRequest::default()
    })
}

impl State {
    pub(in crate::app) fn open_ask(&mut self, ask: Ask, initial: String) {
        self.input = tui_input::Input::new(initial);
        self.layers.push(Layer::Ask(ask));
    }

    /// Browser commands for everyday actions; `None` if `cmd` is not one.
    /// Keys while a text prompt is open.
    pub(in crate::app) fn ask_command(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::Cancel => {
                self.layers.pop_if(Mode::Ask);
                Vec::new()
            }
            Command::Accept => {
                let Some(ask) = self.layers.ask().cloned() else {
                    return Vec::new();
                };
                let text = self.input.value().trim().to_string();
                if let Err(why) = ask.check(&text) {
                    self.fail_op(&why);
                    return Vec::new();
                }
                self.layers.pop_if(Mode::Ask);
                if ask == Ask::Cap {
                    return self.set_cap(&text);
                }
                if ask == Ask::GoTo {
                    return self.go_to(&text);
                }
                if let Ask::InventoryCreate { account, .. } = ask {
                    if self.changes_off() {
                        self.fail_op("read-only: no inventory rule is added");
                        return Vec::new();
                    }
                    self.review_inventory_rule(account, &text);
                    return Vec::new();
                }
                if let Ask::Upload {
                    account,
                    container,
                    prefix,
                    local,
                } = ask
                {
                    self.note_op("Looking at what to upload…");
                    return vec![Effect::PlanUpload {
                        local,
                        account,
                        container,
                        prefix,
                        set: parse_upload(&text).ok().flatten(),
                    }];
                }
                let account = match &self.location {
                    Location::Containers { account } | Location::Blobs { account, .. } => *account,
                    Location::Accounts => return Vec::new(),
                };
                let request = match ask {
                    Ask::Find => return self.start_find(text),
                    Ask::FindTags => return self.start_find_tags(text),
                    Ask::Inventory { .. } => return self.start_sizes_inventory(text),
                    Ask::SizesFilter => return self.start_sizes(Some(text)),
                    Ask::Cap | Ask::GoTo | Ask::Upload { .. } | Ask::InventoryCreate { .. } => {
                        return Vec::new();
                    }
                    Ask::Metadata { container, blob } => match parse_pairs(&text) {
                        Ok(pairs) => OpRequest::SetMetadata {
                            container,
                            blob,
                            pairs,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::Tags { container, blob } => match parse_pairs(&text) {
                        Ok(tags) => OpRequest::SetTags {
                            container,
                            blob,
                            tags,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::Headers { container, blob } => match parse_headers(&text) {
                        Ok(edit) => OpRequest::SetHeaders {
                            container,
                            blob,
                            edit,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::NewContainer => OpRequest::CreateContainer { name: text },
                    Ask::Acl {
                        container,
                        path,
                        folder,
                        ..
                    } => OpRequest::SetAcl {
                        container,
                        path,
                        acl: text.trim().to_string(),
                        recursive: folder,
                    },
                    Ask::NewDirectory { container, prefix } => OpRequest::CreateDirectory {
                        container,
                        path: format!("{prefix}{}", text.trim().trim_end_matches('/')),
                    },
                    Ask::DeleteContainer { name } => {
                        OpRequest::DeleteContainer { name, typed: text }
                    }
                    Ask::Rename { container, from } => OpRequest::Rename {
                        container,
                        from,
                        to: text,
                    },
                    Ask::TierMany { container, blobs } => match AccessTier::parse(&text) {
                        Ok(tier) => OpRequest::SetTierMany {
                            container,
                            blobs,
                            tier,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::Tier { container, blob } => match AccessTier::parse(&text) {
                        Ok(tier) => OpRequest::SetTier {
                            container,
                            blob,
                            tier,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::Sas { container, path } => match parse_sas_input(&text) {
                        Ok(request) => OpRequest::Sas {
                            container,
                            path,
                            request,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                };
                self.note_op("Working…");
                self.op(account, request)
            }
            Command::Quit => self.quit(),
            _ => Vec::new(),
        }
    }
}
