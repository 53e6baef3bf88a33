//! Noticing an edited config file without a wake-up of its own: the file's stamp is looked at only when
//! the board is awake anyway (a poll landed, focus came back), a `stat` each time. A watcher (inotify
//! through the `notify` crate) would see an edit at once, but costs a thread and a dependency, and wakes
//! the process for every write an editor makes; a refresh every 30 s is soon enough for a settings edit.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::config::{self, Config, ConfigError, TeamConfig};
use crate::paths::ProcessEnv;
use crate::store::Store;

/// What identifies one version of the file: replaced (an editor's rename), rewritten or resized.
type Stamp = Option<(SystemTime, u64, u64)>;

pub struct ConfigWatch {
    /// The file the running config came from, or where the default one would be.
    path: Option<PathBuf>,
    seen: Stamp,
    /// The demo's simulated tenant decides Graph, sign-in and the team: an edit changes the rest only.
    demo: Option<Config>,
    /// The config in force, for naming the cache of another team.
    running: Config,
}

impl ConfigWatch {
    pub fn new(config: &Config, demo: bool) -> Self {
        let path = config
            .source
            .clone()
            .or_else(|| config::locate(None, &ProcessEnv).map(|l| l.path));
        let seen = path.as_deref().and_then(stamp);
        Self {
            path,
            seen,
            demo: demo.then(|| config.clone()),
            running: config.clone(),
        }
    }

    /// The file read again through the loader if it changed since the last look; `None` otherwise.
    pub fn check(&mut self) -> Option<Result<Config, ConfigError>> {
        let path = self.path.as_ref()?;
        let now = stamp(path);
        if now == self.seen {
            return None;
        }
        self.seen = now;
        let mut loaded = Config::load(Some(path));
        if let (Ok(config), Some(demo)) = (&mut loaded, &self.demo) {
            config.graph = demo.graph.clone();
            config.auth = demo.auth.clone();
            config.team = demo.team.clone();
            config.refresh.interval = config.refresh.interval.min(demo.refresh.interval);
        }
        Some(loaded)
    }

    /// The cache files of `team` (another team has its own), from now on the team in force.
    pub fn store_for(&mut self, team: &TeamConfig) -> Option<Store> {
        self.running.team = team.clone();
        crate::auth::sources::cache_store(&self.running, &crate::paths::ProcessEnv)
    }
}

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    Some((meta.modified().ok()?, meta.len(), inode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_is_read_once_and_a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[ui]\nsort = \"name\"\n").unwrap();
        let mut config = Config::load(Some(&path)).unwrap();
        config.source = Some(path.clone());
        let mut watch = ConfigWatch::new(&config, false);
        assert!(watch.check().is_none(), "unchanged");
        std::fs::write(&path, "[ui]\nsort = \"recent\"\nmouse = true\n").unwrap();
        let loaded = watch.check().unwrap().unwrap();
        assert_eq!(loaded.ui.sort, config::SortOrder::Recent);
        assert!(watch.check().is_none(), "read once");
        std::fs::remove_file(&path).unwrap();
        let gone = watch.check().unwrap().unwrap_err();
        assert!(gone.to_string().contains("no such file"), "{gone}");
    }

    #[test]
    fn the_demo_keeps_its_tenant() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "").unwrap();
        let mut config = Config::load(Some(&path)).unwrap();
        config.source = Some(path.clone());
        config.team.groups = vec!["demo-team".into()];
        let mut watch = ConfigWatch::new(&config, true);
        std::fs::write(
            &path,
            "[team]\nmembers = [\"a@b.c\"]\n[ui]\nsymbols = \"ascii\"\n",
        )
        .unwrap();
        let loaded = watch.check().unwrap().unwrap();
        assert_eq!(loaded.team, config.team);
        assert_eq!(loaded.ui.symbols, config::Symbols::Ascii);
    }
}
