//! Where teamboard keeps its files: the XDG base directories, honoured on every platform.
//!
//! `directories` would send macOS users to `~/Library`; the README promises the XDG variables on every
//! platform, so they are read here and `directories` only supplies the home directory when `$HOME` is unset.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

const APP: &str = "teamboard";

/// The environment, injectable so lookup order is testable without touching the process's variables.
pub trait Env {
    fn var(&self, name: &str) -> Option<OsString>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }
}

impl<F: Fn(&str) -> Option<OsString>> Env for F {
    fn var(&self, name: &str) -> Option<OsString> {
        self(name)
    }
}

/// The user's home: `$HOME`, else what the system's user database says.
pub fn home_dir(env: &dyn Env) -> Option<PathBuf> {
    match env.var("HOME").filter(|h| !h.is_empty()) {
        Some(home) => Some(PathBuf::from(home)),
        None => directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()),
    }
}

/// `$<var>/teamboard`, or `~/<fallback>/teamboard`. A relative XDG value is ignored, as the spec says.
fn base(env: &dyn Env, var: &str, fallback: &str) -> Option<PathBuf> {
    let from_var = env.var(var).map(PathBuf::from).filter(|p| p.is_absolute());
    from_var
        .or_else(|| home_dir(env).map(|h| h.join(fallback)))
        .map(|p| p.join(APP))
}

/// `$XDG_CONFIG_HOME/teamboard` (`~/.config/teamboard`).
pub fn config_dir(env: &dyn Env) -> Option<PathBuf> {
    base(env, "XDG_CONFIG_HOME", ".config")
}

/// `$XDG_CACHE_HOME/teamboard` (`~/.cache/teamboard`): snapshots and the roster cache.
pub fn cache_dir(env: &dyn Env) -> Option<PathBuf> {
    base(env, "XDG_CACHE_HOME", ".cache")
}

/// `$XDG_STATE_HOME/teamboard` (`~/.local/state/teamboard`): the log.
pub fn state_dir(env: &dyn Env) -> Option<PathBuf> {
    base(env, "XDG_STATE_HOME", ".local/state")
}

/// `$XDG_DATA_HOME/teamboard` (`~/.local/share/teamboard`): the token file store.
pub fn data_dir(env: &dyn Env) -> Option<PathBuf> {
    base(env, "XDG_DATA_HOME", ".local/share")
}

/// A path as a user reads it in a message: the home directory shown as `~`.
pub fn display(path: &Path, env: &dyn Env) -> String {
    let home = home_dir(env).filter(|h| h != Path::new("/"));
    match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) => Path::new("~").join(rest).display().to_string(),
        None => path.display().to_string(),
    }
}

/// Creates `dir` (and parents) 0700, and narrows it to 0700 if it already exists wider (logs and
/// caches name colleagues). Refuses a `dir` that is a symlink (whoever planted it chose where
/// teamboard's files go), that is not a directory, or that another user owns. Nothing is changed
/// through a link: the mode is set on the directory opened without following one.
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let handle = open_dir_no_follow(dir)?;
    let meta = handle.metadata()?;
    if !owned_by_us(meta.uid()) {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "it belongs to another user (uid {}); use a directory of your own",
                meta.uid()
            ),
        ));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        handle.set_permissions(std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Opens the directory `dir` itself for reading, never one a symlink at `dir` points to.
pub fn open_dir_no_follow(dir: &Path) -> std::io::Result<std::fs::File> {
    use std::io::{Error, ErrorKind};
    use std::os::unix::fs::OpenOptionsExt;

    use rustix::fs::OFlags;
    let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(dir)
        .map_err(|e| {
            // A link fails as ELOOP or, with O_DIRECTORY, as ENOTDIR: the entry itself says which.
            let link = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
            let not_dir = e.raw_os_error() == Some(rustix::io::Errno::NOTDIR.raw_os_error());
            if link {
                Error::new(
                    ErrorKind::InvalidInput,
                    "it is a symlink; teamboard keeps its files only in a real directory (remove the link)",
                )
            } else if not_dir {
                Error::new(ErrorKind::InvalidInput, "it is not a directory")
            } else {
                e
            }
        })
}

/// Whether this process's user owns something owned by `uid`.
pub fn owned_by_us(uid: u32) -> bool {
    uid == rustix::process::geteuid().as_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn xdg_variables_win_over_home() {
        let e = env(&[
            ("HOME", "/home/a"),
            ("XDG_CACHE_HOME", "/c"),
            ("XDG_STATE_HOME", "/s"),
        ]);
        assert_eq!(cache_dir(&e), Some(PathBuf::from("/c/teamboard")));
        assert_eq!(state_dir(&e), Some(PathBuf::from("/s/teamboard")));
        assert_eq!(
            config_dir(&e),
            Some(PathBuf::from("/home/a/.config/teamboard"))
        );
        assert_eq!(
            data_dir(&e),
            Some(PathBuf::from("/home/a/.local/share/teamboard"))
        );
    }

    #[test]
    fn relative_or_empty_xdg_values_are_ignored() {
        let e = env(&[
            ("HOME", "/home/a"),
            ("XDG_CONFIG_HOME", "rel/dir"),
            ("XDG_CACHE_HOME", ""),
        ]);
        assert_eq!(
            config_dir(&e),
            Some(PathBuf::from("/home/a/.config/teamboard"))
        );
        assert_eq!(
            cache_dir(&e),
            Some(PathBuf::from("/home/a/.cache/teamboard"))
        );
    }

    #[test]
    fn a_symlinked_private_dir_is_refused_and_nothing_is_chmodded_through_it() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("shared");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = tmp.path().join("teamboard");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let e = make_private_dir(&link).unwrap_err();
        assert!(e.to_string().contains("symlink"), "{e}");
        let mode = std::fs::metadata(&elsewhere).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "not chmodded through the link");
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        assert!(make_private_dir(&file).is_err());
    }

    #[test]
    fn home_is_shown_as_tilde() {
        let e = env(&[("HOME", "/home/a")]);
        assert_eq!(
            display(Path::new("/home/a/.config/x.toml"), &e),
            "~/.config/x.toml"
        );
        assert_eq!(display(Path::new("/etc/x.toml"), &e), "/etc/x.toml");
    }
}
