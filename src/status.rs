//! `teamboard status`: print everyone's presence once (table, `--json` or `--line`) and exit.
//!
//! With `--max-age SECS` a cached snapshot younger than SECS is printed without building a client
//! (no TLS, no token, no network): a tmux status bar polling every 15 s then costs Graph nothing most
//! of the time. Some people unreadable (a batch failed after retries): everyone is printed, those
//! people with their last known presence (or unknown), a warning goes to stderr and the exit is 4.

mod fetch;
pub mod json;
pub mod line;
mod people;
pub mod rows;
pub mod table;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::cli::StatusArgs;
use crate::collation::Collation;
use crate::config::Config;
use crate::exit::{Exit, Failure};
use crate::store::{Snapshot, Store};
use crate::text::SafeText;

pub use fetch::{Fetched, client, fetch, graph_failure, merge, roster};
pub use rows::{Row, rows};

/// A snapshot saved this far in the future (another machine's clock, via a synced home) still counts.
const SKEW: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Line,
}

impl Format {
    pub fn of(args: &StatusArgs) -> Self {
        if args.json {
            Format::Json
        } else if args.line {
            Format::Line
        } else {
            Format::Table
        }
    }
}

/// Runs `teamboard status`: prints to stdout, warnings to stderr.
pub async fn run(config: &Config, args: &StatusArgs) -> Result<(), Failure> {
    let format = Format::of(args);
    if !args.people.is_empty() {
        return people::run(config, args, format).await;
    }
    let store = crate::auth::sources::cache_store(config, &crate::paths::ProcessEnv);
    if let Some(max_age) = args.max_age.map(Duration::from_secs) {
        let now = jiff::Timestamp::now();
        let fresh = store
            .as_ref()
            .and_then(Store::load_snapshot)
            .filter(|s| is_fresh(s, max_age, now));
        if let Some(snapshot) = fresh {
            tracing::debug!("status served from a cached snapshot; no network");
            return print(config, format, &snapshot);
        }
    }
    let fetched = match fetch(config, store.as_ref()).await {
        Ok(fetched) => fetched,
        Err(failure) => {
            // A status bar goes blank on an empty line: show the last known counts, marked stale,
            // while Graph cannot be reached (the exit status still says it failed).
            let cached = (format == Format::Line && failure.exit == Exit::Network)
                .then(|| store.as_ref().and_then(Store::load_snapshot))
                .flatten();
            if let Some(snapshot) = cached {
                write_out(&line::render_stale(&rows(&snapshot), config.ui.symbols))?;
            }
            return Err(failure);
        }
    };
    tracing::info!(
        requests = fetched.requests,
        people = fetched.snapshot.presences.len(),
        "status fetched"
    );
    print(config, format, &fetched.snapshot)?;
    match fetched.partial {
        Some(e) => Err(Failure::new(
            e.exit(),
            format!(
                "presence of {} people could not be read, shown as last known: {}",
                fetched.failed,
                e.command_line()
            ),
        )),
        None => Ok(()),
    }
}

/// Younger than `max_age` (and not saved implausibly far in the future).
pub fn is_fresh(snapshot: &Snapshot, max_age: Duration, now: jiff::Timestamp) -> bool {
    let age = now.duration_since(snapshot.saved_at);
    if age.is_negative() {
        age.unsigned_abs() <= SKEW
    } else {
        age.unsigned_abs() < max_age
    }
}

/// What `status` prints for `snapshot` in `format` (the table drawn in `style`, its names in
/// `collation`'s order; JSON keeps its documented case-insensitive order); warnings (unresolved
/// members) separately.
pub fn render(
    config: &Config,
    format: Format,
    snapshot: &Snapshot,
    style: table::Style,
    collation: &Collation,
) -> Result<String, Failure> {
    let rows = rows(snapshot);
    Ok(match format {
        Format::Json => json::render(&rows)
            .map_err(|e| Failure::new(Exit::Unexpected, format!("could not write JSON: {e}")))?,
        Format::Line => line::render(&rows, config.ui.symbols),
        Format::Table => table::render(&collated(rows, collation), style),
    })
}

/// `rows` in the locale's order of names (ties by id, so the order is stable).
fn collated(rows: Vec<Row>, collation: &Collation) -> Vec<Row> {
    let ranks = collation.ranks(rows.iter().map(|r| r.name.as_str()));
    let mut ranked: Vec<(u32, Row)> = ranks.into_iter().zip(rows).collect();
    ranked.sort_by(|(a, ra), (b, rb)| a.cmp(b).then_with(|| ra.id.cmp(&rb.id)));
    ranked.into_iter().map(|(_, r)| r).collect()
}

/// One line per member that could not be resolved, sanitized.
pub fn warnings(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .roster
        .unresolved
        .iter()
        .map(|u| {
            format!(
                "warning: could not resolve {}: {} (check [team] in the config)",
                quote(&u.configured),
                SafeText::line(&u.reason)
            )
        })
        .collect()
}

fn quote(raw: &str) -> String {
    format!("\"{}\"", crate::text::fit(SafeText::line(raw).as_str(), 80))
}

