//! `App`: everything the board knows, and `update`, the one place it changes. Pure: no I/O, no clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;
use tui_input::Input;

use super::age;
use super::effect::Effect;
use super::filter::{Filter, Query};
use super::geometry::Geometry;
use super::keymap::{Keymap, Pending};
use super::msg::{Msg, Now, PollFailure};
use super::person::Person;
use super::places::Places;
use super::schedule::Schedule;
use super::team::Team;
pub use super::view::Mode;
use super::view::View;
use crate::collation::Collation;
use crate::config::{Config, GroupBy, SortOrder, Symbols, ThemeName};
use crate::graph::model::{Status, UserId};
use crate::roster::Roster;
use crate::text::SafeText;

/// How long a changed card stays highlighted.
pub const FLASH: Duration = Duration::from_secs(2);
/// Wake a little after a minute boundary, so the wall clock has surely passed it.
const BOUNDARY_MARGIN: Duration = Duration::from_millis(20);
/// Focus coming back refreshes at once unless the last poll is younger than this.
pub const FOCUS_FRESH: Duration = Duration::from_secs(5);

/// What the core needs from the config and the environment, decided once at start.
#[derive(Clone, Debug)]
pub struct Options {
    pub interval: Duration,
    /// Between polls while the terminal is not focused (see `App::stretch_allowed`).
    pub unfocused_interval: Duration,
    pub roster_ttl: Duration,
    pub sort: SortOrder,
    pub group_by: GroupBy,
    pub symbols: Symbols,
    /// False under `NO_COLOR`: symbols, words and modifiers carry every meaning (whatever `theme` says).
    pub color: bool,
    /// `[ui] theme`: colours for a dark or a light background, or none.
    pub theme: ThemeName,
    pub mouse: bool,
    pub keymap: Keymap,
    /// Look up work-location place names (`[graph] place_names`).
    pub place_names: bool,
    /// Local time for "updated 12:03"; tests use UTC.
    pub tz: TimeZone,
    /// The order of names: the user's locale's (tests use root).
    pub collation: Collation,
    /// Seeds the poll jitter.
    pub seed: u64,
    /// Whether a lost sign-in opens the sign-in panel.
    pub sign_in: super::signin::SignInOffer,
    /// The config in force, which a reloaded file is compared with.
    pub config: Config,
    /// How the reach-out keys open links here.
    pub reach: super::reach::Reach,
}

impl Options {
    pub fn from_config(
        config: &Config,
        keymap: Keymap,
        tz: TimeZone,
        color: bool,
        seed: u64,
    ) -> Self {
        Self {
            interval: config.refresh.interval,
            unfocused_interval: config.refresh.unfocused_interval,
            roster_ttl: config.team.roster_ttl,
            sort: config.ui.sort,
            group_by: config.ui.group_by,
            symbols: config.ui.symbols,
            color,
            theme: config.ui.theme,
            mouse: config.ui.mouse,
            keymap,
            place_names: config.graph.place_names,
            tz,
            collation: Collation::from_env(&crate::paths::ProcessEnv),
            seed,
            sign_in: super::signin::SignInOffer::Fixed,
            config: config.clone(),
            reach: super::reach::Reach {
                can_open: false,
                teams: super::reach::teams_host(&config.graph.base_url),
            },
        }
    }
}

/// How fresh the board is, for the header and footer.
#[derive(Clone, Debug, Default)]
pub struct Freshness {
    /// The last poll that succeeded.
    pub updated_at: Option<Timestamp>,
    /// The cached snapshot drawn at start, until the first poll lands.
    pub cached_at: Option<Timestamp>,
    /// The last poll failed like this (cleared by the next success).
    pub error: Option<PollFailure>,
    pub throttled_until: Option<Timestamp>,
    pub signed_out: bool,
    /// Roster members that could not be resolved, and unreadable answers: shown in the footer.
    pub warning: Option<SafeText>,
    /// A refresh asked for with `r` is under way (scheduled polls say nothing).
    pub refreshing: bool,
    /// The config file was edited into something that could not be used, or into a change that needs
    /// a restart: shown in the footer until the file is fine again.
    pub config: Option<SafeText>,
}

