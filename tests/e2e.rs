//! The real binary in a real terminal (tmux): the board on the demo tenant, quitting, signals, resizes,
//! Ctrl-z and `fg`, panics, pastes, and the board's keys. Each test runs its own tmux server.
//!
//! Without tmux these tests print a loud SKIPPED line and pass, unless `TEAMBOARD_E2E=require`.
//! Waiting is a bounded poll of the pane (short sleeps, overall timeout), never a timing assertion.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support {
    pub mod tmux;
}
use support::tmux::{BIN, Pane, WAIT, tmux_installed};

fn demo(extra: &str) -> String {
    format!("--demo {extra}")
}

/// Cards are on screen: a rounded or selected card border and an availability word.
fn has_cards(screen: &str) -> bool {
    (screen.contains('╭') || screen.contains('┏')) && screen.contains("Available")
}

fn restored(pane: &Pane) {
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "left the alternate screen"
    );
    assert_eq!(pane.format("#{cursor_flag}"), "1", "cursor visible again");
}

#[test]
fn demo_shows_cards_and_q_quits_restoring_the_terminal() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo(""), 120, 40);
    let screen = pane.wait_for("cards", has_cards);
    assert!(screen.lines().next().unwrap().contains("teamboard"));
    assert_eq!(pane.format("#{alternate_on}"), "1");
    assert_eq!(
        pane.format("#{mouse_any_flag}"),
        "0",
        "no any-motion mouse reporting"
    );
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0", "q quits");
    restored(&pane);
    // The demo kept its cache to itself.
    let cache = pane.dir().join("teamboard");
    let names: Vec<String> = std::fs::read_dir(&cache)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        names.iter().all(|n| n.contains("demo-workday-24")),
        "{names:?}"
    );
}

#[test]
fn the_second_start_draws_the_cached_board_first() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo("--scenario static"), 100, 30);
    pane.wait_for("cards", has_cards);
    // Let the snapshot be written, then quit and start again in the same directories.
    pane.wait_for("a saved snapshot", |_| snapshot_in(pane.dir()).is_some());
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
    let timings = pane.dir().join("timings");
    pane.tmux(&[
        "respawn-pane",
        "-k",
        "-t",
        "t",
        &format!(
            "env -u TEAMBOARD_CONFIG XDG_CACHE_HOME={c} XDG_CONFIG_HOME={c}/config XDG_STATE_HOME={c}/state HOME={c} \
             TEAMBOARD_TIMINGS={t} {BIN} {args}",
            c = pane.dir().display(),
            t = timings.display(),
            args = demo("--scenario static")
        ),
    ]);
    pane.wait_for("cards again", has_cards);
    let line = pane_file(&timings);
    assert!(line.contains("cached=true"), "{line}");
    pane.keys(&["q"]);
}

fn snapshot_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir.join("teamboard"))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("snapshot-"))
        })
}

fn pane_file(path: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(start.elapsed() < WAIT, "{} never written", path.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn not_a_terminal_is_refused_with_one_line() {
    // Not a terminal: no tmux needed.
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("--demo")
        .env("XDG_CACHE_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("TEAMBOARD_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("teamboard status"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing written to a pipe");
}

fn ends_on_signal(signal: &str, code: &str) {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo(""), 100, 30);
    pane.wait_for("cards", has_cards);
    let pid = pane.pid();
    assert!(
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
    // A hangup ends it within 2 s (polled, with a little slack for a loaded machine).
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let start = Instant::now();
    while proc.exists() && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!proc.exists(), "still running after {signal}");
    assert_eq!(pane.wait_exit(), code);
    restored(&pane);
}

#[test]
fn sigterm_ends_the_board_and_restores_the_terminal() {
    ends_on_signal("-TERM", "143");
}

#[test]
fn sighup_ends_the_board_and_restores_the_terminal() {
    ends_on_signal("-HUP", "129");
}

#[test]
fn tmux_kill_pane_leaves_no_process_behind() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo(""), 100, 30);
    pane.wait_for("cards", has_cards);
    let pid = pane.pid();
    // A second window keeps the server alive after the pane goes.
    pane.tmux(&["new-window", "-d", "-t", "t", "sleep 60"]);
    pane.tmux(&["kill-pane", "-t", "t:0.0"]);
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let start = Instant::now();
    while proc.exists() && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(25));
    }
    let state = std::fs::read_to_string(proc.join("stat")).unwrap_or_default();
    assert!(
        !proc.exists() || state.contains(") Z"),
        "teamboard {pid} outlived its pane: {state}"
    );
}

