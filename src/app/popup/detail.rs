//! The detail popup's lines: every field of one person, full messages with paragraphs, times in
//! local time, wrapped to the popup's width.

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;

use super::{Line, Tone, frame, inner_of, span};
use crate::app::person::{Person, Profile};
use crate::config::Symbols;
use crate::graph::model::{LocationSourceKind, Presence, User, WorkLocationKind};
use crate::presence_style;
use crate::text::{SafeText, wrap};
use crate::time_zone::{Expiry, expiry};

mod calendar;

pub use calendar::{off_hours_mark, slot_symbol};

/// Widest the popup grows: a comfortable reading width.
const MAX_WIDTH: u16 = 76;
/// Label column ("Availability  ").
const LABEL: usize = 14;

type Lines<'a> = Vec<Line<'a>>;

/// One person's details. `now` and `tz` are the App's (nothing here reads a clock).
pub struct Detail<'a> {
    pub person: &'a Person,
    /// Their roster entry, for mail, job title and department (sanitized here, for the one shown).
    pub profile: Option<&'a User>,
    /// The local time zone times are shown in (`TimeZone::system()` at start; UTC in tests).
    pub tz: &'a TimeZone,
    pub now: Timestamp,
    pub symbols: Symbols,
    /// Today's transitions this board saw ("Available 09:12 · In a meeting 10:00").
    pub today: Option<String>,
    /// On the watch list.
    pub watched: bool,
    /// Their calendar, when calendars are on and it has been read.
    pub calendar: Option<crate::app::calendar::CalendarView<'a>>,
}

impl<'a> Detail<'a> {
    /// `person`'s details as the board holds them now.
    pub fn of(app: &'a crate::app::App, person: &'a Person) -> Self {
        Self {
            person,
            profile: app.profile(&person.id),
            tz: app.tz(),
            now: app.now().utc,
            symbols: app.options().symbols,
            today: app.history().line(&person.id, app.now().utc, app.tz()),
            watched: app.watch().is_watched(&person.id),
            calendar: app.calendar_view(&person.id),
        }
    }

    /// The popup, its content area and the content wrapped to it, on a screen of `area`.
    pub fn layout(&self, area: Rect) -> (Rect, Rect, Lines<'a>) {
        let width = area.width.min(MAX_WIDTH);
        let cols = inner_of(Rect { width, ..area }).width;
        let lines = self.lines(usize::from(cols));
        let (outer, inner) = frame(area, cols, u16::try_from(lines.len()).unwrap_or(u16::MAX));
        (outer, inner, lines)
    }

    pub fn lines(&self, cols: usize) -> Lines<'a> {
        let p = self.person;
        let mut out: Lines<'a> = Vec::new();
        let mut head = vec![span(p.name.as_str(), Tone::Name)];
        if p.stale {
            head.push(span("  (stale)", Tone::Warning));
        }
        out.push(head);
        if let Some(profile) = self.profile.map(Profile::of) {
            if let Some(mail) = profile.mail.filter(|m| *m != p.name) {
                out.push(vec![span(mail.to_string(), Tone::Muted)]);
            }
            let role: Vec<&str> = [&profile.job_title, &profile.department]
                .into_iter()
                .flatten()
                .map(SafeText::as_str)
                .collect();
            if !role.is_empty() {
                out.extend(paragraph(&role.join(" · "), cols, 0, Tone::Plain));
            }
        }
        out.push(Vec::new());

        let symbol = presence_style::symbol(p.status, false, self.symbols);
        let availability = format!("{symbol} {}", p.availability);
        out.extend(field(
            "Availability",
            &availability,
            cols,
            Tone::Status(p.status),
        ));
        if !p.activity.is_empty() {
            out.extend(field("Activity", p.activity.as_str(), cols, Tone::Plain));
        }
        if p.out_of_office {
            let arrow = presence_style::symbol(p.status, true, self.symbols);
            out.extend(field(
                "Out of office",
                &format!("{arrow} yes"),
                cols,
                Tone::OutOfOffice,
            ));
        }
        if let Some(at) = p.changed_at {
            out.extend(field(
                "Changed",
                &local_time(at, self.now, self.tz),
                cols,
                Tone::Plain,
            ));
        }
        if let Some(today) = &self.today {
            out.extend(field("Today", today, cols, Tone::Plain));
        }
        if self.watched {
            let mark = crate::presence_style::watch_mark(self.symbols);
            out.extend(field(
                "Watched",
                &format!("{mark} yes"),
                cols,
                Tone::Watched,
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
            out.extend(field("Location", &parts.join(" · "), cols, Tone::Plain));
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
                    Tone::Muted,
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
                Tone::Muted,
            ));
        }
        if p.presence.is_none() {
            out.extend(paragraph("No presence seen yet.", cols, 0, Tone::Muted));
        }

        if let Some(message) = p.status_full() {
            out.push(Vec::new());
            let mut heading = "Status message".to_string();
            if let Some(until) = self.status_expiry() {
                heading.push_str(", ");
                heading.push_str(&until);
            }
            out.extend(paragraph(&heading, cols, 0, Tone::Section));
            out.extend(paragraph(message.as_str(), cols, 2, Tone::StatusMessage));
        }
        if let Some(message) = p.ooo_full() {
            out.push(Vec::new());
            out.extend(paragraph("Out-of-office message", cols, 0, Tone::Section));
            out.extend(paragraph(message.as_str(), cols, 2, Tone::OutOfOffice));
        }
        if let Some(view) = &self.calendar {
            out.extend(calendar::lines(view, self.now, self.tz, self.symbols, cols));
        }
        if p.stale && p.presence.is_some() {
            out.push(Vec::new());
            out.extend(paragraph(
                "Graph left this person out of its last answer: this is the last presence seen.",
                cols,
                0,
                Tone::Warning,
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

/// A labelled value, wrapped beside its label.
fn field<'a>(label: &str, value: &str, cols: usize, tone: Tone) -> Lines<'a> {
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
            vec![span(label, Tone::Plain), span(text, tone)]
        })
        .collect()
}

/// Text wrapped to the popup, indented by `indent` columns.
fn paragraph<'a>(text: &str, cols: usize, indent: usize, tone: Tone) -> Lines<'a> {
    wrap(text, cols.saturating_sub(indent).max(1))
        .into_iter()
        .map(|text| vec![span(" ".repeat(indent), Tone::Plain), span(text, tone)])
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
