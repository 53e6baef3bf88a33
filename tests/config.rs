//! The built binary over every file in `tests/valid_configs/` and `tests/invalid_configs/` (bottom's
//! style), plus lookup through `$TEAMBOARD_CONFIG` and `$XDG_CONFIG_HOME`, unreadable files and `init`.
//!
//! A valid config is shown accepted by `teamboard status` getting past config loading: without a token
//! it stops at sign-in (exit 3, a line about `TEAMBOARD_ACCESS_TOKEN`), before any network use.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary with a private home and XDG dirs, and no token or config from the caller's environment.
    fn teamboard(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamboard"));
        cmd.args(args)
            .env_remove("TEAMBOARD_ACCESS_TOKEN")
            .env_remove("TEAMBOARD_CONFIG")
            .env_remove("TEAMBOARD_LOG")
            .env_remove("RUST_LOG")
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("XDG_STATE_HOME", self.path().join("state"))
            .env("XDG_DATA_HOME", self.path().join("data"));
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.teamboard(args).output().unwrap()
    }
}

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Accepted: `status` gets past the config and stops at sign-in.
fn assert_accepted(home: &Home, out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(3), "{what}: {err}");
    assert!(err.contains("TEAMBOARD_ACCESS_TOKEN"), "{what}: {err}");
    assert!(out.stdout.is_empty(), "{what}");
    let _ = home;
}

#[test]
fn every_valid_config_is_accepted() {
    let home = Home::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let mut all = files("valid_configs");
    all.push(example);
    assert!(all.len() >= 6);
    for file in all {
        let out = home.run(&["--config", file.to_str().unwrap(), "status"]);
        assert_accepted(&home, &out, &file.display().to_string());
    }
}

