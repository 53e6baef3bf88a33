//! Desktop notifications written to the terminal: OSC 9 (iTerm2, kitty, `WezTerm`, ghostty) and OSC
//! 777 `notify` (rxvt-unicode, foot, `WezTerm`, kitty, ghostty). The text in them is a colleague's name:
//! untrusted. It is sanitized, and then every character that could end the sequence or start another
//! (ESC, BEL, C0, DEL, C1, and the field separator `;` of OSC 777) is dropped, so a hostile name can
//! neither close the sequence early nor smuggle one of its own.

use crate::paths::Env;
use crate::text::SafeText;

/// `[watch] desktop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Desktop {
    Auto,
    Osc9,
    Osc777,
    Off,
}

/// The notification sequence in force, decided once at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub kind: Kind,
    /// Wrapped in tmux's passthrough (`ESC P tmux; … ESC \`).
    pub passthrough: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Osc9,
    Osc777,
}

/// Longest text put in a notification: a sentence, not a message.
const MAX_CHARS: usize = 200;

/// Text that cannot leave the sequence it is put in.
fn inert(text: &str, separator: bool) -> String {
    SafeText::line(text)
        .as_str()
        .chars()
        .filter(|&c| !c.is_control() && !('\u{80}'..='\u{9f}').contains(&c))
        .filter(|&c| !(separator && c == ';'))
        .take(MAX_CHARS)
        .collect()
}

/// OSC 9: `ESC ] 9 ; text BEL`. The text starts with "teamboard: " so it never reads as one of
/// the numbered OSC 9 sub-commands some terminals have (`9;4;…` is a progress bar).
pub fn osc9(text: &str) -> String {
    format!("\x1b]9;teamboard: {}\x07", inert(text, false))
}

/// OSC 777: `ESC ] 777 ; notify ; title ; body BEL`.
pub fn osc777(title: &str, body: &str) -> String {
    format!(
        "\x1b]777;notify;{};{}\x07",
        inert(title, true),
        inert(body, true)
    )
}

/// `sequence` wrapped for tmux to hand to the terminal outside it: every ESC inside doubled.
pub fn tmux_passthrough(sequence: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
}

impl Sequence {
    /// The bytes that show `text` as a notification.
    pub fn build(self, text: &str) -> String {
        let raw = match self.kind {
            Kind::Osc9 => osc9(text),
            Kind::Osc777 => osc777("teamboard", text),
        };
        if self.passthrough {
            tmux_passthrough(&raw)
        } else {
            raw
        }
    }

    /// The sequence for `desktop` in this environment. `auto` picks one only for a terminal known to
    /// show it (named by its own variables, which also reach a tmux inside it); inside tmux it goes
    /// through the passthrough only when `tmux_passthrough` says tmux allows it (`allow-passthrough`),
    /// else not at all: tmux would swallow it.
    pub fn choose(desktop: Desktop, env: &dyn Env, tmux_passthrough: bool) -> Option<Sequence> {
        let in_tmux = set(env, "TMUX");
        let kind = match desktop {
            Desktop::Off => return None,
            Desktop::Osc9 => Kind::Osc9,
            Desktop::Osc777 => Kind::Osc777,
            Desktop::Auto => {
                if in_tmux && !tmux_passthrough {
                    return None;
                }
                known_terminal(env, in_tmux)?
            }
        };
        Some(Sequence {
            kind,
            passthrough: in_tmux && tmux_passthrough,
        })
    }
}

fn set(env: &dyn Env, name: &str) -> bool {
    env.var(name).is_some_and(|v| !v.is_empty())
}

