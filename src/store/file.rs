//! Private files written atomically and read back defensively: 0600 in a 0700 directory, never through
//! a symlink, never torn (temp file, fsync, rename, fsync the directory).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

pub use crate::paths::make_private_dir;
use crate::regular_file::{self, Links, OpenError};

/// A cache file larger than this is not ours (10,000 people take about 5 MB).
pub const MAX_BYTES: u64 = 64 << 20;
/// A temp file this old was left by a process that died mid-save (`kill -9`); it is removed.
const STALE_TEMP: Duration = Duration::from_secs(60);

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Why a file could not be read back. `Missing` is the normal first start and is not logged.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no file")]
    Missing,
    #[error("it is a symlink; refusing to follow it")]
    Symlink,
    #[error("it is not a regular file")]
    NotAFile,
    #[error("it is larger than {} MB", MAX_BYTES >> 20)]
    TooLarge,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// `.{name}.{pid}-{n}.tmp`: hidden, next to the target (so `rename` stays on one file system).
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

fn is_temp_of(file_name: &str, name: &str) -> bool {
    file_name
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|rest| Path::new(rest).extension().is_some_and(|e| e == "tmp"))
}

/// Writes `bytes` to `dir/name` atomically, mode 0600. Refuses when `dir/name` is a symlink.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    make_private_dir(dir)?;
    let target = dir.join(name);
    match fs::symlink_metadata(&target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "refusing to replace a symlink with a cache file",
            ));
        }
        _ => {}
    }
    remove_stale_temps(dir, name);
    let temp = temp_path(dir, name);
    let result = write_then_rename(&temp, &target, bytes);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    // The rename is durable only once the directory entry is.
    File::open(dir)?.sync_all()
}

fn write_then_rename(temp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    // `create_new` (O_EXCL) never follows a symlink planted at the temp name.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, target)
}

/// Removes temp files of `name` older than a minute: a save killed half-way leaves one behind.
/// Younger ones may belong to another teamboard saving right now, so they stay.
pub fn remove_stale_temps(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !is_temp_of(&file_name.to_string_lossy(), name) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age >= STALE_TEMP));
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Reads `path` if it is a regular file (not a symlink) of sane size, fixing a mode wider than 0600.
/// Opened once without following a link or blocking, and checked on the open handle: a FIFO or a device
/// swapped in at the path costs nothing.
pub fn read_private(path: &Path) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = regular_file::open(path, Links::Refuse).map_err(ReadError::from)?;
    if meta.len() > MAX_BYTES {
        return Err(ReadError::TooLarge);
    }
    if meta.permissions().mode() & 0o077 != 0 {
        // Colleagues' messages are in here: an old or copied file readable by others is narrowed.
        if let Err(e) = file.set_permissions(fs::Permissions::from_mode(0o600)) {
            tracing::warn!(error = %e, "could not make a cache file private (0600)");
        }
    }
    regular_file::read_bounded(file, MAX_BYTES, meta.len()).map_err(ReadError::from)
}

impl From<OpenError> for ReadError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::NotFound => ReadError::Missing,
            OpenError::Symlink => ReadError::Symlink,
            OpenError::NotAFile(_) => ReadError::NotAFile,
            OpenError::TooLarge { .. } => ReadError::TooLarge,
            OpenError::Io(e) => ReadError::Io(e),
        }
    }
}

/// Removes `path` if present.
pub fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn writes_are_private_and_replace_whole_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache/teamboard");
        write_atomic(&dir, "a.json", b"first").unwrap();
        write_atomic(&dir, "a.json", b"second").unwrap();
        assert_eq!(fs::read(dir.join("a.json")).unwrap(), b"second");
        assert_eq!(mode(&dir.join("a.json")), 0o600);
        assert_eq!(mode(&dir), 0o700);
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.json"], "no temp file left behind");
    }

    #[test]
    fn a_wide_existing_directory_is_narrowed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        write_atomic(&dir, "a.json", b"x").unwrap();
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn an_existing_0644_file_is_fixed_to_0600_when_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.json");
        fs::write(&path, b"data").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_private(&path).unwrap(), b"data");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn an_existing_0644_file_is_replaced_by_a_0600_one_when_written() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.json");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(tmp.path(), "a.json", b"new").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn symlinks_are_refused_both_ways() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("victim");
        fs::write(&elsewhere, b"precious").unwrap();
        let link = tmp.path().join("a.json");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        assert!(matches!(read_private(&link), Err(ReadError::Symlink)));
        let e = write_atomic(tmp.path(), "a.json", b"overwrite").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(fs::read(&elsewhere).unwrap(), b"precious");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_temp_left_by_a_killed_save_is_ignored_then_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write_atomic(dir, "a.json", b"good").unwrap();
        // What `kill -9` between write and rename leaves: a torn temp file next to the intact target.
        let stale = dir.join(".a.json.999-0.tmp");
        fs::write(&stale, b"{\"torn").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let fresh = dir.join(".a.json.998-0.tmp");
        fs::write(&fresh, b"in flight").unwrap();
        assert_eq!(read_private(&dir.join("a.json")).unwrap(), b"good");
        write_atomic(dir, "a.json", b"newer").unwrap();
        assert!(!stale.exists(), "stale temp removed");
        assert!(fresh.exists(), "another process's temp left alone");
        assert_eq!(fs::read(dir.join("a.json")).unwrap(), b"newer");
    }

    #[test]
    fn missing_directories_and_huge_files() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_private(&tmp.path().join("none")),
            Err(ReadError::Missing)
        ));
        assert!(matches!(read_private(tmp.path()), Err(ReadError::NotAFile)));
        let big = tmp.path().join("big");
        File::create(&big).unwrap().set_len(MAX_BYTES + 1).unwrap();
        assert!(matches!(read_private(&big), Err(ReadError::TooLarge)));
    }

    #[test]
    fn a_fifo_or_a_device_at_the_cache_path_is_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let pipe = tmp.path().join("snapshot.json");
        let mode = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
        rustix::fs::mkfifoat(rustix::fs::CWD, &pipe, mode).unwrap();
        assert!(matches!(read_private(&pipe), Err(ReadError::NotAFile)));
        let link = tmp.path().join("roster.json");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(read_private(&link), Err(ReadError::Symlink)));
    }

    #[test]
    fn temp_names_match_only_their_target() {
        assert!(is_temp_of(".a.json.12-0.tmp", "a.json"));
        assert!(!is_temp_of(".ab.json.12-0.tmp", "a.json"));
        assert!(!is_temp_of("a.json", "a.json"));
    }
}
