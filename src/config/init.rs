//! `teamboard init`: writes the commented example config where lookup will find it, never over a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::exit::{Exit, Failure};
use crate::paths::{self, Env};
use crate::text::SafeText;

use super::EXAMPLE;
use super::load::locate;

/// What `teamboard init --client-id ID --tenant T` fills in.
#[derive(Clone, Debug, Default)]
pub struct InitValues {
    pub client_id: Option<String>,
    pub tenant: Option<String>,
}

/// The example config with `values` written in; checked like any config file, so a bad value is
/// refused before anything is written.
pub fn example_with(values: &InitValues) -> Result<String, Failure> {
    let mut text = EXAMPLE.to_owned();
    let mut put = |key: &str, default: &str, value: &Option<String>| {
        if let Some(v) = value {
            let escaped = v.trim().replace('\\', "\\\\").replace('"', "\\\"");
            text = text.replacen(
                &format!("{key} = \"{default}\""),
                &format!("{key} = \"{escaped}\""),
                1,
            );
        }
    };
    put(
        "client_id",
        crate::auth::entra::PLACEHOLDER_CLIENT_ID,
        &values.client_id,
    );
    put("tenant", "organizations", &values.tenant);
    if let Err(e) = super::Config::parse(&text, "the config `init` would write") {
        return Err(Failure::new(Exit::Usage, e.to_string()));
    }
    Ok(text)
}

/// Writes `config.example.toml` (with `values` filled in) to `--config`, `$TEAMBOARD_CONFIG` or the
/// default path, creating directories. Returns the path written. An existing file is never replaced.
pub fn write_example(
    explicit: Option<&Path>,
    env: &dyn Env,
    values: &InitValues,
) -> Result<PathBuf, Failure> {
    let text = example_with(values)?;
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
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| fail(&e))?;
    Ok(path)
}
