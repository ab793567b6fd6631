//! What the editors' forms share (the CORS rule and test forms, the stored
//! access policy form): fields listed by an enum's `ALL`, a focus that rings
//! round them, and a text input behind some of them.

use super::action::Command;
use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// `index` moved by `delta` round a ring of `len` places (0 when empty).
pub fn step(index: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    (index as isize + delta).rem_euclid(len as isize) as usize
}

/// A form whose fields are the enum `Field`, in the order of `FIELDS`.
/// Implement it with [`field_form!`].
pub trait FieldForm {
    type Field: Copy + 'static;
    const FIELDS: &'static [Self::Field];

    fn focus(&self) -> usize;
    fn set_focus(&mut self, focus: usize);
    /// The text input behind `field`, if it is one.
    fn input(&self, field: Self::Field) -> Option<&Input>;
    fn input_mut(&mut self, field: Self::Field) -> Option<&mut Input>;

    fn focused(&self) -> Self::Field {
        Self::FIELDS[self.focus().min(Self::FIELDS.len() - 1)]
    }

    fn move_focus(&mut self, delta: isize) {
        let focus = step(self.focus(), Self::FIELDS.len(), delta);
        self.set_focus(focus);
    }

    /// Tab / Shift-Tab and ↑/↓ move between the fields; false for other commands.
    fn focus_command(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::NextField | Command::Down => self.move_focus(1),
            Command::PrevField | Command::Up => self.move_focus(-1),
            _ => return false,
        }
        true
    }

    /// Gives `key` to the focused field's input; false when it is not one.
    fn type_key(&mut self, key: KeyEvent) -> bool {
        let field = self.focused();
        match self.input_mut(field) {
            Some(input) => {
                input.handle_event(&Event::Key(key));
                true
            }
            None => false,
        }
    }

    /// Appends `text` to the focused field's input, if it is one.
    fn append(&mut self, text: &str) {
        let field = self.focused();
        if let Some(input) = self.input_mut(field) {
            *input = Input::new(format!("{}{text}", input.value()));
        }
    }
}

/// Implements [`FieldForm`] for `$form` (which has a `focus: usize`) over
/// `$field::ALL`, naming the variants that are text inputs and their inputs.
macro_rules! field_form {
    ($form:ty, $field:ident { $($variant:ident => $input:ident),* $(,)? }) => {
        impl $crate::app::field_form::FieldForm for $form {
            type Field = $field;
            const FIELDS: &'static [$field] = &$field::ALL;

            fn focus(&self) -> usize {
                self.focus
            }

            fn set_focus(&mut self, focus: usize) {
                self.focus = focus;
            }

            fn input(&self, field: $field) -> Option<&tui_input::Input> {
                match field {
                    $($field::$variant => Some(&self.$input),)*
                    _ => None,
                }
            }

            fn input_mut(&mut self, field: $field) -> Option<&mut tui_input::Input> {
                match field {
                    $($field::$variant => Some(&mut self.$input),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use field_form;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_rings_round() {
        assert_eq!(step(0, 3, -1), 2);
        assert_eq!(step(2, 3, 1), 0);
        assert_eq!(step(5, 0, 1), 0);
    }
}
