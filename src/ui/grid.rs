//! The body: section headers and the cards (or compact rows) on screen. Touches only what is on screen,
//! so drawing costs the same for 10 people or 10,000.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::calendar_line::CalendarLine;
use super::card::{self, CardContext};
use super::compact;
use super::paint::{put, run};
use super::theme::Theme;
use crate::app::App;
use crate::app::geometry::Geometry;
use crate::graph::model::Status;
use crate::presence_style;

pub fn render(app: &App, g: &Geometry, buf: &mut Buffer, theme: Theme) {
    for (section, row) in g.headers_on_screen() {
        let status = Status::ALL
            .get(section.key)
            .copied()
            .unwrap_or(Status::Unknown);
        let label = format!(" ({})", section.items.len());
        put(
            buf,
            row,
            &[
                run(
                    presence_style::symbol(status, false, theme.symbols),
                    theme.status(status),
                ),
                run(" ", Style::new()),
                run(presence_style::status_word(status), theme.section()),
                run(label, theme.muted()),
            ],
        );
    }
    let cursor = app.cursor();
    let me = app.me().map(|p| &p.id);
    for n in g.on_screen() {
        let (Some(person), Some(rect)) = (app.shown(n), g.item_rect(n)) else {
            continue;
        };
        let selected = cursor == Some(n);
        let is_me = me == Some(&person.id);
        // Made per frame for what is on screen, and only where a row has room to show it.
        let calendar = (!g.compact || compact::shows_calendar(rect.width))
            .then(|| app.calendar_view(&person.id))
            .flatten()
            .map(|v| CalendarLine::of(&v, person, app.now().utc, app.tz(), theme.symbols));
        if g.compact {
            compact::render(
                person,
                rect,
                buf,
                theme,
                app.now(),
                (selected, is_me),
                calendar.as_ref(),
            );
        } else {
            card::render(
                person,
                rect,
                buf,
                CardContext {
                    theme,
                    now: app.now(),
                    selected,
                    me: is_me,
                    watched: app.watch().is_watched(&person.id),
                    calendar: calendar.as_ref(),
                },
            );
        }
    }
}

/// A message centred in the body (no one to show).
pub fn message(buf: &mut Buffer, body: Rect, lines: &[(String, Style)]) {
    if body.is_empty() {
        return;
    }
    let top = body.y + body.height.saturating_sub(lines.len() as u16) / 2;
    for (n, (text, style)) in lines.iter().enumerate() {
        let y = top + n as u16;
        if y >= body.bottom() {
            break;
        }
        let w = (crate::text::width(text) as u16).min(body.width);
        let x = body.x + (body.width - w) / 2;
        put(
            buf,
            Rect::new(x, y, body.right() - x, 1),
            &[run(text.as_str(), *style)],
        );
    }
}
