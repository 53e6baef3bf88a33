//! A person's presence object as Graph sends it: the day's dynamics, the hostile overlay, and what
//! set-presence calls changed, with a sequence number that only grows.

use serde_json::{Map, Value, json};

use super::Sim;
use super::dynamics::{self, GenLocation};
use super::errors::GraphError;
use super::faults::lock;
use super::hostile;
use super::names::{PLACES, UTC_ZONE, ZONES};

/// What a set-presence call changed; the only per-person state the tenant keeps.
#[derive(Clone, Debug, Default)]
pub(crate) struct Override {
    preferred: Option<Preferred>,
    status: Option<SetStatus>,
    /// `setManualLocation`, until `clearLocation`.
    pub(crate) location: Option<super::own_presence::ManualLocation>,
    /// The sequence number the last set call produced.
    seq: u64,
}

#[derive(Clone, Debug)]
struct Preferred {
    availability: String,
    activity: String,
    until_ms: i64,
}

#[derive(Clone, Debug)]
struct SetStatus {
    content: String,
    content_type: String,
    /// (dateTime, timeZone) as sent, and the instant they name.
    expiry: Option<(String, String, i64)>,
    published_ms: i64,
}

/// Who is reading: yourself (expiry and published shown), another user, or a batch element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    Me,
    Other,
    Batch,
}

/// 2020-01-01T00:00:00Z: sequence numbers count tenths of a second from here.
const SEQ_EPOCH_MS: i64 = 1_577_836_800_000;
const NEVER: &str = "9999-12-31T23:59:59.9999999";

fn seq_at(ms: i64) -> u64 {
    ((ms - SEQ_EPOCH_MS).max(0) / 100) as u64
}

/// A fixed width, so comparing as strings is comparing as numbers.
fn seq_string(seq: u64) -> String {
    format!("A{:010}", seq.min(9_999_999_999))
}

/// `2025-03-04T17:30:00.0000000` in a zone `offset_minutes` from UTC.
fn wall_time(ms: i64, offset_minutes: i32) -> String {
    let local = jiff::Timestamp::from_millisecond(ms + i64::from(offset_minutes) * 60_000)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::UTC);
    format!(
        "{}.{:07}",
        local.strftime("%Y-%m-%dT%H:%M:%S"),
        local.subsec_nanosecond() / 100
    )
}

fn utc_stamp(ms: i64) -> String {
    format!("{}Z", wall_time(ms, 0))
}

/// A Windows zone name (or "UTC") to its offset; `None` for a zone Graph would not know.
pub(crate) fn zone_offset(windows: &str) -> Option<i32> {
    ZONES
        .iter()
        .find(|z| z.windows.eq_ignore_ascii_case(windows))
        .map(|z| z.offset_minutes)
}

/// The instant a `{dateTime, timeZone}` pair names; far-future values mean "never".
pub(crate) fn instant_of(date_time: &str, time_zone: &str) -> Option<i64> {
    let offset = zone_offset(time_zone)?;
    let civil: jiff::civil::DateTime = date_time.trim_end_matches('Z').parse().ok()?;
    if civil.year() >= 9999 {
        return Some(i64::MAX); // "never expires", past the end of representable instants
    }
    let utc = civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(utc.as_millisecond() - i64::from(offset) * 60_000)
}

