//! Wiring only: parse the command line, load config, start logging, run the chosen command.

use std::process::ExitCode;

use clap::Parser;

use teamboard::cli::{Cli, Command};
use teamboard::config::{self, Config};
use teamboard::exit::{Exit, Failure};
use teamboard::paths::{self, ProcessEnv};
use teamboard::store::Store;
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
    // sanitized line, exits 101 (DESIGN.md "Terminal contract").
    teamboard::tui::install_panic_hook();
    let _logging = logging::init(logging::default_dir().as_deref());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "teamboard started");
    match run(&cli) {
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

fn load_config(cli: &Cli) -> Result<Config, Failure> {
    Ok(Config::load(cli.config.as_deref())?)
}

fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        None => {
            let config = load_config(cli)?;
            let demo = cli.demo.then(|| cli.tenant.clone());
            runtime()?.block_on(teamboard::board::run(config, demo))
        }
        Some(Command::Status(args)) => {
            let config = load_config(cli)?;
            runtime()?.block_on(status::run(&config, args))
        }
        Some(Command::Init) => {
            let path = config::write_example(cli.config.as_deref(), &ProcessEnv)?;
            println!(
                "wrote {}; add your teammates under [team] members",
                SafeText::line(&paths::display(&path, &ProcessEnv))
            );
            Ok(())
        }
        Some(Command::Login) => Err(Failure::new(
            Exit::SignIn,
            "device-code sign-in is not built yet; set TEAMBOARD_ACCESS_TOKEN to a Graph access token",
        )),
        Some(Command::Logout) => logout(),
        Some(Command::Sim(args)) => sim(args),
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

/// Removes every cached snapshot and roster (tokens too, once a token store exists: today the only
/// token is `TEAMBOARD_ACCESS_TOKEN`, which teamboard never stores).
fn logout() -> Result<(), Failure> {
    let Some(dir) = Store::default_dir() else {
        println!("nothing to remove: no cache directory");
        return Ok(());
    };
    let shown = SafeText::line(&paths::display(&dir, &ProcessEnv));
    let removed = Store::new(dir)
        .clear_all()
        .map_err(|e| Failure::new(Exit::Unexpected, format!("could not clear {shown}: {e}")))?;
    println!(
        "removed {removed} cached file(s) from {shown}; no tokens are stored (TEAMBOARD_ACCESS_TOKEN is never saved)"
    );
    Ok(())
}

#[cfg(feature = "sim")]
fn sim(args: &teamboard::cli::SimArgs) -> Result<(), Failure> {
    runtime()?.block_on(teamboard::sim::run(args))
}

#[cfg(not(feature = "sim"))]
fn sim(_args: &teamboard::cli::SimArgs) -> Result<(), Failure> {
    Err(Failure::new(
        Exit::Usage,
        "this build has no simulated tenant (built without the `sim` feature)",
    ))
}
