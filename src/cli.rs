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
    /// Sign in with a Microsoft 365 work account (browser, or a device code)
    Login(LoginArgs),
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
pub struct StatusArgs {
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
}
