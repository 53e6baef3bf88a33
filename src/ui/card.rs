//! One person's card: name and age in the border, then availability and activity, status message,
//! and out of office or work location. Every line is fitted to the card's width.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Widget};

use super::paint::{Run, put, put_right, run, runs_width};
use super::theme::Theme;
use crate::app::Now;
use crate::app::age;
use crate::app::person::Person;
use crate::presence_style;
use crate::text::{fit, width};

/// What a card needs besides the person.
#[derive(Clone, Copy)]
pub struct CardContext {
    pub theme: Theme,
    pub now: Now,
    pub selected: bool,
}

/// The availability line: symbol (arrow plus hollow state when out of office), word, activity.
pub fn presence_runs(person: &Person, theme: Theme) -> Vec<Run<'_>> {
    let colour = theme.status(person.status);
    let mut runs = Vec::with_capacity(5);
    if person.out_of_office {
        runs.push(run(
            presence_style::symbol(person.status, true, theme.symbols),
            theme.out_of_office(),
        ));
        runs.push(run(
            presence_style::hollow_symbol(person.status, theme.symbols),
            colour,
        ));
    } else {
        runs.push(run(
            presence_style::symbol(person.status, false, theme.symbols),
            colour,
        ));
    }
    runs.push(run(" ", Style::new()));
    runs.push(run(person.availability.as_str(), colour));
    let activity = person.activity.as_str();
    // Out of office has its own line; the activity saying so again is noise.
    let repeats = activity == person.availability.as_str()
        || (person.out_of_office && activity == "Out of office");
    if !activity.is_empty() && !repeats {
        runs.push(run(theme.separator(), theme.muted()));
        runs.push(run(activity, Style::new()));
    }
    runs
}

/// The third line: out of office with its message, else the work location with its place.
fn whereabouts(person: &Person, theme: Theme) -> Vec<Run<'_>> {
    if person.out_of_office {
        let mut runs = vec![run("Out of office", theme.out_of_office())];
        if let Some(message) = person.ooo_line() {
            runs.push(run(": ", theme.out_of_office()));
            runs.push(run(message.as_str(), Style::new()));
        }
        return runs;
    }
    let Some(location) = &person.location else {
        return Vec::new();
    };
    let Some(word) = location.word() else {
        return Vec::new();
    };
    let mut runs = Vec::with_capacity(4);
    if let Some(icon) = presence_style::location_symbol(location.kind, theme.symbols) {
        runs.push(run(icon, Style::new()));
        runs.push(run(" ", Style::new()));
    }
    runs.push(run(word, Style::new()));
    if let Some(place) = &location.place_name {
        runs.push(run(theme.separator(), theme.muted()));
        runs.push(run(place.as_str(), theme.muted()));
    }
    runs
}

/// The age label shown in the top border ("3m"), "stale" marked when Graph left the person out.
pub fn age_label(person: &Person, now: Now) -> Option<Cow<'static, str>> {
    let age = person.changed_at.map(|since| age::label(since, now.utc));
    match (person.stale, age) {
        (true, Some(a)) => Some(Cow::Owned(format!("stale {a}"))),
        (true, None) => Some(Cow::Borrowed("stale")),
        (false, a) => a,
    }
}

pub fn render(person: &Person, area: Rect, buf: &mut Buffer, cx: CardContext) {
    let theme = cx.theme;
    if area.width < 4 || area.height < 3 {
        return;
    }
    let border_set = theme.border_set(cx.selected);
    let border_style = if cx.selected {
        theme.selected_border()
    } else {
        theme.border()
    };
    Block::bordered()
        .border_set(border_set)
        .border_style(border_style)
        .render(area, buf);

    // Top border: " Name " on the left, " 3m " on the right.
    let top = Rect::new(area.x + 1, area.y, area.width - 2, 1);
    let age = age_label(person, cx.now);
    let age_width = age.as_deref().map_or(0, |a| width(a) + 2);
    let name_room = usize::from(top.width)
        .saturating_sub(age_width + 1)
        .saturating_sub(2);
    let name_style = if person.is_flashing(cx.now.instant) {
        theme.flash()
    } else {
        theme.name()
    };
    let name = fit(person.name.as_str(), name_room);
    put(
        buf,
        top,
        &[
            run(" ", Style::new()),
            run(name, name_style),
            run(" ", Style::new()),
        ],
    );
    if let Some(age) = age {
        let style = if person.stale {
            theme.warning()
        } else {
            theme.muted()
        };
        put_right(
            buf,
            top,
            &[
                run(" ", Style::new()),
                run(age, style),
                run(" ", Style::new()),
            ],
        );
    }

    let inner = Rect::new(
        area.x + 2,
        area.y + 1,
        area.width.saturating_sub(4),
        area.height - 2,
    );
    let line = |n: u16| Rect::new(inner.x, inner.y + n, inner.width, 1);
    let mut lines: Vec<Vec<Run<'_>>> = vec![presence_runs(person, theme)];
    if let Some(message) = person.status_line() {
        lines.push(vec![run(message.as_str(), theme.status_message())]);
    }
    let place = whereabouts(person, theme);
    if !place.is_empty() {
        lines.push(place);
    }
    for (n, runs) in lines.iter().enumerate().take(usize::from(inner.height)) {
        put(buf, line(n as u16), runs);
    }
    if person.stale {
        buf.set_style(inner, theme.stale());
    }
}

/// Width a person's presence line needs (for the compact list's column).
pub fn presence_width(person: &Person, theme: Theme) -> usize {
    runs_width(&presence_runs(person, theme))
}
