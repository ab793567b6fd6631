//! The account settings pane (`W` on an account): the Blob service's soft
//! delete, static website, logging and metrics, edited on a copy and saved
//! like the CORS rules: the changes reviewed first, written only if nobody
//! changed the settings since they were read (re-read on save), nothing else
//! in the document touched, and the last save undoable.

mod arm;
mod tasks;
#[cfg(test)]
mod tests;

pub use arm::{ARM_FIELDS, ArmField, ArmPart};

pub(super) use tasks::spawn;
pub use tasks::{SettingsEffect, SettingsEvent};

use super::action::Command;
use super::effect::Effect;
use super::layers::{Layer, Mode};
use super::state::{Location, State};
use crate::azure::props::{ServiceSettings, diff_lines};

/// A row of the pane: a Blob service setting or a Resource Manager one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Data(Field),
    Arm(ArmField),
}

/// One row of the pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    SoftDelete,
    SoftDeleteDays,
    Website,
    IndexDocument,
    ErrorDocument,
    DefaultIndexPath,
    LogRead,
    LogWrite,
    LogDelete,
    LogDays,
    HourMetrics,
    HourApis,
    HourDays,
    MinuteMetrics,
    MinuteApis,
    MinuteDays,
}

pub const FIELDS: &[Field] = &[
    Field::SoftDelete,
    Field::SoftDeleteDays,
    Field::Website,
    Field::IndexDocument,
    Field::ErrorDocument,
    Field::DefaultIndexPath,
    Field::LogRead,
    Field::LogWrite,
    Field::LogDelete,
    Field::LogDays,
    Field::HourMetrics,
    Field::HourApis,
    Field::HourDays,
    Field::MinuteMetrics,
    Field::MinuteApis,
    Field::MinuteDays,
];

impl Field {
    pub fn title(self) -> &'static str {
        match self {
            Field::SoftDelete => "Blob soft delete",
            Field::SoftDeleteDays => "  kept for (days, 1–365)",
            Field::Website => "Static website",
            Field::IndexDocument => "  index document",
            Field::ErrorDocument => "  error document path",
            Field::DefaultIndexPath => "  default index path",
            Field::LogRead => "Logging: reads",
            Field::LogWrite => "Logging: writes",
            Field::LogDelete => "Logging: deletes",
            Field::LogDays => "  logs kept (days)",
            Field::HourMetrics => "Hour metrics",
            Field::HourApis => "  per API",
            Field::HourDays => "  kept (days)",
            Field::MinuteMetrics => "Minute metrics",
            Field::MinuteApis => "  per API",
            Field::MinuteDays => "  kept (days)",
        }
    }

    fn flag(self, s: &mut ServiceSettings) -> Option<&mut bool> {
        Some(match self {
            Field::SoftDelete => &mut s.delete_retention.enabled,
            Field::Website => &mut s.static_website.enabled,
            Field::LogRead => &mut s.logging.read,
            Field::LogWrite => &mut s.logging.write,
            Field::LogDelete => &mut s.logging.delete,
            Field::HourMetrics => &mut s.hour_metrics.enabled,
            Field::MinuteMetrics => &mut s.minute_metrics.enabled,
            _ => return None,
        })
    }

    fn days(self, s: &mut ServiceSettings) -> Option<&mut Option<u32>> {
        Some(match self {
            Field::SoftDeleteDays => &mut s.delete_retention.days,
            Field::LogDays => &mut s.logging.retention_days,
            Field::HourDays => &mut s.hour_metrics.retention_days,
            Field::MinuteDays => &mut s.minute_metrics.retention_days,
            _ => return None,
        })
    }

    fn text(self, s: &mut ServiceSettings) -> Option<&mut Option<String>> {
        Some(match self {
            Field::IndexDocument => &mut s.static_website.index_document,
            Field::ErrorDocument => &mut s.static_website.error_document_404_path,
            Field::DefaultIndexPath => &mut s.static_website.default_index_document_path,
            _ => return None,
        })
    }

    fn apis(self, s: &mut ServiceSettings) -> Option<&mut Option<bool>> {
        Some(match self {
            Field::HourApis => &mut s.hour_metrics.include_apis,
            Field::MinuteApis => &mut s.minute_metrics.include_apis,
            _ => return None,
        })
    }

    /// The value as the pane shows it.
    pub fn show(self, s: &ServiceSettings) -> String {
        let mut s = s.clone();
        if let Some(b) = self.flag(&mut s) {
            return if *b { "on" } else { "off" }.into();
        }
        if let Some(d) = self.days(&mut s) {
            return d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        }
        if let Some(t) = self.text(&mut s) {
            return t.clone().unwrap_or_else(|| "—".into());
        }
        if let Some(a) = self.apis(&mut s) {
            return if *a == Some(true) { "on" } else { "off" }.into();
        }
        String::new()
    }

    /// Typed rather than toggled.
    pub fn is_text(self) -> bool {
        let mut s = ServiceSettings::default();
        self.days(&mut s).is_some() || self.text(&mut s).is_some()
    }
}

