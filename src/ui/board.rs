//! The whole frame: header, body (grid, compact list or a message), footer, and any popup over them.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use super::theme::Theme;
use super::{footer, grid, header};
use crate::app::{App, Mode};

/// Draws `app` into `buf` over `area`; returns where the terminal cursor should be (the filter input),
/// `None` to hide it. Pure: reads `app`, never a clock or the terminal.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return None;
    }
    let options = app.options();
    let theme = Theme::named(options.theme, options.color, options.symbols);
    let g = app.geometry_in(area);
    header::render(app, g.chrome.header, buf, theme);
    if app.visible().is_empty() {
        grid::message(buf, g.chrome.body, &empty_message(app, theme));
    } else {
        grid::render(app, &g, buf, theme);
    }
    let cursor = footer::render(app, g.chrome.footer, buf, theme, g.position());
    match app.mode() {
        Mode::Help => super::popup::help(app, area, buf, theme),
        Mode::Details => super::popup::details(app, area, buf, theme),
        Mode::Board | Mode::Filter => {}
    }
    if let Some(panel) = app.sign_in_panel() {
        super::signin::render(panel, &app.options().tz, area, buf, theme);
        return None;
    }
    cursor
}

/// Why the board is empty, and what to do.
fn empty_message(app: &App, theme: Theme) -> Vec<(String, Style)> {
    let sync = app.freshness();
    if !app.people().is_empty() {
        return vec![
            ("No one matches the filter.".to_owned(), theme.warning()),
            ("Esc clears it.".to_owned(), theme.muted()),
        ];
    }
    if sync.signed_out {
        return vec![
            ("Not signed in.".to_owned(), theme.error()),
            (
                "Set TEAMBOARD_ACCESS_TOKEN or run `teamboard login`.".to_owned(),
                Style::new(),
            ),
        ];
    }
    if let Some(error) = &sync.error {
        return vec![
            ("Could not read your team yet.".to_owned(), theme.warning()),
            (error.message.to_string(), Style::new()),
        ];
    }
    if sync.updated_at.is_some() {
        return vec![
            ("No teammates configured.".to_owned(), theme.warning()),
            (
                "Add [team] members or groups to the config (teamboard init writes one)."
                    .to_owned(),
                Style::new(),
            ),
        ];
    }
    vec![("Looking up your team…".to_owned(), theme.muted())]
}
