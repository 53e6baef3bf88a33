//! The user-bindable commands: config names, help descriptions and footer labels in one list.

/// What a user can bind a key to. Kept small and apart from the App's internal messages: a key
/// becomes a `Command`, the App turns it into state changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Left,
    Down,
    Up,
    Right,
    RowStart,
    RowEnd,
    First,
    Last,
    You,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    Filter,
    Details,
    CycleSort,
    Refresh,
    Redraw,
    Help,
    Quit,
}

/// The config name that removes a binding: `"g g" = "none"`.
pub const UNBIND: &str = "none";

struct Info {
    command: Command,
    name: &'static str,
    description: &'static str,
    label: &'static str,
}

/// The one command list: help rows, footer hints, config names and the default file all follow it,
/// in this order.
const INFO: &[Info] = &[
    info(Command::Left, "move_left", "Move left", "left"),
    info(Command::Down, "move_down", "Move down a row", "down"),
    info(Command::Up, "move_up", "Move up a row", "up"),
    info(Command::Right, "move_right", "Move right", "right"),
    info(
        Command::RowStart,
        "row_start",
        "Go to the start of the row",
        "row start",
    ),
    info(
        Command::RowEnd,
        "row_end",
        "Go to the end of the row",
        "row end",
    ),
    info(Command::First, "first", "Go to the first person", "first"),
    info(Command::Last, "last", "Go to the last person", "last"),
    info(Command::You, "you", "Go to your own card", "you"),
    info(
        Command::HalfPageDown,
        "half_page_down",
        "Down half a page",
        "half page down",
    ),
    info(
        Command::HalfPageUp,
        "half_page_up",
        "Up half a page",
        "half page up",
    ),
    info(Command::PageDown, "page_down", "Down a page", "page down"),
    info(Command::PageUp, "page_up", "Up a page", "page up"),
    info(
        Command::Filter,
        "filter",
        "Filter the board (Enter keeps it, Esc clears it)",
        "filter",
    ),
    info(
        Command::Details,
        "details",
        "Show every detail of the selected person",
        "details",
    ),
    info(
        Command::CycleSort,
        "cycle_sort",
        "Cycle the sort order (the footer shows it)",
        "sort",
    ),
    info(Command::Refresh, "refresh", "Refresh now", "refresh"),
    info(
        Command::Redraw,
        "redraw",
        "Repaint the whole screen",
        "redraw",
    ),
    info(Command::Help, "help", "Show or hide this help", "help"),
    info(
        Command::Quit,
        "quit",
        "Close the popup, or quit (ctrl-c always quits)",
        "quit",
    ),
];

/// Keys no `[keys]` entry can change, with what they do: help lists them after the commands.
pub const FIXED_KEYS: &[(&str, &str)] = &[
    ("esc", "Close the popup, or clear a kept filter"),
    ("ctrl-z", "Suspend; `fg` in the shell brings the board back"),
    ("ctrl-c", "Quit from anywhere"),
];

const fn info(
    command: Command,
    name: &'static str,
    description: &'static str,
    label: &'static str,
) -> Info {
    Info {
        command,
        name,
        description,
        label,
    }
}

impl Command {
    pub const ALL: [Command; 20] = [
        Command::Left,
        Command::Down,
        Command::Up,
        Command::Right,
        Command::RowStart,
        Command::RowEnd,
        Command::First,
        Command::Last,
        Command::You,
        Command::HalfPageDown,
        Command::HalfPageUp,
        Command::PageDown,
        Command::PageUp,
        Command::Filter,
        Command::Details,
        Command::CycleSort,
        Command::Refresh,
        Command::Redraw,
        Command::Help,
        Command::Quit,
    ];

    fn info(self) -> &'static Info {
        // INFO lists every command in `ALL` order (tested), so the index is the position.
        &INFO[self as usize]
    }

    /// The `snake_case` name used in the config's `[keys]` table.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The sentence shown in help.
    pub fn description(self) -> &'static str {
        self.info().description
    }

    /// A word or two for the footer.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// The command a config name stands for (exact, `snake_case`).
    pub fn from_name(name: &str) -> Option<Command> {
        INFO.iter().find(|i| i.name == name).map(|i| i.command)
    }

    /// Every config name, for the error that lists them.
    pub fn names() -> impl Iterator<Item = &'static str> {
        INFO.iter().map(|i| i.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_follows_the_enum_order_and_names_round_trip() {
        assert_eq!(INFO.len(), Command::ALL.len());
        for (i, c) in Command::ALL.into_iter().enumerate() {
            assert_eq!(INFO[i].command, c);
            assert_eq!(c as usize, i);
            assert_eq!(Command::from_name(c.name()), Some(c));
            assert!(!c.description().is_empty() && !c.label().is_empty());
        }
        assert_eq!(Command::from_name("page_down"), Some(Command::PageDown));
        assert_eq!(Command::from_name("Move_Left"), None);
        assert_eq!(Command::from_name(UNBIND), None);
    }
}
