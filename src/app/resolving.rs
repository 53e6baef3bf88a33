//! A start without a roster: people appear as their names are looked up, and the header says how
//! far it has come ("resolving 4,200 of 10,000"), so a large team's first start is never a blank board.

use super::state::App;
use crate::roster::Progress;

/// How far the roster's resolution has come: people settled (found or not), of how many when known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resolving {
    pub resolved: usize,
    pub total: Option<usize>,
}

impl Resolving {
    /// "resolving 4,200 of 10,000", or "resolving 4,200" while a group's size is not known.
    pub fn line(self) -> String {
        match self.total {
            Some(total) => format!("resolving {} of {}", grouped(self.resolved), grouped(total)),
            None => format!("resolving {}", grouped(self.resolved)),
        }
    }
}

/// A count with thousands separated by commas.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl App {
    /// More of the roster is known: anyone new is shown at once (presence unknown until the poll that
    /// follows the resolution); the poll's roster then puts everyone in order.
    pub(super) fn on_resolving(&mut self, progress: Progress) {
        let Progress {
            users,
            resolved,
            total,
        } = progress;
        self.resolving = Some(Resolving { resolved, total });
        if self.team.add_found(users, &self.options.collation) {
            self.rearrange();
        }
    }

    /// The poll the resolution belonged to has ended. True when the board should start from its first
    /// card: while names came in, the first found by name was selected, a choice nobody made, and
    /// following it would open the board scrolled to wherever that person sorts now.
    pub(super) fn end_resolution(&mut self) -> bool {
        self.resolving.take().is_some() && self.view.cursor() == 0
    }

    /// While the roster is being resolved: how far it has come.
    pub fn resolving(&self) -> Option<Resolving> {
        self.resolving
    }
}

#[cfg(test)]
mod tests;
