//! The real binary in tmux against what a hostile world does to a running board: signals sent from
//! outside, a flood of window-size changes, a huge paste. Each test runs its own tmux server.
//!
//! Without tmux these tests print a loud SKIPPED line and pass, unless `TEAMBOARD_E2E=require`.
//! Waiting is a bounded poll of the pane (short sleeps, overall timeout), never a timing assertion.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

mod support {
    pub mod tmux;
}
use support::tmux::{BIN, Pane, WAIT, tmux_installed};

/// `teamboard ARGS` in a fresh session, under a shell that stays after it exits and then prints
/// `EXIT=status` and the terminal's settings (`stty -a`).
fn board(args: &str, width: u16, height: u16) -> Pane {
    Pane::start(
        &format!("sh -c '{BIN} {args}; echo EXIT=$?; stty -a; exec sleep 600'"),
        width,
        height,
    )
}

/// teamboard's exit status, once the shell around it printed it (and the terminal settings after).
fn wait_exit(pane: &Pane) -> (String, String) {
    // Not by line: a terminal left without output processing staircases the lines.
    let screen = pane.wait_on(
        "teamboard to exit and stty to report",
        WAIT,
        Pane::screen_joined,
        |s| s.contains("EXIT=") && s.contains("icanon"),
    );
    let status = screen
        .split("EXIT=")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    (status, screen)
}

/// Waits on the joined screen (stty's long lines wrap).
fn wait_for(pane: &Pane, what: &str, ok: impl Fn(&str) -> bool) -> String {
    pane.wait_on(what, WAIT, Pane::screen_joined, ok)
}

fn kill(signal: &str, pid: &str) {
    let sent = Command::new("kill").args([signal, pid]).status().unwrap();
    assert!(sent.success(), "kill {signal} {pid}");
}

/// Cards are on screen: a rounded or selected card border and an availability word.
fn has_cards(screen: &str) -> bool {
    (screen.contains('╭') || screen.contains('┏')) && screen.contains("Available")
}

/// The terminal as a shell needs it: main screen, cursor shown, line editing and echo on.
fn assert_restored(pane: &Pane, stty: &str) {
    assert_eq!(
        pane.format("#{alternate_on}"),
        "0",
        "left the alternate screen"
    );
    assert_eq!(pane.format("#{cursor_flag}"), "1", "cursor visible again");
    let flags: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig"] {
        assert!(
            flags.contains(&flag),
            "{flag} is not back on; stty -a said:\n{stty}"
        );
    }
}

fn ends_on_signal(signal: &str, code: &str) {
    if !tmux_installed() {
        return;
    }
    let pane = board("--demo", 100, 40);
    wait_for(&pane, "cards", has_cards);
    let pid = pane.pid();
    kill(signal, &pid);
    // Gone within the 2-second watchdog (polled, with slack for a loaded machine).
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let start = Instant::now();
    while proc.exists() && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!proc.exists(), "still running after {signal}");
    let (status, screen) = wait_exit(&pane);
    assert_eq!(status, code, "{screen}");
    assert_restored(&pane, &screen);
}

#[test]
fn an_outside_sigint_restores_the_terminal_and_exits_130() {
    ends_on_signal("-INT", "130");
}

#[test]
fn an_outside_sigquit_restores_the_terminal_and_exits_131() {
    ends_on_signal("-QUIT", "131");
}

