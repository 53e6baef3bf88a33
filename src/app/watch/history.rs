//! Today's transitions seen by this board, per person, for the detail view ("Available 09:12 · In a
//! meeting 10:00 · Available 10:47"). In memory for the session only, never written anywhere; a
//! day's entries go when the next day's first one comes.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::graph::model::{IdMap, UserId};
use crate::text::SafeText;

/// Entries kept per person: a day of a person flapping should not grow without end.
pub const MAX_PER_PERSON: usize = 48;

#[derive(Debug, Default)]
pub struct History {
    seen: IdMap<Vec<(Timestamp, SafeText)>>,
}

impl History {
    /// `id` was seen changing to `words` at `at`. A repeat of the last state is not a
    /// transition; entries of an earlier local day are dropped.
    pub fn record(&mut self, id: &UserId, words: &SafeText, at: Timestamp, tz: &TimeZone) {
        let entries = self.seen.entry(id.clone()).or_default();
        if entries.last().is_some_and(|(_, w)| w == words) {
            return;
        }
        let today = at.to_zoned(tz.clone()).date();
        entries.retain(|(t, _)| t.to_zoned(tz.clone()).date() == today);
        if entries.len() == MAX_PER_PERSON {
            entries.remove(0);
        }
        entries.push((at, words.clone()));
    }

    /// Today's transitions for `id` (local day of `now`), oldest first.
    pub fn today<'a>(
        &'a self,
        id: &UserId,
        now: Timestamp,
        tz: &'a TimeZone,
    ) -> impl Iterator<Item = &'a (Timestamp, SafeText)> + 'a {
        let today = now.to_zoned(tz.clone()).date();
        self.seen
            .get(id)
            .into_iter()
            .flatten()
            .filter(move |(t, _)| t.to_zoned(tz.clone()).date() == today)
    }

    /// "Available 09:12 · In a meeting 10:00", or `None` before anything was seen today.
    pub fn line(&self, id: &UserId, now: Timestamp, tz: &TimeZone) -> Option<String> {
        let parts: Vec<String> = self
            .today(id, now, tz)
            .map(|(at, words)| {
                format!(
                    "{} {}",
                    words.as_str(),
                    at.to_zoned(tz.clone()).strftime("%H:%M")
                )
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn keeps_todays_changes_in_order_and_drops_repeats_and_yesterday() {
        let mut h = History::default();
        let tz = TimeZone::UTC;
        let ann = UserId::new("ann");
        let words = |w: &str| SafeText::line(w);
        h.record(&ann, &words("Offline"), t("2025-03-03T18:00:00Z"), &tz);
        h.record(&ann, &words("Available"), t("2025-03-04T09:12:00Z"), &tz);
        h.record(&ann, &words("Available"), t("2025-03-04T09:30:00Z"), &tz);
        h.record(&ann, &words("In a meeting"), t("2025-03-04T10:00:00Z"), &tz);
        h.record(&ann, &words("Available"), t("2025-03-04T10:47:00Z"), &tz);
        assert_eq!(
            h.line(&ann, t("2025-03-04T11:00:00Z"), &tz).as_deref(),
            Some("Available 09:12 · In a meeting 10:00 · Available 10:47")
        );
        assert_eq!(h.line(&ann, t("2025-03-05T08:00:00Z"), &tz), None);
        assert_eq!(
            h.line(&UserId::new("bob"), t("2025-03-04T11:00:00Z"), &tz),
            None
        );
    }

    #[test]
    fn a_flapping_day_is_capped() {
        let mut h = History::default();
        let tz = TimeZone::UTC;
        let id = UserId::new("x");
        let start = t("2025-03-04T08:00:00Z");
        for i in 0..200 {
            let w = if i % 2 == 0 { "Busy" } else { "Available" };
            let at = start + jiff::SignedDuration::from_mins(i);
            h.record(&id, &SafeText::line(w), at, &tz);
        }
        assert_eq!(h.today(&id, start, &tz).count(), MAX_PER_PERSON);
    }
}
