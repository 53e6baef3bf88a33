//! The help popup: every binding from the keymap (so it never drifts from them) and the filter language.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Widget};

use super::paint::{Run, put, run, runs_width};
use super::theme::Theme;
use crate::app::keymap::{Command, Keymap};
use crate::config::Symbols;
use crate::text::fit;

/// The filter language in five rows: (example, meaning).
const FILTER_ROWS: [(&str, &str); 5] = [
    ("word", "name or mail (fuzzy), title, department, status"),
    ("\"a phrase\"", "this exact text"),
    (
        "is:busy",
        "also available dnd away offline unknown ooo watched",
    ),
    ("at:office", "also remote timeoff"),
    ("!term", "not; all terms must match"),
];

/// Widest key column before keys are cut with `…` (many user bindings).
const KEYS_MAX: usize = 18;

/// The help popup, drawn centred over whatever is below it.
pub struct Help<'a> {
    pub keymap: &'a Keymap,
    pub theme: Theme,
    /// First content row shown; clamped when drawn (see `Help::max_scroll`).
    pub scroll: u16,
}

impl<'a> Help<'a> {
    pub fn new(keymap: &'a Keymap, theme: Theme) -> Self {
        Self {
            keymap,
            theme,
            scroll: 0,
        }
    }

    fn lines(&self) -> Vec<Vec<Run<'static>>> {
        let t = self.theme;
        let rows = self.keymap.help_rows();
        let keys_w = rows
            .iter()
            .map(|(k, _)| crate::text::width(k))
            .chain(FILTER_ROWS.iter().map(|(k, _)| k.len()))
            .max()
            .unwrap_or(0)
            .min(KEYS_MAX);
        let row = |keys: Cow<'static, str>, what: &'static str, key_style: Style| {
            let keys = crate::text::pad(&keys, keys_w).into_owned();
            vec![
                run(keys, key_style),
                run("  ", Style::new()),
                run(what, Style::new()),
            ]
        };
        let mut lines: Vec<Vec<Run<'static>>> = rows
            .into_iter()
            .map(|(keys, what)| row(Cow::Owned(keys), what, t.key()))
            .collect();
        let filter_keys = self.keymap.describe(Command::Filter);
        let heading = if filter_keys.is_empty() {
            "Filter: Enter keeps it, Esc clears it".to_string()
        } else {
            format!("Filter ({filter_keys}): Enter keeps it, Esc clears it")
        };
        lines.push(vec![run(heading, t.section())]);
        lines.extend(
            FILTER_ROWS
                .iter()
                .map(|(k, what)| row(Cow::Borrowed(k), what, t.muted())),
        );
        lines
    }

    /// How far the content can scroll when drawn in `area` (the whole screen).
    pub fn max_scroll(&self, area: Rect) -> u16 {
        let lines = self.lines();
        let inner = layout(area, &lines).1;
        (lines.len() as u16).saturating_sub(inner.height)
    }
}

