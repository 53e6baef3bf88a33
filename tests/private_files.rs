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
