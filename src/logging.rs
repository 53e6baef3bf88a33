//! Logs to a daily-rotated file under `$XDG_STATE_HOME/teamboard/`, never to the terminal.
//!
//! Writes are synchronous (no writer thread): teamboard logs little, and a line written before a
//! panic or a SIGTERM `process::exit` is then on disk rather than lost in a buffer.

mod daily_file;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tracing_subscriber::EnvFilter;

use daily_file::DailyFile;

use crate::paths::{self, Env, ProcessEnv};
use crate::text::SafeText;

/// The filter when neither `TEAMBOARD_LOG` nor `RUST_LOG` is set.
pub const DEFAULT_FILTER: &str = "warn";
/// Daily files kept; older ones are deleted when a new one starts.
pub const KEEP_FILES: usize = 7;
const PREFIX: &str = "teamboard";
const SUFFIX: &str = "log";

/// Logging is on; where the files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logging {
    pub dir: PathBuf,
}

/// `$XDG_STATE_HOME/teamboard` (`~/.local/state/teamboard`).
pub fn default_dir() -> Option<PathBuf> {
    paths::state_dir(&ProcessEnv)
}

/// Starts logging to `dir` with the filter from the environment. Without a directory, or with a
/// logger already installed, the command runs without logs rather than failing; when the directory or
/// today's file may not be used (a symlink, another user's, not a regular file), the second value is
/// one line saying so, for the user to see once.
pub fn init(dir: Option<&Path>) -> (Option<Logging>, Option<SafeText>) {
    let Some(dir) = dir else {
        return (None, None);
    };
    let (filter, rejected) = filter_from(&ProcessEnv);
    let subscriber = match subscriber(dir, filter) {
        Ok(subscriber) => subscriber,
        Err(why) => {
            let line = SafeText::line(&format!("the log is off: {why}"));
            return (None, Some(line));
        }
    };
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        return (None, None);
    }
    if let Some(bad) = rejected {
        tracing::warn!(filter = %SafeText::line(&bad), "log filter not understood; using {DEFAULT_FILTER}");
    }
    let logging = Logging {
        dir: dir.to_path_buf(),
    };
    (Some(logging), None)
}

/// `TEAMBOARD_LOG`, else `RUST_LOG`, else `warn`. A filter that does not parse is returned as the
/// second value (to be logged) and the default used.
pub fn filter_from(env: &dyn Env) -> (EnvFilter, Option<String>) {
    let chosen = ["TEAMBOARD_LOG", "RUST_LOG"]
        .iter()
        .find_map(|name| env.var(name).filter(|v| !v.is_empty()))
        .map(|v| v.to_string_lossy().into_owned());
    match chosen {
        None => (EnvFilter::new(DEFAULT_FILTER), None),
        Some(text) => match EnvFilter::try_new(&text) {
            Ok(filter) => (filter, None),
            Err(_) => (EnvFilter::new(DEFAULT_FILTER), Some(text)),
        },
    }
}

/// The file subscriber: plain text (no ANSI), a 0700 directory and 0600 files (the log names
/// colleagues), never written through a link. `Err`: why the log may not go there.
pub fn subscriber(
    dir: &Path,
    filter: EnvFilter,
) -> Result<impl tracing::Subscriber + Send + Sync + 'static, String> {
    paths::make_private_dir(dir)
        .map_err(|e| format!("{}: {e}", paths::display(dir, &ProcessEnv)))?;
    let file = Arc::new(DailyFile::open(dir)?);
    Ok(tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(file)
        .finish())
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn teamboard_log_wins_over_rust_log() {
        let (f, bad) = filter_from(&env(&[("TEAMBOARD_LOG", "debug"), ("RUST_LOG", "error")]));
        assert_eq!(f.to_string(), "debug");
        assert_eq!(bad, None);
        let (f, _) = filter_from(&env(&[("RUST_LOG", "error")]));
        assert_eq!(f.to_string(), "error");
        let (f, _) = filter_from(&env(&[]));
        assert_eq!(f.to_string(), DEFAULT_FILTER);
    }

    #[test]
    fn a_bad_filter_falls_back_and_is_reported() {
        let (f, bad) = filter_from(&env(&[("TEAMBOARD_LOG", "teamboard=loud")]));
        assert_eq!(f.to_string(), DEFAULT_FILTER);
        assert_eq!(bad.as_deref(), Some("teamboard=loud"));
    }

    #[test]
    fn logs_go_to_a_plain_file_in_a_private_dir() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state/teamboard");
        let sub = subscriber(&dir, EnvFilter::new("info")).unwrap();
        tracing::subscriber::with_default(sub, || {
            tracing::info!(who = "x", "hello from the test");
            tracing::debug!("filtered out");
        });
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("teamboard.")
                && Path::new(&name).extension().is_some_and(|e| e == "log"),
            "{name}"
        );
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("hello from the test"), "{text}");
        assert!(!text.contains("filtered out"));
        assert!(!text.contains('\u{1b}'), "no ANSI in the file");
    }

    #[test]
    fn log_files_are_private_and_a_symlink_at_the_log_path_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state/teamboard");
        let sub = subscriber(&dir, EnvFilter::new("info")).unwrap();
        tracing::subscriber::with_default(sub, || tracing::info!("private"));
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        // Today's log path is a link to someone's file: nothing is appended to it.
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&victim, &file).unwrap();
        let refused = match subscriber(&dir, EnvFilter::new("info")) {
            Ok(sub) => {
                tracing::subscriber::with_default(sub, || tracing::info!("leaked"));
                None
            }
            Err(why) => Some(why),
        };
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        let why = refused.expect("refused");
        assert!(why.contains("symlink"), "{why}");
    }

    #[test]
    fn a_symlinked_log_directory_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let dir = tmp.path().join("teamboard");
        std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
        let why = subscriber(&dir, EnvFilter::new("info"))
            .err()
            .expect("refused");
        assert!(why.contains("symlink"), "{why}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn an_impossible_directory_means_no_logs() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        assert!(subscriber(&file.join("sub"), EnvFilter::new("info")).is_err());
    }
}
