//! The board: start-up in the order that makes it instant (cache and first frame before any network), then
//! one loop over one queue — terminal events, signals, poll results and the one deadline.

mod alerts;
mod config_watch;
#[cfg(feature = "sim")]
mod demo;
mod event_loop;
mod own;
mod screen;
mod sign_in;
mod when_woken;

use std::io::{self, BufWriter};
use std::sync::Arc;
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;

use crate::app::SignInOffer;
use crate::app::keymap::Keymap;
use crate::app::{App, Msg, Now, Options};
use crate::auth::sources::{self, Tokens};
use crate::config::Config;
use crate::exit::{Exit, Failure};
use crate::graph::client::GraphClient;
use crate::refresh::Refresher;
use crate::store::Store;
use crate::text::SafeText;
use crate::tui::{self, Guard};

pub use screen::{Screen, Term};

/// The simulated tenant the board runs on with `--demo`.
#[cfg(feature = "sim")]
pub type Demo = crate::sim::SimOptions;
/// Without the simulated tenant there is no `--demo`: nothing can be passed.
#[cfg(not(feature = "sim"))]
pub enum Demo {}

/// Runs the board until the user quits (or a signal ends it). `demo` runs it on the simulated tenant.
// Only the demo points the config elsewhere.
#[cfg_attr(not(feature = "sim"), allow(unused_mut))]
pub async fn run(mut config: Config, demo: Option<Demo>) -> Result<(), Failure> {
    let started = Instant::now();
    tui::require_terminal()?;
    let keymap = Keymap::with_overrides(&config.keys, config.source.as_deref())
        .map_err(|e| Failure::new(Exit::Usage, e.to_string()))?;

    let demo_run = demo.is_some();
    #[cfg(feature = "sim")]
    let sim = demo.map(|options| demo::prepare(&mut config, options));
    #[cfg(feature = "sim")]
    let store = match &sim {
        Some(sim) => demo::store(sim),
        None => sources::cache_store(&config, &crate::paths::ProcessEnv),
    };
    #[cfg(not(feature = "sim"))]
    let store = sources::cache_store(&config, &crate::paths::ProcessEnv);
    let snapshot = store.as_ref().and_then(Store::load_snapshot);
    let read_cache = started.elapsed();

    // The first frame: the cached snapshot, drawn before TLS, tokens or the network.
    tui::install_panic_hook();
    let guard = Guard::enter(config.ui.mouse).map_err(|e| terminal_failure(&e))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        1 << 16,
        io::stdout(),
    )))
    .map_err(|e| terminal_failure(&e))?;
    let size = terminal.size().map_err(|e| terminal_failure(&e))?;
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut options =
        Options::from_config(&config, keymap, jiff::tz::TimeZone::system(), color, seed());
    // Deciding the token source reads only the environment: the keyring waits for the first poll.
    let tokens = if demo_run {
        None
    } else {
        Some(sources::for_config(&config, &crate::paths::ProcessEnv))
    };
    options.sign_in = match &tokens {
        Some(Tokens {
            session: Some(_), ..
        }) => SignInOffer::Available,
        Some(Tokens {
            unusable: Some(e), ..
        }) => SignInOffer::Unusable(SafeText::line(&e.to_string())),
        _ => SignInOffer::Fixed,
    };
    options.reach.can_open =
        crate::auth::flow::Flow::choose(false, false, &crate::paths::ProcessEnv)
            == crate::auth::flow::Flow::Browser;
    let mut app = App::new(
        options,
        Rect::new(0, 0, size.width, size.height),
        Now::read(),
    );
    app.warn_at_start(&config.warnings);
    let watch_file = crate::watch_file::WatchFile::default_place(&crate::paths::ProcessEnv);
    app.load_watched(
        watch_file
            .as_ref()
            .map(crate::watch_file::WatchFile::load)
            .unwrap_or_default(),
    );
    let cached = snapshot.is_some();
    let before_build = started.elapsed();
    // What the start asks for (the first poll) waits for the loop, which has the network.
    let mut startup = Vec::new();
    if let Some(snapshot) = snapshot {
        startup.extend(app.update(Msg::Cached(Box::new(snapshot)), Now::read()));
    }
    let built = started.elapsed();
    let mut screen = Screen::default();
    screen
        .draw(&mut terminal, &app)
        .map_err(|e| terminal_failure(&e))?;
    report_first_frame(
        started,
        app.people().len(),
        cached,
        &[
            ("read_cache", read_cache),
            ("build", built.saturating_sub(before_build)),
        ],
    );
    startup.extend(app.update(Msg::FirstFrame, Now::read()));

    // Now the network side.
    #[cfg(feature = "sim")]
    let (_server, tokens): (Option<crate::sim::Running>, Tokens) = match (&sim, tokens) {
        (Some(sim), _) => {
            let (running, token) = demo::start(sim, &mut config).await?;
            (
                Some(running),
                Tokens {
                    source: Arc::new(token),
                    session: None,
                    unusable: None,
                },
            )
        }
        (None, tokens) => (
            None,
            tokens.unwrap_or_else(|| sources::for_config(&config, &crate::paths::ProcessEnv)),
        ),
    };
    #[cfg(not(feature = "sim"))]
    let tokens = tokens.unwrap_or_else(|| sources::for_config(&config, &crate::paths::ProcessEnv));
    let client = GraphClient::over_http(&config.graph, tokens.source)
        .map_err(|e| Failure::new(e.exit(), e.user_line()))?;
    let refresher = Refresher::new(client, store.clone(), config.team.clone())
        .with_watched(config.watch.people.clone())
        .app_only(config.auth.mode == crate::config::AuthMode::App);
    let alerts = alerts::Alerts::for_config(&config, watch_file);
    let watch = config_watch::ConfigWatch::new(&config, demo_run);

    let local = tokio::task::LocalSet::new();
    let result = local
        // Boxed: the loop's state machine is large, and lives on the heap rather than the stack.
        .run_until(Box::pin(event_loop::run(
            app,
            startup,
            event_loop::Parts {
                terminal,
                guard: &guard,
                screen,
                refresher,
                store,
                session: tokens.session,
                watch,
                alerts,
            },
        )))
        .await;
    drop(guard);
    result
}

fn terminal_failure(e: &io::Error) -> Failure {
    Failure::new(
        Exit::Unexpected,
        format!(
            "could not use the terminal ({}); for scripts use `teamboard status`",
            SafeText::line(&e.to_string())
        ),
    )
}

/// Seeds the poll jitter differently for every process (boards in one tenant spread out).
fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 32)
}

/// The time from start to the first frame, in the log and, with `TEAMBOARD_TIMINGS=FILE`, appended
/// to that file (the performance script reads it).
fn report_first_frame(
    started: Instant,
    people: usize,
    cached: bool,
    stages: &[(&str, std::time::Duration)],
) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(ms, people, cached, "first frame drawn");
    if let Some(path) = std::env::var_os("TEAMBOARD_TIMINGS") {
        use std::fmt::Write as _;
        use std::io::Write as _;
        let mut line = format!("first_frame_ms={ms:.3} people={people} cached={cached}");
        for (name, took) in stages {
            let _ = write!(line, " {name}_ms={:.3}", took.as_secs_f64() * 1000.0);
        }
        line.push('\n');
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write TEAMBOARD_TIMINGS");
        }
    }
}
