//! The command line as a user meets it: `teamboard sim` stopping, completions, the man page,
//! `--version`, and (in tmux) the board following its config file. The tmux tests run their own tmux
//! server each; without tmux they print a loud SKIPPED line and pass, unless `TEAMBOARD_E2E=require`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support {
    pub mod tmux;
}
use support::tmux::{BIN, Pane, tmux_installed};

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

/// A simulated tenant served on 127.0.0.1 and a config naming `members` of its people.
#[cfg(feature = "sim")]
struct Tenant {
    home: tempfile::TempDir,
    sim: std::sync::Arc<teamboard::sim::Sim>,
    running: Option<teamboard::sim::Running>,
    config: std::path::PathBuf,
}

#[cfg(feature = "sim")]
impl Tenant {
    async fn new(size: u32, scenario: teamboard::sim::Scenario, members: u32) -> Tenant {
        use teamboard::sim::{Sim, SimOptions, serve};
        let sim = Sim::new(SimOptions::new(size, scenario));
        let running = serve(sim.clone(), 0).await.unwrap();
        let home = tempfile::tempdir().unwrap();
        let list: Vec<String> = (1..=members).map(|i| format!("{:?}", sim.upn(i))).collect();
        let config = home.path().join("teamboard.toml");
        std::fs::write(
            &config,
            format!(
                "[graph]\nbase_url = \"{}\"\ntimeout_secs = 2\n\n[team]\nmembers = [{}]\n",
                running.base_url,
                list.join(", ")
            ),
        )
        .unwrap();
        Tenant {
            home,
            sim,
            running: Some(running),
            config,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = teamboard(
            self.home.path(),
            &["--config", self.config.to_str().unwrap()],
        );
        cmd.args(args)
            .env("TEAMBOARD_ACCESS_TOKEN", self.sim.token())
            .env_remove("COLUMNS")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary off the runtime's threads, so the served tenant keeps answering.
    async fn output(&self, mut cmd: Command) -> Output {
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.output(self.command(args)).await
    }
}

#[cfg(feature = "sim")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_table_fits_columns_one_line_a_row() {
    // Static: the same people in the same state every run, so which columns fit is known.
    let t = Tenant::new(30, teamboard::sim::Scenario::Static, 12).await;
    let width = |line: &str| teamboard::text::width(line);
    for (columns, message, location) in [
        ("40", false, false),
        ("60", false, false),
        ("80", false, true),
        ("120", true, true),
    ] {
        let mut cmd = t.command(&["status"]);
        cmd.env("COLUMNS", columns);
        let out = t.output(cmd).await;
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            text.lines().count(),
            1 + 13,
            "one line a row at {columns}:\n{text}"
        );
        let max: usize = columns.parse().unwrap();
        for line in text.lines() {
            assert!(width(line) <= max, "{columns}: {line:?}");
        }
        let header = text.lines().next().unwrap();
        assert!(
            header.starts_with("NAME") && header.contains("AVAILABILITY"),
            "{header}"
        );
        assert_eq!(header.contains("MESSAGE"), message, "at {columns}:\n{text}");
        assert_eq!(
            header.contains("LOCATION"),
            location,
            "at {columns}:\n{text}"
        );
    }
    // Piped without COLUMNS: the same stable width every time.
    let out = t.run(&["status"]).await;
    assert!(stdout(&out).lines().all(|l| width(l) <= 120));
}

#[cfg(feature = "sim")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_line_keeps_the_last_counts_marked_stale_when_graph_is_unreachable() {
    let mut t = Tenant::new(30, teamboard::sim::Scenario::Static, 12).await;
    let fresh = t.run(&["status", "--line"]).await;
    assert_eq!(fresh.status.code(), Some(0), "{fresh:?}");
    let counts = stdout(&fresh);
    assert!(!counts.contains("stale"), "{counts}");

    // Served from the cache by --max-age: as fresh as asked for, so not marked.
    let cached = t.run(&["status", "--line", "--max-age", "600"]).await;
    assert_eq!(stdout(&cached), counts);

    t.running.take();
    let out = t.run(&["status", "--line"]).await;
    assert_eq!(out.status.code(), Some(4), "still a network failure");
    assert_eq!(
        stdout(&out),
        format!("{}  (stale)\n", counts.trim_end()),
        "the last known counts, marked"
    );
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    // Too old for --max-age and unreachable: the same.
    let out = t.run(&["status", "--line", "--max-age", "0"]).await;
    assert_eq!(out.status.code(), Some(4));
    assert!(stdout(&out).ends_with("  (stale)\n"));
    // The table and JSON never print old data as if it were new.
    let out = t.run(&["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_board_follows_its_config_file() {
    if !tmux_installed() {
        return;
    }
    let command = format!(
        "sh -c '{BIN} --demo --config {{dir}}/teamboard.toml; echo EXIT=$?; exec sleep 600'"
    );
    let pane = Pane::prepared(&command, 100, 30, |dir| {
        std::fs::write(
            dir.join("teamboard.toml"),
            "[ui]\nsort = \"availability\"\n",
        )
        .unwrap();
    });
    let config = pane.dir().join("teamboard.toml");
    let footer = |s: &str| s.lines().last().unwrap_or_default().to_owned();
    pane.wait_within("cards", Duration::from_secs(20), |s| {
        s.contains("Available") && footer(s).contains("⇅avail")
    });
    // The demo polls every 10 s; the file is looked at after each poll.
    std::fs::write(&config, "[ui]\nsort = \"name\"\nsymbols = \"ascii\"\n").unwrap();
    let screen = pane.wait_within("the edit applied", Duration::from_secs(30), |s| {
        footer(s).contains("sort:name")
    });
    assert!(!screen.contains('✓'), "ascii symbols now:\n{screen}");
    // A broken edit: the error in the footer, the running config kept.
    std::fs::write(&config, "[ui]\nsort = \"name\"\nsymbols = \"emoji\"\n").unwrap();
    let screen = pane.wait_within("the error", Duration::from_secs(30), |s| {
        footer(s).contains("config not applied")
    });
    assert!(footer(&screen).contains("teamboard.toml:3:"), "{screen}");
    assert!(!screen.contains('✓'), "still ascii:\n{screen}");
}
