//! Key notation: `a`, `G`, `ctrl-d`, `enter`, `f5`, sequences as `"g g"`, parsed and written back.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key press with the modifiers that matter for binding, normalised so that a parsed chord and a
/// terminal event compare equal: the case of a character carries shift, so `G` never also needs SHIFT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Modifiers a binding can name; SUPER, HYPER and META are kept so they never match a plain binding.
const KEPT: KeyModifiers = KeyModifiers::CONTROL
    .union(KeyModifiers::ALT)
    .union(KeyModifiers::SHIFT)
    .union(KeyModifiers::SUPER)
    .union(KeyModifiers::HYPER)
    .union(KeyModifiers::META);

impl KeyChord {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut code = code;
        let mut modifiers = modifiers & KEPT;
        match code {
            // Terminals disagree on whether `G` or `?` arrives with SHIFT; the character already says it.
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                // Most terminals cannot tell ctrl-D from ctrl-d, so bindings never distinguish them.
                if modifiers.contains(KeyModifiers::CONTROL) && c.is_ascii_uppercase() {
                    code = KeyCode::Char(c.to_ascii_lowercase());
                }
            }
            KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
            _ => {}
        }
        Self { code, modifiers }
    }

    pub fn from_event(key: &KeyEvent) -> Self {
        Self::new(key.code, key.modifiers)
    }

    pub fn plain(c: char) -> Self {
        Self::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    /// Ctrl-c quits whatever the keymap says (the terminal contract), so it can never be bound.
    pub fn is_interrupt(&self) -> bool {
        self.code == KeyCode::Char('c') && self.modifiers == KeyModifiers::CONTROL
    }

    /// True for a plain printable character (no ctrl or alt): what the compact footer joins as `hjkl`.
    pub fn is_plain_char(&self) -> bool {
        matches!(self.code, KeyCode::Char(c) if c != ' ') && self.modifiers.is_empty()
    }
}

/// Named keys, as written in the config. The first name of a key is the one it is displayed with.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
];

/// Why a key could not be read; completed into a one-line error by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotationError {
    Empty,
    UnknownName(String),
    ShiftOnSymbol(char),
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the key is empty"),
            Self::UnknownName(name) => write!(
                f,
                "{name:?} is not a key name; write a character (a, G, /), ctrl-x, alt-x, enter, esc, tab, \
                 space, backspace, up, down, left, right, pageup, pagedown, home, end or f1..f12"
            ),
            Self::ShiftOnSymbol(c) => {
                write!(
                    f,
                    "shift-{c} names no key; write the shifted character itself (as in G or ?)"
                )
            }
        }
    }
}

/// Parses a space-separated key sequence: `"g g"`, `"ctrl-d"`, `"G"`.
pub fn parse_sequence(text: &str) -> Result<Vec<KeyChord>, NotationError> {
    let chords = text
        .split_whitespace()
        .map(parse_chord)
        .collect::<Result<Vec<_>, _>>()?;
    if chords.is_empty() {
        return Err(NotationError::Empty);
    }
    Ok(chords)
}

/// Parses one chord: modifiers (`ctrl-`, `alt-`, `shift-`) then a character or a key name.
pub fn parse_chord(text: &str) -> Result<KeyChord, NotationError> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        // "ctrl--" binds ctrl and the minus key: a modifier needs something after its dash.
        let step = [
            ("ctrl-", KeyModifiers::CONTROL),
            ("alt-", KeyModifiers::ALT),
            ("shift-", KeyModifiers::SHIFT),
        ]
        .into_iter()
        .find(|(prefix, _)| lower.starts_with(prefix) && rest.len() > prefix.len());
        match step {
            Some((prefix, m)) => {
                modifiers |= m;
                rest = &rest[prefix.len()..];
            }
            None => break,
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(NotationError::Empty),
        (Some(c), None) => {
            if modifiers.contains(KeyModifiers::SHIFT) {
                if !c.is_alphabetic() {
                    return Err(NotationError::ShiftOnSymbol(c));
                }
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            } else {
                KeyCode::Char(c)
            }
        }
        _ => named(rest).ok_or_else(|| NotationError::UnknownName(rest.to_string()))?,
    };
    let code = if code == KeyCode::Tab && modifiers.contains(KeyModifiers::SHIFT) {
        KeyCode::BackTab
    } else {
        code
    };
    Ok(KeyChord::new(code, modifiers))
}

