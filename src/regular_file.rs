//! Opening a file whose path a user, or anyone who can write there, may have pointed elsewhere: opened
//! once and without blocking (a FIFO cannot hang the open), refused unless it is a regular file
//! (checked on the open handle, so nothing can be swapped in between), and read with a bound (a
//! device's length says nothing about what reading it brings).

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;
use rustix::io::Errno;

/// Whether a symlink at the path itself is followed (a config managed as a dotfile link) or refused
/// (files teamboard writes itself: a link there is someone else's doing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no such file")]
    NotFound,
    #[error("it is a symlink; refusing to follow it")]
    Symlink,
    #[error("it is {0}, not a regular file")]
    NotAFile(&'static str),
    #[error("it is larger than {}", size(*.limit))]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Io(io::Error),
}

/// Opens `path` for reading if it is a regular file.
pub fn open(path: &Path, links: Links) -> Result<(File, Metadata), OpenError> {
    let mut flags = OFlags::NONBLOCK;
    if links == Links::Refuse {
        flags |= OFlags::NOFOLLOW;
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenError::NotFound,
            _ if links == Links::Refuse && e.raw_os_error() == Some(Errno::LOOP.raw_os_error()) => {
                OpenError::Symlink
            }
            _ => OpenError::Io(e),
        })?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    if !meta.is_file() {
        return Err(OpenError::NotAFile(kind(&meta)));
    }
    Ok((file, meta))
}

/// Reads what is left of `file`, failing with `TooLarge` past `limit` bytes (at most `limit` + 1 read).
pub fn read_bounded(file: File, limit: u64, size_hint: u64) -> Result<Vec<u8>, OpenError> {
    let mut bytes = Vec::with_capacity(usize::try_from(size_hint.min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(OpenError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(OpenError::TooLarge { limit });
    }
    Ok(bytes)
}

fn kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", bytes.div_ceil(1 << 10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path, links: Links, limit: u64) -> Result<Vec<u8>, OpenError> {
        let (file, meta) = open(path, links)?;
        read_bounded(file, limit, meta.len())
    }

    fn fifo(path: &Path) {
        let mode = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
        rustix::fs::mkfifoat(rustix::fs::CWD, path, mode).unwrap();
    }

    #[test]
    fn devices_fifos_and_directories_are_refused_without_reading_or_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let zero = tmp.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let pipe = tmp.path().join("pipe");
        fifo(&pipe);
        for (path, want) in [
            (zero.as_path(), "a character device"),
            (pipe.as_path(), "a FIFO (named pipe)"),
            (tmp.path(), "a directory"),
        ] {
            match read(path, Links::Follow, 1 << 20) {
                Err(OpenError::NotAFile(kind)) => assert_eq!(kind, want),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
    }

    #[test]
    fn links_are_followed_or_refused_as_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        std::fs::write(&target, b"data").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read(&link, Links::Follow, 10).unwrap(), b"data");
        assert!(matches!(
            read(&link, Links::Refuse, 10),
            Err(OpenError::Symlink)
        ));
        assert!(matches!(
            read(&tmp.path().join("none"), Links::Refuse, 10),
            Err(OpenError::NotFound)
        ));
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read(&path, Links::Refuse, 5).unwrap(), b"12345");
        let e = read(&path, Links::Refuse, 4).unwrap_err();
        assert_eq!(e.to_string(), "it is larger than 1 KB");
        // A file that grows after its length was read is still cut off at the bound.
        let (file, _) = open(&path, Links::Refuse).unwrap();
        assert!(matches!(
            read_bounded(file, 3, 0),
            Err(OpenError::TooLarge { limit: 3 })
        ));
    }
}
