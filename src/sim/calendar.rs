//! `getSchedule`: free/busy as Graph answers it, from the same working day presence moves through
//! (a person in a meeting has a busy block now), so the board's "free 14:30" and the presence it
//! shows agree. Working hours come in a spread of forms: Windows zone names, IANA names, and custom
//! zones with a bias and transition rules (the form Microsoft's own examples show). Some calendars
//! are not shared; a few people are out of office for the week.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::Sim;
use super::directory::segment;
use super::dynamics::{self, DAY, State as Day};
use super::errors::{GraphError, odata_json};
use super::ids::hash;
use super::names::Zone;

/// Graph's documented limit: schedules per request.
pub(crate) const MAX_SCHEDULES: usize = 20;
/// Graph's documented limit: the window is shorter than 62 days.
const MAX_WINDOW_DAYS: i64 = 62;

/// A free/busy block, in sim ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    pub start_ms: i64,
    pub end_ms: i64,
    pub status: Status,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    WorkingElsewhere,
    Tentative,
    Busy,
    Oof,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Self::WorkingElsewhere => "workingElsewhere",
            Self::Tentative => "tentative",
            Self::Busy => "busy",
            Self::Oof => "oof",
        }
    }

    /// The availability view's digit. Working elsewhere is written `0`, as the resource page says
    /// Graph does for backward compatibility.
    fn digit(self) -> char {
        match self {
            Self::WorkingElsewhere => '0',
            Self::Tentative => '1',
            Self::Busy => '2',
            Self::Oof => '3',
        }
    }
}

pub(crate) async fn me_schedule(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    answer(&sim, request).await
}

pub(crate) async fn user_schedule(
    State(sim): State<Arc<Sim>>,
    request: Request,
) -> Result<Response, GraphError> {
    let key = segment(&request, 1);
    sim.tenant
        .resolve(&key)
        .ok_or_else(|| GraphError::user_not_found(&key))?;
    answer(&sim, request).await
}

fn invalid(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, "ErrorInvalidParameter", message)
}

/// A property of the request body, its name matched without case (the concepts page writes
/// `Schedules` and `StartTime`).
fn property<'v>(body: &'v Value, name: &str) -> Option<&'v Value> {
    body.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn instant(value: Option<&Value>, name: &str) -> Result<Timestamp, GraphError> {
    let bad = || {
        invalid(format!(
            "'{name}' must be a dateTimeTimeZone with a known time zone."
        ))
    };
    let value = value.ok_or_else(bad)?;
    let dt = crate::graph::model::DateTimeTimeZone {
        date_time: value
            .get("dateTime")
            .and_then(Value::as_str)
            .ok_or_else(bad)?
            .to_owned(),
        time_zone: value
            .get("timeZone")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    match crate::time_zone::expiry(&dt) {
        crate::time_zone::Expiry::At(ts) => Ok(ts),
        _ => Err(bad()),
    }
}

/// `Prefer: outlook.timezone="Pacific Standard Time"`: the zone answers are written in.
fn preferred_zone(request: &Request) -> Option<(String, TimeZone)> {
    let value = request.headers().get_all("prefer").iter().find_map(|v| {
        let text = v.to_str().ok()?;
        let (_, rest) = text.split_once("outlook.timezone=")?;
        Some(rest.trim().trim_matches('"').to_owned())
    })?;
    let zone = crate::time_zone::time_zone(&value)?;
    Some((value, zone))
}

async fn answer(sim: &Sim, request: Request) -> Result<Response, GraphError> {
    let zone = preferred_zone(&request);
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .map_err(|_| invalid("The request body could not be read."))?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| invalid("The request body is not valid JSON."))?;
    let schedules = property(&body, "schedules")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("'schedules' must list at least one SMTP address."))?;
    if schedules.len() > MAX_SCHEDULES {
        return Err(invalid(format!(
            "Too many schedules: at most {MAX_SCHEDULES} can be asked for at once, {} were given.",
            schedules.len()
        )));
    }
    let start = instant(property(&body, "startTime"), "startTime")?;
    let end = instant(property(&body, "endTime"), "endTime")?;
    let span = start.duration_until(end).as_secs();
    if span <= 0 || span >= MAX_WINDOW_DAYS * DAY {
        return Err(invalid(format!(
            "The time window must end after it starts and be shorter than {MAX_WINDOW_DAYS} days."
        )));
    }
    let interval = match property(&body, "availabilityViewInterval") {
        None => 30,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(_) => 0,
    };
    if !(5..=1440).contains(&interval) {
        return Err(invalid(
            "'availabilityViewInterval' must be from 5 to 1440 minutes.",
        ));
    }
    let value: Vec<Value> = schedules
        .iter()
        .map(|s| {
            let address = s.as_str().unwrap_or_default();
            sim.schedule_json(address, start, end, interval, zone.as_ref())
        })
        .collect();
    Ok(odata_json(
        StatusCode::OK,
        &json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)",
            "value": value,
        }),
    ))
}

