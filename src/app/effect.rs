//! What the core asks the loop to do: the only way anything leaves `App::update`.

use std::sync::Arc;

use crate::config::TeamConfig;
use crate::roster::Roster;
use crate::store::Snapshot;

#[derive(Debug)]
pub enum Effect {
    /// Start one poll (the core never asks for a second while one is in flight), with the roster the
    /// core holds when it is still fresh (`None`: read the roster cache or resolve it).
    Poll(Option<Arc<Roster>>),
    /// Look up the names of these work-location places (`[graph] place_names`); answered by
    /// `Msg::Places`. At most one lookup is in flight.
    LookUpPlaces(Vec<String>),
    /// Write this snapshot to the cache (only when a sequence number or the roster changed).
    Save(Box<Snapshot>),
    /// Start a sign-in for the panel (browser or device code); answered by `Msg::SignIn`.
    SignIn,
    /// Put this text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Open this URL (https, or loopback) in the user's browser.
    Open(String),
    /// Clear the terminal and write every cell again (after Ctrl-z and `fg`, or Ctrl-l).
    Redraw,
    /// Look whether the config file changed; if so, read it again and answer with
    /// `Msg::ConfigChanged`.
    CheckConfig,
    /// Turn mouse reporting on or off (a reloaded `[ui] mouse`).
    Mouse(bool),
    /// Poll for this team from now on (a reloaded `[team]`): its own roster and cache files.
    Team(Box<TeamConfig>),
    /// Write a change to your own presence, then read it back; answered by `Msg::Own`.
    Own(Box<super::own::OwnRequest>),
    /// Start a sign-in for the panel that also asks for the permission to change your presence.
    Consent,
    /// Restore the terminal and stop the process (Ctrl-z); the loop re-enters on return.
    Suspend,
    /// A watched person entered a state the user asked about: ring the bell, show a desktop
    /// notification where the terminal has one, run `[watch] command`.
    Alert(Box<Outgoing>),
    /// Show desktop notifications this way from now on (a reloaded `[watch] desktop`).
    Desktop(crate::notify::Desktop),
    /// Poll these `[watch] people` with the team from now on (a reloaded config).
    Watched(Vec<String>),
    /// Keep these ids as the people marked with `w` (the state file, written atomically).
    SaveWatched(Vec<crate::graph::model::UserId>),
    /// Leave normally (exit 0).
    Quit,
    /// Leave now because of a signal, with this exit status.
    Terminate(i32),
    /// Read these people's free/busy (`[calendar] enabled`); answered by `Msg::Schedules`. One read
    /// in flight at a time.
    ReadSchedules(Box<super::calendar::ScheduleAsk>),
}

/// One alert on its way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// "Ann Smith is Available": one sanitized line, for the notification.
    pub text: String,
    /// `[watch] command` with its placeholders filled; empty when there is none.
    pub command: Vec<String>,
}
