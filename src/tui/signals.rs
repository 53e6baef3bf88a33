//! Signals on their own thread: SIGHUP, SIGINT, SIGQUIT and SIGTERM end the process within two seconds
//! even if the loop is stuck writing to a dead terminal; SIGCONT (back from `fg`) asks for a full redraw.

use std::time::Duration;

use signal_hook::consts::{SIGCONT, SIGTSTP};
use signal_hook::iterator::Signals;

use crate::exit::Signal;

/// How long the loop gets to restore the terminal after an ending signal before the process exits anyway.
pub const WATCHDOG: Duration = Duration::from_secs(2);

/// Starts the signal thread. `ended` carries each ending signal to the loop, which restores the
/// terminal and exits; the thread itself restores it and exits after `WATCHDOG` if the loop has not
/// done so first. `resumed` is called on SIGCONT.
pub fn spawn_signal_thread(
    ended: impl Fn(Signal) + Send + 'static,
    resumed: impl Fn() + Send + 'static,
) -> std::io::Result<()> {
    let mut watched: Vec<i32> = Signal::ALL.iter().map(|s| s.number()).collect();
    watched.push(SIGCONT);
    let mut signals = Signals::new(watched)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for number in signals.forever() {
                let Some(signal) = Signal::from_number(number) else {
                    resumed();
                    continue;
                };
                ended(signal);
                std::thread::spawn(move || {
                    std::thread::sleep(WATCHDOG);
                    // The loop may be stuck in a write holding stdout's lock: go around it.
                    super::restore_bypassing_stdout();
                    std::process::exit(signal.exit_code());
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