/// The popup rectangle and its content area for `lines`, centred in `area`.
fn layout(area: Rect, lines: &[Vec<Run<'_>>]) -> (Rect, Rect) {
    let content_w = lines.iter().map(|l| runs_width(l)).max().unwrap_or(0);
    popup(area, content_w as u16, lines.len() as u16)
}

/// A popup big enough for `content_w` x `content_h` plus border and padding, cut to `area`, centred.
/// Returns (popup, content area).
pub(super) fn popup(area: Rect, content_w: u16, content_h: u16) -> (Rect, Rect) {
    let w = content_w.saturating_add(4).min(area.width);
    let h = content_h.saturating_add(2).min(area.height);
    let outer = area.centered(Constraint::Length(w), Constraint::Length(h));
    (outer, inner_of(outer))
}

/// Inside the border and one column of padding; the whole popup when it is too small for a border.
pub(super) fn inner_of(outer: Rect) -> Rect {
    if outer.width < 5 || outer.height < 3 {
        outer
    } else {
        outer.inner(Margin::new(2, 1))
    }
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

impl Widget for &Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = self.lines();
        let (outer, _) = layout(area, &lines);
        let mut keys = vec!["esc".to_owned()];
        for command in [Command::Quit, Command::Help] {
            keys.extend(
                self.keymap
                    .keys_for(command)
                    .next()
                    .map(crate::app::keymap::display_sequence),
            );
        }
        let close = match keys.split_last() {
            Some((last, rest)) if !rest.is_empty() => {
                format!(" {} or {last} closes ", rest.join(", "))
            }
            _ => " esc closes ".to_owned(),
        };
        draw(
            buf,
            outer,
            self.theme,
            (" Help ", &close),
            &lines,
            self.scroll,
        );
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::config::KeyOverride;

    fn render(help: &Help<'_>, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| f.render_widget(help, f.area())).unwrap();
        term
    }

    #[test]
    fn help_at_80x40_fits_every_binding_and_the_filter_language() {
        let keymap = Keymap::defaults();
        let help = Help::new(&keymap, Theme::new(false, Symbols::Unicode));
        assert_eq!(
            help.max_scroll(Rect::new(0, 0, 80, 40)),
            0,
            "fits without scrolling"
        );
        let term = render(&help, 80, 40);
        insta::assert_snapshot!("help_80x40", term.backend());
        // At 80x24 the rest is a scroll away, and the border says so.
        assert!(help.max_scroll(Rect::new(0, 0, 80, 24)) > 0);
        let text = render(&help, 80, 24).backend().to_string();
        assert!(text.contains("↓ more"), "{text}");
    }

    #[test]
    fn help_follows_user_bindings() {
        let overrides = [
            KeyOverride {
                key: "ctrl-f".into(),
                command: "page_down".into(),
                line: 1,
            },
            KeyOverride {
                key: "?".into(),
                command: "none".into(),
                line: 2,
            },
            KeyOverride {
                key: "f1".into(),
                command: "help".into(),
                line: 3,
            },
        ];
        let keymap = Keymap::with_overrides(&overrides, None).unwrap();
        let help = Help::new(&keymap, Theme::new(false, Symbols::Ascii));
        let text = render(&help, 80, 24).backend().to_string();
        assert!(text.contains("pagedown, ctrl-f"), "{text}");
        assert!(text.contains("f1 "), "{text}");
        assert!(text.contains("esc, q or f1 closes"), "{text}");
        assert!(!text.contains("? "), "unbound ? is not shown: {text}");
    }

    #[test]
    fn help_scrolls_in_a_small_terminal() {
        let keymap = Keymap::defaults();
        let mut help = Help::new(&keymap, Theme::new(false, Symbols::Ascii));
        let area = Rect::new(0, 0, 40, 10);
        let max = help.max_scroll(area);
        assert_eq!(usize::from(max), help.lines().len() - 8);
        insta::assert_snapshot!("help_40x10", render(&help, 40, 10).backend());
        help.scroll = u16::MAX;
        let bottom = render(&help, 40, 10).backend().to_string();
        assert!(bottom.contains("!term"), "scrolled to the end: {bottom}");
        assert!(!bottom.contains("v more"), "nothing more below: {bottom}");
    }

    #[test]
    fn tiny_sizes_do_not_panic() {
        let keymap = Keymap::defaults();
        let help = Help::new(&keymap, Theme::new(true, Symbols::Unicode));
        for (w, h) in [(1, 1), (2, 1), (1, 5), (4, 2), (5, 3), (20, 5), (0, 0)] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
            (&help).render(buf.area, &mut buf);
        }
        // Drawn into a corner of a larger buffer, nothing spills outside its area.
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 10));
        (&help).render(Rect::new(5, 2, 10, 4), &mut buf);
        for y in 0..10 {
            for x in 0..30 {
                if !(5..15).contains(&x) || !(2..6).contains(&y) {
                    assert_eq!(buf[(x, y)].symbol(), " ", "({x},{y})");
                }
            }
        }
    }
}
