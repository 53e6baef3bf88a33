//! The built binary against files and directories others could have tampered with: symlinks at the log,
//! cache and state paths, and (below) configs and directories others can write.

use std::path::Path;
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
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_teamboard"))
            .args(args)
            .env_remove("TEAMBOARD_ACCESS_TOKEN")
            .env_remove("TEAMBOARD_CONFIG")
            .env_remove("TEAMBOARD_LOG")
            .env_remove("RUST_LOG")
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("XDG_STATE_HOME", self.path().join("state"))
            .env("XDG_DATA_HOME", self.path().join("data"))
            .output()
            .unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A file of someone else's, and a link to it planted at `at`.
fn victim_behind(home: &Home, at: &Path) -> std::path::PathBuf {
    let victim = home.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&victim, at).unwrap();
    victim
}

#[test]
fn a_symlink_at_the_log_path_turns_the_log_off_with_one_line() {
    let home = Home::new();
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let log = home
        .path()
        .join(format!("state/teamboard/teamboard.{today}.log"));
    let victim = victim_behind(&home, &log);
    let out = home.run(&["status"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "stops at sign-in: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    let warned: Vec<&str> = err.lines().filter(|l| l.contains("the log")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(warned[0].contains("symlink"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[test]
fn a_symlinked_state_directory_is_neither_chmodded_nor_written() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let elsewhere = home.path().join("shared");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir(home.path().join("state")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.path().join("state/teamboard")).unwrap();
    let out = home.run(&["status"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("the log is off"), "{}", stderr(&out));
    let mode = std::fs::metadata(&elsewhere).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o755);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn logout_never_deletes_through_a_symlinked_cache_directory() {
    let home = Home::new();
    let elsewhere = home.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let theirs = elsewhere.join("snapshot-theirs.json");
    std::fs::write(&theirs, "precious").unwrap();
    std::fs::create_dir(home.path().join("cache")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.path().join("cache/teamboard")).unwrap();
    let out = home.run(&["logout"]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("symlink"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "precious");
}

#[test]
fn log_files_are_made_0600() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let out = home.run(&["status"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let dir = home.path().join("state/teamboard");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// Writes `text` as a config file in `dir` (created) with `mode`, and `dir` with `dir_mode`.
fn config_at(home: &Home, dir: &str, dir_mode: u32, mode: u32, text: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = home.path().join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("teamboard.toml");
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(dir_mode)).unwrap();
    file
}

const REDIRECTS: &str = "[graph]\nbase_url = \"http://127.0.0.1:9/v1.0\"\n";

#[test]
fn a_config_others_can_write_is_warned_about() {
    let home = Home::new();
    let file = config_at(
        &home,
        "conf",
        0o700,
        0o666,
        "[refresh]\ninterval_secs = 60\n",
    );
    let out = home.run(&["--config", file.to_str().unwrap(), "status"]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(3),
        "used, then stops at sign-in: {err}"
    );
    let warning = err
        .lines()
        .find(|l| l.contains("writable"))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(warning.contains("teamboard.toml"), "{warning}");
    assert!(warning.contains("chmod go-w"), "{warning}");
}

#[test]
fn a_config_others_can_write_may_not_send_the_token_elsewhere() {
    let home = Home::new();
    let writable_file = config_at(&home, "a", 0o700, 0o666, REDIRECTS);
    let writable_dir = config_at(
        &home,
        "b",
        0o777,
        0o600,
        "[auth]\nauthority = \"https://login.evil.example\"\n",
    );
    for (file, key) in [
        (&writable_file, "[graph] base_url"),
        (&writable_dir, "[auth] authority"),
    ] {
        let out = home.run(&["--config", file.to_str().unwrap(), "status"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{key}: {err}");
        assert_eq!(err.lines().count(), 1, "{key}: {err}");
        assert!(err.contains(key), "{key}: {err}");
        assert!(err.contains("chmod go-w"), "{key}: {err}");
    }
    // The same settings in a file only its owner can change are fine; a sticky shared directory
    // (like /tmp) lets nobody else replace the file.
    let private = config_at(&home, "c", 0o700, 0o600, REDIRECTS);
    let sticky = config_at(&home, "d", 0o1777, 0o644, REDIRECTS);
    for file in [private, sticky] {
        let out = home.run(&["--config", file.to_str().unwrap(), "status"]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(!stderr(&out).contains("writable"), "{}", stderr(&out));
    }
}

#[test]
fn a_cache_directory_others_can_write_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let cache = home.path().join("cache/teamboard");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = home.run(&["status"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let warning = err
        .lines()
        .find(|l| l.contains("cache/teamboard"))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(warning.contains("writable"), "{warning}");
}
