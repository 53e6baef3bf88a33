//! Answers arriving: poll results merged by id, failures that keep the last good state, place names.

use std::sync::Arc;

use super::effect::Effect;
use super::msg::{FailureKind, PollData, PollFailure};
use super::person::Change;
use super::state::{App, FLASH};
use crate::graph::model::{WARM_AHEAD, warm};
use crate::graph::places::PlaceLookup;
use crate::roster::Roster;
use crate::text::SafeText;

impl App {
    pub(super) fn on_poll_data(&mut self, data: PollData, effects: &mut Vec<Effect>) {
        self.finish_loading();
        let now = self.now;
        self.schedule.stretch_to(data.min_interval);
        self.schedule.succeeded(now.instant);
        let roster_changed = self.team.set_roster(&data.roster, &self.options.collation);
        if roster_changed {
            self.resolve_watches();
        }
        if self
            .roster
            .as_ref()
            .is_none_or(|(r, _)| !Arc::ptr_eq(r, &data.roster))
        {
            self.roster = Some((data.roster, now.instant));
        }
        let mut answered = vec![false; self.team.people().len()];
        let mut saved_changed = roster_changed;
        let mut visible_changed = roster_changed;
        // Answers come in the order asked, which is the people's: each is looked for where the last
        // one ended, and hashed only when it is not there.
        let mut next = 0;
        let mut presences = data.presences.into_iter();
        for k in 0.. {
            if k % WARM_AHEAD == 0 {
                warm(presences.as_slice().iter().take(WARM_AHEAD));
            }
            let Some(presence) = presences.next() else {
                break;
            };
            // The very presence the next person holds (an unchanged element): found without
            // reading the presence.
            if let Some(person) = self.team.people_mut().get_mut(next) {
                let was_stale = person.stale;
                if person.keeps(&presence) {
                    visible_changed |= was_stale;
                    answered[next] = true;
                    next += 1;
                    continue;
                }
            }
            let Some(i) = self.team.position_from(&presence.id, next) else {
                continue;
            };
            next = i + 1;
            answered[i] = true;
            let person = &mut self.team.people_mut()[i];
            let was_stale = person.stale;
            let was_meeting = super::calendar::in_meeting(person.presence.as_deref());
            let change = person.apply(presence, now.utc);
            if change != Change::FirstSeen
                && was_meeting != super::calendar::in_meeting(person.presence.as_deref())
            {
                self.calendar.presence_moved(&person.id);
            }
            visible_changed |= was_stale || change != Change::None;
            saved_changed |= change != Change::None;
            if matches!(change, Change::Presence | Change::Details) {
                person.flash_until = Some(now.instant + FLASH);
                self.flash_end = Some(now.instant + FLASH);
            }
        }
        self.on_answers(&answered, effects);
        // Left out of the answer: keep what we knew, marked stale. Never seen: stays unknown.
        for (person, answered) in self.team.people_mut().iter_mut().zip(answered) {
            if !answered && person.presence.is_some() && !person.stale {
                person.stale = true;
                visible_changed = true;
            }
        }
        self.freshness.updated_at = Some(now.utc);
        self.freshness.refreshing = false;
        self.freshness.cached_at = None;
        self.freshness.error = None;
        self.freshness.throttled_until = None;
        self.freshness.signed_out = false;
        // Each poll says afresh what is wrong: a warning an earlier poll raised goes with the first
        // poll that does not raise it again.
        self.freshness.warning = data
            .problem
            .or_else(|| {
                (data.malformed > 0).then(|| {
                    SafeText::line(&format!(
                        "{} presence answer(s) could not be read; those people keep their last known state",
                        data.malformed
                    ))
                })
            })
            .or_else(|| unresolved_warning(self.team.profiles()?))
            .or_else(|| self.lasting_warning());
        if saved_changed || visible_changed {
            self.places.fill(self.team.people_mut());
        }
        if visible_changed {
            self.team.recount();
            self.rearrange();
        }
        if saved_changed {
            effects.push(Effect::Save(Box::new(self.snapshot())));
        }
        if let Some(ids) = self
            .places
            .to_ask(self.team.people(), saved_changed || visible_changed)
        {
            effects.push(Effect::LookUpPlaces(ids));
        }
        self.own_after_poll();
    }

    /// Place names arrived (or the lookup failed): shown at once, and kept in the snapshot.
    pub(super) fn on_places(&mut self, answer: Option<PlaceLookup>, effects: &mut Vec<Effect>) {
        let Some(lookup) = answer else {
            self.places.failed();
            return;
        };
        let denied = lookup.denied;
        if self.places.answered(lookup) {
            self.places.fill(self.team.people_mut());
            effects.push(Effect::Save(Box::new(self.snapshot())));
        }
        if denied {
            self.freshness.warning = self.lasting_warning();
        }
    }

    /// What the start found wrong with teamboard's files (others could change the config or the
    /// cache, the log is off): shown in the footer whenever no poll has something to say, until the
    /// board ends.
    pub fn warn_at_start(&mut self, warnings: &[SafeText]) {
        let joined: Vec<&str> = warnings.iter().map(SafeText::as_str).collect();
        self.start_warning = (!joined.is_empty()).then(|| SafeText::line(&joined.join("; ")));
        if self.freshness.warning.is_none() {
            self.freshness.warning = self.lasting_warning();
        }
    }

    /// What stays true from one poll to the next: a permission Graph refused, what the start found.
    pub(super) fn lasting_warning(&self) -> Option<SafeText> {
        let denied = self.places.is_denied().then(|| {
            SafeText::line(
                "place names need the Place.Read.All permission; showing Office / Remote only \
                 (or set place_names = false under [graph])",
            )
        });
        denied.or_else(|| self.start_warning.clone())
    }

    pub(super) fn on_poll_failure(&mut self, failure: PollFailure) {
        let now = self.now;
        self.freshness.refreshing = false;
        match failure.kind {
            FailureKind::Throttled { retry_after } => {
                self.schedule.throttled(now.instant, retry_after);
                self.freshness.throttled_until =
                    self.schedule.throttled_until(now.instant).map(|until| {
                        let wait = until.saturating_duration_since(now.instant);
                        now.utc
                            + jiff::SignedDuration::try_from(wait)
                                .unwrap_or(jiff::SignedDuration::ZERO)
                    });
            }
            FailureKind::SignedOut => {
                self.schedule.stopped();
                self.freshness.signed_out = true;
            }
            FailureKind::Failed => self.schedule.failed(now.instant),
        }
        self.freshness.error = Some(failure);
    }
}

/// Roster members that could not be resolved, in one footer line.
pub(super) fn unresolved_warning(roster: &Roster) -> Option<SafeText> {
    let first = roster.unresolved.first()?;
    Some(SafeText::line(&format!(
        "{} teammate(s) not found (first: {}: {}); check [team] in the config",
        roster.unresolved.len(),
        first.configured,
        first.reason
    )))
}
