//! The help popup, drawn from the core's help lines (`app::popup::help`) in the theme's styles.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::popup::{draw, styled};
use super::theme::Theme;
use crate::app::keymap::Keymap;
use crate::app::popup::help::{closing_hint, layout, lines};

/// The help popup, drawn centred over whatever is below it.
pub struct Help<'a> {
    pub keymap: &'a Keymap,
    pub theme: Theme,
    /// First content row shown; clamped when drawn (see `app::popup::max_scroll`).
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

    /// How far the content can scroll when drawn in `area` (the whole screen); the board asks
    /// `app::popup::max_scroll`.
    #[cfg(test)]
    pub fn max_scroll(&self, area: Rect) -> u16 {
        let lines = lines(self.keymap);
        crate::app::popup::scroll_room(lines.len(), layout(area, &lines).1)
    }
}

impl Widget for &Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = lines(self.keymap);
        let (outer, _) = layout(area, &lines);
        draw(
            buf,
            outer,
            self.theme,
            (" Help ", &closing_hint(self.keymap)),
            &styled(&lines, self.theme),
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
    use crate::config::Symbols;

    fn render(help: &Help<'_>, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| f.render_widget(help, f.area())).unwrap();
        term
    }

    #[test]
    fn help_at_80x42_fits_every_binding_and_the_filter_language() {
        let keymap = Keymap::defaults();
        let help = Help::new(&keymap, Theme::new(false, Symbols::Unicode));
        assert_eq!(
            help.max_scroll(Rect::new(0, 0, 80, 42)),
            0,
            "fits without scrolling"
        );
        let term = render(&help, 80, 42);
        insta::assert_snapshot!("help_80x42", term.backend());
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
        assert_eq!(usize::from(max), lines(&keymap).len() - 8);
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