#[derive(Debug)]
pub struct SettingsPane {
    pub account: usize,
    pub label: String,
    /// Results for a pane opened earlier are dropped.
    pub generation: u64,
    /// The settings as read; `None` until they arrive.
    pub base: Option<ServiceSettings>,
    /// The working copy the pane shows.
    pub work: ServiceSettings,
    pub selected: usize,
    pub loading: bool,
    pub busy: Option<String>,
    pub error: Option<String>,
    /// Typing into the selected row (the text is `State::input`).
    pub editing: bool,
    /// The changes about to be written, waiting for `y`.
    pub review: Option<Vec<String>>,
    /// The last save: what it replaced and what it wrote (for `u`).
    pub undo: Option<(ServiceSettings, ServiceSettings)>,
    pub website: String,
    /// The Resource Manager rows, for accounts found through Entra ID.
    pub arm: Option<ArmPart>,
}

impl SettingsPane {
    pub fn dirty(&self) -> bool {
        self.base
            .as_ref()
            .is_some_and(|b| *b != self.work.clone().normalized())
            || self.arm.as_ref().is_some_and(ArmPart::dirty)
    }

    /// Every row, in order: the Blob service's, then Resource Manager's.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = FIELDS.iter().map(|f| Row::Data(*f)).collect();
        if self.arm.as_ref().is_some_and(|a| a.base.is_some()) {
            rows.extend(ARM_FIELDS.iter().map(|f| Row::Arm(*f)));
        }
        rows
    }

    pub fn row(&self) -> Row {
        let rows = self.rows();
        rows[self.selected.min(rows.len() - 1)]
    }

    /// The Resource Manager settings as they will be checked and saved:
    /// blob soft delete as the data-plane rows now have it.
    pub fn arm_after(&self) -> Option<crate::azure::arm_settings::ArmSettings> {
        let a = self.arm.as_ref()?;
        a.base.as_ref()?;
        let mut work = a.work.clone();
        let data = self.work.clone().normalized();
        work.blob_soft_delete_days = if data.delete_retention.enabled {
            data.delete_retention.days
        } else {
            None
        };
        Some(work)
    }

    pub fn takes_text(&self) -> bool {
        self.editing
    }
}

impl State {
    pub fn settings_pane(&self) -> Option<&SettingsPane> {
        self.layers.settings()
    }

    fn settings_target(&self) -> Option<usize> {
        match &self.location {
            Location::Accounts => {
                let row = *self.listing.view.get(self.selected)? as usize;
                self.account_rows.get(row).copied()
            }
            Location::Containers { account } | Location::Blobs { account, .. } => Some(*account),
        }
    }

