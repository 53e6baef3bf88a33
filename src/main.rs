//! Wiring only: parse the command line, load config, start logging, run the chosen command.

use std::process::ExitCode;

use clap::Parser;

use teamboard::cli::{Cli, Command};
use teamboard::config::{self, Config};
use teamboard::exit::{Exit, Failure};
use teamboard::paths::{self, ProcessEnv};
use teamboard::text::SafeText;
use teamboard::{logging, status};

// jemalloc returns freed pages to the system at once (`dirty_decay_ms:0`, set in .cargo/config.toml):
// with glibc's malloc, the peaks of a 10,000-person start and of each poll stayed resident.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // clap prints its own message and exits 2 on a usage error (0 for --help and --version).
    let cli = Cli::parse();
    // One hook for every command (the board's): restores the terminal if the board had it, prints one
    // sanitized line, exits 101.
    teamboard::tui::install_panic_hook();
    let (_logging, log_refused) = logging::init(logging::default_dir().as_deref());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "teamboard started");
    // Said once, on stderr, by commands only: the board's screen is no place for stray lines.
    if let (Some(line), Some(_)) = (&log_refused, &cli.command) {
        eprintln!("teamboard: warning: {line}");
    }
    match run(&cli, log_refused) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            tracing::warn!(exit = failure.exit as u8, message = %failure.message, "command failed");
            eprintln!("teamboard: {}", failure.message);
            ExitCode::from(failure.exit as u8)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::new(
                Exit::Unexpected,
                format!("could not start the async runtime: {e}"),
            )
        })
}

/// The config, with warnings about directories others could change added to its own.
fn load_config(cli: &Cli) -> Result<Config, Failure> {
    let mut config = Config::load(cli.config.as_deref())?;
    config
        .warnings
        .extend(teamboard::exposure::dir_warnings(&ProcessEnv));
    Ok(config)
}

/// A command says its warnings on stderr, once, before anything else (the board shows them instead).
fn say_warnings(config: &Config) {
    for warning in &config.warnings {
        eprintln!("teamboard: warning: {warning}");
    }
}

fn run(cli: &Cli, log_refused: Option<SafeText>) -> Result<(), Failure> {
    match &cli.command {
        None => {
            let mut config = load_config(cli)?;
            config.warnings.extend(log_refused);
            #[cfg(feature = "sim")]
            let demo = cli.demo.then(|| cli.tenant.options());
            #[cfg(not(feature = "sim"))]
            let demo = None;
            runtime()?.block_on(teamboard::board::run(config, demo))
        }
        Some(Command::Status(args)) => {
            let config = load_config(cli)?;
            say_warnings(&config);
            runtime()?.block_on(status::run(&config, args))
        }
        Some(Command::Init(args)) => {
            let values = config::InitValues {
                client_id: args.client_id.clone(),
                tenant: args.tenant.clone(),
            };
            let path = config::write_example(cli.config.as_deref(), &ProcessEnv, &values)?;
            let next = if args.client_id.is_some() {
                "add your teammates under [team] members, then run `teamboard login`"
            } else {
                "set [auth] client_id to your app registration (README: \"Registering teamboard\") and add your teammates under [team] members"
            };
            println!(
                "wrote {}; {next}",
                SafeText::line(&paths::display(&path, &ProcessEnv))
            );
            Ok(())
        }
        Some(Command::Login(args)) => {
            let config = load_config(cli)?;
            say_warnings(&config);
            runtime()?.block_on(teamboard::login::run(&config, args, &ProcessEnv))
        }
        Some(Command::Logout) => {
            let config = load_config(cli)?;
            teamboard::login::logout(&config, &ProcessEnv)
        }
        #[cfg(feature = "sim")]
        Some(Command::Sim(args)) => {
            runtime()?.block_on(teamboard::sim::run(args.options()?, args.port))
        }
        Some(Command::Completions { shell }) => {
            teamboard::cli::completions(*shell, &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Man) => teamboard::cli::man(&mut std::io::stdout()).map_err(|e| {
            Failure::new(
                Exit::Unexpected,
                format!("could not write the man page: {e}"),
            )
        }),
    }
}
