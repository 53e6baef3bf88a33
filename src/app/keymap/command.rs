//! The user-bindable commands. The enum is the one list: config names, help descriptions, footer
//! labels, help order and footer order all come from it.

use strum::{EnumProperty, IntoStaticStr, VariantArray};

/// What a user can bind a key to. Kept small and apart from the App's internal messages: a key
/// becomes a `Command`, the App turns it into state changes. Each variant carries its config name,
/// its help sentence (`help`), a word or two for the footer (`label`), and `footer` when the footer
/// hints at it; help and the footer list commands in this order.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    IntoStaticStr,
    EnumProperty,
    strum::EnumString,
)]
pub enum Command {
    #[strum(serialize = "move_left", props(help = "Move left", label = "left"))]
    Left,
    #[strum(
        serialize = "move_down",
        props(help = "Move down a row", label = "down")
    )]
    Down,
    #[strum(serialize = "move_up", props(help = "Move up a row", label = "up"))]
    Up,
    #[strum(serialize = "move_right", props(help = "Move right", label = "right"))]
    Right,
    #[strum(
        serialize = "row_start",
        props(help = "Go to the start of the row", label = "row start")
    )]
    RowStart,
    #[strum(
        serialize = "row_end",
        props(help = "Go to the end of the row", label = "row end")
    )]
    RowEnd,
    #[strum(
        serialize = "first",
        props(help = "Go to the first person", label = "first")
    )]
    First,
    #[strum(
        serialize = "last",
        props(help = "Go to the last person", label = "last")
    )]
    Last,
    #[strum(serialize = "you", props(help = "Go to your own card", label = "you"))]
    You,
    #[strum(
        serialize = "half_page_down",
        props(help = "Down half a page", label = "half page down")
    )]
    HalfPageDown,
    #[strum(
        serialize = "half_page_up",
        props(help = "Up half a page", label = "half page up")
    )]
    HalfPageUp,
    #[strum(
        serialize = "page_down",
        props(help = "Down a page", label = "page down")
    )]
    PageDown,
    #[strum(serialize = "page_up", props(help = "Up a page", label = "page up"))]
    PageUp,
    #[strum(
        serialize = "filter",
        props(
            help = "Filter the board (Enter keeps it, Esc clears it)",
            label = "filter",
            footer = "yes"
        )
    )]
    Filter,
    #[strum(
        serialize = "details",
        props(
            help = "Show every detail of the selected person",
            label = "details",
            footer = "yes"
        )
    )]
    Details,
    #[strum(
        serialize = "cycle_sort",
        props(
            help = "Cycle the sort order (the footer shows it)",
            label = "sort",
            footer = "yes"
        )
    )]
    CycleSort,
    #[strum(
        serialize = "refresh",
        props(help = "Refresh now", label = "refresh", footer = "yes")
    )]
    Refresh,
    #[strum(
        serialize = "redraw",
        props(help = "Repaint the whole screen", label = "redraw")
    )]
    Redraw,
    #[strum(
        serialize = "help",
        props(help = "Show or hide this help", label = "help", footer = "yes")
    )]
    Help,
    #[strum(
        serialize = "quit",
        props(
            help = "Close the popup, or quit (ctrl-c always quits)",
            label = "quit",
            footer = "yes"
        )
    )]
    Quit,
    #[strum(
        serialize = "watch",
        props(
            help = "Watch the selected person (an alert when free), or stop",
            label = "watch"
        )
    )]
    Watch,
    #[strum(
        serialize = "copy_mail",
        props(help = "Copy the selected person's mail address", label = "copy mail")
    )]
    CopyMail,
    #[strum(
        serialize = "copy_address",
        props(
            help = "Copy \"Name <mail>\" of the selected person",
            label = "copy name"
        )
    )]
    CopyAddress,
    #[strum(
        serialize = "chat",
        props(help = "Open a Teams chat with the selected person", label = "chat")
    )]
    Chat,
    #[strum(
        serialize = "call",
        props(help = "Open a Teams call with the selected person", label = "call")
    )]
    Call,
    #[strum(
        serialize = "mail",
        props(help = "Write a mail to the selected person", label = "mail")
    )]
    Mail,
    #[strum(
        serialize = "set_presence",
        props(help = "Set your availability, and for how long", label = "presence")
    )]
    SetPresence,
    #[strum(
        serialize = "set_message",
        props(help = "Set your status message, and until when", label = "message")
    )]
    SetMessage,
    #[strum(
        serialize = "set_location",
        props(
            help = "Set your work location: office, remote, time off",
            label = "location"
        )
    )]
    SetLocation,
}

/// The config name that removes a binding: `"g g" = "none"`.
pub const UNBIND: &str = "none";

/// Keys no `[keys]` entry can change, with what they do: help lists them after the commands.
pub const FIXED_KEYS: &[(&str, &str)] = &[
    ("esc", "Close the popup, or clear a kept filter"),
    ("ctrl-z", "Suspend; `fg` in the shell brings the board back"),
    ("ctrl-c", "Quit from anywhere"),
];

impl Command {
    /// Every command, in help order.
    pub const ALL: &[Command] = Command::VARIANTS;

    /// The `snake_case` name used in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The sentence shown in help.
    pub fn description(self) -> &'static str {
        self.get_str("help").unwrap_or_default()
    }

    /// A word or two for the footer.
    pub fn label(self) -> &'static str {
        self.get_str("label").unwrap_or_default()
    }

    /// Whether the footer hints at this command.
    pub fn in_footer(self) -> bool {
        self.get_str("footer").is_some()
    }

    /// The command a config name stands for (exact, `snake_case`).
    pub fn from_name(name: &str) -> Option<Command> {
        name.parse().ok()
    }

    /// Every config name, for the error that lists them.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(|c| c.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_described_and_its_name_round_trips() {
        for &c in Command::ALL {
            assert_eq!(Command::from_name(c.name()), Some(c));
            assert!(
                !c.description().is_empty() && !c.label().is_empty(),
                "{c:?}"
            );
        }
        assert_eq!(Command::from_name("page_down"), Some(Command::PageDown));
        assert_eq!(Command::from_name("Move_Left"), None);
        assert_eq!(Command::from_name(UNBIND), None);
        let names: std::collections::BTreeSet<_> = Command::names().collect();
        assert_eq!(names.len(), Command::ALL.len(), "config names are unique");
    }
}