impl Sim {
    /// One `scheduleInformation`: the blocks, the view, the working hours, or an `error`.
    fn schedule_json(
        &self,
        address: &str,
        start: Timestamp,
        end: Timestamp,
        interval_mins: i64,
        zone: Option<&(String, TimeZone)>,
    ) -> Value {
        let Some(index) = self.tenant.resolve(address.trim()) else {
            return json!({
                "scheduleId": address,
                "availabilityView": "",
                "scheduleItems": [],
                "error": {
                    "message": format!("The recipient '{address}' was not found."),
                    "responseCode": "ErrorMailRecipientNotFound",
                },
            });
        };
        if !self.calendar_shared(index) {
            return json!({
                "scheduleId": address,
                "availabilityView": "",
                "scheduleItems": [],
                "error": {
                    "message": "Microsoft.Exchange.InfoWorker.Common.Availability.NoFreeBusyAccessException: No free/busy access.",
                    "responseCode": "ErrorNoFreeBusyAccess",
                },
            });
        }
        let shift = self.wall_shift_ms();
        let (from, to) = (start.as_millisecond(), end.as_millisecond());
        let mut blocks = self.blocks(index, from + shift, to + shift);
        for b in &mut blocks {
            b.start_ms -= shift;
            b.end_ms -= shift;
        }
        let items: Vec<Value> = blocks
            .iter()
            .map(|b| {
                json!({
                    "isPrivate": false,
                    "status": b.status.word(),
                    "start": wall(b.start_ms, zone),
                    "end": wall(b.end_ms, zone),
                })
            })
            .collect();
        json!({
            "scheduleId": address,
            "availabilityView": view(&blocks, start.as_millisecond(), end.as_millisecond(), interval_mins),
            "scheduleItems": items,
            "workingHours": self.working_hours_json(index),
        })
    }

    /// Most calendars are shared with the team; a few are not (you are always shared with
    /// yourself).
    pub(crate) fn calendar_shared(&self, index: u32) -> bool {
        index == self.me_index() || hash(&[self.tenant.seed(), u64::from(index), 0xCA2]) % 100 >= 8
    }

    /// Free/busy blocks of person `index` overlapping `from_ms..to_ms`, from their working days:
    /// meetings and presentations busy, focus time busy, some free stretches held tentatively, a
    /// week on leave one out-of-office block.
    pub(crate) fn blocks(&self, index: u32, from_ms: i64, to_ms: i64) -> Vec<Block> {
        let seed = self.tenant.seed();
        let zone = dynamics::Local::new(self.tenant.zone_of(index).offset_minutes);
        let day_start_ms = |day: i64| zone.day_start_ms(day);
        let mut blocks = Vec::new();
        let mut leave_weeks = Vec::new();
        for day in zone.day(from_ms)..=zone.day(to_ms) {
            let weekday = dynamics::weekday(day);
            let week = dynamics::week(day);
            if dynamics::on_leave(seed, index, week) {
                if !leave_weeks.contains(&week) {
                    leave_weeks.push(week);
                    let monday = day - weekday;
                    blocks.push(Block {
                        start_ms: day_start_ms(monday),
                        end_ms: day_start_ms(monday + 5),
                        status: Status::Oof,
                    });
                }
                continue;
            }
            if weekday >= 5 {
                continue;
            }
            let plan = dynamics::plan(seed, index, day);
            let at = |sod: i64| day_start_ms(day) + sod * 1000;
            // Some work from elsewhere on Fridays: the whole working day, meetings on top.
            if weekday == 4 && hash(&[seed, u64::from(index), 0xCA4]).is_multiple_of(4) {
                blocks.push(Block {
                    start_ms: at(plan.start),
                    end_ms: at(plan.end),
                    status: Status::WorkingElsewhere,
                });
            }
            for (n, (sod, state)) in plan.segments.iter().enumerate() {
                let until = plan.segments.get(n + 1).map_or(DAY, |(s, _)| *s);
                let status = match state {
                    Day::Meeting | Day::Presenting | Day::Focus => Some(Status::Busy),
                    Day::Available
                        if until - sod >= 30 * 60
                            && hash(&[seed, u64::from(index), day as u64, *sod as u64, 0xCA3])
                                .is_multiple_of(4) =>
                    {
                        Some(Status::Tentative)
                    }
                    _ => None,
                };
                if let Some(status) = status {
                    blocks.push(Block {
                        start_ms: at(*sod),
                        end_ms: at(until),
                        status,
                    });
                }
            }
        }
        blocks.retain(|b| b.end_ms > from_ms && b.start_ms < to_ms);
        blocks
    }

