//! What a real terminal (tmux) shows after hours of use: no stray marks or halves of characters, no
//! moved borders, popups that keep their edges, and the keys a tmux user reaches for.
//!
//! Without tmux these tests print a loud SKIPPED line and pass, unless `TEAMBOARD_E2E=require`.
//! Waiting is a bounded poll of the pane, never a timing assertion.

use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthChar;

mod support {
    pub mod tmux;
}
use support::tmux::{Pane, tmux_installed};

/// Columns tmux gives a character it stores (wcwidth: a spacing mark takes a column of its own).
fn columns(c: char) -> usize {
    match c.width() {
        Some(0) | None if teamboard::text::is_spacing_mark(c) => 1,
        Some(w) => w,
        None => 0,
    }
}

/// A combining mark (general category Mn or Mc): drawn on the character before it.
fn is_mark(c: char) -> bool {
    let invisible = matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}');
    teamboard::text::is_spacing_mark(c) || (c.width() == Some(0) && !invisible && !c.is_control())
}

/// Marks made for any script (accents over Latin, Greek, Cyrillic letters).
fn is_generic_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_box_drawing(c: char) -> bool {
    ('\u{2500}'..='\u{257F}').contains(&c)
}

/// Every combining mark on screen sits on a letter of its own script: never on a space, a border or a
/// character of another script (a mark left behind in a cell the board rewrote).
fn stray_marks(screen: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in screen.lines() {
        let mut base: Option<char> = None;
        for c in line.chars() {
            if !is_mark(c) {
                base = Some(c);
                continue;
            }
            let ok = base.is_some_and(|b| {
                !b.is_whitespace()
                    && !is_box_drawing(b)
                    && if is_generic_mark(c) {
                        b.is_alphabetic()
                    } else {
                        u32::from(b) >> 7 == u32::from(c) >> 7
                    }
            });
            if !ok {
                found.push(format!("U+{:04X} after {base:?} in {line:?}", u32::from(c)));
            }
        }
    }
    found
}

/// Columns of the card and popup borders on each line: corners and vertical bars.
fn border_columns(line: &str) -> Vec<(usize, char)> {
    let mut x = 0;
    let mut out = Vec::new();
    for c in line.chars() {
        if "╭╮╰╯┏┓┗┛┌┐└┘│┃".contains(c) {
            out.push((x, c));
        }
        x += columns(c);
    }
    out
}

