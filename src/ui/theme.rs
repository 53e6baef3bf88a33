//! Colours and emphasis, in one place. Colour follows availability as Teams draws it and is never the
//! only signal: every state has a symbol and a word too. Three themes, each within the 16 colours every
//! terminal has: `dark` and `light` for the background they are read on, `mono` (and `NO_COLOR`)
//! with modifiers only.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::config::{Symbols, ThemeName};
use crate::graph::model::Status;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// False in `mono` and under `NO_COLOR`.
    pub color: bool,
    pub symbols: Symbols,
    /// Colours for a light background: no yellow, white, pale grey or bright text.
    light: bool,
}

/// Teams' purple for out of office.
const PURPLE: Color = Color::Magenta;

impl Theme {
    /// The dark theme, or no colour at all.
    pub fn new(color: bool, symbols: Symbols) -> Self {
        Self {
            color,
            symbols,
            light: false,
        }
    }

    /// The theme `[ui] theme` names; `color` false (`NO_COLOR`) wins over it.
    pub fn named(name: ThemeName, color: bool, symbols: Symbols) -> Self {
        Self {
            color: color && name != ThemeName::Mono,
            symbols,
            light: name == ThemeName::Light,
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// `dark` on a dark background, `light` on a light one.
    fn pick(self, dark: Color, light: Color) -> Style {
        self.fg(if self.light { light } else { dark })
    }

    /// A calendar slot as Teams' scheduling view draws it: busy blue, tentative light blue, out of
    /// office purple, working elsewhere cyan, free plain.
    pub fn slot(self, slot: crate::graph::schedule::Slot) -> Style {
        use crate::graph::schedule::Slot;
        match slot {
            Slot::Busy => self.fg(Color::Blue),
            Slot::Tentative => self.pick(Color::LightBlue, Color::Blue),
            Slot::OutOfOffice => self.fg(PURPLE),
            Slot::WorkingElsewhere => self.fg(Color::Cyan),
            Slot::Free | Slot::Unknown => self.muted(),
        }
    }

    /// The colour of an availability group.
    pub fn status(self, status: Status) -> Style {
        match status {
            Status::Available => self.fg(Color::Green),
            Status::Busy | Status::DoNotDisturb => self.fg(Color::Red),
            // Yellow and light grey are hard to read on white (xterm's yellow is #cdcd00).
            Status::Away => self.pick(Color::Yellow, Color::Blue),
            Status::Offline => self.pick(Color::Gray, Color::DarkGray),
            Status::Unknown => self.pick(Color::DarkGray, Color::Reset),
        }
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
        self.pick(Color::Cyan, Color::Blue)
            .add_modifier(Modifier::BOLD)
    }

    /// A card that just changed: its name is drawn reversed for a moment.
    /// The watch list's mark: it must stand out from the name beside it, in any theme.
    pub fn watched(self) -> Style {
        match (self.color, self.light) {
            (false, _) => Style::new().add_modifier(Modifier::BOLD),
            (true, false) => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            (true, true) => Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
        }
    }

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
        self.pick(Color::Yellow, Color::Red)
            .add_modifier(Modifier::BOLD)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(theme: Theme) -> Vec<Style> {
        let mut all: Vec<Style> = Status::ALL.iter().map(|s| theme.status(*s)).collect();
        all.extend([
            theme.out_of_office(),
            theme.name(),
            theme.status_message(),
            theme.muted(),
            theme.stale(),
            theme.border(),
            theme.selected_border(),
            theme.flash(),
            theme.selected_row(),
            theme.title(),
            theme.warning(),
            theme.error(),
            theme.key(),
            theme.section(),
        ]);
        all
    }

    fn is_basic(color: Color) -> bool {
        !matches!(color, Color::Rgb(..) | Color::Indexed(_))
    }

    #[test]
    fn every_theme_stays_within_16_colours_and_light_avoids_pale_text() {
        for name in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
            for style in styles(Theme::named(name, true, Symbols::Unicode)) {
                assert!(style.fg.is_none_or(is_basic), "{name:?}: {style:?}");
                assert!(
                    style.bg.is_none(),
                    "{name:?} paints no background: {style:?}"
                );
            }
        }
        for style in styles(Theme::named(ThemeName::Light, true, Symbols::Unicode)) {
            let fg = style.fg.unwrap_or(Color::Reset);
            assert!(
                matches!(
                    fg,
                    Color::Reset
                        | Color::Black
                        | Color::Red
                        | Color::Green
                        | Color::Blue
                        | Color::Magenta
                        | Color::DarkGray
                ),
                "unreadable on a light background: {style:?}"
            );
        }
        // Light tells the states apart as dark does.
        let light = Theme::named(ThemeName::Light, true, Symbols::Unicode);
        assert_ne!(light.status(Status::Away), light.status(Status::Busy));
        assert_ne!(
            light.status(Status::Available),
            light.status(Status::Offline)
        );
    }

    #[test]
    fn mono_and_no_color_use_modifiers_only() {
        for theme in [
            Theme::named(ThemeName::Mono, true, Symbols::Unicode),
            Theme::named(ThemeName::Light, false, Symbols::Unicode),
            Theme::named(ThemeName::Dark, false, Symbols::Ascii),
        ] {
            assert!(!theme.color);
            for style in styles(theme) {
                assert_eq!(style.fg, None, "{style:?}");
            }
        }
    }
}
