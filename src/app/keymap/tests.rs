//! Keymap tests: every default key, sequences, expiry, overrides and their errors.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;

fn key(text: &str) -> KeyEvent {
    let chord = parse_chord(text).unwrap();
    KeyEvent::new(chord.code, chord.modifiers)
}

fn ov(key: &str, command: &str, line: usize) -> KeyOverride {
    KeyOverride {
        key: key.into(),
        command: command.into(),
        line,
    }
}

/// Feeds a space-separated key sequence at `t0`, returning each answer.
fn feed_all(map: &Keymap, pending: &mut Pending, keys: &str, t0: Instant) -> Vec<Feed> {
    keys.split_whitespace()
        .map(|k| map.feed(pending, key(k), t0))
        .collect()
}

#[test]
fn the_embedded_default_keymap_parses_and_binds_every_command() {
    let bindings = parse_defaults(DEFAULT_KEYMAP).unwrap();
    for &c in Command::ALL {
        assert!(
            bindings.iter().any(|b| b.command == c),
            "{} has no default key",
            c.name()
        );
    }
    assert!(
        bindings
            .iter()
            .all(|b| !b.keys.iter().any(KeyChord::is_interrupt)),
        "ctrl-c is the terminal contract, not a binding"
    );
}

#[test]
fn every_default_key_runs_its_command() {
    let map = Keymap::defaults();
    let t0 = Instant::now();
    let table: &[(&str, Command)] = &[
        ("h", Command::Left),
        ("left", Command::Left),
        ("j", Command::Down),
        ("down", Command::Down),
        ("k", Command::Up),
        ("up", Command::Up),
        ("l", Command::Right),
        ("right", Command::Right),
        ("home", Command::First),
        ("G", Command::Last),
        ("end", Command::Last),
        ("ctrl-d", Command::HalfPageDown),
        ("ctrl-u", Command::HalfPageUp),
        ("pagedown", Command::PageDown),
        ("pageup", Command::PageUp),
        ("/", Command::Filter),
        ("enter", Command::Details),
        ("s", Command::CycleSort),
        ("r", Command::Refresh),
        ("?", Command::Help),
        ("q", Command::Quit),
    ];
    for (text, want) in table {
        let mut pending = Pending::default();
        assert_eq!(
            map.feed(&mut pending, key(text), t0),
            Feed::Command(*want),
            "{text}"
        );
        assert!(pending.is_empty(), "{text} left a prefix");
    }
}

#[test]
fn shift_reported_or_not_the_uppercase_key_is_the_same() {
    let map = Keymap::defaults();
    let mut pending = Pending::default();
    let t0 = Instant::now();
    let with_shift = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(
        map.feed(&mut pending, with_shift, t0),
        Feed::Command(Command::Last)
    );
    let question = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert_eq!(
        map.feed(&mut pending, question, t0),
        Feed::Command(Command::Help)
    );
    // Lowercase g is not G.
    assert!(matches!(
        map.feed(&mut pending, key("g"), t0),
        Feed::Pending { .. }
    ));
}

#[test]
fn g_g_is_a_sequence_and_a_lone_g_waits_with_a_deadline() {
    let map = Keymap::defaults();
    let mut pending = Pending::default();
    let t0 = Instant::now();
    assert_eq!(
        map.feed(&mut pending, key("g"), t0),
        Feed::Pending {
            until: t0 + SEQUENCE_TIMEOUT
        }
    );
    assert_eq!(pending.deadline(), Some(t0 + SEQUENCE_TIMEOUT));
    assert_eq!(pending.keys_text(), "g");
    let t1 = t0 + Duration::from_millis(300);
    assert_eq!(
        map.feed(&mut pending, key("g"), t1),
        Feed::Command(Command::First)
    );
    assert!(pending.is_empty());
    assert_eq!(pending.deadline(), None);
}

#[test]
fn a_key_that_breaks_the_sequence_is_matched_on_its_own() {
    let map = Keymap::defaults();
    let mut pending = Pending::default();
    let t0 = Instant::now();
    assert_eq!(
        feed_all(&map, &mut pending, "g j", t0),
        vec![
            Feed::Pending {
                until: t0 + SEQUENCE_TIMEOUT
            },
            Feed::Command(Command::Down)
        ]
    );
    assert!(pending.is_empty());
    // An unbound key after the prefix drops both.
    assert_eq!(feed_all(&map, &mut pending, "g x", t0)[1], Feed::Unbound);
    assert!(pending.is_empty());
    // `g G` runs Last, `g g g` is First then a new prefix.
    assert_eq!(
        feed_all(&map, &mut pending, "g G", t0)[1],
        Feed::Command(Command::Last)
    );
    let three = feed_all(&map, &mut pending, "g g g", t0);
    assert_eq!(three[1], Feed::Command(Command::First));
    assert!(matches!(three[2], Feed::Pending { .. }));
}

