//! A config file others could change: a warning, or a refusal when it sets where the sign-in token
//! goes (whoever can write the file could point Graph or sign-in at a server of theirs).

use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::{Config, ConfigError};
use crate::exposure::Exposure;
use crate::paths::{self, Env};
use crate::text::SafeText;

/// A setting's value in a config.
type Setting = fn(&Config) -> &str;

/// Settings that decide where the token is sent. A config file others could change may not set any of
/// them to anything but its default.
const GUARDED: &[(&str, Setting)] = &[
    ("[graph] base_url", |c| &c.graph.base_url),
    ("[auth] authority", |c| &c.auth.authority),
];

fn differs(set: &str, default: &str) -> bool {
    set.trim().trim_end_matches('/') != default
}

/// Looks at the file (`meta`, from the open handle) and the directories it is in: nothing exposed is
/// fine; exposed, it adds a warning to `config`, or refuses the config when it sets a guarded key.
pub fn check(
    config: &mut Config,
    path: &Path,
    meta: &Metadata,
    file: &str,
    env: &dyn Env,
) -> Result<(), ConfigError> {
    let mut exposed: Vec<(String, Exposure)> = Vec::new();
    if let Some(e) = Exposure::of(meta) {
        exposed.push((file.to_owned(), e));
    }
    for dir in directories(path) {
        if let Some(e) = std::fs::metadata(&dir).ok().as_ref().and_then(Exposure::of) {
            exposed.push((SafeText::line(&paths::display(&dir, env)).to_string(), e));
        }
    }
    let Some((first_path, first)) = exposed.first() else {
        return Ok(());
    };
    let defaults = Config::default();
    let guarded: Vec<&str> = GUARDED
        .iter()
        .filter(|(_, value)| differs(value(config), value(&defaults)))
        .map(|(name, _)| *name)
        .collect();
    let fixes: Vec<String> = exposed.iter().map(|(shown, e)| e.fix(shown)).collect();
    if !guarded.is_empty() {
        let whose = if first_path == file {
            "it".to_owned()
        } else {
            format!("its directory {first_path}")
        };
        return Err(ConfigError::new(
            file,
            None,
            &format!(
                "{whose} {}, and it sets {}: whoever can change it could send your sign-in token elsewhere (run {}, or remove that setting)",
                first.why(),
                guarded.join(" and "),
                fixes.join(" and ")
            ),
        ));
    }
    for ((shown, e), fix) in exposed.iter().zip(&fixes) {
        config.warnings.push(SafeText::line(&format!(
            "the config {shown} {}: whoever can change it decides what teamboard does (run {fix})",
            e.why()
        )));
    }
    Ok(())
}

/// The directory the config is in, and the one its symlink leads to, when that is another.
fn directories(path: &Path) -> Vec<PathBuf> {
    let parent = |p: &Path| match p.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut dirs = vec![parent(path)];
    if let Ok(real) = std::fs::canonicalize(path) {
        let real_dir = parent(&real);
        if std::fs::canonicalize(&dirs[0]).ok().as_ref() != Some(&real_dir) {
            dirs.push(real_dir);
        }
    }
    dirs
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn load(text: &str, mode: u32) -> Result<Config, ConfigError> {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("c.toml");
        std::fs::write(&file, text).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let home = tmp.path().to_path_buf();
        let env = move |name: &str| (name == "HOME").then(|| home.clone().into_os_string());
        Config::load_with(Some(&file), &env)
    }

    #[test]
    fn guarded_keys_are_refused_only_when_others_could_change_the_file() {
        let redirect = "[graph]\nbase_url = \"https://graph.evil.example/v1.0\"\n";
        let e = load(redirect, 0o666).unwrap_err();
        assert_eq!(
            e.to_string(),
            "~/c.toml: it is writable by its group and others (mode 0666), and it sets [graph] base_url: \
             whoever can change it could send your sign-in token elsewhere (run chmod go-w ~/c.toml, \
             or remove that setting)"
        );
        assert!(load(redirect, 0o600).unwrap().warnings.is_empty());
        // The defaults written out (a trailing slash too) redirect nothing.
        let defaults = "[graph]\nbase_url = \"https://graph.microsoft.com/v1.0/\"\n\
                        [auth]\nauthority = \"https://login.microsoftonline.com\"\n";
        let config = load(defaults, 0o666).unwrap();
        assert_eq!(config.warnings.len(), 1);
        assert!(config.warnings[0].as_str().contains("chmod go-w ~/c.toml"));
    }
}
