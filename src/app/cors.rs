//! The CORS rules editor: its state, how commands and keys change it, the
//! background work it asks for, and the tasks that do that work.
//!
//! The editor works on a copy of the rules. Saving shows the diff against the
//! rules read when the editor opened, then writes only the `<Cors>` element
//! (see `azure::cors::save_cors`); if someone changed the rules meanwhile it
//! shows their change and asks before writing. The rules a save replaced are
//! kept per account, so "undo last save" can put them back.

use super::action::{Action, Command};
use super::effect::Effect;
use super::state::{Level, Location, Mode, State, StatusMessage};
use crate::azure::StorageClient;
use crate::azure::cors::{
    self as model, CorsMethod, CorsRule, MAX_RULES, PreflightReport, PreflightRequest, SaveOutcome,
};
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::HashMap;
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// Everything CORS keeps in the state: the open editor and, per account,
/// what the last save replaced.
#[derive(Debug, Default)]
pub struct CorsState {
    pub editor: Option<CorsEditor>,
    pub undo: HashMap<usize, UndoRecord>,
}

/// A save that can be undone: `saved` replaced `previous`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndoRecord {
    pub previous: Vec<CorsRule>,
    pub saved: Vec<CorsRule>,
}

#[derive(Debug)]
pub struct CorsEditor {
    pub account: usize,
    pub label: String,
    /// Results for an editor opened earlier are dropped.
    pub generation: u64,
    /// The rules as read from the service; `None` until they arrive.
    pub base: Option<Vec<CorsRule>>,
    /// The working copy the table shows.
    pub rules: Vec<CorsRule>,
    pub selected: usize,
    pub loading: bool,
    /// What is running in the background ("Saving…"), if anything.
    pub busy: Option<String>,
    /// Why the rules could not be read.
    pub error: Option<String>,
    pub view: CorsView,
}

#[derive(Debug)]
pub enum CorsView {
    Table,
    /// Adding or editing one rule.
    Rule(Box<RuleForm>),
    /// The diff of `expected` (on the service) against `rules`, before writing.
    Review {
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        undo: bool,
    },
    /// The rules changed on the service since `expected` was read.
    Conflict {
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        current: Vec<CorsRule>,
        undo: bool,
    },
    Test(Box<TestForm>),
    Presets {
        selected: usize,
    },
    /// The web app's origin for the browser-uploads preset.
    PresetOrigin(Input),
    /// Another account to copy the rules from: (account index, label).
    CopyFrom {
        choices: Vec<(usize, String)>,
        selected: usize,
    },
    /// A JSON file to export to or import from.
    File {
        export: bool,
        input: Input,
    },
    /// Unsaved edits would be lost.
    Discard {
        then: AfterDiscard,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterDiscard {
    Close,
    Reload,
}

impl CorsView {
    /// Views that take typed text get raw keys; the others take commands.
    fn mode(&self) -> Mode {
        match self {
            CorsView::Rule(_)
            | CorsView::Test(_)
            | CorsView::PresetOrigin(_)
            | CorsView::File { .. } => Mode::CorsInput,
            _ => Mode::Cors,
        }
    }
}

/// The presets offered, in order.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "Browser uploads from a web app",
        "* may GET; the app's origin may also POST and PUT (headers content-type, x-ms-*; exposes x-ms-meta-*; max age 3000 s)",
    ),
    (
        "Local development",
        "localhost and 127.0.0.1 on ports 3000, 5173 and 8080, any header, max age 600 s",
    ),
    (
        "Copy the rules of another account…",
        "replaces these rules with another attached account's",
    ),
];

impl CorsEditor {
    /// The working copy differs from what the service had.
    pub fn dirty(&self) -> bool {
        self.base.as_ref().is_some_and(|b| *b != self.rules)
    }

    /// Whether the working copy could be saved, and if not why.
    pub fn validation(&self) -> Result<(), String> {
        model::check_rules(&self.rules)
    }

    fn set_view(&mut self, view: CorsView) -> Mode {
        let mode = view.mode();
        self.view = view;
        mode
    }
}

// ---------------------------------------------------------------------------
// The rule form

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleField {
    Origins,
    Methods,
    AllowedHeaders,
    ExposedHeaders,
    MaxAge,
}

impl RuleField {
    pub const ALL: [RuleField; 5] = [
        RuleField::Origins,
        RuleField::Methods,
        RuleField::AllowedHeaders,
        RuleField::ExposedHeaders,
        RuleField::MaxAge,
    ];

    pub fn title(self) -> &'static str {
        match self {
            RuleField::Origins => "Allowed origins",
            RuleField::Methods => "Allowed methods",
            RuleField::AllowedHeaders => "Allowed headers",
            RuleField::ExposedHeaders => "Exposed headers",
            RuleField::MaxAge => "Max age (seconds)",
        }
    }
}

#[derive(Clone, Debug)]
pub struct RuleForm {
    /// The rule being edited, or `None` for a new one (added at the end).
    pub editing: Option<usize>,
    pub focus: usize,
    pub origins: Input,
    pub methods: Vec<CorsMethod>,
    /// Which method checkbox the cursor is on.
    pub method_cursor: usize,
    pub allowed_headers: Input,
    pub exposed_headers: Input,
    pub max_age: Input,
    /// What is wrong with each field now (indexed like [`RuleField::ALL`]).
    pub errors: [Option<String>; 5],
    pub validation: Result<CorsRule, String>,
}

impl RuleForm {
    pub fn new() -> Self {
        Self::from_rule(
            None,
            &CorsRule::new(&[], &[CorsMethod::Get], &[], &[], 3600),
        )
    }

    pub fn edit(index: usize, rule: &CorsRule) -> Self {
        Self::from_rule(Some(index), rule)
    }

    fn from_rule(editing: Option<usize>, rule: &CorsRule) -> Self {
        let mut form = Self {
            editing,
            focus: 0,
            origins: Input::new(rule.allowed_origins.join(", ")),
            methods: rule.allowed_methods.clone(),
            method_cursor: 0,
            allowed_headers: Input::new(rule.allowed_headers.join(", ")),
            exposed_headers: Input::new(rule.exposed_headers.join(", ")),
            max_age: Input::new(rule.max_age_seconds.to_string()),
            errors: Default::default(),
            validation: Err(String::new()),
        };
        form.validate();
        form
    }

    pub fn focused(&self) -> RuleField {
        RuleField::ALL[self.focus.min(RuleField::ALL.len() - 1)]
    }

