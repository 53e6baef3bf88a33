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
    detail.calendar = app.calendar_view(&person.id);
    detail.scroll = app.popup_scroll();
    (&detail).render(area, buf);
}

/// How far the open popup can scroll at `area` (the core clamps its scroll with this).
pub fn max_scroll(app: &App, area: Rect) -> u16 {
    let options = app.options();
    let theme = Theme::named(options.theme, options.color, options.symbols);
    match app.mode() {
        crate::app::Mode::Help => Help::new(app.keymap(), theme).max_scroll(area),
        crate::app::Mode::Details => app.selected().map_or(0, |p| {
            let mut detail = Detail::new(p, theme, app.tz(), app.now().utc);
            detail.profile = app.profile(&p.id);
            detail.calendar = app.calendar_view(&p.id);
            detail.max_scroll(area)
        }),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;
    use ratatui::buffer::{CellDiffOption, CellWidth};
    use ratatui::style::Style;

    use super::*;
    use crate::app::person::Person;
    use crate::config::Symbols;
    use crate::graph::model::{User, UserId};
    use crate::ui::paint::{put, run};

    /// Wide characters, emoji and Devanagari at every offset, so popup edges cut them everywhere.
    fn wide_board(area: Rect) -> Buffer {
        let mut buf = Buffer::empty(area);
        for y in area.top()..area.bottom() {
            let text = format!(
                "{}日本語のテキスト 🙂 दीपिका पटेल 中文 출장 중 東京",
                " ".repeat(usize::from(y % 3))
            );
            let row = Rect::new(area.x, y, area.width, 1);
            put(&mut buf, row, &[run(text.repeat(4), Style::new())]);
        }
        buf
    }

    /// The popup's outer rectangle, found by its corners.
    fn popup_rect(buf: &Buffer) -> Rect {
        let find = |symbol: &str| {
            buf.area
                .positions()
                .find(|p| buf[*p].symbol() == symbol)
                .unwrap_or_else(|| panic!("no {symbol} on screen"))
        };
        let (top_left, bottom_right) = (find("┌"), find("┘"));
        Rect::new(
            top_left.x,
            top_left.y,
            bottom_right.x - top_left.x + 1,
            bottom_right.y - top_left.y + 1,
        )
    }

    /// Cell by cell as ratatui hands them to the terminal: no character starts on one side of a popup
    /// edge and ends on the other, and no reserved cell is left without the unit that owns it.
    fn assert_edges_whole(buf: &Buffer, what: &str) {
        let popup = popup_rect(buf);
        for y in popup.top()..popup.bottom() {
            let mut x = buf.area.left();
            while x < buf.area.right() {
                let cell = &buf[(x, y)];
                assert_ne!(
                    cell.diff_option,
                    CellDiffOption::Skip,
                    "{what}: a reserved cell at ({x},{y}) lost its owner"
                );
                let end = x + cell.cell_width().max(1);
                for edge in [popup.left(), popup.right()] {
                    assert!(
                        !(x < edge && end > edge),
                        "{what}: {:?} at ({x},{y}) straddles the popup edge at {edge}",
                        cell.symbol()
                    );
                }
                x = end;
            }
            assert_eq!(buf[(popup.left(), y)].symbol().chars().count(), 1);
        }
    }

    #[test]
    fn popups_blank_the_wide_characters_their_edges_cut() {
        let theme = Theme::new(false, Symbols::Unicode);
        let keymap = crate::app::keymap::Keymap::defaults();
        let user = User {
            id: UserId::new("u1"),
            display_name: Some("山本 花子 🇯🇵".into()),
            user_principal_name: Some("hanako@contoso.com".into()),
            mail: None,
            job_title: None,
            department: None,
        };
        let person = Person::from_user(&user);
        let tz = TimeZone::UTC;
        let now = jiff::Timestamp::from_second(1_714_996_990).unwrap();
        for width in 60..100 {
            let area = Rect::new(0, 0, width, 30);
            let mut buf = wide_board(area);
            (&Help::new(&keymap, theme)).render(area, &mut buf);
            assert_edges_whole(&buf, &format!("help at {width}"));
            let mut buf = wide_board(area);
            (&Detail::new(&person, theme, &tz, now)).render(area, &mut buf);
            assert_edges_whole(&buf, &format!("details at {width}"));
        }
    }
}
