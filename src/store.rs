//! The snapshot and roster cache under `$XDG_CACHE_HOME/teamboard/`: one JSON file each per tenant
//! and team, written atomically (0600), read back as untrusted input (a corrupt or hostile file is ignored).

mod decode;
pub(crate) mod file;
pub(crate) mod key;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::graph::model::{Presence, UserId};
use crate::paths::{self, ProcessEnv};
use crate::roster::Roster;
use crate::text::SafeText;

pub use file::ReadError;
pub use key::cache_key;

/// The format written; anything else read back is ignored (and rewritten at the next save).
pub const VERSION: u32 = 1;
/// A roster saved this far in the future (clock skew) is still trusted; further is not.
const SKEW: Duration = Duration::from_secs(300);

/// What the board last showed: enough to draw the first frame before touching the network.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub saved_at: jiff::Timestamp,
    /// Shared with the board, which saves the roster it polls with (no copy per save).
    pub roster: Arc<Roster>,
    /// Graph's own JSON shape, strings as Graph sent them (sanitized only when shown). Shared with
    /// the board's people, so a save copies none of them.
    pub presences: Vec<Arc<Presence>>,
    /// When each person's presence last changed, for the ages on the cards.
    pub last_changed: Vec<(UserId, jiff::Timestamp)>,
    /// (placeId, name) of the work-location places looked up (`[graph] place_names`), so a warm start
    /// asks Graph nothing. Names are kept sanitized; they are sanitized again when read back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<(String, String)>,
    /// Each person's place in the order of names, so a start need not collate every name before its
    /// first frame (a third of that frame's work at 10,000 people).
    #[serde(default, skip_serializing_if = "NameOrder::is_empty")]
    pub name_order: NameOrder,
}

/// Ranks in the order of names, one per person of `Roster::everyone` (see `Collation::ranks`), and
/// the collation that made them (`Collation::key`). Only order depends on them: an edited file can
/// misplace names, nothing more.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct NameOrder {
    pub collation: String,
    pub ranks: Vec<u32>,
}

impl NameOrder {
    pub fn is_empty(&self) -> bool {
        self.ranks.is_empty()
    }

    /// The ranks, when they were made by `collation` for `people` people.
    pub fn for_collation(
        self,
        collation: &crate::collation::Collation,
        people: usize,
    ) -> Option<Vec<u32>> {
        (self.ranks.len() == people && self.collation == collation.key()).then_some(self.ranks)
    }
}

#[derive(Serialize)]
struct SnapshotFile<'a> {
    version: u32,
    #[serde(flatten)]
    snapshot: &'a Snapshot,
}

#[derive(Serialize, Deserialize)]
struct RosterFile<R> {
    version: u32,
    saved_at: jiff::Timestamp,
    roster: R,
}

/// The cache files of one tenant and team in one directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    dir: PathBuf,
    key: String,
}

impl Store {
    /// A store in `dir` with the fixed key `default` (tests, tools).
    pub fn new(dir: PathBuf) -> Self {
        Self::with_key(dir, "default")
    }

    /// A store in `dir` for files named by `key` (see [`cache_key`]).
    pub fn with_key(dir: PathBuf, key: impl Into<String>) -> Self {
        Self {
            dir,
            key: key.into(),
        }
    }

    /// `$XDG_CACHE_HOME/teamboard` (`~/.cache/teamboard`); `None` without a home directory.
    pub fn default_dir() -> Option<PathBuf> {
        paths::cache_dir(&ProcessEnv)
    }

    /// The default directory, keyed by this config's tenant, Graph and team.
    pub fn for_config(config: &Config) -> Option<Store> {
        Self::for_account(config, None)
    }

    /// The default directory, keyed by this config and the signed-in account, (tenant id, object id).
    pub fn for_account(config: &Config, account: Option<(&str, &str)>) -> Option<Store> {
        Some(Self::with_key(
            Self::default_dir()?,
            cache_key(config, account),
        ))
    }

