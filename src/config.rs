//! Typed configuration: defaults, XDG lookup, validation with `file:line` errors.

mod error;
mod exposed;
mod init;
mod load;
mod raw;
mod spans;
#[cfg(test)]
mod tests;
mod validate;
mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::ConfigError;
pub use init::{InitValues, example_with, write_example};
pub use load::{Location, Origin, locate};
pub use watch::{WatchConfig, polled_team};

/// The commented config `teamboard init` writes: every key with its default.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub graph: GraphConfig,
    pub auth: AuthConfig,
    pub team: TeamConfig,
    pub refresh: RefreshConfig,
    pub ui: UiConfig,
    pub watch: WatchConfig,
    pub calendar: CalendarConfig,
    /// `[keys]` overrides in file order, validated by `app::keymap`.
    pub keys: Vec<KeyOverride>,
    /// The file this came from, if any (for error messages).
    pub source: Option<PathBuf>,
    /// What the start found that the user should know (others could change the config, the cache;
    /// the log is off): one sanitized line each, for the board's footer or a command's stderr.
    pub warnings: Vec<crate::text::SafeText>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphConfig {
    pub base_url: String,
    pub timeout: Duration,
    /// Look up work-location place names with `GET /places/{id}` (needs Place.Read.All).
    pub place_names: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStoreKind {
    Auto,
    Keyring,
    File,
}

/// Whose identity reads Graph: a signed-in user, or the app registration itself (shared screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    User,
    App,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthConfig {
    pub authority: String,
    pub tenant: String,
    pub client_id: String,
    pub token_store: TokenStoreKind,
    pub mode: AuthMode,
    /// App-only mode: the environment variable holding the client secret (never the file itself).
    pub client_secret_env: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamConfig {
    /// UPNs or object ids, as written.
    pub members: Vec<String>,
    /// Group object ids, expanded to their user members.
    pub groups: Vec<String>,
    pub include_me: bool,
    pub roster_ttl: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefreshConfig {
    /// At least 5 s.
    pub interval: Duration,
    /// Between polls while the terminal reports focus lost; at least `interval`.
    pub unfocused_interval: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbols {
    Unicode,
    Ascii,
}

/// The board's colours: for dark or light terminal backgrounds (16 colours each), or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Availability,
    Name,
    Recent,
    /// Free soonest (calendars on).
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    None,
    Availability,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiConfig {
    pub symbols: Symbols,
    pub theme: ThemeName,
    pub sort: SortOrder,
    pub group_by: GroupBy,
    pub mouse: bool,
}

/// `[calendar]`: free/busy from Graph's getSchedule (delegated Calendars.ReadBasic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarConfig {
    pub enabled: bool,
    /// The shortest free stretch that counts as free ("free 14:30").
    pub min_free_mins: u32,
    /// Between reads of everyone's schedule.
    pub refresh: Duration,
}

/// One `"key" = "command"` line of `[keys]`, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    pub key: String,
    pub command: String,
    pub line: usize,
}

impl Config {
    /// Finds and reads the config (`--config`, `$TEAMBOARD_CONFIG`, then the XDG path) from the process's
    /// environment.
    /// A missing file at the default path gives the defaults; a named file must exist.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        load::load(explicit, &crate::paths::ProcessEnv)
    }

    /// As `load`, with the environment given (tests).
    pub fn load_with(
        explicit: Option<&Path>,
        env: &dyn crate::paths::Env,
    ) -> Result<Self, ConfigError> {
        load::load(explicit, env)
    }

    /// Parses and checks config text; `file` names it in errors. `source` is left `None`.
    pub fn parse(text: &str, file: &str) -> Result<Self, ConfigError> {
        load::parse(text, file)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            graph: GraphConfig {
                base_url: "https://graph.microsoft.com/v1.0".into(),
                timeout: Duration::from_secs(15),
                place_names: false,
            },
            auth: AuthConfig {
                authority: "https://login.microsoftonline.com".into(),
                tenant: "organizations".into(),
                client_id: "00000000-0000-0000-0000-000000000000".into(),
                token_store: TokenStoreKind::Auto,
                mode: AuthMode::User,
                client_secret_env: None,
            },
            team: TeamConfig {
                members: Vec::new(),
                groups: Vec::new(),
                include_me: true,
                roster_ttl: Duration::from_secs(24 * 3600),
            },
            refresh: RefreshConfig {
                interval: Duration::from_secs(30),
                unfocused_interval: Duration::from_secs(120),
            },
            ui: UiConfig {
                symbols: Symbols::Unicode,
                theme: ThemeName::Dark,
                sort: SortOrder::Availability,
                group_by: GroupBy::None,
                mouse: false,
            },
            watch: WatchConfig::default(),
            calendar: CalendarConfig {
                enabled: false,
                min_free_mins: 15,
                refresh: Duration::from_secs(10 * 60),
            },
            keys: Vec::new(),
            source: None,
            warnings: Vec::new(),
        }
    }
}
