//! Everything that can happen to the board, as one message type on one queue.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, MouseEvent};
use jiff::Timestamp;

use crate::config::{Config, ConfigError};
pub use crate::exit::Signal;
use crate::graph::model::Presence;
use crate::graph::places::PlaceLookup;
use crate::roster::Roster;
use crate::store::Snapshot;
use crate::text::SafeText;

/// The clock, read once by the loop and handed to `App::update` (the core never reads a clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    pub instant: Instant,
    pub utc: Timestamp,
}

impl Now {
    /// Reads both clocks. Only the loop and tests call this.
    pub fn read() -> Self {
        Self {
            // tokio's clock, so tests under paused time see the time they set.
            instant: tokio::time::Instant::now().into_std(),
            utc: Timestamp::now(),
        }
    }

    /// The same moment, `by` later on both clocks (tests and deadlines).
    #[must_use]
    pub fn after(self, by: Duration) -> Self {
        Self {
            instant: self.instant + by,
            utc: self
                .utc
                .checked_add(
                    jiff::SignedDuration::try_from(by).unwrap_or(jiff::SignedDuration::ZERO),
                )
                .unwrap_or(self.utc),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// A key press (the loop drops releases and repeats of other kinds).
    Key(KeyEvent),
    /// A bracketed paste: goes to the filter input only.
    Paste(String),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// The cache read at start: drawn at once, marked stale until a poll lands.
    Cached(Box<Snapshot>),
    /// The first frame is on screen: the rest of what the cache load left for later is done now.
    FirstFrame,
    /// The poll in flight is resolving the roster: more people are known.
    Resolving(Box<crate::roster::Progress>),
    /// The one poll in flight finished.
    Polled(Box<PollOutcome>),
    /// The place-name lookup in flight finished (`None`: it failed; asked again after a later poll).
    Places(Box<Option<PlaceLookup>>),
    /// The deadline `App::next_deadline` asked for has come.
    Deadline,
    /// Back from Ctrl-z (SIGCONT): the terminal was re-entered and must be drawn whole.
    Resumed,
    /// News from the sign-in the panel started.
    SignIn(super::signin::SignInEvent),
    /// The terminal reports it lost focus (another tmux pane or window, another application).
    FocusLost,
    /// The terminal reports it has focus again.
    FocusGained,
    /// The config file changed and was read again through the loader (or could not be used).
    ConfigChanged(Box<Result<Config, ConfigError>>),
    /// A change to your own presence was written, refused, or needs the write permission.
    Own(Box<super::own::OwnOutcome>),
    /// SIGHUP, SIGINT, SIGQUIT or SIGTERM: leave now.
    Terminate(Signal),
    /// No browser could be started for this link (`Effect::Open`).
    OpenFailed(String),
    /// The calendar read in flight finished.
    Schedules(Box<super::calendar::ScheduleOutcome>),
}

/// What one poll brought back; owned, so the refresher keeps nothing.
pub type PollOutcome = Result<PollData, PollFailure>;

#[derive(Clone, Debug)]
pub struct PollData {
    /// Who the team is for this poll (from the roster cache, or resolved afresh). Shared, not copied:
    /// the core hands it back with the next `Effect::Poll` so a warm roster is not read again.
    pub roster: Arc<Roster>,
    /// Presences Graph answered with; anyone on the roster missing here keeps their last known one.
    pub presences: Vec<Arc<Presence>>,
    /// Elements of the answer that could not be read (those people keep their last known state).
    pub malformed: usize,
    /// Some batches failed though others answered (those people keep their last known state).
    pub problem: Option<SafeText>,
    /// The shortest refresh interval that keeps this team inside Graph's rate budget: tiny with batches,
    /// long when the batch call is not offered and everyone is read one by one.
    pub min_interval: std::time::Duration,
}

/// A poll that failed: the last good data stays; only the error and staleness shown change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollFailure {
    pub kind: FailureKind,
    /// One line for the footer: what happened and what to do.
    pub message: SafeText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// 429 (or 503 with Retry-After): polling pauses until then.
    Throttled { retry_after: Option<Duration> },
    /// No token, or one that was refused and cannot be refreshed: polling stops until `r`.
    SignedOut,
    /// Anything else (network, server, malformed answer): back off and try again.
    Failed,
}