#[test]
fn resizes_tiny_huge_and_rapid_never_break_it() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo(""), 120, 40);
    pane.wait_for("cards", has_cards);
    for (w, h) in [(20, 5), (2, 2), (1, 1), (300, 100), (30, 8), (80, 24)] {
        pane.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
        std::thread::sleep(Duration::from_millis(30));
    }
    for i in 0..30u16 {
        pane.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &(40 + i * 5).to_string(),
            "-y",
            &(10 + i).to_string(),
        ]);
    }
    pane.tmux(&["resize-window", "-t", "t", "-x", "20", "-y", "5"]);
    let compact = pane.wait_for("the compact list", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() >= 2 && lines[1].chars().count() <= 20 && !s.contains('╭')
    });
    assert!(!pane.exited(), "{compact}");
    pane.tmux(&["resize-window", "-t", "t", "-x", "160", "-y", "48"]);
    pane.wait_for("cards at 160x48", has_cards);
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}

#[test]
fn ctrl_z_restores_the_terminal_and_fg_redraws_the_board() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::start("env PS1='$ ' bash --norc --noprofile -i", 100, 30);
    pane.wait_for("a prompt", |s| s.contains('$'));
    pane.keys(&[&format!("{BIN} {}", demo("")), "Enter"]);
    pane.wait_for("cards", has_cards);
    pane.keys(&["C-z"]);
    let stopped = pane.wait_for("the shell after Ctrl-z", |s| s.contains("Stopped"));
    assert!(
        !has_cards(&stopped)
            || !stopped
                .lines()
                .next()
                .unwrap_or_default()
                .contains("teamboard")
    );
    restored(&pane);
    pane.keys(&["fg", "Enter"]);
    pane.wait_for("the board again", |s| {
        has_cards(s) && s.lines().next().unwrap_or_default().contains("teamboard")
    });
    assert_eq!(pane.format("#{alternate_on}"), "1");
    pane.keys(&["q"]);
    pane.wait_for("the prompt after quitting", |s| {
        !has_cards(s) && s.contains('$')
    });
    restored(&pane);
}

#[test]
fn a_panic_restores_the_terminal_and_exits_101_with_a_clean_message() {
    if !tmux_installed() {
        return;
    }
    for place in ["render", "task"] {
        let pane = Pane::start(
            &format!(
                "env TEAMBOARD_TEST_PANIC={place} sh -c '{BIN} {}; echo EXIT=$?; exec sleep 600'",
                demo("")
            ),
            100,
            30,
        );
        assert_eq!(pane.wait_exit(), "101", "{place}");
        restored(&pane);
        let screen = pane.screen();
        assert!(screen.contains("internal error"), "{place}:\n{screen}");
        assert_ne!(
            pane.format("#{pane_title}"),
            "pwned",
            "the panic message was sanitized"
        );
    }
}

#[test]
fn a_paste_goes_to_the_filter_and_never_quits() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo(""), 120, 40);
    pane.wait_for("cards", has_cards);
    // Outside the filter a paste does nothing (a `q` in it must not quit).
    pane.tmux(&["set-buffer", "-b", "p", "q"]);
    pane.tmux(&["paste-buffer", "-p", "-b", "p", "-t", "t"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!pane.exited(), "a pasted q quit the board");
    pane.keys(&["/"]);
    pane.tmux(&["set-buffer", "-b", "p", "qzx\u{1b}[2J"]);
    pane.tmux(&["paste-buffer", "-p", "-b", "p", "-t", "t"]);
    let screen = pane.wait_for("the paste in the filter", |s| {
        s.lines().last().unwrap_or_default().contains("/qzx")
    });
    assert!(screen.contains("No one matches"), "{screen}");
    assert!(!pane.exited());
    pane.keys(&["Escape"]);
    pane.wait_for("everyone back", has_cards);
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}

