//! What the popups (help and details) hold, as lines of text with a tone each, and where a popup
//! sits on screen. Pure, like `geometry`: the core clamps its popup scroll with the same lines the
//! UI draws, and the UI only turns tones into styles.

pub mod detail;
pub mod help;

use std::borrow::Cow;

use ratatui::layout::{Constraint, Margin, Rect};

use super::state::{App, Mode};
use crate::graph::model::Status;

/// What a piece of popup text is, for the UI to style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Name,
    Muted,
    Warning,
    Key,
    Section,
    Status(Status),
    OutOfOffice,
    StatusMessage,
    /// The watch list's mark.
    Watched,
    /// A calendar slot in the details' strip, and the one now.
    Slot(crate::graph::schedule::Slot),
    SlotNow(crate::graph::schedule::Slot),
}

/// A run of text in one tone.
pub type Span<'a> = (Cow<'a, str>, Tone);
/// One line of a popup.
pub type Line<'a> = Vec<Span<'a>>;

pub fn span<'a>(text: impl Into<Cow<'a, str>>, tone: Tone) -> Span<'a> {
    (text.into(), tone)
}

/// Columns a line takes on screen.
pub fn line_width(line: &[Span<'_>]) -> usize {
    line.iter().map(|(text, _)| crate::text::width(text)).sum()
}

/// A popup big enough for `content_w` x `content_h` plus border and padding, cut to `area`, centred.
/// Returns (popup, content area).
pub fn frame(area: Rect, content_w: u16, content_h: u16) -> (Rect, Rect) {
    let w = content_w.saturating_add(4).min(area.width);
    let h = content_h.saturating_add(2).min(area.height);
    let outer = area.centered(Constraint::Length(w), Constraint::Length(h));
    (outer, inner_of(outer))
}

/// Inside the border and one column of padding; the whole popup when it is too small for a border.
pub fn inner_of(outer: Rect) -> Rect {
    if outer.width < 5 || outer.height < 3 {
        outer
    } else {
        outer.inner(Margin::new(2, 1))
    }
}

/// How far `lines` can scroll in the content area of their popup.
pub(crate) fn scroll_room(lines: usize, inner: Rect) -> u16 {
    u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .saturating_sub(inner.height)
}

/// How far the open popup can scroll on a screen of `area`.
pub fn max_scroll(app: &App, area: Rect) -> u16 {
    match app.mode() {
        Mode::Help => {
            let lines = help::lines(app.keymap());
            scroll_room(lines.len(), help::layout(area, &lines).1)
        }
        Mode::Details => app.selected().map_or(0, |person| {
            let (_, inner, lines) = detail::Detail::of(app, person).layout(area);
            scroll_room(lines.len(), inner)
        }),
        Mode::Board | Mode::Filter => 0,
    }
}
