//! The form that adds or edits one CORS rule, checked on every keystroke.

use crate::app::field_form::{FieldForm, field_form, step};
use crate::azure::cors::{self as model, CorsMethod, CorsRule};
use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

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

    pub(super) fn key(&mut self, key: KeyEvent) {
        if self.focused() == RuleField::Methods {
            let n = CorsMethod::ALL.len();
            match key.code {
                KeyCode::Left => self.method_cursor = step(self.method_cursor, n, -1),
                KeyCode::Right => self.method_cursor = step(self.method_cursor, n, 1),
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    self.toggle_method(CorsMethod::ALL[self.method_cursor % n])
                }
                _ => {}
            }
            return;
        }
        self.type_key(key);
        self.validate();
    }

    pub(super) fn paste(&mut self, text: &str) {
        self.append(&one_line(text));
        self.validate();
    }
}

field_form!(RuleForm, RuleField {
    Origins => origins,
    AllowedHeaders => allowed_headers,
    ExposedHeaders => exposed_headers,
    MaxAge => max_age,
});

impl Default for RuleForm {
    fn default() -> Self {
        Self::new()
    }
}

/// Pasted lists arrive one item a line; the fields hold them comma-separated.
pub(super) fn one_line(text: &str) -> String {
    text.trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}
