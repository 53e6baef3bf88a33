//! The command line: names here are a contract (scripts and tests rely on them), so they never change.

mod generate;
#[cfg(feature = "sim")]
mod sim_options;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "teamboard",
    // The commit it was built from, when built from a git checkout (see build.rs).
    version = env!("TEAMBOARD_VERSION"),
    about = "A terminal board of your teammates' Microsoft Teams presence",
)]
// The simulated tenant's shape means nothing without the simulated tenant: an error, not ignored.
#[cfg_attr(
    feature = "sim",
    command(
        mut_arg("team_size", |a| a.requires("demo")),
        mut_arg("scenario", |a| a.requires("demo"))
    )
)]
pub struct Cli {
    /// Config file (else `$TEAMBOARD_CONFIG`, `$XDG_CONFIG_HOME/teamboard/config.toml`, `~/.config/teamboard/config.toml`)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Run the board on the built-in simulated tenant; no account needed
    #[cfg(feature = "sim")]
    #[arg(long)]
    pub demo: bool,

    #[cfg(feature = "sim")]
    #[command(flatten)]
    pub tenant: TenantArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print everyone's presence and exit (table, --json or --line)
    Status(StatusArgs),
    /// Wait until one of these people is free (or another state), then print one line and exit 0
    Wait(WaitArgs),
    /// Sign in with a Microsoft 365 work account (browser, or a device code)
    Login(LoginArgs),
    /// Set your own presence, status message or work location (one line says what is set now)
    Set(SetArgs),
    /// Forget the stored sign-in (keyring and file) and remove cached snapshots
    Logout,
    /// Write a commented config to the default path
    Init(InitArgs),
    /// Serve the simulated tenant (Graph and sign-in endpoints) on 127.0.0.1
    #[cfg(feature = "sim")]
    Sim(SimArgs),
    /// Print a completion script for SHELL, e.g. `teamboard completions bash > ~/.local/share/bash-completion/completions/teamboard`
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `teamboard man > ~/.local/share/man/man1/teamboard.1`
    Man,
}

/// The simulated tenant's shape, shared by `--demo` and `sim`.
#[cfg(feature = "sim")]
#[derive(Debug, Clone, Args)]
pub struct TenantArgs {
    /// People in the simulated tenant
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub team_size: u32,
    /// workday (presence moves like a working day), static (nothing changes), hostile (attacks in names and messages)
    #[arg(long, value_name = "NAME", default_value = "workday")]
    pub scenario: crate::sim::Scenario,
}

#[derive(Debug, Clone, Default, Args)]
pub struct LoginArgs {
    /// Sign in in a browser (the default on a desktop; answered on <http://localhost>)
    #[arg(long, conflicts_with_all = ["device_code", "status"])]
    pub browser: bool,
    /// Sign in by entering a code on any device (the default over ssh or without a display)
    #[arg(long, conflicts_with = "status")]
    pub device_code: bool,
    /// Show who is signed in: account, tenant, permissions, store, expiry (exit 3 if nobody)
    #[arg(long)]
    pub status: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    /// The application (client) id of your app registration
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Your tenant's id or domain (needed for a single-tenant app registration)
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
}

pub use generate::{completions, man};

