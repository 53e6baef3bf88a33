//! The details' calendar part: whether the calendar could be read, when they are free or back,
//! their local time and working hours in words, and today's strip from your morning to your
//! evening in 15-minute cells, the current one marked.

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Lines, field, local_time, paragraph};
use crate::app::calendar::free::{FreeAt, differs, slot_of, slot_start};
use crate::app::calendar::{CalendarView, Reading};
use crate::app::popup::{Tone, span};
use crate::config::Symbols;
use crate::graph::schedule::{Slot, WorkingHours};
use crate::text::SafeText;

/// Your day as the strip shows it: 07:00 to 20:00 local.
const DAY_FROM_HOUR: i8 = 7;
const DAY_TO_HOUR: i8 = 20;

/// The mark after a local time outside working hours.
pub fn off_hours_mark(symbols: Symbols) -> &'static str {
    match symbols {
        Symbols::Unicode => "☾",
        Symbols::Ascii => "~",
    }
}

/// The symbol of a slot, so the strip reads without colour.
pub fn slot_symbol(slot: Slot, symbols: Symbols) -> &'static str {
    match (symbols, slot) {
        (Symbols::Unicode, Slot::Free) => "·",
        (_, Slot::WorkingElsewhere) => "~",
        (Symbols::Unicode, Slot::Tentative) => "▒",
        (Symbols::Unicode, Slot::Busy) => "█",
        (Symbols::Unicode, Slot::OutOfOffice) => "▓",
        (Symbols::Ascii, Slot::Free) => ".",
        (Symbols::Ascii, Slot::Tentative) => "t",
        (Symbols::Ascii, Slot::Busy) => "#",
        (Symbols::Ascii, Slot::OutOfOffice) => "o",
        (_, Slot::Unknown) => " ",
    }
}

pub fn lines<'a>(
    view: &CalendarView<'_>,
    now: Timestamp,
    tz: &TimeZone,
    symbols: Symbols,
    cols: usize,
) -> Lines<'a> {
    let mut out: Lines<'a> = vec![Vec::new()];
    out.extend(paragraph("Calendar", cols, 0, Tone::Section));
    match view.reading {
        Reading::NotShared => {
            out.extend(field("Calendar", "calendar not shared", cols, Tone::Muted));
            return out;
        }
        Reading::NotFound => {
            out.extend(field(
                "Calendar",
                "no calendar found for this address",
                cols,
                Tone::Muted,
            ));
            return out;
        }
        Reading::Failed(why) => {
            let text = format!("could not be read: {why}");
            out.extend(field("Calendar", &text, cols, Tone::Warning));
            return out;
        }
        Reading::Known { .. } => {}
    }
    let facts = view.facts;
    if let Some(until) = facts.out_until {
        let text = format!("until {}", local_time(until, now, tz));
        out.extend(field("Out", &text, cols, Tone::OutOfOffice));
    }
    let free = match facts.free {
        Some(FreeAt::Now) => "now".to_owned(),
        Some(FreeAt::At(at)) => local_time(at, now, tz),
        None => "nothing free in the days read".to_owned(),
    };
    out.extend(field("Free", &free, cols, Tone::Plain));
    if let Some(hours) = view.hours {
        if let Some(zone) = &hours.zone
            && differs(zone, tz, now)
        {
            let clock = now.to_zoned(zone.clone()).strftime("%H:%M").to_string();
            let text = if facts.outside_hours {
                format!("{clock} {} outside working hours", off_hours_mark(symbols))
            } else {
                clock
            };
            out.extend(field("Their time", &text, cols, Tone::Plain));
        }
        out.extend(field("Hours", &hours_words(hours, now), cols, Tone::Plain));
    }
    out.extend(strip(view, now, tz, symbols, cols));
    if view.stale {
        out.extend(paragraph(
            "The last calendar read failed: this is the schedule read before.",
            cols,
            0,
            Tone::Warning,
        ));
    }
    out
}

