//! Drawing only when the frame differs: render `&App` offscreen, compare with the last frame drawn,
//! and hand ratatui a frame only then (its `draw` writes colour resets and hide-cursor every time).
//! Where the terminal supports it, each frame written is one synchronized update.

mod sync;

use std::hash::BuildHasher;
use std::io::{self, BufWriter, Stdout, Write};

use crossterm::QueueableCommand;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::{Position, Rect};

use crate::app::App;
use crate::ui;

pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// What was last written to the terminal.
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
    /// Wrap each frame written in a synchronized update (DEC mode 2026).
    sync: bool,
    /// A synchronized update was begun (before a clear) and the next frame written ends it.
    in_update: bool,
    /// The last frame filled the terminal, so a change of the terminal's size means a resize.
    fills_terminal: bool,
}

impl Default for Screen {
    /// Synchronized updates where the environment says the terminal supports them.
    fn default() -> Self {
        Self::new(sync::supported(|name| std::env::var(name).ok()))
    }
}

impl Screen {
    /// `sync`: wrap each frame written in a synchronized update.
    pub fn new(sync: bool) -> Self {
        Self {
            last: None,
            writes: 0,
            renders: 0,
            repaint: false,
            sync,
            in_update: false,
            fills_terminal: false,
        }
    }

    /// Renders `app`; writes to the terminal only when the frame (or the cursor) changed.
    /// A write error is returned: the caller treats it as fatal.
    pub fn draw<W: Write>(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<W>>,
        app: &App,
    ) -> io::Result<bool> {
        // A new size clears the screen before the frame: inside the update, so the blank screen is
        // never shown.
        if self.sync && !self.in_update && self.fills_terminal {
            let size = terminal.size()?;
            if Rect::from(size) != terminal.current_buffer_mut().area {
                self.begin_update(terminal)?;
            }
        }
        // Only acts (clearing the screen) when the terminal's size changed since the last frame.
        terminal.autoresize()?;
        if self.sync {
            let area = terminal.current_buffer_mut().area;
            self.fills_terminal = terminal.size().is_ok_and(|size| Rect::from(size) == area);
        }
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
            if self.in_update {
                self.end_update(terminal)?;
            }
            return Ok(false);
        }
        if self.sync && !self.in_update {
            self.begin_update(terminal)?;
        }
        if std::mem::take(&mut self.repaint) {
            repaint(terminal, cursor)?;
        } else {
            terminal.apply_buffer_with_cursor(cursor)?;
        }
        if self.in_update {
            self.end_update(terminal)?;
        }
        self.writes += 1;
        self.last = Some(print);
        Ok(true)
    }

    /// Clears the terminal and forgets the last frame, so the next `draw` writes every cell, blank
    /// ones too (after Ctrl-z and `fg`, or Ctrl-l when the terminal may have been scribbled on: a
    /// cell another program or a terminal's own idea of a character's width left behind is rewritten
    /// even where the board thinks it is blank).
    pub fn invalidate<W: Write>(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<W>>,
    ) -> io::Result<()> {
        if self.sync && !self.in_update {
            // The clear and the frame that follows it are shown together.
            self.begin_update(terminal)?;
        }
        let size = terminal.backend().size()?;
        // `resize` clears the screen and resets ratatui's back buffer without querying the cursor
        // (`Terminal::clear` would, racing the event reader).
        terminal.resize(Rect::new(0, 0, size.width, size.height))?;
        self.last = None;
        self.repaint = true;
        Ok(())
    }

    fn begin_update<W: Write>(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<W>>,
    ) -> io::Result<()> {
        terminal.backend_mut().queue(BeginSynchronizedUpdate)?;
        self.in_update = true;
        Ok(())
    }

    fn end_update<W: Write>(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<W>>,
    ) -> io::Result<()> {
        self.in_update = false;
        terminal.backend_mut().queue(EndSynchronizedUpdate)?;
        Write::flush(terminal.backend_mut())
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

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use ratatui::TerminalOptions;
    use ratatui::Viewport;

    use super::*;
    use crate::app::{Now, Options};

    const BEGIN: &[u8] = b"\x1b[?2026h";
    const END: &[u8] = b"\x1b[?2026l";

    fn app(area: Rect) -> App {
        // The core's own test options; this screen never reports the mouse.
        let options = Options {
            mouse: false,
            ..crate::app::state::tests::options()
        };
        let now = Now {
            instant: Instant::now(),
            utc: jiff::Timestamp::from_second(1_714_996_990).unwrap(),
        };
        App::new(options, area, now)
    }

    /// The bytes written to a terminal, kept where the test can read them.
    #[derive(Clone, Default)]
    struct Written(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Written {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn terminal(area: Rect, written: &Written) -> Terminal<CrosstermBackend<Written>> {
        Terminal::with_options(
            CrosstermBackend::new(written.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(area),
            },
        )
        .unwrap()
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn a_frame_is_one_synchronized_update_only_where_supported() {
        let area = Rect::new(0, 0, 60, 12);
        let app = app(area);

        let written = Written::default();
        let mut term = terminal(area, &written);
        let mut screen = Screen::new(true);
        assert!(screen.draw(&mut term, &app).unwrap());
        let bytes = written.0.borrow().clone();
        let (begin, end) = (find(&bytes, BEGIN).unwrap(), find(&bytes, END).unwrap());
        let frame = find(&bytes, "teamboard".as_bytes()).unwrap();
        assert!(
            begin < frame && frame < end,
            "the frame sits inside the update"
        );
        assert_eq!(
            &bytes[bytes.len() - END.len()..],
            END,
            "nothing after the end"
        );
        // An unchanged frame writes nothing at all, not even an empty update.
        assert!(!screen.draw(&mut term, &app).unwrap());
        assert_eq!(written.0.borrow().len(), bytes.len());

        let written = Written::default();
        let mut term = terminal(area, &written);
        let mut screen = Screen::new(false);
        assert!(screen.draw(&mut term, &app).unwrap());
        let bytes = written.0.borrow();
        assert!(find(&bytes, "teamboard".as_bytes()).is_some());
        assert_eq!(find(&bytes, BEGIN), None);
        assert_eq!(find(&bytes, END), None);
    }

    #[test]
    fn a_repaint_writes_every_cell_once_and_then_only_what_changes() {
        let area = Rect::new(0, 0, 60, 12);
        let app = app(area);
        let written = Written::default();
        let mut term = terminal(area, &written);
        let mut screen = Screen::new(false);
        screen.draw(&mut term, &app).unwrap();
        let first = written.0.borrow().len();
        // What `invalidate` asks for, without a terminal to clear.
        screen.repaint = true;
        screen.last = None;
        assert!(screen.draw(&mut term, &app).unwrap());
        let repaint = written.0.borrow().len() - first;
        assert!(
            repaint >= usize::from(area.width * area.height),
            "every cell, blank ones too: {repaint} bytes"
        );
        // The frame on record afterwards is the clean one: the same frame again writes no cell.
        screen.last = None;
        let before = written.0.borrow().len();
        assert!(screen.draw(&mut term, &app).unwrap());
        let again = written.0.borrow().len() - before;
        assert!(
            again < 64,
            "only colour resets and the cursor: {again} bytes"
        );
    }
}
