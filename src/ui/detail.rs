//! The detail popup: every field of one person, full messages with paragraphs, times in local time.

mod calendar;
mod wrap;

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::help::{draw, inner_of, popup};
use super::paint::{Run, run};
use super::theme::Theme;
use crate::app::person::{Person, Profile};
use crate::graph::model::{LocationSourceKind, Presence, User, WorkLocationKind};
use crate::presence_style;
use crate::text::SafeText;
use crate::time_zone::{Expiry, expiry};

pub use wrap::wrap;

/// Widest the popup grows: a comfortable reading width.
const MAX_WIDTH: u16 = 76;
/// Label column ("Availability  ").
const LABEL: usize = 14;

/// The detail popup for one person. `now` and `tz` are the App's (the UI never reads a clock).
pub struct Detail<'a> {
    pub person: &'a Person,
    /// Their roster entry, for mail, job title and department (sanitized here, for the one shown).
    pub profile: Option<&'a User>,
    pub theme: Theme,
    /// The local time zone times are shown in (`TimeZone::system()` at start; UTC in tests).
    pub tz: &'a TimeZone,
    pub now: Timestamp,
    /// First content row shown; clamped when drawn (see `Detail::max_scroll`).
    pub scroll: u16,
    /// Their calendar, when calendars are on and it has been read.
    pub calendar: Option<crate::app::calendar::CalendarView<'a>>,
}

type Lines<'a> = Vec<Vec<Run<'a>>>;

impl<'a> Detail<'a> {
    pub fn new(person: &'a Person, theme: Theme, tz: &'a TimeZone, now: Timestamp) -> Self {
        Self {
            person,
            profile: None,
            theme,
            tz,
            now,
            scroll: 0,
            calendar: None,
        }
    }

    /// How far the content can scroll when drawn in `area` (the whole screen).
    pub fn max_scroll(&self, area: Rect) -> u16 {
        let (_, inner, lines) = self.layout(area);
        (lines.len() as u16).saturating_sub(inner.height)
    }

    /// The popup, its content area and the content wrapped to it.
    fn layout(&self, area: Rect) -> (Rect, Rect, Lines<'a>) {
        let width = area.width.min(MAX_WIDTH);
        let cols = inner_of(Rect { width, ..area }).width;
        let lines = self.lines(usize::from(cols));
        let (outer, inner) = popup(area, cols, lines.len() as u16);
        (outer, inner, lines)
    }

    fn lines(&self, cols: usize) -> Lines<'a> {
        let p = self.person;
        let t = self.theme;
        let mut out: Lines<'a> = Vec::new();
        let mut head = vec![run(p.name.as_str(), t.name())];
        if p.stale {
            head.push(run("  (stale)", t.warning()));
        }
        out.push(head);
        if let Some(profile) = self.profile.map(Profile::of) {
            if let Some(mail) = profile.mail.filter(|m| *m != p.name) {
                out.push(vec![run(mail.to_string(), t.muted())]);
            }
            let role: Vec<&str> = [&profile.job_title, &profile.department]
                .into_iter()
                .flatten()
                .map(SafeText::as_str)
                .collect();
            if !role.is_empty() {
                out.extend(paragraph(&role.join(" · "), cols, 0, Style::new()));
            }
        }
        out.push(Vec::new());

        let symbol = presence_style::symbol(p.status, false, t.symbols);
        let availability = format!("{symbol} {}", p.availability);
        out.extend(field(
            "Availability",
            &availability,
            cols,
            t.status(p.status),
        ));
        if !p.activity.is_empty() {
            out.extend(field("Activity", p.activity.as_str(), cols, Style::new()));
        }
        if p.out_of_office {
            let arrow = presence_style::symbol(p.status, true, t.symbols);
            out.extend(field(
                "Out of office",
                &format!("{arrow} yes"),
                cols,
                t.out_of_office(),
            ));
        }
        if let Some(at) = p.changed_at {
            out.extend(field(
                "Changed",
                &local_time(at, self.now, self.tz),
                cols,
                Style::new(),
            ));
        }
        if let Some(l) = &p.location {
            let mut parts: Vec<Cow<'_, str>> = vec![location_word(l.kind, p.presence.as_deref())];
            if let Some(source) = source_words(l.source) {
                parts.push(Cow::Borrowed(source));
            }
            if let Some(name) = &l.place_name {
                parts.push(Cow::Borrowed(name.as_str()));
            }
            out.extend(field("Location", &parts.join(" · "), cols, Style::new()));
            // Shown for one person at a time, so sanitized here rather than kept for everyone.
            let place_id = p
                .presence
                .as_ref()
                .and_then(|pr| pr.work_location.as_ref()?.place_id.as_deref());
            if let Some(id) = place_id {
                out.extend(field(
                    "Place id",
                    SafeText::line(id).as_str(),
                    cols,
                    t.muted(),
                ));
            }
        }
        if let Some(seq) = p
            .presence
            .as_ref()
            .and_then(|pr| pr.sequence_number.as_deref())
        {
            out.extend(field(
                "Sequence",
                SafeText::line(seq).as_str(),
                cols,
                t.muted(),
            ));
        }
        if p.presence.is_none() {
            out.extend(paragraph("No presence seen yet.", cols, 0, t.muted()));
        }

