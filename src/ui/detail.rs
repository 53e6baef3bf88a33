//! The detail popup, drawn from the core's detail lines (`app::popup::detail`) in the theme's styles.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::popup::{draw, styled};
use super::theme::Theme;
use crate::app::person::Person;
use crate::graph::model::User;

pub use crate::app::popup::detail::local_time;

/// The detail popup for one person. `now` and `tz` are the App's (the UI never reads a clock).
pub struct Detail<'a> {
    pub person: &'a Person,
    /// Their roster entry, for mail, job title and department (sanitized here, for the one shown).
    pub profile: Option<&'a User>,
    pub theme: Theme,
    /// The local time zone times are shown in (`TimeZone::system()` at start; UTC in tests).
    pub tz: &'a TimeZone,
    pub now: Timestamp,
    /// First content row shown; clamped when drawn (see `app::popup::max_scroll`).
    pub scroll: u16,
    /// Today's transitions this board saw.
    pub today: Option<String>,
    /// On the watch list.
    pub watched: bool,
    /// Their calendar, when calendars are on and it has been read.
    pub calendar: Option<crate::app::calendar::CalendarView<'a>>,
}

impl<'a> Detail<'a> {
    pub fn new(person: &'a Person, theme: Theme, tz: &'a TimeZone, now: Timestamp) -> Self {
        Self {
            person,
            profile: None,
            theme,
            tz,
            now,
            scroll: 0,
            today: None,
            watched: false,
            calendar: None,
        }
    }

    /// How far the content can scroll when drawn in `area` (the whole screen).
    pub fn max_scroll(&self, area: Rect) -> u16 {
        let (_, inner, lines) = self.layout(area);
        u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .saturating_sub(inner.height)
    }

    /// The popup, its content area and the content wrapped to it.
    pub fn layout(&self, area: Rect) -> (Rect, Rect, Vec<crate::app::popup::Line<'a>>) {
        self.model().layout(area)
    }

    fn model(&self) -> crate::app::popup::detail::Detail<'a> {
        crate::app::popup::detail::Detail {
            person: self.person,
            profile: self.profile,
            tz: self.tz,
            now: self.now,
            symbols: self.theme.symbols,
            today: self.today.clone(),
            watched: self.watched,
            calendar: self.calendar,
        }
    }
}

impl Widget for &Detail<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (outer, _, lines) = self.model().layout(area);
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
