//! Colours and emphasis, in one place. Colour follows availability as Teams draws it and is never the
//! only signal: every state has a symbol and a word too. Under `NO_COLOR` only modifiers remain.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::config::Symbols;
use crate::graph::model::Status;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub symbols: Symbols,
}

/// Teams' purple for out of office.
const PURPLE: Color = Color::Magenta;

impl Theme {
    pub fn new(color: bool, symbols: Symbols) -> Self {
        Self { color, symbols }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The colour of an availability group.
    pub fn status(self, status: Status) -> Style {
        self.fg(match status {
            Status::Available => Color::Green,
            Status::Busy | Status::DoNotDisturb => Color::Red,
            Status::Away => Color::Yellow,
            Status::Offline => Color::Gray,
            Status::Unknown => Color::DarkGray,
        })
    }

    pub fn out_of_office(self) -> Style {
        self.fg(PURPLE)
    }

    pub fn name(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn status_message(self) -> Style {
        Style::new().add_modifier(Modifier::ITALIC)
    }

    /// Secondary text: ages, places, counts' zeroes.
    pub fn muted(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// A person whose presence Graph left out of the last answer.
    pub fn stale(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn border(self) -> Style {
        self.muted()
    }

    /// The selected card's border (also drawn thick, so it shows without colour).
    pub fn selected_border(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A card that just changed: its name is drawn reversed for a moment.
    pub fn flash(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// The selected row of the compact list.
    pub fn selected_row(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn warning(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Card borders: rounded, thick when selected; plain ASCII under `symbols = "ascii"`.
    pub fn border_set(self, selected: bool) -> border::Set<'static> {
        match (self.symbols, selected) {
            (Symbols::Unicode, false) => border::ROUNDED,
            (Symbols::Unicode, true) => border::THICK,
            (Symbols::Ascii, false) => ASCII_BORDER,
            (Symbols::Ascii, true) => ASCII_SELECTED,
        }
    }

    /// Between two words on one line ("Busy · In a call").
    pub fn separator(self) -> &'static str {
        match self.symbols {
            Symbols::Unicode => " · ",
            Symbols::Ascii => " - ",
        }
    }

    pub fn section(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const ASCII_SELECTED: border::Set<'static> = border::Set {
    top_left: "#",
    top_right: "#",
    bottom_left: "#",
    bottom_right: "#",
    vertical_left: "#",
    vertical_right: "#",
    horizontal_top: "=",
    horizontal_bottom: "=",
};
