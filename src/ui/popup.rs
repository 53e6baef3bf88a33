//! Popups over the board: help and details, drawn by their own widgets at the scroll the core keeps.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::detail::Detail;
use super::help::Help;
use super::theme::Theme;
use crate::app::App;

pub fn help(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let mut help = Help::new(app.keymap(), theme);
    help.scroll = app.popup_scroll();
    (&help).render(area, buf);
}

pub fn details(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let Some(person) = app.selected() else { return };
    let mut detail = Detail::new(person, theme, app.tz(), app.now().utc);
    detail.profile = app.profile(&person.id);
    detail.scroll = app.popup_scroll();
    (&detail).render(area, buf);
}

/// How far the open popup can scroll at `area` (the core clamps its scroll with this).
pub fn max_scroll(app: &App, area: Rect) -> u16 {
    let theme = Theme::new(app.options().color, app.options().symbols);
    match app.mode() {
        crate::app::Mode::Help => Help::new(app.keymap(), theme).max_scroll(area),
        crate::app::Mode::Details => app.selected().map_or(0, |p| {
            let mut detail = Detail::new(p, theme, app.tz(), app.now().utc);
            detail.profile = app.profile(&p.id);
            detail.max_scroll(area)
        }),
        _ => 0,
    }
}