impl Sim {
    /// The presence object of person `index` at sim time `now_ms`, as `reader` sees it.
    pub(crate) fn presence_json(&self, index: u32, now_ms: i64, reader: Reader) -> Value {
        let zone = self.tenant.zone_of(index);
        let base = dynamics::base(self.tenant.seed(), index, zone.offset_minutes, now_ms);
        let ov = lock(&self.overrides)
            .get(&index)
            .cloned()
            .unwrap_or_default();
        let hostile = self.hostile(index);
        let (mut availability, mut activity) = base.state.pair(base.modern);
        let mut seq = seq_at(base.changed_ms).max(ov.seq);

        if let Some(p) = &ov.preferred {
            if p.until_ms > now_ms {
                (availability, activity) = (p.availability.as_str(), p.activity.as_str());
            } else {
                seq = seq.max(seq_at(p.until_ms));
            }
        }
        if let Some(h) = &hostile {
            availability = h.availability.unwrap_or(availability);
            activity = h.activity.unwrap_or(activity);
        }
        if !self.has_presence_session(index) {
            (availability, activity) = ("Offline", "OffWork");
        }

        let id = self.tenant.user_id(index);
        let mut obj = Map::new();
        if reader != Reader::Batch {
            let path = if reader == Reader::Me {
                "me".to_owned()
            } else {
                format!("users('{id}')")
            };
            obj.insert(
                "@odata.context".into(),
                format!("https://graph.microsoft.com/v1.0/$metadata#{path}/presence/$entity")
                    .into(),
            );
        }
        obj.insert("id".into(), id.into());
        obj.insert("availability".into(), availability.into());
        obj.insert("activity".into(), activity.into());

        let status = self.status_json(
            &base,
            &ov,
            hostile.as_ref(),
            zone.offset_minutes,
            now_ms,
            &mut seq,
            reader,
        );
        match status {
            Some(s) => {
                obj.insert("statusMessage".into(), s);
            }
            // Batch answers spell "no message" as null; single reads leave it out (both occur).
            None if reader == Reader::Batch => {
                obj.insert("statusMessage".into(), Value::Null);
            }
            None => {}
        }
        let ooo = hostile.and_then(|h| h.out_of_office).or(base.out_of_office);
        obj.insert(
            "outOfOfficeSettings".into(),
            json!({ "message": ooo, "isOutOfOffice": ooo.is_some() }),
        );
        obj.insert("sequenceNumber".into(), seq_string(seq).into());
        let location = match hostile {
            Some(h) if h.location.is_some() || h.evil_place => {
                h.location.map(|(kind, source)| GenLocation {
                    kind,
                    source,
                    place: h.evil_place.then_some(PLACES.len()),
                })
            }
            _ => base.location,
        };
        if let Some(manual) = &ov.location {
            obj.insert(
                "workLocation".into(),
                json!({
                    "workLocationType": manual.kind,
                    "source": "manual",
                    "placeId": manual.place_id,
                }),
            );
        } else if let Some(l) = location {
            obj.insert(
                "workLocation".into(),
                json!({
                    "workLocationType": l.kind,
                    "source": l.source,
                    "placeId": l.place.map(|p| self.tenant.place_id(p)),
                }),
            );
        }
        if let Some(h) = hostile {
            if h.extra {
                obj.insert("@odata.type".into(), "#microsoft.graph.presence".into());
                obj.insert(
                    "futureProperty".into(),
                    json!({ "nested": [1, { "deep": true }], "flag": null }),
                );
                obj.insert("presenceVersion".into(), json!(3.5));
            }
            if h.malformed {
                obj.insert("availability".into(), json!(42));
                obj.insert("outOfOfficeSettings".into(), json!("yes"));
                obj.insert("sequenceNumber".into(), json!(7));
            }
        }
        Value::Object(obj)
    }

    #[allow(clippy::too_many_arguments)]
    fn status_json(
        &self,
        base: &dynamics::Base,
        ov: &Override,
        hostile: Option<&hostile::Hostile>,
        offset_minutes: i32,
        now_ms: i64,
        seq: &mut u64,
        reader: Reader,
    ) -> Option<Value> {
        let full = reader == Reader::Me;
        let message = |content: &str, content_type: &str| json!({ "content": content, "contentType": content_type });
        if let Some(text) = hostile.and_then(|h| h.status) {
            let mut v = json!({ "message": message(text, "text") });
            if full {
                v["expiryDateTime"] = json!({ "dateTime": NEVER, "timeZone": "UTC" });
                v["publishedDateTime"] = utc_stamp(self.clock.start_ms()).into();
            }
            return Some(v);
        }
        if let Some(set) = &ov.status {
            match set.expiry {
                Some((_, _, at)) if at <= now_ms => *seq = (*seq).max(seq_at(at)),
                _ if set.content.is_empty() => return None,
                _ => {
                    let mut v = json!({ "message": message(&set.content, &set.content_type) });
                    if full {
                        let (dt, tz) = set
                            .expiry
                            .as_ref()
                            .map_or((NEVER, "UTC"), |(dt, tz, _)| (dt.as_str(), tz.as_str()));
                        v["expiryDateTime"] = json!({ "dateTime": dt, "timeZone": tz });
                        v["publishedDateTime"] = utc_stamp(set.published_ms).into();
                    }
                    return Some(v);
                }
            }
        }
        let generated = base.status?;
        let mut v = json!({ "message": message(generated.text, "text") });
        if full {
            let expiry = match generated.expires_ms {
                None => json!({ "dateTime": NEVER, "timeZone": "UTC" }),
                Some(at) if generated.utc => {
                    json!({ "dateTime": wall_time(at, 0), "timeZone": ZONES[UTC_ZONE].windows })
                }
                Some(at) => {
                    let zone = ZONES
                        .iter()
                        .find(|z| z.offset_minutes == offset_minutes)
                        .map_or("UTC", |z| z.windows);
                    json!({ "dateTime": wall_time(at, offset_minutes), "timeZone": zone })
                }
            };
            v["expiryDateTime"] = expiry;
            v["publishedDateTime"] = utc_stamp(generated.published_ms).into();
        }
        Some(v)
    }

