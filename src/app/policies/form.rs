//! The form that adds or edits one stored access policy, checked on every keystroke.

use super::input_time;
use super::parse_field_time;
use crate::app::field_form::{FieldForm, field_form, step};
use crate::azure::access::{self, MAX_POLICY_ID, StoredPolicy};
use crate::azure::sas::PERMISSION_ORDER;
use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

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
    pub(super) fn new(
        editing: Option<usize>,
        policy: &StoredPolicy,
        others: Vec<String>,
        now: i64,
    ) -> Self {
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

    pub(super) fn key(&mut self, key: KeyEvent) {
        if self.focused() == PolicyField::Permissions {
            let n = PERMISSIONS.len();
            match key.code {
                KeyCode::Left => self.perm_cursor = step(self.perm_cursor, n, -1),
                KeyCode::Right => self.perm_cursor = step(self.perm_cursor, n, 1),
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
        self.type_key(key);
        self.validate();
    }

    pub(super) fn paste(&mut self, text: &str) {
        self.append(text.trim());
        self.validate();
    }
}

field_form!(PolicyForm, PolicyField {
    Id => id,
    Start => start,
    Expiry => expiry,
});
