//! The interaction model: one stack of layers over the browser.
//!
//! The browser is the floor (it is not on the stack). Above it sit panes
//! (transfers, preview, history, bookmarks, activity, the editors) and, on
//! top, popups (questions, prompts, forms, help). The top layer gets a key
//! first; it handles it or, if it is a pane that lets keys through, passes it
//! down. What a layer is called in the keymap, whether it takes typed text and
//! what `?` explains all come from here, never from lists kept elsewhere.

mod access;
mod dispatch;
mod focus;
mod keys;
#[cfg(test)]
mod tests;

pub use access::Choice;
pub use keys::translate;

use super::bulk::BulkForm;
use super::cors::CorsEditor;
use super::form::AttachForm;
use super::history::HistoryPane;
use super::lifecycle::LifecyclePane;
use super::ops::Ask;
use super::policies::PolicyEditor;
use super::settings::SettingsPane;
use super::state::{Confirm, PathAction};
use super::sync::SyncReview;

/// What typing on the browser's prompt line is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// The fuzzy filter over loaded rows.
    Filter,
    /// A server-side name prefix.
    PrefixSearch,
}

/// One layer above the browser, with the state only it needs.
#[derive(Debug)]
pub enum Layer {
    /// Typing into the prompt line under the list.
    Prompt(PromptKind),
    /// Keys go to the transfers pane (its rows live in `State::transfers`).
    Transfers,
    /// Keys scroll the preview beside the list.
    Preview,
    /// A blob's snapshots and versions, shown instead of the list.
    History(HistoryPane),
    /// The bookmarks list (its items live in `State::bookmarks`).
    Bookmarks,
    /// Changes made and requests that failed since blobx started.
    Activity,
    /// The CORS rules editor.
    Cors(Box<CorsEditor>),
    /// The stored access policies editor.
    Policies(Box<PolicyEditor>),
    /// The account settings pane (Blob service properties).
    Settings(Box<SettingsPane>),
    /// The lifecycle rules pane (over the settings pane).
    Lifecycle(Box<LifecyclePane>),
    /// The sync review: a local folder or a container folder against a
    /// container folder.
    Sync(Box<SyncReview>),
    /// A choice among a few options (public access level).
    Choose(Choice),
    /// A one-line question (new container, tier, SAS, cap…).
    Ask(Ask),
    /// A local path for a download, upload or report.
    Path(PathAction),
    /// The attach/edit account form.
    Form(Box<AttachForm>),
    /// One change for many blobs (`=` on marks), then its review.
    Bulk(Box<BulkForm>),
    /// A question answered with a key (yes/no, skip/overwrite…).
    Confirm(Confirm),
    /// The key list, for the layer it was opened over.
    Help {
        scroll: usize,
        /// The keymap section of the layer in focus when `?` was pressed.
        section: &'static str,
    },
}

/// The focused layer's kind, derived from the stack (for tests, the footer and
/// the help); nothing stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    PrefixSearch,
    Help,
    Form,
    /// The bulk change form.
    Bulk,
    Confirm,
    Path,
    Transfers,
    Preview,
    Bookmarks,
    Activity,
    Ask,
    Choose,
    Cors,
    /// Typing into a field of the CORS editor (rule form, test, file path).
    CorsInput,
    Policies,
    /// Typing into the policy form.
    PoliciesInput,
    History,
    Settings,
    Sync,
    /// Typing a value into the settings pane.
    SettingsInput,
    Lifecycle,
    /// Typing a rule into the lifecycle pane.
    LifecycleInput,
}

impl Layer {
    pub fn mode(&self) -> Mode {
        match self {
            Layer::Prompt(PromptKind::Filter) => Mode::Filter,
            Layer::Prompt(PromptKind::PrefixSearch) => Mode::PrefixSearch,
            Layer::Transfers => Mode::Transfers,
            Layer::Preview => Mode::Preview,
            Layer::History(_) => Mode::History,
            Layer::Bookmarks => Mode::Bookmarks,
            Layer::Activity => Mode::Activity,
            Layer::Cors(ed) if ed.takes_text() => Mode::CorsInput,
            Layer::Cors(_) => Mode::Cors,
            Layer::Policies(ed) if ed.takes_text() => Mode::PoliciesInput,
            Layer::Policies(_) => Mode::Policies,
            Layer::Settings(p) if p.takes_text() => Mode::SettingsInput,
            Layer::Settings(_) => Mode::Settings,
            Layer::Lifecycle(p) if p.takes_text() => Mode::LifecycleInput,
            Layer::Lifecycle(_) => Mode::Lifecycle,
            Layer::Sync(_) => Mode::Sync,
            Layer::Choose(_) => Mode::Choose,
            Layer::Ask(_) => Mode::Ask,
            Layer::Path(_) => Mode::Path,
            Layer::Form(_) => Mode::Form,
            Layer::Bulk(_) => Mode::Bulk,
            Layer::Confirm(_) => Mode::Confirm,
            Layer::Help { .. } => Mode::Help,
        }
    }
}