    /// Working hours in one of three forms, chosen per person: the Windows name of their zone,
    /// its IANA name, or a custom zone with its bias (and, for Pacific time, the documented
    /// daylight rules).
    fn working_hours_json(&self, index: u32) -> Value {
        let h = hash(&[self.tenant.seed(), u64::from(index), 0xCA1]);
        let zone = self.tenant.zone_of(index);
        let (start, end) = [
            ("08:00:00.0000000", "17:00:00.0000000"),
            ("09:00:00.0000000", "17:30:00.0000000"),
            ("08:30:00.0000000", "16:30:00.0000000"),
        ][(h >> 8) as usize % 3];
        let mut days = vec!["monday", "tuesday", "wednesday", "thursday", "friday"];
        if (h >> 16).is_multiple_of(12) {
            days.pop();
        }
        json!({
            "daysOfWeek": days,
            "startTime": start,
            "endTime": end,
            "timeZone": zone_json(zone, h % 10),
        })
    }
}

fn zone_json(zone: &Zone, form: u64) -> Value {
    match form {
        0..=5 => json!({ "name": zone.windows }),
        6 | 7 => {
            let iana = crate::time_zone::windows_to_iana(zone.windows)
                .and_then(|names| names.first().copied())
                .unwrap_or("Etc/UTC");
            json!({ "name": iana })
        }
        _ if zone.windows == "Pacific Standard Time" => json!({
            "@odata.type": "#microsoft.graph.customTimeZone",
            "bias": 480,
            "name": "Customized Time Zone",
            "standardOffset": {
                "time": "02:00:00.0000000", "dayOccurrence": 1, "dayOfWeek": "sunday",
                "month": 11, "year": 0
            },
            "daylightOffset": {
                "daylightBias": -60, "time": "02:00:00.0000000", "dayOccurrence": 2,
                "dayOfWeek": "sunday", "month": 3, "year": 0
            },
        }),
        _ => json!({
            "@odata.type": "#microsoft.graph.customTimeZone",
            "bias": -zone.offset_minutes,
            "name": "Customized Time Zone",
            "standardOffset": {
                "time": "00:00:00.0000000", "dayOccurrence": 0, "dayOfWeek": "sunday",
                "month": 0, "year": 0
            },
            "daylightOffset": {
                "daylightBias": 0, "time": "00:00:00.0000000", "dayOccurrence": 0,
                "dayOfWeek": "sunday", "month": 0, "year": 0
            },
        }),
    }
}

/// A `dateTimeTimeZone` in UTC, or in the zone the `Prefer` header asked for.
fn wall(ms: i64, zone: Option<&(String, TimeZone)>) -> Value {
    let at = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let (name, tz) = zone.map_or(("UTC", TimeZone::UTC), |(n, z)| (n.as_str(), z.clone()));
    json!({
        "dateTime": at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S.0000000").to_string(),
        "timeZone": name,
    })
}

/// One digit per interval: the busiest block over it, `0` where none is.
fn view(blocks: &[Block], from_ms: i64, to_ms: i64, interval_mins: i64) -> String {
    let step = interval_mins * 60_000;
    let count = (to_ms - from_ms + step - 1) / step;
    (0..count)
        .map(|n| {
            let (a, b) = (from_ms + n * step, from_ms + (n + 1) * step);
            blocks
                .iter()
                .filter(|bl| bl.start_ms < b && bl.end_ms > a)
                .map(|bl| bl.status)
                .max()
                .map_or('0', Status::digit)
        })
        .collect()
}
