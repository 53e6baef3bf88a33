//! The terminal guard: every mode the board turns on is recorded and undone — on drop, in the panic
//! hook, on Ctrl-z, on SIGHUP/SIGINT/SIGQUIT/SIGTERM and on every exit path.

mod signals;

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicU8, Ordering};

use crate::exit::{Exit, Failure};
use crate::text::SafeText;

pub use signals::{spawn_signal_thread, suspend_self};

/// Modes currently on, so `restore` undoes exactly those, from any thread, any number of times.
static ACTIVE: AtomicU8 = AtomicU8::new(0);

const RAW: u8 = 1;
const ALT_SCREEN: u8 = 1 << 1;
const PASTE: u8 = 1 << 2;
const MOUSE: u8 = 1 << 3;
const HIDDEN_CURSOR: u8 = 1 << 4;
const FOCUS: u8 = 1 << 5;

// Written by hand: crossterm's EnableMouseCapture also turns on any-motion reporting (?1003h), which
// would wake the board on every hover. Button and wheel reporting (?1000h) in SGR encoding (?1006h).
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";
const PASTE_ON: &str = "\x1b[?2004h";
const PASTE_OFF: &str = "\x1b[?2004l";
const ALT_ON: &str = "\x1b[?1049h";
const ALT_OFF: &str = "\x1b[?1049l";
const CURSOR_HIDE: &str = "\x1b[?25l";
const CURSOR_SHOW: &str = "\x1b[?25h";
// Focus reporting (what crossterm's EnableFocusChange writes): the board polls less often while its
// pane is not looked at.
const FOCUS_ON: &str = "\x1b[?1004h";
const FOCUS_OFF: &str = "\x1b[?1004l";

/// The board needs a terminal on both ends; without one, one line that says what to use instead.
/// (ratatui's init and crossterm's `EventStream` panic without a tty.)
pub fn require_terminal() -> Result<(), Failure> {
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(Failure::new(
            Exit::Usage,
            "the board needs a terminal (stdin and stdout); for scripts and pipes use `teamboard status` (or --json, --line)",
        ))
    }
}

/// Owns the terminal's modes while the board runs. Dropping it restores the terminal.
#[derive(Debug)]
pub struct Guard {
    mouse: std::cell::Cell<bool>,
}

impl Guard {
    /// Raw mode, the alternate screen, bracketed paste, a hidden cursor, focus reporting, and mouse
    /// reporting when asked.
    pub fn enter(mouse: bool) -> io::Result<Self> {
        let guard = Self {
            mouse: std::cell::Cell::new(mouse),
        };
        guard.turn_on()?;
        Ok(guard)
    }

    fn turn_on(&self) -> io::Result<()> {
        crossterm::terminal::enable_raw_mode()?;
        ACTIVE.fetch_or(RAW, Ordering::SeqCst);
        let mut out = io::stdout().lock();
        // Record each mode before writing it: if the write half-succeeds, restore still undoes it.
        ACTIVE.fetch_or(ALT_SCREEN | PASTE | HIDDEN_CURSOR | FOCUS, Ordering::SeqCst);
        out.write_all(ALT_ON.as_bytes())?;
        out.write_all(PASTE_ON.as_bytes())?;
        out.write_all(CURSOR_HIDE.as_bytes())?;
        out.write_all(FOCUS_ON.as_bytes())?;
        if self.mouse.get() {
            ACTIVE.fetch_or(MOUSE, Ordering::SeqCst);
            out.write_all(MOUSE_ON.as_bytes())?;
        }
        out.flush()
    }

    /// Mouse reporting on or off while the board runs (a reloaded `[ui] mouse`).
    pub fn set_mouse(&self, on: bool) -> io::Result<()> {
        self.mouse.set(on);
        let mut out = io::stdout().lock();
        if on {
            ACTIVE.fetch_or(MOUSE, Ordering::SeqCst);
            out.write_all(MOUSE_ON.as_bytes())?;
        } else {
            out.write_all(MOUSE_OFF.as_bytes())?;
            ACTIVE.fetch_and(!MOUSE, Ordering::SeqCst);
        }
        out.flush()
    }

    /// Ctrl-z: give the terminal back as it was, before the process stops.
    pub fn suspend(&self) {
        restore();
    }

    /// Back from `fg`: take the terminal again (the caller redraws everything).
    pub fn resume(&self) -> io::Result<()> {
        self.turn_on()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Undoes every mode still on. Safe to call from the panic hook, a signal thread, or twice.
/// Errors are ignored: on a dead terminal there is nothing left to restore.
pub fn restore() {
    // Not `stdout().lock()` held across calls: a fresh handle to fd 1 for the whole sequence.
    restore_to(&mut io::stdout());
}

/// Like `restore`, but never touches stdout's lock, which a loop stuck writing to a dead terminal may
/// hold: the sequence goes to `/dev/tty` when it can be opened. For the signal watchdog.
pub fn restore_bypassing_stdout() {
    match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        Ok(mut tty) => restore_to(&mut tty),
        Err(_) => restore_to(&mut io::sink()),
    }
}

fn restore_to(out: &mut dyn Write) {
    let active = ACTIVE.swap(0, Ordering::SeqCst);
    if active == 0 {
        return;
    }
    let mut seq = String::new();
    if active & MOUSE != 0 {
        seq.push_str(MOUSE_OFF);
    }
    if active & FOCUS != 0 {
        seq.push_str(FOCUS_OFF);
    }
    if active & PASTE != 0 {
        seq.push_str(PASTE_OFF);
    }
    if active & HIDDEN_CURSOR != 0 {
        seq.push_str(CURSOR_SHOW);
    }
    if active & ALT_SCREEN != 0 {
        seq.push_str(ALT_OFF);
    }
    let _ = out.write_all(seq.as_bytes());
    let _ = out.flush();
    if active & RAW != 0 {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// A panic anywhere restores the terminal first, then prints one sanitized line (and logs it) and
/// exits 101. Replaces any earlier hook: the default one would print the raw, unsanitized message.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        restore();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        let message = SafeText::line(&payload);
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%message, at = %at, "panic");
        let _ = writeln!(
            io::stderr(),
            "teamboard: internal error: {message}{at} (please report it)"
        );
        std::process::exit(101);
    }));
}
