//! The log file: one per UTC day (`teamboard.YYYY-MM-DD.log`), created 0600 and opened without following
//! a link or blocking on a FIFO, so nobody can steer the log into a file of their choosing; the oldest
//! are removed past `KEEP_FILES`.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use jiff::civil::Date;
use rustix::fs::OFlags;

use super::{KEEP_FILES, PREFIX, SUFFIX};

/// Appends each event to the day's file. A day whose file cannot be opened safely is not logged
/// (the start-up check has already said why, when it was the first day).
pub struct DailyFile {
    dir: PathBuf,
    current: Mutex<(Date, Option<File>)>,
}

impl DailyFile {
    /// Opens today's file in `dir`, or says in a few words why it may not be used.
    pub fn open(dir: &Path) -> Result<Self, String> {
        let day = today();
        let path = dir.join(name(day));
        let file = open_day(&path).map_err(|why| {
            format!(
                "{} {why}",
                crate::paths::display(&path, &crate::paths::ProcessEnv)
            )
        })?;
        prune(dir);
        Ok(Self {
            dir: dir.to_path_buf(),
            current: Mutex::new((day, Some(file))),
        })
    }
}

impl Write for &DailyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let day = today();
        if current.0 != day {
            *current = (day, open_day(&self.dir.join(name(day))).ok());
            prune(&self.dir);
        }
        if let Some(file) = &mut current.1 {
            file.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn name(day: Date) -> String {
    format!("{PREFIX}.{day}.{SUFFIX}")
}

/// Appends to `path`, creating it 0600; refuses a link, a FIFO, a device.
fn open_day(path: &Path) -> Result<File, String> {
    let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK;
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(n) if n == rustix::io::Errno::LOOP.raw_os_error() => {
                "is a symlink; remove it".to_owned()
            }
            _ => format!("cannot be opened: {e}"),
        })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file; remove it".to_owned());
    }
    if meta.permissions().mode() & 0o077 != 0 {
        // A file from an older version, made with the default mode: the log names colleagues.
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    Ok(file)
}

/// Removes the oldest daily files beyond `KEEP_FILES` (names sort by date).
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut days: Vec<(Date, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let day = name
                .to_str()?
                .strip_prefix(PREFIX)?
                .strip_prefix('.')?
                .strip_suffix(SUFFIX)?
                .strip_suffix('.')?
                .parse::<Date>()
                .ok()?;
            Some((day, e.path()))
        })
        .collect();
    days.sort();
    let extra = days.len().saturating_sub(KEEP_FILES);
    for (_, path) in days.into_iter().take(extra) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_days_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        for d in 1..=9 {
            std::fs::write(tmp.path().join(format!("teamboard.2020-01-0{d}.log")), "").unwrap();
        }
        std::fs::write(tmp.path().join("other.log"), "").unwrap();
        prune(tmp.path());
        let mut left: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), KEEP_FILES + 1);
        assert_eq!(left[0], "other.log");
        assert_eq!(left[1], "teamboard.2020-01-03.log");
    }
}
