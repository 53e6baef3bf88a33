//! `teamboard wait PERSON... [--until STATE] [--timeout DURATION]`: the board's question for scripts.
//! Polls at the configured interval (never faster than the rate budget allows), prints one line and
//! exits 0 the moment any named person is in the state (at once when one already is); exits 5 when
//! the timeout passes first. Transient Graph and network errors are retried until then; a sign-in
//! problem ends it with 3.

use std::time::Duration;

use tokio::time::Instant;

use crate::app::watch::{Seen, Target};
use crate::cli::WaitArgs;
use crate::config::Config;
use crate::exit::{Exit, Failure};
use crate::graph::GraphClient;
use crate::graph::error::GraphError;
use crate::graph::model::User;
use crate::lookup;
use crate::text::SafeText;

/// What `wait` waits for, and for how long.
#[derive(Clone, Debug)]
pub struct Waiting {
    pub people: Vec<User>,
    pub target: Target,
    pub interval: Duration,
    /// `None`: for ever.
    pub timeout: Option<Duration>,
}

pub async fn run(config: &Config, args: &WaitArgs) -> Result<(), Failure> {
    let target = parse_target(&args.until)?;
    let timeout = args.timeout.as_deref().map(parse_duration).transpose()?;
    let started = Instant::now();
    let client = crate::status::client(config)?;
    let store = crate::auth::sources::cache_store(config, &crate::paths::ProcessEnv);
    let people = lookup::named_people(config, store.as_ref(), &client, &args.people).await?;
    let waiting = Waiting {
        people,
        target,
        interval: config.refresh.interval,
        timeout: timeout.map(|t| t.saturating_sub(started.elapsed())),
    };
    let line = wait(&client, &waiting).await?;
    println!("{line}");
    tracing::info!(requests = client.requests_sent(), "wait ended");
    Ok(())
}

/// Polls until someone in `waiting.people` is in `waiting.target`; the line to print, or why not.
pub async fn wait(client: &GraphClient, waiting: &Waiting) -> Result<String, Failure> {
    let deadline = waiting.timeout.map(|t| Instant::now() + t);
    let ids: Vec<_> = waiting.people.iter().map(|u| u.id.clone()).collect();
    let interval = waiting
        .interval
        .max(client.min_refresh_interval(ids.len()))
        .max(crate::app::schedule::MIN_INTERVAL);
    loop {
        let read = match deadline {
            Some(at) => match tokio::time::timeout_at(at, client.presences(&ids)).await {
                Ok(read) => read,
                Err(_) => return Err(timed_out(waiting)),
            },
            None => client.presences(&ids).await,
        };
        let pause = match read {
            Ok(read) => {
                // In the order named: the first named person who is there is the one reported.
                for user in &waiting.people {
                    let reached = read
                        .presences
                        .iter()
                        .find(|p| p.id == user.id)
                        .is_some_and(|p| waiting.target.holds(Seen::of(p)));
                    if reached {
                        return Ok(line(user, waiting.target));
                    }
                }
                interval
            }
            Err(e) => retry_after(&e, interval)?,
        };
        let next = Instant::now() + pause;
        match deadline {
            Some(at) if at <= next => {
                tokio::time::sleep_until(at).await;
                return Err(timed_out(waiting));
            }
            _ => tokio::time::sleep_until(next).await,
        }
    }
}

/// How long to wait after `e` before asking again, or the failure that ends the wait: sign-in
/// problems and a config that cannot work end it; anything on the network or Graph side is waited out.
fn retry_after(e: &GraphError, interval: Duration) -> Result<Duration, Failure> {
    match e.exit() {
        Exit::SignIn | Exit::Usage => Err(crate::status::graph_failure(e)),
        _ => {
            tracing::warn!(error = %SafeText::line(&e.user_line()), "wait: Graph could not be read; trying again");
            Ok(e.wait_hint().map_or(interval, |t| t.max(interval)))
        }
    }
}

fn line(user: &User, target: Target) -> String {
    let name = user.shown_name();
    match target {
        Target::Back => format!("{name} is back"),
        Target::Availability(_) => format!("{name} is {}", target.name()),
    }
}

fn timed_out(waiting: &Waiting) -> Failure {
    let names: Vec<String> = waiting
        .people
        .iter()
        .map(|u| u.shown_name().to_string())
        .collect();
    let what = match waiting.target {
        Target::Back => "back".to_owned(),
        t @ Target::Availability(_) => t.name().to_owned(),
    };
    Failure::new(
        Exit::TimedOut,
        format!(
            "timed out: {} not {what} yet (raise --timeout to wait longer)",
            crate::text::fit(&names.join(", "), 120)
        ),
    )
}

/// `--until`: an availability in any case, or "back".
pub fn parse_target(raw: &str) -> Result<Target, Failure> {
    Target::parse(raw).ok_or_else(|| {
        let names: Vec<&str> = Target::names().collect();
        Failure::new(
            Exit::Usage,
            format!(
                "--until {} is not a state; use one of {}",
                crate::text::fit(SafeText::line(raw).as_str(), 40),
                names.join(", ")
            ),
        )
    })
}

/// `--timeout`: "90s", "30m", "2h", "1h30m", "1d", or plain seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, Failure> {
    let bad = || {
        Failure::new(
            Exit::Usage,
            format!(
                "--timeout {} is not a duration; use e.g. 90s, 30m, 2h or 1h30m",
                crate::text::fit(SafeText::line(raw).as_str(), 40)
            ),
        )
    };
    let text = raw.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map(Duration::from_secs).map_err(|_| bad());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests;