fn var(env: &dyn Env, name: &str) -> String {
    env.var(name)
        .map(|v| v.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The notification a terminal is known to show. Inside tmux, `TERM` and `TERM_PROGRAM` are
/// tmux's own: only the outer terminal's variables inherited by the session say who it is.
fn known_terminal(env: &dyn Env, in_tmux: bool) -> Option<Kind> {
    if set(env, "KITTY_WINDOW_ID") || set(env, "WEZTERM_PANE") || set(env, "GHOSTTY_RESOURCES_DIR")
    {
        return Some(Kind::Osc9);
    }
    if var(env, "LC_TERMINAL") == "iterm2" {
        return Some(Kind::Osc9);
    }
    if in_tmux {
        return None;
    }
    let program = var(env, "TERM_PROGRAM");
    let term = var(env, "TERM");
    if matches!(program.as_str(), "iterm.app" | "wezterm" | "ghostty")
        || term.starts_with("xterm-kitty")
        || term.starts_with("xterm-ghostty")
    {
        Some(Kind::Osc9)
    } else if term.starts_with("foot") || term.starts_with("rxvt-unicode") {
        Some(Kind::Osc777)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    const HOSTILE: &str =
        "Ann\x1b\\\x07\u{9c}\u{9d}\u{9b}\x1b]0;pwned\x07;evil\x1b[2J\r\nSmith\u{202e}";

    /// The sequence's own terminator is the last byte, and nothing before it can end or start one.
    fn assert_closed_only_at_the_end(seq: &str, prefix: &str) {
        assert!(seq.starts_with(prefix), "{seq:?}");
        assert!(seq.ends_with('\x07'), "{seq:?}");
        let body = &seq[prefix.len()..seq.len() - 1];
        for c in body.chars() {
            assert!(
                !c.is_control() && !('\u{80}'..='\u{9f}').contains(&c),
                "{c:?} inside {seq:?}"
            );
        }
        assert!(!body.contains('\x1b') && !body.contains('\x07'));
    }

    #[test]
    fn a_hostile_name_cannot_close_or_open_a_sequence() {
        let nine = osc9(&format!("{HOSTILE} is Available"));
        assert_closed_only_at_the_end(&nine, "\x1b]9;");
        assert!(nine.contains("teamboard: Ann"), "{nine:?}");
        assert!(nine.contains("Smith is Available"), "{nine:?}");
        let seven = osc777("teamboard", &format!("{HOSTILE} is Available"));
        assert_closed_only_at_the_end(&seven, "\x1b]777;notify;");
        // The body is the last field: no separator from the name can add one.
        assert_eq!(seven.matches(';').count(), 3, "{seven:?}");
        let huge = osc9(&"x".repeat(100_000));
        assert!(huge.len() < 300);
    }

    #[test]
    fn tmux_passthrough_doubles_every_escape_and_ends_with_st() {
        let wrapped = tmux_passthrough("\x1b]9;teamboard: hi\x07");
        assert_eq!(wrapped, "\x1bPtmux;\x1b\x1b]9;teamboard: hi\x07\x1b\\");
        let seq = Sequence {
            kind: Kind::Osc777,
            passthrough: true,
        }
        .build(HOSTILE);
        // Inside the wrapper, ESC only ever comes doubled; the wrapper's ST is the end.
        let inner = &seq["\x1bPtmux;".len()..seq.len() - 2];
        assert_eq!(inner.matches('\x1b').count(), 2, "{seq:?}");
        assert!(inner.starts_with("\x1b\x1b]777;notify;teamboard;"));
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn auto_picks_only_what_the_terminal_shows_and_tmux_allows() {
        let direct = |kind| {
            Some(Sequence {
                kind,
                passthrough: false,
            })
        };
        let choose = |d, e: &dyn Env, p| Sequence::choose(d, e, p);
        assert_eq!(
            choose(Desktop::Auto, &env(&[("TERM_PROGRAM", "iTerm.app")]), false),
            direct(Kind::Osc9)
        );
        assert_eq!(
            choose(Desktop::Auto, &env(&[("TERM", "foot")]), false),
            direct(Kind::Osc777)
        );
        assert_eq!(
            choose(Desktop::Auto, &env(&[("TERM", "xterm-256color")]), false),
            None
        );
        // In tmux inside kitty: through the passthrough only when tmux allows it.
        let kitty_tmux = env(&[
            ("TMUX", "/tmp/tmux-1/default,1,0"),
            ("KITTY_WINDOW_ID", "1"),
        ]);
        assert_eq!(choose(Desktop::Auto, &kitty_tmux, false), None);
        assert_eq!(
            choose(Desktop::Auto, &kitty_tmux, true),
            Some(Sequence {
                kind: Kind::Osc9,
                passthrough: true
            })
        );
        // tmux's own TERM_PROGRAM says nothing about the terminal outside it.
        let plain_tmux = env(&[("TMUX", "x"), ("TERM_PROGRAM", "tmux")]);
        assert_eq!(choose(Desktop::Auto, &plain_tmux, true), None);
        assert_eq!(choose(Desktop::Off, &env(&[("TERM", "foot")]), false), None);
        assert_eq!(
            choose(Desktop::Osc777, &plain_tmux, false),
            direct(Kind::Osc777)
        );
    }
}
