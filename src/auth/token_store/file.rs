//! Token files in `<data dir>/tokens/`: 0600 in a 0700 directory, replaced atomically, never through
//! a symlink (the file or the directory).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::StoreError;
use super::record::{AccountId, is_plain_id, is_profile_key};
use crate::paths::make_private_dir;
use crate::store::file::{self as private_file, ReadError};

pub(super) struct FileStore {
    /// `<data dir>/tokens`.
    dir: PathBuf,
}

/// A token file found by name alone (not through the index), read for its username and removed.
pub(super) struct Stray {
    pub path: PathBuf,
    pub bytes: Option<Vec<u8>>,
}

impl FileStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("tokens"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, profile_key: &str, id: &AccountId) -> PathBuf {
        self.dir.join(id.file_name(profile_key))
    }

    /// Whether the directory exists. A symlinked `tokens` is refused: following it would put tokens,
    /// and the 0700 narrowing, wherever it points.
    fn check_dir(&self) -> Result<bool, StoreError> {
        match fs::symlink_metadata(&self.dir) {
            Ok(meta) if meta.file_type().is_symlink() => Err(StoreError::symlink(&self.dir)),
            Ok(meta) if !meta.is_dir() => Err(StoreError::file(
                "use",
                &self.dir,
                &io::Error::other("it is not a directory"),
            )),
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::file("open", &self.dir, &e)),
        }
    }

    /// The file's bytes; `None` when there is none, or it is not a file teamboard could have written
    /// (logged). A mode wider than 0600 is narrowed after reading.
    pub fn read(&self, profile_key: &str, id: &AccountId) -> Result<Option<Vec<u8>>, StoreError> {
        if !self.check_dir()? {
            return Ok(None);
        }
        let path = self.path(profile_key, id);
        match private_file::read_private(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(ReadError::Missing) => Ok(None),
            Err(ReadError::Symlink) => Err(StoreError::symlink(&path)),
            Err(ReadError::Io(e)) => Err(StoreError::file("read", &path, &e)),
            Err(why @ (ReadError::NotAFile | ReadError::TooLarge)) => {
                tracing::warn!(file = %super::error::shown(&path), why = %why, "token file ignored");
                Ok(None)
            }
        }
    }

    /// Replaces the file atomically (temp file, fsync, rename, fsync the directory): a crash leaves
    /// the old file or the new one, and a temp that the next save of this name removes.
    pub fn write(&self, profile_key: &str, id: &AccountId, bytes: &[u8]) -> Result<(), StoreError> {
        if let Some(parent) = self.dir.parent() {
            make_private_dir(parent).map_err(|e| StoreError::file("create", parent, &e))?;
        }
        self.check_dir()?;
        let name = id.file_name(profile_key);
        let path = self.dir.join(&name);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(StoreError::symlink(&path));
        }
        private_file::write_atomic(&self.dir, &name, bytes)
            .map_err(|e| StoreError::file("write", &path, &e))
    }

    /// Removes the file; `true` when there was one.
    pub fn remove(&self, profile_key: &str, id: &AccountId) -> Result<bool, StoreError> {
        if !self.check_dir()? {
            return Ok(false);
        }
        let path = self.path(profile_key, id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::file("remove", &path, &e)),
        }
    }

    /// Removes every file named like a token file or one's temp, and returns the token files (with
    /// their bytes when readable, to say whose they were). Other files are left alone.
    pub fn remove_strays(&self) -> Result<Vec<Stray>, StoreError> {
        if !self.check_dir()? {
            return Ok(Vec::new());
        }
        let entries =
            fs::read_dir(&self.dir).map_err(|e| StoreError::file("list", &self.dir, &e))?;
        let mut strays = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let path = entry.path();
            if is_token_file_name(&name) {
                let bytes = private_file::read_private(&path).ok();
                remove(&path)?;
                strays.push(Stray { path, bytes });
            } else if is_temp_name(&name) {
                // A save killed between write and rename; nobody else can be saving during logout's
                // lock, and a half-written token is still a token.
                remove(&path)?;
            }
        }
        Ok(strays)
    }
}

fn remove(path: &Path) -> Result<(), StoreError> {
    private_file::remove_if_present(path).map_err(|e| StoreError::file("remove", path, &e))
}

/// `<16 hex>-<id>.<id>.json`.
fn is_token_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".json") else {
        return false;
    };
    let Some((key, ids)) = stem.split_once('-') else {
        return false;
    };
    let Some((tenant, object)) = ids.split_once('.') else {
        return false;
    };
    is_profile_key(key) && is_plain_id(tenant) && is_plain_id(object)
}

/// `.<token file name>.<pid>-<n>.tmp`, as `write_atomic` names its temps.
fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|r| r.strip_suffix(".tmp")) else {
        return false;
    };
    rest.rsplit_once('.')
        .is_some_and(|(target, _)| is_token_file_name(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_and_temp_names() {
        let name = "0123456789abcdef-72f988bf-86f1.1b2c-3d.json";
        assert!(is_token_file_name(name));
        assert!(is_temp_name(&format!(".{name}.123-0.tmp")));
        assert!(!is_token_file_name("accounts.json"));
        assert!(!is_token_file_name("0123456789abcdef-a/b.c.json"));
        assert!(!is_token_file_name("0123456789ABCDEF-a.b.json"));
        assert!(!is_temp_name(".accounts.json.1-0.tmp"));
    }
}