    pub fn input(&self, field: RuleField) -> Option<&Input> {
        match field {
            RuleField::Origins => Some(&self.origins),
            RuleField::Methods => None,
            RuleField::AllowedHeaders => Some(&self.allowed_headers),
            RuleField::ExposedHeaders => Some(&self.exposed_headers),
            RuleField::MaxAge => Some(&self.max_age),
        }
    }

    fn input_mut(&mut self, field: RuleField) -> Option<&mut Input> {
        match field {
            RuleField::Origins => Some(&mut self.origins),
            RuleField::Methods => None,
            RuleField::AllowedHeaders => Some(&mut self.allowed_headers),
            RuleField::ExposedHeaders => Some(&mut self.exposed_headers),
            RuleField::MaxAge => Some(&mut self.max_age),
        }
    }

    fn move_focus(&mut self, delta: isize) {
        let n = RuleField::ALL.len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    pub fn toggle_method(&mut self, method: CorsMethod) {
        if let Some(i) = self.methods.iter().position(|m| *m == method) {
            self.methods.remove(i);
        } else {
            self.methods.push(method);
            self.methods = model::normalize_methods(&self.methods);
        }
        self.validate();
    }

    /// Rechecks every field; called after each keystroke.
    pub fn validate(&mut self) {
        let origins = model::split_list(self.origins.value());
        let allowed = model::split_list(self.allowed_headers.value());
        let exposed = model::split_list(self.exposed_headers.value());
        let age = model::parse_max_age(self.max_age.value());
        self.errors = [
            model::check_origins(&origins).err(),
            self.methods
                .is_empty()
                .then(|| "tick at least one method (Space)".to_string()),
            model::check_headers(&allowed, "allowed headers").err(),
            model::check_headers(&exposed, "exposed headers").err(),
            age.as_ref().err().cloned(),
        ];
        self.validation = match self.errors.iter().flatten().next() {
            Some(e) => Err(e.clone()),
            None => Ok(CorsRule {
                allowed_origins: origins,
                allowed_methods: self.methods.clone(),
                allowed_headers: allowed,
                exposed_headers: exposed,
                max_age_seconds: age.unwrap_or(0),
            }),
        };
    }

    fn key(&mut self, key: KeyEvent) {
        let field = self.focused();
        if field == RuleField::Methods {
            let n = CorsMethod::ALL.len();
            match key.code {
                KeyCode::Left => self.method_cursor = (self.method_cursor + n - 1) % n,
                KeyCode::Right => self.method_cursor = (self.method_cursor + 1) % n,
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    self.toggle_method(CorsMethod::ALL[self.method_cursor % n])
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
            *input = Input::new(format!("{}{}", input.value(), one_line(text)));
        }
        self.validate();
    }
}

impl Default for RuleForm {
    fn default() -> Self {
        Self::new()
    }
}

/// Pasted lists arrive one item a line; the fields hold them comma-separated.
fn one_line(text: &str) -> String {
    text.trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// The preflight test form

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestField {
    Origin,
    Method,
    Headers,
}

impl TestField {
    pub const ALL: [TestField; 3] = [TestField::Origin, TestField::Method, TestField::Headers];

    pub fn title(self) -> &'static str {
        match self {
            TestField::Origin => "Origin",
            TestField::Method => "Method",
            TestField::Headers => "Request headers",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TestForm {
    pub focus: usize,
    pub origin: Input,
    /// Index into [`CorsMethod::ALL`].
    pub method: usize,
    pub headers: Input,
    pub running: bool,
    pub result: Option<Result<PreflightReport, String>>,
}

impl TestForm {
    pub fn new(origin: &str, method: CorsMethod) -> Self {
        Self {
            focus: 0,
            origin: Input::new(origin.to_string()),
            method: CorsMethod::ALL
                .iter()
                .position(|m| *m == method)
                .unwrap_or(1),
            headers: Input::default(),
            running: false,
            result: None,
        }
    }

    pub fn focused(&self) -> TestField {
        TestField::ALL[self.focus.min(TestField::ALL.len() - 1)]
    }

    pub fn method(&self) -> CorsMethod {
        CorsMethod::ALL[self.method % CorsMethod::ALL.len()]
    }

    pub fn request(&self) -> PreflightRequest {
        PreflightRequest {
            origin: self.origin.value().trim().to_string(),
            method: self.method().as_str().to_string(),
            headers: model::split_list(self.headers.value()),
        }
    }

    fn key(&mut self, key: KeyEvent) {
        let n = CorsMethod::ALL.len();
        match self.focused() {
            TestField::Method => match key.code {
                KeyCode::Left => self.method = (self.method + n - 1) % n,
                KeyCode::Right | KeyCode::Char(' ') => self.method = (self.method + 1) % n,
                _ => {}
            },
            TestField::Origin => {
                self.origin.handle_event(&crossterm::event::Event::Key(key));
            }
            TestField::Headers => {
                self.headers
                    .handle_event(&crossterm::event::Event::Key(key));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Effects and results

/// Background work the editor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsEffect {
    Load {
        generation: u64,
        account: usize,
    },
    Save {
        generation: u64,
        account: usize,
        rules: Vec<CorsRule>,
        /// The rules the user started from; the save stops if they changed.
        expected: Vec<CorsRule>,
        undo: bool,
    },
    Test {
        generation: u64,
        account: usize,
        request: PreflightRequest,
    },
    CopyFrom {
        generation: u64,
        from: usize,
    },
    Export {
        generation: u64,
        path: PathBuf,
        json: String,
    },
    Import {
        generation: u64,
        path: PathBuf,
    },
}

/// What background work reports back.
#[derive(Debug)]
pub enum CorsEvent {
    Loaded {
        generation: u64,
        result: Result<Vec<CorsRule>, String>,
    },
    Saved {
        generation: u64,
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        undo: bool,
        result: Result<SaveOutcome, String>,
    },
    Tested {
        generation: u64,
        result: Result<PreflightReport, String>,
    },
    Copied {
        generation: u64,
        from: String,
        result: Result<Vec<CorsRule>, String>,
    },
    Exported {
        generation: u64,
        path: PathBuf,
        result: Result<usize, String>,
    },
    Imported {
        generation: u64,
        path: PathBuf,
        result: Result<Vec<CorsRule>, String>,
    },
}

impl CorsEvent {
    fn generation(&self) -> u64 {
        match self {
            CorsEvent::Loaded { generation, .. }
            | CorsEvent::Saved { generation, .. }
            | CorsEvent::Tested { generation, .. }
            | CorsEvent::Copied { generation, .. }
            | CorsEvent::Exported { generation, .. }
            | CorsEvent::Imported { generation, .. } => *generation,
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

// ---------------------------------------------------------------------------
// State changes

impl State {
    fn cors_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            level,
            text: text.into(),
        });
    }

    /// The account the CORS command is about: the selected one in the
    /// accounts list, else the one being browsed.
    fn cors_target(&self) -> Option<usize> {
        match &self.location {
            Location::Accounts => {
                let row = *self.listing.view.get(self.selected)? as usize;
                self.account_rows.get(row).copied()
            }
            Location::Containers { account } | Location::Blobs { account, .. } => Some(*account),
        }
    }

    /// Opens the editor on the current account and starts reading its rules.
    pub(super) fn open_cors(&mut self) -> Vec<Effect> {
        let Some(index) = self.cors_target() else {
            self.cors_status(
                Level::Info,
                "Select a storage account to edit its CORS rules.",
            );
            return Vec::new();
        };
        let Some(node) = self.accounts.get(index) else {
            return Vec::new();
        };
        if node.discovery {
            self.cors_status(
                Level::Info,
                "Open Microsoft Entra ID first, then pick one of its storage accounts for CORS.",
            );
            return Vec::new();
        }
        if let Some(why) = node.broken.clone() {
            self.cors_status(Level::Error, why);
            return Vec::new();
        }
        if let Some(c) = &node.account.container {
            let text = format!(
                "This account is a SAS for container {c} only; CORS rules belong to the whole Blob service and need an account key, an account SAS or Microsoft Entra ID."
            );
            self.cors_status(Level::Error, text);
            return Vec::new();
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        self.cors.editor = Some(CorsEditor {
            account: index,
            label: node.account.label.clone(),
            generation,
            base: None,
            rules: Vec::new(),
            selected: 0,
            loading: true,
            busy: None,
            error: None,
            view: CorsView::Table,
        });
        self.mode = Mode::Cors;
        vec![Effect::Cors(CorsEffect::Load {
            generation,
            account: index,
        })]
    }

    fn close_cors(&mut self) {
        self.cors.editor = None;
        self.mode = Mode::Normal;
    }

    fn cors_set_view(&mut self, view: CorsView) {
        if let Some(ed) = self.cors.editor.as_mut() {
            self.mode = ed.set_view(view);
        }
    }

    /// Commands while the editor is open (both modes).
    pub(super) fn cors_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.cors.editor.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        if cmd == Command::Quit {
            self.close_cors();
            return self.update(Action::Command(Command::Quit));
        }
        let view = std::mem::replace(&mut ed.view, CorsView::Table);
        match view {
            CorsView::Table => self.cors_table_command(cmd),
            CorsView::Rule(mut form) => {
                match cmd {
                    Command::NextField | Command::Down => form.move_focus(1),
                    Command::PrevField | Command::Up => form.move_focus(-1),
                    Command::Cancel => {
                        self.cors_set_view(CorsView::Table);
                        return Vec::new();
                    }
                    Command::Accept => return self.cors_keep_rule(form),
                    _ => {}
                }
                self.cors_set_view(CorsView::Rule(form));
                Vec::new()
            }
            CorsView::Review {
                rules,
                expected,
                undo,
            } => match cmd {
                Command::Yes | Command::CorsEdit | Command::Accept | Command::CorsSave => {
                    self.cors_save(rules, expected, undo)
                }
                Command::No | Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Review {
                        rules,
                        expected,
                        undo,
                    });
                    Vec::new()
                }
            },
            CorsView::Conflict {
                rules,
                expected,
                current,
                undo,
            } => match cmd {
                Command::Yes => self.cors_save(rules, current, undo),
                Command::CorsReload => {
                    if let Some(ed) = self.cors.editor.as_mut() {
                        ed.base = Some(current.clone());
                        ed.rules = current;
                        ed.selected = 0;
                    }
                    self.cors_set_view(CorsView::Table);
                    self.cors_status(
                        Level::Info,
                        "Showing the rules now on the service; your edits were dropped.",
                    );
                    Vec::new()
                }
                Command::No | Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    self.cors_status(
                        Level::Info,
                        "Nothing was saved. Your edits are still here; r shows the service's rules instead.",
                    );
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Conflict {
                        rules,
                        expected,
                        current,
                        undo,
                    });
                    Vec::new()
                }
            },
            CorsView::Test(mut form) => match cmd {
                Command::NextField | Command::Down => {
                    form.focus = (form.focus + 1) % TestField::ALL.len();
                    self.cors_set_view(CorsView::Test(form));
                    Vec::new()
                }
                Command::PrevField | Command::Up => {
                    form.focus = (form.focus + TestField::ALL.len() - 1) % TestField::ALL.len();
                    self.cors_set_view(CorsView::Test(form));
                    Vec::new()
                }
                Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                Command::Accept => {
                    let request = form.request();
                    let effects = match request.check() {
                        Err(e) => {
                            form.result = Some(Err(e));
                            Vec::new()
                        }
                        Ok(()) => {
                            form.running = true;
                            form.result = None;
                            let (generation, account) = self
                                .cors
                                .editor
                                .as_ref()
                                .map(|e| (e.generation, e.account))
                                .unwrap_or_default();
                            vec![Effect::Cors(CorsEffect::Test {
                                generation,
                                account,
                                request,
                            })]
                        }
                    };
                    self.cors_set_view(CorsView::Test(form));
                    effects
                }
                _ => {
                    self.cors_set_view(CorsView::Test(form));
                    Vec::new()
                }
            },
            CorsView::Presets { selected } => match cmd {
                Command::Up | Command::Down => {
                    let n = PRESETS.len();
                    let selected = if cmd == Command::Up {
                        (selected + n - 1) % n
                    } else {
                        (selected + 1) % n
                    };
                    self.cors_set_view(CorsView::Presets { selected });
                    Vec::new()
                }
                Command::CorsEdit | Command::Accept | Command::Yes => self.cors_preset(selected),
                Command::Cancel | Command::No => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Presets { selected });
                    Vec::new()
                }
            },
            CorsView::PresetOrigin(input) => match cmd {
                Command::Accept => self.cors_preset_origin(input),
                Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::PresetOrigin(input));
                    Vec::new()
                }
            },
            CorsView::CopyFrom { choices, selected } => match cmd {
                Command::Up | Command::Down => {
                    let n = choices.len().max(1);
                    let selected = if cmd == Command::Up {
                        (selected + n - 1) % n
                    } else {
                        (selected + 1) % n
                    };
                    self.cors_set_view(CorsView::CopyFrom { choices, selected });
                    Vec::new()
                }
                Command::CorsEdit | Command::Accept | Command::Yes => {
                    let Some((from, label)) = choices.get(selected).cloned() else {
                        self.cors_set_view(CorsView::Table);
                        return Vec::new();
                    };
                    let generation = self.cors_busy(format!("Reading the rules of {label}…"));
                    self.cors_set_view(CorsView::Table);
                    vec![Effect::Cors(CorsEffect::CopyFrom { generation, from })]
                }
                Command::Cancel | Command::No => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::CopyFrom { choices, selected });
                    Vec::new()
                }
            },
            CorsView::File { export, input } => match cmd {
                Command::Accept => self.cors_file(export, input),
                Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::File { export, input });
                    Vec::new()
                }
            },
            CorsView::Discard { then } => match cmd {
                Command::Yes => match then {
                    AfterDiscard::Close => {
                        self.close_cors();
                        Vec::new()
                    }
                    AfterDiscard::Reload => self.cors_reload(),
                },
                Command::No | Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Discard { then });
                    Vec::new()
                }
            },
        }
    }

    /// Marks the editor busy and returns its generation for the effect.
    fn cors_busy(&mut self, what: String) -> u64 {
        match self.cors.editor.as_mut() {
            Some(ed) => {
                ed.busy = Some(what);
                ed.generation
            }
            None => 0,
        }
    }

    fn cors_table_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.cors.editor.as_mut() else {
            return Vec::new();
        };
        let len = ed.rules.len();
        let ready = !ed.loading && ed.base.is_some();
        let changes = matches!(
            cmd,
            Command::CorsAdd
                | Command::CorsEdit
                | Command::CorsDuplicate
                | Command::CorsDelete
                | Command::CorsRuleUp
                | Command::CorsRuleDown
                | Command::CorsSave
                | Command::CorsUndo
                | Command::CorsPresets
                | Command::CorsImport
                | Command::CorsReload
        );
        if changes && let Some(what) = ed.busy.clone() {
            self.cors_status(Level::Info, format!("Wait a moment: {what}"));
            return Vec::new();
        }
        if changes && !ready && cmd != Command::CorsReload {
            let text = match &ed.error {
                Some(_) => "The rules could not be read; r tries again.",
                None => "Still reading the rules…",
            };
            self.cors_status(Level::Info, text);
            return Vec::new();
        }
        match cmd {
            Command::Up => ed.selected = ed.selected.saturating_sub(1),
            Command::Down => ed.selected = (ed.selected + 1).min(len.saturating_sub(1)),
            Command::Top => ed.selected = 0,
            Command::Bottom => ed.selected = len.saturating_sub(1),
            Command::CorsAdd => {
                if len >= MAX_RULES {
                    self.cors_status(
                        Level::Error,
                        format!("The Blob service holds at most {MAX_RULES} CORS rules; delete or edit one instead."),
                    );
                } else {
                    self.cors_set_view(CorsView::Rule(Box::default()));
                }
            }
            Command::CorsEdit => match ed.rules.get(ed.selected) {
                Some(rule) => {
                    let form = RuleForm::edit(ed.selected, rule);
                    self.cors_set_view(CorsView::Rule(Box::new(form)));
                }
                None => self.cors_set_view(CorsView::Rule(Box::default())),
            },
            Command::CorsDuplicate => {
                if len >= MAX_RULES {
                    self.cors_status(
                        Level::Error,
                        format!("The Blob service holds at most {MAX_RULES} CORS rules; there is no room for a copy."),
                    );
                } else if let Some(rule) = ed.rules.get(ed.selected).cloned() {
                    ed.rules.insert(ed.selected + 1, rule);
                    ed.selected += 1;
                    let text = format!("Duplicated as rule {}; e edits it.", ed.selected + 1);
                    self.cors_status(Level::Info, text);
                }
            }
            Command::CorsDelete if ed.selected < len => {
                ed.rules.remove(ed.selected);
                ed.selected = ed.selected.min(ed.rules.len().saturating_sub(1));
                self.cors_status(
                    Level::Info,
                    "Rule deleted here; nothing changes on the service until you save (s).",
                );
            }
            Command::CorsRuleUp if ed.selected > 0 && ed.selected < len => {
                ed.rules.swap(ed.selected, ed.selected - 1);
                ed.selected -= 1;
            }
            Command::CorsRuleDown if ed.selected + 1 < len => {
                ed.rules.swap(ed.selected, ed.selected + 1);
                ed.selected += 1;
            }
            Command::CorsSave => {
                let base = ed.base.clone().unwrap_or_default();
                if let Err(e) = ed.validation() {
                    self.cors_status(Level::Error, format!("Cannot save yet: {e}"));
                } else if base == ed.rules {
                    self.cors_status(
                        Level::Info,
                        "Nothing to save: the rules are as on the service.",
                    );
                } else {
                    let rules = ed.rules.clone();
                    self.cors_set_view(CorsView::Review {
                        rules,
                        expected: base,
                        undo: false,
                    });
                }
            }
            Command::CorsUndo => {
                let record = self.cors.undo.get(&ed.account).cloned();
                match record {
                    None => self.cors_status(
                        Level::Info,
                        "Nothing to undo: no CORS save on this account in this session.",
                    ),
                    Some(_) if ed.dirty() => self.cors_status(
                        Level::Error,
                        "Undo writes the rules from before the last save; save or reload (r) your edits first.",
                    ),
                    Some(r) => self.cors_set_view(CorsView::Review {
                        rules: r.previous,
                        expected: r.saved,
                        undo: true,
                    }),
                }
            }
            Command::CorsPresets => self.cors_set_view(CorsView::Presets { selected: 0 }),
            Command::CorsTest => {
                // Start from an origin the rules name, so the first test is one keystroke.
                let origin = ed
                    .rules
                    .get(ed.selected)
                    .into_iter()
                    .chain(ed.rules.iter())
                    .flat_map(|r| r.allowed_origins.iter())
                    .find(|o| *o != "*")
                    .cloned()
                    .unwrap_or_else(|| "https://".to_string());
                let method = ed
                    .rules
                    .get(ed.selected)
                    .and_then(|r| {
                        r.allowed_methods
                            .iter()
                            .find(|m| **m != CorsMethod::Options)
                    })
                    .copied()
                    .unwrap_or(CorsMethod::Get);
                let form = TestForm::new(&origin, method);
                self.cors_set_view(CorsView::Test(Box::new(form)));
            }
            Command::CorsExport | Command::CorsImport => {
                let name = self
                    .accounts
                    .get(ed.account)
                    .map(|n| n.account.name.clone())
                    .unwrap_or_else(|| "account".into());
                let input = Input::new(format!("cors-{name}.json"));
                let export = cmd == Command::CorsExport;
                self.cors_set_view(CorsView::File { export, input });
            }
            Command::CorsReload => {
                if ed.dirty() {
                    self.cors_set_view(CorsView::Discard {
                        then: AfterDiscard::Reload,
                    });
                } else {
                    return self.cors_reload();
                }
            }
            Command::Cancel => {
                if ed.dirty() {
                    self.cors_set_view(CorsView::Discard {
                        then: AfterDiscard::Close,
                    });
                } else {
                    self.close_cors();
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn cors_reload(&mut self) -> Vec<Effect> {
        let Some(ed) = self.cors.editor.as_mut() else {
            return Vec::new();
        };
        ed.loading = true;
        ed.error = None;
        ed.base = None;
        let effect = CorsEffect::Load {
            generation: ed.generation,
            account: ed.account,
        };
        self.cors_set_view(CorsView::Table);
        vec![Effect::Cors(effect)]
    }

    fn cors_keep_rule(&mut self, form: Box<RuleForm>) -> Vec<Effect> {
        let rule = match &form.validation {
            Ok(rule) => rule.clone(),
            Err(e) => {
                let text = format!("Cannot keep this rule yet: {e}");
                self.cors_set_view(CorsView::Rule(form));
                self.cors_status(Level::Error, text);
                return Vec::new();
            }
        };
        let Some(ed) = self.cors.editor.as_mut() else {
            return Vec::new();
        };
        match form.editing.filter(|i| *i < ed.rules.len()) {
            Some(i) => {
                ed.rules[i] = rule;
                ed.selected = i;
            }
            None => {
                ed.rules.push(rule);
                ed.selected = ed.rules.len() - 1;
            }
        }
        let n = ed.selected + 1;
        self.cors_set_view(CorsView::Table);
        self.cors_status(
            Level::Info,
            format!("Rule {n} is ready; s reviews the changes and saves them."),
        );
        Vec::new()
    }

    fn cors_save(
        &mut self,
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        undo: bool,
    ) -> Vec<Effect> {
        let Some(ed) = self.cors.editor.as_ref() else {
            return Vec::new();
        };
        let account = ed.account;
        let generation = self.cors_busy("saving…".into());
        self.cors_set_view(CorsView::Table);
        self.cors_status(Level::Info, "Saving the CORS rules…");
        vec![Effect::Cors(CorsEffect::Save {
            generation,
            account,
            rules,
            expected,
            undo,
        })]
    }

    fn cors_preset(&mut self, selected: usize) -> Vec<Effect> {
        match selected {
            0 => self.cors_set_view(CorsView::PresetOrigin(Input::new("https://".into()))),
            1 => self.cors_add_rules(model::preset_local_development(), "Local development"),
            _ => {
                let Some(ed) = self.cors.editor.as_ref() else {
                    return Vec::new();
                };
                let current = ed.account;
                let choices: Vec<(usize, String)> = self
                    .accounts
                    .iter()
                    .enumerate()
                    .filter(|(i, n)| {
                        *i != current
                            && !n.detached
                            && !n.discovery
                            && n.broken.is_none()
                            && n.account.container.is_none()
                    })
                    .map(|(i, n)| (i, n.account.label.clone()))
                    .collect();
                if choices.is_empty() {
                    self.cors_set_view(CorsView::Table);
                    self.cors_status(
                        Level::Info,
                        "No other account to copy from: attach one first (a in the accounts list).",
                    );
                } else {
                    self.cors_set_view(CorsView::CopyFrom {
                        choices,
                        selected: 0,
                    });
                }
            }
        }
        Vec::new()
    }

    fn cors_preset_origin(&mut self, input: Input) -> Vec<Effect> {
        match model::preset_browser_uploads(input.value()) {
            Ok(rules) => self.cors_add_rules(rules, "Browser uploads"),
            Err(e) => {
                self.cors_set_view(CorsView::PresetOrigin(input));
                self.cors_status(Level::Error, format!("The web app's origin: {e}"));
            }
        }
        Vec::new()
    }

    /// Appends preset rules, if they fit.
    fn cors_add_rules(&mut self, rules: Vec<CorsRule>, what: &str) {
        let Some(ed) = self.cors.editor.as_mut() else {
            return;
        };
        let total = ed.rules.len() + rules.len();
        if total > MAX_RULES {
            let text = format!(
                "{what} adds {} to {}; the Blob service holds at most {MAX_RULES} CORS rules. Delete some first.",
                plural(rules.len(), "rule"),
                ed.rules.len()
            );
            self.cors_set_view(CorsView::Table);
            self.cors_status(Level::Error, text);
            return;
        }
        let first = ed.rules.len();
        ed.rules.extend(rules);
        ed.selected = first;
        let text = format!(
            "{what}: added as rule {}{}; s reviews the changes and saves them.",
            first + 1,
            if total - first > 1 {
                format!("-{total}")
            } else {
                String::new()
            }
        );
        self.cors_set_view(CorsView::Table);
        self.cors_status(Level::Info, text);
    }

    fn cors_file(&mut self, export: bool, input: Input) -> Vec<Effect> {
        let path = input.value().trim().to_string();
        if path.is_empty() {
            self.cors_set_view(CorsView::File { export, input });
            self.cors_status(Level::Error, "Type a file path.");
            return Vec::new();
        }
        let Some(ed) = self.cors.editor.as_ref() else {
            return Vec::new();
        };
        let name = self
            .accounts
            .get(ed.account)
            .map(|n| n.account.name.clone());
        let json = model::to_json(name.as_deref(), &ed.rules);
        let path = PathBuf::from(path);
        let generation = if export {
            self.cors_busy(format!("exporting to {}…", path.display()))
        } else {
            self.cors_busy(format!("importing {}…", path.display()))
        };
        self.cors_set_view(CorsView::Table);
        vec![Effect::Cors(if export {
            CorsEffect::Export {
                generation,
                path,
                json,
            }
        } else {
            CorsEffect::Import { generation, path }
        })]
    }

    /// A key typed into one of the editor's text fields.
    pub(super) fn cors_input(&mut self, key: KeyEvent) {
        let Some(ed) = self.cors.editor.as_mut() else {
            return;
        };
        match &mut ed.view {
            CorsView::Rule(form) => form.key(key),
            CorsView::Test(form) => form.key(key),
            CorsView::PresetOrigin(input) | CorsView::File { input, .. } => {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
            _ => {}
        }
    }

    /// Text pasted into one of the editor's text fields.
    pub(super) fn cors_paste(&mut self, text: &str) {
        let Some(ed) = self.cors.editor.as_mut() else {
            return;
        };
        let add =
            |input: &mut Input| *input = Input::new(format!("{}{}", input.value(), one_line(text)));
        match &mut ed.view {
            CorsView::Rule(form) => form.paste(text),
            CorsView::Test(form) => match form.focused() {
                TestField::Origin => add(&mut form.origin),
                TestField::Headers => add(&mut form.headers),
                TestField::Method => {}
            },
            CorsView::PresetOrigin(input) | CorsView::File { input, .. } => add(input),
            _ => {}
        }
    }

    /// A result of the editor's background work.
    pub(super) fn cors_event(&mut self, event: CorsEvent) -> Vec<Effect> {
        let Some(ed) = self.cors.editor.as_mut() else {
            return Vec::new();
        };
        if ed.generation != event.generation() {
            return Vec::new();
        }
        ed.busy = None;
        match event {
            CorsEvent::Loaded { result, .. } => {
                ed.loading = false;
                match result {
                    Ok(rules) => {
                        ed.base = Some(rules.clone());
                        ed.selected = ed.selected.min(rules.len().saturating_sub(1));
                        ed.rules = rules;
                        ed.error = None;
                    }
                    Err(e) => {
                        ed.error = Some(e.clone());
                        self.cors_status(Level::Error, e);
                    }
                }
            }
            CorsEvent::Saved {
                rules,
                expected,
                undo,
                result,
                ..
            } => match result {
                Ok(SaveOutcome::Saved { previous }) => {
                    let account = ed.account;
                    ed.base = Some(rules.clone());
                    ed.rules = rules.clone();
                    ed.selected = ed.selected.min(rules.len().saturating_sub(1));
                    let label = ed.label.clone();
                    self.cors.undo.insert(
                        account,
                        UndoRecord {
                            previous,
                            saved: rules.clone(),
                        },
                    );
                    let text = if undo {
                        format!(
                            "Undone: {label} has its {} from before the last save again. u undoes this too.",
                            plural(rules.len(), "CORS rule")
                        )
                    } else {
                        format!(
                            "Saved {} on {label}; logging, metrics, retention, static website and default version are untouched. u undoes.",
                            plural(rules.len(), "CORS rule")
                        )
                    };
                    self.cors_status(Level::Info, text);
                }
                Ok(SaveOutcome::Changed { current }) => {
                    self.cors_set_view(CorsView::Conflict {
                        rules,
                        expected,
                        current,
                        undo,
                    });
                    self.cors_status(
                        Level::Error,
                        "Someone else changed the CORS rules since they were read; nothing was saved.",
                    );
                }
                Err(e) => self.cors_status(Level::Error, format!("Not saved: {e}")),
            },
            CorsEvent::Tested { result, .. } => {
                if let CorsView::Test(form) = &mut ed.view {
                    form.running = false;
                    form.result = Some(result);
                }
            }
            CorsEvent::Copied { from, result, .. } => match result {
                Ok(rules) => {
                    let n = rules.len();
                    ed.rules = rules;
                    ed.selected = 0;
                    let text = format!(
                        "Copied {} from {from}; s reviews the changes and saves them here.",
                        plural(n, "rule")
                    );
                    self.cors_status(Level::Info, text);
                }
                Err(e) => self.cors_status(Level::Error, format!("Cannot copy from {from}: {e}")),
            },
            CorsEvent::Exported { path, result, .. } => match result {
                Ok(n) => self.cors_status(
                    Level::Info,
                    format!("Exported {} to {}.", plural(n, "rule"), path.display()),
                ),
                Err(e) => self.cors_status(Level::Error, e),
            },
            CorsEvent::Imported { path, result, .. } => match result {
                Ok(rules) => {
                    let n = rules.len();
                    ed.rules = rules;
                    ed.selected = 0;
                    self.cors_status(
                        Level::Info,
                        format!(
                            "Imported {} from {}; s reviews the changes and saves them.",
                            plural(n, "rule"),
                            path.display()
                        ),
                    );
                }
                Err(e) => self.cors_status(Level::Error, e),
            },
        }
        Vec::new()
    }
}

// ---------------------------------------------------------------------------
// Tasks

/// Starts the work for `effect`; `client` finds an account's client.
pub(super) fn spawn(
    effect: CorsEffect,
    client: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let send = move |event: CorsEvent| {
        let _ = tx.send(Action::Cors(event));
    };
    let missing = "This account could not be set up; edit it to fix it.".to_string();
    match effect {
        CorsEffect::Load {
            generation,
            account,
        } => {
            let Some(client) = client(account) else {
                return send(CorsEvent::Loaded {
                    generation,
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let result = model::get_cors(&client)
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Loaded { generation, result });
            });
        }
        CorsEffect::Save {
            generation,
            account,
            rules,
            expected,
            undo,
        } => {
            let Some(client) = client(account) else {
                return send(CorsEvent::Saved {
                    generation,
                    rules,
                    expected,
                    undo,
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let result = model::save_cors(&client, &rules, Some(&expected))
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Saved {
                    generation,
                    rules,
                    expected,
                    undo,
                    result,
                });
            });
        }
        CorsEffect::Test {
            generation,
            account,
            request,
        } => {
            let Some(client) = client(account) else {
                return send(CorsEvent::Tested {
                    generation,
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let result = model::test_preflight(&client, &request)
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Tested { generation, result });
            });
        }
        CorsEffect::CopyFrom { generation, from } => {
            let Some(client) = client(from) else {
                return send(CorsEvent::Copied {
                    generation,
                    from: format!("account {from}"),
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let label = client.account().label.clone();
                let result = model::get_cors(&client)
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Copied {
                    generation,
                    from: label,
                    result,
                });
            });
        }
        CorsEffect::Export {
            generation,
            path,
            json,
        } => {
            tokio::task::spawn_blocking(move || {
                let n = serde_json::from_str::<serde_json::Value>(&json)
                    .ok()
                    .and_then(|v| v["rules"].as_array().map(Vec::len))
                    .unwrap_or(0);
                let result = write_new_file(&path, &json).map(|()| n);
                send(CorsEvent::Exported {
                    generation,
                    path,
                    result,
                });
            });
        }
        CorsEffect::Import { generation, path } => {
            tokio::task::spawn_blocking(move || {
                let result = std::fs::read_to_string(&path)
                    .map_err(|e| format!("Cannot read {}: {e}", path.display()))
                    .and_then(|text| {
                        model::parse_json(&text)
                            .map(|(_, rules)| rules)
                            .map_err(|e| format!("{}: {e}", path.display()))
                    });
                send(CorsEvent::Imported {
                    generation,
                    path,
                    result,
                });
            });
        }
    }
}

/// Writes `text` to a file that must not exist yet (an export never overwrites).
fn write_new_file(path: &std::path::Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; export to a new name (blobx never overwrites it).",
                path.display()
            ),
            _ => format!("Cannot write {}: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::AccountNode;
    use crate::azure::Account;
    use crossterm::event::KeyModifiers;

    fn state() -> State {
        let mut s = State::new(vec![AccountNode::new(
            Account::emulator("http://127.0.0.1:10000").unwrap(),
        )]);
        s.start(None, Some(0));
        s
    }

    fn cmd(s: &mut State, c: Command) -> Vec<Effect> {
        s.update(Action::Command(c))
    }

    fn key(s: &mut State, code: KeyCode) {
        s.update(Action::Input(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn type_text(s: &mut State, text: &str) {
        for c in text.chars() {
            key(s, KeyCode::Char(c));
        }
    }

    fn editor(s: &State) -> &CorsEditor {
        s.cors.editor.as_ref().unwrap()
    }

    fn status(s: &State) -> String {
        s.status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    /// Opens the editor and delivers `rules` as read from the service.
    fn opened(rules: Vec<CorsRule>) -> (State, u64) {
        let mut s = state();
        let effects = cmd(&mut s, Command::Cors);
        let Some(Effect::Cors(CorsEffect::Load {
            generation,
            account: 0,
        })) = effects.first().cloned()
        else {
            panic!("{effects:?}");
        };
        assert_eq!(s.mode, Mode::Cors);
        s.update(Action::Cors(CorsEvent::Loaded {
            generation,
            result: Ok(rules),
        }));
        (s, generation)
    }

    fn rule(origin: &str) -> CorsRule {
        CorsRule::new(&[origin], &[CorsMethod::Get], &[], &[], 60)
    }

    #[test]
    fn a_rule_typed_into_the_form_is_reviewed_saved_and_undone() {
        let (mut s, generation) = opened(vec![]);
        cmd(&mut s, Command::CorsAdd);
        assert_eq!(s.mode, Mode::CorsInput);
        type_text(&mut s, "https://app.example.com/");
        let CorsView::Rule(form) = &editor(&s).view else {
            panic!()
        };
        assert!(form.errors[0].as_deref().unwrap().contains("ends with /"));
        // Enter is refused while the form is invalid.
        cmd(&mut s, Command::Accept);
        assert!(
            status(&s).starts_with("Cannot keep this rule yet"),
            "{}",
            status(&s)
        );
        assert_eq!(s.mode, Mode::CorsInput);
        key(&mut s, KeyCode::Backspace);
        cmd(&mut s, Command::NextField);
        for _ in 0..6 {
            key(&mut s, KeyCode::Right);
        }
        key(&mut s, KeyCode::Char(' '));
        cmd(&mut s, Command::NextField);
        s.update(Action::Paste("content-type\nx-ms-*\n".into()));
        cmd(&mut s, Command::Accept);
        assert_eq!(s.mode, Mode::Cors);
        let mine = CorsRule::new(
            &["https://app.example.com"],
            &[CorsMethod::Get, CorsMethod::Put],
            &["content-type", "x-ms-*"],
            &[],
            3600,
        );
        assert_eq!(editor(&s).rules, vec![mine.clone()]);
        assert!(editor(&s).dirty());

        // Save shows the diff first; yes sends it with what the editor started from.
        assert!(cmd(&mut s, Command::CorsSave).is_empty());
        assert!(matches!(
            editor(&s).view,
            CorsView::Review { undo: false, .. }
        ));
        let effects = cmd(&mut s, Command::Yes);
        assert_eq!(
            effects,
            vec![Effect::Cors(CorsEffect::Save {
                generation,
                account: 0,
                rules: vec![mine.clone()],
                expected: vec![],
                undo: false,
            })]
        );
        // While it saves, edits wait.
        cmd(&mut s, Command::CorsDelete);
        assert_eq!(editor(&s).rules.len(), 1);
        s.update(Action::Cors(CorsEvent::Saved {
            generation,
            rules: vec![mine.clone()],
            expected: vec![],
            undo: false,
            result: Ok(SaveOutcome::Saved { previous: vec![] }),
        }));
        assert!(!editor(&s).dirty());
        assert!(
            status(&s).starts_with("Saved 1 CORS rule"),
            "{}",
            status(&s)
        );

        // Undo writes back what the save replaced, expecting what it wrote.
        cmd(&mut s, Command::CorsUndo);
        assert!(matches!(
            editor(&s).view,
            CorsView::Review { undo: true, .. }
        ));
        let effects = cmd(&mut s, Command::CorsEdit);
        assert_eq!(
            effects,
            vec![Effect::Cors(CorsEffect::Save {
                generation,
                account: 0,
                rules: vec![],
                expected: vec![mine],
                undo: true,
            })]
        );
    }

    #[test]
    fn a_change_on_the_service_is_shown_and_asked_about() {
        let base = vec![rule("https://a.example.com")];
        let (mut s, generation) = opened(base.clone());
        cmd(&mut s, Command::CorsDuplicate);
        cmd(&mut s, Command::CorsSave);
        let effects = cmd(&mut s, Command::Yes);
        assert_eq!(effects.len(), 1);
        let theirs = vec![rule("https://theirs.example.com")];
        let mine = editor(&s).rules.clone();
        s.update(Action::Cors(CorsEvent::Saved {
            generation,
            rules: mine.clone(),
            expected: base,
            undo: false,
            result: Ok(SaveOutcome::Changed {
                current: theirs.clone(),
            }),
        }));
        assert!(matches!(editor(&s).view, CorsView::Conflict { .. }));
        assert!(status(&s).contains("nothing was saved"));
        // Yes saves over theirs, now expecting theirs.
        let effects = cmd(&mut s, Command::Yes);
        assert_eq!(
            effects,
            vec![Effect::Cors(CorsEffect::Save {
                generation,
                account: 0,
                rules: mine,
                expected: theirs,
                undo: false,
            })]
        );
    }

    #[test]
    fn limits_presets_and_stale_results() {
        let (mut s, generation) = opened(vec![rule("https://a.example.com"); 4]);
        // The browser-uploads preset adds two rules: one too many.
        cmd(&mut s, Command::CorsPresets);
        cmd(&mut s, Command::CorsEdit);
        assert_eq!(s.mode, Mode::CorsInput);
        type_text(&mut s, "ml.example.com");
        cmd(&mut s, Command::Accept);
        assert!(status(&s).contains("at most 5"), "{}", status(&s));
        assert_eq!(editor(&s).rules.len(), 4);
        cmd(&mut s, Command::CorsDuplicate);
        cmd(&mut s, Command::CorsAdd);
        assert!(status(&s).contains("at most 5"), "{}", status(&s));
        assert_eq!(s.mode, Mode::Cors);
        // Local development fits after deleting two.
        cmd(&mut s, Command::CorsDelete);
        cmd(&mut s, Command::CorsDelete);
        cmd(&mut s, Command::CorsPresets);
        cmd(&mut s, Command::Down);
        cmd(&mut s, Command::CorsEdit);
        assert_eq!(editor(&s).rules.len(), 4);
        assert_eq!(editor(&s).rules[3], model::preset_local_development()[0]);
        // A result for an earlier editor is dropped.
        s.update(Action::Cors(CorsEvent::Loaded {
            generation: generation + 100,
            result: Ok(vec![]),
        }));
        assert_eq!(editor(&s).rules.len(), 4);
        // Closing with edits asks first.
        cmd(&mut s, Command::Cancel);
        assert!(matches!(editor(&s).view, CorsView::Discard { .. }));
        cmd(&mut s, Command::Yes);
        assert!(s.cors.editor.is_none());
        assert_eq!(s.mode, Mode::Normal);
    }

    #[test]
    fn read_only_mode_refuses_saving() {
        let (mut s, _) = opened(vec![]);
        s.readonly = true;
        cmd(&mut s, Command::CorsAdd);
        type_text(&mut s, "https://a.example.com");
        cmd(&mut s, Command::Accept);
        assert!(cmd(&mut s, Command::CorsSave).is_empty());
        assert!(status(&s).starts_with("Read-only mode"), "{}", status(&s));
        assert!(matches!(editor(&s).view, CorsView::Table));
    }

    #[test]
    fn a_container_sas_cannot_open_the_editor() {
        let mut account = Account::emulator("http://127.0.0.1:10000").unwrap();
        account.container = Some("data".into());
        let mut s = State::new(vec![AccountNode::new(account)]);
        s.start(None, Some(0));
        assert!(cmd(&mut s, Command::Cors).is_empty());
        assert!(s.cors.editor.is_none());
        assert!(status(&s).contains("container data only"), "{}", status(&s));
    }

    #[test]
    fn rules_are_copied_from_another_account() {
        let (mut s, generation) = opened(vec![]);
        let mut other = Account::emulator("http://127.0.0.1:10001").unwrap();
        other.id = "other".into();
        other.label = "other".into();
        s.accounts.push(AccountNode::new(other));
        cmd(&mut s, Command::CorsPresets);
        cmd(&mut s, Command::Up);
        cmd(&mut s, Command::CorsEdit);
        let CorsView::CopyFrom { choices, .. } = &editor(&s).view else {
            panic!()
        };
        assert_eq!(choices, &vec![(1, "other".to_string())]);
        let effects = cmd(&mut s, Command::CorsEdit);
        assert_eq!(
            effects,
            vec![Effect::Cors(CorsEffect::CopyFrom {
                generation,
                from: 1
            })]
        );
        s.update(Action::Cors(CorsEvent::Copied {
            generation,
            from: "other".into(),
            result: Ok(vec![rule("https://b.example.com")]),
        }));
        assert_eq!(editor(&s).rules, vec![rule("https://b.example.com")]);
        assert!(editor(&s).dirty());
        assert!(status(&s).starts_with("Copied 1 rule from other"));
    }

    #[tokio::test]
    async fn export_never_overwrites_and_import_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cors.json");
        let rules = model::preset_browser_uploads("https://ml.example.com").unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let export = CorsEffect::Export {
            generation: 7,
            path: path.clone(),
            json: model::to_json(Some("acct"), &rules),
        };
        spawn(export.clone(), |_| None, tx.clone());
        match rx.recv().await {
            Some(Action::Cors(CorsEvent::Exported { result: Ok(2), .. })) => {}
            other => panic!("{other:?}"),
        }
        spawn(export, |_| None, tx.clone());
        match rx.recv().await {
            Some(Action::Cors(CorsEvent::Exported { result: Err(e), .. })) => {
                assert!(e.contains("already exists"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        spawn(
            CorsEffect::Import {
                generation: 7,
                path,
            },
            |_| None,
            tx,
        );
        match rx.recv().await {
            Some(Action::Cors(CorsEvent::Imported { result: Ok(r), .. })) => assert_eq!(r, rules),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn test_form_sends_a_checked_preflight() {
        let (mut s, generation) = opened(vec![rule("https://a.example.com")]);
        cmd(&mut s, Command::CorsTest);
        let CorsView::Test(form) = &editor(&s).view else {
            panic!()
        };
        assert_eq!(form.origin.value(), "https://a.example.com");
        assert_eq!(form.method(), CorsMethod::Get);
        let effects = cmd(&mut s, Command::Accept);
        assert_eq!(
            effects,
            vec![Effect::Cors(CorsEffect::Test {
                generation,
                account: 0,
                request: PreflightRequest {
                    origin: "https://a.example.com".into(),
                    method: "GET".into(),
                    headers: vec![],
                },
            })]
        );
        // A wildcard origin is not something a browser sends: refused in the form.
        for _ in 0.."https://a.example.com".len() {
            key(&mut s, KeyCode::Backspace);
        }
        type_text(&mut s, "*");
        assert!(cmd(&mut s, Command::Accept).is_empty());
        let CorsView::Test(form) = &editor(&s).view else {
            panic!()
        };
        assert!(matches!(&form.result, Some(Err(e)) if e.contains("concrete origin")));
    }
}
