//! Keys, paste and mouse: the keymap turns keys into commands; the filter input takes what it is given.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use tui_input::InputRequest;
use tui_input::backend::crossterm::to_input_request;

use super::effect::Effect;
use super::filter::Query;
use super::keymap::{Command, Feed, is_interrupt};
use super::own::Opens;
use super::sort;
use super::state::{App, Mode};
use super::watching::Reaching;
use crate::text::SafeText;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent, effects: &mut Vec<Effect>) {
        if key.kind != KeyEventKind::Press {
            return;
        }
        self.notice = None;
        if is_interrupt(&key) {
            effects.push(Effect::Quit);
            return;
        }
        // In raw mode Ctrl-z arrives as a key: the terminal is restored before the process stops.
        if key.code == KeyCode::Char('z') && key.modifiers == KeyModifiers::CONTROL {
            self.pending.clear();
            effects.push(Effect::Suspend);
            return;
        }
        if self.signin.is_some() {
            self.on_sign_in_key(key, effects);
            return;
        }
        if self.own.is_open() {
            self.on_own_key(key, effects);
            return;
        }
        if self.view.mode == Mode::Filter {
            self.on_filter_key(key);
            return;
        }
        match self
            .options
            .keymap
            .feed(&mut self.pending, key, self.now.instant)
        {
            Feed::Command(command) => self.run(command, effects),
            Feed::Unbound if key.code == KeyCode::Esc => self.escape(),
            Feed::Pending { .. } | Feed::Unbound => {}
        }
    }

    /// Esc closes what is open, else drops a kept filter.
    fn escape(&mut self) {
        match self.view.mode {
            Mode::Details | Mode::Help => self.view.mode = Mode::Board,
            Mode::Board if self.filter.is_active() => self.set_query(""),
            Mode::Board | Mode::Filter => {}
        }
    }

    pub(super) fn run(&mut self, command: Command, effects: &mut Vec<Effect>) {
        if matches!(self.view.mode, Mode::Help | Mode::Details) && self.scroll_popup(command) {
            return;
        }
        // As in vim's help, less and man: `q` closes what is open; only on the board does it quit.
        if matches!(self.view.mode, Mode::Help | Mode::Details) && command == Command::Quit {
            self.view.mode = Mode::Board;
            return;
        }
        if self.view.mode == Mode::Help && command != Command::Help {
            // Any other key closes help, then acts as usual.
            self.view.mode = Mode::Board;
        }
        let g = self.geometry();
        let last = self.view.visible().len().saturating_sub(1);
        let at = self.view.cursor();
        match command {
            Command::Left => self.select(at.saturating_sub(1)),
            Command::Right => self.select((at + 1).min(last)),
            Command::RowStart => self.select(g.row_bounds(at).map_or(at, |(start, _)| start)),
            Command::RowEnd => self.select(g.row_bounds(at).map_or(at, |(_, end)| end)),
            Command::Down => self.select(g.move_rows(at, 1)),
            Command::Up => self.select(g.move_rows(at, -1)),
            Command::First => self.select(0),
            Command::Last => self.select(last),
            Command::You => self.go_to_me(),
            Command::HalfPageDown => self.select(g.move_rows(at, g.half_page_rows())),
            Command::HalfPageUp => self.select(g.move_rows(at, -g.half_page_rows())),
            Command::PageDown => self.select(g.move_rows(at, 2 * g.half_page_rows())),
            Command::PageUp => self.select(g.move_rows(at, -2 * g.half_page_rows())),
            Command::Filter => {
                self.view.mode = Mode::Filter;
                self.filter.input.handle(InputRequest::GoToEnd);
            }
            Command::Details => {
                self.view.popup_scroll = 0;
                self.view.mode = match self.view.mode {
                    Mode::Details => Mode::Board,
                    _ if self.view.selected().is_some() => Mode::Details,
                    other => other,
                };
            }
            Command::CycleSort => {
                self.options.sort = sort::next(self.options.sort, self.calendar.enabled());
                self.notice = Some(SafeText::line(&format!(
                    "sorted by {}",
                    sort::label(self.options.sort)
                )));
                self.rearrange();
            }
            Command::Refresh => self.refresh_now(),
            Command::Redraw => effects.push(Effect::Redraw),
            Command::Help => {
                self.view.popup_scroll = 0;
                self.view.mode = if self.view.mode == Mode::Help {
                    Mode::Board
                } else {
                    Mode::Help
                };
            }
            Command::Quit => effects.push(Effect::Quit),
            Command::Watch => self.toggle_watch(effects),
            Command::CopyMail => self.reach(Reaching::CopyMail, effects),
            Command::CopyAddress => self.reach(Reaching::CopyNameAndMail, effects),
            Command::Chat => self.reach(Reaching::Chat, effects),
            Command::Call => self.reach(Reaching::Call, effects),
            Command::Mail => self.reach(Reaching::Mail, effects),
            Command::SetPresence => self.open_own(Opens::Presence),
            Command::SetMessage => self.open_own(Opens::Message),
            Command::SetLocation => self.open_own(Opens::Location),
        }
    }

    /// In a popup, the vertical moves scroll it (left and right still change person under details).
    /// Returns whether the command was used up.
    fn scroll_popup(&mut self, command: Command) -> bool {
        let max = super::popup::max_scroll(self, self.view.area());
        let page = (self.view.area().height / 2).max(1);
        let at = self.view.popup_scroll;
        self.view.popup_scroll = match command {
            Command::Down => at.saturating_add(1),
            Command::Up => at.saturating_sub(1),
            Command::HalfPageDown => at.saturating_add(page),
            Command::HalfPageUp => at.saturating_sub(page),
            Command::PageDown => at.saturating_add(2 * page),
            Command::PageUp => at.saturating_sub(2 * page),
            Command::First => 0,
            Command::Last => max,
            Command::Left | Command::Right | Command::RowStart | Command::RowEnd | Command::You
                if self.view.mode == Mode::Details =>
            {
                self.view.popup_scroll = 0;
                return false;
            }
            _ => return false,
        }
        .min(max);
        true
    }

    /// Selects your own card, or says why it cannot.
    fn go_to_me(&mut self) {
        let Some(me) = self.team.me().and_then(|id| self.team.position(id)) else {
            self.notice = Some(SafeText::line(
                "the board does not know who you are yet (include_me under [team])",
            ));
            return;
        };
        match self.view.visible().iter().position(|&v| v == me) {
            Some(pos) => self.select(pos),
            None => {
                self.notice = Some(SafeText::line(
                    "you are hidden by the filter (Esc clears it)",
                ));
            }
        }
    }

    /// `r`: poll now, or say why not.
    fn refresh_now(&mut self) {
        let now = self.now;
        if self.schedule.request_now(now.instant) {
            self.freshness.refreshing = true;
            return;
        }
        if self.schedule.in_flight() && self.schedule.throttled_until(now.instant).is_none() {
            // The poll already running is the refresh asked for.
            self.freshness.refreshing = true;
        }
        self.notice = Some(SafeText::line(&match self.freshness.throttled_until {
            Some(until) if self.schedule.throttled_until(now.instant).is_some() => {
                format!(
                    "Graph asked us to wait: throttled until {}",
                    self.clock(until)
                )
            }
            _ if self.schedule.is_throttled(now.instant) => {
                "Graph is throttling this app; teamboard backs off and tries again by itself"
                    .to_owned()
            }
            _ => "a refresh is already running".to_owned(),
        }));
    }

    fn on_filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => self.view.mode = Mode::Board,
            KeyCode::Esc => {
                self.view.mode = Mode::Board;
                self.set_query("");
            }
            KeyCode::Down | KeyCode::Up => {
                let g = self.geometry();
                let rows = if key.code == KeyCode::Down { 1 } else { -1 };
                self.select(g.move_rows(self.view.cursor(), rows));
            }
            _ => {
                let Some(request) = to_input_request(&Event::Key(key)) else {
                    return;
                };
                let before = self.filter.input.value().len();
                let changed = self.filter.input.handle(request).is_some_and(|c| c.value);
                if changed || before != self.filter.input.value().len() {
                    self.requery();
                }
            }
        }
    }

    /// A paste goes to the filter input only, made safe (one line); elsewhere it is dropped, so pasted
    /// text can never act as keys.
    pub(super) fn on_paste(&mut self, text: &str) {
        if self.own.is_open() && self.signin.is_none() {
            self.on_own_paste(text);
            return;
        }
        if self.view.mode != Mode::Filter || self.signin.is_some() {
            return;
        }
        paste_into(&mut self.filter.input, text);
        self.requery();
    }

    fn set_query(&mut self, text: &str) {
        self.filter.input = tui_input::Input::new(text.to_owned());
        self.requery();
    }

    fn requery(&mut self) {
        self.filter.query = Query::parse(self.filter.input.value());
        self.rearrange();
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) {
        if !self.options.mouse || matches!(self.view.mode, Mode::Help) {
            return;
        }
        let g = self.geometry();
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(item) = g.hit(mouse.column, mouse.row) {
                    self.select(item);
                }
            }
            MouseEventKind::ScrollDown => self.select(g.move_rows(self.view.cursor(), 1)),
            MouseEventKind::ScrollUp => self.select(g.move_rows(self.view.cursor(), -1)),
            _ => {}
        }
    }
}

/// Pasted text typed into a line editor, made safe and one line first.
pub(super) fn paste_into(input: &mut tui_input::Input, text: &str) {
    for c in SafeText::line(text).as_str().chars() {
        input.handle(InputRequest::InsertChar(c));
    }
}