#[test]
fn filter_help_and_details_in_a_real_terminal() {
    if !tmux_installed() {
        return;
    }
    let pane = Pane::board(&demo(""), 120, 40);
    let full = pane.wait_for("cards", has_cards);
    let cards = |s: &str| s.matches('╮').count() + s.matches('┓').count();
    pane.keys(&["/", "i", "s", ":", "o", "f", "f", "l", "i", "n", "e"]);
    // The whole filter typed: " of " alone is also in "Out of office".
    let narrowed = pane.wait_for("a narrower board", |s| {
        s.lines().last().is_some_and(|l| l.contains("/is:offline"))
            && s.contains(" of ")
            && cards(s) < cards(&full)
    });
    assert!(
        narrowed
            .lines()
            .last()
            .unwrap_or_default()
            .contains("/is:offline")
    );
    pane.keys(&["Escape"]);
    pane.wait_for("everyone back", |s| {
        !s.contains(" of 25") && cards(s) >= cards(&narrowed)
    });
    pane.keys(&["?"]);
    pane.wait_for("help", |s| s.contains("Move down a row"));
    pane.keys(&["?"]);
    pane.wait_for("help closed", |s| !s.contains("Move down a row"));
    // Esc and the next key go separately: ESC followed at once by `g` reads as alt-g.
    let close = |pane: &Pane| {
        pane.keys(&["Escape"]);
        pane.wait_for("details closed", |s| !s.contains("Availability"));
    };
    pane.keys(&["G", "Enter"]);
    let last = pane.wait_for("details of the last person", |s| s.contains("Availability"));
    close(&pane);
    pane.keys(&["g", "g", "Enter"]);
    let first = pane.wait_for("details of the first person", |s| {
        s.contains("Availability") && *s != last
    });
    close(&pane);
    pane.keys(&["j", "l", "Enter"]);
    let moved = pane.wait_for("details after j l", |s| {
        s.contains("Availability") && *s != first && *s != last
    });
    assert_ne!(moved, first);
    close(&pane);
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");
}

/// The hostile tenant's names and messages carry title sets, clipboard
/// writes, clear-screen, queries, DCS/APC strings, C1 controls and bidi tricks. The terminal must act on none of
/// them: the pane title stays, no clipboard buffer appears, none of those sequences reaches the terminal, and the
/// names are still shown without their payloads.
#[test]
fn a_hostile_tenant_cannot_touch_the_terminal() {
    if !tmux_installed() {
        return;
    }
    // The board starts a moment after the pane so that every byte it writes is recorded.
    let pane = Pane::start(
        &format!("sh -c 'sleep 1; {BIN} --demo --scenario hostile; echo EXIT=$?; exec sleep 600'"),
        160,
        48,
    );
    let bytes = pane.dir().join("terminal.bytes");
    let pipe = format!("cat >> {}", bytes.display());
    assert!(pane.tmux(&["pipe-pane", "-t", "t", &pipe]).status.success());
    let title = pane.format("#{pane_title}");

    let screen = pane.wait_for("the hostile names", |s| {
        s.contains("Mallory Title") && s.contains("Clear Screen") && s.contains("Board")
    });
    // Let a poll land on top of the cached first frame, then look at everything written so far.
    pane.wait_for("a poll", |s| s.contains("updated"));
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), "0");

    assert_eq!(
        pane.format("#{pane_title}"),
        title,
        "the pane title changed"
    );
    let buffers = pane.tmux(&["list-buffers"]);
    assert!(
        String::from_utf8_lossy(&buffers.stdout).trim().is_empty(),
        "a clipboard write reached tmux"
    );
    for payload in [
        "PWNED",
        "Y3VybCBldmlsLmV4YW1wbGUgfCBzaA",
        "544e",
        "apc payload",
        "c1 title",
    ] {
        assert!(
            !screen.contains(payload),
            "{payload:?} shown on the board:\n{screen}"
        );
    }
    assert!(
        screen.contains("gnp.exe"),
        "the bidi name is shown in logical order:\n{screen}"
    );

    let written = std::fs::read(&bytes).unwrap();
    assert!(!written.is_empty(), "nothing recorded from the terminal");
    let text = String::from_utf8_lossy(&written);
    for (sequence, what) in [
        ("\u{1b}]", "an OSC sequence (title, clipboard, link)"),
        ("\u{1b}P", "a DCS string"),
        ("\u{1b}_", "an APC string"),
        ("\u{1b}^", "a PM string"),
        ("\u{1b}X", "an SOS string"),
        ("\u{1b}[21t", "a title report request"),
        ("\u{1b}[c", "a device attributes query"),
        ("\u{9b}", "a C1 CSI"),
        ("\u{9d}", "a C1 OSC"),
        ("\u{202e}", "a bidi override"),
        ("PWNED", "the title payload"),
    ] {
        assert!(
            !text.contains(sequence),
            "the board wrote {what} to the terminal"
        );
    }
}
