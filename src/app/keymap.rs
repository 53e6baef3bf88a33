//! Key bindings: embedded defaults patched by `[keys]`, matched key by key with a pending prefix.
//!
//! A sequence such as `g g` is matched as a prefix, not a timer-cleared buffer: after `g` the keymap
//! answers `Feed::Pending { until }`, the App adds `until` to its deadlines, and either the next key
//! completes (or breaks) the sequence or `expire` runs at the deadline.

mod command;
mod error;
mod notation;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, KeyEventKind};

pub use command::{Command, FIXED_KEYS, UNBIND};
pub use error::{KeymapError, Problem};
pub use notation::{KeyChord, NotationError, display_sequence, parse_chord, parse_sequence};

use crate::config::KeyOverride;

/// How long a prefix such as the first `g` of `g g` waits for the next key.
pub const SEQUENCE_TIMEOUT: Duration = Duration::from_secs(1);

/// The default bindings, `command = [keys]`, embedded so the binary needs no file.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

#[derive(Clone, Debug, PartialEq, Eq)]
struct Binding {
    keys: Vec<KeyChord>,
    command: Command,
    /// The `[keys]` line and text it came from; `None` for a default.
    origin: Option<(usize, String)>,
}

/// Every binding in force. Built once at start; matching is a scan of a few dozen entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// What one key press means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    /// Run this command.
    Command(Command),
    /// The keys so far start a sequence: wait for the next key, or call `Keymap::expire` at `until`.
    Pending { until: Instant },
    /// Nothing is bound to this key (or it was not a press).
    Unbound,
}

/// The keys of a sequence typed so far. The App owns one and hands it to every `feed` and `expire`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    keys: Vec<KeyChord>,
    deadline: Option<Instant>,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// When `Keymap::expire` must run, if a prefix is waiting.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The waiting prefix in key notation (`"g"`), for the footer; empty when nothing waits.
    pub fn keys_text(&self) -> String {
        display_sequence(&self.keys)
    }

    pub fn clear(&mut self) {
        self.keys.clear();
        self.deadline = None;
    }
}

/// True for ctrl-c, which quits from anywhere (the filter input too) and is never in the keymap.
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.kind == KeyEventKind::Press && KeyChord::from_event(key).is_interrupt()
}

impl Default for Keymap {
    fn default() -> Self {
        Self::defaults()
    }
}

impl Keymap {
    /// The embedded defaults.
    pub fn defaults() -> Self {
        let bindings = parse_defaults(DEFAULT_KEYMAP).unwrap_or_else(|e| {
            panic!("the embedded assets/keymap.toml is invalid (a test checks it): {e}")
        });
        Self { bindings }
    }

    /// The defaults patched by the config's `[keys]` entries, in file order. A key written there
    /// replaces its default binding; `"key" = "none"` removes it.
    pub fn with_overrides(
        overrides: &[KeyOverride],
        source: Option<&Path>,
    ) -> Result<Keymap, KeymapError> {
        let mut map = Self::defaults();
        for o in overrides {
            let error = |problem| KeymapError {
                file: source.map(Path::to_path_buf),
                line: o.line,
                key: o.key.clone(),
                problem,
            };
            let keys = parse_sequence(&o.key).map_err(|e| error(Problem::BadKey(e)))?;
            if keys.iter().any(KeyChord::is_interrupt) {
                return Err(error(Problem::Interrupt));
            }
            let name = o.command.trim().to_ascii_lowercase();
            let command = if name == UNBIND {
                None
            } else {
                Some(
                    Command::from_name(&name)
                        .ok_or_else(|| error(Problem::UnknownCommand(o.command.clone())))?,
                )
            };
            map.bindings.retain(|b| b.keys != keys);
            if let Some(command) = command {
                map.bindings.push(Binding {
                    keys,
                    command,
                    origin: Some((o.line, o.key.clone())),
                });
            }
        }
        map.check_conflicts(source)?;
        Ok(map)
    }

    /// A key bound alone and as the start of a sequence would either wait for no reason or hide the
    /// sequence; refuse it, naming the `[keys]` line that caused it.
    fn check_conflicts(&self, source: Option<&Path>) -> Result<(), KeymapError> {
        for short in &self.bindings {
            for long in &self.bindings {
                if long.keys.len() <= short.keys.len()
                    || long.keys[..short.keys.len()] != short.keys[..]
                {
                    continue;
                }
                // Report the entry the user wrote; when both are theirs, the later line.
                let (blamed, other) = match (&short.origin, &long.origin) {
                    (Some((a, _)), Some((b, _))) if b > a => (long, short),
                    (Some(_), _) => (short, long),
                    (None, Some(_)) => (long, short),
                    (None, None) => continue,
                };
                let Some((line, key)) = &blamed.origin else {
                    continue;
                };
                return Err(KeymapError {
                    file: source.map(Path::to_path_buf),
                    line: *line,
                    key: key.clone(),
                    problem: Problem::Conflict {
                        other: display_sequence(&other.keys),
                        other_command: other.command,
                    },
                });
            }
        }
        Ok(())
    }

