//! Finding and reading the config file: lookup order, unreadable files, bad UTF-8, bad TOML.

use std::io;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::paths::{self, Env};
use crate::text::SafeText;

use super::Config;
use super::error::{ConfigError, from_serde, line_of};
use super::raw::RawConfig;
use super::spans::SpanIndex;
use super::validate::validate;

/// Why this path was chosen; a file the user named must exist, the default one need not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--config PATH`
    Flag,
    /// `$TEAMBOARD_CONFIG`
    EnvVar,
    /// `$XDG_CONFIG_HOME/teamboard/config.toml` or `~/.config/teamboard/config.toml`
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub origin: Origin,
}

/// A config file larger than this is not a config file.
const MAX_BYTES: u64 = 1 << 20;

/// Lookup order: `--config`, `$TEAMBOARD_CONFIG`, `$XDG_CONFIG_HOME/teamboard/config.toml`,
/// `~/.config/teamboard/config.toml`. `None` only when there is no home directory at all.
pub fn locate(explicit: Option<&Path>, env: &dyn Env) -> Option<Location> {
    if let Some(path) = explicit {
        return Some(Location {
            path: path.to_path_buf(),
            origin: Origin::Flag,
        });
    }
    if let Some(path) = env.var("TEAMBOARD_CONFIG").filter(|p| !p.is_empty()) {
        return Some(Location {
            path: PathBuf::from(path),
            origin: Origin::EnvVar,
        });
    }
    paths::config_dir(env).map(|dir| Location {
        path: dir.join("config.toml"),
        origin: Origin::Default,
    })
}

/// Finds, reads and checks the config. A missing file at the default path means the defaults.
pub fn load(explicit: Option<&Path>, env: &dyn Env) -> Result<Config, ConfigError> {
    let Some(location) = locate(explicit, env) else {
        return Ok(Config::default());
    };
    let file = SafeText::line(&paths::display(&location.path, env)).to_string();
    let bytes = match read(&location.path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound && location.origin == Origin::Default => {
            return Ok(Config::default());
        }
        Err(e) => return Err(unreadable(&file, &e, location.origin)),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| ConfigError {
        file: file.clone(),
        line: Some(line_of(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            usize::MAX,
        )),
        message: "not valid UTF-8 (save the file as UTF-8)".to_owned(),
    })?;
    let mut config = parse(text, &file)?;
    config.source = Some(location.path);
    Ok(config)
}

fn read(path: &Path) -> io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than 1 MB",
        ));
    }
    std::fs::read(path)
}

fn unreadable(file: &str, e: &io::Error, origin: Origin) -> ConfigError {
    let fix = match (e.kind(), origin) {
        (io::ErrorKind::NotFound, Origin::Flag) => {
            "check the --config path, or run `teamboard init` to write one"
        }
        (io::ErrorKind::NotFound, _) => {
            "check $TEAMBOARD_CONFIG, or run `teamboard init` to write one"
        }
        (io::ErrorKind::PermissionDenied, _) => "make it readable, e.g. chmod 644",
        (io::ErrorKind::InvalidInput, _) => "point to the config file, not its directory",
        _ => "check the file, or remove it to use the defaults",
    };
    let what = match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "cannot read it: permission denied".to_owned(),
        _ => format!("cannot read it: {}", SafeText::line(&e.to_string())),
    };
    ConfigError {
        file: file.to_owned(),
        line: None,
        message: format!("{what} ({fix})"),
    }
}

/// Parses and checks config text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
    let error = |line, message| ConfigError {
        file: file.to_owned(),
        line,
        message,
    };
    let root = DeTable::parse(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        error(
            line,
            format!(
                "not valid TOML: {} (fix the syntax on this line)",
                SafeText::line(e.message())
            ),
        )
    })?;
    let index = SpanIndex::new(root.get_ref());
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let (line, message) = from_serde(text, &index, e.message(), e.span());
        error(line, message)
    })?;
    validate(text, raw).map_err(|i| error(Some(i.line), i.message))
}
