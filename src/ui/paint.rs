//! Writing runs of styled text into a row, width-correct: the last run that does not fit is cut at a
//! grapheme with `…`, so wide characters and emoji never push past a border.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::text::{fit, width};

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
        let (next, _) = buf.set_stringn(x, row.y, &fitted, room, *style);
        x = next;
        if fitted.len() < text.len() {
            break;
        }
    }
    x - row.x
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
