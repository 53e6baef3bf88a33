//! What the board shows of the team and where the user is in it: the people shown and their order,
//! the sections, the selection, the scroll, the screen size and what has the keyboard. The cursor
//! always points into the people shown at the selected person, and the scroll always keeps that
//! card whole on screen; every change goes through a method here that keeps both true.

use ratatui::layout::Rect;

use super::filter::{Filter, Query};
use super::geometry::{Geometry, geometry};
use super::person::Person;
use super::sort;
use super::team::Team;
use crate::config::{GroupBy, SortOrder};
use crate::graph::model::UserId;

/// What has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Board,
    /// Typing in the filter input.
    Filter,
    Details,
    Help,
}

#[derive(Debug)]
pub struct View {
    /// Indices into the team's people in the order shown (filtered, sorted); recomputed on data,
    /// filter or sort change only.
    visible: Vec<usize>,
    /// How many of `visible` fall in each section (one section unless grouped).
    sections: Vec<usize>,
    grouped: bool,
    selected: Option<UserId>,
    /// Position of `selected` in `visible`.
    cursor: usize,
    /// First content line shown (see `geometry`).
    scroll: usize,
    area: Rect,
    pub mode: Mode,
    /// First line shown in the open popup (help or details).
    pub popup_scroll: u16,
}

impl View {
    pub fn new(area: Rect) -> Self {
        Self {
            visible: Vec::new(),
            sections: vec![0],
            grouped: false,
            selected: None,
            cursor: 0,
            scroll: 0,
            area,
            mode: Mode::Board,
            popup_scroll: 0,
        }
    }

    /// Filters and sorts the team again, keeping the selection on the same person when still shown.
    /// `calendar` says who the query's calendar facets keep and how soon each person is free (by
    /// position in the team), facts only the core's calendars know.
    pub fn arrange(
        &mut self,
        team: &Team,
        filter: (&Filter, &Query),
        order: SortOrder,
        group: GroupBy,
        calendar: (&dyn Fn(usize) -> bool, &dyn Fn(usize) -> sort::Soon),
    ) {
        let (engine, query) = filter;
        let (keep, soon) = calendar;
        let people = team.people();
        engine.apply(
            query,
            people.iter().enumerate().map(|(i, p)| (i, &p.search)),
            &mut self.visible,
        );
        self.visible.retain(|&i| keep(i));
        self.grouped = group == GroupBy::Availability;
        self.sections = sort::arrange_by(
            people,
            team.name_order(),
            &mut self.visible,
            order,
            group,
            soon,
        );
        let found = self
            .selected
            .as_ref()
            .and_then(|id| team.position(id))
            .and_then(|pi| self.visible.iter().position(|&v| v == pi));
        match found {
            Some(pos) => {
                self.cursor = pos;
                self.follow();
            }
            None => self.select(
                self.cursor.min(self.visible.len().saturating_sub(1)),
                people,
            ),
        }
    }

    /// Selects the person at `pos` in the order shown (nobody when nobody is shown there).
    pub fn select(&mut self, pos: usize, people: &[Person]) {
        if let Some(&pi) = self.visible.get(pos) {
            self.cursor = pos;
            self.selected = Some(people[pi].id.clone());
        } else {
            self.cursor = 0;
            self.selected = None;
        }
        self.follow();
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.area = Rect::new(0, 0, width, height);
        self.follow();
    }

    /// Scrolls so the selected card is whole on screen.
    fn follow(&mut self) {
        self.scroll = self.geometry().scroll;
    }

    /// Where everything is at the current size (the UI lays out the same way).
    pub fn geometry(&self) -> Geometry {
        self.geometry_in(self.area)
    }

    /// The layout for `area` with this view's sections and scroll.
    pub fn geometry_in(&self, area: Rect) -> Geometry {
        let g = geometry(area, &self.sections, self.grouped, self.scroll);
        if self.visible.is_empty() {
            g
        } else {
            g.scrolled_to(self.cursor)
        }
    }

    /// Positions in the team's people, in the order shown.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn selected(&self) -> Option<&UserId> {
        self.selected.as_ref()
    }

    /// Position of the selected person in the order shown.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn area(&self) -> Rect {
        self.area
    }
}