    /// Matches one key event, continuing the sequence in `pending` if there is one. A key that does
    /// not continue the sequence drops the prefix and is matched on its own (so `g j` moves down).
    /// Only presses count; ctrl-c always quits.
    pub fn feed(&self, pending: &mut Pending, key: KeyEvent, now: Instant) -> Feed {
        if key.kind != KeyEventKind::Press {
            return Feed::Unbound;
        }
        let chord = KeyChord::from_event(&key);
        if chord.is_interrupt() {
            pending.clear();
            return Feed::Command(Command::Quit);
        }
        // A key that arrives after the deadline, before the App ran `expire`, starts afresh.
        if pending.deadline.is_some_and(|d| now >= d) {
            pending.clear();
        }
        if !pending.is_empty() {
            pending.keys.push(chord);
            if let Some(feed) = self.step(pending, now) {
                return feed;
            }
            pending.clear();
        }
        pending.keys.push(chord);
        self.step(pending, now).unwrap_or_else(|| {
            pending.clear();
            Feed::Unbound
        })
    }

    /// What `pending.keys` means now; `None` when nothing starts with them.
    fn step(&self, pending: &mut Pending, now: Instant) -> Option<Feed> {
        let (exact, longer) = self.lookup(&pending.keys);
        if longer {
            let until = now + SEQUENCE_TIMEOUT;
            pending.deadline = Some(until);
            Some(Feed::Pending { until })
        } else if let Some(command) = exact {
            pending.clear();
            Some(Feed::Command(command))
        } else {
            None
        }
    }

    /// Runs at the pending deadline: the prefix gives up waiting and fires its own binding, if it has
    /// one. Before the deadline (an early wake-up) it does nothing and keeps the prefix.
    pub fn expire(&self, pending: &mut Pending, now: Instant) -> Option<Command> {
        let deadline = pending.deadline?;
        if now < deadline {
            return None;
        }
        let (exact, _) = self.lookup(&pending.keys);
        pending.clear();
        exact
    }

    /// The command bound to exactly these keys, and whether a longer sequence starts with them.
    fn lookup(&self, keys: &[KeyChord]) -> (Option<Command>, bool) {
        let mut exact = None;
        let mut longer = false;
        for b in &self.bindings {
            if b.keys.len() >= keys.len() && b.keys[..keys.len()] == *keys {
                if b.keys.len() == keys.len() {
                    exact = Some(b.command);
                } else {
                    longer = true;
                }
            }
        }
        (exact, longer)
    }

    /// The key sequences bound to `command`, defaults first.
    pub fn keys_for(&self, command: Command) -> impl Iterator<Item = &[KeyChord]> {
        self.bindings
            .iter()
            .filter(move |b| b.command == command)
            .map(|b| b.keys.as_slice())
    }

    /// The keys bound to `command` in config notation, `", "`-separated; empty when unbound.
    pub fn describe(&self, command: Command) -> String {
        let keys: Vec<String> = self.keys_for(command).map(display_sequence).collect();
        keys.join(", ")
    }

    /// Short hints for the footer, `(keys, label)`, from the same command list as help.
    /// The four moves share one hint (`hjkl`); unbound commands are left out.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        let moves: Option<Vec<&[KeyChord]>> =
            [Command::Left, Command::Down, Command::Up, Command::Right]
                .into_iter()
                .map(|c| self.keys_for(c).next())
                .collect();
        if let Some(moves) = moves {
            let compact = moves.iter().all(|k| k.len() == 1 && k[0].is_plain_char());
            let texts: Vec<String> = moves.iter().map(|k| display_sequence(k)).collect();
            out.push((texts.join(if compact { "" } else { "/" }), "move"));
        }
        for &c in Command::ALL.iter().filter(|c| c.in_footer()) {
            if let Some(keys) = self.keys_for(c).next() {
                out.push((display_sequence(keys), c.label()));
            }
        }
        out
    }

    /// One row per command for the help popup, `(keys, description)`, in command-list order, then
    /// the keys that cannot be rebound: every key the board answers to outside the filter input.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        Command::ALL
            .iter()
            .map(|&c| {
                let keys = self.describe(c);
                let keys = if keys.is_empty() {
                    "(unbound)".to_string()
                } else {
                    keys
                };
                (keys, c.description())
            })
            .chain(
                FIXED_KEYS
                    .iter()
                    .map(|(keys, what)| ((*keys).to_owned(), *what)),
            )
            .collect()
    }
}

/// Reads `command = [keys]` in command-list order, refusing unknown commands and bad keys.
fn parse_defaults(text: &str) -> Result<Vec<Binding>, String> {
    let table: BTreeMap<String, Vec<String>> = toml::from_str(text).map_err(|e| e.to_string())?;
    if let Some(unknown) = table.keys().find(|name| Command::from_name(name).is_none()) {
        return Err(format!("unknown command {unknown:?}"));
    }
    let mut bindings = Vec::new();
    for &command in Command::ALL {
        for key in table.get(command.name()).into_iter().flatten() {
            let keys = parse_sequence(key).map_err(|e| format!("{key:?}: {e}"))?;
            bindings.push(Binding {
                keys,
                command,
                origin: None,
            });
        }
    }
    let map = Keymap { bindings };
    // Conflicts between two defaults are not caught by `check_conflicts`, which blames user lines.
    for a in &map.bindings {
        for b in &map.bindings {
            if b.keys.len() > a.keys.len() && b.keys[..a.keys.len()] == a.keys[..] {
                return Err(format!(
                    "{:?} hides {:?}",
                    display_sequence(&a.keys),
                    display_sequence(&b.keys)
                ));
            }
            if !std::ptr::eq(a, b) && a.keys == b.keys {
                return Err(format!("{:?} is bound twice", display_sequence(&a.keys)));
            }
        }
    }
    Ok(map.bindings)
}
