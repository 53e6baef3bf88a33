//! Drawing only when the frame differs: render `&App` offscreen, compare with the last frame drawn,
//! and hand ratatui a frame only then (its `draw` writes colour resets and hide-cursor every time).

use std::hash::BuildHasher;
use std::io::{self, BufWriter, Stdout, Write};

use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::{Position, Rect};

use crate::app::App;
use crate::ui;

pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// What was last written to the terminal.
#[derive(Default)]
pub struct Screen {
    /// A fingerprint of the last frame and cursor written, not a copy: a 200x60 frame is 576 KB and
    /// ratatui already holds two (the one being drawn and the one on screen).
    last: Option<u64>,
    /// Frames actually written (for the timings line).
    pub writes: u64,
    /// Frames rendered offscreen.
    pub renders: u64,
    /// The next frame writes every cell, blank ones too (see `invalidate`).
    repaint: bool,
}

impl Screen {
    /// Renders `app`; writes to the terminal only when the frame (or the cursor) changed.
    /// A write error is returned: the caller treats it as fatal.
    pub fn draw(&mut self, terminal: &mut Term, app: &App) -> io::Result<bool> {
        // Only acts (clearing the screen) when the terminal's size changed since the last frame.
        terminal.autoresize()?;
        // ratatui's back buffer is blank here: reset after each frame written or skipped.
        let frame = terminal.current_buffer_mut();
        let area = frame.area;
        let cursor = ui::render(app, area, frame);
        self.renders += 1;
        #[cfg(debug_assertions)]
        test_panic::maybe_panic_in_render(self.renders);
        let print = fingerprint(frame, cursor);
        if self.last == Some(print) && !self.repaint {
            frame.reset();
            return Ok(false);
        }
        if std::mem::take(&mut self.repaint) {
            repaint(terminal, cursor)?;
        } else {
            terminal.apply_buffer_with_cursor(cursor)?;
        }
        self.writes += 1;
        self.last = Some(print);
        Ok(true)
    }

    /// Clears the terminal and forgets the last frame, so the next `draw` writes every cell, blank
    /// ones too (after Ctrl-z and `fg`, or Ctrl-l when the terminal may have been scribbled on: a
    /// cell another program or a terminal's own idea of a character's width left behind is rewritten
    /// even where the board thinks it is blank).
    pub fn invalidate(&mut self, terminal: &mut Term) -> io::Result<()> {
        let size = terminal.backend().size()?;
        // `resize` clears the screen and resets ratatui's back buffer without querying the cursor
        // (`Terminal::clear` would, racing the event reader).
        terminal.resize(Rect::new(0, 0, size.width, size.height))?;
        self.last = None;
        self.repaint = true;
        Ok(())
    }
}

/// Writes the frame being drawn whole: ratatui's diff skips cells equal to the previous frame, so every
/// cell is marked to be written. The frame then becomes the previous one without the marks, so the next
/// diff compares contents again.
fn repaint<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    cursor: Option<Position>,
) -> io::Result<()> {
    let frame = terminal.current_buffer_mut();
    let clean = frame.clone();
    for cell in &mut frame.content {
        // Cells a reserved unit owns stay skipped, and a forced width already differs from a blank.
        if cell.diff_option == CellDiffOption::None {
            cell.set_diff_option(CellDiffOption::AlwaysUpdate);
        }
    }
    terminal.apply_buffer_with_cursor(cursor)?;
    // The written (marked) frame is now the previous one; put the clean copy there instead.
    *terminal.current_buffer_mut() = clean;
    terminal.swap_buffers();
    Ok(())
}

/// Frames that hash alike are taken as the same frame (a 64-bit hash: a collision would skip one
/// redraw, about once in 10^19 frames).
fn fingerprint(frame: &Buffer, cursor: Option<Position>) -> u64 {
    foldhash::fast::FixedState::with_seed(0x7ea3_b0a2).hash_one((frame, cursor))
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