        if let Some(message) = p.status_full() {
            out.push(Vec::new());
            let mut heading = "Status message".to_string();
            if let Some(until) = self.status_expiry() {
                heading.push_str(", ");
                heading.push_str(&until);
            }
            out.extend(paragraph(&heading, cols, 0, t.section()));
            out.extend(paragraph(message.as_str(), cols, 2, t.status_message()));
        }
        if let Some(message) = p.ooo_full() {
            out.push(Vec::new());
            out.extend(paragraph("Out-of-office message", cols, 0, t.section()));
            out.extend(paragraph(message.as_str(), cols, 2, t.out_of_office()));
        }
        if let Some(view) = &self.calendar {
            out.extend(calendar::lines(view, self.now, self.tz, t, cols));
        }
        if p.stale && p.presence.is_some() {
            out.push(Vec::new());
            out.extend(paragraph(
                "Graph left this person out of its last answer: this is the last presence seen.",
                cols,
                0,
                t.warning(),
            ));
        }
        out
    }

    /// "until Fri 17:30", "no expiry", ... from the raw presence (Graph omits it for other users).
    fn status_expiry(&self) -> Option<String> {
        let dt = self
            .person
            .presence
            .as_ref()?
            .status_message
            .as_ref()?
            .expiry_date_time
            .as_ref()?;
        Some(match expiry(dt) {
            Expiry::Never => "no expiry".to_string(),
            Expiry::At(at) if at >= self.now => {
                format!("until {}", local_time(at, self.now, self.tz))
            }
            Expiry::At(at) => format!("expired {}", local_time(at, self.now, self.tz)),
            Expiry::Unknown(raw) => {
                format!("until {} (time zone not recognised)", SafeText::line(&raw))
            }
        })
    }
}

impl Widget for &Detail<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (outer, _, lines) = self.layout(area);
        draw(
            buf,
            outer,
            self.theme,
            (" Details ", " esc closes "),
            &lines,
            self.scroll,
        );
    }
}

/// A labelled value, wrapped beside its label.
fn field<'a>(label: &str, value: &str, cols: usize, style: Style) -> Lines<'a> {
    let value_cols = cols.saturating_sub(LABEL).max(1);
    wrap(value, value_cols)
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let label = if i == 0 {
                format!("{label:<LABEL$}")
            } else {
                " ".repeat(LABEL)
            };
            vec![run(label, Style::new()), run(text, style)]
        })
        .collect()
}

/// Text wrapped to the popup, indented by `indent` columns.
fn paragraph<'a>(text: &str, cols: usize, indent: usize, style: Style) -> Lines<'a> {
    wrap(text, cols.saturating_sub(indent).max(1))
        .into_iter()
        .map(|text| vec![run(" ".repeat(indent), Style::new()), run(text, style)])
        .collect()
}

fn location_word(kind: WorkLocationKind, presence: Option<&Presence>) -> Cow<'static, str> {
    match kind {
        WorkLocationKind::Office => Cow::Borrowed("Office"),
        WorkLocationKind::Remote => Cow::Borrowed("Remote"),
        WorkLocationKind::TimeOff => Cow::Borrowed("Time off"),
        WorkLocationKind::Unspecified => Cow::Borrowed("Not set"),
        // A value Graph added after this was written: show it humanized, through SafeText.
        WorkLocationKind::UnknownFutureValue | WorkLocationKind::Other => {
            let raw = presence
                .and_then(|p| p.work_location.as_ref())
                .map(|w| w.work_location_type.raw())
                .unwrap_or_default();
            Cow::Owned(SafeText::line(&presence_style::humanize(raw)).to_string())
        }
    }
}

fn source_words(source: LocationSourceKind) -> Option<&'static str> {
    match source {
        LocationSourceKind::Manual => Some("set manually"),
        LocationSourceKind::Scheduled => Some("from the work schedule"),
        LocationSourceKind::Automatic => Some("detected automatically"),
        _ => None,
    }
}

/// A time in the local zone, as short as is unambiguous from `now`: "17:30" today, "Fri 17:30"
/// within a week, "Fri 12 Jul 17:30" this year, "12 Jul 2027 17:30" otherwise.
pub fn local_time(at: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let at = at.to_zoned(tz.clone());
    let today = now.to_zoned(tz.clone()).date();
    let days = today
        .until(at.date())
        .map_or(i32::MAX, |span| span.get_days());
    let format = if days == 0 {
        "%H:%M"
    } else if days.abs() <= 6 {
        "%a %H:%M"
    } else if at.year() == today.year() {
        "%a %-d %b %H:%M"
    } else {
        "%-d %b %Y %H:%M"
    };
    at.strftime(format).to_string()
}

#[cfg(test)]
mod tests;