impl Mode {
    /// The keymap section in force.
    pub fn section(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Filter | Mode::PrefixSearch => "prompt",
            Mode::Help => "help",
            // Text fields of the editors take the same keys as the other forms.
            Mode::Form
            | Mode::Bulk
            | Mode::CorsInput
            | Mode::PoliciesInput
            | Mode::SettingsInput
            | Mode::LifecycleInput => "form",
            Mode::Confirm => "confirm",
            Mode::Path => "path",
            Mode::Transfers => "transfers",
            Mode::Preview => "preview",
            Mode::Bookmarks => "bookmarks",
            Mode::Activity => "activity",
            Mode::Ask => "ask",
            Mode::Choose => "choose",
            Mode::Cors => "cors",
            Mode::Policies => "policies",
            Mode::History => "history",
            Mode::Settings => "settings",
            Mode::Lifecycle => "lifecycle",
            Mode::Sync => "sync",
        }
    }

    /// Whether keys that are not bound here are typed text.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Mode::Filter
                | Mode::PrefixSearch
                | Mode::Form
                | Mode::Bulk
                | Mode::Path
                | Mode::Ask
                | Mode::CorsInput
                | Mode::PoliciesInput
                | Mode::SettingsInput
                | Mode::LifecycleInput
        )
    }

    /// Panes beside the list let the keys they do not use through to the
    /// browser; everything drawn over or instead of the list keeps them.
    pub fn passes_down(self) -> bool {
        matches!(self, Mode::Transfers | Mode::Preview)
    }
}

/// The stack, bottom first.
#[derive(Debug, Default)]
pub struct Layers(Vec<Layer>);

impl Layers {
    pub fn push(&mut self, layer: Layer) {
        self.0.push(layer);
    }

    pub fn pop(&mut self) -> Option<Layer> {
        self.0.pop()
    }

    pub fn top(&self) -> Option<&Layer> {
        self.0.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Layer> {
        self.0.last_mut()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bottom first (the order they are drawn in).
    pub fn bottom_up(&self) -> impl Iterator<Item = &Layer> {
        self.0.iter()
    }

    /// Top first.
    pub fn iter(&self) -> impl Iterator<Item = &Layer> {
        self.0.iter().rev()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Layer> {
        self.0.iter_mut().rev()
    }

    /// Whether a layer of this kind is open anywhere in the stack.
    pub fn has(&self, mode: Mode) -> bool {
        self.0.iter().any(|l| base(l.mode()) == base(mode))
    }

    /// Removes the topmost layer of this kind (and returns it).
    pub fn remove(&mut self, mode: Mode) -> Option<Layer> {
        let i = self.0.iter().rposition(|l| base(l.mode()) == base(mode))?;
        Some(self.0.remove(i))
    }

    /// Removes the top layer if it is of this kind.
    pub fn pop_if(&mut self, mode: Mode) -> Option<Layer> {
        if self.top().is_some_and(|l| base(l.mode()) == base(mode)) {
            self.0.pop()
        } else {
            None
        }
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Editors have one layer whatever their view: its kind ignores "typing".
fn base(mode: Mode) -> Mode {
    match mode {
        Mode::CorsInput => Mode::Cors,
        Mode::PoliciesInput => Mode::Policies,
        Mode::SettingsInput => Mode::Settings,
        Mode::LifecycleInput => Mode::Lifecycle,
        Mode::PrefixSearch => Mode::Filter,
        m => m,
    }
}

/// Finds the state of one kind of layer anywhere in the stack.
macro_rules! layer_accessors {
    ($($get:ident, $get_mut:ident, $variant:ident, $ty:ty;)*) => {
        impl Layers {
            $(
                pub fn $get(&self) -> Option<&$ty> {
                    self.0.iter().rev().find_map(|l| match l {
                        Layer::$variant(x) => Some(std::borrow::Borrow::<$ty>::borrow(x)),
                        _ => None,
                    })
                }
                pub fn $get_mut(&mut self) -> Option<&mut $ty> {
                    self.0.iter_mut().rev().find_map(|l| match l {
                        Layer::$variant(x) => Some(std::borrow::BorrowMut::<$ty>::borrow_mut(x)),
                        _ => None,
                    })
                }
            )*
        }
    };
}

layer_accessors! {
    history, history_mut, History, HistoryPane;
    cors, cors_mut, Cors, CorsEditor;
    policies, policies_mut, Policies, PolicyEditor;
    settings, settings_mut, Settings, SettingsPane;
    lifecycle, lifecycle_mut, Lifecycle, LifecyclePane;
    sync, sync_mut, Sync, SyncReview;
    ask, ask_mut, Ask, Ask;
    path, path_mut, Path, PathAction;
    form, form_mut, Form, AttachForm;
    bulk, bulk_mut, Bulk, BulkForm;
    confirm, confirm_mut, Confirm, Confirm;
    choice, choice_mut, Choose, Choice;
}