#[test]
fn every_invalid_config_is_one_line_with_file_line_and_key() {
    let home = Home::new();
    let all = files("invalid_configs");
    assert!(all.len() >= 15);
    for file in all {
        let text = std::fs::read_to_string(&file).unwrap();
        // First line: "# expect N: fragment of the message".
        let expect = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# expect ")
            .unwrap();
        let (line, fragment) = expect.split_once(": ").unwrap();
        for args in [vec!["status"], vec!["status", "--json"], vec![]] {
            let mut all_args = vec!["--config", file.to_str().unwrap()];
            all_args.extend(args);
            let out = home.run(&all_args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{}: {err}", file.display());
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            let prefix = format!("teamboard: {}:{line}: ", file.display());
            assert!(
                err.starts_with(&prefix),
                "{} wanted {prefix:?}, got {err}",
                file.display()
            );
            assert!(
                err.contains(fragment),
                "{}: wanted {fragment:?}, got {err}",
                file.display()
            );
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn lookup_uses_teamboard_config_then_xdg() {
    let home = Home::new();
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "[ui]\nsymbols = \"emoji\"\n").unwrap();
    // $TEAMBOARD_CONFIG is read...
    let out = home
        .teamboard(&["status"])
        .env("TEAMBOARD_CONFIG", &bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.toml:2:"));
    // ...but --config wins over it.
    let good = home.path().join("good.toml");
    std::fs::write(&good, "").unwrap();
    let out = home
        .teamboard(&["--config", good.to_str().unwrap(), "status"])
        .env("TEAMBOARD_CONFIG", &bad)
        .output()
        .unwrap();
    assert_accepted(&home, &out, "--config over $TEAMBOARD_CONFIG");
    // $XDG_CONFIG_HOME/teamboard/config.toml, shown with ~ for the home directory.
    let xdg = home.path().join("config/teamboard");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::write(xdg.join("config.toml"), "\n[refresh]\ninterval_secs = 1\n").unwrap();
    let out = home.run(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "teamboard: ~/config/teamboard/config.toml:3: \"interval_secs\" in [refresh] is 1; use a number of seconds from 5 to 86400\n"
    );
}

#[test]
fn missing_default_config_means_defaults_but_a_named_one_is_an_error() {
    let home = Home::new();
    assert_accepted(&home, &home.run(&["status"]), "no config at all");
    let out = home.run(&["--config", "/nonexistent/teamboard.toml", "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "teamboard: /nonexistent/teamboard.toml: no such file (check the --config path, or run `teamboard init` to write one)\n"
    );
    let out = home
        .teamboard(&["status"])
        .env("TEAMBOARD_CONFIG", "/nonexistent/x.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("check $TEAMBOARD_CONFIG"));
}

#[test]
fn unreadable_and_non_utf8_files() {
    let home = Home::new();
    let bad = home.path().join("latin1.toml");
    std::fs::write(&bad, b"[team]\n\nmembers = [\"ren\xe9@contoso.com\"]\n").unwrap();
    let out = home.run(&["--config", bad.to_str().unwrap(), "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).ends_with("latin1.toml:3: not valid UTF-8 (save the file as UTF-8)\n"),
        "{}",
        stderr(&out)
    );

    let out = home.run(&["--config", home.path().to_str().unwrap(), "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("point to the config file, not its directory"));

    let hostile = home.path().join("hostile.toml");
    std::fs::write(&hostile, "[ui]\n\"\u{1b}]0;owned\u{7}\u{202e}x\" = 1\n").unwrap();
    let out = home.run(&["--config", hostile.to_str().unwrap(), "status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}') && !err.contains('\u{202e}'),
        "{err:?}"
    );
    assert_eq!(err.lines().count(), 1);
}

/// Runs `teamboard --config PATH status` with a memory limit and a deadline (a config read without a
/// bound would otherwise take the machine's memory, one that blocks would never end).
fn status_bounded(home: &Home, path: &Path) -> Option<Output> {
    use std::process::Stdio;
    let mut cmd = home.teamboard(&[]);
    let program = cmd.get_program().to_owned();
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg("ulimit -v 2000000; exec \"$0\" \"$@\"")
        .arg(program)
        .args(["--config", path.to_str().unwrap(), "status"])
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env_remove("TEAMBOARD_ACCESS_TOKEN")
        .env_remove("TEAMBOARD_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd = limited;
    let mut child = cmd.spawn().unwrap();
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(10) {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn a_config_that_is_a_device_or_a_fifo_is_refused_at_once() {
    let home = Home::new();
    let zero = home.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fifo = home.path().join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for (path, what) in [(&zero, "a character device"), (&fifo, "a FIFO")] {
        let out = status_bounded(&home, path).unwrap_or_else(|| panic!("{what}: still running"));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(err.contains(name), "{what}: names the file: {err}");
        assert!(err.contains(what), "{what}: {err}");
        assert!(
            err.contains("regular file"),
            "{what}: says what to do: {err}"
        );
    }
}

#[test]
fn init_writes_the_example_then_refuses_to_overwrite() {
    let home = Home::new();
    let out = home.run(&["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = home.path().join("config/teamboard/config.toml");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "wrote ~/config/teamboard/config.toml; set [auth] client_id to your app registration (README: \"Registering teamboard\") and add your teammates under [team] members\n"
    );
    let expected =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
            .unwrap();
    assert_eq!(std::fs::read_to_string(&written).unwrap(), expected);
    assert_accepted(&home, &home.run(&["status"]), "the written config");
    let out = home.run(&["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"));
    // A config that is broken does not stop init from reporting where it would write.
    std::fs::write(&written, "[[[").unwrap();
    assert_eq!(home.run(&["init"]).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "[[[");
}

#[test]
fn usage_errors_and_a_placeholder_app_registration_exit_2() {
    let home = Home::new();
    let out = home.run(&["status", "--json", "--line"]);
    assert_eq!(out.status.code(), Some(2));
    let out = home.run(&["--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    // The example's placeholder app registration cannot sign in: a config error that says how to
    // register one.
    let out = home.run(&["login"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("teamboard init --client-id"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

/// Each valid file read by the library: everything it sets is set, and nothing else moves from the
/// defaults (a file accepted but half ignored would pass `every_valid_config_is_accepted`).
#[test]
fn each_valid_config_changes_exactly_what_it_sets() {
    use std::time::Duration;

    use teamboard::config::{
        Config, GroupBy, KeyOverride, SortOrder, Symbols, ThemeName, TokenStoreKind,
    };

    let read = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/valid_configs")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        (Config::parse(&text, name).unwrap(), text)
    };
    // A `[keys]` line as the loader keeps it: with the line it was written on.
    let key = |text: &str, key: &str, command: &str| KeyOverride {
        key: key.to_owned(),
        command: command.to_owned(),
        line: text
            .lines()
            .position(|l| l.starts_with(&format!("\"{key}\"")))
            .map(|i| i + 1)
            .unwrap(),
    };
    let defaults = Config::default();

    for name in ["empty.toml", "comments_only.toml"] {
        assert_eq!(read(name).0, defaults, "{name}");
    }

    let (config, text) = read("keys_only.toml");
    let mut expected = defaults.clone();
    expected.keys = vec![key(&text, "j", "move_down"), key(&text, "ctrl-g", "first")];
    assert_eq!(config, expected, "keys_only.toml");

    let (config, _) = read("inline_tables.toml");
    let mut expected = defaults.clone();
    expected.graph.base_url = "https://graph.microsoft.com/v1.0".into();
    expected.graph.timeout = Duration::from_secs(10);
    expected.refresh.interval = Duration::from_secs(60);
    expected.refresh.unfocused_interval = config.refresh.unfocused_interval;
    expected.ui.symbols = Symbols::Unicode;
    expected.ui.mouse = false;
    assert_eq!(config, expected, "inline_tables.toml");
    assert!(config.refresh.unfocused_interval >= Duration::from_secs(60));

    let (config, _) = read("simulated_tenant.toml");
    let mut expected = defaults.clone();
    expected.graph.base_url = "http://127.0.0.1:8123/v1.0".into();
    expected.auth.authority = "http://127.0.0.1:8123".into();
    expected.auth.tenant = "contoso.onmicrosoft.com".into();
    assert_eq!(config, expected, "simulated_tenant.toml");

    let (config, text) = read("full.toml");
    let mut expected = defaults.clone();
    expected.graph.base_url = "https://graph.microsoft.us/v1.0".into();
    expected.graph.timeout = Duration::from_secs(30);
    expected.auth.authority = "https://login.microsoftonline.us".into();
    expected.auth.tenant = "contoso.onmicrosoft.com".into();
    expected.auth.client_id = "8b3c8a2e-1f1e-4c4e-9c61-3f2d3c0b7a11".into();
    expected.auth.token_store = TokenStoreKind::File;
    expected.team.members = vec![
        "adele@contoso.com".into(),
        "66825e03-7ef5-42da-9069-724602c31f6b".into(),
        "guest_fabrikam.com#EXT#@contoso.onmicrosoft.com".into(),
    ];
    expected.team.groups = vec!["02bd9fd6-8f93-4758-87c3-1fb73740a315".into()];
    expected.team.include_me = false;
    expected.team.roster_ttl = Duration::ZERO;
    expected.refresh.interval = Duration::from_secs(5);
    expected.refresh.unfocused_interval = config.refresh.unfocused_interval;
    expected.ui.symbols = Symbols::Ascii;
    expected.ui.sort = SortOrder::Recent;
    expected.ui.group_by = GroupBy::Availability;
    expected.ui.mouse = true;
    expected.ui.theme = ThemeName::Light;
    expected.keys = vec![
        key(&text, "ctrl-f", "page_down"),
        key(&text, "ctrl-b", "page_up"),
    ];
    assert_eq!(config, expected, "full.toml");
}
