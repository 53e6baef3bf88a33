//! `teamboard set`: change your own presence, status message or work location, then print one line
//! saying what Graph reports now (or, with `--json`, what it reports as JSON).
//!
//! The write permission is asked for only here, the first time: a renewal asking for it, and when
//! nobody has consented to it yet, the same interactive sign-in as `teamboard login` (browser or
//! device code) asking for it too. Granted once, the stored sign-in keeps it.

use std::io::IsTerminal;

use jiff::Zoned;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::auth::AuthError;
use crate::auth::flow::Flow;
use crate::auth::sources;
use crate::cli::{LocationWord, SetArgs, SetCommand, SpanArgs};
use crate::config::{AuthMode, Config};
use crate::exit::{Exit, Failure};
use crate::expiry::{self, Ends};
use crate::graph::client::GraphClient;
use crate::graph::model::Presence;
use crate::graph::own::{ManualLocation, Preferred, WRITE_PERMISSION};
use crate::own::{self, Change, LocationChange, OwnError};
use crate::paths::Env;
use crate::text::{SafeText, to_inert_json_pretty};

const ADMIN_MUST_GRANT: &str = "your tenant lets only an administrator grant Presence.ReadWrite, the permission to change your own presence: ask one to grant it to this app (Entra portal: App registrations, your app, API permissions, Grant admin consent); your sign-in is kept";

/// Runs `teamboard set ...`.
pub async fn run(config: &Config, args: &SetArgs, env: &dyn Env) -> Result<(), Failure> {
    let fail = |e: &OwnError| Failure::new(e.exit(), e.to_string());
    if config.auth.mode == AuthMode::App {
        return Err(fail(&OwnError::NoYou));
    }
    let tz = TimeZone::system();
    let now = Zoned::now().with_time_zone(tz.clone());
    let change = change_of(&args.what, &now)?;
    let tokens = sources::for_config(config, env);
    if let Some(e) = &tokens.unusable {
        return Err(Failure::new(e.exit(), e.to_string()));
    }
    let client = GraphClient::over_http(&config.graph, tokens.source.clone())
        .map_err(|e| Failure::new(e.exit(), e.user_line()))?;
    let session = tokens.session.as_deref();
    let granted = match own::prepare(session).await {
        Ok(granted) => granted,
        Err(OwnError::Consent(_)) if can_ask(env) => {
            let Some(session) = session else {
                return Err(fail(&OwnError::Forbidden { granted: None }));
            };
            eprintln!(
                "teamboard: changing your presence needs {WRITE_PERMISSION}, which this sign-in lacks; signing in once more to grant it"
            );
            let flow = Flow::choose(false, false, env);
            match crate::login::sign_in(session, &session.scopes_with(WRITE_PERMISSION), flow, env)
                .await
            {
                Ok(_) => {}
                // Asked interactively and still refused: only an administrator can grant it.
                Err(AuthError::ConsentNeeded(_)) => {
                    return Err(Failure::new(Exit::SignIn, ADMIN_MUST_GRANT));
                }
                Err(e) => return Err(Failure::new(e.exit(), e.to_string())),
            }
            own::prepare(Some(session)).await.map_err(|e| fail(&e))?
        }
        Err(OwnError::Consent(why)) => {
            return Err(Failure::new(
                Exit::SignIn,
                format!(
                    "changing your presence needs {WRITE_PERMISSION}, not granted yet ({why}): run `teamboard set` once in a terminal to sign in and grant it"
                ),
            ));
        }
        Err(e) => return Err(fail(&e)),
    };
    let written = own::write(&client, None, &change, granted, now.timestamp())
        .await
        .map_err(|e| fail(&e))?;
    let line = own::report(&change, &written.presence, &tz, jiff::Timestamp::now());
    if args.json {
        print_json(&change, &written.presence, &line)?;
    } else {
        println!("{line}");
    }
    Ok(())
}

/// An interactive sign-in can be run: someone can see its prompt, or a browser opens by itself.
fn can_ask(env: &dyn Env) -> bool {
    std::io::stderr().is_terminal() || env.var("BROWSER").is_some_and(|b| !b.is_empty())
}

