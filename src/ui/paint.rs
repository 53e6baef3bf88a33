//! Writing runs of styled text into a row, width-correct: the last run that does not fit is cut at a
//! grapheme with `…`, so wide characters and emoji never push past a border. Text is written unit by
//! unit (see `text::width`): a unit the terminal may spread over several cells owns all of them, so
//! ratatui rewrites them together and never leaves half of one on screen.

use std::borrow::Cow;
use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::text::{fit, for_each_unit, width};

/// A run of text and its style.
pub type Run<'a> = (Cow<'a, str>, Style);

pub fn run<'a>(text: impl Into<Cow<'a, str>>, style: Style) -> Run<'a> {
    (text.into(), style)
}

/// Writes `runs` left to right on the first line of `row`, clipped to it (and to the buffer).
/// Returns the columns used.
pub fn put(buf: &mut Buffer, row: Rect, runs: &[Run<'_>]) -> u16 {
    let row = row.intersection(buf.area);
    if row.is_empty() {
        return 0;
    }
    let mut x = row.x;
    let end = row.right();
    for (text, style) in runs {
        let room = usize::from(end - x);
        if room == 0 {
            break;
        }
        let fitted = if width(text) <= room {
            Cow::Borrowed(text.as_ref())
        } else {
            fit(text, room)
        };
        x = write(buf, x, row.y, end, &fitted, *style);
        if fitted.len() < text.len() {
            break;
        }
    }
    x - row.x
}

/// Writes `text` from `x` on line `y`, unit by unit, up to `end`; returns the column after it.
///
/// Like `Buffer::set_stringn`, a wide unit's trailing cells are reset. A unit the terminal may place
/// in cells of its own, or narrower than it is given, owns its trailing cells instead: its width is
/// forced (so ratatui skips them while it stays, and moves the cursor explicitly after it) and they
/// are never written by themselves, so when the unit goes they differ from whatever replaces them and
/// are rewritten.
fn write(buf: &mut Buffer, mut x: u16, y: u16, end: u16, text: &str, style: Style) -> u16 {
    for_each_unit(text, |unit| {
        let w = unit.width;
        if x.saturating_add(w) > end {
            return false;
        }
        let cell = &mut buf[(x, y)];
        cell.set_symbol(&unit.text).set_style(style);
        cell.set_diff_option(match NonZeroU16::new(w) {
            Some(forced) if unit.split => CellDiffOption::ForcedWidth(forced),
            _ => CellDiffOption::None,
        });
        for hidden in x + 1..x + w {
            let cell = &mut buf[(hidden, y)];
            cell.reset();
            if unit.split {
                cell.set_diff_option(CellDiffOption::Skip);
            }
        }
        x += w;
        true
    });
    x
}

/// Clears `area` for a popup. A wide character or reserved unit cut by one of its edges is blanked
/// first, whole: drawing the popup's border over half of one would leave the terminal with half a
/// wide character (its border then lost or shifted) or a mark outside the popup that is never rewritten.
pub fn clear_for_popup(buf: &mut Buffer, area: Rect) {
    /// Wider than any unit the painter writes (a conjunct of several letters).
    const REACH: u16 = 16;
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    for y in area.top()..area.bottom() {
        // Left edge: a unit that starts outside and reaches in.
        for x in area.left().saturating_sub(REACH).max(buf.area.left())..area.left() {
            if x + buf[(x, y)].cell_width() > area.left() {
                for blank in x..area.left() {
                    buf[(blank, y)].reset();
                }
                break;
            }
        }
        // Right edge: a unit that starts inside and reaches out.
        for x in area.right().saturating_sub(REACH).max(area.left())..area.right() {
            let reach = (x + buf[(x, y)].cell_width()).min(buf.area.right());
            if reach > area.right() {
                for blank in area.right()..reach {
                    buf[(blank, y)].reset();
                }
            }
        }
        for x in area.left()..area.right() {
            buf[(x, y)].reset();
        }
    }
}

/// Total width of `runs`.
pub fn runs_width(runs: &[Run<'_>]) -> usize {
    runs.iter().map(|(t, _)| width(t)).sum()
}

/// Writes `runs` ending at the right edge of `row`; returns the column it starts at.
pub fn put_right(buf: &mut Buffer, row: Rect, runs: &[Run<'_>]) -> u16 {
    let w = (runs_width(runs) as u16).min(row.width);
    let at = Rect::new(row.right() - w, row.y, w, row.height.min(1));
    put(buf, at, runs);
    at.x
}

/// Writes `runs` at the right edge of `row` only when at least `keep` columns stay free on the left;
/// returns the width left for the rest of the line (all of it when `runs` did not fit).
pub fn put_right_if_room(buf: &mut Buffer, row: Rect, runs: &[Run<'_>], keep: u16) -> u16 {
    let w = runs_width(runs) as u16;
    if w.saturating_add(keep) <= row.width {
        put_right(buf, row, runs);
        row.width - w
    } else {
        row.width
    }
}

/// Fills the first line of `row` with `style` (spaces).
pub fn fill(buf: &mut Buffer, row: Rect, style: Style) {
    let row = row.intersection(buf.area);
    if !row.is_empty() {
        buf.set_style(Rect::new(row.x, row.y, row.width, 1), style);
    }
}