impl Freshness {
    /// The board shows old data: no poll has landed yet, or the last one failed.
    pub fn is_stale(&self) -> bool {
        self.updated_at.is_none() || self.error.is_some()
    }
}

/// The filter input and the query it holds.
#[derive(Debug, Default)]
pub struct FilterState {
    pub input: Input,
    pub(super) query: Query,
    pub(super) engine: Filter,
    /// Calendars are on, so calendar facets mean something.
    pub(super) calendars: bool,
}

impl FilterState {
    /// A filter is applied (typed, or kept with Enter).
    pub fn is_active(&self) -> bool {
        !self.query.is_empty()
    }

    /// What is wrong with the query (a facet that does not exist, and the ones that do), for the prompt.
    pub fn problem(&self) -> Option<String> {
        self.query.problem().or_else(|| {
            (!self.calendars && self.query.calendar_terms().next().is_some()).then(|| {
                format!(
                    "{} need calendars: set enabled = true under [calendar] in the config",
                    super::filter::CalendarFacet::HELP
                )
            })
        })
    }
}

pub struct App {
    pub(super) options: Options,
    pub(super) team: Team,
    pub(super) view: View,
    /// The roster to hand the next poll, and when it was resolved: reused while younger than
    /// `roster_ttl`.
    pub(super) roster: Option<(Arc<Roster>, Instant)>,
    /// Work-location place names, looked up when `[graph] place_names` allows.
    pub(super) places: Places,
    pub(super) filter: FilterState,
    pub(super) pending: Pending,
    pub(super) schedule: Schedule,
    pub(super) freshness: Freshness,
    pub(super) notice: Option<SafeText>,
    /// What the start found wrong with teamboard's files (see `warn_at_start`).
    pub(super) start_warning: Option<SafeText>,
    pub(super) flash_end: Option<Instant>,
    /// The sign-in panel, while open (modal).
    pub(super) signin: Option<super::signin::SignInPanel>,
    /// A roster being resolved, and how far it has come (until the poll it belongs to ends).
    pub(super) resolving: Option<super::resolving::Resolving>,
    /// Your own presence, message and location: the open picker or editor, the change under way.
    pub(super) own: super::own::Own,
    /// Free/busy, when `[calendar] enabled`.
    pub(super) calendar: super::calendar::Calendars,
    pub(super) now: Now,
    /// Who is watched and when they alert.
    pub(super) watch: super::watch::Watch,
    /// Today's transitions seen by this board (details).
    pub(super) history: super::watch::History,
    pub(super) unseen: Unseen,
}

/// Whether the last update changed nothing drawn: a deadline at which only a poll was due (it runs
/// out of sight) leaves the frame as it was, and rendering 10,000 people to find that out was a
/// twentieth of an idle poll's time.
#[derive(Default)]
pub(super) struct Unseen {
    /// As of the last update: when something besides a poll next changes the screen (an age, a
    /// flash ending, a key sequence, a calendar slot).
    next_change: Option<Instant>,
    /// The last update only started a poll, or did nothing.
    frame_kept: bool,
}

impl App {
    /// An empty board at `area`, its first poll due at once.
    pub fn new(options: Options, area: Rect, now: Now) -> Self {
        let schedule = Schedule::new(options.interval, options.seed, now.instant);
        let places = Places::new(options.place_names);
        let settings = &options.config.watch;
        let watch =
            super::watch::Watch::new(settings.rules.clone(), settings.people.clone(), Vec::new());
        let calendar = super::calendar::Calendars::new(&options.config.calendar);
        let calendars = calendar.enabled();
        Self {
            watch,
            history: super::watch::History::default(),
            unseen: Unseen::default(),
            calendar,
            places,
            options,
            team: Team::default(),
            view: View::new(area),
            roster: None,
            filter: FilterState {
                calendars,
                ..FilterState::default()
            },
            pending: Pending::default(),
            schedule,
            freshness: Freshness::default(),
            notice: None,
            start_warning: None,
            flash_end: None,
            signin: None,
            resolving: None,
            own: super::own::Own::default(),
            now,
        }
    }

