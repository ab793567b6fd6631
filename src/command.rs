//! The user's vocabulary: every command a key can run, its name in the
//! keymap file and the sentence the help shows. Shared by the keymap
//! (config), the state machine (app) and the help (ui), so it sits below all three.

/// A user intent, named in the keymap TOML (`"down"`, `"filter"`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Filter,
    PrefixSearch,
    GoTo,
    ClearFilter,
    Details,
    SortNext,
    SortReverse,
    Refresh,
    Help,
    Quit,
    Accept,
    Cancel,
    Attach,
    Edit,
    Detach,
    NextField,
    PrevField,
    Reveal,
    Yes,
    No,
    Mark,
    Download,
    Upload,
    CopyMarked,
    Paste,
    Transfers,
    TransfersFull,
    PauseResume,
    CancelTransfer,
    Retry,
    MoveUp,
    MoveDown,
    PauseAll,
    ClearFinished,
    SaveCap,
    Discard,
    Complete,
    Skip,
    Overwrite,
    KeepBoth,
    IfDifferent,
    Preview,
    EditMetadata,
    EditHeaders,
    /// Edit the blob's index tags.
    EditTags,
    /// One change (tier, headers, metadata, tags) or deletion for the marked blobs.
    BulkChange,
    Policies,
    PoliciesAdd,
    PoliciesEdit,
    PoliciesDelete,
    PoliciesSave,
    PoliciesReload,
    Find,
    /// Find Blobs by Tags in the container.
    FindTags,
    Sizes,
    SizesFiltered,
    SizesInventory,
    Sync,
    SyncDirection,
    SyncMirror,
    NewContainer,
    Delete,
    Rename,
    Permissions,
    Tier,
    PublicAccess,
    Sas,
    BreakLease,
    Handoff,
    Cors,
    Diagnose,
    Settings,
    SettingsEdit,
    SettingsSave,
    SettingsUndo,
    SettingsReload,
    Lifecycle,
    LifecycleEdit,
    LifecycleAdd,
    LifecycleDelete,
    LifecycleToggle,
    LifecycleDryRun,
    CorsAdd,
    CorsEdit,
    CorsDuplicate,
    CorsDelete,
    CorsRuleUp,
    CorsRuleDown,
    CorsSave,
    CorsUndo,
    CorsPresets,
    CorsTest,
    CorsExport,
    CorsImport,
    CorsReload,
    ToggleReadonly,
    Bookmark,
    Bookmarks,
    SetCap,
    ExportReport,
    History,
    HistorySnapshot,
    HistoryPromote,
    HistoryDelete,
    ShowDeleted,
    Undelete,
    ScrollLeft,
    ScrollRight,
    FocusNext,
    FocusPrev,
    MarkAll,
    ClearMarks,
    InvertMarks,
    Activity,
    CopyLine,
}

