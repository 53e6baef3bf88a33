//! The cache: the board filled from the last snapshot before any network, completed after the first
//! frame, and the snapshot written back.

use std::sync::Arc;

use super::poll_answer::unresolved_warning;
use super::state::App;
use super::team::Team;
use crate::graph::model::Presence;
use crate::roster::Roster;
use crate::store::{NameOrder, Snapshot};

impl App {
    /// Fills the board from the cache, before any network: drawn at once, marked stale until a poll lands.
    /// A roster resolved less than `roster_ttl` ago goes to the first poll, so the refresher does not
    /// read and decode the roster file as well (2 MB at 10,000 people); one of unknown age does not.
    pub(super) fn load_snapshot(&mut self, snapshot: Snapshot) {
        let Snapshot {
            saved_at,
            roster,
            presences,
            last_changed,
            places,
            name_order,
        } = snapshot;
        self.places.load(places);
        let since = self.resolved_instant(&roster);
        self.team = Team::from_cache(
            Arc::clone(&roster),
            presences,
            last_changed,
            &self.options.collation,
            name_order,
        );
        self.resolve_watches();
        self.freshness.warning = unresolved_warning(&roster).or_else(|| self.lasting_warning());
        self.freshness.cached_at = Some(saved_at);
        self.rearrange();
        // The first screen (and you, in the header) complete before the first frame.
        let visible = self.view.visible();
        let on_screen: Vec<usize> = self.geometry().on_screen().map(|n| visible[n]).collect();
        let me = self.team.me().and_then(|id| self.team.position(id));
        self.team.finish_some(on_screen.into_iter().chain(me));
        self.places.fill(self.team.people_mut());
        if let Some(since) = since {
            self.roster = Some((roster, since));
        }
    }

    /// Completes what the cache load left out (out-of-office text, search data). Called right after
    /// the first frame, and by anything that needs it first (the filter, a poll).
    pub(super) fn finish_loading(&mut self) {
        if self.team.finish() {
            self.places.fill(self.team.people_mut());
        }
    }

    /// When `roster` was resolved, on the monotonic clock; `None` when that is unknown, in the future
    /// (clock skew) or before the clock can say.
    fn resolved_instant(&self, roster: &Roster) -> Option<std::time::Instant> {
        let age = self.now.utc.duration_since(roster.resolved_at?);
        let age = std::time::Duration::try_from(age).ok()?;
        self.now.instant.checked_sub(age)
    }

    /// What the cache keeps: the roster, every known presence as Graph sent it, and when each changed.
    pub fn snapshot(&self) -> Snapshot {
        let roster = self
            .roster
            .as_ref()
            .map_or_else(Arc::default, |(r, _)| Arc::clone(r));
        // Ranks only for the roster the people were built from: they line up with its people.
        let name_order = match self.team.profiles() {
            Some(built_from) if Arc::ptr_eq(built_from, &roster) => NameOrder {
                collation: self.options.collation.key(),
                ranks: self.team.name_order().to_vec(),
            },
            _ => NameOrder::default(),
        };
        Snapshot {
            saved_at: self.now.utc,
            roster,
            presences: self
                .team
                .people()
                .iter()
                .filter_map(|p| p.presence.clone())
                .collect::<Vec<Arc<Presence>>>(),
            last_changed: self
                .team
                .people()
                .iter()
                .filter_map(|p| Some((p.id.clone(), p.changed_at?)))
                .collect(),
            places: self.places.cached(),
            name_order,
        }
    }
}
