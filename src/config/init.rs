//! `teamboard init`: writes the commented example config where lookup will find it, never over a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::exit::{Exit, Failure};
use crate::paths::{self, Env};
use crate::text::SafeText;

use super::EXAMPLE;
use super::load::locate;

/// Writes `config.example.toml` to `--config`, `$TEAMBOARD_CONFIG` or the default path, creating
/// directories. Returns the path written. An existing file is never replaced.
pub fn write_example(explicit: Option<&Path>, env: &dyn Env) -> Result<PathBuf, Failure> {
    let Some(location) = locate(explicit, env) else {
        return Err(Failure::new(
            Exit::Usage,
            "cannot find a home directory for the config; name a file with --config PATH",
        ));
    };
    let path = location.path;
    let shown = SafeText::line(&paths::display(&path, env)).to_string();
    let fail = |e: &io::Error| {
        let message = if e.kind() == io::ErrorKind::AlreadyExists {
            format!(
                "{shown} already exists; edit it, or move it away and run `teamboard init` again"
            )
        } else {
            format!(
                "cannot write {shown}: {} (check the directory's permissions)",
                SafeText::line(&e.to_string())
            )
        };
        Failure::new(Exit::Usage, message)
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    }
    // `create_new` refuses an existing file or symlink, so a race cannot make us overwrite one.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| fail(&e))?;
    file.write_all(EXAMPLE.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| fail(&e))?;
    Ok(path)
}
