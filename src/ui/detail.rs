//! The detail popup, drawn from the core's detail lines (`app::popup::detail`) in the theme's styles.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::popup::{draw, styled};
use super::theme::Theme;

pub use crate::app::popup::detail::local_time;

/// The detail popup for one person: the core's details, drawn in the theme's styles.
pub struct Detail<'a> {
    pub model: crate::app::popup::detail::Detail<'a>,
    pub theme: Theme,
    /// First content row shown; clamped when drawn (see `app::popup::max_scroll`).
    pub scroll: u16,
}

/// Built by hand in tests; the board builds its popup from the App.
#[cfg(test)]
impl<'a> Detail<'a> {
    /// `person`'s name and presence alone: no roster entry, history or calendar. `now` and `tz` are
    /// the App's (the UI never reads a clock).
    pub fn new(
        person: &'a crate::app::person::Person,
        theme: Theme,
        tz: &'a jiff::tz::TimeZone,
        now: jiff::Timestamp,
    ) -> Self {
        Self {
            model: crate::app::popup::detail::Detail {
                person,
                profile: None,
                tz,
                now,
                symbols: theme.symbols,
                today: None,
                watched: false,
                calendar: None,
            },
            theme,
            scroll: 0,
        }
    }

    /// How far the content can scroll when drawn in `area` (the whole screen); the board asks
    /// `app::popup::max_scroll`.
    pub fn max_scroll(&self, area: Rect) -> u16 {
        let (_, inner, lines) = self.model.layout(area);
        crate::app::popup::scroll_room(lines.len(), inner)
    }
}

impl Widget for &Detail<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (outer, _, lines) = self.model.layout(area);
        draw(
            buf,
            outer,
            self.theme,
            (" Details ", " esc closes "),
            &styled(&lines, self.theme),
            self.scroll,
        );
    }
}

#[cfg(test)]
mod calendar_tests;
#[cfg(test)]
mod tests;
