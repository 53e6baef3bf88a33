//! Finding and reading the config file: lookup order, unreadable files, bad UTF-8, bad TOML.

use std::io;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::paths::{self, Env};
use crate::regular_file::{self, Links, OpenError};
use crate::text::SafeText;

use super::Config;
use super::error::{ConfigError, from_serde, line_of};
use super::exposed;
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
    // A link is followed (configs are often dotfile links), but what it leads to must be a regular
    // file: a device would be read without end, a FIFO would block the start for ever.
    let (handle, meta) = match regular_file::open(&location.path, Links::Follow) {
        Ok(opened) => opened,
        Err(OpenError::NotFound) if location.origin == Origin::Default => {
            return Ok(Config::default());
        }
        Err(e) => return Err(unreadable(&file, &e, location.origin)),
    };
    let bytes = regular_file::read_bounded(handle, MAX_BYTES, meta.len())
        .map_err(|e| unreadable(&file, &e, location.origin))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ConfigError::new(
            &file,
            Some(line_of(
                &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
                usize::MAX,
            )),
            "not valid UTF-8 (save the file as UTF-8)",
        )
    })?;
    let mut config = parse(text, &file)?;
    exposed::check(&mut config, &location.path, &meta, &file, env)?;
    config.source = Some(location.path);
    Ok(config)
}

fn unreadable(file: &str, e: &OpenError, origin: Origin) -> ConfigError {
    let point = match origin {
        Origin::Flag => "point --config at the config file",
        Origin::EnvVar => "point $TEAMBOARD_CONFIG at the config file",
        Origin::Default => "replace it with a regular file, or remove it to use the defaults",
    };
    let message = match e {
        OpenError::NotFound => match origin {
            Origin::Flag => {
                "no such file (check the --config path, or run `teamboard init` to write one)"
                    .to_owned()
            }
            _ => "no such file (check $TEAMBOARD_CONFIG, or run `teamboard init` to write one)"
                .to_owned(),
        },
        OpenError::NotAFile("a directory") => {
            "it is a directory (point to the config file, not its directory)".to_owned()
        }
        OpenError::NotAFile(_) | OpenError::Symlink => format!("{e} ({point})"),
        OpenError::TooLarge { .. } => {
            format!("{e}, which no config is ({point})")
        }
        OpenError::Io(io) if io.kind() == io::ErrorKind::PermissionDenied => {
            "cannot read it: permission denied (make it readable, e.g. chmod 644)".to_owned()
        }
        OpenError::Io(io) => format!(
            "cannot read it: {} (check the file, or remove it to use the defaults)",
            SafeText::line(&io.to_string())
        ),
    };
    ConfigError::new(file, None, &message)
}

/// Parses and checks config text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
    let error = |line, message: String| ConfigError::new(file, line, &message);
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
