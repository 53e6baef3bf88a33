//! Reading `getSchedule`'s answer element by element, leniently: unknown view characters, statuses
//! and properties become unknown values, never errors.

use serde_json::Value;

use super::{SLOT_MINS, Schedule, ScheduleAnswer, Slot, Unavailable, Window, WorkingHours};
use crate::graph::model::DateTimeTimeZone;
use crate::time_zone::custom::{CustomZone, Daylight, Switch, time_of_day_secs, weekday_number};
use crate::time_zone::{Expiry, expiry, time_zone};

/// Longest view kept: a 62-day window (Graph's limit) at 5-minute slots.
const MOST_SLOTS: usize = 62 * 24 * 12;

/// The availability view, one slot per character. Graph documents working elsewhere as both `4`
/// and `0`; both read as reachable. Anything undocumented is `Unknown`.
pub fn parse_view(view: &str) -> Vec<Slot> {
    view.chars()
        .take(MOST_SLOTS)
        .map(|c| match c {
            '0' => Slot::Free,
            '1' => Slot::Tentative,
            '2' => Slot::Busy,
            '3' => Slot::OutOfOffice,
            '4' => Slot::WorkingElsewhere,
            _ => Slot::Unknown,
        })
        .collect()
}

/// The answer's `value` list, each element paired with the address it answers (by `scheduleId`,
/// case-insensitively, else by position). `None` when there is no `value` list at all.
pub fn parse_answer(
    answer: &Value,
    asked: &[String],
    window: Window,
) -> Option<Vec<(String, ScheduleAnswer)>> {
    let items = answer.get("value")?.as_array()?;
    let mut out = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let Some(object) = item.as_object() else {
            continue;
        };
        let id = object.get("scheduleId").and_then(Value::as_str);
        let address = match id {
            Some(id) => asked.iter().find(|a| a.eq_ignore_ascii_case(id.trim())),
            None => asked.get(n),
        };
        let Some(address) = address else {
            continue;
        };
        out.push((
            address.clone(),
            schedule(item, id.unwrap_or(address), window),
        ));
    }
    Some(out)
}

fn schedule(item: &Value, id: &str, window: Window) -> ScheduleAnswer {
    if let Some(error) = item.get("error").filter(|e| e.is_object()) {
        return Err(unavailable(error));
    }
    let slots = match item.get("availabilityView").and_then(Value::as_str) {
        Some(view) if !view.is_empty() => parse_view(view),
        _ => from_items(item.get("scheduleItems"), window),
    };
    Ok(Schedule {
        schedule_id: id.to_owned(),
        slots,
        working_hours: item.get("workingHours").and_then(working_hours),
    })
}

fn unavailable(error: &Value) -> Unavailable {
    let code = error
        .get("responseCode")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = error.get("message").and_then(Value::as_str).unwrap_or(code);
    let lower = code.to_ascii_lowercase();
    if lower.contains("notfound") || lower.contains("invalidsmtp") {
        Unavailable::NotFound
    } else if lower.contains("access") || lower.contains("denied") || lower.contains("permission") {
        Unavailable::NotShared
    } else {
        Unavailable::Other(message.to_owned())
    }
}

/// Without a view, the slots from the items themselves: each slot takes the busiest item over it.
fn from_items(items: Option<&Value>, window: Window) -> Vec<Slot> {
    let slot = jiff::SignedDuration::from_mins(SLOT_MINS);
    let count = usize::try_from(window.start.duration_until(window.end).as_secs() / slot.as_secs())
        .unwrap_or(0)
        .min(MOST_SLOTS);
    let mut slots = vec![Slot::Free; count];
    for item in items.and_then(Value::as_array).into_iter().flatten() {
        let status = item
            .get("status")
            .and_then(Value::as_str)
            .map_or(Slot::Unknown, status);
        let (Some(start), Some(end)) = (instant(item.get("start")), instant(item.get("end")))
        else {
            continue;
        };
        for (n, s) in slots.iter_mut().enumerate() {
            let Some(from) = i32::try_from(n)
                .ok()
                .and_then(|n| window.start.checked_add(slot * n).ok())
            else {
                break;
            };
            let Ok(to) = from.checked_add(slot) else {
                break;
            };
            if from < end && to > start && rank(status) > rank(*s) {
                *s = status;
            }
        }
    }
    slots
}