/// Name in the keymap file and the sentence the help screen shows.
pub const COMMANDS: &[(Command, &str, &str)] = &[
    (Command::Up, "up", "Move up"),
    (Command::Down, "down", "Move down"),
    (Command::PageUp, "page_up", "Move up one page"),
    (Command::PageDown, "page_down", "Move down one page"),
    (Command::Top, "top", "Go to the first row"),
    (Command::Bottom, "bottom", "Go to the last row"),
    (
        Command::Open,
        "open",
        "Open the account, container or folder",
    ),
    (Command::Back, "back", "Go up one level"),
    (Command::Filter, "filter", "Fuzzy-filter the loaded rows"),
    (
        Command::PrefixSearch,
        "prefix_search",
        "Search by name prefix on the server",
    ),
    (
        Command::GoTo,
        "goto",
        "Go to a location: az://container/path, abfss://…, https://… or a pasted SAS URL",
    ),
    (
        Command::ClearFilter,
        "clear_filter",
        "Close the preview; end a find, search or filter",
    ),
    (Command::Details, "details", "Show or hide the details pane"),
    (Command::SortNext, "sort", "Sort by name, size, modified"),
    (
        Command::SortReverse,
        "reverse_sort",
        "Reverse the sort order",
    ),
    (Command::Refresh, "refresh", "Reload the current listing"),
    (Command::Help, "help", "Show or hide this help"),
    (
        Command::Accept,
        "accept",
        "Keep the filter / run the search",
    ),
    (Command::Cancel, "cancel", "Close the prompt or form"),
    (Command::Attach, "attach", "Attach an account"),
    (Command::Edit, "edit", "Edit or rename the selected account"),
    (Command::Detach, "detach", "Detach the selected account"),
    (Command::NextField, "next_field", "Next field"),
    (Command::PrevField, "prev_field", "Previous field"),
    (Command::Reveal, "reveal", "Show or mask secrets"),
    (Command::Yes, "yes", "Yes"),
    (Command::No, "no", "No"),
    (Command::Mark, "mark", "Mark or unmark for download or copy"),
    (
        Command::Download,
        "download",
        "Download the marked (or selected) blobs and folders",
    ),
    (
        Command::Upload,
        "upload",
        "Upload a local file or folder here",
    ),
    (
        Command::CopyMarked,
        "copy",
        "Copy the marked blobs (paste them elsewhere, server-side)",
    ),
    (
        Command::Paste,
        "paste",
        "Paste copied blobs here (server-side copy)",
    ),
    (
        Command::Transfers,
        "transfers",
        "Show, focus or hide the transfers pane",
    ),
    (
        Command::TransfersFull,
        "transfers_full",
        "Transfers pane full screen",
    ),
    (
        Command::PauseResume,
        "pause",
        "Pause or resume the selected transfer",
    ),
    (
        Command::CancelTransfer,
        "cancel_transfer",
        "Cancel the selected transfer",
    ),
    (Command::Retry, "retry", "Retry the selected transfer"),
    (
        Command::MoveUp,
        "move_up",
        "Move the queued transfer earlier",
    ),
    (
        Command::MoveDown,
        "move_down",
        "Move the queued transfer later",
    ),
    (
        Command::ScrollLeft,
        "scroll_left",
        "Scroll the preview left",
    ),
    (
        Command::ScrollRight,
        "scroll_right",
        "Scroll the preview right (columns)",
    ),
    (
        Command::PauseAll,
        "pause_all",
        "Pause or resume all transfers",
    ),
    (
        Command::ClearFinished,
        "clear_finished",
        "Clear the finished rows (done, skipped, cancelled)",
    ),
    (
        Command::SaveCap,
        "save_cap",
        "Keep the bandwidth cap for the next start (config.toml)",
    ),
    (
        Command::Discard,
        "discard",
        "Discard: forget the transfers and delete their .part files",
    ),
    (Command::Complete, "complete", "Complete the path"),
    (Command::Skip, "skip", "Skip existing targets"),
    (
        Command::Overwrite,
        "overwrite",
        "Overwrite existing targets",
    ),
    (
        Command::KeepBoth,
        "keep_both",
        "Keep both (write as name (1).ext)",
    ),
    (
        Command::IfDifferent,
        "if_different",
        "Overwrite only if the size differs",
    ),
    (
        Command::Preview,
        "preview",
        "Preview text, JSON, CSV, Parquet, images",
    ),
    (
        Command::Find,
        "find",
        "Find below this folder: glob (**/*.csv), /regex/ or text",
    ),
    (
        Command::Sizes,
        "sizes",
        "Count sizes: every subfolder here (or every container), by bytes; o sorts by size; after Alt-Z or I, back to the live count",
    ),
    (
        Command::SizesFiltered,
        "sizes_filtered",
        "Count sizes of only what a pattern and filter words take (min:1MiB after:7d …); kept apart from the live count",
    ),
    (
        Command::SizesInventory,
        "sizes_inventory",
        "Sizes from the latest Blob Inventory report (accounts too big to list; on Entra ID accounts: their rules, or add one)",
    ),
    (
        Command::Sync,
        "sync",
        "Sync this folder with a local folder or another container folder: the plan is shown before anything moves",
    ),
    (
        Command::SyncDirection,
        "sync_direction",
        "Turn the direction round (upload ↔ download, or which container is the source) and compare again",
    ),
    (
        Command::SyncMirror,
        "sync_mirror",
        "Also delete what is only on the target side (asked first)",
    ),
    (
        Command::EditMetadata,
        "edit_metadata",
        "Edit the blob's metadata",
    ),
    (
        Command::Policies,
        "policies",
        "Stored access policies of the container",
    ),
    (
        Command::PoliciesAdd,
        "policies_add",
        "Add a stored access policy",
    ),
    (
        Command::PoliciesEdit,
        "policies_edit",
        "Edit the selected policy",
    ),
    (
        Command::PoliciesDelete,
        "policies_delete",
        "Delete the selected policy (asks)",
    ),
    (
        Command::PoliciesSave,
        "policies_save",
        "Review the changes and save them",
    ),
    (
        Command::PoliciesReload,
        "policies_reload",
        "Read the policies from the service again",
    ),
    (
        Command::EditTags,
        "edit_tags",
        "Edit the blob's index tags (at most 10, key=value)",
    ),
    (
        Command::FindTags,
        "find_tags",
        "Find blobs by index tags below this folder (a tag query)",
    ),
    (
        Command::BulkChange,
        "bulk_change",
        "Change the marked blobs at once: tier, headers, metadata, tags, or delete",
    ),
    (
        Command::EditHeaders,
        "edit_headers",
        "Edit content type, cache control, content disposition",
    ),
    (Command::NewContainer, "new_container", "Create a container"),
    (
        Command::Delete,
        "delete",
        "Delete the container, or the marked blobs and folders",
    ),
    (
        Command::Rename,
        "rename",
        "Rename or move the blob (copy, verify, then delete)",
    ),
    (
        Command::Permissions,
        "permissions",
        "Permissions and ACL of the data lake file or folder (a folder's ACL applies below it too)",
    ),
    (Command::Tier, "tier", "Change the blob's access tier"),
    (
        Command::PublicAccess,
        "public_access",
        "Set the container's public access level",
    ),
    (
        Command::Sas,
        "sas",
        "Make a SAS URL (copied to the clipboard)",
    ),
    (Command::BreakLease, "break_lease", "Break the blob's lease"),
    (
        Command::Handoff,
        "handoff",
        "URLs and azcopy / az commands for the selection",
    ),
    (
        Command::Settings,
        "settings",
        "Account settings: soft delete, static website, logging, metrics",
    ),
    (
        Command::SettingsEdit,
        "settings_edit",
        "Turn the setting on or off, or type its value",
    ),
    (
        Command::SettingsSave,
        "settings_save",
        "Review the changes, then save them (y)",
    ),
    (Command::SettingsUndo, "settings_undo", "Undo the last save"),
    (
        Command::SettingsReload,
        "settings_reload",
        "Read the settings again",
    ),
    (
        Command::Lifecycle,
        "lifecycle",
        "Lifecycle rules of the account, and what they would do today",
    ),
    (
        Command::LifecycleEdit,
        "lifecycle_edit",
        "Edit the rule as one line (NAME prefix=… tag:K=V base.cool>30m …)",
    ),
    (Command::LifecycleAdd, "lifecycle_add", "Add a rule"),
    (
        Command::LifecycleDelete,
        "lifecycle_delete",
        "Remove the rule",
    ),
    (
        Command::LifecycleToggle,
        "lifecycle_toggle",
        "Turn the rule off or on",
    ),
    (
        Command::LifecycleDryRun,
        "lifecycle_dry_run",
        "Dry run: what these rules would move or delete today (lists the account)",
    ),
    (
        Command::Diagnose,
        "diagnose",
        "Why the account cannot be reached: proxy, name, connection, TLS, credentials",
    ),
    (
        Command::Cors,
        "cors",
        "CORS rules of the account: edit, test a preflight, save, undo",
    ),
    (Command::CorsAdd, "cors_add", "Add a CORS rule"),
    (
        Command::CorsEdit,
        "cors_edit",
        "Edit the selected rule; pick or confirm in lists",
    ),
    (
        Command::CorsDuplicate,
        "cors_duplicate",
        "Duplicate the selected rule",
    ),
    (
        Command::CorsDelete,
        "cors_delete",
        "Delete the selected rule",
    ),
    (
        Command::CorsRuleUp,
        "cors_rule_up",
        "Move the rule earlier (the first match decides)",
    ),
    (
        Command::CorsRuleDown,
        "cors_rule_down",
        "Move the rule later",
    ),
    (
        Command::CorsSave,
        "cors_save",
        "Review the changes, then save (only the CORS rules are written)",
    ),
    (Command::CorsUndo, "cors_undo", "Undo the last save"),
    (
        Command::CorsPresets,
        "cors_presets",
        "Presets: browser uploads, local development, copy from another account",
    ),
    (
        Command::CorsTest,
        "cors_test",
        "Test a rule: send the real preflight to the service",
    ),
    (
        Command::CorsExport,
        "cors_export",
        "Export the rules to a JSON file",
    ),
    (
        Command::CorsImport,
        "cors_import",
        "Import rules from a JSON file",
    ),
    (
        Command::CorsReload,
        "cors_reload",
        "Read the rules from the service again",
    ),
    (
        Command::ToggleReadonly,
        "toggle_readonly",
        "Mark the account read-only (or not)",
    ),
    (Command::Bookmark, "bookmark", "Bookmark this place"),
    (
        Command::Bookmarks,
        "bookmarks",
        "List bookmarks and jump to one",
    ),
    (
        Command::SetCap,
        "set_cap",
        "Bandwidth cap (Mb/s), changeable live",
    ),
    (
        Command::ExportReport,
        "export_report",
        "Export the transfers report as CSV",
    ),
    (
        Command::History,
        "history",
        "Snapshots and versions of the blob",
    ),
    (
        Command::HistorySnapshot,
        "history_snapshot",
        "Take a snapshot of the blob now",
    ),
    (
        Command::HistoryPromote,
        "history_promote",
        "Make this snapshot or version current",
    ),
    (
        Command::HistoryDelete,
        "history_delete",
        "Delete this snapshot or version",
    ),
    (
        Command::ShowDeleted,
        "show_deleted",
        "Show/hide deleted blobs; undelete one",
    ),
    (
        Command::Undelete,
        "undelete",
        "Undelete the selected deleted blob",
    ),
    (
        Command::FocusNext,
        "focus_next",
        "Focus the next pane (list, preview, transfers)",
    ),
    (Command::FocusPrev, "focus_prev", "Focus the previous pane"),
    (
        Command::MarkAll,
        "mark_all",
        "Mark every row shown (marks stay when you leave the folder)",
    ),
    (
        Command::ClearMarks,
        "clear_marks",
        "Clear all marks, in every folder",
    ),
    (
        Command::InvertMarks,
        "invert_marks",
        "Invert the marks of the rows shown",
    ),
    (
        Command::Activity,
        "activity",
        "Activity: changes made and requests that failed",
    ),
    (Command::CopyLine, "copy_line", "Copy the selected line"),
    (Command::Quit, "quit", "Quit blobx"),
];

