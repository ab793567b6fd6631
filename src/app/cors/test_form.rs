//! The form that sends a real preflight request to try the saved rules.

use crate::app::field_form::{FieldForm, field_form, step};
use crate::azure::cors::{self as model, CorsMethod, PreflightReport, PreflightRequest};
use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

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

    pub(super) fn key(&mut self, key: KeyEvent) {
        if self.focused() == TestField::Method {
            let n = CorsMethod::ALL.len();
            match key.code {
                KeyCode::Left => self.method = step(self.method, n, -1),
                KeyCode::Right | KeyCode::Char(' ') => self.method = step(self.method, n, 1),
                _ => {}
            }
            return;
        }
        self.type_key(key);
    }
}

field_form!(TestForm, TestField {
    Origin => origin,
    Headers => headers,
});