fn named(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=12).contains(&n).then_some(KeyCode::F(n));
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, code)| *code)
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code:?}"),
            },
        }
    }
}

/// Writes a sequence back in config notation: `g g`.
pub fn display_sequence(keys: &[KeyChord]) -> String {
    let mut out = String::new();
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&k.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chord(code: KeyCode, m: KeyModifiers) -> KeyChord {
        KeyChord::new(code, m)
    }

    #[test]
    fn notation_table() {
        let ctrl = KeyModifiers::CONTROL;
        let none = KeyModifiers::NONE;
        let table: &[(&str, KeyChord)] = &[
            ("a", chord(KeyCode::Char('a'), none)),
            ("G", chord(KeyCode::Char('G'), none)),
            ("shift-g", chord(KeyCode::Char('G'), none)),
            ("?", chord(KeyCode::Char('?'), none)),
            ("/", chord(KeyCode::Char('/'), none)),
            ("-", chord(KeyCode::Char('-'), none)),
            ("ctrl-d", chord(KeyCode::Char('d'), ctrl)),
            ("Ctrl-D", chord(KeyCode::Char('d'), ctrl)),
            ("ctrl--", chord(KeyCode::Char('-'), ctrl)),
            ("alt-x", chord(KeyCode::Char('x'), KeyModifiers::ALT)),
            (
                "ctrl-alt-x",
                chord(KeyCode::Char('x'), ctrl | KeyModifiers::ALT),
            ),
            ("enter", chord(KeyCode::Enter, none)),
            ("Return", chord(KeyCode::Enter, none)),
            ("esc", chord(KeyCode::Esc, none)),
            ("tab", chord(KeyCode::Tab, none)),
            ("shift-tab", chord(KeyCode::BackTab, none)),
            ("space", chord(KeyCode::Char(' '), none)),
            ("up", chord(KeyCode::Up, none)),
            ("down", chord(KeyCode::Down, none)),
            ("left", chord(KeyCode::Left, none)),
            ("right", chord(KeyCode::Right, none)),
            ("pageup", chord(KeyCode::PageUp, none)),
            ("pagedown", chord(KeyCode::PageDown, none)),
            ("home", chord(KeyCode::Home, none)),
            ("end", chord(KeyCode::End, none)),
            ("f1", chord(KeyCode::F(1), none)),
            ("F12", chord(KeyCode::F(12), none)),
            ("ctrl-up", chord(KeyCode::Up, ctrl)),
        ];
        for (text, want) in table {
            assert_eq!(parse_chord(text).as_ref(), Ok(want), "{text}");
        }
    }

    #[test]
    fn bad_notation_is_refused() {
        assert!(matches!(
            parse_chord("f13"),
            Err(NotationError::UnknownName(_))
        ));
        assert!(matches!(
            parse_chord("enterr"),
            Err(NotationError::UnknownName(_))
        ));
        assert!(matches!(
            parse_chord("ctrl-"),
            Err(NotationError::UnknownName(_))
        ));
        assert_eq!(
            parse_chord("shift-1"),
            Err(NotationError::ShiftOnSymbol('1'))
        );
        assert_eq!(parse_sequence("   "), Err(NotationError::Empty));
        assert_eq!(parse_chord(""), Err(NotationError::Empty));
    }

    #[test]
    fn sequences_split_on_spaces_and_display_back() {
        let seq = parse_sequence("g  g").unwrap();
        assert_eq!(seq, vec![KeyChord::plain('g'), KeyChord::plain('g')]);
        assert_eq!(display_sequence(&seq), "g g");
        for text in [
            "ctrl-d",
            "G",
            "space",
            "f5",
            "alt-enter",
            "pagedown",
            "backtab",
        ] {
            assert_eq!(display_sequence(&parse_sequence(text).unwrap()), text);
        }
    }

    #[test]
    fn terminal_events_normalise_like_parsed_keys() {
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&shifted_g), parse_chord("G").unwrap());
        let shifted_q = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&shifted_q), parse_chord("?").unwrap());
        let ctrl_shift_d = KeyEvent::new(
            KeyCode::Char('D'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(
            KeyChord::from_event(&ctrl_shift_d),
            parse_chord("ctrl-d").unwrap()
        );
        let backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            KeyChord::from_event(&backtab),
            parse_chord("shift-tab").unwrap()
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(KeyChord::from_event(&ctrl_c).is_interrupt());
        assert!(!KeyChord::plain('c').is_interrupt());
    }
}