/// How much a slot says about being busy, for merging items that overlap.
fn rank(slot: Slot) -> u8 {
    match slot {
        Slot::Free => 0,
        Slot::WorkingElsewhere => 1,
        Slot::Unknown => 2,
        Slot::Tentative => 3,
        Slot::Busy => 4,
        Slot::OutOfOffice => 5,
    }
}

/// A `scheduleItem` status ("busy"; the concepts page writes "Busy"), case-insensitively.
fn status(text: &str) -> Slot {
    match text.trim().to_ascii_lowercase().as_str() {
        "free" => Slot::Free,
        "tentative" => Slot::Tentative,
        "busy" => Slot::Busy,
        "oof" => Slot::OutOfOffice,
        "workingelsewhere" => Slot::WorkingElsewhere,
        _ => Slot::Unknown,
    }
}

fn instant(value: Option<&Value>) -> Option<jiff::Timestamp> {
    let value = value?;
    let dt = DateTimeTimeZone {
        date_time: value.get("dateTime")?.as_str()?.to_owned(),
        time_zone: value
            .get("timeZone")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    match expiry(&dt) {
        Expiry::At(ts) => Some(ts),
        Expiry::Never | Expiry::Unknown(_) => None,
    }
}

fn working_hours(value: &Value) -> Option<WorkingHours> {
    let mut days = 0u8;
    for day in value.get("daysOfWeek")?.as_array()? {
        if let Some(n) = day.as_str().and_then(weekday_number) {
            days |= 1 << n;
        }
    }
    let start_secs = time_of_day_secs(value.get("startTime")?.as_str()?)?;
    let end_secs = time_of_day_secs(value.get("endTime")?.as_str()?)?;
    let zone_value = value.get("timeZone");
    let zone_name = zone_value
        .and_then(|z| z.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let zone = zone_value.and_then(|z| {
        if z.get("bias").is_some() {
            custom_zone(z)
        } else {
            time_zone(&zone_name)
        }
    });
    Some(WorkingHours {
        days,
        start_secs,
        end_secs,
        zone,
        zone_name,
    })
}

/// A `#microsoft.graph.customTimeZone`: its bias and, when both are given with a month, its
/// standard and daylight switches.
fn custom_zone(zone: &Value) -> Option<jiff::tz::TimeZone> {
    let bias_mins = i32::try_from(zone.get("bias")?.as_i64()?).ok()?;
    let switch = |v: &Value| -> Option<Switch> {
        Some(Switch {
            month: u8::try_from(v.get("month")?.as_i64()?).ok()?,
            week: u8::try_from(v.get("dayOccurrence")?.as_i64()?).ok()?,
            weekday: weekday_number(v.get("dayOfWeek")?.as_str()?)?,
            time_secs: time_of_day_secs(v.get("time")?.as_str()?)?,
        })
    };
    let daylight = match (zone.get("standardOffset"), zone.get("daylightOffset")) {
        (Some(standard), Some(daylight))
            // Month 0: Windows' way of saying the zone keeps standard time all year.
            if daylight.get("month").and_then(Value::as_i64).unwrap_or(0) != 0 =>
        {
            Some(Daylight {
                starts: switch(daylight)?,
                ends: switch(standard)?,
                bias_mins: i32::try_from(daylight.get("daylightBias")?.as_i64()?).ok()?,
            })
        }
        _ => None,
    };
    CustomZone {
        bias_mins,
        daylight,
    }
    .to_time_zone()
}