#[test]
fn expire_drops_a_prefix_without_a_binding_and_ignores_early_wakeups() {
    let map = Keymap::defaults();
    let mut pending = Pending::default();
    let t0 = Instant::now();
    map.feed(&mut pending, key("g"), t0);
    assert_eq!(
        map.expire(&mut pending, t0 + Duration::from_millis(999)),
        None
    );
    assert!(!pending.is_empty(), "an early wake-up keeps the prefix");
    assert_eq!(map.expire(&mut pending, t0 + SEQUENCE_TIMEOUT), None);
    assert!(pending.is_empty());
    // With nothing pending, expire is a no-op.
    assert_eq!(map.expire(&mut pending, t0 + SEQUENCE_TIMEOUT * 5), None);
}

#[test]
fn expire_fires_the_prefix_own_binding_when_it_has_one() {
    // Validated keymaps refuse this shape, but the matcher handles it (vim's timeoutlen).
    let mut map = Keymap::defaults();
    map.bindings.push(Binding {
        keys: parse_sequence("g").unwrap(),
        command: Command::Refresh,
        origin: None,
    });
    let mut pending = Pending::default();
    let t0 = Instant::now();
    assert!(matches!(
        map.feed(&mut pending, key("g"), t0),
        Feed::Pending { .. }
    ));
    assert_eq!(
        map.expire(&mut pending, t0 + SEQUENCE_TIMEOUT),
        Some(Command::Refresh)
    );
    assert!(pending.is_empty());
    map.feed(&mut pending, key("g"), t0);
    assert_eq!(
        map.feed(&mut pending, key("g"), t0),
        Feed::Command(Command::First)
    );
}

#[test]
fn a_key_after_the_deadline_starts_afresh() {
    let map = Keymap::defaults();
    let mut pending = Pending::default();
    let t0 = Instant::now();
    map.feed(&mut pending, key("g"), t0);
    // The deadline passed but the App has not run expire yet: the second g is a new prefix.
    let late = t0 + SEQUENCE_TIMEOUT + Duration::from_millis(1);
    assert_eq!(
        map.feed(&mut pending, key("g"), late),
        Feed::Pending {
            until: late + SEQUENCE_TIMEOUT
        }
    );
}

