//! An exclusive lock on a file beside the store, so two teamboards (the board, a status bar, a script)
//! never refresh and save the same tokens at once. The OS drops it when its holder dies.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::StoreError;
use super::error::shown;
use crate::paths::make_private_dir;

/// How often a waiting process looks again: short next to a refresh (hundreds of milliseconds), and
/// a handful of wake-ups per second while it waits.
const RETRY: Duration = Duration::from_millis(20);

/// Held while it lives; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct StoreLock {
    file: File,
    path: PathBuf,
}

impl StoreLock {
    /// The lock file, e.g. for a message.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        // Closing the file releases it too; unlocking first says so even if the handle were leaked.
        let _ = self.file.unlock();
    }
}

/// Takes the lock on `dir/name`, waiting up to `timeout` for another holder to let go.
pub(super) fn acquire(dir: &Path, name: &str, timeout: Duration) -> Result<StoreLock, StoreError> {
    make_private_dir(dir).map_err(|e| StoreError::file("create", dir, &e))?;
    let path = dir.join(name);
    let file = open(&path)?;
    let deadline = Instant::now() + timeout;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(StoreLock { file, path }),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(StoreError::file("lock", &path, &e)),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(StoreError::Busy { path: shown(&path) });
        }
        thread::sleep(left.min(RETRY));
    }
}

/// Opens (creating, 0600) the lock file, refusing a symlink at its path and checking that the file
/// opened is the one looked at.
fn open(path: &Path) -> Result<File, StoreError> {
    let before = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(StoreError::symlink(path)),
        Ok(meta) if !meta.is_file() => {
            let e = io::Error::other("it is not a regular file");
            return Err(StoreError::file("open", path, &e));
        }
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(StoreError::file("open", path, &e)),
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|e| StoreError::file("open", path, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| StoreError::file("open", path, &e))?;
    let after = fs::symlink_metadata(path).map_err(|e| StoreError::file("open", path, &e))?;
    let same = |m: &fs::Metadata| m.dev() == meta.dev() && m.ino() == meta.ino();
    if after.file_type().is_symlink() || !same(&after) || before.as_ref().is_some_and(|b| !same(b))
    {
        return Err(StoreError::symlink(path));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::file("make private", path, &e))?;
    }
    Ok(file)
}
