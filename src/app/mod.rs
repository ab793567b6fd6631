//! Application state and the one-way loop: input → `Action` → `update` →
//! `Effect`s run as tasks → result `Action`s → render.

mod accounts;
pub mod action;
pub mod activity;
mod bookmarks;
mod browser;
pub mod bulk;
pub mod cors;
mod diagnosis;
pub mod edit;
pub mod editor_table;
pub mod effect;
pub mod entry;
pub mod field_form;
pub mod find;
pub mod form;
mod goto;
pub mod history;
pub mod layers;
pub mod layout;
pub mod lifecycle;
pub mod marks;
pub mod ops;
pub mod policies;
pub mod run;
pub mod settings;
pub mod sizes;
pub mod state;
pub mod sync;
pub mod tasks;
mod transfers;
mod update;
pub mod view;

#[cfg(test)]
mod datalake_tests;
#[cfg(test)]
mod interaction_tests;
#[cfg(test)]
pub(crate) mod update_tests;

pub use action::{Action, Command};
pub use effect::Effect;
pub use state::State;
