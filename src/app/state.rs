//! `App`: everything the board knows, and `update`, the one place it changes. Pure: no I/O, no clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;
use tui_input::Input;

use super::effect::Effect;
use super::filter::{Filter, Query};
use super::geometry::{Geometry, geometry};
use super::keymap::{Keymap, Pending};
use super::msg::{Msg, Now, PollFailure};
use super::person::Person;
use super::places::Places;
use super::schedule::Schedule;
use super::{age, sort};
use crate::collation::Collation;
use crate::config::{Config, GroupBy, SortOrder, Symbols, ThemeName};
use crate::graph::model::{IdMap, Status, UserId};
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
        }
    }
}

/// What has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Board,
    /// Typing in the filter input.
    Filter,
    Details,
    Help,
}

/// How fresh the board is, for the header and footer.
#[derive(Clone, Debug, Default)]
pub struct Sync {
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

impl Sync {
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
    pub(super) people: Vec<Person>,
    /// A cache load left work for `finish_loading` (with `profiles`).
    pub(super) loading: bool,
    /// The roster the people's profiles were built from (the cache's, then each poll's). One copy:
    /// when a poll brings the same roster, this becomes that roster and the cache's is dropped.
    pub(super) profiles: Option<Arc<Roster>>,
    pub(super) index: IdMap<usize>,
    /// Each person's place in the locale's order of names (see `sort::arrange`); rebuilt with `people`
    /// whenever names may have changed, never per keystroke.
    pub(super) name_order: Vec<u32>,
    pub(super) roster: Option<(Arc<Roster>, Instant)>,
    /// Work-location place names, looked up when `[graph] place_names` allows.
    pub(super) places: Places,
    pub(super) me: Option<UserId>,
    /// Indices into `people` in the order shown (filtered, sorted); recomputed on data, filter or sort
    /// change only.
    pub(super) visible: Vec<usize>,
    /// How many of `visible` fall in each section (one section unless grouped).
    pub(super) sections: Vec<usize>,
    /// People per availability over the whole team (header counts).
    pub(super) counts: [usize; Status::ALL.len()],
    pub(super) out_of_office: usize,
    pub(super) selected: Option<UserId>,
    /// Position of `selected` in `visible`.
    pub(super) cursor: usize,
    /// First content line shown (see `geometry`).
    pub(super) scroll: usize,
    pub(super) area: Rect,
    pub(super) mode: Mode,
    pub(super) filter: FilterState,
    pub(super) pending: Pending,
    pub(super) schedule: Schedule,
    pub(super) sync: Sync,
    pub(super) notice: Option<SafeText>,
    /// What the start found wrong with teamboard's files (see `warn_at_start`).
    pub(super) start_warning: Option<SafeText>,
    /// First line shown in the open popup (help or details).
    pub(super) popup_scroll: u16,
    pub(super) flash_end: Option<Instant>,
    /// The sign-in panel, while open (modal).
    pub(super) signin: Option<super::signin::SignInPanel>,
    /// Free/busy, when `[calendar] enabled`.
    pub(super) calendar: super::calendar::Calendars,
    pub(super) now: Now,
}

impl App {
    /// An empty board at `area`, its first poll due at once.
    pub fn new(options: Options, area: Rect, now: Now) -> Self {
        let schedule = Schedule::new(options.interval, options.seed, now.instant);
        let places = Places::new(options.place_names);
        let calendar = super::calendar::Calendars::new(&options.config.calendar);
        let calendars = calendar.enabled();
        Self {
            calendar,
            places,
            options,
            people: Vec::new(),
            loading: false,
            profiles: None,
            index: IdMap::default(),
            name_order: Vec::new(),
            roster: None,
            me: None,
            visible: Vec::new(),
            sections: vec![0],
            counts: [0; Status::ALL.len()],
            out_of_office: 0,
            selected: None,
            cursor: 0,
            scroll: 0,
            area,
            mode: Mode::Board,
            filter: FilterState {
                calendars,
                ..FilterState::default()
            },
            pending: Pending::default(),
            schedule,
            sync: Sync::default(),
            notice: None,
            start_warning: None,
            popup_scroll: 0,
            flash_end: None,
            signin: None,
            now,
        }
    }

    /// The one place the board changes.
    pub fn update(&mut self, msg: Msg, now: Now) -> Vec<Effect> {
        self.now = now;
        let mut effects = Vec::new();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut effects),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize { width, height } => {
                self.area = Rect::new(0, 0, width, height);
                self.follow_selection();
            }
            Msg::Polled(outcome) => {
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
            Msg::Terminate(signal) => effects.push(Effect::Terminate(signal.exit_code())),
            Msg::Schedules(outcome) => self.on_schedules(*outcome),
        }
        self.calendar_step(&mut effects);
        if self.schedule.is_due(now.instant) {
            self.schedule.begin();
            effects.push(Effect::Poll(self.fresh_roster()));
        }
        effects
    }

