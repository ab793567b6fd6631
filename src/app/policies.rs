//! The stored access policies editor (`P` on a container): a table of the
//! container's policies, a form to add or edit one, and a reviewed save.
//!
//! The editor works on a copy. Saving shows what is added, changed and removed,
//! then writes through `azure::access::set_policies`: a read-modify-write that
//! keeps the public access level as it is and stops if the ACL's ETag is no
//! longer the one read when the editor opened (then it offers to reload).

use super::action::{Action, Command};
use super::cors::AfterDiscard;
use super::effect::Effect;
use super::state::{Level, Mode, State, StatusMessage};
use crate::azure::StorageClient;
use crate::azure::access::{
    self, ContainerAccess, MAX_POLICIES, MAX_POLICY_ID, StoredPolicy, parse_time_input,
};
use crate::azure::ops::OpError;
use crate::azure::sas::{PERMISSION_ORDER, parse_duration};
use crossterm::event::{KeyCode, KeyEvent};
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

#[derive(Debug)]
pub struct PolicyEditor {
    pub account: usize,
    pub container: String,
    /// Results for an editor opened earlier are dropped.
    pub generation: u64,
    /// The ACL as read (level, policies, ETag); `None` until it arrives.
    pub base: Option<ContainerAccess>,
    /// The working copy the table shows.
    pub policies: Vec<StoredPolicy>,
    pub selected: usize,
    pub loading: bool,
    /// What is running in the background, if anything.
    pub busy: Option<String>,
    /// Why the policies could not be read.
    pub error: Option<String>,
    /// When the policies were last read (unix seconds). Statuses and `+7d`
    /// count from it, so drawing stays a pure function of the state.
    pub now: i64,
    pub view: PolicyView,
}

#[derive(Debug)]
pub enum PolicyView {
    Table,
    /// Adding or editing one policy.
    Form(Box<PolicyForm>),
    /// "Delete policy …?" for the row at this index.
    ConfirmDelete(usize),
    /// The changes about to be written.
    Review(Vec<PolicyChange>),
    /// The ACL changed on the service since it was read; nothing was saved.
    Conflict(String),
    Discard {
        then: AfterDiscard,
    },
}

impl PolicyView {
    fn mode(&self) -> Mode {
        match self {
            PolicyView::Form(_) => Mode::PoliciesInput,
            _ => Mode::Policies,
        }
    }
}

impl PolicyEditor {
    /// The working copy differs from what the service had.
    pub fn dirty(&self) -> bool {
        self.base
            .as_ref()
            .is_some_and(|b| b.policies != self.policies)
    }

    pub fn validation(&self) -> Result<(), String> {
        access::check_policies(&self.policies)
    }

    fn set_view(&mut self, view: PolicyView) -> Mode {
        let mode = view.mode();
        self.view = view;
        mode
    }
}

// ---------------------------------------------------------------------------
// What a save changes

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyChange {
    Added(StoredPolicy),
    Changed {
        before: StoredPolicy,
        after: StoredPolicy,
    },
    Removed(StoredPolicy),
}

