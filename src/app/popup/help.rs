//! The help popup's lines: every binding from the keymap (so it never drifts from them), the keys
//! that cannot be rebound, and the filter language.

use std::borrow::Cow;

use ratatui::layout::Rect;

use super::{Line, Tone, frame, line_width, span};
use crate::app::keymap::{Command, Keymap, display_sequence};

/// The filter language in six rows: (example, meaning).
const FILTER_ROWS: [(&str, &str); 6] = [
    ("word", "name or mail (fuzzy), title, department, status"),
    ("\"a phrase\"", "this exact text"),
    (
        "is:busy",
        "also available dnd away offline unknown ooo watched",
    ),
    ("at:office", "also remote timeoff"),
    (
        "free:30",
        "free within 30 min; is:outside-hours (calendars)",
    ),
    ("!term", "not; all terms must match"),
];

/// Widest key column before keys are cut with `…` (many user bindings).
const KEYS_MAX: usize = 18;

pub fn lines(keymap: &Keymap) -> Vec<Line<'static>> {
    let rows = keymap.help_rows();
    let keys_w = rows
        .iter()
        .map(|(k, _)| crate::text::width(k))
        .chain(FILTER_ROWS.iter().map(|(k, _)| k.len()))
        .max()
        .unwrap_or(0)
        .min(KEYS_MAX);
    let row = |keys: Cow<'static, str>, what: &'static str, tone: Tone| {
        let keys = crate::text::pad(&keys, keys_w).into_owned();
        vec![
            span(keys, tone),
            span("  ", Tone::Plain),
            span(what, Tone::Plain),
        ]
    };
    let mut lines: Vec<Line<'static>> = rows
        .into_iter()
        .map(|(keys, what)| row(Cow::Owned(keys), what, Tone::Key))
        .collect();
    let filter_keys = keymap.describe(Command::Filter);
    let heading = if filter_keys.is_empty() {
        "Filter: Enter keeps it, Esc clears it".to_string()
    } else {
        format!("Filter ({filter_keys}): Enter keeps it, Esc clears it")
    };
    lines.push(vec![span(heading, Tone::Section)]);
    lines.extend(
        FILTER_ROWS
            .iter()
            .map(|(k, what)| row(Cow::Borrowed(k), what, Tone::Muted)),
    );
    lines
}

/// The popup rectangle and its content area for `lines`, centred in `area`.
pub fn layout(area: Rect, lines: &[Line<'_>]) -> (Rect, Rect) {
    let content_w = lines.iter().map(|l| line_width(l)).max().unwrap_or(0);
    frame(
        area,
        u16::try_from(content_w).unwrap_or(u16::MAX),
        u16::try_from(lines.len()).unwrap_or(u16::MAX),
    )
}

/// The bottom title: how to close help with the keys bound now.
pub fn closing_hint(keymap: &Keymap) -> String {
    let mut keys = vec!["esc".to_owned()];
    for command in [Command::Quit, Command::Help] {
        keys.extend(keymap.keys_for(command).next().map(display_sequence));
    }
    match keys.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!(" {} or {last} closes ", rest.join(", "))
        }
        _ => " esc closes ".to_owned(),
    }
}
