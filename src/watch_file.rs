//! The people marked with `w`, kept across restarts in the state directory (`watched.json`, 0600 in a
//! 0700 directory, written atomically: a crash leaves the old list or the new, never half of one).
//! Read back as untrusted input: a damaged or hostile file costs the marks, nothing more.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::graph::model::UserId;
use crate::store::ReadError;
use crate::store::file::{read_private, write_atomic};
use crate::text::SafeText;

const NAME: &str = "watched.json";
const VERSION: u32 = 1;
/// More marks than anyone sets by hand; a file with more is not ours.
const MAX_IDS: usize = 10_000;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    watched: Vec<String>,
}

/// Where the list lives: the state directory's `watched.json`.
#[derive(Clone, Debug)]
pub struct WatchFile {
    dir: PathBuf,
}

impl WatchFile {
    pub fn in_dir(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// In `$XDG_STATE_HOME/teamboard`, when there is a home to find it in.
    pub fn default_place(env: &dyn crate::paths::Env) -> Option<Self> {
        crate::paths::state_dir(env).map(Self::in_dir)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(NAME)
    }

    /// The ids kept; none when there is no file. A file that cannot be used is logged and ignored.
    pub fn load(&self) -> Vec<UserId> {
        match read_private(&self.path()) {
            Ok(bytes) => decode(&bytes).unwrap_or_else(|why| {
                tracing::warn!(file = %shown(&self.path()), why, "ignoring the watch list file");
                Vec::new()
            }),
            Err(ReadError::Missing) => Vec::new(),
            Err(e) => {
                tracing::warn!(file = %shown(&self.path()), error = %SafeText::line(&e.to_string()), "could not read the watch list file");
                Vec::new()
            }
        }
    }

    /// Replaces the kept list with `ids`.
    pub fn save(&self, ids: &[UserId]) -> io::Result<()> {
        let file = File {
            version: VERSION,
            watched: ids.iter().map(|id| id.as_str().to_owned()).collect(),
        };
        let bytes = serde_json::to_vec_pretty(&file)?;
        write_atomic(&self.dir, NAME, &bytes)
    }
}

fn shown(path: &Path) -> SafeText {
    SafeText::line(&path.display().to_string())
}

fn decode(bytes: &[u8]) -> Result<Vec<UserId>, &'static str> {
    let file: File = serde_json::from_slice(bytes).map_err(|_| "not a watch list")?;
    if file.version != VERSION {
        return Err("written by another version of teamboard");
    }
    if file.watched.len() > MAX_IDS {
        return Err("too many entries");
    }
    // An id is a directory object id: printable, no spaces; anything else matches no one anyway.
    Ok(file
        .watched
        .into_iter()
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 256
                && !id.chars().any(|c| c.is_control() || c.is_whitespace())
        })
        .map(UserId::new)
        .collect())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn the_list_survives_a_restart_privately_and_atomically() {
        let tmp = tempfile::tempdir().unwrap();
        let file = WatchFile::in_dir(tmp.path().join("state"));
        assert!(file.load().is_empty(), "no file: nobody");
        let ids = [UserId::new("a-1"), UserId::new("b-2")];
        file.save(&ids).unwrap();
        assert_eq!(file.load(), ids);
        let mode = std::fs::metadata(file.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(tmp.path().join("state"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        // Saved again: replaced whole, and no temp file left beside it.
        file.save(&ids[..1]).unwrap();
        assert_eq!(file.load(), ids[..1]);
        let names: Vec<String> = std::fs::read_dir(tmp.path().join("state"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["watched.json"]);
    }

    #[test]
    fn a_damaged_or_hostile_file_costs_only_the_marks() {
        let tmp = tempfile::tempdir().unwrap();
        let file = WatchFile::in_dir(tmp.path().to_path_buf());
        for bad in [
            &b"{\"version\":1,\"watched\":[\"a\""[..],
            b"\xff\xfe",
            b"[]",
            b"{\"version\":9,\"watched\":[]}",
        ] {
            std::fs::write(file.path(), bad).unwrap();
            assert!(file.load().is_empty(), "{bad:?}");
        }
        std::fs::write(
            file.path(),
            "{\"version\":1,\"watched\":[\"ok\",\"\\u001b]0;x\\u0007\",\"two words\",\"\"]}",
        )
        .unwrap();
        assert_eq!(file.load(), [UserId::new("ok")]);
        // A symlink planted at the path is neither read nor written through.
        std::fs::remove_file(file.path()).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), file.path()).unwrap();
        assert!(file.load().is_empty());
        assert!(file.save(&[UserId::new("x")]).is_err());
        assert!(!tmp.path().join("elsewhere").exists());
    }
}
