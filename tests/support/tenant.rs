//! The simulated tenant served on 127.0.0.1 with a config file pointing at it, and the built binary
//! run against it with private directories: for the tests of commands that sign in.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use teamboard::sim::{Running, Sim, SimOptions, serve};

pub struct Tenant {
    pub home: tempfile::TempDir,
    pub sim: Arc<Sim>,
    _running: Running,
    pub config: PathBuf,
}

impl Tenant {
    /// Serves `options` and writes a config for it (file token store, person 1 as the team), with
    /// `extra` lines at the end of `[auth]`.
    pub async fn serve(options: SimOptions, extra: &str) -> Tenant {
        Self::serve_with(options, |running, sim| {
            signin_config(running, sim, extra, [1])
        })
        .await
    }

    /// Serves `options` and writes `config` of the running tenant as the config file.
    pub async fn serve_with(
        options: SimOptions,
        config: impl FnOnce(&Running, &Sim) -> String,
    ) -> Tenant {
        let sim = Sim::new(options);
        let running = serve(sim.clone(), 0).await.unwrap();
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("teamboard.toml");
        std::fs::write(&path, config(&running, &sim)).unwrap();
        Tenant {
            home,
            sim,
            _running: running,
            config: path,
        }
    }

    /// The binary with this config and private directories, no token in the environment, and no
    /// browser or display to find.
    pub fn binary(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamboard"));
        let home = self.home.path();
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env_remove("TEAMBOARD_ACCESS_TOKEN")
            .env_remove("TEAMBOARD_CONFIG")
            .env_remove("BROWSER")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"));
        cmd
    }

    /// `binary` with the tenant's token in the environment.
    pub fn with_token(&self, args: &[&str]) -> Command {
        let mut cmd = self.binary(args);
        cmd.env("TEAMBOARD_ACCESS_TOKEN", self.sim.token());
        cmd
    }

    /// Runs `with_token(args)` to the end, as `run` does.
    pub async fn run_with_token(&self, args: &[&str]) -> Output {
        self.run(self.with_token(args)).await
    }

    /// Runs `cmd` to the end off the async runtime (the tenant answers on it meanwhile).
    pub async fn run(&self, mut cmd: Command) -> Output {
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    /// `cmd` with a stand-in browser that follows the sign-in page to the loopback listener.
    pub fn with_browser(&self, mut cmd: Command) -> Command {
        cmd.env("BROWSER", browser_script(self.home.path()));
        cmd
    }
}

/// A config signing in to the running tenant (file token store) with `people` as the team, and
/// `extra` lines at the end of `[auth]`.
pub fn signin_config(
    running: &Running,
    sim: &Sim,
    extra: &str,
    people: impl IntoIterator<Item = u32>,
) -> String {
    format!(
        "[graph]\nbase_url = \"{}\"\n\n[auth]\nauthority = \"{}\"\nclient_id = \"{}\"\ntoken_store = \"file\"\n{extra}\n[team]\nmembers = [{}]\n",
        running.base_url,
        running.authority,
        sim.client_id(),
        members(sim, people)
    )
}

/// `people` by UPN as TOML strings, comma-separated: the inside of `members = [...]`.
pub fn members(sim: &Sim, people: impl IntoIterator<Item = u32>) -> String {
    people
        .into_iter()
        .map(|i| format!("{:?}", sim.upn(i)))
        .collect::<Vec<_>>()
        .join(", ")
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

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
