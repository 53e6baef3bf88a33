//! Drawing only when the frame differs: render `&App` offscreen, compare with the last frame drawn,
//! and hand ratatui a frame only then (its `draw` writes colour resets and hide-cursor every time).

use std::io::{self, BufWriter, Stdout};

use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use crate::app::App;
use crate::ui;

pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// The last frame written to the terminal.
#[derive(Default)]
pub struct Screen {
    last: Option<(Buffer, Option<Position>)>,
    /// Frames actually written (for the timings line).
    pub writes: u64,
    /// Frames rendered offscreen.
    pub renders: u64,
}

impl Screen {
    /// Renders `app`; writes to the terminal only when the frame (or the cursor) changed.
    /// A write error is returned: the caller treats it as fatal.
    pub fn draw(&mut self, terminal: &mut Term, app: &App) -> io::Result<bool> {
        let size = terminal.backend().size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        let mut frame = Buffer::empty(area);
        let cursor = ui::render(app, area, &mut frame);
        self.renders += 1;
        #[cfg(debug_assertions)]
        test_panic::maybe_panic_in_render(self.renders);
        if self
            .last
            .as_ref()
            .is_some_and(|(b, c)| *b == frame && *c == cursor)
        {
            return Ok(false);
        }
        terminal.autoresize()?;
        if terminal.get_frame().area() != area {
            // The terminal changed size while we rendered: draw again next time round.
            self.last = None;
            return Ok(false);
        }
        terminal.current_buffer_mut().clone_from(&frame);
        terminal.apply_buffer_with_cursor(cursor)?;
        self.writes += 1;
        self.last = Some((frame, cursor));
        Ok(true)
    }

    /// Clears the terminal and forgets the last frame, so the next `draw` writes everything
    /// (after Ctrl-z and `fg`, or when the terminal may have been scribbled on).
    pub fn invalidate(&mut self, terminal: &mut Term) -> io::Result<()> {
        let size = terminal.backend().size()?;
        // `resize` clears the screen and resets ratatui's back buffer without querying the cursor
        // (`Terminal::clear` would, racing the event reader).
        terminal.resize(Rect::new(0, 0, size.width, size.height))?;
        self.last = None;
        Ok(())
    }
}

/// A hidden hook for the end-to-end panic test, honoured only in debug builds:
/// `TEAMBOARD_TEST_PANIC=render` panics in the second render, `task` in the first poll task.
#[cfg(debug_assertions)]
pub mod test_panic {
    use std::sync::OnceLock;

    fn mode() -> Option<&'static str> {
        static MODE: OnceLock<Option<String>> = OnceLock::new();
        MODE.get_or_init(|| std::env::var("TEAMBOARD_TEST_PANIC").ok())
            .as_deref()
    }

    pub fn maybe_panic_in_render(renders: u64) {
        assert!(
            renders != 2 || mode() != Some("render"),
            "test panic in render \x1b]0;pwned\x07 (TEAMBOARD_TEST_PANIC)"
        );
    }

    pub fn maybe_panic_in_task() {
        assert!(
            mode() != Some("task"),
            "test panic in a task (TEAMBOARD_TEST_PANIC)"
        );
    }
}
