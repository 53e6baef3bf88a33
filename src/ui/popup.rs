//! Popups over the board: help and details, drawn by their own widgets at the scroll the core keeps,
//! in a frame drawn here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Widget};

use super::detail::Detail;
use super::help::Help;
use super::paint::{Run, put, run};
use super::theme::Theme;
use crate::app::App;
use crate::app::popup::{Line, Tone, inner_of};
use crate::config::Symbols;
use crate::text::fit;

pub fn help(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let mut help = Help::new(app.keymap(), theme);
    help.scroll = app.popup_scroll();
    (&help).render(area, buf);
}

pub fn details(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    let Some(person) = app.selected() else { return };
    let detail = Detail {
        model: crate::app::popup::detail::Detail::of(app, person),
        theme,
        scroll: app.popup_scroll(),
    };
    (&detail).render(area, buf);
}

/// The theme's style for a tone of popup text.
fn style(tone: Tone, theme: Theme) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Name => theme.name(),
        Tone::Muted => theme.muted(),
        Tone::Warning => theme.warning(),
        Tone::Key => theme.key(),
        Tone::Section => theme.section(),
        Tone::Status(status) => theme.status(status),
        Tone::OutOfOffice => theme.out_of_office(),
        Tone::StatusMessage => theme.status_message(),
        Tone::Watched => theme.watched(),
        Tone::Slot(slot) => theme.slot(slot),
        Tone::SlotNow(slot) => theme
            .slot(slot)
            .add_modifier(ratatui::style::Modifier::REVERSED),
    }
}

/// The core's popup lines as runs in the theme's styles.
pub(super) fn styled<'a>(lines: &'a [Line<'a>], theme: Theme) -> Vec<Vec<Run<'a>>> {
    lines
        .iter()
        .map(|line| {
            line.iter()
                .map(|(text, tone)| run(text.as_ref(), style(*tone, theme)))
                .collect()
        })
        .collect()
}

/// Clears `outer`, draws its border and titles when there is room, and writes `lines` from `scroll`
/// into the content area, marking the bottom border when more lies below.
pub(super) fn draw(
    buf: &mut Buffer,
    outer: Rect,
    theme: Theme,
    titles: (&str, &str),
    lines: &[Vec<Run<'_>>],
    scroll: u16,
) {
    let outer = outer.intersection(buf.area);
    if outer.is_empty() {
        return;
    }
    super::paint::clear_for_popup(buf, outer);
    let inner = inner_of(outer);
    let visible = usize::from(inner.height);
    let scroll = usize::from(scroll).min(lines.len().saturating_sub(visible));
    if inner != outer {
        let room = usize::from(outer.width.saturating_sub(4));
        let more = lines.len() > scroll + visible;
        let arrow = match (more, theme.symbols) {
            (false, _) => "",
            (true, Symbols::Unicode) => "↓ more ",
            (true, Symbols::Ascii) => "v more ",
        };
        // When both do not fit, "more" matters more than how to close.
        let bottom = format!("{}{arrow}", titles.1);
        let bottom = if crate::text::width(&bottom) > room && !arrow.is_empty() {
            format!(" {arrow}")
        } else {
            bottom
        };
        let block = Block::bordered()
            .border_style(theme.border())
            .title_top(fit(titles.0, room).into_owned())
            .title_bottom(fit(&bottom, room).into_owned())
            .title_style(theme.title());
        block.render(outer, buf);
    }
    for (i, line) in lines.iter().skip(scroll).take(visible).enumerate() {
        let row = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
        put(buf, row, line);
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
