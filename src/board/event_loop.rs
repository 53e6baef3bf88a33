//! The one loop: terminal events, signals, poll results and the one deadline become `Msg`s; the core
//! answers with effects, carried out here; then one render, written only if the frame changed.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::config_watch::ConfigWatch;
use super::screen::{Screen, Term};
use crate::app::{App, Effect, Msg, Now};
use crate::auth::session::Session;
use crate::exit::{Exit, Failure};
use crate::refresh::Refresher;
use crate::store::{Snapshot, Store};
use crate::text::SafeText;
use crate::tui::{self, Guard};

/// Messages taken in one go before drawing once.
const BATCH: usize = 64;

/// What the loop performs effects with: the terminal it draws on, and the services behind the
/// network, the cache, sign-in and the config file.
pub struct Parts<'g> {
    pub terminal: Term,
    pub guard: &'g Guard,
    pub screen: Screen,
    pub refresher: Refresher,
    pub store: Option<Store>,
    pub session: Option<Arc<Session>>,
    pub watch: ConfigWatch,
    /// Rings, notifies and runs the command for alerts; keeps the watch list file.
    pub alerts: super::alerts::Alerts,
}

/// Runs the board: `startup` holds what the start asked for before the loop existed.
pub async fn run(mut app: App, startup: Vec<Effect>, parts: Parts<'_>) -> Result<(), Failure> {
    let Parts {
        mut terminal,
        guard,
        mut screen,
        mut refresher,
        store,
        session,
        mut watch,
        mut alerts,
    } = parts;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (signal_tx, resume_tx) = (tx.clone(), tx.clone());
    tui::spawn_signal_thread(
        move |signal| {
            let _ = signal_tx.send(Msg::Terminate(signal));
        },
        move || {
            let _ = resume_tx.send(Msg::Resumed);
        },
    )
    .map_err(|e| Failure::new(Exit::Unexpected, format!("could not watch signals: {e}")))?;

    // Every task's handle is watched: a panic in one ends the process like a panic in render.
    let mut tasks: FuturesUnordered<JoinHandle<()>> = FuturesUnordered::new();
    let (mut save_tx, save_rx) = mpsc::unbounded_channel::<Box<Snapshot>>();
    if let Some(store) = store {
        tasks.push(tokio::spawn(store_task(store, save_rx)));
    }

    // The sign-in the panel started, so a new one can replace it.
    let mut sign_in: Option<tokio::task::AbortHandle> = None;
    let mut events = super::when_woken::WhenWoken::new(EventStream::new());
    let mut batch: Vec<Msg> = Vec::with_capacity(BATCH);
    let sleep = tokio::time::sleep_until(tokio::time::Instant::now());
    tokio::pin!(sleep);
    let mut effects = startup;
    // Nothing the last messages did shows: the frame is not rendered again.
    let mut frame_kept = false;
    loop {
        // Effects left from the start (the first poll) are performed before anything is awaited.
        if effects.is_empty() {
            let deadline = app.next_deadline();
            if let Some(at) = deadline {
                sleep.as_mut().reset(tokio::time::Instant::from_std(at));
            }
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => batch.extend(to_msg(event)),
                    Some(Err(e)) => return Err(input_failure(&e)),
                    None => return Err(Failure::new(Exit::Unexpected, "the terminal closed its input")),
                },
                _ = rx.recv_many(&mut batch, BATCH) => {}
                () = &mut sleep, if deadline.is_some() => batch.push(Msg::Deadline),
                Some(joined) = tasks.next(), if !tasks.is_empty() => {
                    if let Err(e) = joined
                        && e.is_panic()
                    {
                        // The panic hook has normally ended the process already; this is the backstop.
                        tui::restore();
                        eprintln!("teamboard: internal error: a background task panicked (please report it)");
                        std::process::exit(101);
                    }
                }
            }
            // Take whatever else is already queued, then draw once. (Not the EventStream: polling it
            // with a throwaway waker, as `now_or_never` does, leaves its wake thread holding that waker,
            // and keys would then wait for the next deadline.)
            while let Ok(msg) = rx.try_recv() {
                batch.push(msg);
            }
            frame_kept = !batch.is_empty();
            for msg in batch.drain(..) {
                effects.extend(app.update(msg, Now::read()));
                frame_kept &= app.frame_kept();
            }
        }
        for effect in effects.drain(..) {
            match effect {
                Effect::Poll(roster) => {
                    let refresher = refresher.clone();
                    let tx = tx.clone();
                    // Local: the loop runs in a `LocalSet` on the current thread (the client's
                    // batching future is not provably `Send` to today's compiler).
                    tasks.push(tokio::task::spawn_local(async move {
                        #[cfg(debug_assertions)]
                        super::screen::test_panic::maybe_panic_in_task();
                        let told = tx.clone();
                        let progress = move |p| {
                            let _ = told.send(Msg::Resolving(Box::new(p)));
                        };
                        let outcome = refresher.poll(roster, &progress).await;
                        let _ = tx.send(Msg::Polled(Box::new(outcome)));
                    }));
                }
                Effect::LookUpPlaces(ids) => {
                    let refresher = refresher.clone();
                    let tx = tx.clone();
                    tasks.push(tokio::task::spawn_local(async move {
                        let answer = refresher.place_names(&ids).await;
                        let _ = tx.send(Msg::Places(Box::new(answer)));
                    }));
                }
                Effect::ReadSchedules(ask) => {
                    let refresher = refresher.clone();
                    let tx = tx.clone();
                    tasks.push(tokio::task::spawn_local(async move {
                        let outcome = refresher.schedules(*ask).await;
                        let _ = tx.send(Msg::Schedules(Box::new(outcome)));
                    }));
                }
                Effect::SignIn | Effect::Consent => {
                    if let Some(previous) = sign_in.take() {
                        previous.abort();
                    }
                    if let Some(session) = &session {
                        let scopes = if matches!(effect, Effect::Consent) {
                            session.scopes_with(crate::graph::own::WRITE_PERMISSION)
                        } else {
                            session.scopes().to_vec()
                        };
                        let task = tokio::task::spawn_local(super::sign_in::run(
                            session.clone(),
                            scopes,
                            tx.clone(),
                        ));
                        sign_in = Some(task.abort_handle());
                        tasks.push(task);
                    }
                }
                Effect::Own(request) => {
                    let client = refresher.client().clone();
                    let (session, tx) = (session.clone(), tx.clone());
                    tasks.push(tokio::task::spawn_local(async move {
                        let outcome = super::own::write(client, session, *request).await;
                        let _ = tx.send(Msg::Own(Box::new(outcome)));
                    }));
                }
                Effect::Copy(text) => {
                    let sequence = super::sign_in::osc52(&text);
                    terminal
                        .backend_mut()
                        .write_all(sequence.as_bytes())
                        .and_then(|()| terminal.backend_mut().flush())
                        .map_err(|e| write_failure(&e))?;
                }
                Effect::Open(url) => {
                    if let Err(why) = crate::auth::browser::open(&url, &crate::paths::ProcessEnv) {
                        tracing::warn!(error = %SafeText::line(&why), "could not open a browser");
                        let _ = tx.send(Msg::OpenFailed(url));
                    }
                }
                Effect::Alert(alert) => alerts
                    .ring(terminal.backend_mut(), &alert)
                    .map_err(|e| write_failure(&e))?,
                Effect::SaveWatched(ids) => alerts.save(ids),
                Effect::Watched(people) => refresher = refresher.with_watched(people),
                Effect::Desktop(desktop) => alerts.set_desktop(desktop),
                Effect::Save(snapshot) => {
                    let _ = save_tx.send(snapshot);
                }
                Effect::CheckConfig => {
                    if let Some(loaded) = watch.check() {
                        let _ = tx.send(Msg::ConfigChanged(Box::new(loaded)));
                    }
                }
                Effect::Mouse(on) => guard.set_mouse(on).map_err(|e| write_failure(&e))?,
                Effect::Team(team) => {
                    // Another team, its own cache files: a new store task for them; the old
                    // one ends when its queue is dropped.
                    let store = watch.store_for(&team);
                    refresher = refresher.with_team(*team, store.clone());
                    let (new_tx, new_rx) = mpsc::unbounded_channel::<Box<Snapshot>>();
                    save_tx = new_tx;
                    if let Some(store) = store {
                        tasks.push(tokio::spawn(store_task(store, new_rx)));
                    }
                }
                Effect::Redraw => screen
                    .invalidate(&mut terminal)
                    .map_err(|e| write_failure(&e))?,
                Effect::Suspend => {
                    guard.suspend();
                    tui::suspend_self();
                    guard.resume().map_err(|e| write_failure(&e))?;
                    screen
                        .invalidate(&mut terminal)
                        .map_err(|e| write_failure(&e))?;
                }
                Effect::Quit => return Ok(()),
                Effect::Terminate(code) => {
                    tui::restore();
                    std::process::exit(code);
                }
            }
        }
        if std::mem::take(&mut frame_kept) {
            continue;
        }
        let started = Instant::now();
        let wrote = screen
            .draw(&mut terminal, &app)
            .map_err(|e| write_failure(&e))?;
        if wrote {
            tracing::trace!(us = started.elapsed().as_micros(), "frame written");
        }
    }
}