impl Command {
    pub fn from_name(name: &str) -> Option<Self> {
        COMMANDS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(c, _, _)| *c)
    }

    pub fn name(self) -> &'static str {
        COMMANDS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("?")
    }

    /// Changes the service or may overwrite a local file: refused, and hidden
    /// from the help, in read-only mode.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Command::Upload
                | Command::Sync
                | Command::Paste
                | Command::Overwrite
                | Command::IfDifferent
                | Command::NewContainer
                | Command::EditMetadata
                | Command::EditHeaders
                | Command::EditTags
                | Command::BulkChange
                | Command::PoliciesAdd
                | Command::PoliciesEdit
                | Command::PoliciesDelete
                | Command::PoliciesSave
                | Command::Delete
                | Command::Rename
                | Command::Permissions
                | Command::Tier
                | Command::PublicAccess
                | Command::BreakLease
                | Command::CorsSave
                | Command::CorsUndo
                | Command::SettingsSave
                | Command::SettingsUndo
                | Command::HistorySnapshot
                | Command::HistoryPromote
                | Command::HistoryDelete
                | Command::Undelete
        )
    }

    /// The help sentence in a keymap section: one key can mean different
    /// things in different places (`J` reorders transfers, but scrolls a
    /// preview while browsing).
    pub fn description_in(self, section: &str) -> &'static str {
        match (section, self) {
            ("bookmarks", Command::Delete) => "Delete the bookmark",
            ("bookmarks", Command::Open) => "Jump to the bookmarked place",
            ("bookmarks" | "activity" | "history", Command::Cancel) => "Close",
            ("transfers", Command::Cancel) => "Back to the list (the pane stays)",
            ("preview", Command::Cancel) => "Back to the list (the preview stays)",
            ("preview", Command::Preview) => "Close the preview",
            ("preview", Command::Down) => "Scroll down a line",
            ("preview", Command::Up) => "Scroll up a line",
            ("help", Command::Help) => "Close the help",
            ("help", Command::Down) => "Scroll down",
            ("help", Command::Up) => "Scroll up",
            ("confirm", Command::No) => "No / cancel",
            ("choose", Command::Accept) => "Choose this one",
            ("ask" | "path", Command::Accept) => "Go ahead with what is typed",
            ("form", Command::Accept) => "Save the form",
            ("ask" | "path" | "form", Command::Cancel) => "Close without doing anything",
            ("cors" | "policies", Command::Cancel) => {
                "Close the editor or the open view (asks first if edits are unsaved)"
            }
            ("prompt", Command::Up) | ("prompt", Command::Down) => "Move in the list while typing",
            ("choose", Command::Cancel) => "Close without changing anything",
            ("global", Command::Help) => "Help for the pane in focus, then these keys",
            ("global", Command::Quit) => "Quit blobx (asks while transfers run)",
            ("normal" | "history", Command::MoveDown) => "Scroll the preview down",
            ("normal" | "history", Command::MoveUp) => "Scroll the preview up",
            _ => self.description(),
        }
    }

    pub fn description(self) -> &'static str {
        COMMANDS
            .iter()
            .find(|(c, _, _)| *c == self)
            .map(|(_, _, d)| *d)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_unique_name() {
        let mut names: Vec<_> = COMMANDS.iter().map(|(_, n, _)| *n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len());
        for (c, n, _) in COMMANDS {
            assert_eq!(Command::from_name(n), Some(*c));
        }
    }
}