    /// The one place the board changes.
    pub fn update(&mut self, msg: Msg, now: Now) -> Vec<Effect> {
        self.now = now;
        let only_a_poll_due = matches!(msg, Msg::Deadline)
            && self.unseen.next_change.is_none_or(|at| at > now.instant);
        let mut effects = Vec::new();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut effects),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize { width, height } => self.view.resize(width, height),
            Msg::Cached(snapshot) => self.load_snapshot(*snapshot),
            Msg::FirstFrame => self.finish_loading(),
            Msg::Resolving(progress) => self.on_resolving(*progress),
            Msg::Polled(outcome) => {
                let from_the_top = self.end_resolution();
                match *outcome {
                    Ok(data) => self.on_poll_data(data, &mut effects),
                    Err(failure) => {
                        let signed_out = failure.kind == super::msg::FailureKind::SignedOut;
                        self.on_poll_failure(failure);
                        if signed_out {
                            self.offer_sign_in(&mut effects);
                        }
                    }
                }
                if from_the_top {
                    self.select(0);
                }
                // The loop is awake anyway: a look at the config file costs no wake-up of its own.
                effects.push(Effect::CheckConfig);
            }
            Msg::SignIn(event) => self.on_sign_in(event, &mut effects),
            Msg::Places(answer) => self.on_places(*answer, &mut effects),
            Msg::Deadline => {
                if let Some(command) = self.options.keymap.expire(&mut self.pending, now.instant) {
                    self.run(command, &mut effects);
                }
            }
            Msg::Resumed => effects.push(Effect::Redraw),
            Msg::FocusLost => {
                if self.stretch_allowed() {
                    self.schedule.unfocused(self.options.unfocused_interval);
                }
            }
            Msg::FocusGained => {
                self.schedule.focused(now.instant, FOCUS_FRESH);
                effects.push(Effect::CheckConfig);
            }
            Msg::ConfigChanged(loaded) => self.on_config(*loaded, &mut effects),
            Msg::Own(outcome) => self.on_own(*outcome, &mut effects),
            Msg::Terminate(signal) => effects.push(Effect::Terminate(signal.exit_code())),
            Msg::OpenFailed(url) => self.open_failed(url, &mut effects),
            Msg::Schedules(outcome) => self.on_schedules(*outcome),
        }
        self.calendar_step(&mut effects);
        if self.schedule.is_due(now.instant) {
            self.schedule.begin();
            effects.push(Effect::Poll(self.fresh_roster()));
        }
        self.unseen = Unseen {
            next_change: self.change_deadline(),
            frame_kept: only_a_poll_due && effects.iter().all(|e| matches!(e, Effect::Poll(_))),
        };
        effects
    }

    /// Whether the last `update` left everything drawn as it was, so the frame need not be
    /// rendered again to find out.
    pub fn frame_kept(&self) -> bool {
        self.unseen.frame_kept
    }

    /// Whether losing focus may stretch the refresh interval: not while anyone is watched (an
    /// alert late by minutes is no alert).
    pub fn stretch_allowed(&self) -> bool {
        !self.watch.is_active()
    }

    /// The roster to hand the refresher, while younger than `roster_ttl`.
    fn fresh_roster(&self) -> Option<Arc<Roster>> {
        self.roster
            .as_ref()
            .filter(|(_, at)| {
                self.now.instant.saturating_duration_since(*at) < self.options.roster_ttl
            })
            .map(|(r, _)| Arc::clone(r))
    }

    /// The earliest moment anything must happen: the next poll, the end of a flash, a waiting key
    /// sequence, the next minute an age on screen changes. `None`: sleep until something arrives.
    pub fn next_deadline(&self) -> Option<Instant> {
        [self.schedule.next_poll(), self.change_deadline()]
            .into_iter()
            .flatten()
            .min()
    }

    /// `next_deadline` but for the next poll: when what is drawn next changes with time alone.
    fn change_deadline(&self) -> Option<Instant> {
        let now = self.now;
        let ages = self
            .geometry()
            .on_screen()
            .filter_map(|i| self.team.people()[self.view.visible()[i]].changed_at)
            .map(|since| age::next_change(since, now.utc))
            .min()
            .map(|at| {
                let wait = now.utc.duration_until(at).unsigned_abs();
                now.instant + wait + BOUNDARY_MARGIN
            });
        [
            self.flash_end.filter(|t| *t > now.instant),
            self.pending.deadline(),
            ages,
            self.calendar_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Where everything is at the current size (the UI lays out the same way).
    pub fn geometry(&self) -> Geometry {
        self.view.geometry()
    }

    /// The layout for `area` with this board's sections and scroll.
    pub fn geometry_in(&self, area: Rect) -> Geometry {
        self.view.geometry_in(area)
    }

    /// Re-applies the filter and sort, keeping the selection on the same person.
    pub(super) fn rearrange(&mut self) {
        if self.filter.is_active() {
            self.finish_loading();
        }
        self.mark_watched();
        let terms = self.calendar_terms();
        let (calendar, people, now) = (&self.calendar, self.team.people(), self.now.utc);
        let keep = |i: usize| super::calendar::keeps(calendar, &people[i], &terms, now);
        let soon = |i: usize| super::calendar::soon_of(calendar, &people[i], now);
        self.view.arrange(
            &self.team,
            (&self.filter.engine, &self.filter.query),
            self.options.sort,
            self.options.group_by,
            (&keep, &soon),
        );
    }

    /// Selects the person at `pos` in the visible order.
    pub(super) fn select(&mut self, pos: usize) {
        self.view.select(pos, self.team.people());
    }

    // What the UI reads.

    pub fn people(&self) -> &[Person] {
        self.team.people()
    }

    /// Indices into `people()` in the order shown.
    pub fn visible(&self) -> &[usize] {
        self.view.visible()
    }

    /// The `n`th person shown.
    pub fn shown(&self, n: usize) -> Option<&Person> {
        self.view.visible().get(n).map(|&i| &self.team.people()[i])
    }

    /// Someone's roster entry (mail, job title, department: raw, sanitize to show).
    pub fn profile(&self, id: &UserId) -> Option<&crate::graph::model::User> {
        self.team.profile(id)
    }

    pub fn person(&self, id: &UserId) -> Option<&Person> {
        self.team.get(id)
    }

    /// Position of the selected person in the order shown.
    pub fn cursor(&self) -> Option<usize> {
        self.view.selected().map(|_| self.view.cursor())
    }

    pub fn selected(&self) -> Option<&Person> {
        self.view.selected().and_then(|id| self.person(id))
    }

    /// You, when the roster knows who you are.
    pub fn me(&self) -> Option<&Person> {
        self.team.me().and_then(|id| self.person(id))
    }

    /// Team members per `Status::ALL` entry, and how many are out of office.
    pub fn counts(&self) -> (&[usize; Status::ALL.len()], usize) {
        self.team.counts()
    }

    pub fn mode(&self) -> Mode {
        self.view.mode
    }

    pub fn filter(&self) -> &FilterState {
        &self.filter
    }

    pub fn freshness(&self) -> &Freshness {
        &self.freshness
    }

    /// A one-line message for the footer, until the next key.
    pub fn notice(&self) -> Option<&SafeText> {
        self.notice.as_ref()
    }

    /// First line shown in the open popup.
    pub fn popup_scroll(&self) -> u16 {
        self.view.popup_scroll
    }

    pub fn pending(&self) -> &Pending {
        &self.pending
    }

    pub fn keymap(&self) -> &Keymap {
        &self.options.keymap
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn sort(&self) -> SortOrder {
        self.options.sort
    }

    pub fn now(&self) -> Now {
        self.now
    }

    pub fn tz(&self) -> &TimeZone {
        &self.options.tz
    }

    pub fn poll_in_flight(&self) -> bool {
        self.schedule.in_flight()
    }

    /// A wall-clock time in local time as "hh:mm".
    pub fn clock(&self, at: Timestamp) -> String {
        at.to_zoned(self.options.tz.clone())
            .strftime("%H:%M")
            .to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests;