    /// Whether losing focus may stretch the refresh interval. Always, for now: something the user
    /// waits for (a watched teammate) would need every poll and say no here.
    pub fn stretch_allowed(&self) -> bool {
        true
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
        let now = self.now;
        let ages = self
            .geometry()
            .on_screen()
            .filter_map(|i| self.people[self.visible[i]].changed_at)
            .map(|since| age::next_change(since, now.utc))
            .min()
            .map(|at| {
                let wait = now.utc.duration_until(at).unsigned_abs();
                now.instant + wait + BOUNDARY_MARGIN
            });
        [
            self.schedule.next_poll(),
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
        self.geometry_in(self.area)
    }

    /// The layout for `area` with this board's sections and scroll.
    pub fn geometry_in(&self, area: Rect) -> Geometry {
        let g = geometry(
            area,
            &self.sections,
            self.options.group_by == GroupBy::Availability,
            self.scroll,
        );
        if self.visible.is_empty() {
            g
        } else {
            g.scrolled_to(self.cursor)
        }
    }

    /// Re-applies the filter and sort, keeping the selection on the same person.
    pub(super) fn rearrange(&mut self) {
        if self.filter.is_active() {
            self.finish_loading();
        }
        let people = &self.people;
        self.filter.engine.apply(
            &self.filter.query,
            people.iter().enumerate().map(|(i, p)| (i, &p.search)),
            &mut self.visible,
        );
        self.calendar_filter();
        let (calendar, everyone, now) = (&self.calendar, &self.people, self.now.utc);
        let soon = |i: usize| super::calendar::soon_of(calendar, &everyone[i], now);
        self.sections = sort::arrange_by(
            &self.people,
            &self.name_order,
            &mut self.visible,
            self.options.sort,
            self.options.group_by,
            &soon,
        );
        let found = self
            .selected
            .as_ref()
            .and_then(|id| self.index.get(id))
            .and_then(|&pi| self.visible.iter().position(|&v| v == pi));
        match found {
            Some(pos) => self.cursor = pos,
            None => self.select(self.cursor.min(self.visible.len().saturating_sub(1))),
        }
        self.follow_selection();
    }

    /// Selects the person at `pos` in the visible order.
    pub(super) fn select(&mut self, pos: usize) {
        if let Some(&pi) = self.visible.get(pos) {
            self.cursor = pos;
            self.selected = Some(self.people[pi].id.clone());
        } else {
            self.cursor = 0;
            self.selected = None;
        }
        self.follow_selection();
    }

    /// Scrolls so the selected card is whole on screen.
    pub(super) fn follow_selection(&mut self) {
        self.scroll = self.geometry().scroll;
    }

    pub(super) fn recount(&mut self) {
        self.counts = [0; Status::ALL.len()];
        self.out_of_office = 0;
        for p in &self.people {
            self.counts[sort::section(p)] += 1;
            self.out_of_office += usize::from(p.out_of_office);
        }
    }

    // What the UI reads.

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Indices into `people()` in the order shown.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// The `n`th person shown.
    pub fn shown(&self, n: usize) -> Option<&Person> {
        self.visible.get(n).map(|&i| &self.people[i])
    }

    /// Someone's roster entry (mail, job title, department: raw, sanitize to show).
    pub fn profile(&self, id: &UserId) -> Option<&crate::graph::model::User> {
        self.profiles.as_ref()?.user(id)
    }

    pub fn person(&self, id: &UserId) -> Option<&Person> {
        self.index.get(id).map(|&i| &self.people[i])
    }

    /// Position of the selected person in the order shown.
    pub fn cursor(&self) -> Option<usize> {
        self.selected.as_ref().map(|_| self.cursor)
    }

    pub fn selected(&self) -> Option<&Person> {
        self.selected.as_ref().and_then(|id| self.person(id))
    }

    /// You, when the roster knows who you are.
    pub fn me(&self) -> Option<&Person> {
        self.me.as_ref().and_then(|id| self.person(id))
    }

    /// Team members per `Status::ALL` entry, and how many are out of office.
    pub fn counts(&self) -> (&[usize; Status::ALL.len()], usize) {
        (&self.counts, self.out_of_office)
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn filter(&self) -> &FilterState {
        &self.filter
    }

    pub fn sync(&self) -> &Sync {
        &self.sync
    }

    /// A one-line message for the footer, until the next key.
    pub fn notice(&self) -> Option<&SafeText> {
        self.notice.as_ref()
    }

    /// First line shown in the open popup.
    pub fn popup_scroll(&self) -> u16 {
        self.popup_scroll
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
