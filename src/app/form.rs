//! The attach/edit account form: one input per field, a focus index, and a
//! validation result recomputed on every keystroke. Saving is only possible
//! while the input is valid.

use crate::azure::account::{Account, Auth, Source};
use crate::azure::connection::{
    ParsedAccount, now_unix, parse_connection_string, parse_name_and_key, parse_sas_url,
};
use tui_input::Input;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachKind {
    ConnectionString,
    SasUrl,
    NameKey,
}

impl AttachKind {
    pub const ALL: [AttachKind; 3] = [
        AttachKind::ConnectionString,
        AttachKind::SasUrl,
        AttachKind::NameKey,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AttachKind::ConnectionString => "Connection string",
            AttachKind::SasUrl => "SAS URL",
            AttachKind::NameKey => "Name + key",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Kind,
    Secret,
    Name,
    Endpoint,
    Label,
}

impl Field {
    pub fn title(self, kind: AttachKind) -> &'static str {
        match (self, kind) {
            (Field::Kind, _) => "Type",
            (Field::Secret, AttachKind::ConnectionString) => "Connection string",
            (Field::Secret, AttachKind::SasUrl) => "SAS URL",
            (Field::Secret, AttachKind::NameKey) => "Account key",
            (Field::Name, _) => "Account name",
            (Field::Endpoint, _) => "Endpoint (optional)",
            (Field::Label, _) => "Label",
        }
    }
}

#[derive(Debug)]
pub struct AttachForm {
    pub kind: AttachKind,
    pub focus: usize,
    pub secret: Input,
    pub name: Input,
    pub endpoint: Input,
    pub label: Input,
    /// The user typed a label; stop deriving it from the account name.
    pub label_touched: bool,
    pub reveal: bool,
    /// Index of the account being edited, if any.
    pub editing: Option<usize>,
    pub validation: Result<ParsedAccount, String>,
}

impl Default for AttachForm {
    fn default() -> Self {
        let mut form = Self {
            kind: AttachKind::ConnectionString,
            focus: 1,
            secret: Input::default(),
            name: Input::default(),
            endpoint: Input::default(),
            label: Input::default(),
            label_touched: false,
            reveal: false,
            editing: None,
            validation: Err(String::new()),
        };
        form.validate();
        form
    }
}

impl AttachForm {
    /// A form filled from an attached account, for editing or renaming.
    pub fn edit(index: usize, account: &Account) -> Self {
        let mut form = Self {
            editing: Some(index),
            label: Input::new(account.label.clone()),
            label_touched: true,
            ..Self::default()
        };
        match &account.auth {
            Auth::SharedKey { key } => {
                form.kind = AttachKind::NameKey;
                form.name = Input::new(account.name.clone());
                form.secret = Input::new(key.expose().to_string());
                form.endpoint = Input::new(account.blob_endpoint.to_string());
            }
            Auth::Sas { token, .. } => {
                form.kind = AttachKind::SasUrl;
                let mut url = account.blob_endpoint.clone();
                if let (Some(c), Ok(mut segs)) = (&account.container, url.path_segments_mut()) {
                    segs.pop_if_empty().push(c);
                }
                url.set_query(Some(token.expose()));
                form.secret = Input::new(url.to_string());
            }
            Auth::Token(_) | Auth::Anonymous => {}
        }
        form.validate();
        form
    }

    pub fn fields(&self) -> Vec<Field> {
        match self.kind {
            AttachKind::NameKey => vec![
                Field::Kind,
                Field::Name,
                Field::Secret,
                Field::Endpoint,
                Field::Label,
            ],
            _ => vec![Field::Kind, Field::Secret, Field::Label],
        }
    }

    pub fn focused(&self) -> Field {
        self.fields()
            .get(self.focus)
            .copied()
            .unwrap_or(Field::Kind)
    }

    pub fn input(&self, field: Field) -> Option<&Input> {
        match field {
            Field::Kind => None,
            Field::Secret => Some(&self.secret),
            Field::Name => Some(&self.name),
            Field::Endpoint => Some(&self.endpoint),
            Field::Label => Some(&self.label),
        }
    }

