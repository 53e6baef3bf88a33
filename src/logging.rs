//! Logs to a daily-rotated file under `$XDG_STATE_HOME/teamboard/`, never to the terminal.
//!
//! Writes are synchronous (no writer thread): teamboard logs little, and a line written before a
//! panic or a SIGTERM `process::exit` is then on disk rather than lost in a buffer.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

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

/// Starts logging to `dir` with the filter from the environment. `None` when the directory cannot be
/// made or a logger is already installed: the command then runs without logs rather than failing.
pub fn init(dir: Option<&Path>) -> Option<Logging> {
    let dir = dir?;
    let (filter, rejected) = filter_from(&ProcessEnv);
    let subscriber = subscriber(dir, filter)?;
    tracing::subscriber::set_global_default(subscriber).ok()?;
    if let Some(bad) = rejected {
        tracing::warn!(filter = %SafeText::line(&bad), "log filter not understood; using {DEFAULT_FILTER}");
    }
    Some(Logging {
        dir: dir.to_path_buf(),
    })
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

/// The file subscriber: plain text (no ANSI), a 0700 directory (the log names colleagues).
pub fn subscriber(
    dir: &Path,
    filter: EnvFilter,
) -> Option<impl tracing::Subscriber + Send + Sync + 'static> {
    paths::make_private_dir(dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEEP_FILES)
        .build(dir)
        .ok()?;
    Some(
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(appender)
            .finish(),
    )
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
    fn an_impossible_directory_means_no_logs() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        assert!(subscriber(&file.join("sub"), EnvFilter::new("info")).is_none());
    }
}