/// "Mon–Fri 08:00–17:00, Pacific Standard Time (UTC-07:00 now)".
pub fn hours_words(hours: &WorkingHours, now: Timestamp) -> String {
    let clock = |secs: u32| format!("{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60);
    let name = SafeText::line(&hours.zone_name);
    let zone = match &hours.zone {
        Some(z) => {
            let offset = z.to_offset(now);
            format!("{name} (UTC{offset} now)")
        }
        None => format!("{name} (time zone not recognised)"),
    };
    format!(
        "{} {}–{}, {zone}",
        days_words(hours.days),
        clock(hours.start_secs),
        clock(hours.end_secs)
    )
}

/// Working days as words: a run as "Mon–Fri", anything else listed.
fn days_words(days: u8) -> String {
    const NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    // Weeks start on Monday here: Monday..Sunday as 1..=6, 0.
    let order = [1usize, 2, 3, 4, 5, 6, 0];
    let set: Vec<usize> = order.into_iter().filter(|d| days & (1 << d) != 0).collect();
    if set.is_empty() {
        return "no working days".into();
    }
    let positions: Vec<usize> = set
        .iter()
        .map(|d| order.iter().position(|o| o == d).unwrap_or(0))
        .collect();
    let contiguous = positions.windows(2).all(|w| w[1] == w[0] + 1);
    if contiguous && set.len() > 2 {
        format!("{}–{}", NAMES[set[0]], NAMES[set[set.len() - 1]])
    } else {
        set.iter().map(|d| NAMES[*d]).collect::<Vec<_>>().join(", ")
    }
}

/// Today from your morning to your evening, one cell per slot, hours labelled every two hours,
/// the current slot marked underneath. Narrower popups show the cells around now.
fn strip<'a>(
    view: &CalendarView<'_>,
    now: Timestamp,
    tz: &TimeZone,
    symbols: Symbols,
    cols: usize,
) -> Lines<'a> {
    let label = super::LABEL;
    let room = cols.saturating_sub(label);
    if room < 8 {
        return Vec::new();
    }
    let today = now.to_zoned(tz.clone()).date();
    let at_hour = |h: i8| {
        today
            .at(h, 0, 0, 0)
            .to_zoned(tz.clone())
            .map_or(now, |z| z.timestamp())
    };
    let (first, last) = (
        slot_of(at_hour(DAY_FROM_HOUR)),
        slot_of(at_hour(DAY_TO_HOUR)),
    );
    let here = slot_of(now);
    let cells = usize::try_from(last - first).unwrap_or(0).min(room);
    let cells_i = i64::try_from(cells).unwrap_or(0);
    let start = (here - cells_i / 4).clamp(first, (last - cells_i).max(first));
    let mut hours = String::new();
    let mut strip = Vec::with_capacity(cells + 1);
    strip.push(span(format!("{:<label$}", "Today"), Tone::Plain));
    let mut mark = format!("{:<label$}", "");
    for n in start..start + cells_i {
        let at = slot_start(n);
        let local = at.to_zoned(tz.clone());
        let label_here = local.minute() == 0 && local.hour() % 2 == 1;
        if label_here && hours.chars().count() + 2 <= cells {
            while hours.chars().count() < usize::try_from(n - start).unwrap_or(0) {
                hours.push(' ');
            }
            let _ = write!(hours, "{:02}", local.hour());
        }
        let slot = view.slot_at(at);
        let tone = if n == here {
            Tone::SlotNow(slot)
        } else {
            Tone::Slot(slot)
        };
        strip.push(span(slot_symbol(slot, symbols), tone));
        if n == here {
            let _ = write!(mark, "^ now {}", now.to_zoned(tz.clone()).strftime("%H:%M"));
        } else if n < here {
            mark.push(' ');
        }
    }
    let mut out: Lines<'a> = vec![
        vec![
            span(" ".repeat(label), Tone::Plain),
            span(hours, Tone::Muted),
        ],
        strip,
    ];
    if (start..start + cells_i).contains(&here) {
        out.push(vec![span(mark, Tone::Muted)]);
    }
    let legend: Vec<String> = [
        (Slot::Free, "free"),
        (Slot::Tentative, "tentative"),
        (Slot::Busy, "busy"),
        (Slot::OutOfOffice, "out of office"),
        (Slot::WorkingElsewhere, "elsewhere"),
    ]
    .iter()
    .map(|(s, w)| format!("{} {w}", slot_symbol(*s, symbols)))
    .collect();
    out.extend(paragraph(&legend.join("  "), cols, label, Tone::Muted));
    out
}