    pub fn input_mut(&mut self, field: Field) -> Option<&mut Input> {
        match field {
            Field::Kind => None,
            Field::Secret => Some(&mut self.secret),
            Field::Name => Some(&mut self.name),
            Field::Endpoint => Some(&mut self.endpoint),
            Field::Label => Some(&mut self.label),
        }
    }

    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields().len() as isize;
        self.focus = ((self.focus as isize + delta).rem_euclid(n)) as usize;
    }

    pub fn cycle_kind(&mut self, delta: isize) {
        let i = AttachKind::ALL
            .iter()
            .position(|k| *k == self.kind)
            .unwrap_or(0) as isize;
        self.kind = AttachKind::ALL[((i + delta).rem_euclid(3)) as usize];
        self.validate();
    }

    /// Called after any text change: recognises a pasted connection string or
    /// SAS URL, whatever field it landed in, then validates.
    pub fn changed(&mut self, field: Field) {
        if field == Field::Label {
            self.label_touched = true;
        } else if let Some(text) = self.input(field).map(|i| i.value().trim().to_string()) {
            let pasted_kind = if text.starts_with("http") && text.contains("sig=") {
                Some(AttachKind::SasUrl)
            } else if [
                "AccountName=",
                "UseDevelopmentStorage=",
                "BlobEndpoint=",
                "AccountKey=",
            ]
            .iter()
            .any(|k| text.contains(k))
            {
                Some(AttachKind::ConnectionString)
            } else {
                None
            };
            if let Some(kind) = pasted_kind
                && (kind != self.kind || field != Field::Secret)
            {
                self.kind = kind;
                self.secret = Input::new(text);
                if let Some(input) = self.input_mut(field).filter(|_| field != Field::Secret) {
                    input.reset();
                }
                self.focus = self
                    .fields()
                    .iter()
                    .position(|f| *f == Field::Secret)
                    .unwrap_or(1);
            }
        }
        self.validate();
    }

    pub fn validate(&mut self) {
        let now = now_unix();
        let secret = self.secret.value();
        self.validation = match self.kind {
            AttachKind::ConnectionString if secret.trim().is_empty() => {
                Err("paste a connection string (AccountName=…;AccountKey=… or UseDevelopmentStorage=true)".into())
            }
            AttachKind::SasUrl if secret.trim().is_empty() => {
                Err("paste a SAS URL (https://account.blob.core.windows.net/container?sv=…)".into())
            }
            AttachKind::ConnectionString => parse_connection_string(secret, now),
            AttachKind::SasUrl => parse_sas_url(secret, now),
            AttachKind::NameKey => {
                let endpoint = Some(self.endpoint.value()).filter(|e| !e.trim().is_empty());
                parse_name_and_key(self.name.value(), secret, endpoint)
            }
        };
        if !self.label_touched
            && let Ok(p) = &self.validation
        {
            let label = match &p.container {
                Some(c) => format!("{}/{c}", p.name),
                None => p.name.clone(),
            };
            self.label = Input::new(label);
        }
    }

    /// The account to attach, if the form is valid.
    pub fn account(&self, id: &str) -> Option<Account> {
        let parsed = self.validation.clone().ok()?;
        Some(Account::from_parsed(
            id,
            self.label.value().trim(),
            Source::Attached,
            parsed,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::account::EMULATOR_KEY;

    fn type_into(form: &mut AttachForm, field: Field, text: &str) {
        if let Some(input) = form.input_mut(field) {
            *input = Input::new(format!("{}{text}", input.value()));
        }
        form.changed(field);
    }

    #[test]
    fn validates_as_you_type() {
        let mut f = AttachForm::default();
        assert!(f.validation.is_err());
        type_into(&mut f, Field::Secret, "AccountName=acct;AccountKey=@@@");
        assert!(f.validation.as_ref().unwrap_err().contains("base64"));
        f.secret = Input::new(format!("AccountName=acct;AccountKey={EMULATOR_KEY}"));
        f.changed(Field::Secret);
        assert!(f.validation.is_ok());
        assert_eq!(f.label.value(), "acct", "label follows the account name");
    }

    #[test]
    fn pasting_a_sas_url_switches_the_type() {
        let mut f = AttachForm::default();
        f.cycle_kind(2); // Name + key
        assert_eq!(f.kind, AttachKind::NameKey);
        f.focus = 1; // the account name field
        type_into(
            &mut f,
            Field::Name,
            "https://acct.blob.core.windows.net/data?sv=2022-11-02&se=2099-01-01&sp=rl&sr=c&sig=x",
        );
        assert_eq!(f.kind, AttachKind::SasUrl);
        assert_eq!(f.name.value(), "");
        assert!(f.validation.is_ok());
        assert_eq!(f.label.value(), "acct/data");
    }

    #[test]
    fn name_and_key_with_custom_endpoint() {
        let mut f = AttachForm::default();
        f.cycle_kind(-1);
        assert_eq!(f.kind, AttachKind::NameKey);
        type_into(&mut f, Field::Name, "devstoreaccount1");
        type_into(&mut f, Field::Secret, EMULATOR_KEY);
        type_into(
            &mut f,
            Field::Endpoint,
            "http://127.0.0.1:10000/devstoreaccount1",
        );
        let a = f.account("x").unwrap();
        assert!(a.is_emulator);
        type_into(&mut f, Field::Label, " lab");
        assert!(f.label_touched);
    }
}