/// The changes from `old` to `new`, matched by id (a renamed policy is a
/// removal and an addition: SAS tokens bound to the old id stop working).
pub fn diff(old: &[StoredPolicy], new: &[StoredPolicy]) -> Vec<PolicyChange> {
    let mut out = Vec::new();
    for p in old {
        match new.iter().find(|q| q.id == p.id) {
            None => out.push(PolicyChange::Removed(p.clone())),
            Some(q) if q != p => out.push(PolicyChange::Changed {
                before: p.clone(),
                after: q.clone(),
            }),
            Some(_) => {}
        }
    }
    for q in new {
        if !old.iter().any(|p| p.id == q.id) {
            out.push(PolicyChange::Added(q.clone()));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Times in words

/// `2026-12-31 18:00` (UTC), seconds only when there are some.
pub fn show_time(t: Option<OffsetDateTime>) -> String {
    let Some(t) = t else {
        return "-".into();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let f = if t.second() == 0 {
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]")
    } else {
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")
    };
    t.format(&f).unwrap_or_else(|_| access::format_time(t))
}

/// A time as the form's field shows it, so it reads back the same.
pub(crate) fn input_time(t: Option<OffsetDateTime>) -> String {
    let Some(t) = t else {
        return String::new();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    if t.nanosecond() != 0 || t.second() != 0 {
        return access::format_time(t);
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    let f = if t.hour() == 0 && t.minute() == 0 {
        date
    } else {
        minutes
    };
    t.format(&f).unwrap_or_else(|_| access::format_time(t))
}

/// A field's time: empty is none, `+7d` counts from `now`, else a date or time.
pub fn parse_field_time(text: &str, now: i64) -> Result<Option<OffsetDateTime>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = t.strip_prefix('+') {
        let secs = parse_duration(rest)?;
        return OffsetDateTime::from_unix_timestamp(now.saturating_add(secs))
            .map(Some)
            .map_err(|_| format!("{t:?} is too far in the future"));
    }
    parse_time_input(t)
        .map(Some)
        .map_err(|_| format!("{t:?} is not a time; write 2026-12-31, 2026-12-31T18:00Z or +7d"))
}

/// "3 days", "5 hours", "12 minutes".
fn span(secs: i64) -> String {
    let (n, unit) = if secs >= 2 * 86_400 {
        (secs / 86_400, "day")
    } else if secs >= 2 * 3600 {
        (secs / 3600, "hour")
    } else {
        ((secs / 60).max(1), "minute")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Where a policy stands at `now`: "expired", "starts in 2 days", …
pub fn policy_status(p: &StoredPolicy, now: i64) -> String {
    let start = p.start.map(|t| t.unix_timestamp());
    let expiry = p.expiry.map(|t| t.unix_timestamp());
    match (start, expiry) {
        (_, Some(e)) if e <= now => "expired".into(),
        (Some(s), _) if s > now => format!("starts in {}", span(s - now)),
        (_, Some(e)) => format!("active, ends in {}", span(e - now)),
        (_, None) => "active, no expiry here".into(),
    }
}

// ---------------------------------------------------------------------------
// The form

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyField {
    Id,
    Permissions,
    Start,
    Expiry,
}

impl PolicyField {
    pub const ALL: [PolicyField; 4] = [
        PolicyField::Id,
        PolicyField::Permissions,
        PolicyField::Start,
        PolicyField::Expiry,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PolicyField::Id => "Identifier",
            PolicyField::Permissions => "Permissions",
            PolicyField::Start => "Start (UTC)",
            PolicyField::Expiry => "Expiry (UTC)",
        }
    }
}

/// The permission letters with their words, in the service's order.
pub const PERMISSIONS: [(char, &str); 6] = [
    ('r', "read"),
    ('a', "add"),
    ('c', "create"),
    ('w', "write"),
    ('d', "delete"),
    ('l', "list"),
];

#[derive(Clone, Debug)]
pub struct PolicyForm {
    /// The row being edited, or `None` for a new policy (added at the end).
    pub editing: Option<usize>,
    pub focus: usize,
    pub id: Input,
    /// Ticked letters, kept in the service's order (`racwdl`).
    pub permissions: String,
    pub perm_cursor: usize,
    pub start: Input,
    pub expiry: Input,
    /// What is wrong with each field now (indexed like [`PolicyField::ALL`]).
    pub errors: [Option<String>; 4],
    pub validation: Result<StoredPolicy, String>,
    /// The other policies' ids: an id must be unique.
    others: Vec<String>,
    now: i64,
}

impl PolicyForm {
    fn new(editing: Option<usize>, policy: &StoredPolicy, others: Vec<String>, now: i64) -> Self {
        let mut form = Self {
            editing,
            focus: 0,
            id: Input::new(policy.id.clone()),
            permissions: policy.permissions.clone(),
            perm_cursor: 0,
            start: Input::new(input_time(policy.start)),
            expiry: Input::new(input_time(policy.expiry)),
            errors: Default::default(),
            validation: Err(String::new()),
            others,
            now,
        };
        form.validate();
        form
    }

    pub fn focused(&self) -> PolicyField {
        PolicyField::ALL[self.focus.min(PolicyField::ALL.len() - 1)]
    }

    pub fn input(&self, field: PolicyField) -> Option<&Input> {
        match field {
            PolicyField::Id => Some(&self.id),
            PolicyField::Permissions => None,
            PolicyField::Start => Some(&self.start),
            PolicyField::Expiry => Some(&self.expiry),
        }
    }

    fn input_mut(&mut self, field: PolicyField) -> Option<&mut Input> {
        match field {
            PolicyField::Id => Some(&mut self.id),
            PolicyField::Permissions => None,
            PolicyField::Start => Some(&mut self.start),
            PolicyField::Expiry => Some(&mut self.expiry),
        }
    }

    fn move_focus(&mut self, delta: isize) {
        let n = PolicyField::ALL.len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    pub fn toggle(&mut self, letter: char) {
        let mut set: String = self.permissions.clone();
        if set.contains(letter) {
            set.retain(|c| c != letter);
        } else {
            set.push(letter);
        }
        self.permissions = PERMISSION_ORDER
            .chars()
            .filter(|c| set.contains(*c))
            .collect();
        self.validate();
    }

    /// Rechecks every field; called after each keystroke.
    pub fn validate(&mut self) {
        let id = self.id.value().to_string();
        let id_error = if id.trim().is_empty() {
            Some("a policy needs an identifier".to_string())
        } else if id.chars().count() > MAX_POLICY_ID {
            Some(format!(
                "{} characters; at most {MAX_POLICY_ID} are allowed",
                id.chars().count()
            ))
        } else if id.trim() != id {
            Some("no spaces at the start or the end".to_string())
        } else if id.chars().any(char::is_control) {
            Some("no control characters".to_string())
        } else if self.others.contains(&id) {
            Some("another policy has this identifier".to_string())
        } else {
            None
        };
        let start = parse_field_time(self.start.value(), self.now);
        let expiry = parse_field_time(self.expiry.value(), self.now);
        let order_error = match (&start, &expiry) {
            (Ok(Some(s)), Ok(Some(e))) if s >= e => {
                Some("the expiry must be after the start".to_string())
            }
            _ => None,
        };
        self.errors = [
            id_error,
            None,
            start.as_ref().err().cloned(),
            expiry.as_ref().err().cloned().or(order_error),
        ];
        self.validation = match self.errors.iter().flatten().next() {
            Some(e) => Err(e.clone()),
            None => {
                let policy = StoredPolicy {
                    id,
                    start: start.unwrap_or(None),
                    expiry: expiry.unwrap_or(None),
                    permissions: self.permissions.clone(),
                };
                // The service's own rules, as the save will check them.
                access::check_policy(&policy).map(|()| policy)
            }
        };
    }

    fn key(&mut self, key: KeyEvent) {
        let field = self.focused();
        if field == PolicyField::Permissions {
            let n = PERMISSIONS.len();
            match key.code {
                KeyCode::Left => self.perm_cursor = (self.perm_cursor + n - 1) % n,
                KeyCode::Right => self.perm_cursor = (self.perm_cursor + 1) % n,
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    self.toggle(PERMISSIONS[self.perm_cursor % n].0)
                }
                // Typing a letter ticks it too.
                KeyCode::Char(c) if PERMISSION_ORDER.contains(c) => {
                    if let Some(i) = PERMISSIONS.iter().position(|(l, _)| *l == c) {
                        self.perm_cursor = i;
                    }
                    self.toggle(c)
                }
                _ => {}
            }
            return;
        }
        if let Some(input) = self.input_mut(field) {
            input.handle_event(&crossterm::event::Event::Key(key));
        }
        self.validate();
    }

    fn paste(&mut self, text: &str) {
        let field = self.focused();
        if let Some(input) = self.input_mut(field) {
            *input = Input::new(format!("{}{}", input.value(), text.trim()));
        }
        self.validate();
    }
}

// ---------------------------------------------------------------------------
// Effects and results

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyEffect {
    Load {
        generation: u64,
        account: usize,
        container: String,
    },
    Save {
        generation: u64,
        account: usize,
        container: String,
        policies: Vec<StoredPolicy>,
        /// The ETag read when the editor opened; the save stops if it changed.
        etag: String,
    },
}

#[derive(Debug)]
pub enum SaveError {
    /// Someone changed the ACL since it was read; nothing was written.
    Changed(String),
    Failed(String),
}

#[derive(Debug)]
pub enum PolicyEvent {
    Loaded {
        generation: u64,
        now: i64,
        result: Result<ContainerAccess, String>,
    },
    Saved {
        generation: u64,
        now: i64,
        result: Result<ContainerAccess, SaveError>,
    },
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 policy".into()
    } else {
        format!("{n} policies")
    }
}

// ---------------------------------------------------------------------------
// State changes

impl State {
    fn policies_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            level,
            text: text.into(),
        });
    }

    /// Opens the editor on `container` and starts reading its ACL.
    pub(super) fn open_policies(&mut self, account: usize, container: String) -> Vec<Effect> {
        let generation = self.next_generation;
        self.next_generation += 1;
        self.policies = Some(PolicyEditor {
            account,
            container: container.clone(),
            generation,
            base: None,
            policies: Vec::new(),
            selected: 0,
            loading: true,
            busy: None,
            error: None,
            now: 0,
            view: PolicyView::Table,
        });
        self.mode = Mode::Policies;
        vec![Effect::Policies(PolicyEffect::Load {
            generation,
            account,
            container,
        })]
    }

    fn close_policies(&mut self) {
        self.policies = None;
        self.mode = Mode::Normal;
    }

    fn policies_view(&mut self, view: PolicyView) {
        if let Some(ed) = self.policies.as_mut() {
            self.mode = ed.set_view(view);
        }
    }

    /// Commands while the editor is open (both modes).
    pub(super) fn policies_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.policies.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        if cmd == Command::Quit {
            self.close_policies();
            return self.update(Action::Command(Command::Quit));
        }
        let view = std::mem::replace(&mut ed.view, PolicyView::Table);
        match view {
            PolicyView::Table => self.policies_table_command(cmd),
            PolicyView::Form(mut form) => {
                match cmd {
                    Command::NextField | Command::Down => form.move_focus(1),
                    Command::PrevField | Command::Up => form.move_focus(-1),
                    Command::Cancel => {
                        self.policies_view(PolicyView::Table);
                        return Vec::new();
                    }
                    Command::Accept => {
                        self.policies_keep(form);
                        return Vec::new();
                    }
                    _ => {}
                }
                self.policies_view(PolicyView::Form(form));
                Vec::new()
            }
            PolicyView::ConfirmDelete(i) => {
                if cmd == Command::Yes
                    && let Some(ed) = self.policies.as_mut()
                    && i < ed.policies.len()
                {
                    let gone = ed.policies.remove(i);
                    ed.selected = ed.selected.min(ed.policies.len().saturating_sub(1));
                    self.policies_status(
                        Level::Info,
                        format!(
                            "Policy {} removed here; s reviews and saves (SAS tokens bound to it then stop working).",
                            gone.id
                        ),
                    );
                } else if !matches!(cmd, Command::No | Command::Cancel | Command::Yes) {
                    self.policies_view(PolicyView::ConfirmDelete(i));
                    return Vec::new();
                }
                self.policies_view(PolicyView::Table);
                Vec::new()
            }
            PolicyView::Review(changes) => match cmd {
                // Enter is bound to "edit" in the table; here it confirms.
                Command::Yes | Command::Accept | Command::PoliciesEdit | Command::PoliciesSave => {
                    self.policies_save()
                }
                Command::No | Command::Cancel => {
                    self.policies_view(PolicyView::Table);
                    Vec::new()
                }
                _ => {
                    self.policies_view(PolicyView::Review(changes));
                    Vec::new()
                }
            },
            PolicyView::Conflict(why) => match cmd {
                Command::PoliciesReload | Command::Yes => self.policies_reload(),
                Command::No | Command::Cancel => {
                    self.policies_view(PolicyView::Table);
                    self.policies_status(
                        Level::Info,
                        "Nothing was saved. Your edits are still here; r reads the service's policies instead.",
                    );
                    Vec::new()
                }
                _ => {
                    self.policies_view(PolicyView::Conflict(why));
                    Vec::new()
                }
            },
            PolicyView::Discard { then } => match cmd {
                Command::Yes => match then {
                    AfterDiscard::Close => {
                        self.close_policies();
                        Vec::new()
                    }
                    AfterDiscard::Reload => self.policies_reload(),
                },
                Command::No | Command::Cancel => {
                    self.policies_view(PolicyView::Table);
                    Vec::new()
                }
                _ => {
                    self.policies_view(PolicyView::Discard { then });
                    Vec::new()
                }
            },
        }
    }

    fn policies_table_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.policies.as_mut() else {
            return Vec::new();
        };
        let len = ed.policies.len();
        let ready = !ed.loading && ed.base.is_some();
        let changes = matches!(
            cmd,
            Command::PoliciesAdd
                | Command::PoliciesEdit
                | Command::PoliciesDelete
                | Command::PoliciesSave
                | Command::PoliciesReload
        );
        if changes && let Some(what) = ed.busy.clone() {
            self.policies_status(Level::Info, format!("Wait a moment: {what}"));
            return Vec::new();
        }
        if changes && !ready && cmd != Command::PoliciesReload {
            let text = match &ed.error {
                Some(_) => "The policies could not be read; r tries again.",
                None => "Still reading the policies…",
            };
            self.policies_status(Level::Info, text);
            return Vec::new();
        }
        let others = |skip: Option<usize>| -> Vec<String> {
            ed.policies
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .map(|(_, p)| p.id.clone())
                .collect()
        };
        match cmd {
            Command::Up => ed.selected = ed.selected.saturating_sub(1),
            Command::Down => ed.selected = (ed.selected + 1).min(len.saturating_sub(1)),
            Command::Top => ed.selected = 0,
            Command::Bottom => ed.selected = len.saturating_sub(1),
            Command::PoliciesAdd => {
                if len >= MAX_POLICIES {
                    self.policies_status(
                        Level::Error,
                        format!("A container holds at most {MAX_POLICIES} stored access policies; delete or edit one instead."),
                    );
                } else {
                    let fresh = StoredPolicy {
                        id: String::new(),
                        start: None,
                        expiry: OffsetDateTime::from_unix_timestamp(ed.now + 7 * 86_400).ok(),
                        permissions: "rl".into(),
                    };
                    let mut form = PolicyForm::new(None, &fresh, others(None), ed.now);
                    // A new policy starts from "+7d", which reads as what it means.
                    form.expiry = Input::new("+7d".into());
                    form.validate();
                    self.policies_view(PolicyView::Form(Box::new(form)));
                }
            }
            Command::PoliciesEdit => {
                if let Some(p) = ed.policies.get(ed.selected) {
                    let form =
                        PolicyForm::new(Some(ed.selected), p, others(Some(ed.selected)), ed.now);
                    self.policies_view(PolicyView::Form(Box::new(form)));
                } else {
                    self.policies_status(Level::Info, "No policy here; a adds one.");
                }
            }
            Command::PoliciesDelete if ed.selected < len => {
                let i = ed.selected;
                self.policies_view(PolicyView::ConfirmDelete(i));
            }
            Command::PoliciesSave => {
                let base = ed
                    .base
                    .as_ref()
                    .map(|b| b.policies.clone())
                    .unwrap_or_default();
                if let Err(e) = ed.validation() {
                    self.policies_status(Level::Error, format!("Cannot save yet: {e}"));
                } else if base == ed.policies {
                    self.policies_status(
                        Level::Info,
                        "Nothing to save: the policies are as on the service.",
                    );
                } else {
                    let changes = diff(&base, &ed.policies);
                    self.policies_view(PolicyView::Review(changes));
                }
            }
            Command::PoliciesReload => {
                if ed.dirty() {
                    self.policies_view(PolicyView::Discard {
                        then: AfterDiscard::Reload,
                    });
                } else {
                    return self.policies_reload();
                }
            }
            Command::Cancel => {
                if ed.dirty() {
                    self.policies_view(PolicyView::Discard {
                        then: AfterDiscard::Close,
                    });
                } else {
                    self.close_policies();
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn policies_reload(&mut self) -> Vec<Effect> {
        let Some(ed) = self.policies.as_mut() else {
            return Vec::new();
        };
        ed.loading = true;
        ed.error = None;
        ed.base = None;
        let effect = PolicyEffect::Load {
            generation: ed.generation,
            account: ed.account,
            container: ed.container.clone(),
        };
        self.policies_view(PolicyView::Table);
        vec![Effect::Policies(effect)]
    }

    fn policies_keep(&mut self, form: Box<PolicyForm>) {
        let policy = match &form.validation {
            Ok(p) => p.clone(),
            Err(e) => {
                let text = format!("Cannot keep this policy yet: {e}");
                self.policies_view(PolicyView::Form(form));
                self.policies_status(Level::Error, text);
                return;
            }
        };
        let Some(ed) = self.policies.as_mut() else {
            return;
        };
        let id = policy.id.clone();
        match form.editing.filter(|i| *i < ed.policies.len()) {
            Some(i) => {
                ed.policies[i] = policy;
                ed.selected = i;
            }
            None => {
                ed.policies.push(policy);
                ed.selected = ed.policies.len() - 1;
            }
        }
        self.policies_view(PolicyView::Table);
        self.policies_status(
            Level::Info,
            format!("Policy {id} is ready; s reviews the changes and saves them."),
        );
    }

    fn policies_save(&mut self) -> Vec<Effect> {
        let Some(ed) = self.policies.as_mut() else {
            return Vec::new();
        };
        let Some(base) = &ed.base else {
            return Vec::new();
        };
        let effect = PolicyEffect::Save {
            generation: ed.generation,
            account: ed.account,
            container: ed.container.clone(),
            policies: ed.policies.clone(),
            etag: base.etag.clone(),
        };
        ed.busy = Some("saving…".into());
        self.policies_view(PolicyView::Table);
        self.policies_status(Level::Info, "Saving the stored access policies…");
        vec![Effect::Policies(effect)]
    }

    /// A key typed into the form.
    pub(super) fn policies_input(&mut self, key: KeyEvent) {
        if let Some(PolicyEditor {
            view: PolicyView::Form(form),
            ..
        }) = self.policies.as_mut()
        {
            form.key(key);
        }
    }

    pub(super) fn policies_paste(&mut self, text: &str) {
        if let Some(PolicyEditor {
            view: PolicyView::Form(form),
            ..
        }) = self.policies.as_mut()
        {
            form.paste(text);
        }
    }

    /// A result of the editor's background work.
    pub(super) fn policies_event(&mut self, event: PolicyEvent) -> Vec<Effect> {
        let Some(ed) = self.policies.as_mut() else {
            return Vec::new();
        };
        let generation = match &event {
            PolicyEvent::Loaded { generation, .. } | PolicyEvent::Saved { generation, .. } => {
                *generation
            }
        };
        if generation != ed.generation {
            return Vec::new();
        }
        ed.busy = None;
        match event {
            PolicyEvent::Loaded { now, result, .. } => {
                ed.loading = false;
                ed.now = now;
                match result {
                    Ok(access) => {
                        ed.policies = access.policies.clone();
                        ed.selected = ed.selected.min(ed.policies.len().saturating_sub(1));
                        ed.base = Some(access);
                        ed.error = None;
                    }
                    Err(e) => {
                        ed.error = Some(e.clone());
                        self.policies_status(Level::Error, e);
                    }
                }
            }
            PolicyEvent::Saved { now, result, .. } => match result {
                Ok(access) => {
                    ed.now = now;
                    ed.policies = access.policies.clone();
                    ed.selected = ed.selected.min(ed.policies.len().saturating_sub(1));
                    let text = format!(
                        "Saved {} on {}; its public access level is still {}.",
                        plural(access.policies.len()),
                        ed.container,
                        access.public_access.as_str()
                    );
                    ed.base = Some(access);
                    self.policies_status(Level::Info, text);
                }
                Err(SaveError::Changed(why)) => {
                    self.policies_view(PolicyView::Conflict(why));
                    self.policies_status(
                        Level::Error,
                        "The container's access settings changed since they were read; nothing was saved.",
                    );
                }
                Err(SaveError::Failed(e)) => {
                    self.policies_status(Level::Error, format!("Not saved: {e}"))
                }
            },
        }
        Vec::new()
    }
}

// ---------------------------------------------------------------------------
// Tasks

fn audit(action: &str, what: &str) {
    tracing::info!(target: "blobx::audit", action, what, "service changed");
}

/// Does the work against the service and says how it went.
pub async fn execute(client: &StorageClient, effect: PolicyEffect) -> PolicyEvent {
    let now = crate::azure::connection::now_unix;
    match effect {
        PolicyEffect::Load {
            generation,
            container,
            ..
        } => {
            let result = access::get_access(client, &container)
                .await
                .map_err(|e| e.describe(client.account()));
            PolicyEvent::Loaded {
                generation,
                now: now(),
                result,
            }
        }
        PolicyEffect::Save {
            generation,
            container,
            policies,
            etag,
            ..
        } => {
            let result = access::set_policies(client, &container, &policies, Some(&etag))
                .await
                .map_err(|e| match e {
                    OpError::Changed(m) => SaveError::Changed(m),
                    e => SaveError::Failed(e.describe(client.account())),
                });
            if let Ok(saved) = &result {
                audit(
                    "set access policies",
                    &format!(
                        "{container}: {} (public access {} kept)",
                        plural(saved.policies.len()),
                        saved.public_access.as_str()
                    ),
                );
            }
            PolicyEvent::Saved {
                generation,
                now: now(),
                result,
            }
        }
    }
}

/// Starts the work for `effect` in a task; `client` finds an account's client.
pub(super) fn spawn(
    effect: PolicyEffect,
    client: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let account = match &effect {
        PolicyEffect::Load { account, .. } | PolicyEffect::Save { account, .. } => *account,
    };
    let Some(client) = client(account) else {
        let why = "This account could not be set up; edit it to fix it.".to_string();
        let now = crate::azure::connection::now_unix();
        let event = match effect {
            PolicyEffect::Load { generation, .. } => PolicyEvent::Loaded {
                generation,
                now,
                result: Err(why),
            },
            PolicyEffect::Save { generation, .. } => PolicyEvent::Saved {
                generation,
                now,
                result: Err(SaveError::Failed(why)),
            },
        };
        let _ = tx.send(Action::Policies(event));
        return;
    };
    tokio::spawn(async move {
        let event = execute(&client, effect).await;
        let _ = tx.send(Action::Policies(event));
    });
}
