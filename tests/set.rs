//! `teamboard set` through the built binary against the simulated tenant on 127.0.0.1: one line
//! saying what Graph reports after each change, `--json`, the exit statuses (usage 2, permission 3),
//! app-only mode, and the write permission asked for once through the login flow and then kept.
#![cfg(feature = "sim")]

use std::process::{Command, Output};
use std::time::Duration;

use teamboard::sim::{Scenario, SimOptions};

mod support {
    pub mod tenant;
}
use support::tenant::{Tenant, text};

/// A still tenant whose clock stands at the real now, so "--for 2h" ends in its future too.
fn options() -> SimOptions {
    let mut options = SimOptions::new(6, Scenario::Static);
    options.start = Some(jiff::Timestamp::now());
    options.identity.interval = Duration::from_secs(1);
    options.identity.approve_after_polls = 1;
    options
}

impl Tenant {
    /// The binary as `binary` gives it, in UTC, with the tenant's token unless `token` is false (then
    /// the stored sign-in, if any, is used).
    fn command(&self, args: &[&str], token: bool) -> Command {
        let mut cmd = self.binary(args);
        cmd.env("TZ", "UTC");
        if token {
            cmd.env("TEAMBOARD_ACCESS_TOKEN", self.sim.token());
        }
        cmd
    }

    async fn set(&self, args: &[&str]) -> Output {
        let mut all = vec!["set"];
        all.extend_from_slice(args);
        self.run(self.command(&all, true)).await
    }
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
    let t = Tenant::serve(options(), "").await;
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
    let t = Tenant::serve(options(), "").await;
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
    let t = Tenant::serve(options(), "").await;
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
    let t = Tenant::serve(
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
    let t = Tenant::serve(options(), "").await;
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
    let t = Tenant::serve(o, "").await;
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
