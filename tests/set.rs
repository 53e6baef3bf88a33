//! `teamboard set` through the built binary against the simulated tenant on 127.0.0.1: one line
//! saying what Graph reports after each change, `--json`, the exit statuses (usage 2, permission 3),
//! app-only mode, and the write permission asked for once through the login flow and then kept.
#![cfg(feature = "sim")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use teamboard::sim::{Running, Scenario, Sim, SimOptions, serve};

struct Tenant {
    home: tempfile::TempDir,
    sim: Arc<Sim>,
    _running: Running,
    config: PathBuf,
}

/// A still tenant whose clock stands at the real now, so "--for 2h" ends in its future too.
fn options() -> SimOptions {
    let mut options = SimOptions::new(6, Scenario::Static);
    options.start = Some(jiff::Timestamp::now());
    options.identity.interval = Duration::from_secs(1);
    options.identity.approve_after_polls = 1;
    options
}

async fn tenant(options: SimOptions, extra: &str) -> Tenant {
    let sim = Sim::new(options);
    let running = serve(sim.clone(), 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("teamboard.toml");
    std::fs::write(
        &config,
        format!(
            "[graph]\nbase_url = \"{}\"\n\n[auth]\nauthority = \"{}\"\nclient_id = \"{}\"\ntoken_store = \"file\"\n{extra}\n[team]\nmembers = [{:?}]\n",
            running.base_url,
            running.authority,
            sim.client_id(),
            sim.upn(1)
        ),
    )
    .unwrap();
    Tenant {
        home,
        sim,
        _running: running,
        config,
    }
}

/// A stand-in browser: follows the sign-in page's redirect to the loopback listener.
fn browser_script(dir: &Path) -> PathBuf {
    let path = dir.join("browser.sh");
    std::fs::write(
        &path,
        "#!/bin/sh\n\
         if command -v curl >/dev/null 2>&1; then exec curl -s -L -o /dev/null \"$1\"; fi\n\
         exec python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

impl Tenant {
    /// The binary with private directories; signed in with the tenant's token unless `signed_in`
    /// is false (then the stored sign-in, if any, is used).
    fn command(&self, args: &[&str], token: bool) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamboard"));
        let home = self.home.path();
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env_remove("TEAMBOARD_CONFIG")
            .env_remove("BROWSER")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("TZ", "UTC")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"));
        if token {
            cmd.env("TEAMBOARD_ACCESS_TOKEN", self.sim.token());
        } else {
            cmd.env_remove("TEAMBOARD_ACCESS_TOKEN");
        }
        cmd
    }

    async fn run(&self, mut cmd: Command) -> Output {
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    async fn set(&self, args: &[&str]) -> Output {
        let mut all = vec!["set"];
        all.extend_from_slice(args);
        self.run(self.command(&all, true)).await
    }

    fn with_browser(&self, mut cmd: Command) -> Command {
        cmd.env("BROWSER", browser_script(self.home.path()));
        cmd
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Succeeded with exactly one line on stdout; returns it.
fn one_line(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert_eq!(said.lines().count(), 1, "{said}");
    said.trim_end().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_prints_one_line_of_what_graph_reports() {
    let t = tenant(options(), "").await;
    let line = one_line(&t.set(&["busy", "--for", "1h"]).await);
    assert!(line.starts_with("now Busy (Busy) until "), "{line}");
    let line = one_line(&t.set(&["dnd", "--until", "tomorrow 09:00"]).await);
    assert!(
        line.starts_with("now DoNotDisturb (DoNotDisturb) until 09:00 tomorrow"),
        "{line}"
    );
    let line = one_line(&t.set(&["away"]).await);
    assert_eq!(line, "now Away (Away) for Graph's default of 7 days");
    let line = one_line(&t.set(&["reset"]).await);
    assert!(
        line.starts_with("presence back to automatic: now "),
        "{line}"
    );
    assert!(!line.contains("Away (Away)"), "{line}");

    let line = one_line(
        &t.set(&["message", "Focus time, ping if urgent", "--for", "2h"])
            .await,
    );
    assert!(
        line.starts_with("status message \"Focus time, ping if urgent\" until "),
        "{line}"
    );
    let line = one_line(&t.set(&["message", "On a train"]).await);
    assert_eq!(line, "status message \"On a train\", no expiry");
    assert_eq!(
        one_line(&t.set(&["message", "--clear"]).await),
        "status message cleared"
    );

    let place = t.sim.place_ids()[1].clone();
    let line = one_line(&t.set(&["location", "office", "--place", &place]).await);
    assert!(line.starts_with("work location office"), "{line}");
    assert!(line.ends_with("(manual)"), "{line}");
    assert_eq!(
        one_line(&t.set(&["location", "remote"]).await),
        "work location remote (manual)"
    );
    assert_eq!(
        one_line(&t.set(&["location", "timeoff"]).await),
        "work location timeOff (manual)"
    );
    let line = one_line(&t.set(&["location", "clear"]).await);
    assert!(!line.contains("manual)"), "{line}");
    assert!(t.sim.counts().set_presence >= 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_carries_graphs_presence_and_whether_it_shows() {
    let t = tenant(options(), "").await;
    let out = t.set(&["brb", "--for", "30m", "--json"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["shown"], true);
    assert!(
        answer["set"]
            .as_str()
            .unwrap()
            .starts_with("Be right back until ")
    );
    assert_eq!(answer["presence"]["availability"], "BeRightBack");
    assert_eq!(answer["presence"]["activity"], "BeRightBack");
    assert_eq!(answer["presence"]["id"], t.sim.me_id());
    assert!(answer["until"].as_str().unwrap().ends_with('Z'));
    // A hostile-looking message comes back inert.
    let out = t
        .set(&["message", "hi \u{1b}]0;pwned\u{7}", "--json"])
        .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let raw = text(&out.stdout);
    assert!(!raw.contains('\u{1b}') && raw.contains("\\u001b"), "{raw}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_with_the_fix() {
    let t = tenant(options(), "").await;
    for (args, says) in [
        (&["busy", "--for", "soon"][..], "30m, 90m"),
        (&["busy", "--until", "25:00"], "17:30"),
        (&["dnd", "--until", "today 00:00"], "already passed"),
        (&["message", "   "], "--clear"),
        (&["location", "remote", "--place", "x"], "office only"),
    ] {
        let out = t.set(args).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = t.set(&["busy", "--for", "1h", "--until", "15:00"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(t.sim.counts().set_presence, 0, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_only_mode_has_no_you() {
    let t = tenant(
        options(),
        "mode = \"app\"\nclient_secret_env = \"TB_SECRET\"\n",
    )
    .await;
    let out = t.set(&["busy"]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("app-only") && err.contains("\"you\""), "{err}");
    // One line says it (besides the config's own warning about include_me).
    assert_eq!(
        err.lines().filter(|l| !l.contains("warning:")).count(),
        1,
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_permission_is_asked_for_once_through_the_login_flow() {
    let t = tenant(options(), "").await;
    let out = t.run(t.with_browser(t.command(&["login"], false))).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Not in a terminal and no browser: exit 3, naming the permission and the fix.
    let out = t.run(t.command(&["set", "busy"], false)).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("Presence.ReadWrite") && err.contains("in a terminal"),
        "{err}"
    );
    // The sign-in is kept: reading works as before.
    let out = t.run(t.command(&["status", "--line"], false)).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // With a browser, the same sign-in asks for it, and the change is made.
    let out = t
        .run(t.with_browser(t.command(&["set", "busy", "--for", "1h"], false)))
        .await;
    let line = one_line(&out);
    assert!(line.starts_with("now Busy (Busy)"), "{line}");
    assert!(text(&out.stderr).contains("signing in once more"));

    // Remembered: later changes need no browser, and the sign-in lists the permission.
    let out = t.run(t.command(&["set", "message", "Lunch"], false)).await;
    assert_eq!(one_line(&out), "status message \"Lunch\", no expiry");
    let out = t.run(t.command(&["login", "--status"], false)).await;
    assert!(
        text(&out.stdout).contains("Presence.ReadWrite"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permission_only_an_admin_may_grant_exits_3_saying_so() {
    let mut o = options();
    o.identity.admin_only_scopes = vec!["Presence.ReadWrite".into()];
    let t = tenant(o, "").await;
    let out = t.run(t.with_browser(t.command(&["login"], false))).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = t
        .run(t.with_browser(t.command(&["set", "dnd"], false)))
        .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("administrator") && err.contains("Presence.ReadWrite"),
        "{err}"
    );
    assert_eq!(t.sim.counts().set_presence, 0);
}