/// The change the command line asks for, its times read in the user's zone.
pub fn change_of(what: &SetCommand, now: &Zoned) -> Result<Change, Failure> {
    let presence = |preferred, span: &SpanArgs| -> Result<Change, Failure> {
        Ok(Change::Presence {
            preferred,
            until: ends(span, now)?,
        })
    };
    match what {
        SetCommand::Available(span) => presence(Preferred::Available, span),
        SetCommand::Busy(span) => presence(Preferred::Busy, span),
        SetCommand::Dnd(span) => presence(Preferred::DoNotDisturb, span),
        SetCommand::Brb(span) => presence(Preferred::BeRightBack, span),
        SetCommand::Away(span) => presence(Preferred::Away, span),
        SetCommand::Offline(span) => presence(Preferred::Offline, span),
        SetCommand::Reset => Ok(Change::Reset),
        SetCommand::Message(message) => {
            let text = if message.clear {
                String::new()
            } else {
                message.text.clone().unwrap_or_default()
            };
            if !message.clear && text.trim().is_empty() {
                return Err(Failure::new(
                    Exit::Usage,
                    "the message is empty: give some text, or use `teamboard set message --clear`",
                ));
            }
            Ok(Change::Message {
                text,
                until: ends(&message.span, now)?,
            })
        }
        SetCommand::Location(location) => {
            let set = |location| LocationChange::Set {
                location,
                place: None,
            };
            let change = match location.place {
                LocationWord::Office => LocationChange::Set {
                    location: ManualLocation::Office,
                    place: location
                        .place_id
                        .as_ref()
                        .map(|id| (id.clone(), SafeText::line(id))),
                },
                _ if location.place_id.is_some() => {
                    return Err(Failure::new(
                        Exit::Usage,
                        "--place goes with office only: `teamboard set location office --place ID`",
                    ));
                }
                LocationWord::Remote => set(ManualLocation::Remote),
                LocationWord::Timeoff => set(ManualLocation::TimeOff),
                LocationWord::Clear => LocationChange::Clear,
            };
            Ok(Change::Location(change))
        }
    }
}

fn ends(span: &SpanArgs, now: &Zoned) -> Result<Option<Ends>, Failure> {
    let usage = |e: expiry::ExpiryError| Failure::new(Exit::Usage, e.to_string());
    match (&span.for_, &span.until) {
        (Some(length), _) => expiry::parse_for(length, now).map(Some).map_err(usage),
        (None, Some(time)) => expiry::parse_until(time, now).map(Some).map_err(usage),
        (None, None) => Ok(None),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonAnswer<'a> {
    /// What was asked for, in words.
    set: String,
    /// Whether Graph's presence already shows it.
    shown: bool,
    /// When the change ends, as asked (UTC), if it said.
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<String>,
    /// The line the command prints without `--json`.
    said: &'a str,
    /// Your presence as Graph reported it after the change, Graph's own names and values.
    presence: &'a Presence,
}

fn print_json(change: &Change, presence: &Presence, said: &str) -> Result<(), Failure> {
    let answer = JsonAnswer {
        set: change.summary(),
        shown: change.shown_by(presence),
        until: change.until().map(|t| t.to_string()),
        said,
        presence,
    };
    let text = to_inert_json_pretty(&answer)
        .map_err(|e| Failure::new(Exit::Unexpected, format!("could not write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::MessageArgs;

    #[test]
    fn the_command_line_becomes_one_change() {
        let now: Zoned = "2026-11-30T13:00:00[Europe/Berlin]".parse().unwrap();
        let span = |for_: Option<&str>, until: Option<&str>| SpanArgs {
            for_: for_.map(str::to_owned),
            until: until.map(str::to_owned),
        };
        let busy = change_of(&SetCommand::Dnd(span(None, Some("09:00"))), &now).unwrap();
        assert_eq!(busy.summary(), "Do not disturb until 09:00 tomorrow");
        let bad = change_of(&SetCommand::Busy(span(Some("soon"), None)), &now).unwrap_err();
        assert_eq!(bad.exit, Exit::Usage);
        let clear = change_of(
            &SetCommand::Message(MessageArgs {
                text: None,
                clear: true,
                span: SpanArgs::default(),
            }),
            &now,
        )
        .unwrap();
        assert_eq!(clear.summary(), "status message cleared");
        let empty = change_of(
            &SetCommand::Message(MessageArgs {
                text: Some("  ".into()),
                clear: false,
                span: SpanArgs::default(),
            }),
            &now,
        )
        .unwrap_err();
        assert!(empty.message.as_str().contains("--clear"));
    }
}
