//! `teamboard login`, `login --status`, `status` and `logout` through the built binary against the
//! simulated tenant on 127.0.0.1: both flows, the stored sign-in reused and renewed by another
//! command, file-store modes, Entra's refusals as advice, and a trace-level log with no secret in it.
#![cfg(feature = "sim")]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use teamboard::sim::{Scenario, SimOptions};

mod support {
    pub mod tenant;
}
use support::tenant::{Tenant, text};

fn options() -> SimOptions {
    let mut options = SimOptions::new(6, Scenario::Static);
    options.identity.interval = Duration::from_secs(1);
    options.identity.approve_after_polls = 1;
    options
}

impl Tenant {
    async fn login_with_browser(&self) -> Output {
        self.run(self.with_browser(self.binary(&["login"]))).await
    }

    fn token_files(&self) -> Vec<PathBuf> {
        let dir = self.home.path().join("data/teamboard/tokens");
        std::fs::read_dir(dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Every long string value in the stored token files: the secrets a log must never hold.
    fn stored_secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for file in self.token_files() {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
            collect_long_strings(&json, &mut out);
        }
        out
    }
}

fn collect_long_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.len() >= 40 => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_long_strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| collect_long_strings(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_sign_in_then_status_reuses_it_and_logout_forgets_it() {
    let t = Tenant::serve(options(), "").await;
    let out = t.run(t.binary(&["login", "--status"])).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("teamboard login"));

    let out = t.login_with_browser().await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains(&format!("signed in as {}", t.sim.me_upn())),
        "{said}"
    );
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(t.sim.counts().token >= 1);

    let files = t.token_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let out = t.run(t.binary(&["login", "--status"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status = text(&out.stdout);
    assert!(status.contains(&t.sim.me_upn()), "{status}");
    assert!(status.contains("Presence.Read.All"), "{status}");
    assert!(status.contains("file"), "{status}");
    for secret in t.stored_secrets() {
        assert!(!status.contains(&secret), "login --status printed a token");
    }

    let out = t.run(t.binary(&["status", "--json"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&t.sim.upn(1)));

    let out = t.run(t.binary(&["logout"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&t.sim.me_upn()),
        "{}",
        text(&out.stdout)
    );
    assert!(t.token_files().is_empty());
    let out = t.run(t.binary(&["status"])).await;
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("teamboard login"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_sign_in_prints_the_code_and_when_it_expires() {
    let t = Tenant::serve(options(), "").await;
    let out = t.run(t.binary(&["login", "--device-code"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("/devicelogin") && err.contains("enter the code"),
        "{err}"
    );
    assert!(err.contains("works until"), "{err}");
    assert!(text(&out.stdout).contains(&t.sim.me_upn()));
    // Over ssh without a display, device code is the default.
    let mut cmd = t.binary(&["login"]);
    cmd.env("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 5555");
    let out = t.run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("enter the code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_lived_token_is_renewed_by_the_next_command_and_stored() {
    let mut o = options();
    o.identity.access_token_lifetime = Duration::from_secs(2);
    let t = Tenant::serve(o, "").await;
    assert!(t.login_with_browser().await.status.success());
    let before = t.stored_secrets();
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let out = t.run(t.binary(&["status", "--line"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = t.stored_secrets();
    assert_ne!(before, after, "the renewed tokens were stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_log_of_a_whole_session_holds_no_secret() {
    let t = Tenant::serve(options(), "").await;
    let mut cmd = t.binary(&["login", "--device-code"]);
    cmd.env("TEAMBOARD_LOG", "trace");
    assert!(t.run(cmd).await.status.success());
    let mut cmd = t.binary(&["status"]);
    cmd.env("TEAMBOARD_LOG", "trace");
    assert!(t.run(cmd).await.status.success());
    let secrets = t.stored_secrets();
    assert!(!secrets.is_empty());
    let logs: String = std::fs::read_dir(t.home.path().join("state/teamboard"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(logs.len() > 200, "the trace log was written");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a stored secret is in the log"
        );
    }
    // The device code, the refresh token's and any JWT's opening never appear either.
    for marker in ["DAQABIQEAAAD", "1.AXkA", "eyJ0eXAi", "eyJhbGci"] {
        assert!(!logs.contains(marker), "{marker} is in the log");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_placeholder_client_id_says_how_to_register() {
    let t = Tenant::serve(options(), "").await;
    let text_config = std::fs::read_to_string(&t.config)
        .unwrap()
        .replace(t.sim.client_id(), "00000000-0000-0000-0000-000000000000");
    std::fs::write(&t.config, text_config).unwrap();
    let out = t.run(t.binary(&["login", "--device-code"])).await;
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("teamboard init --client-id"), "{err}");
    assert!(err.contains("Allow public client flows"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_only_mode_reads_presence_with_the_apps_secret_and_no_me() {
    let t = Tenant::serve(options(), "").await;
    let config = std::fs::read_to_string(&t.config).unwrap().replace(
        "token_store = \"file\"\n",
        "token_store = \"file\"\nmode = \"app\"\nclient_secret_env = \"TB_TEST_SECRET\"\n",
    );
    std::fs::write(&t.config, config).unwrap();

    let mut cmd = t.binary(&["login"]);
    cmd.env("TB_TEST_SECRET", t.sim.client_secret());
    let out = t.run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("app-only mode"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("include_me is ignored"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = t.binary(&["status", "--json"]);
    cmd.env("TB_TEST_SECRET", t.sim.client_secret());
    let me_before = t.sim.counts().me;
    let out = t.run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&t.sim.upn(1)));
    assert_eq!(t.sim.counts().me, me_before, "no /me in app-only mode");
    assert!(
        t.token_files().is_empty(),
        "nothing stored in app-only mode"
    );

    let mut cmd = t.binary(&["status"]);
    cmd.env("TB_TEST_SECRET", "not-the-secret");
    let out = t.run(cmd).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("client secret was refused"),
        "{}",
        text(&out.stderr)
    );
    let out = t.run(t.binary(&["status"])).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("TB_TEST_SECRET"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entras_refusals_become_advice() {
    let mut o = options();
    o.identity.sign_in_error = Some(teamboard::sim::SignInError::ConditionalAccess);
    let t = Tenant::serve(o, "").await;
    let out = t.run(t.binary(&["login", "--device-code"])).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("--browser") && err.contains("AADSTS53003"),
        "{err}"
    );
    assert_eq!(
        err.lines().last().map(|l| l.starts_with("teamboard:")),
        Some(true)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_is_kept_per_signed_in_account() {
    let t = Tenant::serve(options(), "").await;
    assert!(t.login_with_browser().await.status.success());
    let snapshots = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(t.home.path().join("cache/teamboard"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("snapshot"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    assert!(t.run(t.binary(&["status"])).await.status.success());
    let signed_in = snapshots();
    assert_eq!(signed_in.len(), 1, "{signed_in:?}");
    // The same config with a token that names no account keeps a snapshot of its own.
    let mut cmd = t.binary(&["status"]);
    cmd.env("TEAMBOARD_ACCESS_TOKEN", t.sim.token());
    assert!(t.run(cmd).await.status.success());
    let both = snapshots();
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&signed_in[0]));
}
