//! Signals on their own thread: SIGHUP and SIGTERM end the process within two seconds even if the loop
//! is stuck writing to a dead terminal; SIGCONT (back from `fg`) asks for a full redraw.

use std::time::Duration;

use signal_hook::consts::{SIGCONT, SIGHUP, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

/// How long the loop gets to restore the terminal after SIGHUP/SIGTERM before the process exits anyway.
pub const WATCHDOG: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalEvent {
    Hangup,
    Terminate,
    Continue,
}

impl SignalEvent {
    /// 128 + the signal number, as a shell reports a process ended by it.
    pub fn exit_code(self) -> i32 {
        match self {
            SignalEvent::Hangup => 128 + SIGHUP,
            SignalEvent::Terminate => 128 + SIGTERM,
            SignalEvent::Continue => 0,
        }
    }
}

/// Starts the signal thread; `notify` carries each signal to the loop. On SIGHUP/SIGTERM the thread
/// then restores the terminal itself and exits after `WATCHDOG` if the loop has not done so first.
pub fn spawn_signal_thread(notify: impl Fn(SignalEvent) + Send + 'static) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGHUP, SIGTERM, SIGCONT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let event = match signal {
                    SIGHUP => SignalEvent::Hangup,
                    SIGTERM => SignalEvent::Terminate,
                    _ => {
                        notify(SignalEvent::Continue);
                        continue;
                    }
                };
                notify(event);
                std::thread::spawn(move || {
                    std::thread::sleep(WATCHDOG);
                    // The loop may be stuck in a write holding stdout's lock: go around it.
                    super::restore_bypassing_stdout();
                    std::process::exit(event.exit_code());
                });
            }
        })?;
    Ok(())
}

/// Stops this process as Ctrl-z would have (raw mode swallowed the key). Returns after `fg`.
pub fn suspend_self() {
    if let Err(e) = signal_hook::low_level::raise(SIGTSTP) {
        tracing::warn!(error = %e, "could not stop the process for Ctrl-z");
    }
}
