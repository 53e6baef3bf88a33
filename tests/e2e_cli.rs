//! The command line as a user meets it: `teamboard sim` stopping, completions, the man page,
//! `--version`, and (in tmux) the board following its config file. The tmux tests run their own tmux
//! server each; without tmux they print a loud SKIPPED line and pass, unless `TEAMBOARD_E2E=require`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_teamboard");

/// The binary with private XDG directories and nothing from the caller's environment.
fn teamboard(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("TEAMBOARD_ACCESS_TOKEN")
        .env_remove("TEAMBOARD_CONFIG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"));
    cmd
}

fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    teamboard(dir.path(), args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn completions_for_every_shell_know_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {out:?}");
        let script = stdout(&out);
        for word in ["status", "json", "max-age", "completions"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_man_page_is_roff_from_the_cli_definition() {
    let out = run(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = stdout(&out);
    assert!(
        page.lines().any(|l| l.starts_with(".TH teamboard 1")),
        "{page}"
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} missing");
    }
    assert!(
        page.contains("teamboard\\-status") || page.contains("status"),
        "{page}"
    );
    assert!(page.contains("\\-\\-config"), "options are listed");
}

#[test]
fn version_names_the_crate_version_and_the_commit_when_known() {
    let out = run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let line = stdout(&out);
    let expected = format!("teamboard {}", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected), "{line}");
    // From a git checkout: "teamboard 0.1.0 (1a2b3c4)"; from a tarball, the version alone.
    let rest = line[expected.len()..].trim();
    assert!(
        rest.is_empty()
            || rest.starts_with('(')
                && rest.ends_with(')')
                && rest[1..rest.len() - 1]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit()),
        "{line}"
    );
}

#[cfg(feature = "sim")]
#[test]
fn sim_prints_its_summary_on_sigterm_as_on_ctrl_c() {
    for signal in ["-TERM", "-INT"] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = teamboard(dir.path(), &["sim", "--team-size", "3"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The signal goes out the moment the banner says the server is up, as a script would send it.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while stdout.read_line(&mut line).unwrap() > 0 && !line.contains("Serving until") {
            line.clear();
        }
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sim still running after {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.code(), Some(0), "{signal}: {stderr}");
        assert!(stderr.contains("served 0 requests"), "{signal}: {stderr:?}");
    }
}
