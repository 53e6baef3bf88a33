//! The footer: the filter input while filtering; otherwise a notice, the last error, or key hints.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use super::paint::{Run, put, put_right, put_right_if_room, run, runs_width};
use super::theme::Theme;
use crate::app::{App, Mode};
use crate::config::{SortOrder, Symbols};
use crate::text::SafeText;
use crate::text::width;

/// Draws the footer; returns where the terminal cursor goes (in the filter input). `position` is the
/// part of the board on screen when not everyone fits (`Geometry::position`).
pub fn render(
    app: &App,
    area: Rect,
    buf: &mut Buffer,
    theme: Theme,
    position: Option<(usize, usize, usize)>,
) -> Option<Position> {
    if area.is_empty() {
        return None;
    }
    let filter = app.filter();
    let shown = app.visible().len();
    let total = app.people().len();
    let dash = match theme.symbols {
        crate::config::Symbols::Unicode => "–",
        crate::config::Symbols::Ascii => "-",
    };
    let count = match (filter.is_active(), position) {
        (true, _) if shown == 0 => "no one matches".to_owned(),
        (true, Some((first, last, of))) => format!("{first}{dash}{last} of {of} (of {total})"),
        (true, None) => format!("{shown} of {total}"),
        (false, Some((first, last, of))) => format!("{first}{dash}{last} of {of}"),
        (false, None) => String::new(),
    };
    if app.mode() == Mode::Filter {
        let problem = filter.problem().map(|p| SafeText::line(&p));
        let right = [
            run(
                count,
                if shown == 0 {
                    theme.warning()
                } else {
                    theme.muted()
                },
            ),
            run(" ", Style::new()),
        ];
        // An error in the query takes the place of the count, after the input, cut where it must be.
        let right = if problem.is_some() {
            &[][..]
        } else {
            &right[..]
        };
        let room = put_right_if_room(buf, area, right, 10);
        // The input scrolls so the cursor stays in view.
        let input = &filter.input;
        let field = usize::from(room.saturating_sub(2)).max(1);
        let scroll = input.visual_scroll(field);
        let value: String = input.value().chars().skip(scroll).collect();
        let visible_value = SafeText::line(&value);
        let mut runs = vec![
            run("/", theme.key()),
            run(visible_value.as_str(), Style::new()),
        ];
        if let Some(problem) = &problem {
            runs.push(run("  ", Style::new()));
            runs.push(run(problem.as_str(), theme.error()));
        }
        put(buf, Rect::new(area.x, area.y, room, 1), &runs);
        let cursor_x = area.x + 1 + (input.visual_cursor().saturating_sub(scroll)) as u16;
        return Some(Position::new(
            cursor_x.min(area.right().saturating_sub(1)),
            area.y,
        ));
    }

    let mut right: Vec<Run<'_>> = Vec::new();
    let pending = app.pending();
    if !pending.is_empty() {
        right.push(run(format!("{}…", pending.keys_text()), theme.key()));
    } else if filter.is_active() {
        right.push(run(
            format!("/{}", SafeText::line(filter.input.value())),
            theme.key(),
        ));
        right.push(run(
            format!(" {count}"),
            if shown == 0 {
                theme.warning()
            } else {
                theme.muted()
            },
        ));
    } else if !count.is_empty() {
        right.push(run(count, theme.muted()));
    }
    // The order in force stays in sight, not only until the next key; short, so key hints keep room.
    let order = match app.sort() {
        SortOrder::Availability => "avail",
        SortOrder::Name => "name",
        SortOrder::Recent => "recent",
        SortOrder::Free => "free",
    };
    let marker = match theme.symbols {
        Symbols::Unicode => "⇅",
        Symbols::Ascii => "sort:",
    };
    right.push(run(format!(" {marker}{order}"), theme.muted()));
    right.push(run(" ", Style::new()));
    let right_width = runs_width(&right) as u16;
    // Where the screen is matters more than key hints in a tiny pane; a filter or a pending key leave
    // room for a message on the left.
    let keep_left = if pending.is_empty() && !filter.is_active() {
        0
    } else {
        12
    };
    let room = if right_width > 1 && right_width + keep_left <= area.width {
        put_right(buf, area, &right);
        area.width - right_width
    } else {
        area.width
    };
    let left = Rect::new(area.x, area.y, room, 1);
    let sync = app.freshness();
    if let Some(notice) = app.notice() {
        put(
            buf,
            left,
            &[
                run(" ", Style::new()),
                run(notice.as_str(), theme.warning()),
            ],
        );
    } else if let Some(error) = &sync.error {
        put(
            buf,
            left,
            &[
                run(" ! ", theme.error()),
                run(error.message.as_str(), theme.error()),
            ],
        );
    } else if let Some(config) = &sync.config {
        put(
            buf,
            left,
            &[
                run(" ! ", theme.warning()),
                run(config.as_str(), theme.warning()),
            ],
        );
    } else if let Some(warning) = &sync.warning {
        put(
            buf,
            left,
            &[
                run(" ! ", theme.warning()),
                run(warning.as_str(), theme.warning()),
            ],
        );
    } else {
        put(buf, left, &hints(app, theme, usize::from(room)));
    }
    None
}

/// Key hints from the keymap, as many as fit whole.
fn hints(app: &App, theme: Theme, room: usize) -> Vec<Run<'static>> {
    let mut runs = vec![run(" ", Style::new())];
    let mut used = 1;
    for (keys, label) in app.keymap().hints() {
        let w = width(&keys) + 1 + width(label) + 2;
        if used + w > room {
            break;
        }
        used += w;
        runs.push(run(keys, theme.key()));
        runs.push(run(format!(" {label}  "), theme.muted()));
    }
    runs
}