    /// `W`: opens the pane on the selected account and reads its settings.
    pub(in crate::app) fn open_settings(&mut self) -> Vec<Effect> {
        let Some(index) = self.settings_target() else {
            self.info("Select a storage account to see its settings.");
            return Vec::new();
        };
        let Some(node) = self.accounts.get(index) else {
            return Vec::new();
        };
        if node.discovery {
            self.info("Open Microsoft Entra ID first, then pick one of its storage accounts.");
            return Vec::new();
        }
        if let Some(why) = node.broken.clone() {
            self.error(&why);
            return Vec::new();
        }
        if let Some(c) = &node.account.container {
            let text = format!(
                "This account is a SAS for container {c} only; the Blob service's settings need an account key, an account SAS or Microsoft Entra ID."
            );
            self.error(&text);
            return Vec::new();
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        let pane = SettingsPane {
            account: index,
            label: node.account.label.clone(),
            generation,
            base: None,
            work: ServiceSettings::default(),
            selected: 0,
            loading: true,
            busy: None,
            error: None,
            editing: false,
            review: None,
            undo: None,
            website: crate::azure::props::website_endpoint(&node.account),
            arm: node.account.arm_id.is_some().then(ArmPart::default),
        };
        self.layers.push(Layer::Settings(Box::new(pane)));
        vec![Effect::Settings(SettingsEffect::Load {
            account: index,
            generation,
        })]
    }

    /// Keys while the pane is open.
    pub(in crate::app) fn settings_command(&mut self, cmd: Command) -> Vec<Effect> {
        if cmd == Command::Lifecycle
            && let Some(p) = self.layers.settings()
            && !p.editing
            && p.review.is_none()
        {
            let account = p.account;
            return self.open_lifecycle(account);
        }
        let readonly = self.readonly;
        let text = self.input.value().to_string();
        let mut say: Option<Result<String, String>> = None;
        let mut new_input = None;
        let mut close = false;
        let effects = match self.layers.settings_mut() {
            Some(p) => pane_command(
                p,
                cmd,
                readonly,
                &text,
                &mut say,
                &mut new_input,
                &mut close,
            ),
            None => Vec::new(),
        };
        if let Some(value) = new_input {
            self.input = tui_input::Input::new(value);
        }
        if close {
            self.layers.remove(Mode::Settings);
        }
        match say {
            Some(Ok(info)) => self.info(&info),
            Some(Err(e)) => self.error(&e),
            None => {}
        }
        effects
    }

    /// Text typed while editing a row.
    pub(in crate::app) fn settings_input(&mut self, key: crossterm::event::KeyEvent) {
        use tui_input::backend::crossterm::EventHandler;
        self.input.handle_event(&crossterm::event::Event::Key(key));
    }

    pub(in crate::app) fn settings_paste(&mut self, text: &str) {
        let value = format!("{}{}", self.input.value(), text.trim());
        self.input = tui_input::Input::new(value);
    }

    pub(in crate::app) fn settings_event(&mut self, event: SettingsEvent) -> Vec<Effect> {
        let Some(p) = self.layers.settings_mut() else {
            return Vec::new();
        };
        if event.generation() != p.generation {
            return Vec::new();
        }
        let label = p.label.clone();
        let say: Option<Result<String, String>> = match event {
            SettingsEvent::Loaded { result, .. } => {
                p.loading = false;
                match result {
                    Ok(s) => {
                        p.work = s.clone();
                        p.base = Some(s);
                        p.error = None;
                        None
                    }
                    Err(e) => {
                        p.error = Some(e.clone());
                        Some(Err(e))
                    }
                }
            }
            SettingsEvent::ArmLoaded { result, .. } => {
                let a = p.arm.get_or_insert_with(ArmPart::default);
                match result {
                    Ok(s) => {
                        a.work = s.clone();
                        a.base = Some(s);
                        a.error = None;
                        None
                    }
                    Err(e) => {
                        a.error = Some(e.clone());
                        Some(Err(format!("Resource Manager settings: {e}")))
                    }
                }
            }
            SettingsEvent::Saved {
                result,
                after,
                undo,
                arm,
                ..
            } => {
                p.busy = None;
                let arm_said =
                    arm.map(|(after, result)| arm_saved(p, *after, result, undo, &label));
                let data_said = match result.map(|b| *b) {
                    Ok(tasks::Saved::Written { previous }) => {
                        let after = after.normalized();
                        p.base = Some(after.clone());
                        p.work = after.clone();
                        p.undo = if undo { None } else { Some((previous, after)) };
                        let what = if undo {
                            "Undid the last save"
                        } else {
                            "Saved the settings"
                        };
                        Some(Ok(format!(
                            "{what} on {label}; CORS and the other service settings are unchanged."
                        )))
                    }
                    Ok(tasks::Saved::Unchanged) if arm_said.is_some() => None,
                    Ok(tasks::Saved::Unchanged) => Some(Ok(
                        "Nothing to save: the service already has these settings.".into(),
                    )),
                    Ok(tasks::Saved::Changed { current }) => {
                        p.base = Some(current);
                        p.undo = None;
                        Some(Err(format!(
                            "Not saved: someone changed the settings of {label} since they were read. The pane now compares with theirs; review (s) and save again, or reload (r)."
                        )))
                    }
                    Err(e) => Some(Err(e)),
                };
                join_said(data_said, arm_said.flatten())
            }
        };
        match say {
            Some(Ok(info)) => self.info(&info),
            Some(Err(e)) => self.error(&e),
            None => {}
        }
        Vec::new()
    }
}

/// The pane's answer to a command; what to say, the text to start editing
/// with, and whether to close come back through the out parameters.
fn pane_command(
    p: &mut SettingsPane,
    cmd: Command,
    readonly: bool,
    text: &str,
    say: &mut Option<Result<String, String>>,
    new_input: &mut Option<String>,
    close: &mut bool,
) -> Vec<Effect> {
    let last = p.rows().len() - 1;
    if p.editing {
        match cmd {
            Command::Accept => match p.row() {
                Row::Data(field) => {
                    let mut work = p.work.clone();
                    match set_text(field, &mut work, text) {
                        Ok(()) => {
                            p.work = work;
                            p.editing = false;
                        }
                        Err(e) => *say = Some(Err(e)),
                    }
                }
                Row::Arm(field) => {
                    if let Some(a) = p.arm.as_mut() {
                        match field.set_text(&mut a.work, text) {
                            Ok(()) => p.editing = false,
                            Err(e) => *say = Some(Err(e)),
                        }
                    }
                }
            },
            Command::Cancel => p.editing = false,
            _ => {}
        }
        return Vec::new();
    }
    if p.review.is_some() {
        match cmd {
            Command::Yes | Command::SettingsSave => {
                p.review = None;
                let (Some(base), false) = (p.base.clone(), readonly) else {
                    return Vec::new();
                };
                p.busy = Some("Saving…".into());
                let arm = p.arm_after().and_then(|after| {
                    let base = p.arm.as_ref()?.base.clone()?;
                    (after != base).then(|| (Box::new(after), Box::new(base)))
                });
                return vec![Effect::Settings(SettingsEffect::Save {
                    account: p.account,
                    generation: p.generation,
                    after: Box::new(p.work.clone()),
                    expected: Box::new(base),
                    undo: false,
                    arm,
                })];
            }
            Command::No | Command::Cancel => p.review = None,
            _ => {}
        }
        return Vec::new();
    }
    match cmd {
        Command::Up => p.selected = p.selected.saturating_sub(1),
        Command::Down => p.selected = (p.selected + 1).min(last),
        Command::Top => p.selected = 0,
        Command::Bottom => p.selected = last,
        Command::SettingsEdit if p.base.is_some() => {
            let field = match p.row() {
                Row::Data(field) => field,
                Row::Arm(field) => {
                    if let Some(a) = p.arm.as_mut()
                        && !field.toggle(&mut a.work)
                    {
                        let current = field.show(&a.work);
                        p.editing = true;
                        *new_input = Some(if current == "—" {
                            String::new()
                        } else {
                            current
                        });
                    }
                    return Vec::new();
                }
            };
            if let Some(b) = field.flag(&mut p.work) {
                *b = !*b;
            } else if let Some(a) = field.apis(&mut p.work) {
                *a = Some(*a != Some(true));
            } else {
                let current = match field.show(&p.work).as_str() {
                    "—" => String::new(),
                    v => v.to_string(),
                };
                p.editing = true;
                *new_input = Some(current);
            }
        }
        Command::SettingsSave => {
            let Some(base) = p.base.clone() else {
                return Vec::new();
            };
            let after = p.work.clone().normalized();
            if let Err(e) = after.check() {
                *say = Some(Err(format!("Not saved: {e}.")));
                return Vec::new();
            }
            let mut changes = diff_lines(&base, &after);
            if let (Some(arm_after), Some(arm_base)) =
                (p.arm_after(), p.arm.as_ref().and_then(|a| a.base.clone()))
            {
                if let Err(e) = arm_after.check() {
                    *say = Some(Err(format!("Not saved: {e}.")));
                    return Vec::new();
                }
                changes.extend(
                    crate::azure::arm_settings::diff_lines(&arm_base, &arm_after)
                        .into_iter()
                        .map(|l| format!("{l} (Resource Manager)")),
                );
            }
            if changes.is_empty() {
                *say = Some(Ok(
                    "Nothing to save: the settings are as the service has them.".into(),
                ));
            } else {
                p.review = Some(changes);
            }
        }
        Command::SettingsUndo => {
            let arm = p
                .arm
                .as_ref()
                .and_then(|a| a.undo.clone())
                .map(|(previous, saved)| (Box::new(previous), Box::new(saved)));
            let data = p.undo.clone().or_else(|| {
                let base = p.base.clone()?;
                arm.is_some().then(|| (base.clone(), base))
            });
            let Some((previous, saved)) = data else {
                *say = Some(Ok("Nothing to undo: no save since the pane opened.".into()));
                return Vec::new();
            };
            p.busy = Some("Undoing the last save…".into());
            return vec![Effect::Settings(SettingsEffect::Save {
                account: p.account,
                generation: p.generation,
                after: Box::new(previous),
                expected: Box::new(saved),
                undo: true,
                arm,
            })];
        }
        Command::SettingsReload | Command::Refresh => {
            p.loading = true;
            p.error = None;
            if let Some(a) = p.arm.as_mut() {
                a.error = None;
            }
            return vec![Effect::Settings(SettingsEffect::Load {
                account: p.account,
                generation: p.generation,
            })];
        }
        Command::Cancel | Command::Back => {
            *close = true;
            if p.dirty() {
                *say = Some(Ok(
                    "Settings closed; the unsaved changes were dropped.".into()
                ));
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Puts typed text into a row: days 1–365 (empty: none), or a path (empty: none).
fn set_text(field: Field, s: &mut ServiceSettings, text: &str) -> Result<(), String> {
    let text = text.trim();
    if let Some(d) = field.days(s) {
        if text.is_empty() {
            *d = None;
            return Ok(());
        }
        return match text.parse::<u32>() {
            Ok(n) if (1..=365).contains(&n) => {
                *d = Some(n);
                Ok(())
            }
            _ => Err(format!("{text:?} is not a number of days from 1 to 365.")),
        };
    }
    if let Some(t) = field.text(s) {
        *t = (!text.is_empty()).then(|| text.to_string());
    }
    Ok(())
}

/// What the Resource Manager half of a save says, and its effect on the pane.
fn arm_saved(
    p: &mut SettingsPane,
    after: crate::azure::arm_settings::ArmSettings,
    result: Result<crate::azure::arm_settings::ArmSaved, String>,
    undo: bool,
    label: &str,
) -> Option<Result<String, String>> {
    use crate::azure::arm_settings::ArmSaved;
    let a = p.arm.get_or_insert_with(ArmPart::default);
    match result {
        Ok(ArmSaved::Saved { previous }) => {
            a.base = Some(after.clone());
            a.work = after.clone();
            a.undo = if undo { None } else { Some((previous, after)) };
            Some(Ok(format!(
                "Resource Manager settings of {label} {}.",
                if undo { "restored" } else { "saved" }
            )))
        }
        Ok(ArmSaved::Unchanged) => None,
        Ok(ArmSaved::Changed { current }) => {
            a.base = Some(current);
            a.undo = None;
            Some(Err(format!(
                "Resource Manager settings not saved: someone changed them on {label} since they were read. The pane now compares with theirs; review (s) and save again, or reload (r)."
            )))
        }
        Err(e) => Some(Err(format!("Resource Manager settings not saved: {e}"))),
    }
}

/// Both halves' words in one status line; an error wins the colour.
fn join_said(
    a: Option<Result<String, String>>,
    b: Option<Result<String, String>>,
) -> Option<Result<String, String>> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(Ok(a)), Some(Ok(b))) => Some(Ok(format!("{a} {b}"))),
        (Some(Ok(a) | Err(a)), Some(Ok(b) | Err(b))) => Some(Err(format!("{a} {b}"))),
    }
}