/// Saves snapshots one at a time, always the newest waiting, off the event loop.
async fn store_task(store: Store, mut rx: mpsc::UnboundedReceiver<Box<Snapshot>>) {
    while let Some(mut snapshot) = rx.recv().await {
        while let Ok(newer) = rx.try_recv() {
            snapshot = newer;
        }
        // Encoded here, written there: see `Store::write_snapshot`.
        let bytes = match crate::store::encode_snapshot(&snapshot) {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(error = %e, "could not save the snapshot");
                continue;
            }
        };
        drop(snapshot);
        let store = store.clone();
        let saved = tokio::task::spawn_blocking(move || store.write_snapshot(&bytes)).await;
        match saved {
            Ok(Err(e)) => tracing::warn!(error = %e, "could not save the snapshot"),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Ok(Ok(())) | Err(_) => {}
        }
    }
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::FocusLost => Some(Msg::FocusLost),
        Event::FocusGained => Some(Msg::FocusGained),
        // Key releases and repeats: only presses count.
        Event::Key(_) => None,
    }
}

fn write_failure(e: &std::io::Error) -> Failure {
    Failure::new(
        Exit::Unexpected,
        format!(
            "could not write to the terminal ({}); it may have closed",
            SafeText::line(&e.to_string())
        ),
    )
}

fn input_failure(e: &std::io::Error) -> Failure {
    Failure::new(
        Exit::Unexpected,
        format!(
            "could not read the terminal ({}); it may have closed",
            SafeText::line(&e.to_string())
        ),
    )
}