#[test]
fn a_huge_paste_full_of_control_keys_goes_to_the_filter_only() {
    if !tmux_installed() {
        return;
    }
    let pane = board("--demo", 120, 40);
    wait_for(&pane, "cards", has_cards);
    pane.keys(&["/"]);
    wait_for(&pane, "the filter input", |s| {
        s.lines().last().unwrap_or_default().starts_with('/')
    });
    // 1 MB: Ctrl-c, q, Ctrl-z, Escape, a clear-screen and a title change in the middle of filler.
    let mut paste = String::from("zqx\u{3}q\u{1a}\u{1b}\u{1b}[2J\u{1b}]0;pwned\u{7}");
    while paste.len() < 1 << 20 {
        paste.push_str("zqx zqx zqx zqx \u{3}q\u{1a}\u{1b}[H");
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &paste).unwrap();
    let path = file.path().to_str().unwrap();
    assert!(
        pane.tmux(&["load-buffer", "-b", "p", path])
            .status
            .success()
    );
    assert!(
        pane.tmux(&["paste-buffer", "-p", "-b", "p", "-t", "t"])
            .status
            .success()
    );
    let screen = wait_for(&pane, "the paste in the filter", |s| {
        let last = s.lines().last().unwrap_or_default();
        last.starts_with('/') && last.contains("zqx")
    });
    assert!(!pane.exited(), "the paste quit the board:\n{screen}");
    assert!(screen.contains("No one matches"), "{screen}");
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .contains("teamboard"),
        "{screen}"
    );
    assert_ne!(pane.format("#{pane_title}"), "pwned");
    // Still the filter, still the board: Escape clears it, q quits.
    pane.keys(&["Escape"]);
    wait_for(&pane, "everyone back", has_cards);
    pane.keys(&["q"]);
    let (status, screen) = wait_exit(&pane);
    assert_eq!(status, "0", "{screen}");
}

#[test]
fn a_storm_of_window_size_changes_leaves_the_board_responsive_and_right() {
    if !tmux_installed() {
        return;
    }
    let pane = board("--demo", 120, 40);
    wait_for(&pane, "cards", has_cards);
    let pid = pane.pid();
    // Five seconds of resizes, each a SIGWINCH, interleaved with SIGWINCHes that change nothing.
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs(5) {
        let (w, h) = (40 + (n * 7) % 160, 8 + (n * 3) % 50);
        pane.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
        kill("-WINCH", &pid);
        n += 1;
    }
    eprintln!("{n} resizes and {n} bare SIGWINCHes in 5 s");
    assert!(!pane.exited(), "{}", pane.screen());
    pane.tmux(&["resize-window", "-t", "t", "-x", "100", "-y", "30"]);
    let count = |line: &str, set: &[char]| line.chars().filter(|c| set.contains(c)).count();
    let whole = |s: &str| {
        s.lines()
            .all(|l| count(l, &['╭', '┏']) == count(l, &['╮', '┓']))
    };
    // tmux cuts the old frame at once; the board's frame for this size follows: wait for it (a
    // board that never lays out again times out here).
    let screen = wait_for(&pane, "cards laid out at 100x30", |s| {
        has_cards(s) && s.lines().next().unwrap_or_default().contains("teamboard") && whole(s)
    });
    assert_eq!(pane.format("#{pane_width}x#{pane_height}"), "100x30");
    // Laid out for this size, nothing left of an earlier one: every card whole on its row, the
    // footer's hints on the last line.
    for line in screen.lines() {
        assert_eq!(
            count(line, &['╭', '┏']),
            count(line, &['╮', '┓']),
            "a torn card:\n{screen}"
        );
        assert_eq!(
            count(line, &['╰', '┗']),
            count(line, &['╯', '┛']),
            "{screen}"
        );
    }
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .contains("updated"),
        "{screen}"
    );
    assert!(
        screen
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .contains("quit"),
        "{screen}"
    );
    // Responsive: help opens and closes, q quits at once.
    pane.keys(&["?"]);
    // Help scrolls at this size: its first lines and its title are what is surely on screen.
    wait_for(&pane, "help", |s| {
        s.contains("Help") && s.contains("Move left")
    });
    pane.keys(&["Escape"]);
    wait_for(&pane, "the board again", has_cards);
    pane.keys(&["q"]);
    let (status, screen) = wait_exit(&pane);
    assert_eq!(status, "0", "{screen}");
}
