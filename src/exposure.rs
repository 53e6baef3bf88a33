//! Whether someone other than the user could change a file or directory teamboard relies on: writable
//! by group or others, or owned by another user. Whoever can change the config can point it anywhere;
//! whoever can write in the cache can plant what the board reads back.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::paths::{self, Env};
use crate::text::SafeText;

/// Why others could change something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Group or others may write it (`mode` is its permission bits).
    Writable { mode: u32 },
    /// Another user owns it.
    Foreign { uid: u32 },
}

impl Exposure {
    /// What `meta` lets others do, if anything. A sticky directory (like /tmp) is not counted as
    /// writable: there nobody can replace another's files. Root may own anything: it can change it
    /// anyway.
    pub fn of(meta: &Metadata) -> Option<Self> {
        let mode = meta.mode() & 0o7777;
        let sticky_dir = meta.is_dir() && mode & 0o1000 != 0;
        if mode & 0o022 != 0 && !sticky_dir {
            Some(Exposure::Writable { mode })
        } else if meta.uid() != 0 && !paths::owned_by_us(meta.uid()) {
            Some(Exposure::Foreign { uid: meta.uid() })
        } else {
            None
        }
    }

    /// "is writable by others (mode 0666)".
    pub fn why(self) -> String {
        match self {
            Exposure::Writable { mode } => {
                let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
                    (true, true) => "its group and others",
                    (true, false) => "its group",
                    _ => "others",
                };
                format!("is writable by {who} (mode {mode:04o})")
            }
            Exposure::Foreign { uid } => format!("belongs to another user (uid {uid})"),
        }
    }

    /// What to run (or do) about it, for `shown`, the path as the user reads it.
    pub fn fix(self, shown: &str) -> String {
        match self {
            Exposure::Writable { .. } => format!("chmod go-w {shown}"),
            Exposure::Foreign { .. } => format!("use a copy of your own instead of {shown}"),
        }
    }
}

/// One line per teamboard directory (cache, data) others could change, or that is a symlink, for the
/// board's footer or a command's stderr. Missing directories are fine: teamboard makes them private.
pub fn dir_warnings(env: &dyn Env) -> Vec<SafeText> {
    [paths::cache_dir(env), paths::data_dir(env)]
        .into_iter()
        .flatten()
        .filter_map(|dir| dir_warning(&dir, env))
        .collect()
}

fn dir_warning(dir: &Path, env: &dyn Env) -> Option<SafeText> {
    let meta = std::fs::symlink_metadata(dir).ok()?;
    let shown = paths::display(dir, env);
    let line = if meta.file_type().is_symlink() {
        format!("{shown} is a symlink; teamboard does not use it (remove the link)")
    } else {
        let exposure = Exposure::of(&meta)?;
        format!(
            "{shown} {}; others could plant files there: {}",
            exposure.why(),
            exposure.fix(&shown)
        )
    };
    Some(SafeText::line(&line))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn with_mode(path: &Path, mode: u32) -> Metadata {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        std::fs::metadata(path).unwrap()
    }

    #[test]
    fn writable_by_others_is_exposed_except_in_a_sticky_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, "").unwrap();
        assert_eq!(Exposure::of(&with_mode(&file, 0o600)), None);
        assert_eq!(Exposure::of(&with_mode(&file, 0o644)), None);
        let exposed = Exposure::of(&with_mode(&file, 0o666)).unwrap();
        assert_eq!(
            exposed.why(),
            "is writable by its group and others (mode 0666)"
        );
        assert_eq!(exposed.fix("~/f"), "chmod go-w ~/f");
        assert_eq!(
            Exposure::of(&with_mode(&file, 0o620)).unwrap().why(),
            "is writable by its group (mode 0620)"
        );
        let dir = tmp.path().join("d");
        std::fs::create_dir(&dir).unwrap();
        assert!(Exposure::of(&with_mode(&dir, 0o777)).is_some());
        assert_eq!(Exposure::of(&with_mode(&dir, 0o1777)), None);
        assert_eq!(Exposure::of(&with_mode(&dir, 0o700)), None);
    }

    #[test]
    fn another_users_file_is_exposed() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, "").unwrap();
        // Only root can give a file away; elsewhere this case cannot be set up.
        if std::os::unix::fs::chown(&file, Some(65_534), None).is_err() {
            return;
        }
        let exposed = Exposure::of(&with_mode(&file, 0o600)).unwrap();
        assert_eq!(exposed, Exposure::Foreign { uid: 65_534 });
        assert_eq!(exposed.why(), "belongs to another user (uid 65534)");
        assert!(paths::make_private_dir(tmp.path()).is_ok(), "root's own");
        let theirs = tmp.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        std::os::unix::fs::chown(&theirs, Some(65_534), None).unwrap();
        let e = paths::make_private_dir(&theirs).unwrap_err();
        assert!(e.to_string().contains("another user"), "{e}");
    }

    #[test]
    fn teamboard_directories_others_can_write_or_that_are_links_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache/teamboard");
        std::fs::create_dir_all(&cache).unwrap();
        with_mode(&cache, 0o777);
        std::fs::create_dir(tmp.path().join("data")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), tmp.path().join("data/teamboard")).unwrap();
        let home = tmp.path().to_path_buf();
        let env = move |name: &str| match name {
            "HOME" => Some(home.clone().into_os_string()),
            "XDG_CACHE_HOME" => Some(home.join("cache").into_os_string()),
            "XDG_DATA_HOME" => Some(home.join("data").into_os_string()),
            _ => None,
        };
        let lines: Vec<String> = dir_warnings(&env).iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("~/cache/teamboard is writable"),
            "{lines:?}"
        );
        assert!(
            lines[0].ends_with("chmod go-w ~/cache/teamboard"),
            "{lines:?}"
        );
        assert!(lines[1].contains("symlink"), "{lines:?}");
    }
}
