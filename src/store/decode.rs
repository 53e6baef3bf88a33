//! Cache files read back as untrusted input: a typed fast path for our own files, and a lossy path
//! (element by element, like a Graph batch) when something in them is off.

use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::graph::model::{Presence, UserId};
use crate::roster::Roster;

use super::{NameOrder, RosterFile, Snapshot, VERSION};

/// Everything but the roster, which `RosterIn` reads from the same text on another thread: the two
/// halves of the start-up's largest cost, side by side. Each skips what the other reads (a scan
/// without allocations, far cheaper than decoding it).
#[derive(Deserialize)]
struct SnapshotIn {
    version: u32,
    saved_at: jiff::Timestamp,
    presences: Vec<Shared>,
    last_changed: Vec<(UserId, jiff::Timestamp)>,
    #[serde(default)]
    places: Vec<(String, String)>,
    #[serde(default)]
    name_order: NameOrder,
}

#[derive(Deserialize)]
struct RosterIn {
    roster: Roster,
}

/// A presence read straight into its shared allocation: no list of 10,000 presences is built, grown
/// and copied out of first.
struct Shared(Arc<Presence>);

impl<'de> Deserialize<'de> for Shared {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Presence::deserialize(d).map(|p| Self(Arc::new(p)))
    }
}

/// A snapshot file. `Err` (a reason, untrusted: sanitize before logging) when it is not JSON, not
/// version 1, or its time or roster is unreadable; bad presence or age elements are dropped.
pub fn snapshot(bytes: &[u8]) -> Result<Snapshot, String> {
    // Our own well-formed file: typed passes (this is the start-up path, 10,000 people included).
    if let Some((s, RosterIn { roster })) = typed_halves(bytes) {
        check_version(Some(u64::from(s.version)))?;
        return Ok(Snapshot {
            saved_at: s.saved_at,
            roster: Arc::new(compact(roster)),
            // One allocation each (serde's own `Arc` decoding boxes, then copies).
            presences: s.presences.into_iter().map(|p| p.0).collect(),
            last_changed: s.last_changed,
            places: s.places,
            name_order: s.name_order,
        });
    }
    let mut root = object(bytes)?;
    check_version(version_of(&root))?;
    let saved_at = field::<jiff::Timestamp>(&mut root, "saved_at")?;
    let roster = field::<Roster>(&mut root, "roster")?;
    let (presences, dropped) = lossy_list::<Arc<Presence>>(root.remove("presences"));
    let (last_changed, dropped_ages) =
        lossy_list::<(UserId, jiff::Timestamp)>(root.remove("last_changed"));
    if dropped + dropped_ages > 0 {
        tracing::warn!(
            presences = dropped,
            ages = dropped_ages,
            "cached snapshot had unreadable entries; they were dropped"
        );
    }
    // Place names are a convenience: unreadable ones are simply asked again.
    let (places, _) = lossy_list::<(String, String)>(root.remove("places"));
    // So is the order of names: unreadable, it is made again.
    let name_order = root
        .remove("name_order")
        .and_then(|v| NameOrder::deserialize(v).ok())
        .unwrap_or_default();
    Ok(Snapshot {
        saved_at,
        roster: Arc::new(roster),
        presences,
        last_changed,
        places,
        name_order,
    })
}

/// The roster without the spare capacity decoding left (a list grown by doubling: up to 1 MB at
/// 10,000 people, held for as long as the board runs).
fn compact(mut roster: Roster) -> Roster {
    roster.members.shrink_to_fit();
    roster
}

/// A roster file: all or nothing (a roster with a hole would poll the wrong people).
pub fn roster_file(bytes: &[u8]) -> Result<RosterFile<Roster>, String> {
    // Our own well-formed file: one typed pass, no `Value` tree (at 10,000 people that tree added
    // about 7 MB to peak memory and took twice as long as the typed pass).
    if let Some(mut file) = typed::<RosterFile<Roster>>(bytes) {
        check_version(Some(u64::from(file.version)))?;
        file.roster = compact(file.roster);
        return Ok(file);
    }
    // Anything else gets the reason it is refused (and the same answers as before the fast path).
    let mut root = object(bytes)?;
    check_version(version_of(&root))?;
    let saved_at = field::<jiff::Timestamp>(&mut root, "saved_at")?;
    let roster = field::<Roster>(&mut root, "roster")?;
    Ok(RosterFile {
        version: VERSION,
        saved_at,
        roster,
    })
}

/// The whole file as our own types in one pass, or `None` when anything in it is off.
/// UTF-8 is checked once for the whole buffer (fast on ASCII) rather than string by string, as
/// `from_slice` would: about a tenth of the decode time at 10,000 people.
fn typed<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(bytes).ok()?;
    serde_json::from_str(text).ok()
}

/// `typed` for the roster and for the rest of the snapshot, on two threads; `None` when either
/// finds anything off.
fn typed_halves(bytes: &[u8]) -> Option<(SnapshotIn, RosterIn)> {
    let text = std::str::from_utf8(bytes).ok()?;
    std::thread::scope(|scope| {
        let roster = std::thread::Builder::new()
            .name("snapshot-roster".into())
            .spawn_scoped(scope, || serde_json::from_str::<RosterIn>(text).ok());
        let rest = serde_json::from_str::<SnapshotIn>(text).ok();
        let roster = match roster {
            Ok(handle) => handle.join().ok().flatten(),
            // No thread to be had: read here.
            Err(_) => serde_json::from_str::<RosterIn>(text).ok(),
        };
        Some((rest?, roster?))
    })
}

fn object(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    let text = String::from_utf8_lossy(bytes);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("not a JSON object".to_owned()),
        Err(e) => Err(format!("not JSON ({e})")),
    }
}

fn version_of(root: &serde_json::Map<String, Value>) -> Option<u64> {
    root.get("version").and_then(Value::as_u64)
}

fn check_version(version: Option<u64>) -> Result<(), String> {
    match version {
        Some(v) if v == u64::from(VERSION) => Ok(()),
        Some(v) => Err(format!(
            "format version {v}, this teamboard reads {VERSION}"
        )),
        None => Err("no format version".to_owned()),
    }
}

fn field<T: DeserializeOwned>(
    root: &mut serde_json::Map<String, Value>,
    name: &str,
) -> Result<T, String> {
    let value = root.remove(name).ok_or_else(|| format!("no \"{name}\""))?;
    T::deserialize(value).map_err(|e| format!("bad \"{name}\" ({e})"))
}

/// Each element on its own: the good ones kept, the count of bad ones returned.
fn lossy_list<T: DeserializeOwned>(value: Option<Value>) -> (Vec<T>, usize) {
    let Some(Value::Array(items)) = value else {
        return (Vec::new(), usize::from(value.is_some()));
    };
    let total = items.len();
    let good: Vec<T> = items
        .into_iter()
        .filter_map(|v| T::deserialize(v).ok())
        .collect();
    let dropped = total - good.len();
    (good, dropped)
}
