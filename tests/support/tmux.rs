//! Driving the real binary in tmux: one server per `Pane` (its own socket), private XDG directories,
//! and waiting by polling the pane with a deadline (never a timing assertion).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_teamboard");
pub const WAIT: Duration = Duration::from_secs(20);

pub fn tmux_installed() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("TEAMBOARD_E2E").as_deref() != Ok("require"),
            "tmux is not installed and TEAMBOARD_E2E=require"
        );
        eprintln!(
            "\n==============================================\nSKIPPED: tmux not installed (e2e tests)\n==============================================\n"
        );
    }
    found
}

/// One tmux server (its own socket) with one session running a command; killed on drop.
pub struct Pane {
    socket: String,
    dirs: tempfile::TempDir,
}

impl Pane {
    /// Runs `teamboard ARGS` in a fresh `width`x`height` session with private XDG directories, under a
    /// shell that stays after it exits, prints `EXIT=status`, and so shows the terminal as left behind.
    pub fn board(args: &str, width: u16, height: u16) -> Pane {
        Self::start(
            &format!("sh -c '{BIN} {args}; echo EXIT=$?; exec sleep 600'"),
            width,
            height,
        )
    }

    /// Runs `command` (a shell line) in a fresh `width`x`height` session with private XDG directories.
    pub fn start(command: &str, width: u16, height: u16) -> Pane {
        Self::prepared(command, width, height, |_| {})
    }

    /// As `start`, after `setup` prepared the private directory (a config file, say); `{dir}` in
    /// `command` names that directory.
    pub fn prepared(command: &str, width: u16, height: u16, setup: impl FnOnce(&Path)) -> Pane {
        static N: AtomicU32 = AtomicU32::new(0);
        let socket = format!(
            "tb-e2e-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let dirs = tempfile::tempdir().unwrap();
        let d = dirs.path();
        setup(d);
        let command = command.replace("{dir}", &d.display().to_string());
        let env = format!(
            "env -u TEAMBOARD_CONFIG XDG_CACHE_HOME={c} XDG_CONFIG_HOME={c}/config XDG_STATE_HOME={c}/state \
             XDG_DATA_HOME={c}/data HOME={c}",
            c = d.display()
        );
        let line = format!("exec {env} {command}");
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(line)
            .status()
            .unwrap();
        assert!(status.success());
        Pane { socket, dirs }
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap()
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// The screen with lines the terminal wrapped joined again (for output longer than the pane).
    pub fn screen_joined(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-J", "-t", "t"]).stdout)
            .into_owned()
    }

    pub fn format(&self, format: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "t", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    /// Waits until `ok` holds for the screen; panics with the screen after `WAIT`.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_within(what, WAIT, ok)
    }

    /// Waits until `ok` holds for the screen; panics with the screen after `within`.
    pub fn wait_within(&self, what: &str, within: Duration, ok: impl Fn(&str) -> bool) -> String {
        self.wait_on(what, within, Self::screen, ok)
    }

    /// Waits until `ok` holds for what `read` takes from the pane (`screen` or `screen_joined`);
    /// panics with it after `within`.
    pub fn wait_on(
        &self,
        what: &str,
        within: Duration,
        read: impl Fn(&Self) -> String,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = read(self);
            if ok(&screen) {
                eprintln!("waited {:?} for {what}", start.elapsed());
                return screen;
            }
            assert!(
                start.elapsed() < within,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// teamboard's exit status, once the shell around it printed it.
    pub fn exit_status(&self) -> Option<String> {
        let screen = self.screen();
        let line = screen.lines().find(|l| l.starts_with("EXIT="))?;
        Some(line["EXIT=".len()..].trim().to_owned())
    }

    pub fn wait_exit(&self) -> String {
        self.wait_for("teamboard to exit", |s| {
            s.lines().any(|l| l.starts_with("EXIT="))
        });
        self.exit_status().unwrap_or_default()
    }

    pub fn exited(&self) -> bool {
        self.exit_status().is_some()
    }

    /// teamboard's pid: the child of the pane's shell.
    pub fn pid(&self) -> String {
        let shell = self.format("#{pane_pid}");
        let start = Instant::now();
        loop {
            for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
                let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
                // pid (comm) state ppid ...
                let Some(after) = stat.rsplit_once(") ") else {
                    continue;
                };
                let ppid = after.1.split_whitespace().nth(1).unwrap_or_default();
                if ppid == shell && after.0.contains("(teamboard") {
                    return entry.file_name().to_string_lossy().into_owned();
                }
            }
            assert!(start.elapsed() < WAIT, "no teamboard under shell {shell}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Resizes the pane's window to `width`x`height`.
    pub fn resize(&self, width: u16, height: u16) {
        let out = self.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        assert!(out.status.success(), "resize to {width}x{height}");
    }

    pub fn dir(&self) -> &Path {
        self.dirs.path()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}