/// Every vertical border stands in a column where a card or popup corner is: a border pushed sideways
/// by text measured too narrow stands where no corner is.
fn moved_borders(screen: &str) -> Vec<String> {
    let corners: std::collections::BTreeSet<usize> = screen
        .lines()
        .flat_map(border_columns)
        .filter(|(_, c)| !"│┃".contains(*c))
        .map(|(x, _)| x)
        .collect();
    let mut found = Vec::new();
    for line in screen.lines() {
        for (x, c) in border_columns(line) {
            if "│┃".contains(c) && !corners.contains(&x) {
                found.push(format!("{c} at column {x} in {line:?}"));
            }
        }
    }
    found
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Checks the screen now; returns what is wrong, with the screen.
fn problems(pane: &Pane) -> Option<String> {
    let screen = pane.screen();
    let mut found = stray_marks(&screen);
    found.extend(moved_borders(&screen));
    if screen.chars().any(is_regional_indicator) {
        found.push("a regional indicator (half a flag) on screen".to_owned());
    }
    (!found.is_empty()).then(|| format!("{}\n{screen}", found.join("\n")))
}

/// Watches the pane for `for_how_long`, checking it every few hundred milliseconds.
fn watch(pane: &Pane, for_how_long: Duration, seen: &mut String) {
    let start = Instant::now();
    while start.elapsed() < for_how_long {
        let screen = pane.screen();
        seen.push_str(&screen);
        if let Some(problem) = problems(pane) {
            panic!("after {:?}: {problem}", start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn has_cards(screen: &str) -> bool {
    (screen.contains('╭') || screen.contains('┏')) && screen.contains("Available")
}

fn has_script(text: &str, range: std::ops::RangeInclusive<char>) -> bool {
    text.chars().any(|c| range.contains(&c))
}

/// Indic and Thai names and messages on a board that keeps changing (the workday tenant, time
/// compressed), filtered, with details open over it, and resized: no mark ever ends up away from its
/// letter and no border moves.
#[test]
fn indic_and_thai_text_never_tears_the_board() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board("--demo --team-size 60", 160, 45);
    pane.wait_for("cards", has_cards);
    let mut seen = String::new();
    watch(&pane, Duration::from_secs(8), &mut seen);
    // A filter moves everyone; then back.
    pane.keys(&["/", "a"]);
    watch(&pane, Duration::from_secs(4), &mut seen);
    pane.keys(&["Escape"]);
    watch(&pane, Duration::from_secs(4), &mut seen);
    // Details over the cards, moving from person to person underneath.
    pane.keys(&["Enter"]);
    for _ in 0..6 {
        pane.keys(&["l"]);
        watch(&pane, Duration::from_millis(700), &mut seen);
    }
    pane.keys(&["Escape"]);
    watch(&pane, Duration::from_secs(3), &mut seen);
    for (w, h) in [(131, 40), (97, 30), (160, 45)] {
        pane.resize(w, h);
        watch(&pane, Duration::from_secs(2), &mut seen);
    }
    pane.keys(&["C-l"]);
    watch(&pane, Duration::from_secs(4), &mut seen);
    assert!(
        has_script(&seen, '\u{0900}'..='\u{097F}'),
        "no Devanagari was ever on screen"
    );
    assert!(
        has_script(&seen, '\u{0E00}'..='\u{0E7F}'),
        "no Thai was ever on screen"
    );
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}

/// Where each character of a captured line starts and ends, in columns.
fn spans(line: &str) -> Vec<(usize, usize, char)> {
    let mut x = 0;
    let mut out = Vec::new();
    for c in line.chars() {
        let w = columns(c);
        if w > 0 {
            out.push((x, x + w, c));
        }
        x += w;
    }
    out
}

/// The details popup on screen: (top row, bottom row, left column, right column), borders included.
fn popup_box(screen: &str) -> Option<(usize, usize, usize, usize)> {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains('┌'))?;
    let bottom = lines.iter().position(|l| l.contains('└'))?;
    let corner = |line: &str, c: char| spans(line).into_iter().find(|s| s.2 == c).map(|s| s.0);
    Some((
        top,
        bottom,
        corner(lines[top], '┌')?,
        corner(lines[top], '┐')?,
    ))
}

/// Details opened over Japanese, Chinese, Korean and emoji at many widths: wherever a popup edge cuts a
/// double-width character, the popup keeps both borders in their columns and its text stays put.
#[test]
fn popups_keep_their_borders_over_wide_characters() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board("--demo --scenario static --team-size 60", 100, 40);
    pane.wait_for("cards", has_cards);
    let mut cuts = 0;
    for width in 100..=107u16 {
        pane.resize(width, 40);
        for step in 0..4 {
            let board = pane.wait_for("the board", |s| {
                (s.contains('╭') || s.contains('┏'))
                    && !s.contains('┌')
                    && s.lines().next().is_some_and(|l| l.contains("updated"))
            });
            pane.keys(&["Enter"]);
            let screen = pane.wait_for(&format!("details at {width} columns, step {step}"), |s| {
                s.contains("Availability") && s.contains('└')
            });
            assert!(
                popup_box(&screen).is_some(),
                "a popup without its corners:\n{screen}"
            );
            let (top, bottom, left, right) = popup_box(&screen).unwrap_or_default();
            let board_lines: Vec<&str> = board.lines().collect();
            for (y, line) in screen.lines().enumerate().take(bottom + 1).skip(top) {
                let cells = spans(line);
                for edge in [left, right] {
                    assert!(
                        cells
                            .iter()
                            .any(|&(x, _, c)| x == edge && "│┌┐└┘".contains(c)),
                        "at {width} columns the popup lost its border at column {edge}, line {y}:\n{screen}"
                    );
                }
                let cut = spans(board_lines.get(y).copied().unwrap_or_default())
                    .into_iter()
                    .any(|(a, b, _)| (a < left && b > left) || (a <= right && b > right + 1));
                cuts += usize::from(cut);
            }
            if let Some(problem) = problems(&pane) {
                panic!("at {width} columns: {problem}");
            }
            // `q`, not Esc: an Esc read together with the next key is alt and that key.
            pane.keys(&["q"]);
            pane.wait_for("details closed", |s| !s.contains('┌'));
            for _ in 0..=step {
                pane.keys(&["j"]);
            }
        }
    }
    assert!(cuts > 0, "no popup edge ever cut a wide character");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}

/// Regional indicators that are not half of a pair: what is left of a flag when the terminal stored
/// it in two cells and only one was rewritten.
fn lone_regional_indicators(screen: &str) -> usize {
    let mut lone = 0;
    for line in screen.lines() {
        let mut run = 0;
        for c in line.chars().chain(std::iter::once(' ')) {
            if is_regional_indicator(c) {
                run += 1;
            } else {
                lone += run % 2;
                run = 0;
            }
        }
    }
    lone
}

/// A name with a flag, on a card and in details, while the layout changes under it (filter, resizes,
/// the compact list): no half of the flag is ever left on screen.
#[test]
fn a_flag_in_a_name_leaves_no_half_behind() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board("--demo --scenario hostile", 120, 40);
    pane.wait_for("the flag name", |s| s.contains("Aiko"));
    let check = |pane: &Pane, what: &str| {
        // Give the board a moment to draw what the last key or resize asked for.
        std::thread::sleep(Duration::from_millis(300));
        let screen = pane.screen();
        assert_eq!(
            lone_regional_indicators(&screen),
            0,
            "{what}: half a flag on screen:\n{screen}"
        );
    };
    check(&pane, "first frame");
    pane.keys(&["/", "a", "i", "k", "o"]);
    let footer = |s: &str| s.lines().last().unwrap_or_default().to_owned();
    pane.wait_for("only Aiko", |s| footer(s).contains("/aiko"));
    check(&pane, "filtered");
    pane.keys(&["Enter", "Enter"]);
    pane.wait_for("details", |s| s.contains("Availability"));
    check(&pane, "details");
    for (w, h) in [(90, 30), (150, 45), (40, 12), (120, 40)] {
        pane.resize(w, h);
        check(&pane, &format!("details at {w}x{h}"));
    }
    pane.keys(&["Escape"]);
    pane.wait_for("details closed", |s| !s.contains("Availability"));
    check(&pane, "details closed");
    pane.keys(&["Escape"]);
    pane.wait_for("everyone back", |s| !footer(s).contains("/aiko"));
    check(&pane, "filter cleared");
    for (w, h) in [(97, 33), (30, 10), (160, 48)] {
        pane.resize(w, h);
        check(&pane, &format!("board at {w}x{h}"));
    }
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}

/// The bytes the board writes, from a pane that starts it a moment after recording begins.
fn recorded(version: &str) -> Vec<u8> {
    let pane = Pane::start(
        &format!(
            "sh -c 'sleep 1; env TERM_PROGRAM_VERSION={version} {} --demo --scenario static; echo EXIT=$?; exec sleep 600'",
            support::tmux::BIN
        ),
        100,
        30,
    );
    let bytes = pane.dir().join("terminal.bytes");
    let pipe = format!("cat >> {}", bytes.display());
    assert!(pane.tmux(&["pipe-pane", "-t", "t", &pipe]).status.success());
    pane.wait_for("cards", |s| s.contains('╭') || s.contains('┏'));
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
    std::fs::read(&bytes).unwrap_or_default()
}

/// Frames are synchronized updates where tmux holds a pane's output back for them (3.7 on), and
/// nothing of the kind is written to an older tmux.
#[test]
fn frames_are_synchronized_updates_only_where_tmux_supports_them() {
    if !tmux_installed() {
        return;
    }
    let count =
        |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).filter(|w| *w == needle).count();
    let old = recorded("3.3a");
    assert!(!old.is_empty());
    assert_eq!(
        count(&old, b"\x1b[?2026"),
        0,
        "synchronized output written to tmux 3.3a"
    );
    let new = recorded("3.7");
    let (begins, ends) = (count(&new, b"\x1b[?2026h"), count(&new, b"\x1b[?2026l"));
    assert!(begins > 0, "no synchronized update written to tmux 3.7");
    assert_eq!(begins, ends, "every update ends");
}

/// As in vim's help, less and man: `q` closes details and help, and quits only from the board. Help
/// lists every key, Ctrl-z too.
#[test]
fn q_closes_popups_and_quits_only_from_the_board() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board("--demo --scenario static", 120, 45);
    pane.wait_for("cards", has_cards);
    pane.keys(&["Enter"]);
    pane.wait_for("details", |s| s.contains("Availability"));
    pane.keys(&["q"]);
    pane.wait_for("details closed", |s| !s.contains("Availability"));
    assert!(!pane.exited(), "q in details quit the board");
    pane.keys(&["?"]);
    // Waited for whole: a capture can land while the popup is still being written.
    pane.wait_for("help listing ctrl-z, ctrl-l, ctrl-f, ctrl-b and esc", |s| {
        s.contains("Move down a row")
            && ["ctrl-z", "ctrl-l", "ctrl-f", "ctrl-b", "esc"]
                .iter()
                .all(|key| s.contains(key))
    });
    pane.keys(&["q"]);
    pane.wait_for("help closed", |s| !s.contains("Move down a row"));
    assert!(!pane.exited(), "q in help quit the board");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0", "q on the board quits");
}