#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// People to wait for: UPNs, object ids, or a unique part of a teammate's name
    #[arg(value_name = "PERSON", required = true)]
    pub people: Vec<String>,
    /// The state to wait for: Available (the default), Busy, Away, Offline, any other availability, or back (out of office ended)
    #[arg(long, value_name = "STATE", default_value = "Available")]
    pub until: String,
    /// Give up after this long and exit 5, e.g. 90s, 30m, 2h, 1h30m (default: no limit)
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct SetArgs {
    /// Print what Graph reports after the change as JSON
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub what: SetCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SetCommand {
    /// Available
    Available(SpanArgs),
    /// Busy (Graph's default: for a day)
    Busy(SpanArgs),
    /// Do not disturb (Graph's default: for a day)
    Dnd(SpanArgs),
    /// Be right back
    Brb(SpanArgs),
    /// Away
    Away(SpanArgs),
    /// Appear offline
    Offline(SpanArgs),
    /// Back to the presence Teams decides (clears what was set)
    Reset,
    /// Your status message; `--clear` removes it
    Message(MessageArgs),
    /// Your work location for today: office, remote, timeoff, or clear
    Location(LocationArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct SpanArgs {
    /// How long: 30m, 90m, 2h, 1h30m
    #[arg(long = "for", value_name = "DURATION", conflicts_with = "until")]
    pub for_: Option<String>,
    /// Until when: 17:30, 5pm, "tomorrow 09:00" (a time already past today means tomorrow)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct MessageArgs {
    /// The message (plain text)
    #[arg(value_name = "TEXT", required_unless_present = "clear")]
    pub text: Option<String>,
    /// Remove the status message
    #[arg(long, conflicts_with_all = ["text", "for_", "until"])]
    pub clear: bool,
    #[command(flatten)]
    pub span: SpanArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LocationArgs {
    #[arg(value_name = "WHERE")]
    pub place: LocationWord,
    /// With office: the id of the place (a building or desk) you work at
    #[arg(long = "place", value_name = "PLACE_ID")]
    pub place_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LocationWord {
    Office,
    Remote,
    Timeoff,
    Clear,
}

#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    /// Only these people: UPNs, object ids, or a unique part of a teammate's name (anyone in the directory)
    #[arg(value_name = "PERSON")]
    pub people: Vec<String>,
    /// One JSON array, one object per teammate, Graph's field names
    #[arg(long, conflicts_with = "line")]
    pub json: bool,
    /// One line of counts per availability, for a tmux status bar
    #[arg(long)]
    pub line: bool,
    /// Print a cached snapshot younger than SECS without touching the network
    #[arg(long, value_name = "SECS")]
    pub max_age: Option<u64>,
}

#[cfg(feature = "sim")]
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 = any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[command(flatten)]
    pub tenant: TenantArgs,
    /// Fraction of Graph requests answered 503 (0.0 to 1.0)
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Answer every Kth Graph request with 429 (0 = never)
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub throttle_every: u32,
    /// Retry-After sent with 429s: seconds (fractional too), an HTTP date, any text, or "none"
    #[arg(long, value_name = "S", default_value = "2")]
    pub retry_after: String,
    /// Added latency per request
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Answer uncompressed even when the client asks for gzip (as a proxy that strips it would)
    #[arg(long)]
    pub no_compression: bool,
    /// Lifetime of issued access tokens
    #[arg(long, value_name = "SECS", default_value_t = 3_599, value_parser = clap::value_parser!(u64).range(1..))]
    pub access_ttl: u64,
    /// Refuse a refresh token once a newer one was issued from it (Entra keeps it valid)
    #[arg(long)]
    pub strict_rotation: bool,
    /// The app registration's secret for app-only sign-in (default: one derived from the seed, printed)
    #[arg(long, value_name = "S")]
    pub client_secret: Option<String>,
    /// Refuse sign-ins with this Entra error: 7000218 public client flows off, 50194 single-tenant app,
    /// 65001 consent required, 700016 unknown client, 53003 Conditional Access, 50076 MFA required
    #[arg(long, value_name = "CODE", value_parser = ["7000218", "50194", "65001", "700016", "53003", "50076"])]
    pub sign_in_error: Option<String>,
    /// What the device-code flow ends with
    #[arg(long, value_name = "OUTCOME", default_value = "approve", value_parser = ["approve", "decline", "expire", "bad-code"])]
    pub device_outcome: String,
    /// The signed-in user has no Teams client signed in: Graph shows them Offline whatever they set
    #[arg(long)]
    pub no_teams_session: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    #[cfg(feature = "sim")]
    use clap::Parser;

    use super::Cli;
    #[cfg(feature = "sim")]
    use super::Command;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[cfg(feature = "sim")]
    #[test]
    fn the_tenant_flags_need_demo_but_not_under_sim() {
        for args in [
            &["teamboard", "--team-size", "40"][..],
            &["teamboard", "--scenario", "static"],
            &["teamboard", "--team-size", "40", "status"],
        ] {
            let e = Cli::try_parse_from(args).unwrap_err();
            assert_eq!(
                e.kind(),
                clap::error::ErrorKind::MissingRequiredArgument,
                "{args:?}"
            );
            assert!(e.to_string().contains("--demo"), "{e}");
        }
        let cli = Cli::try_parse_from(["teamboard", "--demo", "--team-size", "40"]).unwrap();
        assert_eq!(cli.tenant.team_size, 40);
        assert!(Cli::try_parse_from(["teamboard", "--demo"]).is_ok());
        let cli = Cli::try_parse_from([
            "teamboard",
            "sim",
            "--team-size",
            "7",
            "--scenario",
            "static",
        ])
        .unwrap();
        assert!(matches!(cli.command, Some(Command::Sim(a)) if a.tenant.team_size == 7));
    }

    #[test]
    fn set_takes_one_of_for_and_until_and_message_or_clear() {
        use super::SetCommand;
        let cli =
            Cli::try_parse_from(["teamboard", "set", "busy", "--for", "1h", "--json"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Set(a))
            if a.json && matches!(&a.what, SetCommand::Busy(s) if s.for_.as_deref() == Some("1h"))));
        for bad in [
            &[
                "teamboard",
                "set",
                "busy",
                "--for",
                "1h",
                "--until",
                "15:00",
            ][..],
            &["teamboard", "set", "message"],
            &["teamboard", "set", "message", "hi", "--clear"],
            &["teamboard", "set", "message", "--clear", "--until", "15:00"],
            &["teamboard", "set", "location", "moon"],
            &["teamboard", "set", "reset", "--for", "1h"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?}");
        }
        let cli = Cli::try_parse_from(["teamboard", "set", "message", "--clear"]).unwrap();
        assert!(
            matches!(cli.command, Some(Command::Set(a)) if matches!(&a.what, SetCommand::Message(m) if m.clear))
        );
    }
}