    /// `dir`, keyed by this config's tenant, Graph and team.
    pub fn in_dir(dir: PathBuf, config: &Config) -> Store {
        Self::with_key(dir, cache_key(config, None))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn snapshot_path(&self) -> PathBuf {
        self.dir.join(self.snapshot_name())
    }

    pub fn roster_path(&self) -> PathBuf {
        self.dir.join(self.roster_name())
    }

    fn snapshot_name(&self) -> String {
        format!("snapshot-{}.json", self.key)
    }

    fn roster_name(&self) -> String {
        format!("roster-{}.json", self.key)
    }

    /// The last snapshot, or `None` when there is none or it cannot be trusted (logged, sanitized).
    /// Bad presence elements are dropped one by one; the rest is kept.
    pub fn load_snapshot(&self) -> Option<Snapshot> {
        let bytes = read_logged(&self.snapshot_path(), "snapshot")?;
        match decode::snapshot(&bytes) {
            Ok(snapshot) => Some(snapshot),
            Err(why) => {
                tracing::warn!(file = %shown(&self.snapshot_path()), why = %SafeText::line(&why), "cached snapshot ignored");
                None
            }
        }
    }

    pub fn save_snapshot(&self, snapshot: &Snapshot) -> io::Result<()> {
        self.write_snapshot(&encode_snapshot(snapshot)?)
    }

    /// Writes what `encode_snapshot` made (blocking I/O). The board encodes on its own thread and
    /// writes on a blocking one, so the megabytes of an encoding never live in a second malloc arena.
    pub fn write_snapshot(&self, bytes: &[u8]) -> io::Result<()> {
        file::write_atomic(&self.dir, &self.snapshot_name(), bytes)
    }

    /// The cached roster if it was saved less than `max_age` ago (and not implausibly in the future).
    pub fn load_roster(&self, max_age: Duration) -> Option<Roster> {
        self.decode_roster(&self.read_roster()?, max_age)
    }

    /// The roster file's bytes, `None` when there is none or it cannot be read (blocking I/O; see
    /// `write_snapshot` for why reading and decoding are apart).
    pub fn read_roster(&self) -> Option<Vec<u8>> {
        read_logged(&self.roster_path(), "roster")
    }

    /// The roster in `bytes` (from `read_roster`) if it was saved less than `max_age` ago.
    pub fn decode_roster(&self, bytes: &[u8], max_age: Duration) -> Option<Roster> {
        self.decode_roster_aged(bytes, max_age)
            .and_then(|(roster, fresh)| fresh.then_some(roster))
    }

    /// The roster in `bytes`, however old, and whether it was saved less than `max_age` ago (an
    /// outdated roster still says what the directory refused).
    pub fn decode_roster_aged(&self, bytes: &[u8], max_age: Duration) -> Option<(Roster, bool)> {
        let file: RosterFile<Roster> = match decode::roster_file(bytes) {
            Ok(f) => f,
            Err(why) => {
                tracing::warn!(file = %shown(&self.roster_path()), why = %SafeText::line(&why), "cached roster ignored");
                return None;
            }
        };
        let age = jiff::Timestamp::now().duration_since(file.saved_at);
        let fresh = if age.is_negative() {
            age.unsigned_abs() <= SKEW
        } else {
            age.unsigned_abs() < max_age
        };
        if !fresh {
            tracing::debug!("cached roster is older than roster_ttl_hours; resolving again");
        }
        Some((file.roster, fresh))
    }

    pub fn save_roster(&self, roster: &Roster) -> io::Result<()> {
        self.write_roster(&encode_roster(roster)?)
    }

    /// Writes what `encode_roster` made (blocking I/O).
    pub fn write_roster(&self, bytes: &[u8]) -> io::Result<()> {
        file::write_atomic(&self.dir, &self.roster_name(), bytes)
    }

    /// Removes this store's snapshot and roster.
    pub fn clear(&self) -> io::Result<()> {
        file::remove_if_present(&self.snapshot_path())?;
        file::remove_if_present(&self.roster_path())
    }

    /// Removes every teamboard cache file in the directory, whatever team or tenant (`logout`).
    /// Returns how many files went.
    /// The directory is opened without following a link and files are removed relative to it, so a
    /// symlinked cache directory (or one swapped for a link meanwhile) never costs anyone their files.
    pub fn clear_all(&self) -> io::Result<usize> {
        use rustix::fs::{AtFlags, Dir};
        use rustix::io::Errno;
        let dir = match paths::open_dir_no_follow(&self.dir) {
            Ok(dir) => dir,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut ours = Vec::new();
        for entry in Dir::read_from(&dir)? {
            let name = entry?.file_name().to_owned();
            let text = name.to_string_lossy();
            let hidden = text.starts_with('.');
            let file = text.strip_prefix('.').unwrap_or(&text);
            let cache = (file.starts_with("snapshot-") || file.starts_with("roster-"))
                && match Path::new(file).extension().and_then(|e| e.to_str()) {
                    Some("json") => !hidden,
                    Some("tmp") => hidden,
                    _ => false,
                };
            if cache {
                ours.push(name);
            }
        }
        let mut removed = 0;
        for name in ours {
            match rustix::fs::unlinkat(&dir, name.as_c_str(), AtFlags::empty()) {
                Ok(()) => removed += 1,
                Err(Errno::NOENT) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(removed)
    }
}

/// A snapshot as the file holds it.
pub fn encode_snapshot(snapshot: &Snapshot) -> io::Result<Vec<u8>> {
    Ok(serde_json::to_vec(&SnapshotFile {
        version: VERSION,
        snapshot,
    })?)
}

/// A roster as the file holds it, saved now.
pub fn encode_roster(roster: &Roster) -> io::Result<Vec<u8>> {
    Ok(serde_json::to_vec(&RosterFile {
        version: VERSION,
        saved_at: jiff::Timestamp::now(),
        roster,
    })?)
}

fn shown(path: &Path) -> SafeText {
    SafeText::line(&paths::display(path, &ProcessEnv))
}

fn read_logged(path: &Path, what: &str) -> Option<Vec<u8>> {
    // A linked cache directory is someone's choice of what the board shows: not read, as not written.
    let dir = path.parent().unwrap_or(path);
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        tracing::warn!(dir = %shown(dir), "the cache directory is a symlink; cached {what} not read");
        return None;
    }
    match file::read_private(path) {
        Ok(bytes) => Some(bytes),
        Err(ReadError::Missing) => None,
        Err(e) => {
            tracing::warn!(file = %shown(path), error = %SafeText::line(&e.to_string()), "cached {what} not read");
            None
        }
    }
}

#[cfg(test)]
mod tests;