fn print(config: &Config, format: Format, snapshot: &Snapshot) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let terminal = tty
        .then(|| {
            crossterm::terminal::size()
                .ok()
                .map(|(w, _)| usize::from(w))
        })
        .flatten();
    let style = table::Style {
        symbols: config.ui.symbols,
        colour: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        columns: table::columns(terminal, std::env::var("COLUMNS").ok().as_deref()),
    };
    let collation = Collation::from_env(&crate::paths::ProcessEnv);
    let text = render(config, format, snapshot, style, &collation)?;
    {
        let mut err = std::io::stderr().lock();
        for w in warnings(snapshot) {
            let _ = writeln!(err, "teamboard: {w}");
        }
    }
    write_out(&text)
}

fn write_out(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`teamboard status | head -1`) is the reader's choice, not our failure.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(
            Exit::Unexpected,
            format!("could not write the output: {e}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snapshot of nobody, saved at `saved_at`.
    fn empty_at(saved_at: jiff::Timestamp) -> Snapshot {
        Snapshot {
            name_order: crate::store::NameOrder::default(),
            saved_at,
            roster: std::sync::Arc::default(),
            presences: Vec::new(),
            last_changed: Vec::new(),
            places: Vec::new(),
        }
    }

    #[test]
    fn the_table_sorts_by_the_locale_and_json_keeps_its_documented_order() {
        use crate::graph::model::{User, UserId};
        let user = |id: &str, name: &str| User {
            id: UserId::new(id),
            display_name: Some(name.into()),
            user_principal_name: Some(format!("{id}@x.com").into()),
            mail: None,
            job_title: None,
            department: None,
        };
        let snapshot = Snapshot {
            roster: std::sync::Arc::new(crate::roster::Roster {
                me: None,
                members: vec![
                    user("1", "Zoë"),
                    user("2", "Łukasz"),
                    user("3", "Åsa"),
                    user("4", "Ángel"),
                    user("5", "bob"),
                ],
                unresolved: Vec::new(),
                source: crate::roster::RosterSource::default(),
                resolved_at: None,
                by_ids_refused_at: None,
            }),
            ..empty_at(jiff::Timestamp::UNIX_EPOCH)
        };
        let config = Config::default();
        let style = table::Style {
            symbols: config.ui.symbols,
            colour: false,
            columns: 80,
        };
        let names = |format, collation: &Collation| {
            let out = render(&config, format, &snapshot, style, collation).unwrap();
            ["Zoë", "Łukasz", "Åsa", "Ángel", "bob"]
                .into_iter()
                .map(|n| (out.find(n).unwrap(), n))
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_values()
                .collect::<Vec<_>>()
        };
        let root = Collation::root();
        assert_eq!(
            names(Format::Table, &root),
            ["Ángel", "Åsa", "bob", "Łukasz", "Zoë"]
        );
        let swedish = Collation::for_locale("sv_SE.UTF-8");
        assert_eq!(
            names(Format::Table, &swedish),
            ["Ángel", "bob", "Łukasz", "Zoë", "Åsa"]
        );
        // JSON: by displayName, case-insensitively, whatever the locale.
        assert_eq!(
            names(Format::Json, &swedish),
            ["bob", "Zoë", "Ángel", "Åsa", "Łukasz"]
        );
    }

    #[test]
    fn freshness_is_strictly_younger_than_max_age() {
        let now: jiff::Timestamp = "2025-01-01T10:00:00Z".parse().unwrap();
        let at = |secs: i64| empty_at(now - jiff::SignedDuration::from_secs(secs));
        assert!(is_fresh(&at(59), Duration::from_secs(60), now));
        assert!(!is_fresh(&at(60), Duration::from_secs(60), now));
        assert!(!is_fresh(&at(0), Duration::ZERO, now));
        assert!(is_fresh(&at(-30), Duration::from_secs(60), now));
        assert!(!is_fresh(&at(-3600), Duration::from_secs(7200), now));
    }

    /// What `--max-age` saves a tmux status bar polling every 15 s for an hour (the figure in the
    /// report): a fetch happens only when the snapshot is at least `max_age` old; `saved_at` is when
    /// the answer arrived (200 ms after the poll started).
    fn fetches_per_hour(max_age: Option<Duration>) -> u32 {
        let start: jiff::Timestamp = "2025-01-01T09:00:00Z".parse().unwrap();
        let mut saved: Option<Snapshot> = None;
        let mut fetches = 0;
        for poll in 0..240 {
            let now = start + jiff::SignedDuration::from_secs(poll * 15);
            let cached = max_age
                .zip(saved.as_ref())
                .is_some_and(|(m, s)| is_fresh(s, m, now));
            if !cached {
                fetches += 1;
                saved = Some(empty_at(now + jiff::SignedDuration::from_millis(200)));
            }
        }
        fetches
    }

    #[test]
    fn max_age_60_cuts_a_15_second_status_bar_from_240_to_48_fetches_an_hour() {
        assert_eq!(fetches_per_hour(None), 240);
        assert_eq!(fetches_per_hour(Some(Duration::from_secs(60))), 48);
        assert_eq!(fetches_per_hour(Some(Duration::from_secs(30))), 80);
    }
}
