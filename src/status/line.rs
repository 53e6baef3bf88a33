//! `status --line`: counts per availability with the board's symbols, for a tmux status bar.

use crate::config::Symbols;
use crate::graph::model::Status;
use crate::presence_style::symbol;
use crate::text::tmux_escape;

use super::rows::Row;

/// `✓ 5  ● 3  ⊖ 0  ◷ 1  ⊗ 7`: the five groups always (so the bar does not jump about), unknown only
/// when someone is. No names, no colour; `#` doubled for tmux.
pub fn render(rows: &[Row], symbols: Symbols) -> String {
    let mut counts = [0usize; Status::ALL.len()];
    for row in rows {
        let status = row.presence.availability.status();
        if let Some(i) = Status::ALL.iter().position(|s| *s == status) {
            counts[i] += 1;
        }
    }
    let parts: Vec<String> = Status::ALL
        .iter()
        .zip(counts)
        .filter(|(s, n)| **s != Status::Unknown || *n > 0)
        .map(|(s, n)| format!("{} {n}", symbol(*s, false, symbols)))
        .collect();
    let mut line = tmux_escape(&parts.join("  "));
    line.push('\n');
    line
}

/// The counts of a snapshot that could not be refreshed, marked so: a status bar keeps showing what was
/// last known (instead of going blank while Graph is unreachable) and says it is old.
pub fn render_stale(rows: &[Row], symbols: Symbols) -> String {
    let mut line = render(rows, symbols);
    line.insert_str(line.len() - 1, STALE);
    line
}

/// Appended to a line of old counts (ASCII, nothing tmux reads as a format).
pub const STALE: &str = "  (stale)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{Availability, Presence, UserId};
    use crate::text::SafeText;

    fn row(availability: &str) -> Row {
        let mut presence = Presence::unknown(UserId::new("x"));
        presence.availability = Availability::parse(availability);
        Row {
            id: None,
            display_name: None,
            user_principal_name: None,
            mail: None,
            presence,
            unresolved: false,
            name: SafeText::line("#x"),
        }
    }

    #[test]
    fn counts_per_group_in_a_fixed_order() {
        let rows: Vec<Row> = [
            "Available",
            "AvailableIdle",
            "Busy",
            "InAMeeting",
            "Away",
            "BeRightBack",
            "Offline",
        ]
        .iter()
        .map(|a| row(a))
        .collect();
        assert_eq!(render(&rows, Symbols::Unicode), "✓ 2  ● 2  ⊖ 0  ◷ 2  ⊗ 1\n");
        assert_eq!(render(&rows, Symbols::Ascii), "+ 2  * 2  - 0  ~ 2  x 1\n");
        let with_unknown = [row("PresenceUnknown"), row("Sleeping")];
        assert_eq!(
            render(&with_unknown, Symbols::Ascii),
            "+ 0  * 0  - 0  ~ 0  x 0  ? 2\n"
        );
        assert!(!render(&rows, Symbols::Unicode).contains('#'));
        assert_eq!(
            render_stale(&rows, Symbols::Ascii),
            "+ 2  * 2  - 0  ~ 2  x 1  (stale)\n"
        );
    }
}
