//! The compact list for small terminals: one line per person, symbol, name, availability, age.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::calendar_line::CalendarLine;
use super::card::age_label;
use super::paint::{fill, put, put_right, run};
use super::theme::Theme;
use crate::app::Now;
use crate::app::person::Person;
use crate::presence_style;
use crate::text::{fit, width};

/// Below this width the availability word is left out (the symbol still says it).
const WORD_MIN_WIDTH: u16 = 34;
/// Below this width calendar words are left out.
const CALENDAR_MIN_WIDTH: u16 = 48;

/// Whether a row this wide has room for the calendar's words (the grid skips making them otherwise).
pub fn shows_calendar(width: u16) -> bool {
    width >= CALENDAR_MIN_WIDTH
}

pub fn render(
    person: &Person,
    row: Rect,
    buf: &mut Buffer,
    theme: Theme,
    now: Now,
    (selected, me): (bool, bool),
    calendar: Option<&CalendarLine>,
) {
    if row.is_empty() {
        return;
    }
    let colour = theme.status(person.status);
    let symbol = if person.out_of_office {
        run(
            presence_style::symbol(person.status, true, theme.symbols),
            theme.out_of_office(),
        )
    } else {
        run(
            presence_style::symbol(person.status, false, theme.symbols),
            colour,
        )
    };
    let age = age_label(person, now);
    // The calendar's words only where the row has room to spare for them.
    let calendar = calendar
        .filter(|_| shows_calendar(row.width))
        .and_then(|c| c.fitted(usize::from(row.width / 3), theme.separator()));
    let age_width = age.as_deref().map_or(0, |a| width(a) as u16 + 1)
        + calendar.as_deref().map_or(0, |c| width(c) as u16 + 1);
    let word = (row.width >= WORD_MIN_WIDTH).then(|| person.availability.as_str());
    let word_width = word.map_or(0, |w| width(w).min(14) as u16 + 2);
    let you = if me { super::card::YOU } else { "" };
    let name_room = usize::from(row.width.saturating_sub(2 + age_width + word_width))
        .saturating_sub(width(you));
    let name_style = if person.is_flashing(now.instant) {
        theme.flash()
    } else {
        theme.name()
    };
    put(
        buf,
        row,
        &[
            symbol,
            run(" ", Style::new()),
            run(fit(person.name.as_str(), name_room), name_style),
            run(you, theme.muted()),
        ],
    );
    let right = Rect::new(row.x, row.y, row.width, 1);
    let mut tail = Vec::with_capacity(3);
    if let Some(word) = word {
        tail.push(run(fit(word, 14), colour));
    }
    if let Some(calendar) = calendar {
        tail.push(run(" ", Style::new()));
        tail.push(run(calendar, theme.muted()));
    }
    if let Some(age) = age {
        tail.push(run(" ", Style::new()));
        tail.push(run(age, theme.muted()));
    }
    if row.width > age_width + word_width + 4 {
        put_right(buf, right, &tail);
    }
    if person.stale {
        fill(buf, row, theme.stale());
    }
    if selected {
        fill(buf, row, theme.selected_row());
    }
}