    /// The sequence number a change made now gets: past anything shown so far.
    fn bump(&self, index: u32, now_ms: i64) -> u64 {
        let shown = self.presence_json(index, now_ms, Reader::Batch);
        let current = shown["sequenceNumber"]
            .as_str()
            .and_then(|s| s.trim_start_matches('A').parse::<u64>().ok())
            .unwrap_or(0);
        (current + 1).max(seq_at(now_ms))
    }

    /// Makes a change to what a user set, with a sequence number past anything shown so far.
    fn change_override(&self, index: u32, change: impl FnOnce(&mut Override, i64)) {
        let now = self.clock.now_ms();
        let seq = self.bump(index, now);
        let mut overrides = lock(&self.overrides);
        let ov = overrides.entry(index).or_default();
        ov.seq = seq.max(ov.seq + 1);
        change(ov, now);
    }

    pub(crate) fn set_preferred(
        &self,
        index: u32,
        availability: &str,
        activity: &str,
        duration_ms: i64,
    ) {
        self.change_override(index, |ov, now| {
            ov.preferred = Some(Preferred {
                availability: availability.to_owned(),
                activity: activity.to_owned(),
                until_ms: now.saturating_add(duration_ms),
            });
        });
    }

    pub(crate) fn clear_preferred(&self, index: u32) {
        self.change_override(index, |ov, _| ov.preferred = None);
    }

    /// Sets (or with `None` clears) a user's manual work location.
    pub(crate) fn set_location(
        &self,
        index: u32,
        location: Option<super::own_presence::ManualLocation>,
    ) {
        self.change_override(index, |ov, _| ov.location = location);
    }

    pub(crate) fn set_status(
        &self,
        index: u32,
        content: &str,
        content_type: &str,
        expiry: Option<(String, String)>,
    ) -> Result<(), GraphError> {
        let expiry = match expiry {
            None => None,
            Some((dt, tz)) => {
                let at = instant_of(&dt, &tz).ok_or_else(|| {
                    GraphError::bad_request(format!(
                        "Invalid expiryDateTime '{dt}' in time zone '{tz}'."
                    ))
                })?;
                Some((dt, tz, at))
            }
        };
        // Sent on the caller's clock: what it meant is how long from now.
        let shift = self.wall_shift_ms();
        self.change_override(index, |ov, now| {
            ov.status = Some(SetStatus {
                content: content.to_owned(),
                content_type: content_type.to_owned(),
                expiry: expiry.map(|(dt, tz, at)| (dt, tz, at.saturating_add(shift))),
                published_ms: now,
            });
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_message_lasts_as_long_on_the_tenant_s_clock_as_the_caller_meant() {
        let wall = jiff::Timestamp::now();
        // Twenty minutes from now on the caller's clock; the tenant's stands ten hours ahead.
        let until = (wall + jiff::SignedDuration::from_mins(20))
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string();
        let shown = |on_wall_clock: bool| {
            let mut options = crate::sim::SimOptions::new(3, crate::sim::Scenario::Static);
            options.start = Some(wall + jiff::SignedDuration::from_hours(10));
            options.on_wall_clock = on_wall_clock;
            let sim = Sim::new(options);
            sim.set_status(0, "Focus", "text", Some((until.clone(), "UTC".into())))
                .unwrap();
            let presence = sim.presence_json(0, sim.clock.now_ms(), Reader::Me);
            presence["statusMessage"]["message"]["content"] == "Focus"
        };
        assert!(shown(true), "twenty minutes from the tenant's now");
        assert!(!shown(false), "tenant time: ten hours gone already");
    }

    #[test]
    fn sequence_numbers_compare_as_strings() {
        let a = seq_string(seq_at(SEQ_EPOCH_MS + 900));
        let b = seq_string(seq_at(SEQ_EPOCH_MS + 86_400_000 * 3_000));
        assert_eq!(a.len(), b.len());
        assert!(a < b);
        assert_eq!(a, "A0000000009");
    }

    #[test]
    fn times_are_written_as_graph_writes_them() {
        // 2025-03-04T16:30:00Z
        let ms = 1_741_105_800_000;
        assert_eq!(wall_time(ms, -480), "2025-03-04T08:30:00.0000000");
        assert_eq!(utc_stamp(ms + 123), "2025-03-04T16:30:00.1230000Z");
        assert_eq!(
            instant_of("2025-03-04T08:30:00.0000000", "Pacific Standard Time"),
            Some(ms)
        );
        assert_eq!(
            instant_of("2025-03-04T08:30:00", "Mars Standard Time"),
            None
        );
        assert_eq!(instant_of(NEVER, "UTC"), Some(i64::MAX));
    }
}