#[test]
fn ctrl_c_always_quits_and_releases_events_are_ignored() {
    let map = Keymap::defaults();
    let mut pending = Pending::default();
    let t0 = Instant::now();
    map.feed(&mut pending, key("g"), t0);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(
        map.feed(&mut pending, ctrl_c, t0),
        Feed::Command(Command::Quit)
    );
    assert!(pending.is_empty());
    assert!(is_interrupt(&ctrl_c));
    let release = KeyEvent::new_with_kind(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert_eq!(map.feed(&mut pending, release, t0), Feed::Unbound);
    let repeat =
        KeyEvent::new_with_kind(KeyCode::Char('q'), KeyModifiers::NONE, KeyEventKind::Repeat);
    assert_eq!(map.feed(&mut pending, repeat, t0), Feed::Unbound);
    assert_eq!(map.feed(&mut pending, key("x"), t0), Feed::Unbound);
    assert_eq!(map.feed(&mut pending, key("ctrl-q"), t0), Feed::Unbound);
}

#[test]
fn overrides_add_keys_and_replace_default_bindings() {
    let overrides = [
        ov("ctrl-f", "page_down", 3),
        ov("j", "move_up", 4),
        ov("q", "none", 5),
        ov("x", "Quit", 6),
        ov("z z", "first", 7),
    ];
    let map = Keymap::with_overrides(&overrides, Some(Path::new("/cfg/config.toml"))).unwrap();
    let t0 = Instant::now();
    let mut p = Pending::default();
    assert_eq!(
        map.feed(&mut p, key("ctrl-f"), t0),
        Feed::Command(Command::PageDown)
    );
    assert_eq!(
        map.feed(&mut p, key("pagedown"), t0),
        Feed::Command(Command::PageDown)
    );
    assert_eq!(map.feed(&mut p, key("j"), t0), Feed::Command(Command::Up));
    assert_eq!(
        map.feed(&mut p, key("down"), t0),
        Feed::Command(Command::Down)
    );
    assert_eq!(map.feed(&mut p, key("q"), t0), Feed::Unbound);
    assert_eq!(map.feed(&mut p, key("x"), t0), Feed::Command(Command::Quit));
    assert_eq!(
        feed_all(&map, &mut p, "z z", t0)[1],
        Feed::Command(Command::First)
    );
    assert_eq!(map.describe(Command::Down), "down");
    assert_eq!(map.describe(Command::Up), "k, up, j");
    assert_eq!(map.describe(Command::Quit), "x");
    assert_eq!(map.describe(Command::PageDown), "pagedown, ctrl-f");
}

#[test]
fn unbinding_a_sequence_frees_its_prefix() {
    let overrides = [ov("g g", "none", 2), ov("g", "first", 3)];
    let map = Keymap::with_overrides(&overrides, None).unwrap();
    let mut p = Pending::default();
    assert_eq!(
        map.feed(&mut p, key("g"), Instant::now()),
        Feed::Command(Command::First)
    );
    assert_eq!(map.describe(Command::First), "home, g");
}

fn refused(overrides: &[KeyOverride]) -> (KeymapError, String) {
    let e = Keymap::with_overrides(
        overrides,
        Some(Path::new("/home/me/.config/teamboard/config.toml")),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    assert!(
        text.starts_with("/home/me/.config/teamboard/config.toml:"),
        "{text}"
    );
    (e, text)
}

#[test]
fn an_unknown_command_names_file_line_key_and_the_valid_names() {
    let (e, text) = refused(&[ov("ctrl-f", "page_dwn", 12)]);
    assert_eq!(e.line, 12);
    assert!(matches!(e.problem, Problem::UnknownCommand(_)));
    assert!(
        text.starts_with("/home/me/.config/teamboard/config.toml:12: [keys] \"ctrl-f\":"),
        "{text}"
    );
    assert!(text.contains("\"page_dwn\""), "{text}");
    for name in [
        "move_left",
        "page_down",
        "half_page_up",
        "cycle_sort",
        "quit",
        "none",
    ] {
        assert!(text.contains(name), "{name} missing from {text}");
    }
}

#[test]
fn an_unparsable_key_is_refused_with_its_line() {
    let (e, text) = refused(&[ov("x", "quit", 2), ov("ctrl-enterr", "quit", 9)]);
    assert_eq!(e.line, 9);
    assert!(matches!(
        e.problem,
        Problem::BadKey(NotationError::UnknownName(_))
    ));
    assert!(
        text.contains(":9: [keys] \"ctrl-enterr\": \"enterr\" is not a key name"),
        "{text}"
    );
    let (e, _) = refused(&[ov("", "quit", 4)]);
    assert_eq!(e.problem, Problem::BadKey(NotationError::Empty));
}

#[test]
fn ctrl_c_cannot_be_bound() {
    let (e, text) = refused(&[ov("ctrl-c", "refresh", 5)]);
    assert_eq!(e.problem, Problem::Interrupt);
    assert!(text.contains("ctrl-c always quits"), "{text}");
    let (e, _) = refused(&[ov("g ctrl-c", "refresh", 6)]);
    assert_eq!(e.problem, Problem::Interrupt);
}

#[test]
fn a_key_bound_alone_and_as_a_prefix_is_refused() {
    // `g` alone would make the default `g g` wait or vanish.
    let (e, text) = refused(&[ov("g", "refresh", 7)]);
    assert_eq!(e.line, 7);
    assert_eq!(
        e.problem,
        Problem::Conflict {
            other: "g g".into(),
            other_command: Command::First
        }
    );
    assert!(
        text.contains("\"g g\" = \"none\""),
        "the fix is named: {text}"
    );
    // The other way round: a new sequence starting with a bound key.
    let (e, text) = refused(&[ov("j j", "last", 8)]);
    assert_eq!(e.line, 8);
    assert!(text.contains("[keys] \"j j\""), "{text}");
    // Both written by the user: the later line is blamed.
    let (e, _) = refused(&[ov("z", "refresh", 3), ov("z x", "quit", 4)]);
    assert_eq!(e.line, 4);
}

#[test]
fn errors_without_a_file_say_config_line_and_sanitize_what_the_user_wrote() {
    let e = Keymap::with_overrides(&[ov("x", "\u{1b}[31mevil", 3)], None).unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("config line 3: "), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
    let failure: crate::exit::Failure = e.into();
    assert_eq!(failure.exit, crate::exit::Exit::Usage);
}

#[test]
fn hints_and_help_come_from_the_same_bindings() {
    let map = Keymap::defaults();
    let hints = map.hints();
    assert_eq!(
        hints,
        vec![
            ("hjkl".to_string(), "move"),
            ("/".to_string(), "filter"),
            ("enter".to_string(), "details"),
            ("s".to_string(), "sort"),
            ("r".to_string(), "refresh"),
            ("?".to_string(), "help"),
            ("q".to_string(), "quit"),
        ]
    );
    let rows = map.help_rows();
    assert_eq!(rows.len(), Command::ALL.len() + FIXED_KEYS.len());
    assert!(
        rows.iter().any(|(keys, _)| keys == "ctrl-z"),
        "help lists ctrl-z"
    );
    assert_eq!(
        rows[0],
        ("h, left".to_string(), Command::Left.description())
    );
    assert_eq!(rows[Command::First as usize].0, "g g, home");

    let rebound = Keymap::with_overrides(
        &[ov("h", "none", 1), ov("?", "none", 2), ov("f1", "help", 3)],
        None,
    )
    .unwrap();
    let hints = rebound.hints();
    assert_eq!(hints[0].0, "left/j/k/l");
    assert!(hints.contains(&("f1".to_string(), "help")));
    assert_eq!(rebound.help_rows()[Command::Help as usize].0, "f1");
    let no_quit = Keymap::with_overrides(&[ov("q", "none", 1)], None).unwrap();
    assert!(no_quit.hints().iter().all(|(_, label)| *label != "quit"));
    assert_eq!(no_quit.help_rows()[Command::Quit as usize].0, "(unbound)");
}
